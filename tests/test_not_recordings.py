"""What is not a recording is never counted, and nothing odd goes unsaid.

Binary bytes are never SSE or NDJSON; JSON of no API shape met while walking a folder is
skipped with a warning (named, it is a JSON body, as the contract's "JSON body" row says);
the Python API reads past an unreadable input; every format says on stderr what was skipped
or warned about; a closed stdout gives one exit status.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import llmstat
from llmstat.errors import InputErrors, LlmstatError
from llmstat.framing.body import is_text
from llmstat.sources.head import Head
from llmstat.sources.registry import source_of
from tests.conftest import FIXTURES

UNKNOWN = "unknown"


def sniff(head: bytes) -> str:
    """The name of the source that would read an input starting with ``head``."""
    source = source_of(Head(head))
    return UNKNOWN if source is None else source.name


GOOD = FIXTURES / "bodies" / "openai-chat.json"


def folder_with_strays(tmp_path: Path) -> Path:
    """One recording beside the files a project folder holds."""
    (tmp_path / "openai-chat.json").write_bytes(GOOD.read_bytes())
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0", "dependencies": {}}')
    (tmp_path / "numbers").write_text("[1, 2, 3]\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (tmp_path / "events.jsonl").write_text('{"event": "start"}\n{"event": "stop"}\n')
    (tmp_path / "noise.har").write_bytes(random.Random(7).randbytes(64 << 10))
    return tmp_path


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_random_bytes_are_never_a_recording(seed: int) -> None:
    data = random.Random(seed).randbytes(64 << 10)
    assert sniff(data) == UNKNOWN


@pytest.mark.parametrize(
    "head",
    [
        b"data: {}\n\x00\n",  # a NUL
        b'data: {"a": 1}\n\ndata: \xff\xfe\n\n',  # invalid UTF-8
        b"event: x\ndata: \xc3\x28\n\n",  # a bad continuation byte
        "data: {}\n".encode("utf-16"),
    ],
)
def test_bytes_that_are_not_text_are_no_stream(head: bytes) -> None:
    assert not is_text(head)
    assert sniff(head) == UNKNOWN


def test_a_multibyte_character_cut_at_the_end_of_the_head_is_still_text() -> None:
    head = ('data: {"text": "' + "é" * 40).encode()
    assert is_text(head[:-1])  # "é" is two bytes: the head ends after the first
    assert sniff(head[:-1] + b"") != UNKNOWN


def test_comment_lines_alone_are_no_stream() -> None:
    assert sniff(b"title: notes\n: a line with a colon\nid: 4\n") == UNKNOWN
    assert sniff(b": ping\n\ndata: {}\n\n") == "sse"


def test_random_bytes_named_har_are_an_error_beside_a_good_input(cli: Any, tmp_path: Path) -> None:
    noise = tmp_path / "random.har"
    noise.write_bytes(random.Random(1).randbytes(64 << 10))
    run = cli("parse", str(noise), str(GOOD), "--format", "json")
    assert run.exit_code == 1
    assert [r["source"] for r in run.json()] == [str(GOOD)]
    assert run.stderr.count("Error: ") == 1
    assert f"Error: {noise}: no recording format" in run.stderr


# --- JSON of no API shape -------------------------------------------------------------------


def test_a_walked_folder_counts_only_recordings(cli: Any, tmp_path: Path) -> None:
    folder = folder_with_strays(tmp_path)
    run = cli("summarize", str(folder), "--format", "json", "--no-cost")
    assert run.exit_code == 0, run.stderr  # skipped with a warning: the exit status is not touched
    data = run.json()
    assert data["totals"]["requests"] == 1
    assert [r["source"] for r in data["requests"]] == [str(folder / "openai-chat.json")]
    for stray in ("package.json", "numbers", "pyproject.toml", "events.jsonl", "noise.har"):
        assert f"Warning: {folder / stray}: skipped: " in run.stderr
    assert "Error" not in run.stderr
    assert cli("summarize", str(folder), "--format", "json", "--strict").exit_code == 1


@pytest.mark.parametrize("stray", ["pyproject.toml", "noise.har"])
def test_a_named_file_that_is_no_recording_is_an_input_error(cli: Any, tmp_path: Path, stray: str) -> None:
    folder = folder_with_strays(tmp_path)
    run = cli("parse", str(folder / stray), str(GOOD), "--format", "json")
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: {folder / stray}: ")
    assert len(run.json()) == 1


def test_api_documents() -> None:
    from llmstat.sources.records import is_api_document

    assert is_api_document({"usage": {"prompt_tokens": 1}})
    assert is_api_document({"error": {"message": "overloaded", "type": "overloaded_error"}})
    assert is_api_document({"error": "model not found"})  # Ollama, llama-swap
    assert is_api_document({"detail": "Not Found"})  # FastAPI (vLLM)
    assert is_api_document([{"candidates": []}, {"usageMetadata": {}, "candidates": []}])
    assert not is_api_document({"name": "app", "version": "1.0.0"})
    assert not is_api_document([1, 2, 3])
    assert not is_api_document([])
    assert not is_api_document({"message": "hello", "author": "me"})


def test_the_api_reads_past_an_unreadable_input(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(GOOD.read_bytes())
    (tmp_path / "b.har").write_text('{"log": {"entries": 5}}')  # a HAR, broken: an error
    (tmp_path / "c.json").write_bytes(GOOD.read_bytes())
    (tmp_path / "d.toml").write_text("[tool]\n")  # no recording: skipped
    seen: list[LlmstatError] = []
    got = list(llmstat.records(str(tmp_path), on_error=seen.append))
    assert [Path(r.source).name for r in got] == ["a.json", "c.json"]
    assert [e.source for e in seen] == [str(tmp_path / "b.har")]
    # without on_error: every good record first, then the error
    it = llmstat.records(str(tmp_path))
    assert [Path(next(it).source).name for _ in range(2)] == ["a.json", "c.json"]
    with pytest.raises(LlmstatError, match="entries"):
        next(it)


def test_several_unreadable_inputs_raise_together(tmp_path: Path) -> None:
    for name in ("a.har", "b.har"):
        (tmp_path / name).write_text('{"log": {"entries": 5}}')
    with pytest.raises(InputErrors) as caught:
        list(llmstat.records(str(tmp_path)))
    assert [e.source for e in caught.value.errors] == [str(tmp_path / "a.har"), str(tmp_path / "b.har")]


# --- nothing odd unsaid -----------------------------------------------------------------------


def odd_har(tmp_path: Path) -> Path:
    entries = [
        None,
        5,
        {"request": None},
        {"request": {"method": "GET", "url": "https://example.com/"}, "response": {"status": 200}},
    ]
    path = tmp_path / "odd.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
@pytest.mark.parametrize("command", ["parse", "summarize"])
def test_skipped_entries_are_said_on_stderr_in_every_format(
    cli: Any, tmp_path: Path, fmt: str, command: str
) -> None:
    run = cli(command, str(odd_har(tmp_path)), str(GOOD), "--format", fmt, "--no-cost")
    assert run.exit_code == 0
    [note] = [line for line in run.stderr.splitlines() if line.startswith("Note: ")]
    head, _, reasons = note.partition(": ")[2].partition(": ")
    assert head == "4 entries skipped"
    assert reasons.split(", ") == [
        "entry is not an object (2)",
        "entry has no request (1)",
        "not an LLM call (1)",
    ]


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
def test_records_with_warnings_are_said_on_stderr_in_every_format(cli: Any, tmp_path: Path, fmt: str) -> None:
    junk = tmp_path / "junk.sse"
    junk.write_bytes(b"data: " + b"x" * 5000 + b"\n\n")
    run = cli("parse", str(junk), str(GOOD), "--format", fmt, "--no-cost")
    assert run.exit_code == 0
    [line] = [line for line in run.stderr.splitlines() if "records with warnings" in line]
    assert line == (
        'Warning: 1 of 2 records with warnings: "no event data is JSON" (1), "no usage reported" (1) '
        '(each record\'s "warnings" in --format json)'
    )
    assert cli("parse", str(junk), "--format", fmt, "--strict", "--no-cost").exit_code == 1


def test_a_clean_run_says_nothing(cli: Any) -> None:
    run = cli("parse", str(GOOD), "--format", "json", "--no-cost")
    assert (run.exit_code, run.stderr) == (0, "")


# --- a closed pipe ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
@pytest.mark.parametrize("command", ["parse", "summarize", "captures list"])
def test_a_closed_stdout_exits_141_quietly(command: str, fmt: str) -> None:
    inputs = [str(FIXTURES / ("captures" if command.startswith("captures") else "har"))]
    args = [sys.executable, "-m", "llmstat", *command.split(), *inputs, "--format", fmt]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first byte is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in stderr and "Exception" not in stderr
