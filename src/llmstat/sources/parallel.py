"""A function over many inputs in several processes, the results in input order.

On Linux the workers are forked and this process works too: the inputs are handed out one at a
time through a pipe of task numbers (a read of 4 bytes from a pipe is atomic, so no two
processes take the same task), and each worker sends its pickled results back through a pipe
of its own, read by a thread here so that a worker never waits on this process. That costs a
few milliseconds where ``concurrent.futures`` takes about 45 (its imports, a manager thread,
workers that only wait for this process to feed them), which is a fifth of reading 200 MB of
SSE dumps. Elsewhere (macOS, where fork is unsafe, and Windows) ``ProcessPoolExecutor`` does
the work.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

# Less input than this is read faster by one process than by a pool it first has to start
# (a few milliseconds): so many bytes, or so many files, each of which costs a hundred
# microseconds or more to open, sniff and read however small (a folder of llama-swap captures).
POOL_MIN_BYTES = 16 << 20
POOL_MIN_FILES = 64

_TASK = struct.Struct("<I")
_FRAME = struct.Struct("<Q")
# every task number is written before the workers start reading: 4 KiB, the one page a pipe
# holds even when the user has used up their pipe buffers (64 KiB otherwise)
_MAX_TASKS = 1024


def ordered_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``map(fn, items)`` in ``jobs`` processes; ``fn`` and its results must pickle.

    On Linux the workers start at once, not at the first ``next()``: the caller can set up the
    rest of its run while they read. Close the iterator (or let it go) to stop them early."""
    if jobs <= 1 or len(items) < 2:
        return map(fn, items)
    if sys.platform == "linux":
        results = _forked(fn, items, min(jobs, len(items)))
        try:
            next(results)  # the workers are forked, and closing the generator now stops them
        except OSError:  # no process or pipe to be had (a limit reached): read here alone
            return map(fn, items)
        return cast(Iterator[R], results)
    return _pooled(fn, items, min(jobs, len(items)))


