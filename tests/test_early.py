"""llmstat.sources.early: a reader forked before the command line is parsed is adopted only for
the very inputs and options it read with, gives what one process reads, and never outlives
the command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from llmstat.sources import early
from llmstat.sources.inputs import InputResult, Options, iter_input_paths
from llmstat.sources.pipeline import iter_results

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORES = os.cpu_count() or 1

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or CORES < 2, reason="the early reader is forked on Linux, with a core to spare"
)


def _rows(results: Iterable[InputResult]) -> list[tuple[str, list[dict[str, object]], list[str], str | None]]:
    return [
        (
            res.source,
            [r.as_dict() for r in res.records],
            [s.reason for s in res.skipped],
            None if res.error is None else str(res.error),
        )
        for res in results
    ]


def _inputs() -> list[tuple[str, bool]]:
    return list(iter_input_paths([str(FIXTURES)]))


def _started_pid() -> int:
    assert early._started is not None, "no early reader was started"
    return early._started.pid


def _gone(pid: int) -> bool:
    """The process was reaped (it is no child of this one any more)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_early_reader_is_adopted_and_reads_what_one_process_reads() -> None:
    assert len(_inputs()) >= 64  # enough files for a pool
    early.start(["summarize", str(FIXTURES), "--format", "json"])
    pid = _started_pid()
    results = early.adopted(_inputs(), Options(), CORES)
    assert results is not None
    assert _rows(results) == _rows(iter_results([str(FIXTURES)], jobs=1))
    assert _gone(pid)
    assert early._started is None


@pytest.mark.parametrize(
    ("options", "jobs"),
    [(Options(max_size=1 << 20), CORES), (Options(), 1), (Options(), CORES + 1)],
    ids=["other-max-size", "one-process", "other-pool-size"],
)
def test_other_options_end_the_reader(options: Options, jobs: int) -> None:
    early.start(["parse", str(FIXTURES)])
    pid = _started_pid()
    assert early.adopted(_inputs(), options, jobs) is None
    assert _gone(pid)


def test_other_inputs_end_the_reader(tmp_path: Path) -> None:
    other = tmp_path / "other.har"
    other.write_bytes(next((FIXTURES / "har").iterdir()).read_bytes())
    early.start(["summarize", str(FIXTURES), str(other)])
    pid = _started_pid()
    # the command's inputs: the folder alone (say the file was an option's value)
    assert early.adopted(_inputs(), Options(), CORES) is None
    assert _gone(pid)


def test_a_reader_no_command_adopted_is_ended() -> None:
    early.start(["summarize", str(FIXTURES)])
    pid = _started_pid()
    early.end()
    assert _gone(pid)
    assert early._started is None
    early.end()  # nothing left to end


@pytest.mark.parametrize(
    "args",
    [
        ["captures", "list", str(FIXTURES)],
        ["summarize", str(FIXTURES / "har" / sorted(os.listdir(FIXTURES / "har"))[0])],
        ["summarize", str(FIXTURES / "har"), "--format", "json"],
        ["summarize", "-"],
        ["summarize", "--format", "json"],
        ["summarize", "no-such-folder"],
        ["--help"],
        [],
    ],
    ids=["captures", "one-file", "small-folder", "stdin", "no-input", "missing", "help", "bare"],
)
def test_no_reader_is_started_where_no_pool_could_read(args: list[str]) -> None:
    early.start(args)
    assert early._started is None


def test_no_reader_is_started_over_a_pipe(tmp_path: Path) -> None:
    # what a reader took of a pipe would be lost to a command that did not adopt it
    fifo = tmp_path / "stream.sse"
    os.mkfifo(fifo)
    early.start(["summarize", str(FIXTURES), str(fifo)])
    assert early._started is None


def test_the_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(early.ENV, "0")
    early.start(["summarize", str(FIXTURES)])
    assert early._started is None


def _cli(args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "llmstat", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", ["summarize", "parse"])
def test_the_command_line_gives_the_same_output_with_and_without_it(command: str) -> None:
    args = [command, str(FIXTURES), "--format", "json"]
    with_it, without = _cli(args), _cli(args, **{early.ENV: "0"})
    assert with_it.returncode == without.returncode
    assert with_it.stderr.decode() == without.stderr.decode()
    assert with_it.stdout == without.stdout
    assert with_it.stdout.startswith(b"{" if command == "summarize" else b"[")


def _processes_naming(marker: str) -> list[int]:
    """Processes whose command line names ``marker`` (a forked reader keeps its parent's)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path("/proc", entry, "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(entry))
    return found


def test_a_usage_error_leaves_no_reader_behind(tmp_path: Path) -> None:
    folder = tmp_path / "recordings-of-a-usage-error"
    folder.mkdir()
    har = next((FIXTURES / "har").iterdir()).read_bytes()
    for i in range(80):  # enough files for a pool, so that a reader is started
        (folder / f"{i:02}.har").write_bytes(har)
    early.start(["summarize", str(folder)])
    _started_pid()  # such a folder gets a reader, in the command below too
    early.end()
    done = _cli(["summarize", str(folder), "--window", "bad"])
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    deadline = time.monotonic() + 5
    while _processes_naming(folder.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_naming(folder.name) == []


def test_the_collector_is_off_while_the_modules_load_and_on_for_the_work(tmp_path: Path) -> None:
    # cli.main turns it off before loading anything; the command turns it on (the loading's
    # objects frozen) before it reads, so no run goes without it
    dump = tmp_path / "a.sse"
    dump.write_bytes(b'data: {"id":"c1","object":"chat.completion.chunk","choices":[]}\n\n')
    code = f"""
import gc, sys
import llmstat.commands.common as common
seen = []
run_guarded = common.run_guarded
def watched(fn):
    seen.append(gc.isenabled())
    def work():
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return fn()
    return run_guarded(work)
common.run_guarded = watched
sys.argv = ["llmstat", "summarize", {str(dump)!r}, "--format", "json"]
from llmstat.cli import main
try:
    main()
except SystemExit:
    pass
print(seen, file=sys.stderr)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "[False, (True, True)]"
