"""Test-suite and proxy recordings (VCR cassettes, httprr traces, mitmproxy flows): the readers
fed whole, a byte at a time and split at random; old flow formats; hostile inputs bounded."""

from __future__ import annotations

import gzip
import io
import json
import random
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llmstat.errors import InputError, SizeLimitExceeded
from llmstat.sources.http_message import dechunk, parse_http_message
from llmstat.sources.safe_yaml import load_yaml
from llmstat.sources.tnetstring import iter_values, loads
from tests.conftest import FIXTURES

LIMIT_S = 30
LIMIT_MB = 600


def dumps(value: Any) -> bytes:
    """A tnetstring as mitmproxy's ``io/tnetstring.py`` writes it (text as ``;``, bytes as ``,``)."""
    if value is None:
        return b"0:~"
    if isinstance(value, bool):
        data, tag = (b"true" if value else b"false"), b"!"
    elif isinstance(value, int):
        data, tag = str(value).encode(), b"#"
    elif isinstance(value, float):
        data, tag = repr(value).encode(), b"^"
    elif isinstance(value, bytes):
        data, tag = value, b","
    elif isinstance(value, str):
        data, tag = value.encode(), b";"
    elif isinstance(value, list):
        data, tag = b"".join(dumps(v) for v in value), b"]"
    else:
        data, tag = b"".join(dumps(k) + dumps(v) for k, v in value.items()), b"}"
    return b"%d:%s%s" % (len(data), data, tag)