def _pooled(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(fn, items, chunksize=max(1, min(8, len(items) // (jobs * 16))))


def tasks_of(n: int) -> list[range]:
    """The items cut into at most ``_MAX_TASKS`` runs: what the workers claim one at a time."""
    per_task = -(-n // _MAX_TASKS)
    return [range(i, min(i + per_task, n)) for i in range(0, n, per_task)]


def posted(n: int, todo_w: int) -> list[range]:
    """The tasks of ``n`` items, their numbers written to ``todo_w`` (which is then closed) for
    the workers to claim."""
    tasks = tasks_of(n)
    os.write(todo_w, b"".join(_TASK.pack(t) for t in range(len(tasks))))  # one write, never partial
    os.close(todo_w)
    return tasks


def _forked(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R | None]:
    """The results, after a first None once the workers are started."""
    todo_r, todo_w = os.pipe()
    tasks = posted(len(items), todo_w)
    yield from gathered(fn, items, tasks, todo_r, [], jobs - 1)


def gathered(
    fn: Callable[[T], R],
    items: Sequence[T],
    tasks: list[range],
    todo_r: int,
    pipes: list[tuple[int, int]],
    more: int,
) -> Iterator[R | None]:
    """``fn`` over ``items`` by this process and its workers, in order, after a first None once
    they are started: the workers in ``pipes`` (pid, the read end of its results) already
    claiming ``tasks`` from ``todo_r``, and ``more`` forked here."""
    import contextlib
    import functools
    import gc
    import queue
    import signal
    import threading

    arrived: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    readers: dict[int, threading.Thread] = {}
    done: dict[int, list[R]] = {}
    # Objects made before the fork are never collected by the workers nor, during the read, by
    # this process: a collection would touch (and so copy) every page of the heap, in each.
    gc.freeze()
    try:
        for _ in range(more):
            back_r, back_w = os.pipe()
            try:
                pid = fork(functools.partial(work, fn, items, tasks, todo_r, back_w), back_r)
            except OSError:
                os.close(back_r)
                os.close(back_w)
                raise
            os.close(back_w)
            pipes.append((pid, back_r))
        # threads only once every worker is forked: a fork copies no thread, but may copy a lock
        # one of them holds
        for pid, back_r in pipes:
            readers[pid] = threading.Thread(target=_receive, args=(back_r, arrived), daemon=True)
            readers[pid].start()
        yield None

        running = len(readers)
        nxt = 0
        own = True  # tasks may still be waiting in the pipe
        while nxt < len(tasks):
            while True:  # take in what the workers sent
                try:
                    t, payload = arrived.get_nowait()
                except queue.Empty:
                    break
                running -= _take(t, payload, done)
            if nxt in done:
                yield from done.pop(nxt)
                # What the caller took in it mostly keeps (a summary holds every record until it
                # is built): frozen with the rest, so that the collections its allocations set off
                # do not scan it again and again (5-8 % of a run over 10,000 captures or 20,000
                # small files). Reading makes no cyclic garbage for them to find (a test holds it
                # to that).
                gc.freeze()
                nxt += 1
                continue
            if own:
                claim = os.read(todo_r, _TASK.size)
                if claim:
                    (t,) = _TASK.unpack(claim)
                    done[t] = [fn(items[i]) for i in tasks[t]]
                    continue
                own = False
            if running:
                t, payload = arrived.get()
                running -= _take(t, payload, done)
                continue
            # every worker has ended: a task one of them took and did not finish is done here
            if nxt not in done:
                done[nxt] = [fn(items[i]) for i in tasks[nxt]]
    finally:
        gc.unfreeze()
        os.close(todo_r)
        for pid, back_r in pipes:
            reader = readers.get(pid)
            if reader is None or reader.is_alive():  # left early: an error, or the caller stopped
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            if reader is None:
                os.close(back_r)
            else:
                reader.join()


def fork(job: Callable[[], object], close: int) -> int:
    """A child process that closes ``close`` (its copy of a pipe end that is not its own), runs
    ``job`` and ends at once, 0 when the job returned (an error ends it with 1, no traceback)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's side (its coverage is not collected)
        code = 1
        try:
            os.close(close)
            job()
            code = 0
        finally:
            os._exit(code)
    return pid


def _take(t: int, payload: Any, done: dict[int, Any]) -> int:
    """File what a worker sent; 1 when it says it has ended."""
    if t < 0:
        return 1
    if isinstance(payload, BaseException):
        raise payload
    done[t] = payload
    return 0


def work(fn: Callable[[T], R], items: Sequence[T], tasks: list[range], todo: int, back: int) -> None:
    """A worker's loop: claim a task, send its results (or its exception), until none is left."""
    while claim := os.read(todo, _TASK.size):
        (t,) = _TASK.unpack(claim)
        payload: Any
        try:
            payload = [fn(items[i]) for i in tasks[t]]
        except Exception as e:
            payload = e
        try:
            message = _framed((t, payload))
        except Exception as e:  # an exception that does not pickle
            message = _framed((t, RuntimeError(f"{type(e).__name__}: {e}")))
        _write_all(back, message)
        if isinstance(payload, Exception):
            break


def send(fd: int, message: object) -> None:
    """One message, pickled and framed by its length."""
    _write_all(fd, _framed(message))


def _framed(message: object) -> bytes:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(data)) + data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def received(fd: int) -> Any:
    """The next message on ``fd``; EOFError when the sender has closed it (or it came cut)."""
    head = _read_exactly(fd, _FRAME.size)
    (size,) = _FRAME.unpack(head)
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, n: int) -> bytes:
    parts = []
    while n:
        part = os.read(fd, min(n, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def _receive(fd: int, arrived: Any) -> None:
    """A worker's results, until it closes its pipe; then (-1, None). What does not come
    through whole is left to this process, which does every task not reported by the end."""
    try:
        while True:
            arrived.put(received(fd))
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass  # the end, or the worker writing to a pipe no one reads got an error and ended
    finally:
        os.close(fd)
        arrived.put((-1, None))
