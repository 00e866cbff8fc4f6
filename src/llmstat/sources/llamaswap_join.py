"""An activity entry and a capture of the same request are one record (CONTRACT.md, "llama-swap
activity logs"): the entry dates it and says how it ended, the capture's body says what it
used. They usually come from different inputs (``activity.db`` and ``captures.db``, or a
folder holding both), so the join runs over a run's results, where they all meet.

Ids are llama-swap's own request numbers, unique within one instance (a store's
``database_id``, the ``db-<id>`` folder of a ``.cap`` file); inputs that name no instance may
hold several (an in-memory llama-swap counts from 1 again after each restart), so an id that
could pair with more than one distinct partner pairs with none and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from llmstat.dataclass import dataclass
from llmstat.lazy_regex import compile_later
from llmstat.record import Record
from llmstat.sources.inputs import InputResult

_DB_FOLDER = compile_later(r"(?:^|[\\/])db-([^\\/]+)[\\/]")


def instance_of(rec: Record) -> str | None:
    """The llama-swap instance a record belongs to, when its input says."""
    if rec.origin is not None and rec.origin.instance is not None:
        return rec.origin.instance
    if rec.origin is None or rec.origin.kind == "capture":
        m = _DB_FOLDER.search(rec.source)  # <dir>/db-<id>/<id/1000>/<id>.cap
        return m.group(1) if m else None
    return None


def _is_entry(rec: Record) -> bool:
    return rec.origin is not None and rec.origin.kind == "activity"


def _is_numbered_entry(rec: Record) -> bool:
    """An activity entry with its id: what the join pairs with a capture."""
    return rec.capture_id is not None and _is_entry(rec)


def _is_llamaswap(rec: Record) -> bool:
    return rec.capture_id is not None or rec.origin is not None


def has_llamaswap_records(res: InputResult) -> bool:
    """Whether the join may change the records of ``res``."""
    return any(map(_is_llamaswap, res.records))


def has_entries(res: InputResult) -> bool:
    """Whether ``res`` holds an activity entry with an id: without one in a run, the join
    changes nothing."""
    return any(map(_is_numbered_entry, res.records))


def join_results(results: Iterable[InputResult]) -> Iterator[InputResult]:
    """The results in order, each activity entry joined to its capture: inputs without llama-swap
    records pass straight through until the first that has some; from there on every result is
    held until the last input has been read, then joined."""
    held: list[InputResult] = []
    for res in results:
        if held or has_llamaswap_records(res):
            held.append(res)
        else:
            yield res
    if held:
        join_in_place(held)
        yield from held


@dataclass(slots=True)
class _Side:
    """Records one request may be known by: an entry and its repeats (pages fetched while
    requests arrived), or one capture."""

    instance: str | None
    members: list[tuple[int, int]]  # (result, record) positions


def join_in_place(results: list[InputResult]) -> bool:
    """Join the entries of ``results`` to their captures; whether any record changed (an entry
    paired, or an id marked ambiguous)."""
    entries: dict[int, dict[tuple[str | None, str | None], _Side]] = {}
    for i, res in enumerate(results):
        for j, rec in enumerate(res.records):
            if _is_numbered_entry(rec):
                assert rec.origin is not None and rec.capture_id is not None
                instance = instance_of(rec)
                key = (instance, rec.origin.ended)
                side = entries.setdefault(rec.capture_id, {}).setdefault(key, _Side(instance, []))
                side.members.append((i, j))
    if not entries:
        return False  # a folder of captures alone: nothing to join them to
    # only the captures an entry may pair with are looked at
    captures: dict[int, dict[tuple[object, ...], _Side]] = {}
    for i, res in enumerate(results):
        for j, rec in enumerate(res.records):
            cid = rec.capture_id
            if cid is None or cid not in entries or _is_entry(rec):
                continue
            if rec.origin is None or rec.origin.kind == "capture":
                instance = instance_of(rec)
                # copies of one capture (its file and a database of the same instance, or one
                # blob saved twice) are one partner, not rivals
                same: tuple[object, ...] = (
                    ("instance", instance) if instance else ("response", rec.id) if rec.id else ("at", i, j)
                )
                side = captures.setdefault(cid, {}).setdefault(same, _Side(instance, []))
                side.members.append((i, j))
    dropped: set[tuple[int, int]] = set()
    changed = False
    for cid, by_key in entries.items():
        caps = list(captures.get(cid, {}).values())
        if caps:
            changed = _pair(cid, list(by_key.values()), caps, results, dropped) or changed
    touched = {i for i, _ in dropped}
    for i, res in enumerate(results):
        if i in touched:
            res.records = [r for j, r in enumerate(res.records) if (i, j) not in dropped]
    return changed or bool(dropped)


def _compatible(a: str | None, b: str | None) -> bool:
    # instances "differ" only when both are known
    return a is None or b is None or a == b


def _pair(
    cid: int,
    entries: list[_Side],
    caps: list[_Side],
    results: list[InputResult],
    dropped: set[tuple[int, int]],
) -> bool:
    """Pair the entries of one id with its captures; whether an ambiguity was marked."""
    marked = False

    def at(pos: tuple[int, int]) -> Record:
        return results[pos[0]].records[pos[1]]

    for entry in entries:
        partners = [c for c in caps if _compatible(entry.instance, c.instance)]
        if not partners:
            continue
        rivals = [e for e in entries if _compatible(e.instance, partners[0].instance)]
        if len(partners) == 1 and len(rivals) == 1:
            capture = partners[0]
            for pos in entry.members:
                results[pos[0]].records[pos[1]] = joined(at(pos), at(capture.members[0]))
            dropped.update(capture.members)
            continue
        for side in (entry, *partners):
            for pos in side.members:
                rec = at(pos)
                note = f"ambiguous llama-swap id {cid}"
                if note not in rec.warnings:
                    rec.warnings.append(note)
                    marked = True
    return marked


def joined(entry: Record, capture: Record) -> Record:
    """One record at the entry's place: when, where and how it ended from the entry; what the
    response said from the capture's body, each falling back to the entry's."""
    body_spoke = capture.id is not None or capture.tokens.any_reported() or capture.api != "unknown"
    warnings = list(entry.warnings)
    warnings.extend(w for w in capture.warnings if w not in warnings)
    return replace(
        entry,
        api=entry.api if entry.api != "unknown" else capture.api,
        stream=capture.stream if body_spoke else entry.stream,
        id=capture.id,
        created=capture.created,
        method=capture.method,
        host=capture.host,
        model=entry.model or capture.model,
        tokens=capture.tokens if capture.tokens.any_reported() else entry.tokens,
        ttft_ms=capture.ttft_ms if capture.ttft_ms is not None else entry.ttft_ms,
        prompt_tps=capture.prompt_tps if capture.prompt_tps is not None else entry.prompt_tps,
        output_tps=capture.output_tps if capture.output_tps is not None else entry.output_tps,
        draft=capture.draft if capture.draft is not None else entry.draft,
        session=capture.session,
        cost_usd=capture.cost_usd,
        cost_source=capture.cost_source,
        recorded_cost_usd=capture.recorded_cost_usd,
        priced_parts=capture.priced_parts,
        error=entry.error if entry.error is not None else capture.error,
        warnings=warnings,
        extras={**entry.extras, **capture.extras},
        ratelimit=capture.ratelimit,
    )
