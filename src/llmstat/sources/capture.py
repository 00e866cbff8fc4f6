"""llama-swap captures: zstd-compressed CBOR (or JSON) of ``{id, req_path, req_headers,
req_body, resp_headers, resp_body}``, and the JSON its ``/api/captures/{id}`` returns.

Two sources live here, CBOR captures and JSON lines of captures, with their sniffs and
readers; a whole JSON document of captures is found by the JSON body's reader, which asks
``read_capture_document``. The ``captures_of_*`` functions are what the captures commands read.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
import stringzilla as sz

from llmstat.errors import InputError, NotARecording
from llmstat.exchange import Capture, Exchange
from llmstat.record import Record, Skipped
from llmstat.sources.activity import is_inference_route, not_inference
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.records import items_from_exchange
from llmstat.sources.source import Reading

CAPTURE_KEYS = frozenset({"id", "req_path", "req_headers", "req_body", "resp_headers", "resp_body"})


def is_capture_object(obj: Any) -> bool:
    return isinstance(obj, dict) and "req_path" in obj and len(CAPTURE_KEYS & obj.keys()) >= 3


def check_cbor_lengths(data: bytes, max_depth: int = 64) -> None:
    """Walk the CBOR item heads so that no length field can claim more bytes than there are.

    cbor2 would otherwise try to allocate what a hostile length field says.
    """
    n = len(data)
    # One loop, not a call per item (a capture has a score of them): the open containers on a
    # stack, each its items still to come, or -1 for one of indefinite length (until a break).
    # Item kinds are told by their first byte's range, not its major type: one compare less.
    stack: list[int] = []
    pos = 0
    while pos < n:
        ib = data[pos]
        pos += 1
        arg = ib & 0x1F
        if arg >= 24:
            if arg < 28:
                end = pos + (1 << (arg - 24))
                if end > n:
                    raise InputError("CBOR is truncated")
                arg = int.from_bytes(data[pos:end], "big")
                pos = end
            elif arg == 31:
                arg = -1
            else:
                raise InputError(f"invalid CBOR header byte 0x{ib:02x} at byte {pos - 1}")
        opened = 0  # what the item opens: the items to come in it, -1 until a break
        if ib < 0x40 or ib >= 0xE0:  # an integer, a simple value or float, a break
            pass
        elif ib >= 0xC0:  # a tag: one item follows
            opened = 1
        elif arg == -1:  # a string, array or map of indefinite length
            opened = -1
        elif ib < 0x80:  # a byte or text string
            if arg > n - pos:
                raise InputError(f"CBOR string claims {arg} bytes, only {n - pos} remain")
            pos += arg
        else:  # an array or map
            if arg > n - pos:
                raise InputError(f"CBOR container claims {arg} items, only {n - pos} bytes remain")
            opened = arg * 2 if ib >= 0xA0 else arg
        if opened:
            stack.append(opened)
            if len(stack) > max_depth:
                raise InputError("CBOR nests too deeply")
            if opened > 0:
                continue  # its first item comes next
        # an item has ended (or an indefinite one begun): close what it completes
        while stack:
            left = stack[-1]
            if left > 1:
                stack[-1] = left - 1
                break
            if left == 1:
                stack.pop()
            elif pos < n and data[pos] != 0xFF:
                break  # an indefinite container's next item
            else:
                stack.pop()
                pos += 1
        else:
            return
    raise InputError("CBOR is truncated")


def _bytes_field(obj: dict[str, Any], key: str, b64: bool) -> bytes | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        if b64:
            import base64  # off start-up: CBOR captures (the usual ones) hold bytes

            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return value.encode("utf-8", "surrogatepass")
        return value.encode("utf-8", "surrogatepass")
    raise InputError(f"capture field {key} is neither bytes nor a string")


def _headers(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError("capture headers are not a map")
    out: dict[str, str] = {}
    for k, v in value.items():
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v)
        out[str(k)] = v if isinstance(v, str) else str(v)
    return out


def capture_from_object(obj: Any, b64: bool) -> Capture:
    """A decoded CBOR map (bodies as bytes) or API JSON object (bodies base64, ``b64``)."""
    if not isinstance(obj, dict):
        raise InputError("capture is not a map")
    cid = obj.get("id")
    path = obj.get("req_path")
    return Capture(
        id=cid if isinstance(cid, int) and not isinstance(cid, bool) else None,
        req_path=path if isinstance(path, str) else None,
        req_headers=_headers(obj.get("req_headers")),
        req_body=_bytes_field(obj, "req_body", b64),
        resp_headers=_headers(obj.get("resp_headers")),
        resp_body=_bytes_field(obj, "resp_body", b64),
        extra={k: v for k, v in obj.items() if k not in CAPTURE_KEYS},
    )


def capture_from_cbor(data: bytes) -> Capture:
    import cbor2

    check_cbor_lengths(data)
    try:
        obj = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, OverflowError, RecursionError) as e:
        raise InputError(f"invalid CBOR ({e})") from None
    return capture_from_object(obj, b64=False)


def captures_from_document(doc: Any) -> list[Capture] | None:
    """The captures a parsed JSON document holds (one ``/api/captures/{id}`` object or an array
    of them, bodies base64), or None when it is not that shape."""
    if is_capture_object(doc):
        return [capture_from_object(doc, b64=True)]
    if isinstance(doc, list) and doc and all(is_capture_object(d) for d in doc):
        return [capture_from_object(d, b64=True) for d in doc]
    return None


def starts_with_capture_line(data: bytes) -> bool:
    """The first line is a whole ``/api/captures/{id}`` object: JSON lines of captures, as
    ``curl .../api/captures/$id >> captures.jsonl`` leaves them."""
    line = data.lstrip(b" \t\r\n").split(b"\n", 1)[0]
    try:
        return is_capture_object(orjson.loads(line))
    except orjson.JSONDecodeError:
        return False


def iter_capture_lines(data: bytes) -> Iterator[Capture]:
    """Each line's capture (blank lines skipped); a line that is none raises InputError naming
    it, after the captures before it."""
    for n, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise InputError(f"line {n}: invalid JSON ({e.msg})") from None
        if not is_capture_object(obj):
            raise InputError(f"line {n}: not a llama-swap capture")
        yield capture_from_object(obj, b64=True)


def captures_in(doc: Any, data: bytes) -> Iterable[Capture] | None:
    """The captures of a JSON input: ``doc`` as parsed (None when ``data`` is not one JSON
    value), else JSON lines of captures; None when neither holds captures."""
    caps = captures_from_document(doc)
    if caps is None and doc is None and starts_with_capture_line(data):
        return iter_capture_lines(data)
    return caps


def captures_from_json(data: bytes, lines: bool = False) -> Iterable[Capture]:
    """The captures of JSON text: one ``/api/captures/{id}`` object, an array of them, or (what
    ``lines`` says the first bytes looked like) JSON lines of them.

    Raises NotARecording when the text holds no capture, InputError when it is a broken one
    (JSON lines: after the captures of the lines before the broken one).
    """
    error: orjson.JSONDecodeError | None = None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        doc, error = None, e
    caps = captures_in(doc, data)
    if caps is not None:
        return caps
    if lines:
        raise NotARecording("not a llama-swap capture (the bytes look like ndjson)")
    if error is not None:
        raise InputError(f"invalid JSON ({error.msg} at byte {error.pos})")
    raise NotARecording(_OTHER_JSON)


_OTHER_JSON = "not a llama-swap capture (JSON of another shape)"
# Go writes struct fields in order, so an /api/captures JSON object names one of these near
# its start; a key-sorted copy (jq -S) starts with req_body.
_JSON_KEYS = (b'"req_path"', b'"req_body"', b'"req_headers"', b'"resp_body"', b'"resp_headers"')
_CBOR_KEYS = (b"req_path", b"resp_body", b"req_headers", b"resp_headers")


def sniff_cbor_capture(head: Head) -> bool:
    """A CBOR map (what llama-swap writes, once its zstd layer is undone) naming capture fields."""
    raw = head.raw
    first = raw[:1]
    if not (b"\xa0" <= first <= b"\xbb" or first == b"\xbf"):
        return False
    return any(sz.find(raw, k, 0, 4096) >= 0 for k in _CBOR_KEYS)


def sniff_capture_lines(head: Head) -> bool:
    return head.is_text and head.json_lines and starts_with_capture_line(head.raw)


def read_cbor_capture(stream: Peeked, reading: Reading) -> list[Record | Skipped]:
    cap = capture_from_cbor(stream.read_all(reading.max_size))
    return records_of_capture(cap, reading, 0)


def records_of_capture(cap: Capture, reading: Reading, index: int) -> list[Record | Skipped]:
    """A capture's record; a capture of a route that is no LLM call (embeddings, audio,
    images, token counting) is skipped, as llama-swap's activity entry of it is."""
    path = cap.req_path.split("?", 1)[0] if cap.req_path else None
    if not is_inference_route(path):
        return [not_inference(reading.source, index, path or "")]
    return list(items_from_exchange(exchange_from_capture(cap, reading.source, index), reading.max_size))


