"""Byte-level reading of one SSE block, for the fast-path templates the dialects declare.

A template is the bytes a no-op event's block starts with (and, for dialects that write the
keys that matter last, the bytes its one line ends with); ``protocols.fastpath`` counts the
blocks that fit it instead of parsing them. These helpers accept only the canonical
block shape (``[event: X\\n]data: ...\\n\\n``); anything else gets no template and is parsed.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson


def event_and_data(block: bytes) -> tuple[int, int] | None:
    """Where the data line of a canonical block (``[event: X\\n]data: ...\\n\\n``) starts and ends."""
    first = block.find(b"\n")
    if block.startswith(b"data:"):
        start = 0
    elif block.startswith(b"event:"):
        start = first + 1
        if not block.startswith(b"data:", start):
            return None
    else:
        return None
    end = block.find(b"\n", start)
    if end != len(block) - 2:
        return None  # more lines than [event] + one data line
    return start, end


def typed_template(block: bytes, kinds: Callable[[bytes], bool]) -> bytes | None:
    """Template for a block whose JSON starts with a ``"type"`` that ``kinds`` accepts."""
    span = event_and_data(block)
    if span is None:
        return None
    start, end = span
    j = start + 5
    if block[j : j + 1] == b" ":
        j += 1
    if block.startswith(b'{"type":"', j):
        k = j + 9
    elif block.startswith(b'{"type": "', j):
        k = j + 10
    else:
        return None
    q = block.find(b'"', k, end)
    if q < 0 or b"\\" in block[k:q] or not kinds(block[k:q]):
        return None
    return block[: q + 1]


def closing_template(block: bytes, first: bytes, required: frozenset[str]) -> tuple[bytes, bytes] | None:
    """Template for a one-line ``data: {...}`` block whose object ends with the ``required``
    keys, the first of them ``first`` (quoted): the head ``data: {`` and the tail from the
    comma before ``first`` to the object's end.

    Why the tail pins those keys at the top level: its first quote follows a comma, so it
    is no string's end, and the comma is outside every string; the tail read as the rest of
    an object is a whole one (it parses), so its keys are the outermost object's.
    """
    if not block.startswith(b"data: {"):
        return None
    end = len(block) - 2
    if block.find(b"\n") != end:
        return None
    i = block.rfind(b"," + first, 7, end)
    if i < 0:
        return None
    tail = block[i:end]
    if b"\\" in tail:
        return None
    try:
        obj = orjson.loads(b"{" + tail[1:])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or not required <= obj.keys():
        return None
    return block[:7], tail
