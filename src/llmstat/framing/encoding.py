"""Bounded decompression: Content-Encoding bodies and whole compressed input files.

Every decoder here stops at ``cap`` bytes of output, so a decompression bomb costs an error
line, never the machine's memory.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

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
    frames = _whole_frames(data)
    if frames is None:
        # cut short or damaged: read as a stream is, which says where and how
        return read_capped(zstd_reader(io.BytesIO(data)), cap)
    # Nothing for the frame walk to raise: the same decompressor, fed the bytes directly, with
    # a context used before. Making one costs more than a capture blob takes to decompress.
    try:
        dctx = _DCTXS.pop()
    except IndexError:
        import zstandard

        dctx = zstandard.ZstdDecompressor()
    try:
        if frames[0] == 1 and frames[1] <= cap and data.startswith(ZSTD_MAGIC):
            # One frame (a capture blob): decompressed in one call into a buffer of the size its
            # header gives, else one a generous ratio over its compressed size; what does not
            # fit there (or fails) is read again as a stream, which says why. (The one-call API
            # stops quietly after the first frame, so it is only asked for one.)
            import zstandard

            room = frames[1] if frames[1] >= 0 else min(cap, max(_ONE_CALL_MIN, _ONE_CALL_RATIO * len(data)))
            try:
                out: bytes = dctx.decompress(data, max_output_size=room)
            except zstandard.ZstdError:
                pass
            else:
                if len(out) <= cap:
                    return out
        return read_capped(dctx.stream_reader(data, read_across_frames=True), cap)
    finally:
        _DCTXS.append(dctx)


# A capture blob expands about tenfold; a buffer this many times its size (at least the
# minimum) holds nearly every one, and a larger one is read as a stream.
_ONE_CALL_RATIO = 32
_ONE_CALL_MIN = 64 << 10


def _whole_frames(data: bytes) -> tuple[int, int] | None:
    """When ``data`` is whole zstd frames (RFC 8878), nothing cut short nor broken in their
    headers: how many hold content (skippable ones are not counted), and the content size the
    last of those declares (-1 when it declares none); else None."""
    pos, n = 0, len(data)
    frames, size = 0, -1
    while pos < n:
        magic = data[pos : pos + 4]
        if magic == ZSTD_MAGIC:
            if pos + 5 > n:
                return None
            fd = data[pos + 4]
            before, fcs_len = _header_sizes(fd)
            at = pos + 5 + before
            if at + fcs_len > n:
                return None
            size = int.from_bytes(data[at : at + fcs_len], "little") if fcs_len else -1
            if fcs_len == 2:
                size += 256
            pos = at + fcs_len
            while True:  # blocks: last-block bit, type, size
                if pos + 3 > n:
                    return None
                bh = int.from_bytes(data[pos : pos + 3], "little")
                content = _block_content(bh)
                if content is None:
                    return None
                pos += 3 + content
                if bh & 1:
                    pos += 4 if fd & 4 else 0
                    break
            frames += 1
        elif _is_skippable(magic):
            if pos + 8 > n:
                return None
            pos += 8 + int.from_bytes(data[pos + 4 : pos + 8], "little")
        else:
            return None
    return None if pos > n else (frames, size)


# A frame's parts, as RFC 8878 lays them out: what the whole-bytes walk above and the stream
# check below (``_ZstdFramed``) both read.


def _is_skippable(magic: bytes) -> bool:
    """A skippable frame's magic number (0x184D2A50 to 0x184D2A5F): its size follows."""
    return magic[1:] == b"\x2a\x4d\x18" and magic[0] & 0xF0 == 0x50


def _header_sizes(fd: int) -> tuple[int, int]:
    """After a frame header's descriptor byte ``fd``: the length of its window descriptor and
    dictionary id, and the length of its content size field."""
    single = fd & 0x20
    return (0 if single else 1) + (0, 1, 2, 4)[fd & 3], (0, 2, 4, 8)[fd >> 6] or (1 if single else 0)


