"""What a response body is before any dialect is known: one JSON document, lines (SSE or
NDJSON), a ``curl -i`` dump with its HTTP head, empty, or other text. The one body sniffer that
the readers and the capture view share."""

from __future__ import annotations

import re

from llmstat.framing.eventstream import looks_like_event_stream

# A line that only SSE writes (or an NDJSON line's neighbour, in a body already known to be one)
SSE_LINE = re.compile(rb"^(?:data|event|id|retry)\s*:|^:", re.MULTILINE)
_WS = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


def frame_of(body: bytes) -> str:
    """'empty', 'json' (one document), 'lines' (SSE or NDJSON), 'http' (curl -i head),
    'eventstream' (AWS's binary frames) or 'text'."""
    if looks_like_event_stream(body):
        return "eventstream"
    head = body[:3]
    if head == _BOM:
        body = body[3:]
    stripped = body.lstrip(_WS)
    if not stripped:
        return "empty"
    if stripped.startswith(b"HTTP/"):
        return "http"
    if stripped[:1] in (b"{", b"["):
        return "json"
    # random bytes fail UTF-8 within a few bytes: 4 KiB tell binary from text as well as 64
    # do, at a sixteenth of the decoding on every streamed body
    if is_text(stripped[:4096]) and SSE_LINE.search(stripped, 0, 65536):
        return "lines"
    return "text"


def parse_http_head(body: bytes) -> tuple[int | None, str | None, dict[str, str], bytes]:
    """A ``curl -i`` dump: status, reason, headers, and the body after the blank line."""
    start = body.find(b"HTTP/")
    m = re.search(rb"\r?\n\r?\n", body[start:])
    if m is None:
        return None, None, {}, b""
    head = body[start : start + m.start()].decode("latin-1").splitlines()
    rest = body[start + m.end() :]
    status: int | None = None
    reason: str | None = None
    parts = head[0].split(" ", 2) if head else []
    if len(parts) >= 2 and parts[1].isdigit():
        status = int(parts[1])
        reason = parts[2] if len(parts) > 2 else None
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return status, reason, headers, rest


def is_text(head: bytes) -> bool:
    """No NUL byte and valid UTF-8, but for a multi-byte character cut at the end of the head.

    Random bytes have a newline and a colon soon enough to look like SSE or NDJSON lines;
    they are never valid UTF-8 for long.
    """
    # A first byte no UTF-8 character starts with (binary: a CBOR capture, a zstd frame) fails
    # the decode at once, but the failure costs an exception (and the search for a NUL, a pass)
    if head and (0x80 <= head[0] <= 0xC1 or head[0] >= 0xF5):
        return False
    if head.find(0) >= 0:  # memchr: ``b"\x00" in head`` is a generic search, twice as slow
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data" and e.start >= len(head) - 3
    return True
