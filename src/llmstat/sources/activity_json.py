"""llama-swap's activity log as its HTTP API gives it: ``GET /api/metrics/activity`` pages
(``{"data": [entries], "page", "total_pages", ...}``), the older ``GET /api/metrics`` array of
entries, either appended to one file as JSON lines, and a saved ``/api/events`` stream.

These forms name no llama-swap instance: their entries join captures by id alone. Pages
fetched while requests arrived repeat entries; every copy is a record here, and ``summarize``
counts one (the same instance, id and timestamp).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from llmstat.errors import InputError
from llmstat.framing.sse import SSEDecoder, SSEEvent
from llmstat.record import Record, Skipped
from llmstat.sources.activity import entry_from_json, is_json_entry, record_from_entry
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading


def entries_of_document(doc: Any) -> list[Any] | None:
    """The entries of an activity page or array, or None when ``doc`` is neither."""
    if isinstance(doc, dict):
        data = doc.get("data")
        if isinstance(data, list) and ("total_pages" in doc or (data and all(map(is_json_entry, data)))):
            return data
        return None
    if isinstance(doc, list) and doc and all(map(is_json_entry, doc)):
        return doc
    return None


def _records_of(entries: Iterable[Any], reading: Reading, start: int = 0) -> Iterator[Record | Skipped]:
    for i, obj in enumerate(entries, start):
        if not isinstance(obj, dict):
            yield Skipped(reading.source, i, "activity entry is not an object", warn=True)
            continue
        yield record_from_entry(entry_from_json(obj), reading.source, i, None)


def _records_of_lines(data: bytes, reading: Reading) -> Iterator[Record | Skipped]:
    index = 0
    for n, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            entries = entries_of_document(orjson.loads(line))
        except orjson.JSONDecodeError as e:
            raise InputError(f"line {n}: invalid JSON ({e.msg})") from None
        if entries is None:
            raise InputError(f"line {n}: not a llama-swap activity page or array")
        yield from _records_of(entries, reading, index)
        index += len(entries)


def _first_line_is_activity(data: bytes) -> bool:
    line = data.lstrip(b" \t\r\n").split(b"\n", 1)[0]
    try:
        return entries_of_document(orjson.loads(line)) is not None
    except orjson.JSONDecodeError:
        return False


def read_activity_document(doc: Any, data: bytes, reading: Reading) -> Iterator[Record | Skipped] | None:
    """A whole JSON document that is an activity page or array (or, when ``doc`` is None because
    the text is several JSON values, pages or arrays appended one per line); None when not."""
    entries = entries_of_document(doc)
    if entries is not None:
        return _records_of(entries, reading)
    if doc is None and _first_line_is_activity(data):
        return _records_of_lines(data, reading)
    return None


def sniff_activity_lines(head: Head) -> bool:
    """Pages appended one per line (``curl .../api/metrics/activity?page=N >> pages.json``)."""
    return head.is_text and head.json_lines and _first_line_is_activity(head.stripped)


def read_activity_lines(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    return _records_of_lines(stream.read_all(reading.max_size), reading)


# llama-swap's /api/events wraps every message as {"type": ..., "data": "<JSON text>"}
_EVENT_TYPES = rb"metrics|activity|modelStatus|logData|inflight|uiConfig|profileChanged"
_EVENT = re.compile(rb'^data:[ \t]*\{"type":[ \t]*"(?:' + _EVENT_TYPES + rb')"', re.MULTILINE)


def sniff_events(head: Head) -> bool:
    """The first data line is one of llama-swap's messages: every line of such a dump is one,
    and looking at one line spares a line-anchored search of 64 KiB per input."""
    text = head.stripped
    if not head.is_text:
        return False
    at = 0 if text.startswith(b"data:") else text.find(b"\ndata:") + 1
    if at == 0 and not text.startswith(b"data:"):
        return False
    return _EVENT.match(text, at) is not None


def _events(stream: Peeked) -> Iterator[SSEEvent]:
    decoder = SSEDecoder()
    for chunk in stream.chunks():
        yield from decoder.feed(chunk)
    yield from decoder.close()


def read_events(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    """The entries of the ``metrics`` messages (older releases: an array of entries each, the
    whole log on connecting, then each new entry); ``activity`` messages (newer releases) carry
    only an id, so a dump of those gives no records and a warning."""
    index = 0
    ids_only = 0
    for ev in _events(stream):
        try:
            message = orjson.loads(ev.data)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(message, dict) or not isinstance(message.get("data"), str):
            continue
        if message.get("type") == "activity":
            ids_only += 1
            continue
        if message.get("type") != "metrics":
            continue
        try:
            inner = orjson.loads(message["data"])
        except orjson.JSONDecodeError:
            yield Skipped(reading.source, index, "metrics message is not JSON", warn=True)
            continue
        entries = inner if isinstance(inner, list) else [inner]
        yield from _records_of(entries, reading, index)
        index += len(entries)
    if ids_only and not index:
        yield Skipped(
            reading.source,
            0,
            f"llama-swap events name {ids_only} request(s) by id only: "
            "fetch /api/metrics/activity for their entries",
            warn=True,
        )
