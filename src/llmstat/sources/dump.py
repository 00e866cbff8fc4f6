"""Bare streams as saved from a terminal: SSE, NDJSON, and ``curl -i`` output with its HTTP head.

Three sources, each a sniff and a reader. A dump may hold several responses appended one
after another (``>>``): each is a record.
"""

from __future__ import annotations

from llmstat.errors import NotARecording
from llmstat.exchange import Exchange
from llmstat.protocols import UNKNOWN, UsageState
from llmstat.record import Record, Skipped
from llmstat.sources.body import NO_SHAPE
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.records import items_from_exchange, records_from_states, states_of_stream
from llmstat.sources.source import Reading


def sniff_http(head: Head) -> bool:
    # before the text test: the body after the head may be compressed
    return head.stripped.startswith(b"HTTP/")


def sniff_sse(head: Head) -> bool:
    return head.is_text and not head.starts_json and head.has_sse_line


def sniff_ndjson(head: Head) -> bool:
    return head.is_text and head.json_lines


def read_http(stream: Peeked, reading: Reading) -> list[Record | Skipped]:
    data = stream.read_all(reading.max_size)
    return items_from_exchange(Exchange(source=reading.source, response_body=data, multi=True))


def read_sse(stream: Peeked, reading: Reading) -> list[Record]:
    return records_from_states(Exchange(source=reading.source, multi=True), _states(stream), True, [])


def read_ndjson(stream: Peeked, reading: Reading) -> list[Record]:
    states = _states(stream)
    if reading.walked and all(_of_no_shape(st) for st in states):
        raise NotARecording(NO_SHAPE)
    return records_from_states(Exchange(source=reading.source, multi=True), states, True, [])


def _states(stream: Peeked) -> list[UsageState]:
    # fed chunk by chunk, so memory follows the longest event, not the dump
    states = states_of_stream(stream.chunks(), None, split=True)
    if not states:
        raise NotARecording("no events in this stream")
    return states


def _of_no_shape(st: UsageState) -> bool:
    return st.api == UNKNOWN.name and st.error is None and not st.tokens.any_reported()
