"""The SOURCES registry: which source each kind of input goes to, and the messages it names."""

from __future__ import annotations

import pytest

from llmstat.sources.head import Head
from llmstat.sources.registry import NO_FORMAT, SOURCES, looks_like, source_of
from tests.aws_eventstream import converse_stream

CAPTURE_LINE = b'{"id": 1, "req_path": "/v1/chat/completions", "req_body": "", "resp_body": ""}'


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: {"a": 1}\n\n', "http"),
        (b'{"log": {"entries": []}}\n{"more": 1}\n', "har"),  # minified, then another line
        (b'\xef\xbb\xbf  {"log": {"entries": []}}', "har"),
        (b'{"id": "chatcmpl-1"}', "json"),
        (b'[{"candidates": []}]', "json"),
        (b': ping\n\ndata: {"a": 1}\n\n', "sse"),
        (b"\xa6greq_path", "capture"),
        (CAPTURE_LINE + b"\n" + CAPTURE_LINE + b"\n", "capture-lines"),
        (b'{"a": 1}\n{"b": 2}\n', "ndjson"),
        (b"1234:11:client_conn;", "flow"),
        (b"612:4:type;4:http;", "flow"),  # a flow file of mitmproxy 0.x
        (b"httprr trace v1\n12 34\n", "httprr"),
        (b"interactions:\n- request:\n    body: null\n", "cassette"),
        (b"---\nversion: 2\ninteractions:\n    - id: 0\n", "cassette"),
        (b"---\nhttp_interactions:\n- request:\n    method: post\n", "cassette"),
        (b'{"interactions": []}', "json"),  # a JSON cassette: the JSON source asks the cassette reader
        (converse_stream()[:40], "eventstream"),
        (b"hello world\n", None),
        (b"data: {}\n\x00\n", None),  # not text: never a stream
    ],
)
def test_each_input_goes_to_the_first_source_that_knows_it(head: bytes, name: str | None) -> None:
    source = source_of(Head(head))
    assert (source.name if source else None) == name


def test_the_sources_have_one_name_each() -> None:
    names = [s.name for s in SOURCES]
    assert len(names) == len(set(names))


def test_the_messages_name_the_formats_from_the_registry() -> None:
    assert NO_FORMAT == (
        "no recording format recognised (not JSON, SSE, NDJSON, AWS event stream, a capture,"
        " a mitmproxy flow file, an httprr trace, HAR, a VCR cassette or a llama-swap store)"
    )
    assert looks_like(None) == "no recording format"
    assert looks_like(source_of(Head(b"data: {}\n\n"))) == "an SSE stream"


def test_only_sources_that_hold_captures_have_a_captures_reader() -> None:
    assert {s.name for s in SOURCES if s.captures} == {"capture", "capture-lines", "json", "ndjson", "sqlite"}
