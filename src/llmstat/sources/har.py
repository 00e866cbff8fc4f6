"""HAR 1.2 input: entries read one at a time, so memory follows the largest entry, not the file.

The HAR source: its sniff (``{"log":`` first), its streaming reader, and the reader of a HAR
that only parsing shows (``"log"`` not its first key).

The reader finds ``log.entries`` and cuts one entry after another without a byte loop in
Python, in any JSON layout (indented or not, blanks after separators or not, tabs, CRLF, keys in
any order, any text):

- The fast way: look (with SIMD) for the bytes that end an entry in this file, learnt from the
  entry before (``_learn_marker``), and parse the cut once; a cut that does not parse is never
  taken, so the marker only has to be right most of the time to be fast, never to be correct.
- The sure way, for the first entry and any the marker misses: hand orjson a window that starts
  at the entry; orjson stops at its end ("unexpected content after document") and says where.
  The window grows until the entry fits, so memory follows the largest entry.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import orjson
import stringzilla as sz

from llmstat.errors import InputError
from llmstat.exchange import Exchange
from llmstat.lazy_regex import compile_later
from llmstat.record import Record, Skipped, stamp_of
from llmstat.sources.calls import host_and_path, items_of_exchanges, request_and_response
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading

_sz_find: Callable[[bytes, bytes, int, int], int] = sz.find

_HAR_START = re.compile(rb'^\s*\{\s*"log"\s*:', re.DOTALL)
_ENTRIES = compile_later(rb'"entries"\s*:\s*\[')
_READ = 8 << 20
_MIN_WINDOW = 64 << 10
_PREFIX_LIMIT = 64 << 20
_HORIZON = 4 << 20  # how far past an entry's start its end marker is looked for, at least
_TRIES = 4  # cuts tried per entry before it is parsed the windowed way
_WS = b" \t\r\n"


class _Buffer:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.offset = 0  # file offset of buf[0]

    def fill(self, need: int) -> None:
        """Make at least ``need`` bytes available after ``pos`` (fewer only at end of input)."""
        if len(self.buf) - self.pos >= need or self.eof:
            return
        parts = [self.buf[self.pos :]]
        have = len(parts[0])
        self.offset += self.pos
        self.pos = 0
        while have < need:
            chunk = self.stream.read(max(_READ, need - have))
            if not chunk:
                self.eof = True
                break
            parts.append(chunk)
            have += len(chunk)
        self.buf = b"".join(parts)

    def skip_ws(self) -> int:
        """The next non-blank byte (consumed only by the caller), or -1 at end of input."""
        while True:
            n = len(self.buf)
            while self.pos < n and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < n:
                return self.buf[self.pos]
            if self.eof:
                return -1
            self.fill(1)


def _safe_end(window: memoryview) -> int:
    """Cut a window before a partial UTF-8 sequence, which orjson would call invalid."""
    end = len(window)
    k = 0
    while end > 0 and k < 4 and window[end - 1] >= 0x80:
        end -= 1
        k += 1
    return end if k and end > 0 else len(window)


def _byte_pos(e: orjson.JSONDecodeError) -> int:
    """orjson reports positions in characters of the decoded text; the reader needs bytes."""
    return len(e.doc[: e.pos].encode("utf-8", "surrogatepass"))


def _value_before_more(view: Any, e: orjson.JSONDecodeError) -> tuple[Any, int] | None:
    """When orjson stopped at content after a whole value, that value and its length in bytes;
    None for any other error."""
    if not e.msg.startswith("unexpected content after document"):
        return None
    end = _byte_pos(e)
    return orjson.loads(view[:end]), end


def _next_value(b: _Buffer, index: int, window: int) -> tuple[Any, int]:
    """Parse the JSON value at b.pos; returns it and the window size that fit."""
    while True:
        b.fill(window)
        avail = len(b.buf) - b.pos
        at_eof = b.eof and avail <= window
        view = memoryview(b.buf)[b.pos : b.pos + window]  # no copy of the window
        if not at_eof:
            view = view[: _safe_end(view)]
        try:
            value = orjson.loads(view)
        except orjson.JSONDecodeError as e:
            msg = e.msg
            found = _value_before_more(view, e)
            if found is not None:
                value, end = found
                b.pos += end
                return value, window
            if msg.startswith("str is not valid UTF-8"):
                try:
                    str(view, "utf-8")
                except UnicodeDecodeError as u:
                    if u.start > 0 and u.start < len(view):
                        try:
                            value = orjson.loads(view[: u.start])
                        except orjson.JSONDecodeError as e2:
                            found = _value_before_more(view, e2)
                            if found is not None:
                                value, end = found
                                b.pos += end
                                return value, window
                        else:
                            b.pos += u.start
                            return value, window
                    if at_eof or u.start + 4 < len(view):
                        raise InputError(
                            f"invalid UTF-8 in HAR entry {index} at byte {b.offset + b.pos + u.start}"
                        ) from None
            elif at_eof:
                if msg.startswith("unexpected end of data"):
                    raise InputError(f"HAR is truncated inside entry {index}") from None
                raise InputError(
                    f"invalid JSON in HAR entry {index} at byte {b.offset + b.pos + _byte_pos(e)}: {msg}"
                ) from None
            elif not msg.startswith("unexpected end of data") and _byte_pos(e) + 8 < len(view):
                raise InputError(
                    f"invalid JSON in HAR entry {index} at byte {b.offset + b.pos + _byte_pos(e)}: {msg}"
                ) from None
            window *= 2
            continue
        b.pos += len(view)
        return value, window


# How one entry follows another when they are not pretty-printed: a comma and the next entry's
# first key (the key must be plain, without escapes, to be looked for byte for byte).
_BOUNDARY = compile_later(rb'[ \t\r\n]*,[ \t\r\n]*\{[ \t\r\n]*"[^"\\]{1,64}"[ \t\r\n]*:')


def _learn_marker(b: _Buffer, start: int) -> tuple[bytes, int] | None:
    r"""How entries end in this file, learnt from the entry just parsed (``b.buf[start:b.pos]``)
    and the bytes after it: the marker to look for and how many of its bytes belong to the entry.

    - Pretty-printed, whatever the indent (spaces, tabs) or line ends (LF, CRLF): the entry's
      closing ``}`` stands alone after its indentation, so ``"\n" + indent + "}"``. The first
      such line after an entry's start is its end, whatever its keys: a JSON string holds no raw
      newline, and nested values are indented deeper.
    - Anything else (minified, Python's ``json.dump`` without indent, one entry per line): the
      bytes from the entry's ``}`` to the next entry's first key, e.g. ``}, {"startedDateTime":``
      or ``},{"_initiator":``. That quote cannot close a string (no key and colon could follow),
      so the marker is always structure, and nested arrays of objects (headers, cookies) rarely
      start with an entry's first key.

    Either may still be wrong for a later entry (its keys in another order, a nested object
    that looks the same, a lopsided indent): every cut is checked by orjson, and an entry whose
    cut fails (parsed the windowed way) or ends before the marker teaches a new one. None:
    nothing to learn (the last entry, or the next one is not an object with a plain first key).
    """
    close = b.pos  # just after the entry's "}", or after blanks that orjson passed over
    while close > start and b.buf[close - 1] in _WS:
        close -= 1
    if close == start or b.buf[close - 1] != 0x7D:  # '}': the entry is no object
        return None
    line = b.buf.rfind(b"\n", start, close - 1)
    if line >= 0:
        indent = b.buf[line + 1 : close - 1]
        # An empty indent (json.dumps(indent=0)) is every nested object's too: no marker there.
        if indent and len(indent) <= 64 and not indent.strip(b" \t"):
            marker = b"\n" + indent + b"}"
            return marker, len(marker)
    blanks = b.buf[close : b.pos]
    b.fill(256)  # the boundary, which the last read may have cut (b.buf moves, b.pos stays)
    m = _BOUNDARY.match(b.buf, b.pos)
    if m is None:
        return None
    return b"}" + blanks + m.group(), 1


def _find_marker(buf: bytes, marker: bytes, start: int, end: int) -> int:
    """``buf.find(marker, start, end)``, with SIMD: the long strings of a HAR (bodies) are skimmed
    at memory speed, where ``bytes.find`` stumbles on every quote and brace."""
    return _sz_find(buf, marker, start, end)


# How _cut_value went: no cut (parse the windowed way); cut at the marker; cut before it, where
# orjson said the entry ends (the marker was a later entry's: the next one starts otherwise).
_MISSED, _AT_MARKER, _BEFORE_MARKER = range(3)


def _cut_value(b: _Buffer, marker: bytes, keep: int, horizon: int) -> tuple[int, Any]:
    """Parse the entry at ``b.pos`` cut at a marker: one parse, no window to guess.

    A cut that parses is exactly the entry: a JSON value cut short does not parse, and one
    followed by more makes orjson say where it ends ("unexpected content after document").
    A cut that fails (a nested look-alike) moves on to the next marker, a few times. The marker
    is looked for within ``horizon`` bytes of the entry's start, so a file where it never comes
    is not read into memory whole.
    """
    tries = 0
    done = 0  # bytes after b.pos already searched (b.buf moves when it is filled)
    while True:
        have = len(b.buf) - b.pos
        i = _find_marker(b.buf, marker, b.pos + done, b.pos + min(have, horizon))
        if i < 0:
            if b.eof or have >= horizon:
                return _MISSED, None
            done = max(done, have - len(marker) + 1)
            b.fill(min(horizon, have + _READ))
            continue
        end = i + keep
        view = memoryview(b.buf)[b.pos : end]  # no copy of the entry
        try:
            value = orjson.loads(view)
        except orjson.JSONDecodeError as e:
            found = _value_before_more(view, e)
            if found is not None:
                value, n = found
                b.pos += n
                return _BEFORE_MARKER, value
            tries += 1
            if tries == _TRIES:
                return _MISSED, None
            done = i + 1 - b.pos
            continue
        b.pos = end
        return _AT_MARKER, value


def iter_har_entries(stream: IO[bytes]) -> Iterator[Any]:
    """Yield each element of ``log.entries``; raise InputError for damage, after the good entries."""
    b = _Buffer(stream)
    b.fill(1 << 20)
    m = _ENTRIES.search(b.buf)
    while m is None and not b.eof and len(b.buf) < _PREFIX_LIMIT:
        b.fill(len(b.buf) + _READ)
        m = _ENTRIES.search(b.buf)
    if m is None:
        yield from _entries_in_memory(b)
        return
    prefix = b.buf[: m.end() - 1]
    b.pos = m.end()
    window = _MIN_WINDOW
    index = 0
    marker: tuple[bytes, int] | None = None
    hits = misses = 0
    while True:
        c = b.skip_ws()
        if c == -1:
            raise InputError(f"HAR is truncated after entry {index - 1}" if index else "HAR is truncated")
        if c == 0x5D:  # ']'
            b.pos += 1
            break
        if index:
            if c != 0x2C:  # ','
                raise InputError(f"invalid JSON after HAR entry {index - 1} at byte {b.offset + b.pos}")
            b.pos += 1
            b.skip_ws()
        start = b.offset + b.pos  # in the file: b.buf moves as it is filled
        how = _MISSED
        # A file whose entries keep ending otherwise than the last one taught (no layout of a
        # HAR writer) would have the horizon searched for each: then parse them the windowed way.
        if marker is not None and misses <= hits + 8:
            how, value = _cut_value(b, *marker, max(_HORIZON, 2 * window))
            if how == _MISSED:
                misses += 1
            else:
                hits += 1
            if how == _BEFORE_MARKER:
                # The next entry starts otherwise than this one did: a marker still taught by an
                # entry with a rare first key would make every cut overshoot to the next such.
                marker = _learn_marker(b, start - b.offset)
        if how == _MISSED:
            value, window = _next_value(b, index, window)
            size = b.offset + b.pos - start
            window = max(_MIN_WINDOW, size * 3 // 2, window // 2)
            marker = _learn_marker(b, start - b.offset)
        yield value
        index += 1
    rest = b.buf[b.pos :]
    while not b.eof:
        chunk = b.stream.read(_READ)
        if not chunk:
            break
        rest += chunk
        if len(rest) > _PREFIX_LIMIT:
            raise InputError("unexpected data after the HAR entries")
    try:
        skeleton = orjson.loads(prefix + b"[]" + rest)
    except orjson.JSONDecodeError as e:
        raise InputError(f"invalid JSON around the HAR entries ({e.msg})") from None
    if not isinstance(skeleton, dict) or not isinstance(skeleton.get("log"), dict):
        raise InputError("not a HAR file: no log object")


def _entries_in_memory(b: _Buffer) -> Iterator[Any]:
    b.fill(1 << 62)
    try:
        doc = orjson.loads(b.buf)
    except orjson.JSONDecodeError as e:
        raise InputError(f"invalid JSON ({e.msg} at byte {e.pos})") from None
    yield from entries_of(doc)


def entries_of(doc: Any) -> list[Any]:
    log = doc.get("log") if isinstance(doc, dict) else None
    if not isinstance(log, dict):
        raise InputError("not a HAR file: log is not an object")
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise InputError("not a HAR file: log.entries is not a list")
    return entries


def _headers(items: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(items, list):
        for h in items:
            if isinstance(h, dict) and isinstance(h.get("name"), str):
                value = h.get("value")
                out[h["name"].lower()] = value if isinstance(value, str) else str(value)
    return out


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v


def content_bytes(content: Any) -> tuple[bytes | None, bool]:
    """The response body as recorded, and whether one was recorded at all.

    Polly.JS stores ``text`` as a JSON array of base64 chunks; others plain base64 or text.
    """
    if not isinstance(content, dict):
        return None, False
    text = content.get("text")
    size = content.get("size")
    if not isinstance(text, str):
        return None, False
    if text == "" and isinstance(size, int) and size > 0:
        return None, False
    if content.get("encoding") == "base64":
        import base64  # off start-up: a folder of SSE dumps never needs it

        try:
            if text.startswith("["):
                chunks = orjson.loads(text)
                if isinstance(chunks, list) and all(isinstance(c, str) for c in chunks):
                    return b"".join(base64.b64decode(c) for c in chunks), True
            return base64.b64decode(text), True
        except (binascii.Error, ValueError, orjson.JSONDecodeError):
            return text.encode("utf-8", "surrogatepass"), True
    return text.encode("utf-8", "surrogatepass"), True


def exchange_from_entry(entry: Any, source: str, index: int) -> Exchange | str:
    """An Exchange, or the reason the entry cannot be one."""
    pair = request_and_response(entry, "entry")
    if isinstance(pair, str):
        return pair
    req, resp = pair
    url = req.get("url") if isinstance(req.get("url"), str) else None
    host, path = host_and_path(url)
    req_headers = _headers(req.get("headers"))
    resp_headers = _headers(resp.get("headers"))
    post = req.get("postData")
    req_body = None
    if isinstance(post, dict) and isinstance(post.get("text"), str):
        req_body = post["text"]
    body, recorded = content_bytes(resp.get("content"))
    status = resp.get("status")
    status = status if isinstance(status, int) and not isinstance(status, bool) and status > 0 else None
    raw_timings = entry.get("timings")
    timings: dict[str, Any] = raw_timings if isinstance(raw_timings, dict) else {}
    ttft: float | None = None
    parts_ms = [_num(timings.get(k)) for k in ("blocked", "dns", "connect", "send", "wait")]
    present = [p for p in parts_ms if p is not None and p >= 0]
    if present:
        ttft = float(sum(present))
    receive = _num(timings.get("receive"))
    method = req.get("method")
    return Exchange(
        source=source,
        entry=index,
        method=method.upper() if isinstance(method, str) else None,
        url=url,
        host=host,
        path=path,
        status=status,
        status_text=resp.get("statusText") if isinstance(resp.get("statusText"), str) else None,
        request_headers=req_headers,
        request_body=req_body,
        response_headers=resp_headers,
        response_body=body,
        content_encoding=resp_headers.get("content-encoding"),
        body_recorded=recorded,
        started=stamp_of(entry.get("startedDateTime")),
        duration_ms=_num(entry.get("time")),
        ttft_ms=ttft,
        receive_ms=receive,
        context=True,
    )


def sniff_har(head: Head) -> bool:
    return head.is_text and _HAR_START.match(head.stripped) is not None


def read_har(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    return _items_of_entries(iter_har_entries(stream), reading)  # type: ignore[arg-type]


def read_har_document(doc: Any, data: bytes, reading: Reading) -> Iterable[Record | Skipped] | None:
    if isinstance(doc, dict) and "log" in doc:
        return _items_of_entries(iter(entries_of(doc)), reading)
    return None


def _items_of_entries(entries: Iterator[Any], reading: Reading) -> Iterator[Record | Skipped]:
    """One record per LLM call; every other entry is skipped with its reason."""
    source = reading.source
    return items_of_exchanges(
        (exchange_from_entry(entry, source, index) for index, entry in enumerate(entries)), reading
    )
