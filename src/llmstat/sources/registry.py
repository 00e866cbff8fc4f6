"""SOURCES: every input format llmstat reads, in the order their sniffs are asked.

A new input format is a module of ``sources/`` with its sniff and reader, and one entry here.
The first source whose sniff says yes reads the input; the order matters only where two
sniffs could both say yes: a HAR is JSON too (NDJSON, when minified and followed by more
lines), JSON lines of captures are NDJSON, a ``curl -i`` dump of a stream has SSE lines, and
so do llama-swap's ``/api/events`` dumps and its activity pages appended one per line.

llama-swap's activity entries and captures are read here one input at a time like any other
records; joining an entry to its capture needs every input of a run, so it happens where the
run's results meet (``llamaswap_join.join_results``, called by the commands).
"""

from __future__ import annotations

from collections.abc import Iterable

from llmstat.record import Record, Skipped
from llmstat.sources import (
    activity_json,
    body,
    capture,
    cassette,
    dump,
    eventstream,
    har,
    httprr,
    mitmproxy_flow,
    sqlite_store,
)
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading, Source


def _read_json(stream: Peeked, reading: Reading) -> Iterable[Record | Skipped]:
    return body.read_json(stream, reading, _DOCUMENTS)


SOURCES: tuple[Source, ...] = (
    Source(
        "capture",
        "a llama-swap capture",
        noun="a capture",
        bare=False,
        # first: llama-swap writes thousands of these, and its sniff (a binary first byte
        # no text format starts with, then capture keys) says no to every other input at once
        sniff=capture.sniff_cbor_capture,
        read=capture.read_cbor_capture,
        document=capture.read_capture_document,
        captures=capture.captures_of_cbor,
    ),
    Source(
        "flow",
        "a mitmproxy flow file",
        noun="a mitmproxy flow file",
        bare=False,
        sniff=mitmproxy_flow.sniff_flow,
        read=mitmproxy_flow.read_flows,
    ),
    Source(
        "httprr",
        "an httprr trace",
        noun="an httprr trace",
        bare=False,
        sniff=httprr.sniff_httprr,
        read=httprr.read_httprr,
    ),
    Source("http", "an HTTP response", noun=None, bare=True, sniff=dump.sniff_http, read=dump.read_http),
    Source(
        "har",
        "a HAR file",
        noun="HAR",
        bare=False,
        sniff=har.sniff_har,
        read=har.read_har,
        document=har.read_har_document,
    ),
    Source(
        "cassette",
        "a VCR cassette",
        noun="a VCR cassette",
        bare=False,
        # before SSE: a cassette's bodies hold ``data:`` lines (indented, but a ``|+`` block's
        # continuation need not be)
        sniff=cassette.sniff_yaml_cassette,
        read=cassette.read_yaml_cassette,
        document=cassette.read_json_cassette,
    ),
    Source(
        "json",
        "JSON",
        noun="JSON",
        bare=True,
        sniff=body.sniff_json,
        read=_read_json,
        captures=capture.captures_of_json,
    ),
    Source(
        "activity-json",
        "llama-swap activity pages",
        noun=None,  # JSON, to the user
        bare=False,
        sniff=activity_json.sniff_activity_lines,
        read=activity_json.read_activity_lines,
        document=activity_json.read_activity_document,
    ),
    Source(
        "llama-swap-events",
        "a llama-swap /api/events stream",
        noun=None,  # SSE, to the user
        bare=False,
        sniff=activity_json.sniff_events,
        read=activity_json.read_events,
    ),
    Source("sse", "an SSE stream", noun="SSE", bare=True, sniff=dump.sniff_sse, read=dump.read_sse),
    Source(
        "capture-lines",
        "JSON lines of llama-swap captures",
        noun=None,  # "a capture" says it
        bare=False,
        sniff=capture.sniff_capture_lines,
        read=capture.read_capture_lines,
        captures=capture.captures_of_json_lines,
    ),
    Source(
        "sqlite",
        "a llama-swap SQLite store",
        noun="a llama-swap store",
        bare=False,
        sniff=sqlite_store.sniff_sqlite,
        read=sqlite_store.read_sqlite,
        captures=sqlite_store.captures_of_sqlite,
    ),
    Source(
        "ndjson",
        "NDJSON",
        noun="NDJSON",
        bare=True,
        sniff=dump.sniff_ndjson,
        read=dump.read_ndjson,
        # JSON lines that are not captures get a message of their own
        captures=capture.captures_of_json_lines,
    ),
    # binary, its first prelude's CRC checked: no other sniff says yes to it, nor it to theirs
    Source(
        "eventstream",
        "an AWS event stream",
        noun="AWS event stream",
        bare=True,
        sniff=eventstream.sniff_event_stream,
        read=eventstream.read_event_stream,
    ),
)

_DOCUMENTS = tuple(s.document for s in SOURCES if s.document is not None)


def source_of(head: Head) -> Source | None:
    """The format of a non-empty, unwrapped input, or None when no source knows it."""
    return next((s for s in SOURCES if s.sniff(head)), None)


def _listing(nouns: list[str]) -> str:
    return nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} or {nouns[-1]}"


# Bare bodies first, then the recordings that hold requests too.
_NOUNS = [s.noun for s in sorted(SOURCES, key=lambda s: not s.bare) if s.noun is not None]
NO_FORMAT = f"no recording format recognised (not {_listing(_NOUNS)})"


def looks_like(source: Source | None) -> str:
    """What the bytes look like, for a message saying they are not what was asked for."""
    return "no recording format" if source is None else source.label