def _block_content(bh: int) -> int | None:
    """The length of a block's content after its header ``bh`` (an RLE block's is one byte),
    None for the reserved block type."""
    kind = (bh >> 1) & 3
    return None if kind == 3 else 1 if kind == 1 else bh >> 3


# Decompression contexts free for a one-shot ``unzstd``: each is taken off while in use, so
# no two threads (nor a body decoded inside another) share one, and is reset as it is reused.
_DCTXS: list[Any] = []


def zstd_reader(raw: IO[bytes]) -> IO[bytes]:
    import zstandard

    checked: IO[bytes] = _ZstdFramed(raw)  # type: ignore[assignment]
    return zstandard.ZstdDecompressor().stream_reader(checked, read_across_frames=True)


class _ZstdFramed:
    """Passes compressed bytes through while following zstd frame boundaries (RFC 8878).

    python-zstandard's stream reader ends quietly on a frame cut short (often with no output
    at all for a one-block capture blob); this raises InputError at end of input instead.
    """

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self._head = b""  # the header being read
        self._need = 4  # its length: a frame magic number first
        self._state = "magic"
        self._skip = 0  # bytes to pass over (header rest, block content, checksum)
        self._checksum = False

    @property
    def _between_frames(self) -> bool:
        return self._state == "magic" and not self._head and not self._skip

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        if data:
            self._feed(data)
        elif n != 0 and not self._between_frames:
            raise InputError("zstd data is truncated")
        return data

    def _feed(self, data: bytes) -> None:
        pos, end = 0, len(data)
        while pos < end:
            if self._skip:
                take = min(self._skip, end - pos)
                self._skip -= take
                pos += take
                continue
            take = min(self._need - len(self._head), end - pos)
            self._head += data[pos : pos + take]
            pos += take
            if len(self._head) == self._need:
                head, self._head = self._head, b""
                self._advance(head)

    def _advance(self, head: bytes) -> None:
        if self._state == "magic":
            if head == ZSTD_MAGIC:
                self._state, self._need = "descriptor", 1
            elif _is_skippable(head):
                self._state, self._need = "skippable", 4  # skippable frame: its size follows
            else:
                raise InputError("broken zstd data (no frame magic number where a frame should begin)")
        elif self._state == "skippable":
            self._skip = int.from_bytes(head, "little")
            self._state, self._need = "magic", 4
        elif self._state == "descriptor":
            fd = head[0]
            self._skip = sum(_header_sizes(fd))
            self._checksum = bool(fd & 4)
            self._state, self._need = "block", 3
        else:  # block header: last-block bit, type, size
            bh = int.from_bytes(head, "little")
            content = _block_content(bh)
            if content is None:
                raise InputError("broken zstd data (reserved block type)")
            self._skip = content
            if bh & 1:
                self._skip += 4 if self._checksum else 0
                self._state, self._need = "magic", 4


@contextmanager
def _decoder_errors() -> Iterator[None]:
    """What decoders raise for damaged input, as llmstat's own InputError."""
    try:
        yield
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"broken compressed data ({e})") from None
    except Exception as e:
        if type(e).__name__ == "ZstdError":
            raise InputError(f"broken zstd data ({e})") from None
        raise


def read_capped(stream: IO[bytes], cap: int) -> bytes:
    with _decoder_errors():
        first = stream.read(_CHUNK)
        if len(first) > cap:
            raise _too_big(cap)
        chunk = stream.read(_CHUNK) if first else b""
        if not chunk:
            # read in one piece (a small file, a blob decompressed whole): no copy
            return first if type(first) is bytes else bytes(first)
        out = bytearray(first)
        while chunk:
            out += chunk
            if len(out) > cap:
                raise _too_big(cap)
            chunk = stream.read(_CHUNK)
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
        with _decoder_errors():
            data = self._inner.read(len(b))
        n = len(data)
        self._seen += n
        if self._seen > self._cap:
            raise _too_big(self._cap)
        b[:n] = data
        return n
