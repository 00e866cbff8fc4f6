"""The summary as tables: requests with a totals row, windows, groups, totals and speed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from rich.console import Group as RichGroup  # summary has a Group of its own
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from llmstat.dataclass import dataclass
from llmstat.record import Record, Tokens
from llmstat.report.chart import Chart, render_chart
from llmstat.report.table import (
    Column,
    fmt_cost,
    fmt_float,
    fmt_int,
    fmt_ms,
    record_columns,
    render_table,
)
from llmstat.summary.builder import Group, ModelStats, Stats, Summary, Window
from llmstat.summary.filters import sort_records
from llmstat.summary.percentiles import Percentiles


def fmt_rate(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def fmt_local(dt: datetime, tz: tzinfo) -> str:
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _fmt_end(w: Window, tz: tzinfo) -> str:
    start, end = w.start.astimezone(tz), w.end.astimezone(tz)
    return end.strftime("%H:%M" if end.date() == start.date() else "%m-%d %H:%M")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# counts, tokens and hit rate of a window or a group (anything holding ``stats``)
STAT_COLUMNS: tuple[Column, ...] = (
    Column("reqs", lambda x: fmt_int(x.stats.requests), True, 100),
    Column("input", lambda x: fmt_int(x.stats.tokens.input), True, 95),
    Column("cache rd", lambda x: fmt_int(x.stats.tokens.cache_read), True, 60),
    Column("output", lambda x: fmt_int(x.stats.tokens.output), True, 95),
    Column("hit", lambda x: fmt_rate(x.stats.cache_hit_rate), True, 70),
)
COST_COLUMN = Column("cost", lambda x: fmt_cost(x.stats.cost_usd), True, 90)


def _used(w: Window) -> str:
    util = None if w.laid is None or w.laid.utilization is None else w.laid.utilization["last"]
    return fmt_percent(util)


def _window_status(w: Window) -> str:
    if w.laid is None or w.laid.anchor == "guessed":
        return "guessed"
    return w.laid.status or "-"


# --window-anchor server: how much of the window the server said was used, and its status
SERVER_COLUMNS: tuple[Column, ...] = (
    Column("used", _used, True, 85),
    Column("status", _window_status, False, 75, 15),
)


def fmt_percent(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.0f}%"


def stat_columns(cost: bool) -> tuple[Column, ...]:
    return (*STAT_COLUMNS, COST_COLUMN) if cost else STAT_COLUMNS


@dataclass(frozen=True, slots=True)
class _Sub:
    """A ``--breakdown`` row: one model's share of the window or group above it."""

    label: str
    stats: Stats


def _with_subs(rows: Sequence[Window] | Sequence[Group]) -> list[Window | Group | _Sub]:
    out: list[Window | Group | _Sub] = []
    for row in rows:
        out.append(row)
        out.extend(_Sub(f"└ {m.model or '-'}", m.stats) for m in row.breakdown or ())
    return out


def _label_width(labels: Sequence[str], subs: Sequence[Window | Group | _Sub]) -> int:
    """Wide enough for every window or key, and for most of a model name (cut past that)."""
    sub_widths = [len(x.label) for x in subs if isinstance(x, _Sub)]
    return max([*map(len, labels), min(28, max(sub_widths, default=0))])


def windows_table(windows: Sequence[Window], tz: tzinfo, width: int, title: str, cost: bool = True) -> Table:
    if any(w.breakdown for w in windows):
        return _windows_breakdown_table(windows, tz, width, title, cost)
    columns = (
        Column("start", lambda w: fmt_local(w.start, tz), False, 110, shrink=False),
        Column("end", lambda w: _fmt_end(w, tz), False, 105, shrink=False),
        *stat_columns(cost),
        *(SERVER_COLUMNS if any(w.laid for w in windows) else ()),
        Column("models", lambda w: ", ".join(w.stats.models) or "-", False, 40, 40),
    )
    return render_table(windows, columns, width, title=title)


def _windows_breakdown_table(
    windows: Sequence[Window], tz: tzinfo, width: int, title: str, cost: bool
) -> Table:
    """One ``window`` column, the models' rows under each window's."""

    def label(x: Window | _Sub) -> str:
        return x.label if isinstance(x, _Sub) else f"{fmt_local(x.start, tz)}  {_fmt_end(x, tz)}"

    rows = _with_subs(windows)
    widest = _label_width([label(w) for w in windows], rows)
    columns = (Column("window", label, False, 110, widest, shrink=False), *stat_columns(cost))
    return render_table(rows, columns, width, title=title)


def _key_cell(i: int) -> Callable[[Group | _Sub], str]:
    def cell(g: Group | _Sub) -> str:
        if isinstance(g, _Sub):
            return g.label if i == 0 else ""
        value = g.key[i][1]
        return "-" if value is None else str(value)

    return cell


