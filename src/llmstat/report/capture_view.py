"""A capture made readable: what its bodies are, pretty JSON, SSE event by event, and the JSON
shapes ``captures decode`` and ``captures list`` print. Header values and URLs pass through
``redact``; nothing here prints."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from llmstat.dataclass import dataclass
from llmstat.exchange import CaptureItem
from llmstat.framing.body import frame_of
from llmstat.framing.sse import parse_sse
from llmstat.record import Tokens
from llmstat.report.redact import redact_headers, redact_url

# body kinds
ABSENT = "absent"  # the capture holds null: not recorded
EMPTY = "empty"
JSON = "json"
SSE = "sse"
NDJSON = "ndjson"
TEXT = "text"
BINARY = "binary"  # not valid UTF-8

EVENT_LINE = 300


@dataclass(slots=True, frozen=True)
class EventView:
    """One event of a captured stream, as ``captures decode`` shows it."""

    number: int  # 1-based position in the stream
    event: str
    text: str  # the data, pretty-printed when it is JSON


@dataclass(slots=True, frozen=True)
class BodyView:
    """A captured body made readable: its kind, its size and its text or events."""

    kind: str
    size: int | None
    text: str | None = None  # JSON pretty-printed, or the text as it is
    events: tuple[EventView, ...] = ()  # the events shown, in stream order
    total_events: int = 0
    omitted: int = 0  # events left out after the first ``head`` shown
    head: int = 0


@dataclass(slots=True, frozen=True)
class CaptureView:
    """A capture as ``captures decode`` shows it: secrets masked, bodies made readable."""

    item: CaptureItem
    path: str | None
    req_headers: dict[str, str] | None
    req_body: BodyView
    resp_headers: dict[str, str] | None
    resp_body: BodyView


def pretty_json(doc: Any) -> str:
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()


def _event_text(data: bytes) -> str:
    """An event's JSON on one line when it fits in ``EVENT_LINE`` characters, else pretty."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", "replace")
    line = orjson.dumps(doc).decode()
    return line if len(line) <= EVENT_LINE else pretty_json(doc)


def _events_view(body: bytes, kind: str, max_events: int) -> BodyView:
    events = [EventView(i + 1, ev.event, _event_text(ev.data)) for i, ev in enumerate(parse_sse(body))]
    total = len(events)
    if max_events <= 0 or total <= max_events:
        return BodyView(kind, len(body), events=tuple(events), total_events=total, head=total)
    tail = max_events // 3
    head = max_events - tail
    shown = events[:head] + events[total - tail :]
    return BodyView(
        kind, len(body), events=tuple(shown), total_events=total, omitted=total - head - tail, head=head
    )


def body_view(body: bytes | None, max_events: int = 0) -> BodyView:
    """What a body is and how to show it; a stream of more than ``max_events`` events (0: no
    limit) keeps its first two thirds and last third, with the count of those left out."""
    if body is None:
        return BodyView(ABSENT, None)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return BodyView(BINARY, len(body))
    frame = frame_of(body)
    if frame == "empty":
        return BodyView(EMPTY, len(body), text=text)
    if frame == "json":
        try:
            return BodyView(JSON, len(body), text=pretty_json(orjson.loads(body)))
        except orjson.JSONDecodeError:
            if len(text.strip().splitlines()) > 1:
                return _events_view(body, NDJSON, max_events)
            return BodyView(TEXT, len(body), text=text)
    if frame == "lines":
        return _events_view(body, SSE, max_events)
    return BodyView(TEXT, len(body), text=text)


def capture_view(item: CaptureItem, max_events: int = 0) -> CaptureView:
    cap = item.capture
    return CaptureView(
        item=item,
        path=redact_url(cap.req_path),
        req_headers=redact_headers(cap.req_headers),
        req_body=body_view(cap.req_body, max_events),
        resp_headers=redact_headers(cap.resp_headers),
        resp_body=body_view(cap.resp_body, max_events),
    )


def body_fields(name: str, body: bytes | None) -> dict[str, Any]:
    """``{name: text}``; base64 plus ``<name>_encoding: "base64"`` when the bytes are not UTF-8."""
    if body is None:
        return {name: None}
    try:
        return {name: body.decode("utf-8")}
    except UnicodeDecodeError:
        return {name: base64.b64encode(body).decode("ascii"), f"{name}_encoding": "base64"}


def capture_dict(item: CaptureItem) -> dict[str, Any]:
    """The ``captures decode --format json`` object: llama-swap's own keys, bodies as text,
    sensitive header values and URL query secrets redacted, and the usage record."""
    cap = item.capture
    out: dict[str, Any] = {
        "id": cap.id,
        "req_path": redact_url(cap.req_path),
        "req_headers": redact_headers(cap.req_headers),
    }
    out.update(body_fields("req_body", cap.req_body))
    out["resp_headers"] = redact_headers(cap.resp_headers)
    out.update(body_fields("resp_body", cap.resp_body))
    out["record"] = item.record.as_dict() if item.record is not None else None
    return out


LIST_CSV_COLUMNS = (
    "source",
    "entry",
    "id",
    "path",
    "model",
    "api",
    "stream",
    "req_bytes",
    "resp_bytes",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "reasoning",
    "response_id",
    "error",
    "warnings",
)


def capture_row(item: CaptureItem) -> dict[str, Any]:
    """One ``captures list`` row: ``id`` is the capture id, ``response_id`` the response's."""
    cap, rec = item.capture, item.record
    return {
        "source": item.source,
        "entry": item.entry,
        "id": cap.id,
        "path": redact_url(cap.req_path) or None,
        "model": rec.model if rec else None,
        "api": rec.api if rec else "unknown",
        "stream": rec.stream if rec else False,
        "req_bytes": None if cap.req_body is None else len(cap.req_body),
        "resp_bytes": None if cap.resp_body is None else len(cap.resp_body),
        "tokens": (rec.tokens if rec else Tokens()).as_dict(),
        "response_id": rec.id if rec else None,
        "error": rec.error if rec else None,
        "warnings": list(rec.warnings) if rec else [],
    }
