"""``llmstat summarize`` without the printing: dedupe, date range, totals, windows, groups.

The result is CONTRACT.md's summary object; :meth:`Summary.as_dict` is its JSON shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from llmstat.dataclass import dataclass
from llmstat.record import TOKEN_FIELDS, Record, Skipped, iso_utc, tidy
from llmstat.summary.clock import Clock, dated_by_body, started_or_created
from llmstat.summary.dedupe import Deduper
from llmstat.summary.groups import KeyValue, group_records
from llmstat.summary.options import SummaryOptions
from llmstat.summary.percentiles import Percentiles, percentiles
from llmstat.summary.ratelimits import LaidWindow, active_window, lay_server_windows, ratelimit_totals
from llmstat.summary.windows import Anchor, spans_of

__all__ = ["Summary", "SummaryBuilder", "SummaryOptions", "summarize_records"]


if TYPE_CHECKING:
    from typing import NotRequired, TypedDict

    from llmstat.summary.percentiles import PercentilesJson

    # The JSON shapes, for the type checker only: a TypedDict made at run time turns each of its
    # annotations into a compiled ForwardRef, a millisecond a run for classes nothing calls.

    class TokensJson(TypedDict):
        input: int | None
        output: int | None
        cache_read: int | None
        cache_write: int | None
        reasoning: int | None

    class _MeasuresJson(TypedDict):
        requests: int
        errors: int
        tokens: TokensJson
        cache_hit_rate: float | None
        cost_usd: float | None
        cost_recorded_usd: float | None
        cost_calculated_usd: float | None
        unpriced: int | None

    class BreakdownJson(_MeasuresJson):
        model: str | None

    class _SpeedJson(TypedDict):
        ttft_ms: PercentilesJson
        prompt_tps: PercentilesJson  # prefill, the speed llama.cpp users read first
        output_tps: PercentilesJson
        duration_ms: PercentilesJson

    class _BreakdownPart(TypedDict, total=False):
        breakdown: list[BreakdownJson]  # with --breakdown

    class TotalsJson(_MeasuresJson, _SpeedJson, _BreakdownPart):
        undated: int
        dated_by_body: int
        ratelimit: dict[str, Any] | None

    class _ServerPart(TypedDict, total=False):
        # with --window-anchor server
        anchor: str
        resets_at: str | None
        utilization: dict[str, float | None] | None
        rejected: int

    class WindowJson(_MeasuresJson, _BreakdownPart, _ServerPart):
        start: str
        end: str
        models: list[str]

    class GroupJson(_MeasuresJson, _SpeedJson, _BreakdownPart):
        key: dict[str, KeyValue]

    class SkippedJson(TypedDict):
        source: str
        entry: int
        reason: str

    class SummaryJson(TypedDict):
        requests: NotRequired[list[dict[str, Any]]]
        totals: TotalsJson
        windows: list[WindowJson]
        groups: list[GroupJson]
        skipped: list[SkippedJson]
        active: NotRequired[dict[str, Any]]  # with --active


@dataclass(frozen=True, slots=True)
class TokenSums:
    """Sums of the reported values; a field that no record reports is null, as on a record."""

    input: int | None = None
    output: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None
    reasoning: int | None = None

    def as_dict(self) -> TokensJson:
        return cast("TokensJson", asdict(self))


@dataclass(frozen=True, slots=True)
class Stats:
    """What a bag of records adds up to: the totals, and each window's and group's figures."""

    requests: int
    undated: int
    errors: int
    tokens: TokenSums
    cache_hit_rate: float | None
    ttft_ms: Percentiles
    prompt_tps: Percentiles
    output_tps: Percentiles
    duration_ms: Percentiles
    models: tuple[str, ...]
    # USD over the priced records, null when none was priced or pricing is off (--no-cost)
    cost_usd: float | None = None
    # records that report tokens but have no cost; null when pricing is off
    unpriced: int | None = None
    # records with no clock of their own, dated by the response's ``created``
    dated_by_body: int = 0
    # the parts of cost_usd the providers recorded and llmstat calculated
    cost_recorded_usd: float | None = None
    cost_calculated_usd: float | None = None


def stats_of(records: Sequence[Record], cost: bool = True, clock: Clock = started_or_created) -> Stats:
    # One pass over the records (a summary's totals go over every one of them, after the last
    # input is read): each record's clock read once, its tokens taken as one tuple and summed
    # field by field in locals (a loop over the five cost a record a third as much again).
    s_input = s_output = s_read = s_write = s_reasoning = None  # None until a record reports it
    read = input_ = 0
    both = False
    undated = by_body = errors = unpriced = 0
    ttft: list[float] = []
    prompt_tps: list[float] = []
    output_tps: list[float] = []
    duration: list[float] = []
    models: set[str] = set()
    costs: list[float] = []
    recorded: list[float] = []
    calculated: list[float] = []
    for r in records:
        values = _token_values(r.tokens)
        n_input, n_output, n_read, n_write, n_reasoning = values  # TOKEN_FIELDS, in order
        if n_input is not None:
            s_input = (s_input or 0) + n_input
        if n_output is not None:
            s_output = (s_output or 0) + n_output
        if n_read is not None:
            s_read = (s_read or 0) + n_read
            if n_input is not None:
                both = True
                read += n_read
                input_ += n_input
        if n_write is not None:
            s_write = (s_write or 0) + n_write
        if n_reasoning is not None:
            s_reasoning = (s_reasoning or 0) + n_reasoning
        instant = clock(r)
        if instant is None:
            undated += 1
        elif dated_by_body(r, instant):
            by_body += 1
        if r.error is not None:
            errors += 1
        if r.ttft_ms is not None:
            ttft.append(r.ttft_ms)
        if r.prompt_tps is not None:
            prompt_tps.append(r.prompt_tps)
        if r.output_tps is not None:
            output_tps.append(r.output_tps)
        if r.duration_ms is not None:
            duration.append(r.duration_ms)
        if r.model:
            models.add(r.model)
        if r.cost_usd is not None:
            costs.append(r.cost_usd)
            if r.cost_source == "recorded":
                recorded.append(r.cost_usd)
            elif r.cost_source == "calculated":
                calculated.append(r.cost_usd)
        elif values != _NO_TOKENS:
            unpriced += 1
    return Stats(
        requests=len(records),
        undated=undated,
        dated_by_body=by_body,
        errors=errors,
        tokens=TokenSums(s_input, s_output, s_read, s_write, s_reasoning),
        cache_hit_rate=read / input_ if both and input_ else None,
        ttft_ms=percentiles(ttft),
        prompt_tps=percentiles(prompt_tps),
        output_tps=percentiles(output_tps),
        duration_ms=percentiles(duration),
        models=tuple(sorted(models)),
        cost_usd=_fsum(costs) if cost else None,
        unpriced=unpriced if cost else None,
        cost_recorded_usd=_fsum(recorded) if cost else None,
        cost_calculated_usd=_fsum(calculated) if cost else None,
    )


_token_values = attrgetter(*TOKEN_FIELDS)
_NO_TOKENS = (None,) * len(TOKEN_FIELDS)


def _fsum(costs: list[float]) -> float | None:
    return math.fsum(costs) if costs else None


@dataclass(frozen=True, slots=True)
class ModelStats:
    """One ``--breakdown`` row: a window's, group's or the totals' requests of one model."""

    model: str | None
    stats: Stats

    def as_dict(self) -> BreakdownJson:
        return {"model": self.model, **_measures(self.stats)}


