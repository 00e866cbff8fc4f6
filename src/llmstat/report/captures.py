"""Rendering captures with rich: one capture made readable, and the ``captures list`` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from llmstat.record import Record
from llmstat.report import capture_view as cv
from llmstat.report.table import Column, fmt_int, render_table

_json = JSONHighlighter()

_KIND_LABELS = {
    cv.JSON: "JSON",
    cv.SSE: "SSE",
    cv.NDJSON: "NDJSON",
    cv.TEXT: "text",
    cv.EMPTY: "empty",
    cv.BINARY: "binary, not UTF-8 (--raw writes its bytes)",
}


def _heading(title: str) -> Rule:
    return Rule(Text(title, style="bold"), align="left", style="dim")


def _headers(headers: dict[str, str] | None) -> list[RenderableType]:
    if headers is None:
        return [Text("not recorded", style="dim")]
    if not headers:
        return [Text("none", style="dim")]
    return [Text.assemble((name, "bold"), ": ", value) for name, value in headers.items()]


def _body_title(name: str, body: cv.BodyView) -> str:
    if body.kind == cv.ABSENT:
        return f"{name} · not recorded"
    label = _KIND_LABELS[body.kind]
    if body.kind in (cv.SSE, cv.NDJSON):
        unit = "event" if body.kind == cv.SSE else "line"
        label += f", {body.total_events:,} {unit}{'s' if body.total_events != 1 else ''}"
    return f"{name} · {body.size:,} bytes · {label}"


def _body(body: cv.BodyView) -> list[RenderableType]:
    if body.kind in (cv.ABSENT, cv.EMPTY, cv.BINARY):
        return []
    if body.kind in (cv.JSON, cv.TEXT):
        text = Text(body.text or "")
        return [_json(text) if body.kind == cv.JSON else text]
    out: list[RenderableType] = []
    for i, ev in enumerate(body.events):
        if i == body.head and body.omitted:
            out.append(
                Text(f"… {body.omitted:,} events not shown (--events 0 shows them all) …", style="yellow")
            )
        out.append(Text(f"[{ev.number}] {ev.event}", style="bold cyan"))
        out.append(_json(Text(ev.text)))
    return out


def _record(rec: Record | None) -> list[RenderableType]:
    if rec is None:
        return [Text("no record", style="dim")]
    t = rec.tokens
    out: list[RenderableType] = [
        Text(f"api {rec.api} · model {rec.model or '-'} · stream {'yes' if rec.stream else 'no'}"),
        Text(
            f"tokens: input {fmt_int(t.input)} · cache read {fmt_int(t.cache_read)} · "
            f"cache write {fmt_int(t.cache_write)} · output {fmt_int(t.output)} · "
            f"reasoning {fmt_int(t.reasoning)}"
        ),
    ]
    if rec.id:
        out.append(Text(f"response id {rec.id}"))
    if rec.error:
        out.append(Text(f"error: {rec.error}", style="red"))
    out.extend(Text(f"warning: {w}", style="yellow") for w in rec.warnings)
    return out


def render_capture(view: cv.CaptureView, only: str | None = None) -> Group:
    """The whole capture, or with ``only`` ("req" or "resp") just that body."""
    item = view.item
    parts: list[RenderableType] = []
    if only is None:
        where = item.source if not item.entry else f"{item.source}#{item.entry}"
        cid = "-" if item.capture.id is None else str(item.capture.id)
        parts.append(
            Text.assemble(
                (f"capture {cid}", "bold"), "  ", view.path or "(no request path)", "  ", (where, "dim")
            )
        )
    if only in (None, "req"):
        if only is None:
            parts += [_heading("request headers"), *_headers(view.req_headers)]
        parts += [_heading(_body_title("request body", view.req_body)), *_body(view.req_body)]
    if only in (None, "resp"):
        if only is None:
            parts += [_heading("response headers"), *_headers(view.resp_headers)]
        parts += [_heading(_body_title("response body", view.resp_body)), *_body(view.resp_body)]
    if only is None:
        parts += [_heading("usage record"), *_record(item.record)]
    return Group(*parts)


def _source_cell(row: dict[str, Any]) -> str:
    name = str(row["source"]).rsplit("/", 1)[-1]
    return f"{name}#{row['entry']}" if row["entry"] else name


LIST_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda r: fmt_int(r["id"]), True, 100),
    Column("source", _source_cell, False, 60, 28, middle=True),
    Column("path", lambda r: r["path"] or "-", False, 70),
    Column("model", lambda r: r["model"] or "-", False, 80, 24),
    Column("api", lambda r: r["api"], False, 50),
    Column("stream", lambda r: "yes" if r["stream"] else "no", False, 30),
    Column("req bytes", lambda r: fmt_int(r["req_bytes"]), True, 35),
    Column("resp bytes", lambda r: fmt_int(r["resp_bytes"]), True, 36),
    Column("input", lambda r: fmt_int(r["tokens"]["input"]), True, 95),
    Column("cache rd", lambda r: fmt_int(r["tokens"]["cache_read"]), True, 55),
    Column("output", lambda r: fmt_int(r["tokens"]["output"]), True, 95),
)


def render_capture_table(rows: Sequence[dict[str, Any]], width: int) -> Table | str:
    """``llmstat captures list``'s table, or a line saying there is nothing to show."""
    if not rows:
        return "no captures"
    return render_table(rows, LIST_COLUMNS, width)
