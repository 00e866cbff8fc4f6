"""Reading llama-swap captures (core): every shape, partial and failed captures, hostile bytes,
redaction, and the body views ``captures decode`` shows."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest
import zstandard

from llmstat.errors import InputError, NotARecording
from llmstat.report.capture_view import (
    BINARY,
    EMPTY,
    JSON,
    NDJSON,
    SSE,
    TEXT,
    body_view,
    capture_dict,
    capture_row,
)
from llmstat.report.redact import REDACTED, redact_headers, redact_url
from llmstat.sources.capture import captures_from_json, check_cbor_lengths
from llmstat.sources.captures import iter_capture_inputs, iter_captures, read_captures
from tests.capture_blobs import (
    CHAT_REQ,
    CHAT_RESP,
    capture,
    openai_stream,
    sse,
    to_api_json,
    to_cbor,
    to_zstd,
    write,
)

MiB = 1 << 20


# --- every shape a capture comes in --------------------------------------------------------

CAP = capture()
SHAPES = {
    "cbor": to_cbor(CAP),
    "zstd-cbor-with-content-size": to_zstd(to_cbor(CAP), content_size=True),
    "zstd-cbor-without-content-size": to_zstd(to_cbor(CAP), content_size=False),
    "api-json": to_api_json(CAP),
    "api-json-pretty-key-sorted": json.dumps(json.loads(to_api_json(CAP)), indent=2, sort_keys=True).encode(),
    "legacy-zstd-json": to_zstd(to_api_json(CAP), content_size=False),
    "gzip-cbor": gzip.compress(to_cbor(CAP)),
}


def test_the_zstd_fixtures_really_differ_in_content_size() -> None:
    assert zstandard.frame_content_size(SHAPES["zstd-cbor-with-content-size"]) == len(to_cbor(CAP))
    assert zstandard.frame_content_size(SHAPES["zstd-cbor-without-content-size"]) == -1


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_gives_the_same_capture_and_record(tmp_path: Path, shape: str) -> None:
    res = read_captures(write(tmp_path, "blob", SHAPES[shape]))
    assert res.error is None and res.warnings == []
    [item] = res.items
    cap = item.capture
    assert (cap.id, cap.req_path, cap.req_body, cap.resp_body) == (
        42,
        "/v1/chat/completions",
        CHAT_REQ,
        CHAT_RESP,
    )
    assert cap.req_headers == {"Content-Type": "application/json"}
    rec = item.record
    assert rec is not None
    assert (rec.capture_id, rec.path, rec.api, rec.model, rec.stream) == (
        42,
        "/v1/chat/completions",
        "openai.chat",
        "qwen3-8b",
        False,
    )
    assert rec.tokens.as_dict() == {
        "input": 30,
        "output": 7,
        "cache_read": 20,
        "cache_write": None,
        "reasoning": None,
    }
    assert res.records == [rec]


def test_an_api_json_array_gives_one_capture_per_element(tmp_path: Path) -> None:
    caps = [capture(id=1), capture(id=2, resp_body=None), capture(id=3)]
    res = read_captures(write(tmp_path, "list.json", to_api_json(caps)))
    assert [(i.entry, i.capture.id) for i in res.items] == [(0, 1), (1, 2), (2, 3)]
    assert [r.entry for r in res.records] == [0, 1, 2]


def test_stdin_is_read_when_the_path_is_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO(to_zstd(to_cbor(CAP), content_size=False)))
    monkeypatch.setattr(sys, "stdin", fake)
    [cap] = list(iter_captures("-"))
    assert cap.id == 42


# --- partial, failed, odd captures ---------------------------------------------------------


def test_a_partial_capture_with_null_fields_keeps_them_null(tmp_path: Path) -> None:
    cap = capture(id=3, req_body=None, resp_headers=None, resp_body=None)
    cap["resp_headers"] = None
    res = read_captures(write(tmp_path, "p.cbor", to_zstd(to_cbor(cap))))
    [item] = res.items
    assert (item.capture.req_body, item.capture.resp_headers, item.capture.resp_body) == (None, None, None)
    assert item.record is not None
    assert item.record.tokens.any_reported() is False
    assert "response body not recorded" in item.record.warnings
    d = capture_dict(item)
    assert (d["req_body"], d["resp_headers"], d["resp_body"]) == (None, None, None)


def test_a_failed_request_without_response_body_names_the_model_asked_for(tmp_path: Path) -> None:
    cap = capture(id=12, req_body=b'{"model":"m","messages":[]}', resp_body=None)
    [item] = read_captures(write(tmp_path, "f.cbor", to_cbor(cap))).items
    assert item.record is not None
    assert (item.record.model, item.record.tokens.input, item.record.error) == ("m", None, None)


def test_a_failed_request_with_an_error_body_reports_its_message(tmp_path: Path) -> None:
    body = b'{"error":{"message":"upstream model crashed","type":"server_error"}}'
    cap = capture(id=13, resp_body=body)
    [item] = read_captures(write(tmp_path, "e.cbor.zst", to_zstd(to_cbor(cap)))).items
    assert item.record is not None
    assert item.record.error == "upstream model crashed"
    assert item.record.tokens.output is None


def test_non_utf8_bodies_come_out_as_base64_with_their_encoding(tmp_path: Path) -> None:
    binary = b"\x89PNG\r\n\x1a\n\xff\xfe\x00"
    cap = capture(id=47, req_path="/v1/audio/speech", resp_body=binary)
    [item] = read_captures(write(tmp_path, "b.cbor.zst", to_zstd(to_cbor(cap)))).items
    assert item.capture.resp_body == binary
    d = capture_dict(item)
    assert d["resp_body_encoding"] == "base64"
    assert base64.b64decode(d["resp_body"]) == binary
    assert "req_body_encoding" not in d and d["req_body"] == CHAT_REQ.decode()
    assert body_view(binary).kind == BINARY


def test_the_empty_capture_is_one_capture(tmp_path: Path) -> None:
    empty = {"id": 0, "req_path": "", "req_headers": None, "req_body": None, "resp_headers": None}
    empty["resp_body"] = None
    [item] = read_captures(write(tmp_path, "z.cbor", to_cbor(empty))).items
    assert item.capture.id == 0
    row = capture_row(item)
    assert (row["id"], row["path"], row["req_bytes"], row["resp_bytes"]) == (0, None, None, None)


def test_an_empty_file_is_a_warning_not_an_error(tmp_path: Path) -> None:
    res = read_captures(write(tmp_path, "empty.cap", b""))
    assert res.error is None and res.items == []
    assert res.warnings == ["empty input: no captures"]


# --- what is not a capture -----------------------------------------------------------------


def test_a_walked_non_capture_is_skipped_a_named_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    write(tmp_path, "d/1.cap", to_zstd(to_cbor(capture(id=1)), content_size=False))
    write(tmp_path, "d/body.sse", sse([("message_stop", '{"type":"message_stop"}')]))
    write(tmp_path, "d/other.json", b'{"usage":{"prompt_tokens":1}}')
    walked = list(iter_capture_inputs([str(tmp_path / "d")]))
    assert [(Path(r.source).name, len(r.items), r.error) for r in walked] == [
        ("1.cap", 1, None),
        ("body.sse", 0, None),
        ("other.json", 0, None),
    ]
    assert walked[1].warnings == ["skipped: not a llama-swap capture (the bytes look like an SSE stream)"]
    assert walked[2].warnings == ["skipped: not a llama-swap capture (JSON of another shape)"]
    named = read_captures(str(tmp_path / "d" / "body.sse"))
    assert named.error is not None and "not a llama-swap capture" in str(named.error)


def test_a_missing_file_is_an_input_error() -> None:
    res = read_captures("/nonexistent/1.cap")
    assert str(res.error) == "/nonexistent/1.cap: no such file or directory"


def test_iter_captures_raises_on_a_broken_input(tmp_path: Path) -> None:
    path = write(tmp_path, "t.cap", to_zstd(to_cbor(CAP))[:-6])
    with pytest.raises(InputError):
        list(iter_captures(path))


# --- hostile bytes -------------------------------------------------------------------------


def _hostile_cbor() -> bytes:
    """A capture map whose resp_body byte string claims a terabyte and holds 3 bytes."""
    head = b"\xa2" + b"\x68req_path" + b"\x61/" + b"\x69resp_body"
    return head + b"\x5b" + (1 << 40).to_bytes(8, "big") + b"abc"


@pytest.mark.parametrize("wrap", ["raw", "zstd"])
def test_a_length_field_claiming_a_terabyte_is_an_error_not_an_allocation(tmp_path: Path, wrap: str) -> None:
    data = _hostile_cbor() if wrap == "raw" else to_zstd(_hostile_cbor(), content_size=False)
    res = read_captures(write(tmp_path, "h.cap", data))
    assert res.items == []
    assert res.error is not None
    assert res.error.message == "CBOR string claims 1099511627776 bytes, only 3 remain"


def test_a_map_claiming_more_items_than_bytes_is_an_error(tmp_path: Path) -> None:
    data = b"\xbb" + (1 << 40).to_bytes(8, "big") + b"\x68req_path\x61/"
    res = read_captures(write(tmp_path, "m.cap", data))
    assert res.error is not None and "claims 1099511627776 items" in res.error.message


CBOR_HEADS = {
    "indefinite map, array and string": (b"\xbf\x61a\x9f\x01\x5f\x41x\xff\xff\xff", None),
    "a tag on a map": (b"\xc1\xa1\x61a\x01", None),
    "an empty array, then trailing bytes": (b"\x80\xff\xff", None),
    "a map cut after its key": (b"\xa1\x61a", "CBOR is truncated"),
    "a length cut in its bytes": (b"\x59\x01", "CBOR is truncated"),
    "a reserved header": (b"\x82\x01\x1c", "invalid CBOR header byte 0x1c at byte 2"),
    "an array claiming 5 items": (b"\x98\x05\x01", "CBOR container claims 5 items, only 1 bytes remain"),
    "nested past the limit": (b"\x81" * 65 + b"\x01", "CBOR nests too deeply"),
    "tags nested past the limit": (b"\xc1" * 65 + b"\x01", "CBOR nests too deeply"),
    "nested to the limit": (b"\x81" * 64 + b"\x01", None),
}


@pytest.mark.parametrize("name", list(CBOR_HEADS))
def test_the_cbor_head_walk(name: str) -> None:
    data, error = CBOR_HEADS[name]
    if error is None:
        check_cbor_lengths(data)
    else:
        with pytest.raises(InputError) as e:
            check_cbor_lengths(data)
        assert e.value.message == error


@pytest.mark.parametrize("content_size", [True, False])
def test_decompression_stops_at_the_cap(tmp_path: Path, content_size: bool) -> None:
    bomb = to_zstd(to_cbor(capture(resp_body=b"\0" * (3 * MiB))), content_size=content_size)
    assert len(bomb) < 4096
    res = read_captures(write(tmp_path, "bomb.cap", bomb), max_size=1 * MiB)
    assert res.error is not None and "exceeds the cap of 1048576 bytes" in res.error.message
    assert read_captures(write(tmp_path, "bomb.cap", bomb), max_size=4 * MiB).error is None


def test_nested_compression_is_bounded(tmp_path: Path) -> None:
    data = to_cbor(CAP)
    for _ in range(4):
        data = to_zstd(data)
    res = read_captures(write(tmp_path, "n.cap", data))
    assert res.error is not None and res.error.message == "compressed too many times over"


# --- redaction -----------------------------------------------------------------------------


def test_redact_headers_covers_every_sensitive_name_in_any_case() -> None:
    headers = {
        "AUTHORIZATION": "Bearer sk-1",
        "proxy-authorization": "Basic x",
        "Cookie": "a=b",
        "set-COOKIE": "s=1",
        "X-Api-Key": "k",
        "api-key": "azure",
        "x-goog-api-key": "AIza",
        "Content-Type": "application/json",
        "X-Custom": "visible",
    }
    out = redact_headers(headers)
    assert out is not None
    assert [k for k, v in out.items() if v != REDACTED] == ["Content-Type", "X-Custom"]
    assert out["X-Custom"] == "visible"
    assert headers["AUTHORIZATION"] == "Bearer sk-1"  # a copy, not in place
    assert redact_headers(None) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/v1beta/models/g:generateContent?key=AIzaSy123&alt=sse",
            "/v1beta/models/g:generateContent?key=[REDACTED]&alt=sse",
        ),
        ("https://h/p?alt=sse&API_KEY=s3cret#frag", "https://h/p?alt=sse&API_KEY=[REDACTED]#frag"),
        ("/x?access_token=t&key=k", "/x?access_token=[REDACTED]&key=[REDACTED]"),
        ("/x?monkey=1&keys=2&key2=3", "/x?monkey=1&keys=2&key2=3"),
        ("/v1/chat/completions", "/v1/chat/completions"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_capture_dict_redacts_clear_text_secrets() -> None:
    cap = capture(
        req_path="/v1beta/models/g:generateContent?key=AIzaSECRET",
        req_headers={"Authorization": "Bearer sk-SECRET", "x-goog-api-key": "AIzaSECRET"},
        resp_headers={"Set-Cookie": "session=SECRET", "Content-Type": "application/json"},
    )
    from llmstat.exchange import CaptureItem
    from llmstat.sources.capture import capture_from_object

    item = CaptureItem("s", 0, capture_from_object(cap, b64=False), None)
    text = repr(capture_dict(item)) + repr(capture_row(item))
    assert "SECRET" not in text
    assert capture_dict(item)["req_headers"] == {"Authorization": REDACTED, "x-goog-api-key": REDACTED}


# --- body views ----------------------------------------------------------------------------


def test_a_long_stream_is_abridged_with_a_count() -> None:
    view = body_view(openai_stream(28), max_events=12)  # 28 deltas + usage + [DONE] = 30 events
    assert (view.kind, view.total_events, view.omitted, view.head) == (SSE, 30, 18, 8)
    assert [e.number for e in view.events] == [1, 2, 3, 4, 5, 6, 7, 8, 27, 28, 29, 30]
    assert view.events[-1].text == "[DONE]"
    assert '"usage"' in view.events[-2].text
    full = body_view(openai_stream(28), max_events=0)
    assert (full.total_events, full.omitted, len(full.events)) == (30, 0, 30)


def test_body_kinds() -> None:
    assert body_view(None).kind == "absent"
    assert body_view(b"").kind == EMPTY
    json_view = body_view(b'{"a":{"b":[1,2]}}')
    assert json_view.kind == JSON
    assert json_view.text == '{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  }\n}'
    nd = body_view(b'{"done":false}\n{"done":true,"eval_count":3}\n')
    assert (nd.kind, nd.total_events) == (NDJSON, 2)
    assert body_view(b"<html>Bad Gateway</html>").kind == TEXT
    short = body_view(sse([("message_stop", '{"type":"message_stop"}')]))
    assert (short.kind, short.events[0].event, short.events[0].text) == (
        SSE,
        "message_stop",
        '{"type":"message_stop"}',
    )


def test_json_that_parses_to_no_capture_is_no_capture() -> None:
    for data in (b"null", b"[1, 2]", b'{"a": 1}'):
        with pytest.raises(NotARecording):
            captures_from_json(data)
    with pytest.raises(InputError, match="invalid JSON"):
        captures_from_json(b'{"id": 1,')