def breakdown_of(records: Sequence[Record], cost: bool = True) -> tuple[ModelStats, ...]:
    """Per-model stats, the costliest first (then the most tokens, then by name)."""
    by_model: dict[str | None, list[Record]] = {}
    for r in records:
        by_model.setdefault(r.model, []).append(r)
    rows = [ModelStats(m, stats_of(rs, cost)) for m, rs in by_model.items()]
    rows.sort(key=lambda row: row.model or "\uffff")
    rows.sort(key=lambda row: (row.stats.tokens.input or 0) + (row.stats.tokens.output or 0), reverse=True)
    rows.sort(key=lambda row: row.stats.cost_usd or 0.0, reverse=True)
    return tuple(rows)


def _breakdown_json(rows: tuple[ModelStats, ...] | None) -> _BreakdownPart:
    return {} if rows is None else {"breakdown": [row.as_dict() for row in rows]}


def _measures(s: Stats) -> _MeasuresJson:
    return {
        "requests": s.requests,
        "errors": s.errors,
        "tokens": s.tokens.as_dict(),
        "cache_hit_rate": s.cache_hit_rate,
        "cost_usd": s.cost_usd,
        "cost_recorded_usd": s.cost_recorded_usd,
        "cost_calculated_usd": s.cost_calculated_usd,
        "unpriced": s.unpriced,
    }


