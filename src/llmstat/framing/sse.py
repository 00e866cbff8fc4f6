"""A WHATWG server-sent-events parser that does no I/O: feed bytes, take events, close().

Lines may end in LF, CR or CRLF, also split across feeds; comments, ``data:`` with or without
the space, multi-line data, ``event:``/``id:``/``retry:`` and a leading BOM are handled as the
spec says. Two tolerances for recorded dumps: a bare JSON line (llama.cpp ``/completion``
without ``data:``) is an event of its own, and the event still pending at end of input is
dispatched by ``close()`` (dumps often lack the final blank line).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class SSEEvent(NamedTuple):
    event: str
    data: bytes
    id: str | None = None


class SSEDecoder:
    """``started=True`` continues a stream at an event boundary (no BOM is looked for)."""

    def __init__(self, started: bool = False) -> None:
        self._pending = b""
        self._skip_lf = False
        self._started = started
        self._event = ""
        self._data: list[bytes] = []
        self._id: str | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        data = self._pending + chunk if self._pending else chunk
        if not self._started:
            if len(data) < 3 and b"\xef\xbb\xbf".startswith(data):
                self._pending = data
                return []
            self._started = True
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        end = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if end < 0:
            self._pending = data
            return []
        self._pending = data[end + 1 :]
        if end == len(data) - 1 and data[end] == 0x0D:
            self._skip_lf = True  # a CR ending the chunk may be the first half of a CRLF
        return self._lines(data[: end + 1].splitlines())

    def close(self) -> list[SSEEvent]:
        lines = [self._pending] if self._pending else []
        self._pending = b""
        out = self._lines(lines)
        ev = self._dispatch()
        if ev is not None:
            out.append(ev)
        return out

    def _dispatch(self) -> SSEEvent | None:
        if not self._data:
            self._event = ""
            return None
        ev = SSEEvent(self._event or "message", b"\n".join(self._data), self._id)
        self._event = ""
        self._data = []
        return ev

    def _lines(self, lines: Iterable[bytes]) -> list[SSEEvent]:
        out: list[SSEEvent] = []
        for line in lines:
            if not line:
                ev = self._dispatch()
                if ev is not None:
                    out.append(ev)
                continue
            first = line[0]
            if first == 0x3A:  # ':' comment
                continue
            if first in (0x7B, 0x5B):  # '{' or '[': a bare JSON line, not SSE syntax
                ev = self._dispatch()
                if ev is not None:
                    out.append(ev)
                out.append(SSEEvent("message", line, self._id))
                continue
            colon = line.find(b":")
            if colon < 0:
                name, value = line, b""
            else:
                name, value = line[:colon], line[colon + 1 :]
                if value[:1] == b" ":
                    value = value[1:]
            if name == b"data":
                self._data.append(value)
            elif name == b"event":
                self._event = value.decode("utf-8", "replace")
            elif name == b"id":
                if b"\0" not in value:
                    self._id = value.decode("utf-8", "replace")
            # retry: and unknown fields are ignored, as the spec says
        return out


def parse_sse(data: bytes) -> list[SSEEvent]:
    decoder = SSEDecoder()
    return decoder.feed(data) + decoder.close()
