"""Bounded decompression: Content-Encoding bodies and whole compressed input files.

Every decoder here stops at ``cap`` bytes of output, so a decompression bomb costs an error
line, never the machine's memory.
"""

from __future__ import annotations

import io
import zlib
from typing import IO

from llmstat.errors import InputError, SizeLimitExceeded

DEFAULT_BODY_CAP = 256 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20


def _too_big(cap: int) -> SizeLimitExceeded:
    return SizeLimitExceeded(f"decompressed size exceeds the cap of {cap} bytes (raise it with --max-size)")


def _inflate(data: bytes, wbits: int, cap: int) -> bytes:
    """zlib/gzip/raw deflate, members concatenated, output capped."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits)
        pending = rest
        while pending:
            out += d.decompress(pending, cap + 1 - len(out))
            if len(out) > cap:
                raise _too_big(cap)
            pending = d.unconsumed_tail
        if not d.eof:
            raise InputError("compressed data is truncated")
        rest = d.unused_data
        if wbits != 47 and wbits != 31:
            break  # only gzip has members
        if rest and not rest.startswith(GZIP_MAGIC):
            break  # trailing padding after the last member
    return bytes(out)


def gunzip(data: bytes, cap: int = DEFAULT_BODY_CAP) -> bytes:
    try:
        return _inflate(data, 31, cap)
    except zlib.error as e:
        raise InputError(f"broken gzip data ({e})") from None


def inflate_deflate(data: bytes, cap: int = DEFAULT_BODY_CAP) -> bytes:
    """HTTP 'deflate' is zlib-wrapped by the RFC and raw in practice: accept both."""
    try:
        return _inflate(data, 15, cap)
    except zlib.error:
        pass
    try:
        return _inflate(data, -15, cap)
    except zlib.error as e:
        raise InputError(f"broken deflate data ({e})") from None


def unbrotli(data: bytes, cap: int = DEFAULT_BODY_CAP) -> bytes:
    import brotli

    d = brotli.Decompressor()
    out = bytearray()
    try:
        out += d.process(data, output_buffer_limit=_CHUNK)
        while not d.is_finished():
            if len(out) > cap:
                raise _too_big(cap)
            if d.can_accept_more_data():
                break
            out += d.process(b"", output_buffer_limit=_CHUNK)
    except brotli.error as e:
        raise InputError(f"broken brotli data ({e})") from None
    if len(out) > cap:
        raise _too_big(cap)
    if not d.is_finished():
        raise InputError("brotli data is truncated")
    return bytes(out)


def unzstd(data: bytes, cap: int = DEFAULT_BODY_CAP) -> bytes:
    """Frames without a content size (llama-swap's) included: one-shot APIs refuse those."""
    return read_capped(zstd_reader(io.BytesIO(data)), cap)


def zstd_reader(raw: IO[bytes]) -> IO[bytes]:
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)


def read_capped(stream: IO[bytes], cap: int) -> bytes:
    out = bytearray()
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > cap:
                raise _too_big(cap)
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"broken compressed data ({e})") from None
    except Exception as e:
        if type(e).__name__ == "ZstdError":
            raise InputError(f"broken zstd data ({e})") from None
        raise
    return bytes(out)


def decode_content(data: bytes, encoding: str | None, cap: int = DEFAULT_BODY_CAP) -> bytes:
    """Undo a Content-Encoding. Unknown encodings mean the body is taken as it is.

    Raises InputError when the named encoding does not fit the bytes.
    """
    if not encoding:
        return data
    body = data
    # "gzip, br" lists encodings in the order applied: undo them last to first.
    for name in reversed([p.strip().lower() for p in encoding.split(",") if p.strip()]):
        if name in ("gzip", "x-gzip"):
            body = gunzip(body, cap)
        elif name == "deflate":
            body = inflate_deflate(body, cap)
        elif name == "br":
            body = unbrotli(body, cap)
        elif name == "zstd":
            body = unzstd(body, cap)
    return body


def sniff_compressed(data: bytes, cap: int = DEFAULT_BODY_CAP) -> bytes:
    """Unwrap a body that carries gzip or zstd magic although nothing said it was compressed."""
    if data.startswith(GZIP_MAGIC):
        return gunzip(data, cap)
    if data.startswith(ZSTD_MAGIC):
        return unzstd(data, cap)
    return data


class CappedReader(io.RawIOBase):
    """A read-only stream that fails once more than ``cap`` bytes have come out of it."""

    def __init__(self, inner: IO[bytes], cap: int) -> None:
        self._inner = inner
        self._cap = cap
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(b))
        except (OSError, EOFError, zlib.error) as e:
            raise InputError(f"broken compressed data ({e})") from None
        except Exception as e:
            if type(e).__name__ == "ZstdError":
                raise InputError(f"broken zstd data ({e})") from None
            raise
        n = len(data)
        self._seen += n
        if self._seen > self._cap:
            raise _too_big(self._cap)
        b[:n] = data
        return n