def read_capture_lines(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    data = stream.read_all(reading.max_size)
    return _records_of(iter_capture_lines(data), reading)


def read_capture_document(doc: Any, data: bytes, reading: Reading) -> Iterator[Record | Skipped] | None:
    caps = captures_in(doc, data)
    return None if caps is None else _records_of(caps, reading)


def _records_of(caps: Iterable[Capture], reading: Reading) -> Iterator[Record | Skipped]:
    for i, cap in enumerate(caps):
        yield from records_of_capture(cap, reading, i)


def captures_of_cbor(stream: Peeked, cap: int) -> list[Capture]:
    return [capture_from_cbor(stream.read_all(cap))]


def captures_of_json(stream: Peeked, cap: int) -> Iterable[Capture]:
    _check_capture_keys(stream.head)
    return captures_from_json(stream.read_all(cap))


def captures_of_json_lines(stream: Peeked, cap: int) -> Iterable[Capture]:
    _check_capture_keys(stream.head)
    return captures_from_json(stream.read_all(cap), lines=True)


def _check_capture_keys(head: bytes) -> None:
    # JSON that names no capture field near its start is not read whole to find that out
    if not any(k in head for k in _JSON_KEYS):
        raise NotARecording(_OTHER_JSON)


def exchange_from_capture(cap: Capture, source: str, index: int = 0) -> Exchange:
    path = cap.req_path.split("?", 1)[0] if cap.req_path else None
    lower = {k.lower(): v for k, v in (cap.req_headers or {}).items()}
    return Exchange(
        source=source,
        entry=index,
        path=path or None,
        host=lower.get("host"),
        request_headers=lower,
        request_body=cap.req_body,
        response_headers={k.lower(): v for k, v in (cap.resp_headers or {}).items()},
        response_body=cap.resp_body,
        body_recorded=cap.resp_body is not None,
        capture_id=cap.id,
        context=True,
    )
