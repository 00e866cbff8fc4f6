"""Byte-level reading of one SSE block, for the fast-path templates the dialects declare.

A template is the bytes a no-op event's block starts with; ``protocols.fastpath`` counts the
blocks that start with it instead of parsing them. These helpers accept only the canonical
block shape (``[event: X\\n]data: ...\\n\\n``); anything else gets no template and is parsed.
"""

from __future__ import annotations

from collections.abc import Callable


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
