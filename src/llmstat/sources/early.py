"""Reading that starts before the command line is parsed.

Starting a reading command (Python, typer, the commands) takes about 0.1 s, more than reading
100 MB of streams. With a core to spare, the console script forks one reading process before
any of that, on the arguments that name existing files or folders and the default reading
options. Once the command line is parsed, the command adopts it if its inputs and options are
the very same (it is then the first worker of the read's pool, which goes on as
``parallel.ordered_map`` does) and ends it otherwise. It reads with the function the command
reads with, so adopting it changes when the records come, never which.

``LLMSTAT_EARLY_READ=0`` turns it off (for comparing, and for bug reports).

This module is imported before typer and the commands: at its top it imports nothing that the
console script has not.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from llmstat.sources.inputs import InputResult, Item, Options

ENV = "LLMSTAT_EARLY_READ"
# the commands that read their inputs as records (``captures`` reads captures only)
_COMMANDS = ("summarize", "parse")

# what the results may fill before the reader waits for the command to take them: enough for
# what it reads while the command starts (a pipe holds 64 KiB unless asked for more)
_PIPE_SIZE = 1 << 20


class _Reader:
    """The process started early: its pid, the pipe it takes tasks from, the one it sends on."""

    def __init__(self, pid: int, todo_r: int, back_r: int) -> None:
        self.pid = pid
        self.todo_r = todo_r
        self.back_r = back_r

    def end(self) -> None:
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.todo_r)
        os.close(self.back_r)


_started: _Reader | None = None


def start(args: list[str]) -> None:
    """Fork the early reader when ``args`` (the command line after ``llmstat``) is a reading
    command over a folder or several files. Called by the console script only."""
    global _started
    if sys.platform != "linux" or os.environ.get(ENV) == "0" or not args or args[0] not in _COMMANDS:
        return
    if (os.cpu_count() or 1) < 2:
        return
    # an option's value that names a file is taken for an input here: the command finds that
    # the inputs differ, and ends the reader
    paths: list[str] = []
    folders: list[str] = []
    files = size = 0
    for arg in args[1:]:
        st = None if arg == "-" or arg.startswith("-") else _stat_of(arg)
        if st is None:
            continue
        if stat.S_ISDIR(st.st_mode):
            folders.append(arg)
        elif stat.S_ISREG(st.st_mode):
            files += 1
            size += st.st_size
        else:
            # only files that can be read twice: what it took of a pipe (``<(zcat x.gz)``,
            # /dev/stdin) would be lost to the command, should it not adopt the reader
            return
        paths.append(arg)
    from llmstat.sources.parallel import POOL_MIN_BYTES, POOL_MIN_FILES, fork

    # a fork costs the command a few milliseconds (each page it writes is copied once): not
    # for inputs too few and small for a pool (the reader itself decides by the exact rule)
    if not _at_least(folders, POOL_MIN_FILES - files, POOL_MIN_BYTES - size):
        return
    # The reading code is loaded before the fork, not by each process after it: the command
    # needs it too (it reads what is left when it adopts the reader), and loading it twice
    # cost a run 50 ms of CPU, more than the reader gains by starting sooner.
    import llmstat.sources.pipeline  # noqa: F401

    try:
        todo_r, todo_w = os.pipe()
        back_r, back_w = os.pipe()
    except OSError:
        return
    try:
        import fcntl

        fcntl.fcntl(back_w, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except OSError:
        pass  # a smaller pipe only makes the reader wait for the command sooner
    try:
        # what the reader does not send (it failed to start, say), the command reads itself
        pid = fork(lambda: _read(paths, todo_r, todo_w, back_w), back_r)
    except OSError:
        for fd in (todo_r, todo_w, back_r, back_w):
            os.close(fd)
        return
    os.close(todo_w)
    os.close(back_w)
    _started = _Reader(pid, todo_r, back_r)


def _stat_of(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _at_least(folders: list[str], files: int, size: int) -> bool:
    """Whether ``folders``, walked, hold ``files`` more files or ``size`` more bytes; the walk
    stops as soon as they do."""
    todo = list(reversed(folders))
    while files > 0 and size > 0 and todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):  # as the walk does
                        todo.append(entry.path)
                    else:
                        files -= 1
                        size -= entry.stat().st_size
                        if files <= 0 or size <= 0:
                            break
        except OSError:
            continue
    return files <= 0 or size <= 0


def _read(paths: list[str], todo_r: int, todo_w: int, back_w: int) -> None:  # pragma: no cover
    import signal

    # Ctrl-C, or a command that went away without it, ends it quietly, as it ends the command
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    resume_collector()
    from llmstat.sources import parallel
    from llmstat.sources.inputs import Options, items_of, iter_input_paths, worth_a_pool
    from llmstat.sources.pipeline import read_one

    options = Options()
    inputs = list(iter_input_paths(paths))
    jobs = os.cpu_count() or 1
    items = items_of(inputs, options)
    worth = worth_a_pool(items, jobs)
    parallel.send(back_w, (_fingerprint(items, jobs), worth))
    if not worth:
        return
    tasks = parallel.posted(len(items), todo_w)
    parallel.work(read_one, items, tasks, todo_r, back_w)


def resume_collector() -> None:
    """Turn the cycle collector on again where the console script turned it off for loading the
    modules (``cli.main``), what they made frozen first: kept for the whole run, it need never
    be scanned. Called as the command (``commands.common.run_guarded``) and the early reader
    start their work; a process that turned nothing off (the tests') is left as it is."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _fingerprint(items: list[Item], jobs: int) -> tuple[int, int]:
    """The inputs as walked, the reading options and the pool's size. The reader is forked
    from the command's process: ``hash`` of its strings is the command's."""
    return len(items), hash((tuple(items), jobs))


def adopted(inputs: list[tuple[str, bool]], options: Options, jobs: int) -> Iterator[InputResult] | None:
    """The results of ``inputs`` (as ``iter_input_paths`` walked them) as the early reader and
    this process read them together, in order; None (the reader ended) when there is no
    reader or it was started for other inputs or options."""
    global _started
    reader, _started = _started, None
    if reader is None:
        return None
    from llmstat.sources import parallel
    from llmstat.sources.inputs import items_of
    from llmstat.sources.pipeline import read_one

    try:
        mark, worth = parallel.received(reader.back_r)
    except Exception:  # it did not start (or its word did not come whole): read as without it
        mark, worth = None, False
    items = items_of(inputs, options)
    if not worth or mark != _fingerprint(items, jobs):
        reader.end()
        return None
    tasks = parallel.tasks_of(len(items))
    results: Iterator[Any] = parallel.gathered(
        read_one, items, tasks, reader.todo_r, [(reader.pid, reader.back_r)], jobs - 2
    )
    try:
        next(results)  # the reader's results are taken in from now on
    except OSError:  # no process or pipe to be had for more workers: read as without it
        return None
    return results


def end() -> None:
    """End the early reader if no command adopted it (a usage error, --help, an interruption)."""
    global _started
    reader, _started = _started, None
    if reader is not None:
        reader.end()
