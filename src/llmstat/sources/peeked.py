"""An input stream whose first bytes were read to sniff its format, then put back."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO

from llmstat.framing.encoding import read_capped

# what sniffing sees of an input; what a reader asks for at a time
HEAD = 64 << 10
READ = 8 << 20


class _Nothing:
    """The stream after bytes held whole: nothing more to read."""

    def read(self, n: int = -1) -> bytes:
        return b""


_NOTHING: IO[bytes] = _Nothing()  # type: ignore[assignment]


class Peeked:
    """A stream whose first bytes were read to sniff the format, then put back."""

    def __init__(self, inner: IO[bytes], size: int | None = None) -> None:
        self._inner = inner
        # A regular file's size: reads ask for no more than is left (plus a little, should the
        # file grow), so a 1 MB file is not read into a freshly allocated 8 MB buffer.
        self._left = size
        # ... and it can be read again from its start: the head is read anew with what follows
        # rather than copied in front of it (a copy of every file, the size of the file)
        self._rewind = size is not None
        # the file these bytes are, as they are on disk: what a database is opened by (SQLite
        # reads its own pages, and a running llama-swap's newest rows are in a WAL beside it)
        name = getattr(inner, "name", None)
        self.path: str | None = name if size is not None and isinstance(name, str) else None
        parts: list[bytes] = []
        have = 0
        while have < HEAD:
            chunk = inner.read(HEAD - have)
            if not chunk:
                break
            parts.append(chunk)
            have += len(chunk)
            if size is not None and have >= size:
                break  # all the file said it held: its end (or growth) is read with the rest
        self.head = b"".join(parts)
        self._pending = self.head
        if self._left is not None:
            self._left -= have

    @classmethod
    def of_bytes(cls, data: bytes, path: str | None = None) -> Peeked:
        """Bytes already in memory (a small file read in one call, a capture decompressed in
        one go): the head is their start, and reading gives them back, not a copy of them."""
        if len(data) >= HEAD:  # read on in pieces, each a slice of ``data`` (never of the rest)
            stream = cls(io.BytesIO(data), len(data))
            stream.path = path
            return stream
        self = cls.__new__(cls)
        self._inner = _NOTHING
        self._left = 0
        self._rewind = False
        self.path = path
        self.head = data[:HEAD]
        self._pending = data
        return self

    @property
    def whole(self) -> bool:
        """The head holds all of a regular file (so far as its size said)."""
        return self._left is not None and self._left <= 0 and len(self.head) < HEAD

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
                if self._left is not None and self._left <= 0:
                    # the head is the whole file as its size said: a small file is read once
                    out, self._pending = self._pending, b""
                elif self._rewind:
                    self._inner.seek(-len(self._pending), os.SEEK_CUR)
                    out = self._inner.read(n)
                else:
                    out = self._pending + self._inner.read(n - len(self._pending))
                self._pending = b""
                return out
            out, self._pending = self._pending[:n], self._pending[n:]
            return out
        return self._inner.read(n)

    def read_all(self, cap: int) -> bytes:
        """The rest of the stream, at most ``cap`` bytes (more raise SizeLimitExceeded): bytes
        held whole are handed back as they are, without the reads and checks of a stream."""
        if self._inner is _NOTHING and len(self._pending) <= cap:
            out, self._pending = self._pending, b""
            return out
        return read_capped(self, cap)  # type: ignore[arg-type]

    def chunks(self) -> Iterator[bytes]:
        while True:
            chunk = self.read(READ)
            if not chunk:
                return
            yield chunk
