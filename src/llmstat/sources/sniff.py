"""Which recording format a file holds, from its first bytes, never from its name."""

from __future__ import annotations

import re

import orjson

from llmstat.framing.body import is_text

GZIP = "gzip"
ZSTD = "zstd"
CBOR_CAPTURE = "cbor-capture"
HAR = "har"
NDJSON = "ndjson"
JSON = "json"
SSE = "sse"
HTTP = "http"
EMPTY = "empty"
UNKNOWN = "unknown"

_HAR_START = re.compile(rb'^\s*\{\s*"log"\s*:', re.DOTALL)
# A comment line (``: ping``) or an ``id:`` alone says nothing: a stream has data or events.
_SSE_LINE = re.compile(rb"^(?:data|event)[ \t]*:", re.MULTILINE)
_CAPTURE_KEYS = (b"req_path", b"resp_body", b"req_headers", b"resp_headers")


def sniff(head: bytes) -> str:
    """Names the format of an input whose first bytes are ``head`` (64 KiB or all of it)."""
    if not head:
        return EMPTY
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return ZSTD
    first = head[0]
    if (0xA0 <= first <= 0xBB or first == 0xBF) and any(k in head[:4096] for k in _CAPTURE_KEYS):
        return CBOR_CAPTURE
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip(b" \t\r\n")
    if not stripped:
        return EMPTY
    if stripped.startswith(b"HTTP/"):
        return HTTP
    if not is_text(text):
        return UNKNOWN
    if stripped[:1] in (b"{", b"["):
        if _HAR_START.match(stripped):
            return HAR
        if _is_ndjson(stripped):
            return NDJSON
        return JSON
    if _SSE_LINE.search(stripped, 0, 65536):
        return SSE
    return UNKNOWN


def _is_ndjson(text: bytes) -> bool:
    """Two or more lines, the first a whole JSON object by itself."""
    nl = text.find(b"\n")
    if nl < 0 or not text[nl:].strip():
        return False
    try:
        first = orjson.loads(text[:nl])
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict)
