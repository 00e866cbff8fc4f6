"""The SSE parser, fed whole, one byte at a time, and split at random points."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.framing.sse import SSEDecoder, SSEEvent, parse_sse

SPEC_EXAMPLE = (
    b"\xef\xbb\xbf: a comment line\n"
    b"event: message_start\n"
    b'data: {"a":1}\n'
    b"\n"
    b"data:no-space\r\n"
    b"data: second line\r\n"
    b"\r\n"
    b"id: 42\r"
    b"retry: 3000\r"
    b"data: cr only\r"
    b"\r"
    b"event: ignored-without-data\n"
    b"\n"
    b"data\n"
    b"\n"
    b'{"bare": "json line"}\n'
    b"data: [DONE]"
)

EXPECTED = [
    SSEEvent("message_start", b'{"a":1}', None),
    SSEEvent("message", b"no-space\nsecond line", None),
    SSEEvent("message", b"cr only", "42"),
    SSEEvent("message", b"", "42"),
    SSEEvent("message", b'{"bare": "json line"}', "42"),
    SSEEvent("message", b"[DONE]", "42"),
]


def feed_in_pieces(data: bytes, cuts: list[int]) -> list[SSEEvent]:
    dec = SSEDecoder()
    out: list[SSEEvent] = []
    last = 0
    for cut in sorted(set(cuts)):
        out += dec.feed(data[last:cut])
        last = cut
    out += dec.feed(data[last:])
    return out + dec.close()


def test_whole() -> None:
    assert parse_sse(SPEC_EXAMPLE) == EXPECTED


def test_byte_by_byte() -> None:
    assert feed_in_pieces(SPEC_EXAMPLE, list(range(len(SPEC_EXAMPLE)))) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=len(SPEC_EXAMPLE)), max_size=20))
def test_random_splits(cuts: list[int]) -> None:
    assert feed_in_pieces(SPEC_EXAMPLE, cuts) == EXPECTED


def test_crlf_split_between_cr_and_lf_makes_one_line_end() -> None:
    data = b"data: a\r\n\r\ndata: b\r\n\r\n"
    for i in range(len(data)):
        assert feed_in_pieces(data, [i]) == [SSEEvent("message", b"a"), SSEEvent("message", b"b")]


def test_trailing_junk_without_newline_is_dispatched_at_close() -> None:
    assert parse_sse(b"data: x\n\ndata: tail") == [SSEEvent("message", b"x"), SSEEvent("message", b"tail")]


line_end = st.sampled_from([b"\n", b"\r", b"\r\n"])
value = st.binary(max_size=30).filter(lambda b: b"\n" not in b and b"\r" not in b)


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.sampled_from(["message", "ping", "message_delta"]), value), max_size=8),
    line_end,
    st.lists(st.integers(min_value=0, max_value=400), max_size=10),
)
def test_generated_streams_any_split(events: list[tuple[str, bytes]], eol: bytes, cuts: list[int]) -> None:
    data = b"".join(
        (b"" if name == "message" else b"event: " + name.encode() + eol) + b"data: " + v + eol + eol
        for name, v in events
    )
    want = [SSEEvent(name, v) for name, v in events]
    assert feed_in_pieces(data, [c for c in cuts if c <= len(data)]) == want