class Dribble(io.RawIOBase):
    """A stream that hands out at most a few bytes per read, as a pipe may."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data = data
        self.pos = 0
        self.sizes = sizes

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        take = self.sizes[self.pos % len(self.sizes)]
        if n >= 0:
            take = min(take, n)
        out = self.data[self.pos : self.pos + take]
        self.pos += len(out)
        return out


def run_llmstat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmstat", *args], capture_output=True, text=True, timeout=LIMIT_S, check=False
    )


def parse_json(path: Path) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
    run = run_llmstat("parse", str(path), "--format", "json")
    return json.loads(run.stdout), run


# --- tnetstring ---------------------------------------------------------------------------

FLOW_FILE = (FIXTURES / "containers" / "mitmdump-reverse-proxy.flow").read_bytes()


@pytest.mark.parametrize("split", ["whole", "byte", "random"])
def test_a_flow_file_reads_the_same_however_its_bytes_arrive(split: str) -> None:
    whole = list(iter_values(io.BytesIO(FLOW_FILE), 1 << 30))
    sizes = {
        "whole": [len(FLOW_FILE)],
        "byte": [1],
        "random": [random.Random(7).randint(1, 500) for _ in range(97)],
    }
    got = list(iter_values(Dribble(FLOW_FILE, sizes[split]), 1 << 30))  # type: ignore[arg-type]
    assert got == whole and len(whole) == 6
    assert all(f["type"] == "http" for f in whole)


def test_tnetstring_values_round_trip() -> None:
    value = {"a": [1, -2, 3.5, True, False, None, b"\x00\xff", "é"], "b": {}}
    assert loads(dumps(value)) == value


def test_trailing_junk_after_good_flows_is_an_error_after_them() -> None:
    values = iter_values(io.BytesIO(dumps({"type": "http"}) + b"junk"), 1 << 20)
    assert next(values) == {"type": "http"}
    with pytest.raises(InputError, match="length prefix"):
        next(values)


@pytest.mark.parametrize(
    "data",
    [
        b"999999999999:}",  # a terabyte claimed at the top
        dumps({"content": b"x"}).replace(b"1:x,", b"999999999999:x,"),  # ... and inside
        b"1234567890123:",  # longer than any length mitmproxy writes
    ],
    ids=["top", "inside", "prefix"],
)
def test_a_length_that_claims_a_terabyte_is_an_error_not_an_allocation(data: bytes) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError):
        list(iter_values(io.BytesIO(data), 256 << 20))
    with pytest.raises(InputError):
        loads(data)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 << 10  # KiB


def test_the_cap_is_checked_before_reading() -> None:
    with pytest.raises(SizeLimitExceeded):
        list(iter_values(io.BytesIO(b"2000:" + b"x" * 2001), 1000))


def test_deep_tnetstring_nesting_is_an_error() -> None:
    deep = b"0:]"
    for _ in range(100_000):
        deep = b"%d:%s]" % (len(deep), deep)
    with pytest.raises(InputError, match="nests deeper"):
        loads(deep)


# --- mitmproxy flows of every format version ---------------------------------------------

CHAT = json.dumps(
    {
        "id": "chatcmpl-Old1",
        "model": "gpt-4o-mini",
        "object": "chat.completion",
        "choices": [],
        "usage": {"prompt_tokens": 7, "completion_tokens": 2},
    }
).encode()


def _old_flow() -> dict[bytes, Any]:
    """A flow as mitmproxy 0.15 wrote it: bytes keys, ``code``, ``msg`` and ``body``."""
    return {
        b"version": [0, 15],
        b"type": b"http",
        b"request": {
            b"method": b"POST",
            b"scheme": b"https",
            b"host": b"api.openai.com",
            b"port": 443,
            b"path": b"/v1/chat/completions?x=1",
            b"headers": [[b"Content-Type", b"application/json"]],
            b"body": b'{"model": "gpt-4o-mini"}',
            b"timestamp_start": 1700000000.1239,
            b"timestamp_end": 1700000000.2,
        },
        b"response": {
            b"code": 200,
            b"msg": b"OK",
            b"headers": [[b"Content-Encoding", b"gzip"]],
            b"body": gzip.compress(CHAT),
            b"timestamp_start": 1700000000.5,
            b"timestamp_end": 1700000001.1239,
        },
    }


def _flow_v13_without_response_start() -> dict[str, Any]:
    return {
        "version": 13,
        "type": "http",
        "request": {
            "method": b"POST",
            "scheme": b"http",
            "host": "localhost",
            "port": 8080,
            "path": b"/v1/chat/completions",
            "headers": [],
            "content": b"{}",
            "timestamp_start": 1700000000.0,
            "timestamp_end": 1700000000.25,
        },
        "response": {
            "status_code": 200,
            "reason": b"OK",
            "headers": [],
            "content": CHAT,
            "timestamp_start": None,
            "timestamp_end": 1700000001.0,
        },
    }


def test_old_flow_formats_are_read_as_compat_py_migrates_them(tmp_path: Path) -> None:
    no_response = {
        "type": "http",
        "request": _flow_v13_without_response_start()["request"],
        "response": None,
        "error": {"msg": "Connection killed."},
    }
    tcp = {"type": "tcp", "version": 21, "messages": []}
    path = tmp_path / "old.flow"
    path.write_bytes(
        b"".join(dumps(f) for f in (_old_flow(), _flow_v13_without_response_start(), no_response, tcp))
    )
    records, run = parse_json(path)
    assert run.returncode == 0, run.stderr
    old, v13 = records
    assert (old["host"], old["path"], old["status"], old["started"]) == (
        "api.openai.com",
        "/v1/chat/completions",
        200,
        "2023-11-14T22:13:20.123Z",
    )
    assert old["tokens"]["input"] == 7 and old["duration_ms"] == pytest.approx(1000.0)
    assert old["ttft_ms"] == pytest.approx(376.1)
    # before format 14, a missing response start is the request's end (compat.py's bugfix)
    assert (v13["host"], v13["ttft_ms"], v13["duration_ms"]) == ("localhost", 250.0, 1000.0)
    summary = json.loads(run_llmstat("summarize", str(path), "--format", "json").stdout)
    assert [s["reason"] for s in summary["skipped"] if not s["reason"].startswith("duplicate")] == [
        "flow has no response (Connection killed.)",
        "not an HTTP flow: tcp",
    ]


# --- httprr ---------------------------------------------------------------------------------


def test_chunked_framing_is_undone() -> None:
    assert dechunk(b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n") == b"abcde"
    assert dechunk(b"3\r\nabc\r\n") == b"abc"  # cut after its last chunk
    assert dechunk(b"zz\r\nabc") is None
    assert dechunk(b"ff\r\nabc\r\n") is None  # claims more than there is
    msg = parse_http_message(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"
    )
    assert msg is not None and msg.body == b"{}" and msg.start_line == "HTTP/1.1 200 OK"


def test_a_truncated_httprr_trace_keeps_its_complete_records(tmp_path: Path) -> None:
    data = (FIXTURES / "containers" / "langchaingo-openai-chunked.httprr").read_bytes()
    path = tmp_path / "cut.httprr"
    path.write_bytes(data[: len(data) - 40])
    records, run = parse_json(path)
    assert run.returncode == 1 and "truncated" in run.stderr
    assert [r["id"] for r in records] == ["chatcmpl-HttprrChunked1"]


# --- YAML, safely -------------------------------------------------------------------------

BILLION_LAUGHS = b"""interactions:
- request: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
  response:
    parsed_body: *i
