"""Path -> opened -> unwrapped -> sniffed -> the source's reader -> records: one input at a
time, errors as values. The captures commands go the same way (``sources/captures.py``)."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from llmstat.errors import InputError, InputErrors, LlmstatError, NotARecording
from llmstat.record import Record, Skipped
from llmstat.sources.head import Head
from llmstat.sources.inputs import InputResult, Item, Options, items_of, iter_input_paths, worth_a_pool
from llmstat.sources.peeked import HEAD, Peeked
from llmstat.sources.records import UnknownFormat
from llmstat.sources.registry import NO_FORMAT, source_of
from llmstat.sources.source import Reading, Source
from llmstat.sources.unwrap import unwrapped

# Whole decompressed inputs are streamed, so their cap guards time, not memory.
DEFAULT_STREAM_CAP = 64 << 30


def read_input(path: str, walked: bool = False, options: Options | None = None) -> InputResult:
    """Every record one input holds; an unreadable input comes back with ``error`` set."""
    opts = options or Options()
    result = InputResult(source=path, walked=walked)
    return read_guarded(path, walked, result, lambda stream: _read_stream(stream, result, opts))


R = TypeVar("R", bound=InputResult)


def read_guarded(path: str, walked: bool, result: R, read: Callable[[Peeked], None]) -> R:
    """Open one input (``-`` is stdin) and hand its sniffable stream to ``read``; what goes
    wrong becomes ``result.error``, or a warning for a walked file that is no recording."""
    try:
        if path == "-":
            read(Peeked(sys.stdin.buffer))
        else:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise InputError("no such file or directory") from None
            except OSError as e:
                raise _unopened(e) from None
            if not stat.S_ISREG(st.st_mode) and walked:
                result.warnings.append("not a regular file: skipped")
                return result
            regular = stat.S_ISREG(st.st_mode)
            # A file the sniffed head holds whole is read in one call, without a file object:
            # what opening one costs (a buffer, a terminal check, a seek) is a good part of
            # what a folder of thousands of small files takes to read.
            data = _small_file(path, st.st_size) if regular and st.st_size < HEAD else None
            if data is not None:
                read(Peeked.of_bytes(data, path))
                return result
            try:
                fh = open(path, "rb")  # noqa: SIM115
            except OSError as e:
                raise _unopened(e) from None
            with fh:
                read(Peeked(fh, st.st_size if regular else None))
    except NotARecording as e:
        if walked:
            result.warnings.append(f"skipped: {e.message}")
        else:
            e.source = path
            result.error = e
    except LlmstatError as e:
        e.source = path
        result.error = e
    except (OSError, EOFError) as e:
        result.error = InputError(f"read failed ({e})", path)
    except RecursionError:
        result.error = InputError("input nests too deeply", path)
    except MemoryError:
        result.error = InputError("input too large to hold in memory", path)
    return result


def _unopened(e: OSError) -> InputError:
    """What stat or open said of an input, as its error line says it."""
    return InputError(e.strerror or str(e))


def _small_file(path: str, size: int) -> bytes | None:
    """All of a file stat'ed at ``size`` bytes, less than the head, or None when it has grown
    to the head's size since (it is then read as a stream)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        raise _unopened(e) from None
    try:
        data = os.read(fd, HEAD)
        while len(data) < size:  # a short read (some file systems give them): not the end
            more = os.read(fd, HEAD - len(data))
            if not more:
                break
            data += more
    finally:
        os.close(fd)
    return data if len(data) < HEAD else None


def sniffed(stream: Peeked, cap: int) -> tuple[Peeked, Head, Source | None]:
    """Open -> unwrap -> sniff: the stream with its compression undone, its head, and the
    source that knows its format (None when none does, or when it is empty)."""
    stream, head = unwrapped(stream, cap)
    return stream, head, None if head.is_empty else source_of(head)


def _read_stream(stream: Peeked, result: InputResult, opts: Options) -> None:
    stream, head, source = sniffed(stream, DEFAULT_STREAM_CAP)
    if head.is_empty:
        result.warnings.append("empty input: no records")
        return
    if source is None:
        raise NotARecording(NO_FORMAT)
    reading = Reading(result.source, opts.max_size, result.walked)
    try:
        for item in source.read(stream, reading):
            if isinstance(item, Skipped):
                result.skipped.append(item)
            else:
                result.records.append(item)
    except UnknownFormat:
        raise NotARecording(NO_FORMAT) from None


def iter_records(
    path: str,
    on_error: Callable[[LlmstatError], None] | None = None,
    arrange: Callable[[Iterator[InputResult]], Iterable[InputResult]] | None = None,
    **options: Any,
) -> Iterator[Record]:
    """Public API: the records of one path (a directory is walked), each input's results
    passed through ``arrange`` first (the llama-swap join, which needs every input's).

    An input that cannot be read does not stop the others: it goes to ``on_error`` when one is
    given; otherwise, once every other input has been read, the error is raised (several as
    one ``InputErrors``). Files met while walking that are no recording are skipped.
    """
    opts = Options(**options)
    errors: list[LlmstatError] = []
    results: Iterator[InputResult] = (read_input(p, walked, opts) for p, walked in iter_input_paths([path]))
    for res in results if arrange is None else arrange(results):
        yield from res.records
        if res.error is not None:
            if on_error is not None:
                on_error(res.error)
            else:
                errors.append(res.error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def records_from_data(data: bytes, source: str = "<bytes>", **options: Any) -> list[Record]:
    opts = Options(**options)
    result = InputResult(source=source)
    _read_stream(Peeked.of_bytes(data), result, opts)
    return result.records


def read_one(args: Item) -> InputResult:
    return read_input(*args)


def iter_results(
    paths: Iterable[str], options: Options | None = None, jobs: int = 1
) -> Iterator[InputResult]:
    """Results in input order; with ``jobs`` > 1 the inputs are read by a pool of processes."""
    return iter_results_of(list(iter_input_paths(paths)), options, jobs)


def iter_results_of(
    inputs: list[tuple[str, bool]], options: Options | None = None, jobs: int = 1
) -> Iterator[InputResult]:
    """``iter_results`` over inputs already expanded by ``iter_input_paths`` (so callers can count them)."""
    items = items_of(inputs, options or Options())
    if not worth_a_pool(items, jobs):
        return map(read_one, items)
    from llmstat.sources.parallel import ordered_map

    return ordered_map(read_one, items, jobs)  # several processes start reading now