def _speed(s: Stats) -> _SpeedJson:
    return {
        "ttft_ms": s.ttft_ms.as_dict(),
        "prompt_tps": s.prompt_tps.as_dict(),
        "output_tps": s.output_tps.as_dict(),
        "duration_ms": s.duration_ms.as_dict(),
    }


@dataclass(frozen=True, slots=True)
class Window:
    """A usage window: its span and what was used in it."""

    start: datetime
    end: datetime
    stats: Stats
    breakdown: tuple[ModelStats, ...] | None = None  # with --breakdown
    laid: LaidWindow | None = None  # with --window-anchor server: what the server said of it

    def as_dict(self) -> WindowJson:
        return {
            "start": iso_utc(self.start),
            "end": iso_utc(self.end),
            **_measures(self.stats),
            "models": list(self.stats.models),
            **_breakdown_json(self.breakdown),
            **_server_json(self.laid),
        }


def _server_json(laid: LaidWindow | None) -> _ServerPart:
    if laid is None:
        return {}
    return {
        "anchor": laid.anchor,
        "resets_at": None if laid.resets_at is None else iso_utc(laid.resets_at),
        "utilization": laid.utilization,
        "rejected": laid.rejected,
    }


@dataclass(frozen=True, slots=True)
class Group:
    """The requests sharing one ``--by`` key, with their statistics."""

    key: tuple[tuple[str, KeyValue], ...]
    stats: Stats
    breakdown: tuple[ModelStats, ...] | None = None  # with --breakdown

    def as_dict(self) -> GroupJson:
        return {
            "key": dict(self.key),
            **_measures(self.stats),
            **_speed(self.stats),
            **_breakdown_json(self.breakdown),
        }


def totals_as_dict(
    s: Stats, breakdown: tuple[ModelStats, ...] | None = None, ratelimit: dict[str, Any] | None = None
) -> TotalsJson:
    # the contract's order: requests, undated, errors, ...
    return {
        "requests": s.requests,
        "undated": s.undated,
        "dated_by_body": s.dated_by_body,
        **_measures(s),
        **_speed(s),
        "ratelimit": ratelimit,
        **_breakdown_json(breakdown),
    }


@dataclass(frozen=True, slots=True)
class Summary:
    """What ``summarize`` reports: totals, windows, groups and the requests."""

    requests: tuple[Record, ...]
    totals: Stats
    windows: tuple[Window, ...]
    groups: tuple[Group, ...]
    skipped: tuple[Skipped, ...]
    # undated records that --since/--until left out: they cannot be placed in the range
    undated_out_of_range: int = 0
    breakdown: tuple[ModelStats, ...] | None = None  # of the totals, with --breakdown
    # totals.ratelimit: what the responses' rate-limit headers add up to (null: none had any)
    ratelimit: dict[str, Any] | None = None
    # --window-anchor server found no reset to lay windows from: every window is guessed
    no_server_resets: bool = False
    # --active: the latest window (summary/ratelimits.active_window), None without --active
    active: dict[str, Any] | None = None
    # when a record happened: what the windows and groups read (--clock)
    clock: Clock = started_or_created

    def as_dict(self, requests: bool = True) -> SummaryJson:
        out: SummaryJson = {
            "totals": totals_as_dict(self.totals, self.breakdown, self.ratelimit),
            "windows": [w.as_dict() for w in self.windows],
            "groups": [g.as_dict() for g in self.groups],
            "skipped": [{"source": s.source, "entry": s.entry, "reason": s.reason} for s in self.skipped],
        }
        if self.active is not None:
            out["active"] = {
                **self.active,
                "start": iso_utc(self.active["start"]),
                "end": iso_utc(self.active["end"]),
            }
        out = tidy(out)
        if requests:
            return {"requests": [r.as_dict() for r in self.requests], **out}
        return out


