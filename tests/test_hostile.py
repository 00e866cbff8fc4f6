"""Hostile inputs: one `Error:` line each, the good input still reported, bounded time and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import ERRORS, GOOD_SSE, HAR_ENTRY, har

LIMIT_S = 30
LIMIT_MB = 600


def run_llmstat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmstat", *args],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        check=False,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", list(ERRORS))
def test_hostile_input_beside_a_good_one(name: str, corpus: Path) -> None:
    fname, make = ERRORS[name]
    bad = corpus / fname
    bad.write_bytes(make())
    good = corpus / "good.sse"
    good.write_bytes(GOOD_SSE)
    run = run_llmstat("parse", str(good), str(bad), "--format", "json")
    assert run.returncode == 1, run.stderr
    records = json.loads(run.stdout)
    assert [r["id"] for r in records if r["source"] == str(good)] == ["chatcmpl-Good1"]
    # a HAR damaged after complete entries still reports those entries
    assert all(r["id"] == "chatcmpl-H1" for r in records if r["source"] == str(bad))
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad}: "), run.stderr
    assert "Traceback" not in run.stderr
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < LIMIT_MB


def test_har_cut_in_half_reports_the_complete_entries(tmp_path: Path) -> None:
    whole = har([HAR_ENTRY] * 4)
    path = tmp_path / "cut.har"
    path.write_bytes(whole[: len(whole) // 2])
    run = run_llmstat("parse", str(path), "--format", "json")
    assert run.returncode == 1
    assert [r["entry"] for r in json.loads(run.stdout)] == [0]
    assert run.stderr.strip() == f"Error: {path}: HAR is truncated inside entry 1"


def test_huge_sse_event_is_a_record_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.sse"
    path.write_bytes(b"data: " + b"x" * (64 << 20))
    run = run_llmstat("parse", str(path), "--format", "json")
    assert run.returncode == 0
    [rec] = json.loads(run.stdout)
    assert rec["tokens"]["input"] is None and "no event data is JSON" in rec["warnings"]
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 < LIMIT_MB


def test_missing_path(tmp_path: Path) -> None:
    good = tmp_path / "good.sse"
    good.write_bytes(GOOD_SSE)
    run = run_llmstat("parse", str(tmp_path / "nowhere.har"), str(good), "--format", "json")
    assert run.returncode == 1
    assert run.stderr.strip() == f"Error: {tmp_path / 'nowhere.har'}: no such file or directory"
    assert len(json.loads(run.stdout)) == 1


def test_odd_har_entries_are_skipped_with_a_reason(tmp_path: Path) -> None:
    no_content = HAR_ENTRY.replace(b'"content":{', b'"contentX":{')
    path = tmp_path / "odd.har"
    path.write_bytes(har([b"null", b"42", b'{"request": {}}', b'{"response": {}}', HAR_ENTRY, no_content]))
    run = run_llmstat("summarize", str(path), "--format", "json")
    if run.returncode == 2:  # summarize not built yet: parse shows the same records
        run = run_llmstat("parse", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    records = out["requests"] if isinstance(out, dict) else out
    assert [(r["entry"], r["tokens"]["input"]) for r in records] == [(4, 5), (5, None)]
    assert "response body not recorded" in records[1]["warnings"]
    if isinstance(out, dict):
        assert [(s["entry"], s["reason"]) for s in out["skipped"]] == [
            (0, "entry is not an object"),
            (1, "entry is not an object"),
            (2, "entry has no response"),
            (3, "entry has no request"),
        ]
    assert run_llmstat("parse", str(path), "--format", "json", "--strict").returncode == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_directory_with_special_and_broken_files(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.sse").write_bytes(GOOD_SSE)
    os.mkfifo(d / "pipe.sse")
    (d / "dangling.sse").symlink_to(d / "gone.sse")
    run = run_llmstat("parse", str(d), "--format", "json")
    assert [r["id"] for r in json.loads(run.stdout)] == ["chatcmpl-Good1"]
    assert f"Warning: {d / 'pipe.sse'}: not a regular file: skipped" in run.stderr
    assert f"Error: {d / 'dangling.sse'}: no such file or directory" in run.stderr
    assert run.returncode == 1


SECRETS = (
    "sk-proj-SECRET0123",
    "sk-ant-SECRET4567",
    "AIzaSECRET89",
    "session=SECRETcookie",
    "tok_SECRETaccess",
)


def secret_har() -> bytes:
    entry = HAR_ENTRY.replace(
        b'"url":"https://api.openai.com/v1/chat/completions","headers":[]',
        b'"url":"https://api.openai.com/v1/chat/completions?key=AIzaSECRET89&access_token=tok_SECRETaccess",'
        b'"headers":[{"name":"Authorization","value":"Bearer sk-proj-SECRET0123"},'
        b'{"name":"x-api-key","value":"sk-ant-SECRET4567"},{"name":"Cookie","value":"session=SECRETcookie"}]',
    )
    return har([entry])


@pytest.mark.parametrize("command", ["parse", "summarize"])
@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
def test_secrets_never_printed(command: str, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "secret.har"
    path.write_bytes(secret_har())
    broken = tmp_path / "broken.har"
    broken.write_bytes(secret_har()[:-30])
    run = run_llmstat(command, str(path), str(broken), "--format", fmt)
    if command == "summarize" and run.returncode == 2:
        pytest.skip("summarize not built yet")
    assert "chatcmpl-H1" in run.stdout or "gpt-4o-mini" in run.stdout
    for secret in SECRETS:
        assert secret not in run.stdout and secret not in run.stderr
