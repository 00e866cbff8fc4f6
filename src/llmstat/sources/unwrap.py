"""Whole-input compression layers (gzip, zstd), undone before the format is sniffed."""

from __future__ import annotations

from typing import IO

from llmstat.errors import InputError, SizeLimitExceeded
from llmstat.framing.encoding import CappedReader, unzstd, zstd_reader
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked

# A file gzipped more often than this is hostile, not a recording.
MAX_LAYERS = 3
# what a small compressed file may expand to in memory before it is streamed instead
_IN_ONE_GO = 8 << 20


def _layer(raw: bytes) -> str | None:
    if raw.startswith(b"\x1f\x8b"):
        return "gzip"
    if raw.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd"
    return None


def unwrapped(stream: Peeked, cap: int) -> tuple[Peeked, Head]:
    """The stream with every compression layer undone (each bounded by ``cap`` bytes), and its head."""
    layers = 0
    while True:
        head = Head(stream.head)
        layer = None if head.is_empty else _layer(head.raw)
        if layer is None:
            return stream, head
        if layers >= MAX_LAYERS:
            raise InputError("compressed too many times over")
        layers += 1
        if layer == "zstd" and stream.whole:
            # A small file (a llama-swap capture): undone in one go, not read through three
            # stream layers a few KiB at a time; one that expands past a few MiB is streamed
            try:
                data = unzstd(head.raw, min(cap, _IN_ONE_GO))
            except SizeLimitExceeded:
                pass
            else:
                stream = Peeked.of_bytes(data)
                continue
        import gzip  # kept off start-up: most inputs are not gzipped

        inner: IO[bytes] = (
            gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[call-overload]
            if layer == "gzip"
            else zstd_reader(stream)  # type: ignore[arg-type]
        )
        capped: IO[bytes] = CappedReader(inner, cap)  # type: ignore[assignment]
        stream = Peeked(capped)
