"""Exchange -> Records: undo the body's encoding, frame it, detect the dialect, fold the usage."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import orjson

from llmstat.errors import InputError, NotARecording
from llmstat.exchange import Exchange
from llmstat.framing.body import SSE_LINE as _SSE_LINE
from llmstat.framing.body import frame_of, parse_http_head
from llmstat.framing.encoding import DEFAULT_BODY_CAP, decode_content, sniff_compressed
from llmstat.framing.eventstream import EventStreamError, Message, inner_event, iter_messages
from llmstat.framing.sse import SSEDecoder
from llmstat.lazy_regex import compile_later
from llmstat.protocols import DIALECTS, UNKNOWN, UsageState, api_from_object, api_from_path
from llmstat.protocols.assembler import ResponseAssembler
from llmstat.protocols.fastpath import states_from_stream
from llmstat.protocols.noninference import not_inference_body, not_inference_path
from llmstat.protocols.ratelimit import ratelimit_of, with_body_retry
from llmstat.protocols.registry import BY_NAME, apply_host_rules
from llmstat.protocols.state import error_message
from llmstat.record import Record, Skipped

_WS = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


class UnknownFormat(NotARecording):
    """A bare body that is no format llmstat reads; the pipeline names the formats it knows."""


class NotInference(Exception):
    """The exchange is a token count, embeddings or a reranking: skipped, never a record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def items_from_exchange(ex: Exchange, cap: int = DEFAULT_BODY_CAP) -> list[Record | Skipped]:
    """The exchange's records, or one ``skipped`` entry when it is no inference."""
    try:
        return list(records_from_exchange(ex, cap))
    except NotInference as e:
        return [Skipped(ex.source, ex.entry, e.reason)]


