"""tnetstrings, the typed netstrings of mitmproxy's flow files (``mitmproxy/io/tnetstring.py``).

A value is ``<length>:<data><tag>``: ``,`` bytes, ``;`` UTF-8 text, ``#`` int, ``^`` float,
``!`` bool, ``~`` null, ``]`` a list and ``}`` a dict of the values inside ``data``. A flow file
is such values one after another. Lengths are checked against what is left (and the cap)
before anything is read or sliced: a length that claims a terabyte is an error, never an
allocation. Nesting is bounded, so no input can exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from llmstat.errors import InputError, SizeLimitExceeded

# mitmproxy refuses longer prefixes too (a 12-digit length is already a terabyte)
MAX_PREFIX = 12
# a flow nests about six deep
MAX_DEPTH = 64
_READ = 8 << 20


def loads(data: bytes) -> Any:
    """The one tnetstring that ``data`` holds."""
    value, end = _pop(data, 0, len(data), 0)
    if end != len(data):
        raise InputError(f"not a tnetstring: {len(data) - end} bytes after the value")
    return value


def iter_values(stream: IO[bytes], cap: int) -> Iterator[Any]:
    """Each tnetstring of a stream of them, read one at a time: memory follows the largest."""
    index = 0
    while True:
        digits = b""
        c = stream.read(1)
        while c.isdigit() and len(digits) <= MAX_PREFIX:
            digits += c
            c = stream.read(1)
        if not digits and c in (b"", b"\n", b"\r"):
            if c == b"" or not stream.read().strip():  # trailing blank line: the end
                return
            raise InputError(f"not a tnetstring after value {index - 1}")
        if c != b":" or len(digits) > MAX_PREFIX:
            raise InputError(f"value {index}: no tnetstring length prefix")
        length = int(digits)
        if length > cap:
            raise SizeLimitExceeded(f"value {index} claims {length} bytes, more than the cap of {cap}")
        body = _read_exactly(stream, length + 1)
        if len(body) < length + 1:
            raise InputError(f"value {index} is truncated: {length} bytes claimed, {len(body)} there")
        yield _parse(body[-1], body, 0, length, 0)
        index += 1


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    parts: list[bytes] = []
    have = 0
    while have < n:
        chunk = stream.read(min(_READ, n - have))
        if not chunk:
            break
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def _pop(data: bytes, pos: int, end: int, depth: int) -> tuple[Any, int]:
    """The value at ``pos`` (ending by ``end``) and the position after it."""
    colon = data.find(b":", pos, min(end, pos + MAX_PREFIX + 1))
    digits = data[pos:colon]
    if colon < 0 or not digits.isdigit():
        raise InputError(f"not a tnetstring: no length prefix at byte {pos}")
    length = int(digits)
    start = colon + 1
    if length >= end - start:  # the data and its tag must fit in what is left
        raise InputError(f"not a tnetstring: length {length} at byte {pos} runs past its container")
    return _parse(data[start + length], data, start, start + length, depth), start + length + 1


def _parse(tag: int, data: bytes, start: int, end: int, depth: int) -> Any:
    if tag == 0x2C:  # ,
        return data[start:end]
    if tag == 0x3B:  # ;
        return data[start:end].decode("utf-8", "surrogateescape")
    if tag in (0x23, 0x5E):  # # ^
        text = data[start:end]
        try:
            return int(text) if tag == 0x23 else float(text)
        except ValueError:
            raise InputError(f"not a tnetstring: bad number at byte {start}") from None
    if tag == 0x21:  # !
        if data[start:end] in (b"true", b"false"):
            return data[start:end] == b"true"
        raise InputError(f"not a tnetstring: bad boolean at byte {start}")
    if tag == 0x7E:  # ~
        if start != end:
            raise InputError(f"not a tnetstring: null with data at byte {start}")
        return None
    if tag not in (0x5D, 0x7D):  # ] }
        raise InputError(f"not a tnetstring: unknown type tag {tag!r} at byte {end}")
    if depth >= MAX_DEPTH:
        raise InputError(f"tnetstring nests deeper than {MAX_DEPTH} levels")
    items: list[Any] = []
    pos = start
    while pos < end:
        item, pos = _pop(data, pos, end, depth + 1)
        items.append(item)
    if tag == 0x5D:
        return items
    if len(items) % 2:
        raise InputError(f"not a tnetstring: a dict with a key and no value at byte {start}")
    # Python 2 era flows have bytes keys; mitmproxy's compat.py makes them text, and so do we
    keys = [k.decode("utf-8", "surrogateescape") if isinstance(k, bytes) else k for k in items[::2]]
    if not all(isinstance(k, (str, int, float, bool, type(None))) for k in keys):
        raise InputError(f"not a tnetstring: a dict key is a list or a dict at byte {start}")
    return dict(zip(keys, items[1::2], strict=True))
