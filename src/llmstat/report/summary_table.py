"""The summary as tables: requests with a totals row, windows, groups, totals and speed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from llmstat.record import Record, Tokens
from llmstat.report.console import stdout_console
from llmstat.report.percentiles import Percentiles
from llmstat.report.summary import Group, Stats, Summary, Window
from llmstat.report.table import RECORD_COLUMNS, Column, fmt_float, fmt_int, fmt_ms, render_table


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


def windows_table(windows: Sequence[Window], tz: tzinfo, width: int, title: str) -> Table:
    columns = (
        Column("start", lambda w: fmt_local(w.start, tz), False, 110, shrink=False),
        Column("end", lambda w: _fmt_end(w, tz), False, 105, shrink=False),
        *STAT_COLUMNS,
        Column("models", lambda w: ", ".join(w.stats.models) or "-", False, 40, 40),
    )
    return render_table(windows, columns, width, title=title)


def _key_cell(i: int) -> Callable[[Group], str]:
    def cell(g: Group) -> str:
        value = g.key[i][1]
        return "-" if value is None else str(value)

    return cell


def groups_table(groups: Sequence[Group], by: Sequence[str], width: int, title: str) -> Table:
    keys = tuple(Column(name, _key_cell(i), False, 110, shrink=False) for i, name in enumerate(by))
    columns = (
        *keys,
        *STAT_COLUMNS,
        Column("TTFT p50", lambda g: fmt_ms(g.stats.ttft_ms.p50), True, 50),
        Column("TTFT p95", lambda g: fmt_ms(g.stats.ttft_ms.p95), True, 20),
        Column("t/s p50", lambda g: fmt_float(g.stats.output_tps.p50), True, 45),
        Column("dur p50", lambda g: fmt_ms(g.stats.duration_ms.p50), True, 30),
        Column("dur p95", lambda g: fmt_ms(g.stats.duration_ms.p95), True, 10),
    )
    return render_table(groups, columns, width, title=title)


def requests_table(summary: Summary, width: int) -> Table:
    """The per-request table of ``parse``, with a last row adding up the tokens."""
    t = summary.totals.tokens
    total = Record(
        source="total",
        entry=0,
        api="",
        model=_plural(summary.totals.requests, "request"),
        tokens=Tokens(t.input, t.output, t.cache_read, t.cache_write, t.reasoning),
    )
    table = render_table([*summary.requests, total], RECORD_COLUMNS, width, title="Requests")
    table.rows[-1].style = "bold"
    return table


@dataclass(frozen=True, slots=True)
class _Speed:
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


def totals_lines(totals: Stats, undated_note: str | None) -> Text:
    t = totals.tokens
    head = _plural(totals.requests, "request")
    extra = []
    if totals.undated:
        extra.append(f"{totals.undated:,} undated" + (f" ({undated_note})" if undated_note else ""))
    if totals.errors:
        extra.append(_plural(totals.errors, "error"))
    if extra:
        head += ": " + ", ".join(extra)
    return Text(
        f"Totals  {head}\n"
        f"        input {t.input:,} (cache read {t.cache_read:,}, cache write {t.cache_write:,})\n"
        f"        output {t.output:,} (reasoning {t.reasoning:,})\n"
        f"        cache hit rate {fmt_rate(totals.cache_hit_rate)}"
    )


def speed_table(totals: Stats, width: int) -> Table:
    rows = [
        _Speed("TTFT", totals.ttft_ms, "ms"),
        _Speed("decode t/s", totals.output_tps, "rate"),
        _Speed("duration", totals.duration_ms, "ms"),
    ]
    return render_table(rows, _SPEED_COLUMNS, width)


def print_summary(
    summary: Summary,
    *,
    tz: tzinfo,
    tz_name: str,
    requests: bool,
    window_title: str | None,
    by: Sequence[str],
) -> None:
    console = stdout_console()
    parts = render_summary(
        summary,
        width=console.width,
        tz=tz,
        tz_name=tz_name,
        requests=requests,
        window_title=window_title,
        by=by,
    )
    for i, part in enumerate(parts):
        if i:
            console.print()
        console.print(part)
    notes = []
    warned = sum(1 for r in summary.requests if r.warnings)
    if warned:
        notes.append(f"{warned:,} with warnings")
    if summary.skipped:
        dups = sum(1 for s in summary.skipped if s.reason.startswith("duplicate"))
        notes.append(f"{len(summary.skipped):,} skipped" + (f" ({dups:,} duplicates)" if dups else ""))
    if notes:
        console.print(", ".join(notes) + " (details: --format json)", style="yellow")


def render_summary(
    summary: Summary,
    *,
    width: int,
    tz: tzinfo,
    tz_name: str,
    requests: bool,
    window_title: str | None,
    by: Sequence[str],
) -> list[RenderableType]:
    """What the table format prints, top to bottom, each part separated by a blank line."""
    parts: list[RenderableType] = []
    if requests and summary.requests:
        parts.append(requests_table(summary, width))
    undated_note = None
    if window_title is not None:
        undated_note = "in no window"
        if summary.windows:
            parts.append(windows_table(summary.windows, tz, width, f"{window_title} ({tz_name})"))
        else:
            parts.append(Text("no dated requests: no windows"))
    if by:
        parts.append(groups_table(summary.groups, by, width, "By " + ", ".join(by)))
    parts.append(totals_lines(summary.totals, undated_note))
    if summary.requests:
        parts.append(speed_table(summary.totals, width))
    return parts
