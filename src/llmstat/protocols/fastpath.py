"""The fast path for streamed bodies: parse only the events that can change a result.

A streamed response is mostly events that change nothing but the count of objects (text and
argument deltas); a few carry usage, ids, errors or end the response. This module finds those
few with bytes-level search, parses them, and counts the others in bulk. Its results are the
reference path's (``sources.records.states_from_chunks``: ``SSEDecoder`` + ``ResponseAssembler`` over
every event), field for field; the property tests hold it to that.

Why it can be exact:

* **Boundaries.** Input is cut only just after a blank line (``\\n\\n``). There a fresh
  decoder is in the state of one that read everything before (no pending line or data, event
  name reset; the last ``id:`` is kept by the decoder but never used), so any stretch between
  two boundaries can be handed to the reference path, and is whenever the fast path is unsure:
  CR-only line ends, other dialects, unexpected lines, a state it does not know. A stream whose
  first line ends with CRLF is cut at CRLF blank lines (a boundary whatever other line ends
  there are), a run of its blocks counted only when it holds no CR and no LF but those of
  CRLFs, the others read as SSE reads them; in a stream whose first line ends with an LF,
  CRLFs are read as LFs. A stream that starts with bare JSON (NDJSON, Ollama's) is cut after
  every line instead, as long as every line is bare JSON or empty (``_bare_lines``): the
  decoder reads each such line as an event of its own and holds nothing after it.
* **Needles.** For each dialect family, the quoted keys whose presence could change the result
  (``"usage"``, ``"error"``, ``"response"``, ...). A quoted key can only occur as a whole JSON
  string, so no event holding one is missed; each such event is parsed and fed to the
  assembler. They are found by counting (SIMD, StringZilla) the forms JSON writers use
  (``_key_positions``).
* **Runs.** Between those events, a run of blocks is checked against a template: the bytes its
  first block starts with (its ``event:`` line, ``data: ``, and the JSON up to and including the
  ``"type"`` value, up to ``"choices"`` for chat chunks, up to the model's name for Ollama's
  lines). With ``k`` matches of the template ``t`` (which starts with the separator),
  ``count("\\n") == k * lines(t)`` over the run holds only when every block of the run is
  exactly that event line and one data line starting with the template: one event each, of a
  type whose feeder changes nothing but the count (no needle inside). Those ``k`` events are
  counted with ``ResponseAssembler.skip``.
* **Tails.** Where the keys that tie a chunk to its response come last (llama-server's chat
  chunks, Gemini's), the template also holds the bytes the block's one line ends with, from the
  comma before the first of those keys (``templates.closing_template``). ``k`` heads, ``k``
  tails (each ending with the separator) and ``2k`` newlines over a run: every newline belongs
  to a tail, so each block is one line, starting with the head and ending with the tail.
* **Overwritten keys.** Gemini's usageMetadata is cumulative and taken whole by its feeder:
  of a run of admitted blocks, only the last is parsed and fed, when it holds the key as an
  object (the others' values would all be overwritten by it); else every block is fed.

Families: the dialects whose module declares a ``FastPathSpec`` (``protocols.dialect``), one
family per spec: its needles, templates and benign values sit beside the feeder that reads
those keys. Dialects without one go through the reference path.
tests/test_fastpath_keys.py records which keys each feeder reads and fails when one is not
in its spec; tests/test_fastpath_fixtures.py holds both paths to each other on real recordings.
``LLMSTAT_REFERENCE_PATH=1`` makes the readers take the reference path (``sources.records``).

What is taken on trust: that an event skipped this way is well-formed JSON without a repeated
key. A corrupt event in the middle of a stream (not at its end: the last, unterminated event
always goes through the reference path) would give the reference path a "not JSON" warning the
fast path does not raise; tokens, ids and response boundaries are the same either way.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping

import orjson
import stringzilla as sz

from llmstat.dataclass import dataclass
from llmstat.framing.sse import SSEDecoder
from llmstat.protocols.assembler import ResponseAssembler
from llmstat.protocols.dialect import FastPathSpec
from llmstat.protocols.registry import BOUNDARIES, DIALECTS
from llmstat.protocols.state import UsageState
from llmstat.protocols.templates import event_and_data

# SIMD substring search and counting, several times faster than bytes.find/count and a regex
_count: Callable[[bytes, bytes, int, int], int] = sz.count
_find: Callable[[bytes, bytes, int, int], int] = sz.find
_count_overlapping: Callable[[bytes, bytes, int, int, bool], int] = sz.count

_BOM = b"\xef\xbb\xbf"
_SEP = b"\n\n"
_SEP_CRLF = b"\r\n\r\n"
_BARE_JSON = re.compile(rb"[ \t\n]*[\[{]")
# An event longer than this without a blank line in sight: let the reference path stream it.
_MAX_TAIL = 32 << 20


@dataclass(frozen=True, slots=True)
class _Family:
    """Dialects sharing one fast-path spec: their no-op events, and how to find the others."""

    apis: frozenset[str]
    # the quoted keys whose presence (as a key) can make an event matter to the family
    keys: tuple[bytes, ...]
    # (block) -> the spec's template: a head, or a head and a tail (``FastPathSpec.template``)
    template: Callable[[bytes], bytes | tuple[bytes, bytes] | None]
    per_response: bool
    benign: Mapping[bytes, tuple[bytes, bytes]]
    # keys whose object value overwrites whole what an earlier one set: of a run of no-op
    # blocks, the last is fed (when it holds them all) and the others counted
    overwritten: tuple[str, ...]

    @property
    def last_fed(self) -> bool:
        return bool(self.overwritten)


# What a no-op block starts with, the separator that ends the block before included, and
# what its one line ends with, the separator after included (b"" when only the head is known).
Template = tuple[bytes, bytes]


def _template_of(family: _Family, block: bytes, sep: bytes) -> Template | None:
    crlf = sep == _SEP_CRLF
    if crlf:
        block = block.replace(b"\r\n", b"\n")
        if b"\r" in block:
            return None  # a lone CR: the block is not one line, as the template says
    t = family.template(block)
    if t is None:
        return None
    head, tail = (t, b"") if isinstance(t, bytes) else t
    if crlf:
        head, tail = head.replace(b"\n", b"\r\n"), tail.replace(b"\n", b"\r\n")
    return sep + head, tail + sep if tail else b""


# what the assembler itself reads from every object, whatever its dialect
_ASSEMBLER_KEYS = ("error",)


def _quoted(key: str) -> bytes:
    return orjson.dumps(key)


def _family_of(spec: FastPathSpec, apis: Iterable[str]) -> _Family:
    """The spec's needles, the assembler's, and those of every boundary rule (each is tried
    on every object) unless the template pins them."""
    boundary = [k for rule in BOUNDARIES for k in rule.keys if k not in spec.pinned]
    within = [k for nested in spec.needles_within.values() for k in nested]
    keys = dict.fromkeys((*spec.needles, *within, *_ASSEMBLER_KEYS, *boundary))
    return _Family(
        frozenset(apis),
        tuple(_quoted(k) for k in keys),
        spec.template,
        spec.per_response,
        {_quoted(k): v for k, v in spec.benign.items()},
        spec.overwritten,
    )


def _families() -> dict[str, _Family]:
    specs: dict[int, tuple[FastPathSpec, list[str]]] = {}
    for d in DIALECTS:
        if d.fast_path is not None:
            specs.setdefault(id(d.fast_path), (d.fast_path, []))[1].append(d.name)
    families = [_family_of(spec, apis) for spec, apis in specs.values()]
    return {api: fam for fam in families for api in fam.apis}


_FAMILIES = _families()


_COLON = re.compile(rb"\s*:")


def _find_all(buf: bytes, needle: bytes, start: int, end: int, most: int = -1) -> list[int]:
    """Where ``needle`` occurs, as a non-overlapping count counts them; with ``most``, the
    search stops once it has found that many."""
    out = []
    p = _find(buf, needle, start, end)
    while p >= 0:
        out.append(p)
        if len(out) == most:
            break
        p = _find(buf, needle, p + len(needle), end)
    return out


# Up to this many occurrences of a key, or one per 8 KiB, are looked at one by one (one more
# pass over the buffer, then about as long again for each 8 KiB); more (a chat chunk's
# "usage":null in every event) are accounted for by counting their forms. In a buffer of a
# few KiB a pass costs less than looking at one occurrence: there, more than one per KiB
# (at least 4) are counted.
_FEW = 64
# up to this many occurrences are found by searching alone
_FIRST = 16


@functools.cache
def _key_regex(key: bytes, benign: bytes | None) -> re.Pattern[bytes]:
    return re.compile(re.escape(key) + rb"\s*:" + (b"" if benign is None else rb"(?!\s*" + benign + b")"))


@functools.cache
def _value_regex(value: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"\s*" + value)


def _key_positions(
    buf: bytes, key: bytes, start: int, end: int, values: tuple[bytes, bytes] | None
) -> list[int]:
    """Where ``key`` (a quoted string) occurs as a key in ``buf[start:end]``; with ``values``
    (a benign value and the usual other one), only where its value is not the benign one.

    Every pass over the buffer costs about the same, so: a few occurrences are found and each
    looked at; many are accounted for by counting the forms compact JSON writes (``"k":null``
    and ``"k":{``), then those ``json.dumps`` writes (blanks) and a value's (``"k",`` ``"k"}``
    ``"k"]``), and searched for with a regex only when the counts still do not add up."""
    # Most keys occur a few times or not at all: found in one pass, not counted first and
    # then found (a second pass); past a few, the rest are counted.
    first = _find_all(buf, key, start, end, _FIRST + 1)
    if len(first) <= _FIRST:
        return _keyed(buf, key, first, values)
    n = _FIRST + _count(buf, key, first[-1], end)
    if n > max(min(_FEW, max(4, (end - start) >> 10)), (end - start) >> 13):
        benign = None if values is None else values[0]
        keyed = key + b":"
        nulls, hits = 0, []
        if values is not None:
            nulls = _count(buf, keyed + values[0], start, end)
            if nulls == n:
                return []
            hits = _find_all(buf, keyed + values[1], start, end)
            if nulls + len(hits) == n:
                return hits
        k = _count(buf, keyed, start, end)
        if k == n or _values(buf, key, start, end, n - k):
            # every occurrence is "k": or a value
            if values is None:
                return _find_all(buf, keyed, start, end)
            if nulls + len(hits) == k:
                return hits  # every "k": is in the compact forms counted above
            spaced = keyed + b" "
            nulls += _count(buf, spaced + values[0], start, end)
            if nulls + len(hits) == k:
                return hits
            more = _find_all(buf, spaced + values[1], start, end)
            if nulls + len(hits) + len(more) == k:
                return sorted(hits + more)
        # many, in forms the counts do not account for: a regex, which at least scans in C
        return [m.start() for m in _key_regex(key, benign).finditer(buf, start, end)]
    return _keyed(buf, key, first + _find_all(buf, key, first[-1] + len(key), end), values)


def _keyed(buf: bytes, key: bytes, found: list[int], values: tuple[bytes, bytes] | None) -> list[int]:
    """Of the occurrences ``found`` of ``key``, those that are a key (a colon follows) whose
    value is not the benign one."""
    benign = None if values is None else values[0]
    return [
        p
        for p in found
        if (m := _COLON.match(buf, p + len(key))) is not None
        and (benign is None or not _value_regex(benign).match(buf, m.end()))
    ]


def _values(buf: bytes, key: bytes, start: int, end: int, m: int) -> bool:
    """``m`` occurrences of ``key`` in buf[start:end] are values (followed by ``,`` ``}`` or
    ``]``): the forms are counted until they add up, most often after the first."""
    for c in (b",", b"}", b"]"):
        m -= _count(buf, key + c, start, end)
        if m <= 0:
            return m == 0
    return False


def _needles(buf: bytes, start: int, end: int, family: _Family) -> list[int]:
    """Where, in ``buf[start:end]``, an event holds one of the keys that matter to the family."""
    hits: list[int] = []
    for key in family.keys:
        first = _find(buf, key, start, end)
        if first >= 0:  # (most keys are in no buffer: one search, no more)
            hits += _key_positions(buf, key, first, end, family.benign.get(key))
    hits.sort()
    return hits


def _bare_lines(buf: bytes, end: int) -> int | None:
    """The count of newlines in ``buf`` when every line of ``buf[:end]`` (which ends one, and
    the last newline of ``buf``) is bare JSON or empty, else None: the lines the reference
    path reads as events of their own, leaving nothing pending after each."""
    if buf[:1] not in (b"{", b"[", b"\n"):
        return None
    newlines = _count(buf, b"\n", 0, end)
    lines = newlines - 1  # those a line starts after, before ``end``
    starts = _count(buf, b"\n{", 0, end)
    if starts == lines:  # every line an object (Ollama's): two passes, not four
        return newlines
    starts += _count(buf, b"\n[", 0, end)
    blanks = _count_overlapping(buf, b"\n\n", 0, end, True)  # each empty line once
    return newlines if starts + blanks == lines else None


class FastStream:
    """Feed bytes, then ``close()`` for the UsageStates: ``states_from_chunks``, only faster."""

    def __init__(self, api_hint: str | None = None, split: bool = True) -> None:
        self._asm = ResponseAssembler(api_hint, split)
        self._tail = b""
        self._begun = False  # the BOM check is done
        self._slow: SSEDecoder | None = None  # set once the rest goes through the reference path
        self._family: _Family | None = None
        self._held: Template | None = None  # the template of the response under way (per_response)
        self._owner: UsageState | None = None  # ... that response
        self._seen: tuple[object, ...] = ()  # ... and its id, model and chunk id just after
        # what ends a block: a blank line (SSE), or each line (NDJSON, bare JSON lines)
        self._sep = _SEP
        self._ndjson = False
        # CRLF line ends (Gemini's, sse-starlette's): the buffer is searched as it is, the
        # blocks read or fed are LF'd one by one; None until the first line end is seen
        self._crlf: bool | None = None
        # the buffer being scanned and its count of newlines, when a check counted them: a run
        # over most of it counts those outside the run instead (one pass less)
        self._newlines: tuple[bytes, int] | None = None

    # -- input ---------------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        if self._slow is not None:
            self._feed_slow(chunk)
            return
        data = self._tail + chunk if self._tail else chunk
        if not self._begun:
            if len(data) < 3 and _BOM.startswith(data):
                self._tail = data
                return
            self._begun = True
            if data.startswith(_BOM):
                data = data[3:]
            if data[:1] in (b"{", b"["):
                self._sep, self._ndjson = b"\n", True
            elif _BARE_JSON.match(data):
                self._to_slow(data)  # blanks before bare JSON: the reference path's business
                return
        if self._crlf is None and not self._ndjson and (nl := data.find(b"\n")) >= 0:
            # The first line end says how blocks end. CRLF ones are cut at CRLF blank lines, each
            # a boundary whatever the other line ends; a run of blocks is then checked for lone
            # CRs and LFs where it is counted (``_run``), a block fed for real is read as SSE
            # reads it (``_feed_ref``).
            self._crlf = data[nl - 1 : nl] == b"\r"
            if self._crlf:
                self._sep = _SEP_CRLF
        if not self._crlf and b"\r" in data:
            # CRLF line ends (sse-starlette's, so llama-cpp-python's) are LF ones to SSE, and a
            # CR is never inside a line: read as LF. A CR at the very end waits for the next
            # chunk, which may start with its LF. Lone CRs go the reference way.
            crs = _count(data, b"\r", 0, len(data)) - data.endswith(b"\r")
            if crs != _count(data, b"\r\n", 0, len(data)):
                self._to_slow(data)
                return
            data = data.replace(b"\r\n", b"\n")
        sep = self._sep
        cut = data.rfind(sep)
        if cut < 0:
            self._tail = data
            if len(data) > _MAX_TAIL:
                self._to_slow(data)
            return
        end = cut + len(sep)
        newlines = None
        if self._ndjson and (newlines := _bare_lines(data, end)) is None:
            self._to_slow(data)
            return
        self._tail = data[end:]
        self._newlines = None if newlines is None else (data, newlines)
        self._scan(data, end)
        self._newlines = None

    def close(self) -> list[UsageState]:
        if self._slow is None:
            if not self._tail:
                return self._asm.close()
            self._to_slow(self._tail)
        assert self._slow is not None
        for ev in self._slow.close():
            self._asm.feed_data(ev.data, ev.event)
        return self._asm.close()

    def _to_slow(self, data: bytes) -> None:
        self._tail = b""
        self._slow = SSEDecoder(started=True)
        self._feed_slow(data)

    def _feed_slow(self, data: bytes) -> None:
        assert self._slow is not None
        for ev in self._slow.feed(data):
            self._asm.feed_data(ev.data, ev.event)

    # -- one buffer of whole blocks --------------------------------------------------------------

    def _feed_ref(self, block: bytes) -> None:
        """The reference path over one or more whole blocks."""
        if self._crlf:
            block = block.replace(b"\r\n", b"\n")
            if b"\r" in block:  # a lone CR ends a line too: the decoder's business
                self._feed_decoded(block)
                return
        if self._ndjson:  # bare JSON lines (``_bare_lines``) and empty ones, which change nothing
            for line in block.split(b"\n"):
                if line:
                    self._asm.feed_data(line, "message")
            return
        span = event_and_data(block)
        if span is not None and block[span[0] + 5 : span[0] + 6] in (b" ", b"{"):
            # the canonical shapes, read exactly as SSEDecoder reads them
            d0, d1 = span
            data = block[d0 + 6 : d1] if block[d0 + 5] == 0x20 else block[d0 + 5 : d1]
            event = "message"
            if d0:
                name = block[6 : d0 - 1]
                if name[:1] == b" ":
                    name = name[1:]
                event = name.decode("utf-8", "replace") or "message"
            self._asm.feed_data(data, event)
            return
        self._feed_decoded(block)

    def _feed_decoded(self, block: bytes) -> None:
        dec = SSEDecoder(started=True)
        for ev in dec.feed(block) + dec.close():
            self._asm.feed_data(ev.data, ev.event)

    def _block(self, block: bytes) -> None:
        """Feed one block for real; its template then holds for its response (chat, Ollama)."""
        self._feed_ref(block)
        self._learn(block)

    def _learn(self, block: bytes) -> None:
        """After ``block`` was fed: its template holds for the rest of its response (chat, Ollama)."""
        family = self._family
        cur = self._asm.current
        if (
            family is not None
            and family.per_response
            and cur is not None
            and cur.api in family.apis
            and not cur.terminated  # ([DONE] read): no no-op of its response is to come
        ):
            known = self._held
            if (
                known is not None
                and cur is self._owner
                and block.startswith(known[0][len(self._sep) :])
                and block.endswith(known[1])
            ):
                if (cur.id, cur.model, cur.last_chunk_id) == self._seen:
                    return  # the same template, and the response is as it left it
            tmpl = _template_of(family, block, self._sep)
            if tmpl is not None:
                self._held = tmpl
                self._owner = cur
                self._seen = (cur.id, cur.model, cur.last_chunk_id)

    def _template_at(self, buf: bytes, start: int, end: int) -> Template | None:
        """The template of the block buf[start:end] when that block is a no-op now, else None."""
        cur = self._asm.current
        family = self._family
        if cur is None or family is None or cur.api not in family.apis:
            return None
        if family.per_response:
            tmpl = self._held
            if (
                tmpl is not None
                and cur is self._owner
                and (cur.id, cur.model, cur.last_chunk_id) == self._seen
                and _fits(buf, start, end, tmpl, len(self._sep))
            ):
                return tmpl
            return None
        return _template_of(family, buf[start:end], self._sep)

    def _scan(self, buf: bytes, end: int) -> None:
        asm = self._asm
        # The first block is read for real: it may start the stream, and runs are only checked
        # from a boundary inside the buffer. A response must be under way, of a dialect with a
        # fast path, before anything is skipped; a dump may change dialect between responses.
        sep, w = self._sep, len(self._sep)
        # each family's needles, found once for the rest of the buffer: a dump whose responses
        # change dialect comes back to a family many times
        needles: dict[int, list[int]] = {}
        pos = 0
        while pos < end:
            cur = asm.current
            family = None if pos == 0 or cur is None else _FAMILIES.get(cur.api)
            if family is None:
                at = buf.find(sep, pos, end)
                nxt = end if at < 0 else at + w  # a stray newline left before ``end``
                block = buf[pos:nxt]
                self._feed_ref(block)
                pos = nxt
                cur = asm.current
                if cur is not None and cur.api in _FAMILIES:
                    self._family = _FAMILIES[cur.api]
                    self._learn(block)
                continue
            self._family = family
            found = needles.get(id(family))
            if found is None:
                found = needles[id(family)] = _needles(buf, pos, end, family)
            pos = self._scan_family(buf, pos, end, family, found)

    def _scan_family(self, buf: bytes, pos: int, end: int, family: _Family, needles: list[int]) -> int:
        """Needles (in order; those before ``pos`` are passed over) and runs of one family from
        ``pos``; returns where a response of another dialect starts, or ``end``."""
        # Bytes that failed run checks may scan before runs are walked block by block instead.
        budget = 4 * (end - pos)
        sep, w = self._sep, len(self._sep)
        for p in needles[bisect.bisect_left(needles, pos) :]:
            if p < pos:
                continue  # in the block just fed
            r = buf.rfind(sep, pos, p)
            s = r + w if r >= 0 else pos
            e = buf.find(sep, p, end) + w
            if s > pos:
                pos, budget = self._run(buf, pos, s, budget)
                if pos < s:
                    return pos
            # fed, but not learned from: a block holding a key that matters (usage, an id, an
            # error) is no template for the no-ops after it, and where its feed changed the
            # response's id, model or chunk id the template held before no longer applies
            self._feed_ref(buf[s:e])
            pos = e
            if self._left_family():
                return pos
        if pos < end:
            pos, budget = self._run(buf, pos, end, budget)
        return pos

    def _left_family(self) -> bool:
        cur = self._asm.current
        return cur is not None and self._family is not None and cur.api not in self._family.apis

    def _run(self, buf: bytes, pos: int, end: int, budget: int) -> tuple[int, int]:
        """Blocks buf[pos:end] hold no needle: count the no-ops, feed the rest. Returns where it
        stopped (before ``end`` when a response of another dialect starts) and the budget left."""
        sep, w = self._sep, len(self._sep)
        while pos < end:
            nxt = buf.find(sep, pos, end) + w
            if nxt < w:  # a stray blank line at the end of the stretch
                self._feed_ref(buf[pos:end])
                return end, budget
            tmpl = self._template_at(buf, pos, nxt)
            if tmpl is None:
                self._block(buf[pos:nxt])
                pos = nxt
                if self._left_family():
                    return pos, budget
                continue
            head, tail = tmpl
            if nxt >= end or not buf.startswith(head, nxt - w):
                self._skip(buf, pos, nxt, 1)  # a lone no-op (a block start, a ping, an .added event)
                pos = nxt
                continue
            # A run of blocks starting with ``head``. No-ops of other kinds usually close it
            # (a block's stop, the .done events): walk those back from the end.
            stop = end
            trailing = 0
            while stop > nxt:
                s = buf.rfind(sep, nxt - w, stop - w) + w
                if buf.startswith(head, s - w):
                    break
                if self._template_at(buf, s, stop) is None:
                    stop = s  # to be read after the run, in order
                    trailing = 0
                    break
                trailing += 1
                stop = s
            lines = head.count(b"\n")
            if budget > 0:
                k = _count(buf, head, pos - w, stop)
                if self._counted(buf, pos, stop, k, lines, tail):
                    upto = end if trailing else stop
                    self._skip(buf, pos, upto, k + trailing)
                    pos = upto
                    continue
                budget -= 3 * (stop - pos)
                # Other blocks inside the run: it ends at the first block the template misses.
                other = re.compile(re.escape(sep) + b"(?!" + re.escape(head[w:]) + b")")
                miss = other.search(buf, pos - w, stop)
                upto = miss.start() + w if miss is not None else stop
                k = _count(buf, head, pos - w, upto)
                if k and self._counted(buf, pos, upto, k, lines, tail):
                    self._skip(buf, pos, upto, k)
                    pos = upto
                    continue
            # Walk the run block by block.
            k = 0
            at = pos
            while at < stop:
                q = buf.find(sep, at, stop) + w
                if q < w or not _fits(buf, at, q, tmpl, w):
                    break
                k += 1
                at = q
            if k:
                self._skip(buf, pos, at, k)
                pos = at
            else:
                self._block(buf[pos:nxt])
                pos = nxt
                if self._left_family():
                    return pos, budget
        return end, budget

    def _counted(self, buf: bytes, start: int, end: int, k: int, lines: int, tail: bytes) -> bool:
        """The ``k`` blocks of buf[start:end] that start with the head (``lines`` line ends
        each) are all of them, each a whole no-op: the line ends add up, as do the tails and,
        with CRLF line ends, the CRs."""
        return (
            k * lines == self._lines_in(buf, start, end)
            and _tails(buf, tail, start, end, k)
            and self._crs_in(buf, start, end, k * lines)
        )

    def _crs_in(self, buf: bytes, start: int, end: int, lines: int) -> bool:
        """With CRLF line ends: buf[start:end] holds as many CRs as it has line ends. Its blocks
        each start with the head and end with the separator, their ``lines`` line ends all LFs
        (counted): those CRLFs are distinct, so no CR and no LF is left alone."""
        return not self._crlf or _count(buf, b"\r", start, end) == lines

    def _lines_in(self, buf: bytes, start: int, end: int) -> int:
        """The count of newlines in buf[start:end], by counting those outside it when that is
        the shorter pass and the whole buffer's count is known."""
        known = self._newlines
        if known is not None and known[0] is buf and 2 * (end - start) > len(buf):
            return known[1] - _count(buf, b"\n", 0, start) - _count(buf, b"\n", end, len(buf))
        return _count(buf, b"\n", start, end)

    def _skip(self, buf: bytes, start: int, end: int, n: int) -> None:
        """Count the ``n`` no-op blocks of buf[start:end]. In a family whose runs are fed their
        last block (cumulative usage), that block is parsed and fed instead when it overwrites
        what the others would have set; else every block is fed."""
        family = self._family
        if family is None or not family.last_fed:
            self._asm.skip(n)
            return
        sep, w = self._sep, len(self._sep)
        last = buf.rfind(sep, max(0, start - w), end - w) + w
        obj = _last_object(buf[last:end], family)
        if obj is None:
            at = start
            while at < end:
                nxt = buf.find(sep, at, end) + w
                self._feed_ref(buf[at:nxt])
                at = nxt
            return
        if n > 1:
            self._asm.skip(n - 1)
        self._asm.feed_object(obj)