def states_from_chunks(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
    """SSE or NDJSON, fed chunk by chunk: memory stays bounded by the longest event.

    The reference path: every event is decoded and parsed. ``fastpath.states_from_stream``
    gives the same states faster and is what the readers call; this one is what it is tested
    against.
    """
    decoder = SSEDecoder()
    asm = ResponseAssembler(api_hint, split)
    for chunk in chunks:
        for ev in decoder.feed(chunk):
            asm.feed_data(ev.data, ev.event)
    for ev in decoder.close():
        asm.feed_data(ev.data, ev.event)
    return asm.close()


# For bug reports and the bench: every stream read event by event, as the fast path is tested against.
REFERENCE_PATH_ENV = "LLMSTAT_REFERENCE_PATH"


def states_of_stream(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
    """A streamed body's states: the fast path's, or the reference path's when the environment asks."""
    if os.environ.get(REFERENCE_PATH_ENV) == "1":
        return states_from_chunks(chunks, api_hint, split)
    return states_from_stream(chunks, api_hint, split)


def _array_stream_api(items: list[Any], api_hint: str | None) -> str | None:
    """The dialect whose streams are JSON arrays of its objects (Gemini's) that this array is, if any."""
    hinted = BY_NAME.get(api_hint) if api_hint else None
    if hinted is not None and hinted.array_stream:
        return hinted.name
    if items and all(isinstance(i, dict) for i in items):
        shaped = BY_NAME.get(api_from_object(items[0]) or "")
        if shaped is not None and shaped.array_stream:
            return shaped.name
    return None


def states_from_document(doc: Any, api_hint: str | None) -> tuple[list[UsageState], bool]:
    """A whole JSON body. Returns the states and whether it was a stream (a Gemini chunk array)."""
    if isinstance(doc, list):
        array_api = _array_stream_api(doc, api_hint)
        if array_api is not None:
            asm = ResponseAssembler(api_hint or array_api, split=False)
            for item in doc:
                asm.feed_object(item)
            return asm.close() or [UsageState(api=array_api)], True
        # llama.cpp /infill answers with an array whose last element is the response
        asm = ResponseAssembler(api_hint, split=False)
        if doc:
            asm.feed_object(doc[-1])
        states = asm.close()
        if not states:
            states = [UsageState(api=api_hint or UNKNOWN.name)]
        return states, False
    asm = ResponseAssembler(api_hint, split=False)
    asm.feed_object(doc)
    return asm.close(), False


_ERROR_KEYS = frozenset({"error", "message", "detail", "code", "type", "status", "statusCode", "param"})


def is_api_document(doc: Any) -> bool:
    """A whole JSON body that an LLM API could have answered: a dialect's object (or a list of
    them: Gemini's chunks, llama.cpp's /infill), or an error object as providers write them.

    A stray ``package.json`` or ``[1, 2, 3]`` in a folder of recordings is none of these.
    """
    if isinstance(doc, list):
        return bool(doc) and isinstance(doc[-1], dict) and api_from_object(doc[-1]) is not None
    if not isinstance(doc, dict):
        return False
    if api_from_object(doc) is not None:
        return True
    err = doc.get("error")
    if isinstance(err, dict) or (isinstance(err, str) and err):
        return True
    # {"message": ...} or FastAPI's {"detail": ...}, with nothing but error fields beside it
    return error_message(doc) is not None and doc.keys() <= _ERROR_KEYS


def request_info(ex: Exchange) -> tuple[str | None, bool | None]:
    """The model the request asked for and its own ``stream`` flag."""
    model: str | None = None
    stream: bool | None = None
    if ex.request_body:
        try:
            req = orjson.loads(ex.request_body)
        except orjson.JSONDecodeError:
            req = None
        if isinstance(req, dict):
            if isinstance(req.get("model"), str) and req["model"]:
                model = req["model"]
            if isinstance(req.get("stream"), bool):
                stream = req["stream"]
    if ex.path:
        for d in DIALECTS:
            said = d.request_of_path(ex.path) if d.request_of_path else None
            if said is not None:
                model = model or said[0]
                if said[1]:
                    stream = True
                break
    return model, stream


# Headers clients put their session in: Claude Code (newer releases), OpenAI's Codex CLI, others
_SESSION_HEADERS = ("x-claude-code-session-id", "session_id", "session-id", "x-session-id")
# Claude Code's metadata.user_id: user_<hash>_account_<uuid>_session_<uuid>
_USER_ID_SESSION_PATTERN = r'"user_id"\s*:\s*"[^"]*?_session_([0-9A-Za-z-]+)"'
_USER_ID_SESSION = compile_later(_USER_ID_SESSION_PATTERN.encode())
_USER_ID_SESSION_TEXT = compile_later(_USER_ID_SESSION_PATTERN)


def session_of(ex: Exchange) -> str | None:
    """The client's session id as the request recorded it, else None. The request body (often a
    whole conversation) is searched, not parsed."""
    for name in _SESSION_HEADERS:
        value = ex.request_headers.get(name)
        if value:
            return value
    body = ex.request_body
    # metadata.user_id is Anthropic's request field (Claude Code's session): other requests'
    # bodies, often whole conversations, are not searched
    if not body or (ex.path is not None and not ex.path.endswith("/messages")):
        return None
    if isinstance(body, str):  # a HAR's postData text: searched as it is, never encoded
        if '"user_id"' not in body:
            return None
        found = _USER_ID_SESSION_TEXT.search(body)
        return None if found is None else found.group(1)
    if b'"user_id"' not in body:
        return None
    m = _USER_ID_SESSION.search(body)
    return None if m is None else m.group(1).decode("ascii")


def status_line(status: int, reason: str | None) -> str:
    if not reason:
        from http import HTTPStatus  # for the few records without a reason phrase

        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".strip()


def states_from_event_stream(
    body: bytes, api_hint: str | None, split: bool
) -> tuple[list[UsageState], EventStreamError | None]:
    """The events of an AWS event stream, and the damage that stopped it early, if any.

    Each event is fed under its type's name, as the AWS SDKs hand it out (``{"metadata":
    {...}}``); an ``invoke-with-response-stream`` chunk is the model's own event, fed as is.
    """
    asm = ResponseAssembler(api_hint, split)
    damage: EventStreamError | None = None
    try:
        for msg in iter_messages(body):
            _feed_event_message(asm, msg)
    except EventStreamError as e:
        damage = e
    return asm.close(), damage


def _feed_event_message(asm: ResponseAssembler, msg: Message) -> None:
    if msg.is_exception:
        try:
            detail = orjson.loads(msg.payload)
        except orjson.JSONDecodeError:
            detail = None
        message = error_message(detail) or msg.event_type
        asm.feed_object({"error": {"message": message, "type": msg.event_type}}, "error")
        return
    inner = inner_event(msg.payload) if msg.event_type == "chunk" else None
    if inner is not None:
        asm.feed_data(inner)
        return
    try:
        payload = orjson.loads(msg.payload)
    except orjson.JSONDecodeError:
        asm.feed_data(msg.payload, msg.event_type)  # counted as an event that is not JSON
        return
    asm.feed_object({msg.event_type: payload}, msg.event_type)


def records_from_exchange(ex: Exchange, cap: int = DEFAULT_BODY_CAP) -> list[Record]:
    """Every exchange gives at least one record; a bare body that is no recording raises NotARecording.

    Inside a recording, a damaged AWS event stream is a warning on the records of its good
    events (a bare one is an input error: ``sources.eventstream``).
    """
    records, damage = records_and_damage(ex, cap)
    if damage is not None:
        for r in records:
            r.warnings.append(damage.message)
    return records


def records_and_damage(
    ex: Exchange, cap: int = DEFAULT_BODY_CAP
) -> tuple[list[Record], EventStreamError | None]:
    """The exchange's records, and the damage that cut its event stream short, if any.

    Raises NotInference for a token count, embeddings or a reranking.
    """
    if not_inference_path(ex.path) is not None:
        raise NotInference(f"not an LLM call: {ex.method or 'POST'} {ex.path}")  # as a HAR says it
    api_hint = api_from_path(ex.path)
    body = ex.response_body
    warnings = list(ex.warnings)
    states: list[UsageState] = []
    stream: bool | None = None
    doc: Any = None
    if body is not None and ex.content_encoding:
        try:
            body = decode_content(body, ex.content_encoding, cap)
        except InputError as e:
            if body.lstrip(_WS)[:1] not in (b"{", b"[") and not _SSE_LINE.search(body, 0, 4096):
                warnings.append(f"body could not be decoded as {ex.content_encoding}: {e.message}")
    elif body:
        try:
            body = sniff_compressed(body, cap)
        except InputError as e:
            warnings.append(f"body could not be decompressed: {e.message}")
    damage: EventStreamError | None = None
    frame = "empty" if body is None else frame_of(body)
    if frame == "http" and body is not None:
        status, reason, headers, body = parse_http_head(body)
        while status is not None and 100 <= status < 200 and frame_of(body) == "http":
            status, reason, headers, body = parse_http_head(body)  # after "100 Continue"
        if ex.status is None:
            ex = replace(ex, status=status, status_text=reason)  # the recorded one stays as read
        enc = headers.get("content-encoding")
        if enc:
            try:
                body = decode_content(body, enc, cap)
            except InputError as e:
                warnings.append(f"body could not be decoded as {enc}: {e.message}")
        frame = frame_of(body)
    if frame == "json" and body is not None:
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as e:
            if _SSE_LINE.search(body, 0, 65536) or _is_json_lines(body):
                frame = "lines"  # NDJSON, or SSE whose first line is a bare JSON object
            else:
                frame = "text"
                if not ex.context:
                    raise NotARecording(f"invalid JSON ({e.msg} at byte {e.pos})") from None
        else:
            skip = not_inference_body(doc)
            if skip is not None and api_hint is None:
                raise NotInference(skip)
            states, stream = states_from_document(doc, api_hint)
    if frame == "lines" and body is not None:
        states = states_of_stream([body], api_hint, split=ex.multi)
        stream = True
        if len(states) == 1 and states[0].objects == 1 and not states[0].terminated and _single_line(body):
            stream = False
    if frame == "eventstream" and body is not None:
        states, damage = states_from_event_stream(body, api_hint, split=ex.multi)
        stream = True
    if frame == "text" and not ex.context:
        raise UnknownFormat("no recording format recognised")
    if not states:
        states = [UsageState(api=api_hint or UNKNOWN.name)]
        if body is None:
            warnings.append("response body not recorded" if not ex.body_recorded else "no response body")
        elif frame == "empty":
            warnings.append("empty response body")
        elif frame == "text":
            warnings.append("response body is not JSON, SSE or NDJSON")
    return records_from_states(ex, states, stream, warnings, doc), damage


def records_from_states(
    ex: Exchange, states: list[UsageState], stream: bool | None, warnings: list[str], doc: Any = None
) -> list[Record]:
    # The request body (a whole conversation, often) is parsed only when it is needed.
    req_model: str | None = None
    if stream is None or any(st.model is None for st in states):
        req_model, req_stream = request_info(ex)
        if stream is None:
            stream = bool(req_stream)
    return [_record(ex, st, i, stream, req_model, warnings, doc) for i, st in enumerate(states)]


def recorded_cost_of_headers(headers: dict[str, str]) -> float | None:
    """LiteLLM's proxy says what it charged in a response header."""
    value = headers.get("x-litellm-response-cost")
    if value is None:
        return None
    try:
        usd = float(value)
    except ValueError:
        return None
    return usd if math.isfinite(usd) and usd >= 0 else None


def _is_json_lines(body: bytes) -> bool:
    """Two or more lines, the first a whole JSON value by itself (NDJSON)."""
    text = body.lstrip(_WS + _BOM)
    nl = text.find(b"\n")
    if nl < 0 or not text[nl:].strip():
        return False
    try:
        orjson.loads(text[:nl])
    except orjson.JSONDecodeError:
        return False
    return True


def _single_line(body: bytes) -> bool:
    return body.strip(_WS).count(b"\n") == 0


def _shared(text: str | None) -> str | None:
    """One string object for the values that recur record after record (a summary holds every
    record until it is built: a fifth of each one's memory was copies of these)."""
    return None if text is None else sys.intern(text)


def _record(
    ex: Exchange,
    st: UsageState,
    index: int,
    stream: bool,
    req_model: str | None,
    warnings: list[str],
    doc: Any,
) -> Record:
    rec = Record(
        source=ex.source,
        entry=ex.entry + index,
        api=api_from_path(ex.path) or st.api,
        stream=stream,
        id=st.id,
        capture_id=ex.capture_id,
        started=ex.started,
        created=st.created,
        method=_shared(ex.method),
        host=_shared(ex.host),
        path=_shared(ex.path),
        status=ex.status,
        model=_shared(st.model or req_model),
    )
    rec.session = session_of(ex)
    apply_host_rules(st, ex.host)
    rec.tokens = st.tokens
    rec.warnings = list(warnings)
    rec.warnings.extend(st.warnings)
    rec.draft = st.draft
    rec.recorded_cost_usd = st.recorded_cost
    if ex.response_headers:
        header_cost = recorded_cost_of_headers(ex.response_headers)
        if header_cost is not None:
            rec.recorded_cost_usd = header_cost
    rec.priced_parts = tuple(p for p in st.priced_parts if p.model != rec.model)
    for model in dict.fromkeys(p.model for p in rec.priced_parts):
        rec.warnings.append(f"an iteration ran on another model, priced at its own: {model}")
    rec.extras = dict(st.extras)
    rec.duration_ms = ex.duration_ms if ex.duration_ms is not None else st.duration_ms
    rec.ttft_ms = ex.ttft_ms if ex.ttft_ms is not None else st.ttft_ms
    rec.prompt_tps = st.prompt_tps
    rec.output_tps = st.output_tps
    if (
        rec.output_tps is None
        and stream
        and ex.receive_ms
        and ex.receive_ms > 0
        and st.tokens.output is not None
    ):
        rec.output_tps = st.tokens.output / (ex.receive_ms / 1000)
    rec.error = st.error
    if ex.response_headers:
        rec.ratelimit = ratelimit_of(ex.response_headers, ex.started, rec.warnings)
        # a recorded response (not a bare body, whose ratelimit stays null): Gemini's retry delay
        # is in its 429 body, not a header
        rec.ratelimit = with_body_retry(rec.ratelimit, doc, ex.started)
    if st.error is not None and stream:
        rec.warnings.append("error event inside the stream")
    failed = ex.status is not None and ex.status >= 400
    if rec.error is None and (failed or (isinstance(doc, dict) and "error" in doc)):
        rec.error = error_message(doc) if isinstance(doc, dict) else None
        if rec.error is None and failed and ex.status is not None:
            rec.error = status_line(ex.status, ex.status_text)
    if st.non_json and st.objects:
        rec.warnings.append(f"{st.non_json} event(s) whose data is not JSON were ignored")
    elif st.non_json:
        rec.warnings.append("no event data is JSON")
    dialect = BY_NAME.get(st.api)
    if not st.tokens.any_reported():
        if rec.error is not None:
            rec.warnings.append("no usage reported (error response)")
        elif st.api == UNKNOWN.name and st.objects:
            rec.warnings.append("unknown API dialect: no usage read")
        elif stream and st.objects and dialect is not None and dialect.no_usage_in_stream:
            rec.warnings.append(dialect.no_usage_in_stream)
        else:
            rec.warnings.append("no usage reported")
    elif stream and not st.terminated and ex.multi and (dialect is None or dialect.terminal_event):
        rec.warnings.append("stream ended without a terminal event (truncated?)")
    return rec