"""

HOSTILE_YAML = {
    "billion-laughs.yaml": BILLION_LAUGHS,
    "deep-flow.yaml": b"interactions:\n- request: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "deep-block.yaml": b"interactions:\n" + b"- " * 100_000 + b"x\n",
    "deep-mapping.yaml": b"interactions:\n- " + b"{a: " * 100_000 + b"}" * 100_000 + b"\n",
}


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_hostile_yaml_is_refused_in_bounded_time_and_memory(
    name: str, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    if loader == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    with pytest.raises(InputError, match=r"nest|alias|depth"):
        load_yaml(HOSTILE_YAML[name])


@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_hostile_cassettes_beside_a_good_one(name: str, tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_bytes(HOSTILE_YAML[name])
    good = FIXTURES / "containers" / "vcrpy-openai-gzip.yaml"
    run = run_llmstat("parse", str(good), str(bad), "--format", "json")
    assert run.returncode == 1
    assert {r["source"] for r in json.loads(run.stdout)} == {str(good)}
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {bad}: "), run.stderr
    assert "Traceback" not in run.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 < LIMIT_MB


def test_a_python_tag_executes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = f"""interactions:
- request: !!python/object/apply:os.system ["touch {marker}"]
  response: !!python/object/new:subprocess.Popen [["touch", "{marker}"]]
- request: !!python/name:os.system
  response: !ruby/object:VCR::Response {{status: {{code: 200}}}}
"""
    assert load_yaml(doc.encode())["interactions"][0]["request"] == [f"touch {marker}"]
    path = tmp_path / "tags.yaml"
    path.write_text(doc)
    run = run_llmstat("parse", str(path), "--format", "json")
    assert not marker.exists()
    assert run.returncode == 0 and json.loads(run.stdout) == []


def test_yaml_tags_build_plain_values() -> None:
    doc = load_yaml(b"a: !binary aGk=\nb: !!binary |\n  aGk=\nc: 2025-01-01\nd: 0x1f\ne: ~\nf: yes\ng: 1.5\n")
    assert doc == {"a": b"hi", "b": b"hi", "c": "2025-01-01", "d": 31, "e": None, "f": True, "g": 1.5}


def test_a_broken_cassette_names_the_line_not_its_secrets(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("interactions:\n- request:\n    headers:\n      Authorization: [Bearer sk-SECRET-123\n")
    run = run_llmstat("parse", str(path), "--format", "json")
    assert run.returncode == 1 and "invalid YAML at line" in run.stderr
    assert "SECRET" not in run.stderr and "SECRET" not in run.stdout


def test_cassette_secrets_are_never_printed(tmp_path: Path) -> None:
    for fmt in ("table", "json", "csv"):
        run = run_llmstat("parse", str(FIXTURES / "containers"), "--format", fmt)
        for secret in ("sk-test-not-a-key", "test-api-key", "<ANTHROPIC_API_KEY>"):
            assert secret not in run.stdout and secret not in run.stderr


def test_yaml_is_imported_only_when_a_yaml_cassette_is_read() -> None:
    code = (
        "import sys\n"
        "from llmstat.cli import main\n"
        "sys.argv = ['llmstat', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('YAML=' + repr('yaml' in sys.modules))\n"
    )
    fixtures = FIXTURES / "containers"
    for args, imported in [
        (["--version"], False),
        (["parse", str(fixtures / "ruby-vcr-openai-responses.json"), "--format", "json"], False),
        (["parse", str(fixtures / "vcrpy-openai-gzip.yaml"), "--format", "json"], True),
    ]:
        run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
        assert f"YAML={imported}" in run.stderr, (args, run.stderr)


@pytest.mark.parametrize(
    ("text", "ms"),
    [("1.534212s", 1534.212), ("412.873125ms", 412.873125), ("1h2m3.5s", 3723500.0), ("12µs", 0.012),
     (1_500_000, 1.5), ("0s", 0.0), ("soon", None), ("5 s", None), (True, None)],
)  # fmt: skip
def test_go_durations(text: Any, ms: float | None) -> None:
    from llmstat.sources.cassette import go_duration_ms

    got = go_duration_ms(text)
    assert got == (pytest.approx(ms) if ms is not None else None)


def test_recorded_at_is_utc_whatever_its_zone() -> None:
    from llmstat.sources.cassette import exchange_from_interaction

    stamps = [f"Mon, 08 Jun 2026 {t}" for t in ("18:54:35 GMT", "20:54:35 +0200", "18:54:35 -0000")]
    for stamp in stamps:
        ex = exchange_from_interaction({"request": {}, "response": {}, "recorded_at": stamp}, "x", 0)
        assert not isinstance(ex, str) and ex.started == "2026-06-08T18:54:35.000Z"
