"""`llmstat parse`: formats, exit statuses, error lines, stdin, directories, compressed inputs."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
import zstandard

from tests.prices import per_mtok

ANTHROPIC_STREAM = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_01TEST","type":"message","role":"assistant",'
    b'"model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":12,'
    b'"cache_creation_input_tokens":300,"cache_read_input_tokens":2000,"output_tokens":1}}}\n\n'
    b"event: message_delta\n"
    b'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":87}}\n\n'
    b"event: message_stop\n"
    b'data: {"type":"message_stop"}\n\n'
)
OPENAI_BODY = (
    b'{"id":"chatcmpl-9xTEST","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[],'
    b'"usage":{"prompt_tokens":40,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":0}}}'
)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return str(p)


def test_json_records_follow_the_contract(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path, "a.sse", ANTHROPIC_STREAM)
    run = cli("parse", path, "--format", "json")
    assert run.exit_code == 0, run.stderr
    [rec] = run.json()
    p = per_mtok("anthropic", "claude-sonnet-4-5-20250929")
    assert rec == {
        "source": path,
        "entry": 0,
        "id": "msg_01TEST",
        "capture_id": None,
        "started": None,
        "created": None,
        "method": None,
        "host": None,
        "path": None,
        "status": None,
        "api": "anthropic.messages",
        "stream": True,
        "model": "claude-sonnet-4-5-20250929",
        "session": None,
        "tokens": {"input": 2312, "output": 87, "cache_read": 2000, "cache_write": 300, "reasoning": None},
        # undated, so at today's prices: 12 uncached, 2000 read, 300 written, 87 out
        "cost_usd": pytest.approx(
            (12 * p["input"] + 2000 * p["cache_read"] + 300 * p["cache_write"] + 87 * p["output"]) / 1e6
        ),
        "cost_source": "calculated",  # Anthropic records no cost of its own
        "duration_ms": None,
        "ttft_ms": None,
        "prompt_tps": None,
        "output_tps": None,
        "error": None,
        "draft": None,
        "ratelimit": None,
        "warnings": [],
        "extras": {},
    }


def test_bad_input_beside_good_ones(tmp_path: Path, cli: Any) -> None:
    good = write(tmp_path, "good.json", OPENAI_BODY)
    bad = write(tmp_path, "bad.sse", b"this is not a recording\n")
    missing = str(tmp_path / "missing.har")
    run = cli("parse", bad, good, missing, "--json")
    assert run.exit_code == 1
    assert [r["id"] for r in run.json()] == ["chatcmpl-9xTEST"]
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith(f"Error: {bad}: ")
    assert lines[1] == f"Error: {missing}: no such file or directory"
    assert "Traceback" not in run.stderr


def test_all_inputs_bad_still_prints_an_array(tmp_path: Path, cli: Any) -> None:
    run = cli("parse", str(tmp_path / "nope"), "--format", "json")
    assert run.exit_code == 1
    assert run.json() == []


def test_ndjson_and_csv(tmp_path: Path, cli: Any) -> None:
    a = write(tmp_path, "a.sse", ANTHROPIC_STREAM)
    b = write(tmp_path, "b.json", OPENAI_BODY)
    nd = cli("parse", a, b, "--format", "ndjson")
    assert [json.loads(line)["tokens"]["input"] for line in nd.stdout.splitlines()] == [2312, 40]
    out = cli("parse", a, b, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["api"], r["input"], r["cache_write"], r["reasoning"]) for r in rows] == [
        ("anthropic.messages", "2312", "300", ""),
        ("openai.chat", "40", "", ""),
    ]


def test_stdin_and_compressed_files(tmp_path: Path, cli: Any) -> None:
    gz = write(tmp_path, "x.bin", gzip.compress(ANTHROPIC_STREAM))
    zst = write(tmp_path, "y.data", zstandard.ZstdCompressor().compress(OPENAI_BODY))
    run = cli("parse", gz, "-", zst, "--json", input=OPENAI_BODY)
    assert run.exit_code == 0, run.stderr
    assert [(r["source"], r["tokens"]["input"]) for r in run.json()] == [(gz, 2312), ("-", 40), (zst, 40)]


def test_directory_walk_is_sorted_and_skips_non_recordings(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, "d/b/2.sse", ANTHROPIC_STREAM)
    write(tmp_path, "d/a.json", OPENAI_BODY)
    write(tmp_path, "d/notes.txt", b"just some notes\n")
    run = cli("parse", str(tmp_path / "d"), "--json")
    assert run.exit_code == 0
    assert [Path(r["source"]).name for r in run.json()] == ["a.json", "2.sse"]
    assert "notes.txt: skipped" in run.stderr


def test_empty_file_warns_without_failing(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path, "empty.sse", b"")
    run = cli("parse", path, "--json")
    assert (run.exit_code, run.json()) == (0, [])
    assert f"Warning: {path}: empty input" in run.stderr
    assert cli("parse", path, "--json", "--strict").exit_code == 1


def test_strict_fails_on_record_warnings(tmp_path: Path, cli: Any) -> None:
    no_usage = write(
        tmp_path, "n.sse", b'data: {"id":"c1","object":"chat.completion.chunk","choices":[]}\n\n'
    )
    assert cli("parse", no_usage, "--json").exit_code == 0
    run = cli("parse", no_usage, "--json", "--strict")
    assert run.exit_code == 1
    assert run.json()[0]["tokens"]["input"] is None


def test_usage_error_exits_2(cli: Any) -> None:
    assert cli("parse", "x", "--format", "yaml").exit_code == 2


def test_table_fits_80_columns(tmp_path: Path, cli: Any) -> None:
    a = write(tmp_path, "a-rather-long-file-name-for-a-recording.sse", ANTHROPIC_STREAM)
    run = cli("parse", a)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "2,312" in run.stdout and "2,000" in run.stdout


def test_curl_i_head_after_100_continue(tmp_path: Path, cli: Any) -> None:
    head = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
    path = write(tmp_path, "curl.sse", head + ANTHROPIC_STREAM)
    [rec] = cli("parse", path, "--json").json()
    assert (rec["status"], rec["tokens"]["input"], rec["tokens"]["output"]) == (200, 2312, 87)
