"""`llmstat captures decode` and `llmstat captures list`: every output format, the raw-body pipe
into `parse -`, redaction of clear-text secrets, exit statuses, and llama-swap's own blobs."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cbor2
import pytest

from llmstat.commands.app import app_for
from tests.capture_blobs import (
    CHAT_REQ,
    CHAT_RESP,
    capture,
    openai_stream,
    to_api_json,
    to_cbor,
    to_zstd,
    write,
)
from tests.conftest import runner

DECODE_KEYS = ["id", "req_path", "req_headers", "req_body", "resp_headers", "resp_body", "record"]
SECRETS = {
    "Authorization": "Bearer sk-live-SECRET1",
    "proxy-authorization": "Basic SECRET2",
    "COOKIE": "sid=SECRET3",
    "X-Api-Key": "SECRET4",
    "api-key": "SECRET5",
    "x-goog-api-key": "AIzaSECRET6",
    "Content-Type": "application/json",
}
ANTHROPIC_SSE = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":'
    b'{"input_tokens":9,"cache_read_input_tokens":5,"output_tokens":1}}}\n\n'
    b"event: message_delta\n"
    b'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":24}}\n\n'
    b"event: message_stop\n"
    b'data: {"type":"message_stop"}\n\n'
)


def run_bytes(*args: str, input: bytes | None = None) -> tuple[int, bytes, str]:
    result = runner().invoke(app_for(list(args)), list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def json_stream(text: str) -> list[Any]:
    """The JSON values of a concatenated stream (what `decode --format json` prints)."""
    dec = json.JSONDecoder()
    out, pos = [], 0
    while pos < len(text.rstrip()):
        while text[pos].isspace():
            pos += 1
        obj, pos = dec.raw_decode(text, pos)
        out.append(obj)
    return out


@pytest.fixture
def secret_capture(tmp_path: Path) -> str:
    cap = capture(
        id=9,
        req_path="/v1beta/models/gemini-2.5-flash:generateContent?key=AIzaSECRET7",
        req_headers=SECRETS,
        resp_headers={"Set-Cookie": "session=SECRET8", "Content-Type": "application/json"},
    )
    return write(tmp_path, "9.cap", to_zstd(to_cbor(cap), content_size=False))


# --- decode --------------------------------------------------------------------------------


def test_decode_text_shows_every_part(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path, "42.cap", to_zstd(to_cbor(capture()), content_size=False))
    run = cli("captures", "decode", path)
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    assert out.startswith("capture 42  /v1/chat/completions  ")
    for heading in ("request headers", f"request body · {len(CHAT_REQ)} bytes · JSON", "response headers"):
        assert heading in out
    assert f"response body · {len(CHAT_RESP)} bytes · JSON" in out
    assert '  "model": "qwen3-8b",' in out  # the request body, pretty-printed
    assert '      "cached_tokens": 20' in out  # the response body, pretty-printed
    assert "api openai.chat · model qwen3-8b · stream no" in out
    assert "tokens: input 30 · cache read 20 · cache write - · output 7 · reasoning -" in out


def test_decode_abridges_long_streams_with_a_count(tmp_path: Path, cli: Any) -> None:
    cap = capture(resp_headers={"Content-Type": "text/event-stream"}, resp_body=openai_stream(48))
    path = write(tmp_path, "s.cap", to_zstd(to_cbor(cap)))
    out = cli("captures", "decode", path).stdout
    assert "SSE, 50 events" in out
    assert "… 38 events not shown (--events 0 shows them all) …" in out
    assert "[8] message" in out and "[9] message" not in out and "[47] message" in out
    assert "tokens: input 11 · cache read - · cache write - · output 48" in out
    full = cli("captures", "decode", path, "--events", "0").stdout
    assert "not shown" not in full and "[25] message" in full


def test_decode_json_is_one_object_for_one_capture(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path, "42.cap", to_zstd(to_cbor(capture())))
    run = cli("captures", "decode", path, "--format", "json")
    assert run.exit_code == 0
    obj = run.json()
    assert list(obj) == DECODE_KEYS
    assert (obj["id"], obj["req_body"], obj["resp_body"]) == (42, CHAT_REQ.decode(), CHAT_RESP.decode())
    assert obj["record"]["capture_id"] == 42
    assert obj["record"]["tokens"] == {
        "input": 30,
        "output": 7,
        "cache_read": 20,
        "cache_write": None,
        "reasoning": None,
    }


def test_decode_json_streams_one_object_per_capture(tmp_path: Path, cli: Any) -> None:
    a = write(tmp_path, "a.cap", to_zstd(to_cbor(capture(id=1))))
    b = write(tmp_path, "b.json", to_api_json([capture(id=2), capture(id=3, resp_body=None)]))
    run = cli("captures", "decode", a, b, "--json")
    assert [o["id"] for o in json_stream(run.stdout)] == [1, 2, 3]
    nd = cli("captures", "decode", a, b, "--format", "ndjson")
    lines = nd.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3]
    assert json.loads(lines[2])["resp_body"] is None


def test_decode_json_gives_non_utf8_bodies_as_base64(tmp_path: Path, cli: Any) -> None:
    audio = bytes(range(256))
    path = write(tmp_path, "a.cap", to_zstd(to_cbor(capture(req_path="/v1/audio/speech", resp_body=audio))))
    obj = cli("captures", "decode", path, "--json").json()
    assert obj["resp_body_encoding"] == "base64"
    assert base64.b64decode(obj["resp_body"]) == audio
    assert "req_body_encoding" not in obj
    text = cli("captures", "decode", path).stdout
    assert "response body · 256 bytes · binary, not UTF-8 (--raw writes its bytes)" in text


def test_decode_a_partial_capture(tmp_path: Path, cli: Any) -> None:
    cap = capture(id=3, req_body=None, resp_body=None)
    cap["resp_headers"] = None
    path = write(tmp_path, "3.cap", to_cbor(cap))
    run = cli("captures", "decode", path)
    assert run.exit_code == 0
    assert "request body · not recorded" in run.stdout
    assert "response body · not recorded" in run.stdout
    assert "warning: response body not recorded" in run.stdout
    obj = cli("captures", "decode", path, "--json").json()
    assert (obj["req_body"], obj["resp_headers"], obj["resp_body"]) == (None, None, None)


def test_decode_a_failed_request(tmp_path: Path, cli: Any) -> None:
    body = b'{"error":{"message":"model failed to load","code":502}}'
    path = write(tmp_path, "12.cap", to_zstd(to_cbor(capture(id=12, resp_body=body))))
    run = cli("captures", "decode", path)
    assert "error: model failed to load" in run.stdout
    assert cli("captures", "decode", path, "--json").json()["record"]["error"] == "model failed to load"


def test_decode_body_shows_only_that_body(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path, "42.cap", to_cbor(capture()))
    out = cli("captures", "decode", path, "--body", "req").stdout
    assert out.startswith(f"request body · {len(CHAT_REQ)} bytes · JSON")
    assert "response" not in out and "capture 42" not in out


# --- --raw ---------------------------------------------------------------------------------


def test_raw_body_is_binary_safe(tmp_path: Path) -> None:
    audio = bytes(range(256)) * 3
    path = write(tmp_path, "a.cap", to_zstd(to_cbor(capture(resp_body=audio)), content_size=False))
    code, out, _ = run_bytes("captures", "decode", path, "--body", "resp", "--raw")
    assert (code, out) == (0, audio)
    code, out, _ = run_bytes("captures", "decode", path, "--body", "req", "--raw")
    assert (code, out) == (0, CHAT_REQ)


def test_raw_response_body_pipes_into_parse(tmp_path: Path) -> None:
    cap = capture(
        req_path="/v1/messages", resp_headers={"Content-Type": "text/event-stream"}, resp_body=ANTHROPIC_SSE
    )
    path = write(tmp_path, "7.cap", to_zstd(to_cbor(cap), content_size=False))
    cmd = [sys.executable, "-m", "llmstat"]
    decode = subprocess.run(
        [*cmd, "captures", "decode", path, "--body", "resp", "--raw"], capture_output=True, check=True
    )
    assert decode.stdout == ANTHROPIC_SSE
    parse = subprocess.run(
        [*cmd, "parse", "-", "--format", "json"], input=decode.stdout, capture_output=True, check=True
    )
    [rec] = json.loads(parse.stdout)
    assert (rec["api"], rec["stream"], rec["model"]) == ("anthropic.messages", True, "claude-x")
    assert rec["tokens"] == {
        "input": 14,
        "output": 24,
        "cache_read": 5,
        "cache_write": None,
        "reasoning": None,
    }


def test_raw_of_a_missing_body_warns_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "12.cap", to_cbor(capture(id=12, resp_body=None)))
    code, out, err = run_bytes("captures", "decode", path, "--body", "resp", "--raw")
    assert (code, out) == (0, b"")
    assert err == f"Warning: {path}: capture 12 has no response body recorded\n"
    code, _, _ = run_bytes("captures", "decode", path, "--body", "resp", "--raw", "--strict")
    assert code == 1


def test_raw_takes_exactly_one_capture(tmp_path: Path) -> None:
    path = write(tmp_path, "l.json", to_api_json([capture(id=1), capture(id=2)]))
    code, out, err = run_bytes("captures", "decode", path, "--body", "resp", "--raw")
    assert (code, out) == (2, b"")
    assert "Error: --raw writes one body, and the inputs hold 2 captures" in err


@pytest.mark.parametrize(
    "args",
    [["--raw"], ["--body", "resp", "--format", "json"], ["--raw", "--body", "req", "--format", "ndjson"]],
)
def test_raw_and_body_misuse_is_a_usage_error(tmp_path: Path, cli: Any, args: list[str]) -> None:
    path = write(tmp_path, "42.cap", to_cbor(capture()))
    run = cli("captures", "decode", path, *args)
    assert run.exit_code == 2
    assert run.stdout == ""


# --- errors and hostile input --------------------------------------------------------------


def test_decode_reports_bad_inputs_and_still_decodes_the_rest(tmp_path: Path, cli: Any) -> None:
    good = write(tmp_path, "42.cap", to_cbor(capture()))
    sse_file = write(tmp_path, "body.sse", ANTHROPIC_SSE)
    hostile = write(
        tmp_path,
        "h.cap",
        b"\xa2\x68req_path\x61/\x69resp_body\x5b" + (1 << 40).to_bytes(8, "big") + b"abc",
    )
    cut = write(tmp_path, "cut.cap", to_zstd(to_cbor(capture()), content_size=False)[:-5])
    run = cli("captures", "decode", sse_file, good, hostile, cut, "missing.cap", "--json")
    assert run.exit_code == 1
    assert [o["id"] for o in json_stream(run.stdout)] == [42]
    assert run.stderr.splitlines() == [
        f"Error: {sse_file}: not a llama-swap capture (the bytes look like an SSE stream)",
        f"Error: {hostile}: CBOR string claims 1099511627776 bytes, only 3 remain",
        f"Error: {cut}: zstd data is truncated",
        "Error: missing.cap: no such file or directory",
    ]


def test_max_size_bounds_each_blob(tmp_path: Path, cli: Any) -> None:
    bomb = write(tmp_path, "b.cap", to_zstd(to_cbor(capture(resp_body=b"{" + b" " * (3 << 20) + b"}"))))
    run = cli("captures", "list", bomb, "--max-size", "1")
    assert run.exit_code == 1
    assert "exceeds the cap of 1048576 bytes (raise it with --max-size)" in run.stderr
    assert cli("captures", "list", bomb, "--max-size", "4").exit_code == 0


# --- redaction in every output format ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["captures", "decode"],
        ["captures", "decode", "--format", "json"],
        ["captures", "decode", "--format", "ndjson"],
        ["captures", "list"],
        ["captures", "list", "--format", "json"],
        ["captures", "list", "--format", "ndjson"],
        ["captures", "list", "--format", "csv"],
        ["parse", "--format", "json"],
        ["parse", "--format", "csv"],
    ],
)
def test_clear_text_secrets_are_never_printed(secret_capture: str, cli: Any, args: list[str]) -> None:
    run = cli(*args, secret_capture)
    assert run.exit_code == 0, run.stderr
    assert "SECRET" not in run.stdout + run.stderr
    if args[:2] == ["captures", "decode"] and "text" not in args and len(args) > 2:
        obj = json.loads(run.stdout.splitlines()[0]) if "ndjson" in args else json.loads(run.stdout)
        assert obj["req_path"] == "/v1beta/models/gemini-2.5-flash:generateContent?key=[REDACTED]"
        assert set(obj["req_headers"].values()) == {"[REDACTED]", "application/json"}
        assert obj["req_headers"]["Content-Type"] == "application/json"
        assert obj["resp_headers"]["Set-Cookie"] == "[REDACTED]"


def test_the_text_view_prints_redacted_header_names(secret_capture: str, cli: Any) -> None:
    out = cli("captures", "decode", secret_capture).stdout
    for name in SECRETS:
        if name != "Content-Type":
            assert f"{name}: [REDACTED]" in out
    assert "Set-Cookie: [REDACTED]" in out
    assert "capture 9  /v1beta/models/gemini-2.5-flash:generateContent?key=[REDACTED]" in out


# --- list ----------------------------------------------------------------------------------


@pytest.fixture
def capture_dir(tmp_path: Path) -> Path:
    d = tmp_path / "captures"
    write(d, "0/30.cap", to_zstd(to_cbor(capture(id=30)), content_size=False))
    write(d, "0/7.cap", to_zstd(to_cbor(capture(id=7, resp_body=None))))
    stream = capture(id=12, req_path="/v1/messages", resp_body=ANTHROPIC_SSE)
    write(d, "0/12.cap", to_zstd(to_cbor(stream)))
    write(d, "notes.txt", b"just some notes\n")
    return d


def test_list_walks_a_directory_and_skips_what_is_no_capture(capture_dir: Path, cli: Any) -> None:
    run = cli("captures", "list", str(capture_dir), "--format", "json")
    assert run.exit_code == 0
    rows = run.json()
    assert [(Path(r["source"]).name, r["id"]) for r in rows] == [("12.cap", 12), ("30.cap", 30), ("7.cap", 7)]
    assert run.stderr.splitlines()[0] == (
        f"Warning: {capture_dir}/notes.txt: skipped: "
        "not a llama-swap capture (the bytes look like no recording format)"
    )
    # the one capture without a response body, counted in the closing note
    assert run.stderr.splitlines()[1:] == [
        'Warning: 1 of 3 records with warnings: "response body not recorded" (1), "no usage reported" (1) '
        '(each record\'s "warnings" in --format json)'
    ]
    r12 = rows[0]
    assert {k: r12[k] for k in ("path", "model", "api", "stream", "req_bytes", "resp_bytes")} == {
        "path": "/v1/messages",
        "model": "claude-x",
        "api": "anthropic.messages",
        "stream": True,
        "req_bytes": len(CHAT_REQ),
        "resp_bytes": len(ANTHROPIC_SSE),
    }
    assert r12["tokens"]["input"] == 14 and r12["response_id"] == "msg_1"
    assert rows[2]["resp_bytes"] is None and rows[2]["tokens"]["input"] is None


def test_list_sorts_by_capture_id(capture_dir: Path, cli: Any) -> None:
    rows = cli("captures", "list", str(capture_dir), "--sort", "id", "--json").json()
    assert [r["id"] for r in rows] == [7, 12, 30]
    nd = cli("captures", "list", str(capture_dir), "--sort", "id", "--format", "ndjson").stdout
    assert [json.loads(line)["id"] for line in nd.splitlines()] == [7, 12, 30]


def test_list_table_and_csv(capture_dir: Path, cli: Any) -> None:
    table = cli("captures", "list", str(capture_dir), "--sort", "id").stdout
    lines = [line for line in table.splitlines() if line.strip()]
    assert lines[0].split()[:2] == ["id", "source"]
    assert [line.split()[0] for line in lines[2:]] == ["7", "12", "30"]
    rows = list(csv.DictReader(io.StringIO(cli("captures", "list", str(capture_dir), "-f", "csv").stdout)))
    assert [(r["id"], r["input"], r["cache_read"], r["output"]) for r in rows] == [
        ("12", "14", "5", "24"),
        ("30", "30", "20", "7"),
        ("7", "", "", ""),
    ]


def test_list_of_nothing_is_an_empty_array(tmp_path: Path, cli: Any) -> None:
    run = cli("captures", "list", write(tmp_path, "e.cap", b""), "--json")
    assert (run.exit_code, run.json()) == (0, [])
    assert run.stderr.endswith("empty input: no captures\n")
    assert cli("captures", "list", write(tmp_path, "e.cap", b"")).stdout == "no captures\n"


# --- llama-swap's own blobs (../shared) -----------------------------------------------------


def test_shared_capture_blobs_decode_alike_in_every_form(shared: Path, cli: Any) -> None:
    folder = shared / "conformance" / "llamaswap" / "captures"
    cases = sorted(p.name.removesuffix(".cbor.zst") for p in folder.glob("*.cbor.zst"))
    assert len(cases) == 9
    for case in cases:
        forms = [folder / f"{case}.cbor.zst", folder / f"{case}.cbor", folder / f"{case}.api.json"]
        objs = [cli("captures", "decode", str(p), "--json").json() for p in forms]
        for obj in objs:
            obj["record"].pop("source")
        assert objs[0] == objs[1] == objs[2], case


def test_shared_capture_blobs_decode_to_known_values(shared: Path, cli: Any) -> None:
    folder = shared / "conformance" / "llamaswap" / "captures"

    def decode(name: str) -> Any:
        return cli("captures", "decode", str(folder / name), "--json").json()

    sse7 = decode("cap_anthropic_sse_id7.cbor.zst")
    assert (sse7["id"], sse7["req_path"]) == (7, "/v1/messages")
    assert sse7["resp_body"].startswith("event: message_start\n")
    assert sse7["record"]["tokens"] == {
        "input": 14,
        "output": 24,
        "cache_read": 5,
        "cache_write": None,
        "reasoning": None,
    }
    chat0 = decode("cap_chat_json_id0.cbor.zst")
    assert chat0["req_headers"] == {"Content-Type": "application/json", "Authorization": "[REDACTED]"}
    assert json.loads(chat0["resp_body"]) == {"usage": {"prompt_tokens": 100, "completion_tokens": 50}}
    empty = decode("cap_empty.cbor.zst")
    assert {k: empty[k] for k in DECODE_KEYS[:-1]} == {
        "id": 0,
        "req_path": "",
        "req_headers": None,
        "req_body": None,
        "resp_headers": None,
        "resp_body": None,
    }
    failed = decode("cap_failed_502_no_respbody_id12.cbor.zst")
    assert (failed["resp_body"], failed["record"]["model"]) == (None, "m")
    responses = cli("captures", "decode", str(folder / "cap_responses_sse_id1000.cbor.zst")).stdout
    assert responses.startswith("capture 1000  /v1/responses")
    assert "SSE, 9 events" in responses


def test_blobs_written_here_match_llama_swaps_bytes(shared: Path) -> None:
    """The test blobs mirror fxamacker/cbor: where Go's map order cannot differ (one header
    each), cbor2 in struct key order writes the very same bytes."""
    raw = (
        shared / "conformance" / "llamaswap" / "captures" / "cap_failed_502_no_respbody_id12.cbor"
    ).read_bytes()
    mine = capture(
        id=12,
        req_headers={"content-type": "application/json"},
        req_body=b'{"model":"m","messages":[]}',
        resp_body=None,
    )
    assert to_cbor(mine) == raw
    assert cbor2.loads(raw)["resp_body"] is None


def test_parse_reports_a_truncated_zstd_blob_instead_of_reading_it_as_empty(tmp_path: Path, cli: Any) -> None:
    cut = write(tmp_path, "cut.cap", to_zstd(to_cbor(capture()), content_size=False)[:-5])
    run = cli("parse", cut, "--format", "json")
    assert (run.exit_code, run.json()) == (1, [])
    assert run.stderr == f"Error: {cut}: zstd data is truncated\n"


# --- JSON lines of captures (curl .../api/captures/$id >> captures.jsonl) -------------------


def jsonl(*caps: dict[str, Any]) -> bytes:
    return b"".join(to_api_json(c) + b"\n" for c in caps)


@pytest.mark.parametrize("pad", [0, 100_000])  # the first line within the sniffed head, or beyond it
def test_json_lines_of_captures_are_read_as_captures(tmp_path: Path, cli: Any, pad: int) -> None:
    first = capture(id=1, req_headers={"Content-Type": "application/json", "X-Pad": "x" * pad})
    path = write(tmp_path, "caps.jsonl", jsonl(first, capture(id=2), capture(id=3, resp_body=None)))
    run = cli("parse", path, "--format", "json", "--no-cost")
    assert run.exit_code == 0, run.stderr
    records = run.json()
    assert [r["capture_id"] for r in records] == [1, 2, 3]
    assert records[0]["tokens"]["input"] == 30 and records[0]["model"] == "qwen3-8b"
    listed = cli("captures", "list", path, "--format", "json")
    assert [c["id"] for c in listed.json()] == [1, 2, 3]
    decoded = cli("captures", "decode", path, "--format", "ndjson")
    assert [json.loads(line)["id"] for line in decoded.stdout.splitlines()] == [1, 2, 3]


def test_a_bad_line_among_captures_is_an_error_after_the_good_ones(tmp_path: Path, cli: Any) -> None:
    data = jsonl(capture(id=1), capture(id=2)) + b'{"nope": 1}\n' + jsonl(capture(id=4))
    path = write(tmp_path, "caps.jsonl", data)
    run = cli("parse", path, "--format", "json", "--no-cost")
    assert run.exit_code == 1
    assert [r["capture_id"] for r in run.json()] == [1, 2]
    assert run.stderr.strip() == f"Error: {path}: line 3: not a llama-swap capture"
    listed = cli("captures", "list", path, "--format", "json")
    assert listed.exit_code == 1
    assert [c["id"] for c in listed.json()] == [1, 2]


def test_json_lines_of_llm_events_are_not_taken_for_captures(tmp_path: Path, cli: Any) -> None:
    ndjson = b'{"model":"llama3.2","created_at":"t","response":"hi","done":false}\n' + (
        b'{"model":"llama3.2","created_at":"t","response":"","done":true,"prompt_eval_count":3,"eval_count":1}\n'
    )
    path = write(tmp_path, "o.ndjson", ndjson)
    [rec] = cli("parse", path, "--format", "json", "--no-cost").json()
    assert (rec["api"], rec["tokens"]["input"], rec["capture_id"]) == ("ollama", 3, None)
    run = cli("captures", "list", path)
    assert run.exit_code == 1 and "not a llama-swap capture" in run.stderr
