"""llama-swap capture files: path -> captures, each with the usage record under it.

The bytes go the way of every other input (``pipeline.sniffed``: opened, whole-file gzip
and zstd layers undone, sniffed by the SOURCES registry), but only the sources that can hold
captures are read, by their ``captures`` reader: a zstd+CBOR blob (what
llama-swap keeps in memory and writes as ``<id>.cap`` files), raw CBOR, zstd-compressed
JSON (older releases), and the ``/api/captures/{id}`` JSON object or an array of them. Every
layer is bounded by the size cap, and CBOR length fields are checked before decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import field

from llmstat.dataclass import dataclass
from llmstat.errors import NotARecording
from llmstat.exchange import Capture, CaptureItem
from llmstat.framing.encoding import DEFAULT_BODY_CAP
from llmstat.record import Record
from llmstat.sources.capture import exchange_from_capture
from llmstat.sources.inputs import InputResult, iter_input_paths
from llmstat.sources.peeked import Peeked
from llmstat.sources.pipeline import read_guarded, sniffed
from llmstat.sources.records import items_from_exchange
from llmstat.sources.registry import looks_like


@dataclass(slots=True)
class CaptureInput(InputResult):
    """What one input gave: its captures (``records`` holds their records as well)."""

    items: list[CaptureItem] = field(default_factory=list)


def _captures_from_stream(stream: Peeked, cap: int) -> Iterable[Capture]:
    stream, head, source = sniffed(stream, cap)
    if head.is_empty:
        return []
    if source is None or source.captures is None:
        raise NotARecording(f"not a llama-swap capture (the bytes look like {looks_like(source)})")
    return source.captures(stream, cap)


def read_captures(path: str, walked: bool = False, max_size: int = DEFAULT_BODY_CAP) -> CaptureInput:
    """The captures of one input and their records; an unreadable input comes back with
    ``error`` set, and a walked file that holds no capture with a warning."""
    result = CaptureInput(source=path)

    def read(stream: Peeked) -> None:
        for index, cap in enumerate(_captures_from_stream(stream, max_size)):
            items = items_from_exchange(exchange_from_capture(cap, path, index), max_size)
            records = [r for r in items if isinstance(r, Record)]
            record = records[0] if records else None
            result.items.append(CaptureItem(path, index, cap, record))
            result.records.extend(records[:1])
        if not result.items:
            result.warnings.append("empty input: no captures")

    return read_guarded(path, walked, result, read)


def iter_capture_inputs(paths: list[str], max_size: int = DEFAULT_BODY_CAP) -> Iterator[CaptureInput]:
    """Each input in order, directories walked in sorted path order."""
    for path, walked in iter_input_paths(paths):
        yield read_captures(path, walked, max_size)


def iter_captures(path: str, max_size: int = DEFAULT_BODY_CAP) -> Iterator[Capture]:
    """Public API: the captures of one path (a directory is walked); raises LlmstatError."""
    for res in iter_capture_inputs([path], max_size):
        for item in res.items:
            yield item.capture
        if res.error is not None:
            raise res.error
