"""The first bytes of an input and what they show: what every source's sniff reads.

Formats are told from these bytes, never from a file's name. The properties are computed
once per input, however many sources ask.
"""

from __future__ import annotations

import re
from functools import cached_property

import orjson

from llmstat.framing.body import is_text

_BOM = b"\xef\xbb\xbf"
# A comment line (``: ping``) or an ``id:`` alone says nothing: a stream has data or events.
_SSE_LINE = re.compile(rb"^(?:data|event)[ \t]*:", re.MULTILINE)


class Head:
    """An input's first bytes (64 KiB, or all of a shorter input)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.text = raw[3:] if raw.startswith(_BOM) else raw
        self.stripped = self.text.lstrip(b" \t\r\n")

    @property
    def is_empty(self) -> bool:
        """Nothing, or only blanks (and a BOM)."""
        return not self.stripped

    @cached_property
    def is_text(self) -> bool:
        # Bytes that are not text are never SSE or NDJSON, however many newlines and colons
        # they happen to hold.
        return is_text(self.text)

    @property
    def starts_json(self) -> bool:
        return self.stripped[:1] in (b"{", b"[")

    @cached_property
    def json_lines(self) -> bool:
        """Two or more lines, the first a whole JSON object by itself (NDJSON)."""
        text = self.stripped
        if text[:1] != b"{":
            return False  # (a failed parse costs an exception, and every SSE dump asks)
        nl = text.find(b"\n")
        if nl < 0 or not text[nl:].strip():
            return False
        try:
            first = orjson.loads(text[:nl])
        except orjson.JSONDecodeError:
            return False
        return isinstance(first, dict)

    @property
    def has_sse_line(self) -> bool:
        return _SSE_LINE.search(self.stripped, 0, 65536) is not None