def groups_table(
    groups: Sequence[Group], by: Sequence[str], width: int, title: str, cost: bool = True
) -> Table:
    """A row per group; with ``--breakdown`` (and no ``model`` key: its groups are one model
    each) the models' rows under each group's, named in the first key column."""
    rows: Sequence[Window | Group | _Sub] = groups
    first: int | None = None
    if "model" not in by and any(g.breakdown for g in groups):
        rows = _with_subs(groups)
        first = _label_width([_key_cell(0)(g) for g in groups], rows)
    keys = tuple(
        Column(name, _key_cell(i), False, 110, first if i == 0 else None, shrink=False)
        for i, name in enumerate(by)
    )
    columns = (
        *keys,
        *stat_columns(cost),
        Column("TTFT p50", lambda g: fmt_ms(g.stats.ttft_ms.p50), True, 50),
        Column("TTFT p95", lambda g: fmt_ms(g.stats.ttft_ms.p95), True, 20),
        Column("prefill p50", lambda g: fmt_float(g.stats.prompt_tps.p50), True, 40),
        Column("t/s p50", lambda g: fmt_float(g.stats.output_tps.p50), True, 45),
        Column("dur p50", lambda g: fmt_ms(g.stats.duration_ms.p50), True, 30),
        Column("dur p95", lambda g: fmt_ms(g.stats.duration_ms.p95), True, 10),
    )
    return render_table(rows, columns, width, title=title)


def models_table(breakdown: Sequence[ModelStats], width: int, cost: bool = True) -> Table:
    """``--breakdown`` without windows or groups: the totals, a row per model."""
    groups = [Group((("model", m.model),), m.stats) for m in breakdown]
    return groups_table(groups, ("model",), width, "By model", cost)


def requests_table(
    summary: Summary, width: int, cost: bool = True, sort: str | None = None, reverse: bool = False
) -> Table:
    """The per-request table of ``parse``, with a last row adding up the tokens (and cost)."""
    t = summary.totals.tokens
    total = Record(
        source="total",
        entry=0,
        api="",
        model=_plural(summary.totals.requests, "request"),
        tokens=Tokens(t.input, t.output, t.cache_read, t.cache_write, t.reasoning),
        cost_usd=summary.totals.cost_usd,
    )
    records = summary.requests if sort is None else sort_records(summary.requests, sort)
    if reverse:
        records = records[::-1]
    table = render_table([*records, total], record_columns(cost), width, title="Requests")
    table.rows[-1].style = "bold"
    return table


@dataclass(frozen=True, slots=True)
class _Speed:
    """One row of the speed table: a measure's percentiles and how to write them."""

    label: str
    values: Percentiles
    fmt: str  # "ms" or "rate"

    def cell(self, v: float | None) -> str:
        return fmt_ms(v) if self.fmt == "ms" else fmt_float(v)


_SPEED_COLUMNS = (
    Column("", lambda s: s.label, False, 100),
    Column("p50", lambda s: s.cell(s.values.p50), True, 90),
    Column("p95", lambda s: s.cell(s.values.p95), True, 80),
    Column("p99", lambda s: s.cell(s.values.p99), True, 70),
)


def cost_line(totals: Stats) -> str:
    """``cost $1.23``, saying how many requests with tokens have no price; "" with --no-cost."""
    if totals.unpriced is None:
        return ""
    line = f"\n        cost {fmt_cost(totals.cost_usd)}"
    if totals.unpriced:
        line += f" ({_plural(totals.unpriced, 'request')} with tokens but no price)"
    return line


def ratelimit_line(ratelimit: dict[str, Any] | None) -> str:
    """One line for ``totals.ratelimit``: "" when no response carried rate-limit headers."""
    if not ratelimit:
        return ""
    parts = [f"{_plural(ratelimit['records'], 'response')} with limits"]
    if ratelimit["rejected"]:
        parts.append(f"{ratelimit['rejected']:,} refused")
    if ratelimit["retry_after_max_s"] is not None:
        parts.append(f"retry-after up to {ratelimit['retry_after_max_s']:g} s")
    return "\n        rate limits: " + ", ".join(parts)


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def active_lines(active: dict[str, Any], tz: tzinfo) -> Text:
    """``--active``: the latest window, as ccusage's ``blocks --active`` shows its block."""
    start, end = active["start"], active["end"]
    head = f"Active  {fmt_local(start, tz)} - {fmt_local(end, tz)} ({active['anchor']})"
    reset = "ended" if active["ended"] else f"resets in {_span(active['resets_in_s'])}"
    used = active["utilization"]
    lines = [
        head,
        f"        {reset}; {_plural(active['requests'], 'request')}, {active['tokens']:,} tokens"
        + ("" if used is None else f", {fmt_percent(used)} used (the server's last figure)"),
    ]
    if active["tokens_per_hour"] is not None:
        rate = f"        burn rate {active['tokens_per_hour']:,.0f} tokens/h"
        if active["utilization_per_hour"] is not None:
            rate += f", {active['utilization_per_hour'] * 100:.1f}% of the window/h"
        lines.append(rate)
    return Text("\n".join(lines))


