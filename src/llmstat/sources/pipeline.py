"""Path -> sniffed source -> exchanges -> records: one input at a time, errors as values."""

from __future__ import annotations

import gzip
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import orjson

from llmstat.errors import InputError, InputErrors, LlmstatError, NotARecording
from llmstat.exchange import Exchange
from llmstat.framing.encoding import DEFAULT_BODY_CAP, CappedReader, read_capped, zstd_reader
from llmstat.protocols import UsageState, api_from_path
from llmstat.record import Record, Skipped
from llmstat.sources import sniff as fmt
from llmstat.sources.capture import (
    capture_from_cbor,
    captures_in,
    exchange_from_capture,
    starts_with_capture_line,
)
from llmstat.sources.har import entries_of, exchange_from_entry, iter_har_entries
from llmstat.sources.records import (
    is_api_document,
    records_from_exchange,
    records_from_states,
    states_of_stream,
)

HEAD = 64 << 10
READ = 8 << 20
# Whole decompressed inputs are streamed, so their cap guards time, not memory.
DEFAULT_STREAM_CAP = 64 << 30


@dataclass(slots=True)
class InputResult:
    """What one input gave: records, skipped entries, input-level warnings, and the error if any."""

    source: str
    records: list[Record] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: LlmstatError | None = None
    kind: str | None = None
    # met while walking a directory: what is no recording there is skipped, not an error
    walked: bool = False


@dataclass(slots=True, frozen=True)
class Options:
    max_size: int = DEFAULT_BODY_CAP


class _Peeked:
    """A stream whose first bytes were read to sniff the format, then put back."""

    def __init__(self, inner: IO[bytes], size: int | None = None) -> None:
        self._inner = inner
        # A regular file's size: reads ask for no more than is left (plus a little, should the
        # file grow), so a 1 MB file is not read into a freshly allocated 8 MB buffer.
        self._left = size
        # ... and it can be read again from its start: the head is read anew with what follows
        # rather than copied in front of it (a copy of every file, the size of the file)
        self._rewind = size is not None
        parts: list[bytes] = []
        have = 0
        while have < HEAD:
            chunk = inner.read(HEAD - have)
            if not chunk:
                break
            parts.append(chunk)
            have += len(chunk)
        self.head = b"".join(parts)
        self._pending = self.head
        if self._left is not None:
            self._left -= have

    def read(self, n: int = -1) -> bytes:
        if self._left is not None and n > 0:
            pending = len(self._pending)
            out = self._read(min(n, pending + max(self._left, 0) + (64 << 10)))
            self._left -= len(out) - (pending - len(self._pending))
            return out
        return self._read(n)

    def _read(self, n: int) -> bytes:
        if self._pending:
            if n < 0:
                out = self._pending + self._inner.read()
                self._pending = b""
                return out
            if n > len(self._pending):  # the head and the next read as one chunk
                if self._rewind:
                    self._inner.seek(-len(self._pending), os.SEEK_CUR)
                    out = self._inner.read(n)
                else:
                    out = self._pending + self._inner.read(n - len(self._pending))
                self._pending = b""
                return out
            out, self._pending = self._pending[:n], self._pending[n:]
            return out
        return self._inner.read(n)

    def chunks(self) -> Iterator[bytes]:
        while True:
            chunk = self.read(READ)
            if not chunk:
                return
            yield chunk


