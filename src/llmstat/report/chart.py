"""``summarize --chart``: tokens over time as stacked bars, and the decode speed under them.

One bar per usage window (``--window``), else per time bucket of an hour up to a week, the
smallest that gives at most :data:`MAX_BARS` bars, laid on a grid from midnight in ``--tz``.
Buckets without requests are not drawn, like windows. Each bar stacks uncached input, cache
reads, cache writes and output, in glyphs that stay apart without colour; the second chart
draws each bar's median decode speed (output tokens per second).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from rich.console import Group, RenderableType
from rich.text import Text

from llmstat.dataclass import dataclass
from llmstat.report.table import fmt_cost
from llmstat.summary.builder import Stats, Summary, Window, stats_of
from llmstat.summary.windows import Anchor, spans_of

MAX_BARS = 24
MAX_BAR = 72  # characters: wider terminals get no longer bars
MIN_BAR = 10
STEPS = (
    (timedelta(hours=1), "hour"),
    (timedelta(hours=3), "3 hours"),
    (timedelta(hours=6), "6 hours"),
    (timedelta(hours=12), "12 hours"),
    (timedelta(days=1), "day"),
    (timedelta(days=7), "week"),
)
MIDNIGHT = Anchor("clock", (0, 0))

# (name in the legend, glyph, style), in stacking order
SEGMENTS = (
    ("uncached input", "█", "cyan"),
    ("cache read", "▓", "blue"),
    ("cache write", "▒", "magenta"),
    ("output", "░", "green"),
)
SPEED = ("█", "yellow")


@dataclass(frozen=True, slots=True)
class Chart:
    """The bars to draw: ``per`` names what one bar covers (``5h window``, ``day``)."""

    per: str
    bars: tuple[Window, ...]
    undated: int


def step_for(first: datetime, last: datetime) -> tuple[timedelta, str]:
    for step, name in STEPS:
        if (last - first) // step + 1 <= MAX_BARS:
            return step, name
    return STEPS[-1]


def chart_of(summary: Summary, window: str | None, tz: tzinfo, cost: bool = True) -> Chart:
    """The windows themselves with ``--window``, else time buckets over the counted requests."""
    undated = summary.totals.undated
    if window is not None:
        return Chart(f"{window} window", summary.windows, undated)
    dated = [(t, r) for r in summary.requests if (t := summary.clock(r)) is not None]
    if not dated:
        return Chart("hour", (), undated)
    step, name = step_for(min(t for t, _ in dated), max(t for t, _ in dated))
    spans = spans_of(dated, step, MIDNIGHT, tz)
    return Chart(name, tuple(Window(s.start, s.end, stats_of(s.items, cost)) for s in spans), undated)


def token_parts(s: Stats) -> tuple[int, int, int, int]:
    """Uncached input, cache read, cache write, output."""
    t = s.tokens
    inp, read, write = t.input or 0, t.cache_read or 0, t.cache_write or 0
    return (max(0, inp - read - write), read, write, t.output or 0)


def fmt_count(n: float) -> str:
    """Compact: 950, 76.3k, 12.1M, 3.4B."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n:.0f}"


def bar_cells(values: Sequence[float], length: int) -> list[int]:
    """Split ``length`` characters between segments in proportion (rounding the running sum,
    so the parts add up), giving at least one to any segment that is not zero."""
    total = sum(values)
    if total <= 0 or length <= 0:
        return [0] * len(values)
    length = max(length, sum(1 for v in values if v > 0))
    cells: list[int] = []
    run = 0.0
    edge = 0
    for v in values:
        run += v
        nxt = round(run * length / total)
        cells.append(nxt - edge)
        edge = nxt
    for i, v in enumerate(values):
        if v > 0 and cells[i] == 0:
            cells[cells.index(max(cells))] -= 1
            cells[i] = 1
    return cells


def _labels(bars: Sequence[Window], tz: tzinfo) -> list[str]:
    starts = [w.start.astimezone(tz) for w in bars]
    whole_days = all(s.hour == 0 and s.minute == 0 for s in starts) and all(
        w.end - w.start >= timedelta(days=1) for w in bars
    )
    return [s.strftime("%Y-%m-%d" if whole_days else "%m-%d %H:%M") for s in starts]


def _line(label: str, label_w: int, bar: Text, bar_w: int, numbers: Sequence[tuple[str, int]]) -> Text:
    line = Text(label.ljust(label_w) + " ")
    line.append_text(bar)
    line.append(" " * (bar_w - len(bar)))
    for text, w in numbers:
        line.append("  " + text.rjust(w))
    return line


def render_chart(
    chart: Chart, *, width: int, tz: tzinfo, tz_name: str, cost: bool = True
) -> list[RenderableType]:
    """The token chart and the decode-speed chart, each fitting ``width`` columns."""
    if not chart.bars:
        return [Text("no dated requests: nothing to chart")]
    labels = _labels(chart.bars, tz)
    label_w = max(map(len, labels))
    parts = [token_parts(w.stats) for w in chart.bars]
    totals = [sum(p) for p in parts]
    counts = [fmt_count(n) for n in totals]
    costs = [fmt_cost(w.stats.cost_usd) for w in chart.bars] if cost else []
    numbers_w = [max(map(len, counts))] + ([max(map(len, costs))] if costs else [])
    bar_w = max(MIN_BAR, min(MAX_BAR, width - label_w - 1 - sum(w + 2 for w in numbers_w)))
    top = max(totals) or 1

    legend = Text(no_wrap=True)
    for i, (name, glyph, style) in enumerate(SEGMENTS):
        legend.append(("  " if i else "") + glyph, style=style)
        legend.append(" " + name)
    tokens = [Text(f"Tokens per {chart.per} ({tz_name})", style="bold"), legend]
    for i in range(len(chart.bars)):
        bar = Text()
        cells = bar_cells(parts[i], round(totals[i] * bar_w / top))
        for (_, glyph, style), n in zip(SEGMENTS, cells, strict=True):
            bar.append(glyph * n, style=style)
        row = [(counts[i], numbers_w[0])] + ([(costs[i], numbers_w[1])] if costs else [])
        tokens.append(_line(labels[i], label_w, bar, bar_w, row))
    if chart.undated:
        tokens.append(Text(f"{chart.undated:,} undated request(s) not charted", style="yellow"))

    speeds = [w.stats.output_tps.p50 for w in chart.bars]
    fast = max((v for v in speeds if v is not None), default=0.0)
    if not fast:
        return [Group(*tokens), Text("no decode speed recorded")]
    speed_texts = ["-" if v is None else f"{v:,.1f}" for v in speeds]
    speed_w = max(map(len, speed_texts))
    speed_bar_w = max(MIN_BAR, min(MAX_BAR, width - label_w - 1 - speed_w - 2))
    decode = [Text(f"Decode speed per {chart.per}, output tok/s (median)", style="bold")]
    for i, v in enumerate(speeds):
        glyph, style = SPEED
        n = 0 if v is None or not fast else max(1, round(v * speed_bar_w / fast))
        bar = Text(glyph * n, style=style)
        decode.append(_line(labels[i], label_w, bar, speed_bar_w, [(speed_texts[i], speed_w)]))
    return [Group(*tokens), Group(*decode)]
