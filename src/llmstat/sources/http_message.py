"""Raw HTTP/1.1 messages as Go's ``Request.Write`` and ``Response.Write`` put them on the wire:
the start line, the headers, and the body with its chunked transfer framing undone."""

from __future__ import annotations

from dataclasses import field

from llmstat.dataclass import dataclass
from llmstat.lazy_regex import compile_later

_HEAD_END = compile_later(rb"\r?\n\r?\n")
_CHUNK_SIZE = compile_later(rb"[0-9A-Fa-f]{1,16}")


@dataclass(slots=True, frozen=True)
class HttpMessage:
    """An HTTP/1.x message as recorded on the wire: start line, headers, the body unchunked."""

    start_line: str
    headers: dict[str, str]
    body: bytes
    warnings: list[str] = field(default_factory=list)


def parse_http_message(data: bytes) -> HttpMessage | None:
    """A request or response whose bytes are exactly ``data``; None when it has no head."""
    m = _HEAD_END.search(data)
    if m is None:
        head, body = data, b""
    else:
        head, body = data[: m.start()], data[m.end() :]
    lines = head.decode("latin-1").splitlines()
    if not lines or not lines[0].strip():
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    warnings: list[str] = []
    if "chunked" in headers.get("transfer-encoding", "").lower():
        unchunked = dechunk(body)
        if unchunked is None:
            warnings.append("chunked body framing is damaged: read as it is")
        else:
            body = unchunked
    return HttpMessage(lines[0].strip(), headers, body, warnings)


def dechunk(body: bytes) -> bytes | None:
    """A chunked body's content; None when the framing does not hold."""
    out: list[bytes] = []
    pos = 0
    while True:
        nl = body.find(b"\n", pos)
        if nl < 0:
            # a recording cut after its last chunk, without the final zero-size one
            return b"".join(out) if pos >= len(body.rstrip()) and out else None
        m = _CHUNK_SIZE.match(body, pos)
        if m is None:
            return None
        size = int(m.group(), 16)
        start = nl + 1
        if size == 0:
            return b"".join(out)
        if start + size > len(body):
            return None
        out.append(body[start : start + size])
        pos = start + size
        if body.startswith(b"\r\n", pos):
            pos += 2
        elif body.startswith(b"\n", pos):
            pos += 1