def iter_input_paths(paths: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each input as given, directories walked in sorted path order; ``True`` marks walked files."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found: list[str] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(os.path.join(root, f) for f in files if not f.startswith("."))
            for f in sorted(found):
                yield f, True
        else:
            yield path, False


def read_input(path: str, walked: bool = False, options: Options | None = None) -> InputResult:
    """Every record one input holds; an unreadable input comes back with ``error`` set."""
    opts = options or Options()
    result = InputResult(source=path, walked=walked)
    return read_guarded(path, walked, result, lambda stream: _read_stream(stream, path, result, opts, 0))


R = TypeVar("R", bound=InputResult)


def read_guarded(path: str, walked: bool, result: R, read: Callable[[_Peeked], None]) -> R:
    """Open one input (``-`` is stdin) and hand its sniffable stream to ``read``; what goes
    wrong becomes ``result.error``, or a warning for a walked file that is no recording."""
    try:
        if path == "-":
            read(_Peeked(sys.stdin.buffer))
        else:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise InputError("no such file or directory") from None
            except OSError as e:
                raise InputError(e.strerror or str(e)) from None
            if not stat.S_ISREG(st.st_mode) and walked:
                result.warnings.append("not a regular file: skipped")
                return result
            try:
                fh = open(path, "rb")  # noqa: SIM115
            except OSError as e:
                raise InputError(e.strerror or str(e)) from None
            with fh:
                read(_Peeked(fh, st.st_size if stat.S_ISREG(st.st_mode) else None))
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


def decompressed(stream: _Peeked, kind: str, depth: int, cap: int) -> _Peeked:
    """The content of a whole-input gzip or zstd layer, at most ``cap`` bytes, ready to sniff."""
    if depth >= 3:
        raise InputError("compressed too many times over")
    inner: IO[bytes] = (
        gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[call-overload]
        if kind == fmt.GZIP
        else zstd_reader(stream)  # type: ignore[arg-type]
    )
    capped: IO[bytes] = CappedReader(inner, cap)  # type: ignore[assignment]
    return _Peeked(capped)


def _read_stream(stream: _Peeked, source: str, result: InputResult, opts: Options, depth: int) -> None:
    kind = fmt.sniff(stream.head)
    if result.kind is None or kind not in (fmt.GZIP, fmt.ZSTD):
        result.kind = kind
    if kind == fmt.EMPTY:
        result.warnings.append("empty input: no records")
        return
    if kind in (fmt.GZIP, fmt.ZSTD):
        _read_stream(decompressed(stream, kind, depth, DEFAULT_STREAM_CAP), source, result, opts, depth + 1)
        return
    if kind == fmt.CBOR_CAPTURE:
        cap = capture_from_cbor(read_capped(stream, opts.max_size))  # type: ignore[arg-type]
        result.records.extend(records_from_exchange(exchange_from_capture(cap, source), opts.max_size))
        return
    if kind == fmt.HAR:
        _read_har(iter_har_entries(stream), source, result, opts)  # type: ignore[arg-type]
        return
    if kind == fmt.JSON or (kind == fmt.NDJSON and starts_with_capture_line(stream.head)):
        data = read_capped(stream, opts.max_size)  # type: ignore[arg-type]
        _read_json(data, source, result, opts)
        return
    if kind in (fmt.SSE, fmt.NDJSON, fmt.HTTP):
        ex = Exchange(source=source, multi=True)
        chunks: Iterable[bytes] = stream.chunks()
        warnings: list[str] = []
        if kind == fmt.HTTP:
            first = read_capped(stream, opts.max_size)  # type: ignore[arg-type]
            result.records.extend(
                records_from_exchange(Exchange(source=source, response_body=first, multi=True))
            )
            return
        states = states_of_stream(chunks, None, split=True)
        if not states:
            raise NotARecording("no events in this stream")
        if result.walked and kind == fmt.NDJSON and all(_of_no_shape(st) for st in states):
            raise NotARecording(_NO_SHAPE)
        result.records.extend(records_from_states(ex, states, True, warnings))
        return
    raise NotARecording("no recording format recognised (not JSON, SSE, NDJSON, HAR or a capture)")


def _read_json(data: bytes, source: str, result: InputResult, opts: Options) -> None:
    try:
        doc: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and "log" in doc:
        _read_har(iter(entries_of(doc)), source, result, opts)
        return
    caps = captures_in(doc, data)
    if caps is not None:
        for i, cap in enumerate(caps):
            ex = exchange_from_capture(cap, source, i)
            result.records.extend(records_from_exchange(ex, opts.max_size))
        return
    if result.walked and doc is not None and not is_api_document(doc):
        # a stray package.json or tsconfig.json beside the recordings; named, it is a JSON body
        raise NotARecording(_NO_SHAPE)
    result.records.extend(records_from_exchange(Exchange(source=source, response_body=data, multi=True)))


_NO_SHAPE = "JSON of no known API shape (not a response body, an error, a HAR or a capture)"


def _of_no_shape(st: UsageState) -> bool:
    return st.api == "unknown" and st.error is None and not st.tokens.any_reported()


def is_llm_call(ex: Exchange) -> bool:
    return ex.method == "POST" and api_from_path(ex.path) is not None


def _read_har(entries: Iterator[Any], source: str, result: InputResult, opts: Options) -> None:
    for index, entry in enumerate(entries):
        ex = exchange_from_entry(entry, source, index)
        if isinstance(ex, str):
            result.skipped.append(Skipped(source, index, ex, warn=True))
            continue
        if ex.method != "POST":
            result.skipped.append(Skipped(source, index, f"not an LLM call: {ex.method} {ex.path}"))
            continue
        known_path = api_from_path(ex.path) is not None
        records = records_from_exchange(ex, opts.max_size)
        if not known_path and all(r.api == "unknown" for r in records):
            result.skipped.append(Skipped(source, index, f"not an LLM call: {ex.method} {ex.path}"))
            continue
        result.records.extend(records[:1])


def iter_records(
    path: str, on_error: Callable[[LlmstatError], None] | None = None, **options: Any
) -> Iterator[Record]:
    """Public API: the records of one path (a directory is walked).

    An input that cannot be read does not stop the others: it goes to ``on_error`` when one is
    given; otherwise, once every other input has been read, the error is raised (several as
    one ``InputErrors``). Files met while walking that are no recording are skipped.
    """
    opts = Options(**options)
    errors: list[LlmstatError] = []
    for p, walked in iter_input_paths([path]):
        res = read_input(p, walked, opts)
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
    import io

    opts = Options(**options)
    result = InputResult(source=source)
    _read_stream(_Peeked(io.BytesIO(data)), source, result, opts, 0)
    return result.records


def _read_one(args: tuple[str, bool, Options]) -> InputResult:
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
    opts = options or Options()
    items = [(p, walked, opts) for p, walked in inputs]
    if not _worth_a_pool(items, jobs):
        return map(_read_one, items)
    from llmstat.sources.parallel import ordered_map

    return ordered_map(_read_one, items, jobs)  # several processes start reading now


# Less input than this is read faster by one process than by a pool it first has to start.
POOL_MIN_BYTES = 16 << 20


def _worth_a_pool(items: list[tuple[str, bool, Options]], jobs: int) -> bool:
    if jobs <= 1 or len(items) < 2 or any(p == "-" for p, _, _ in items):
        return False
    total = 0
    for path, _, _ in items:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
        if total >= POOL_MIN_BYTES:
            return True
    return False
