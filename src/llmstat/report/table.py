"""The per-request table, fitted to the terminal by dropping the least useful columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from llmstat.dataclass import dataclass
from llmstat.record import Record


def fmt_int(v: int | None) -> str:
    return "-" if v is None else f"{v:,}"


def fmt_float(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v / 1000:,.2f}s" if v >= 10_000 else f"{v:,.0f}ms"


def fmt_cost(v: float | None) -> str:
    """USD with the digits that matter: $1,234  $12.34  $0.081  $0.0003  <$0.0001."""
    if v is None:
        return "-"
    if v == 0:
        return "$0.00"
    if v >= 1000:
        return f"${v:,.0f}"
    if v >= 1:
        return f"${v:,.2f}"
    if v >= 0.01:
        return f"${v:.3f}"
    return f"${v:.4f}" if v >= 0.0001 else "<$0.0001"


GAP = 2  # characters between two columns
MIN_TEXT = 12
READABLE_TEXT = 18
# columns of this priority or more (names, input, output, cost) outlast READABLE_TEXT names
CORE = 85


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, how a row gives its cell, and how it may shrink."""

    header: str
    value: Callable[[Any], str]
    numeric: bool
    priority: int  # lower is dropped first when the terminal is narrow
    max_width: int | None = None  # text columns are cut with an ellipsis past this
    middle: bool = False  # cut in the middle (keeps a file's "#entry" suffix visible)
    shrink: bool = True  # a text column that may be cut to fit (not dates, not group keys)


def fit_columns(columns: Sequence[Column], rows: Sequence[Any], width: int) -> list[Column]:
    """Keep the most useful columns that fit in ``width`` characters.

    Text columns give up width first (down to MIN_TEXT), then the least useful columns go.
    """
    cols = list(columns)
    cells = {c.header: cell_width(c, rows) for c in cols}

    def total(cs: list[Column]) -> int:
        return sum(cells[c.header] for c in cs) + GAP * (len(cs) - 1)

    # Names keep a readable width while the nice-to-have columns go; the core ones (tokens,
    # cost, the names) stay at the price of shorter names, down to MIN_TEXT.
    for floor, keep in ((READABLE_TEXT, CORE), (MIN_TEXT, 0)):
        while total(cols) > width and len(cols) > 2:
            over = total(cols) - width
            text = [c for c in cols if not c.numeric and c.shrink and cells[c.header] > floor]
            if text:
                widest = max(text, key=lambda c: cells[c.header])
                cells[widest.header] = max(floor, cells[widest.header] - over)
                continue
            spare = [c for c in cols if c.priority < keep]
            if not spare:
                break
            cols.remove(min(spare, key=lambda c: c.priority))
    return [replace(c, max_width=cells[c.header]) if not c.numeric else c for c in cols]


def _cut(c: Column, value: str) -> str:
    if not c.middle or c.max_width is None or len(value) <= c.max_width:
        return value
    keep = c.max_width - 1
    head = keep - keep // 2
    return value[:head] + "…" + value[len(value) - keep // 2 :]


def cell_width(c: Column, rows: Sequence[Any]) -> int:
    widest = max([len(c.header)] + [len(c.value(r)) for r in rows])
    return min(widest, c.max_width) if c.max_width else widest


def _source_cell(r: Record) -> str:
    name = r.source.rsplit("/", 1)[-1]
    return f"{name}#{r.entry}" if r.entry or name.endswith(".har") else name


RECORD_COLUMNS: tuple[Column, ...] = (
    # no cap of their own: a wide terminal shows whole names, a narrow one cuts them first
    Column("source", _source_cell, False, 90, middle=True),
    Column("model", lambda r: r.model or "-", False, 88),
    Column("api", lambda r: r.api, False, 20),
    Column("input", lambda r: fmt_int(r.tokens.input), True, 100),
    Column("cache rd", lambda r: fmt_int(r.tokens.cache_read), True, 60),
    Column("cache wr", lambda r: fmt_int(r.tokens.cache_write), True, 30),
    Column("output", lambda r: fmt_int(r.tokens.output), True, 100),
    Column("reason", lambda r: fmt_int(r.tokens.reasoning), True, 40),
    Column("cost", lambda r: fmt_cost(r.cost_usd), True, 85),
    Column("prefill t/s", lambda r: fmt_float(r.prompt_tps), True, 35),
    Column("decode t/s", lambda r: fmt_float(r.output_tps), True, 50),
    Column("TTFT", lambda r: fmt_ms(r.ttft_ms), True, 45),
    Column("duration", lambda r: fmt_ms(r.duration_ms), True, 55),
)


def render_table(
    rows: Sequence[Any], columns: Sequence[Column], width: int, title: str | None = None
) -> Table:
    cols = fit_columns(columns, rows, width)
    table = Table(
        title=title,
        header_style="bold",
        expand=False,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for c in cols:
        table.add_column(
            c.header,
            justify="right" if c.numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=c.max_width,
        )
    for r in rows:
        style = "red" if getattr(r, "error", None) else None
        table.add_row(*[Text(_cut(c, c.value(r))) for c in cols], style=style)
    return table


def record_columns(cost: bool = True) -> tuple[Column, ...]:
    """The per-request columns; ``cost=False`` (``--no-cost``) leaves the cost out."""
    return RECORD_COLUMNS if cost else tuple(c for c in RECORD_COLUMNS if c.header != "cost")


# anthropic-ratelimit-unified-representative-claim names claims in words, the headers in short
_CLAIMS = {
    "five_hour": "5h",
    "seven_day": "7d",
    "seven_day_opus": "7d_opus",
    "seven_day_sonnet": "7d_sonnet",
    "overage": "overage",
}


def limit_cell(r: Record) -> str:
    """The rate limit nearest to biting, compactly: the binding unified window's utilization
    (``5h 87%``), else the fullest bucket's share used (``tokens 97%``); ``-`` without limits."""
    rl = r.ratelimit
    if not rl:
        return "-"
    windows = [w for w in rl["windows"] if w["utilization"] is not None]
    if windows:
        # the claim the server says binds (five_hour: the 5h window), else the fullest
        bound = _CLAIMS.get(rl["binding"] or "")
        w = next((w for w in windows if w["name"] == bound), max(windows, key=lambda w: w["utilization"]))
        return f"{w['name']} {w['utilization'] * 100:.0f}%"
    used = [
        (1 - b["remaining"] / b["limit"], b["name"])
        for b in rl["buckets"]
        if b["limit"] and b["remaining"] is not None
    ]
    if used:
        share, name = max(used)
        return f"{name} {share * 100:.0f}%"
    return "429" if r.status == 429 else "-"


LIMIT_COLUMN = Column("limit", limit_cell, False, 25, 14)


def render_records_table(records: Sequence[Record], width: int, cost: bool = True) -> Table | str:
    """``llmstat parse``'s table, or a line saying there is nothing to show."""
    if not records:
        return "no records"
    columns = record_columns(cost)
    if any(r.ratelimit for r in records):  # only then: most recordings carry no headers
        columns = (*columns, LIMIT_COLUMN)
    return render_table(records, columns, width)