class SummaryBuilder:
    """Takes each input's records and skipped entries in input order, then builds the Summary.

    The records come already narrowed to the filters (``--model``, ``--api``, ...): the reader
    applies them once. ``price`` is called on each record that is counted (it is no duplicate
    and is in the date range), before its stats are taken: :meth:`llmstat.pricing.pricer.Pricer.apply`.
    """

    def __init__(self, options: SummaryOptions, price: Callable[[list[Record]], None] | None = None) -> None:
        self.options = options
        self._price = price
        self._records: list[Record] = []
        self._skipped: list[Skipped] = []
        self._dedupe = Deduper() if options.dedupe else None
        self._undated_out = 0

    def add(self, records: Iterable[Record], skipped: Iterable[Skipped] = ()) -> None:
        """One input's records; the first of each ``(api, id)`` in input order wins."""
        opts = self.options
        dropped = list(skipped)
        kept: list[Record] = []
        if self._dedupe is not None:
            records = self._dedupe.keep(records, dropped)
        for r in records:
            if opts.range.bounded:
                t = opts.clock(r)
                if t is None:
                    self._undated_out += 1
                    continue
                if t not in opts.range:
                    continue
            kept.append(r)
        if self._price is not None:
            self._price(kept)
        self._records.extend(kept)
        # each source's skipped entries and duplicates together, in entry order
        sources = {s.source: i for i, s in reversed(list(enumerate(dropped)))}
        self._skipped.extend(sorted(dropped, key=lambda s: (sources[s.source], s.entry)))

    def build(self) -> Summary:
        opts = self.options
        records = self._records
        cost = opts.cost

        def breakdown(members: Sequence[Record]) -> tuple[ModelStats, ...] | None:
            return breakdown_of(members, cost) if opts.breakdown else None

        windows: list[Window] = []
        laid_all: list[LaidWindow] = []
        no_resets = False
        if opts.window is not None:
            dated = [(t, r) for r in records if (t := opts.clock(r)) is not None]
            if opts.anchor.kind == "server":
                laid, found = lay_server_windows(dated, opts.window, Anchor(), opts.tz)
                laid_all = laid
                no_resets = bool(dated) and not found
                for w in laid:
                    items = w.span.items
                    windows.append(
                        Window(w.span.start, w.span.end, stats_of(items, cost), breakdown(items), w)
                    )
            else:
                for span in spans_of(dated, opts.window, opts.anchor, opts.tz):
                    windows.append(
                        Window(span.start, span.end, stats_of(span.items, cost), breakdown(span.items))
                    )
                    laid_all.append(LaidWindow(span, "guessed"))
        groups: list[Group] = []
        if opts.by:
            for key, members in group_records(records, opts.by, opts.tz, opts.clock):
                groups.append(
                    Group(tuple(zip(opts.by, key, strict=True)), stats_of(members, cost), breakdown(members))
                )
        return Summary(
            requests=tuple(records),
            totals=stats_of(records, cost, opts.clock),
            windows=tuple(windows),
            groups=tuple(groups),
            skipped=tuple(self._skipped),
            undated_out_of_range=self._undated_out,
            breakdown=breakdown(records),
            ratelimit=ratelimit_totals(records),
            no_server_resets=no_resets,
            active=None if opts.now is None else active_window(laid_all, opts.now),
            clock=opts.clock,
        )


def summarize_records(
    records: Iterable[Record], options: SummaryOptions | None = None, skipped: Iterable[Skipped] = ()
) -> Summary:
    """Library entry point: one summary over records already in input order."""
    builder = SummaryBuilder(options or SummaryOptions())
    builder.add(records, skipped)
    return builder.build()