def _fits(buf: bytes, start: int, end: int, tmpl: Template, w: int) -> bool:
    """The block buf[start:end] has the template's head, its tail and its count of lines."""
    head, tail = tmpl
    return (
        buf.startswith(head, start - w)
        and (not tail or (end - start >= len(head) - w + len(tail) and buf.startswith(tail, end - len(tail))))
        and buf.count(b"\n", start, end) == head.count(b"\n")
        and buf.count(b"\r", start, end) == head.count(b"\r")  # with CRLF line ends, none alone
    )


def _tails(buf: bytes, tail: bytes, start: int, end: int, k: int) -> bool:
    """With a tail: it ends ``k`` blocks of buf[start:end], so that, each holding all of its
    lines, every one of the ``k`` blocks has a single line that ends with the tail."""
    return not tail or _count(buf, tail, start, end) == k


def _last_object(block: bytes, family: _Family) -> dict[str, object] | None:
    """The JSON object of a run's last block (one ``data:`` line, no event name), when each
    key whose value overwrites earlier ones' holds an object in it, else None."""
    if not block.startswith(b"data:"):
        return None
    try:
        obj = orjson.loads(block[5:])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or not all(isinstance(obj.get(k), dict) for k in family.overwritten):
        return None
    return obj


def states_from_stream(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
    """SSE or NDJSON fed chunk by chunk, the fast way; the same states as ``states_from_chunks``."""
    stream = FastStream(api_hint, split)
    for chunk in chunks:
        stream.feed(chunk)
    return stream.close()
