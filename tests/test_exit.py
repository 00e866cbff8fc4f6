"""The console script ends the process as soon as the command is done: what it printed, and
its exit status, are those of the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BODY = str(Path(__file__).resolve().parent.parent / "fixtures" / "bodies" / "openai-chat.json")


def _llmstat(*args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "llmstat", *args]
    return subprocess.run(cmd, capture_output=True, timeout=60, check=False)


def test_every_byte_of_the_output_arrives_before_the_process_ends() -> None:
    run = _llmstat("parse", BODY, BODY, BODY, "--format", "ndjson", "--no-cost")
    assert run.returncode == 0
    lines = run.stdout.decode().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["tokens"]["input"] for line in lines)


def test_statuses_pass_through() -> None:
    assert _llmstat("summarize", "--no-such-option").returncode == 2
    missing = _llmstat("parse", "/no/such/file", BODY, "--json", "--no-cost")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)[0]["api"] == "openai.chat"
    assert missing.stderr.decode().strip() == "Error: /no/such/file: no such file or directory"
    assert _llmstat("--version").returncode == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_an_output_that_cannot_be_written_is_one_error_line() -> None:
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            [sys.executable, "-m", "llmstat", "parse", BODY, "--json", "--no-cost"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert run.returncode == 1
    assert run.stderr.decode().splitlines() == ["Error: stdout: No space left on device"]
