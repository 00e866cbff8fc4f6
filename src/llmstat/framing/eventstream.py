"""AWS event streams (``application/vnd.amazon.eventstream``): Bedrock's ``converse-stream``
and ``invoke-with-response-stream`` bodies, cut into their messages, knowing no dialect.

A message is length-prefixed::

    total length (4, big-endian) | headers length (4) | prelude CRC32 (4)
    headers | payload | message CRC32 (4)

and each header is ``name length (1) | name | value type (1) | value``. Both CRCs are checked
with ``zlib.crc32``; a message whose CRC fails, or whose length claims more than the input
holds, stops the stream with an :class:`EventStreamError` after the good messages: the
lengths are compared with what is there before anything is sliced, so a lying prefix never
makes us allocate.
"""

from __future__ import annotations

import binascii
import struct
import zlib
from collections.abc import Iterator

import orjson

from llmstat.dataclass import dataclass
from llmstat.errors import InputError

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_PRELUDE = 12
_CRC = 4
_MIN_MESSAGE = _PRELUDE + _CRC
# AWS caps a message at 16 MiB and its headers at 128 KiB
_MAX_MESSAGE = 16 << 20
_MAX_HEADERS = 128 << 10

# value type -> fixed width of the value (the variable-width ones, 6 and 7, carry a 2-byte length)
_FIXED_WIDTH = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}
_BYTES, _STRING = 6, 7


class EventStreamError(InputError):
    """A damaged event stream; ``offset`` is where the bad message starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"event stream: {message} at byte {offset}")
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Message:
    """One event-stream message: its string headers (``:event-type``, ``:message-type``,
    ``:exception-type``, ...) and its payload."""

    headers: dict[str, str]
    payload: bytes

    @property
    def event_type(self) -> str:
        return self.headers.get(":event-type") or self.headers.get(":exception-type") or "message"

    @property
    def is_exception(self) -> bool:
        return self.headers.get(":message-type") in ("exception", "error")


def looks_like_event_stream(body: bytes) -> bool:
    """The first message's prelude is whole and its CRC holds: no text or JSON does that."""
    if len(body) < _MIN_MESSAGE:
        return False
    total, headers_len, crc = struct.unpack_from(">III", body)
    return bool(
        _MIN_MESSAGE <= total <= _MAX_MESSAGE
        and headers_len <= total - _MIN_MESSAGE
        and zlib.crc32(body[:8]) == crc
    )


def iter_messages(body: bytes) -> Iterator[Message]:
    """Every message of the body in order; raises EventStreamError at the first damaged one."""
    view = memoryview(body)
    pos = 0
    end = len(body)
    while pos < end:
        if end - pos < _PRELUDE:
            raise EventStreamError(f"{end - pos} bytes left, less than a message prelude", pos)
        total, headers_len, prelude_crc = struct.unpack_from(">III", body, pos)
        if zlib.crc32(view[pos : pos + 8]) != prelude_crc:
            raise EventStreamError("prelude CRC mismatch", pos)
        if total < _MIN_MESSAGE or headers_len > min(total - _MIN_MESSAGE, _MAX_HEADERS):
            raise EventStreamError(f"impossible lengths (message {total}, headers {headers_len})", pos)
        if total > end - pos:
            raise EventStreamError(f"message claims {total} bytes, {end - pos} left", pos)
        body_end = pos + total - _CRC
        (message_crc,) = struct.unpack_from(">I", body, body_end)
        if zlib.crc32(view[pos:body_end]) != message_crc:
            raise EventStreamError("message CRC mismatch", pos)
        start = pos + _PRELUDE
        headers = _headers(body, start, start + headers_len, pos)
        yield Message(headers, bytes(view[start + headers_len : body_end]))
        pos += total


def _headers(body: bytes, pos: int, end: int, at: int) -> dict[str, str]:
    """The string and bytes headers (the others are skipped: no reader needs them)."""
    out: dict[str, str] = {}
    while pos < end:
        name_len = body[pos]
        pos += 1
        if pos + name_len + 1 > end:
            raise EventStreamError("header runs past its message's headers", at)
        name = body[pos : pos + name_len].decode("utf-8", "replace")
        pos += name_len
        kind = body[pos]
        pos += 1
        if kind in (_BYTES, _STRING):
            if pos + 2 > end:
                raise EventStreamError("header runs past its message's headers", at)
            (size,) = struct.unpack_from(">H", body, pos)
            pos += 2
            if pos + size > end:
                raise EventStreamError("header runs past its message's headers", at)
            out[name] = body[pos : pos + size].decode("utf-8", "replace")
            pos += size
            continue
        width = _FIXED_WIDTH.get(kind)
        if width is None or pos + width > end:
            raise EventStreamError(f"header {name!r} of unknown type {kind}", at)
        pos += width
    return out


def inner_event(payload: bytes) -> bytes | None:
    """Bedrock's ``invoke-with-response-stream`` chunk ``{"bytes": "<base64>"}``: the model's own
    event inside it (Anthropic's, for Claude), else None."""
    try:
        obj = orjson.loads(payload)
        encoded = obj.get("bytes") if isinstance(obj, dict) else None
        if not isinstance(encoded, str):
            return None
        import base64  # off start-up, as the other two readers of base64 bodies do

        return base64.b64decode(encoded, validate=True)
    except (orjson.JSONDecodeError, binascii.Error, ValueError):
        return None
