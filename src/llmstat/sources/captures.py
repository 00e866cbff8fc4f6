"""llama-swap capture files: path -> captures, each with the usage record under it.

The bytes are sniffed as for every other input (``sources/sniff.py``, after whole-file gzip
and zstd layers are undone), but only captures are accepted: a zstd+CBOR blob (what
llama-swap keeps in memory and writes as ``<id>.cap`` files), raw CBOR, zstd-compressed
JSON (older releases), and the ``/api/captures/{id}`` JSON object or an array of them. Every
layer is bounded by the size cap, and CBOR length fields are checked before decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from llmstat.errors import NotARecording
from llmstat.exchange import Capture, CaptureItem
from llmstat.framing.encoding import DEFAULT_BODY_CAP, read_capped
from llmstat.sources import sniff
from llmstat.sources.capture import captures_from_data, exchange_from_capture
from llmstat.sources.pipeline import InputResult, _Peeked, decompressed, iter_input_paths, read_guarded
from llmstat.sources.records import records_from_exchange

# Go writes struct fields in order, so an /api/captures JSON object names one of these near
# its start; a key-sorted copy (jq -S) starts with req_body.
_JSON_KEYS = (b'"req_path"', b'"req_body"', b'"req_headers"', b'"resp_body"', b'"resp_headers"')


@dataclass(slots=True)
class CaptureInput(InputResult):
    """What one input gave: its captures (``records`` holds their records as well)."""

    items: list[CaptureItem] = field(default_factory=list)


def _captures_from_stream(stream: _Peeked, cap: int, depth: int) -> Iterable[Capture]:
    kind = sniff.sniff(stream.head)
    if kind == sniff.EMPTY:
        return []
    if kind in (sniff.GZIP, sniff.ZSTD):
        return _captures_from_stream(decompressed(stream, kind, depth, cap), cap, depth + 1)
    if kind in (sniff.JSON, sniff.NDJSON) and not any(k in stream.head for k in _JSON_KEYS):
        raise NotARecording("not a llama-swap capture (JSON of another shape)")
    if kind not in (sniff.CBOR_CAPTURE, sniff.JSON, sniff.NDJSON):
        raise NotARecording(f"not a llama-swap capture (the bytes look like {_KIND_NAMES.get(kind, kind)})")
    return captures_from_data(read_capped(stream, cap), kind)  # type: ignore[arg-type]


_KIND_NAMES = {
    sniff.HAR: "a HAR file",
    sniff.SSE: "an SSE stream",
    sniff.NDJSON: "NDJSON",
    sniff.HTTP: "an HTTP response",
    sniff.UNKNOWN: "no recording format",
}


def read_captures(path: str, walked: bool = False, max_size: int = DEFAULT_BODY_CAP) -> CaptureInput:
    """The captures of one input and their records; an unreadable input comes back with
    ``error`` set, and a walked file that holds no capture with a warning."""
    result = CaptureInput(source=path)

    def read(stream: _Peeked) -> None:
        for index, cap in enumerate(_captures_from_stream(stream, max_size, 0)):
            records = records_from_exchange(exchange_from_capture(cap, path, index), max_size)
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