def _fold(line: str, width: int) -> list[str]:
    """A totals line cut at a comma or parenthesis to fit ``width``, continued indented."""
    out: list[str] = []
    while len(line) > width:
        cut = max(line.rfind(", ", 0, width), line.rfind(" (", 0, width))
        if cut <= 10:
            break
        keep = cut + 1 if line[cut] == "," else cut
        out.append(line[:keep])
        line = " " * 10 + line[keep:].lstrip()
    return [*out, line]


def totals_lines(
    totals: Stats, undated_note: str | None, ratelimit: dict[str, Any] | None = None, width: int = 1 << 16
) -> Text:
    t = totals.tokens
    head = _plural(totals.requests, "request")
    extra = []
    if totals.undated:
        extra.append(f"{totals.undated:,} undated" + (f" ({undated_note})" if undated_note else ""))
    if totals.dated_by_body:
        extra.append(f"{totals.dated_by_body:,} dated by body")
    if totals.errors:
        extra.append(_plural(totals.errors, "error"))
    if extra:
        head += ": " + ", ".join(extra)
    text = (
        f"Totals  {head}\n"
        f"        input {fmt_int(t.input)} (cache read {fmt_int(t.cache_read)}, "
        f"cache write {fmt_int(t.cache_write)})\n"
        f"        output {fmt_int(t.output)} (reasoning {fmt_int(t.reasoning)})\n"
        f"        cache hit rate {fmt_rate(totals.cache_hit_rate)}"
        + cost_line(totals)
        + ratelimit_line(ratelimit)
    )
    return Text("\n".join(part for line in text.split("\n") for part in _fold(line, width)))


def speed_table(totals: Stats, width: int) -> Table:
    rows = [
        _Speed("TTFT", totals.ttft_ms, "ms"),
        _Speed("prefill t/s", totals.prompt_tps, "rate"),
        _Speed("decode t/s", totals.output_tps, "rate"),
        _Speed("duration", totals.duration_ms, "ms"),
    ]
    # prefill speed only servers report (llama.cpp, Ollama): no row of dashes for the others
    rows = [r for r in rows if r.label != "prefill t/s" or r.values.p50 is not None]
    return render_table(rows, _SPEED_COLUMNS, width)


def render_summary(
    summary: Summary,
    *,
    width: int,
    tz: tzinfo,
    tz_name: str,
    requests: bool,
    window_title: str | None,
    by: Sequence[str],
    cost: bool = True,
    sort: str | None = None,
    chart: Chart | None = None,
    reverse: bool = False,
) -> list[RenderableType]:
    """What the table format prints, top to bottom, each part separated by a blank line; under
    the last, what the tables leave out (warnings, skipped entries)."""
    parts: list[RenderableType] = []
    if requests and summary.requests:
        parts.append(requests_table(summary, width, cost, sort, reverse))
    undated_note = None
    if window_title is not None:
        undated_note = "in no window"
        if summary.windows:
            windows = summary.windows[::-1] if reverse else summary.windows
            parts.append(windows_table(windows, tz, width, f"{window_title} ({tz_name})", cost))
        else:
            parts.append(Text("no dated requests: no windows"))
    if by:
        groups = summary.groups[::-1] if reverse else summary.groups
        parts.append(groups_table(groups, by, width, "By " + ", ".join(by), cost))
    elif window_title is None and summary.breakdown:
        parts.append(models_table(summary.breakdown, width, cost))
    if chart is not None:
        parts.extend(render_chart(chart, width=width, tz=tz, tz_name=tz_name, cost=cost))
    parts.append(totals_lines(summary.totals, undated_note, summary.ratelimit, width))
    if summary.active is not None:
        parts.append(active_lines(summary.active, tz))
    if summary.requests:
        parts.append(speed_table(summary.totals, width))
    notes = _notes(summary)
    if notes is not None:
        parts[-1] = RichGroup(parts[-1], notes)  # right under the last part, no blank line between
    return parts


def _notes(summary: Summary) -> Text | None:
    """What the tables leave out, pointing to the JSON."""
    notes = []
    warned = sum(1 for r in summary.requests if r.warnings)
    if warned:
        notes.append(f"{warned:,} with warnings")
    if summary.skipped:
        dups = sum(1 for s in summary.skipped if s.reason.startswith("duplicate"))
        notes.append(f"{len(summary.skipped):,} skipped" + (f" ({dups:,} duplicates)" if dups else ""))
    if not notes:
        return None
    return Text(", ".join(notes) + " (details: --format json)", style="yellow")
