"""The fast path against the reference path, on generated streams of every dialect.

``fastpath.states_from_stream`` must give exactly what ``normalize.states_from_chunks``
(``SSEDecoder`` + ``ResponseAssembler`` over every event) gives: every UsageState field, so
every record. The streams below are drawn with several responses appended, CRLF / CR line
ends, comments, ``id:`` lines, multi-line data, bare JSON lines, missing or extra blank lines,
usage and errors in odd places, ids that change mid-stream, and cut into random chunks.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from llmstat.exchange import Exchange
from llmstat.protocols import fastpath
from llmstat.protocols.assembler import ResponseAssembler
from llmstat.protocols.fastpath import FastStream, states_from_stream
from llmstat.sources.records import records_from_states, states_from_chunks
from tests.test_properties import split as chunks_of

# Text deltas, with the bytes the fast path searches for or cuts at mixed in.
TEXT = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "usage",
            "response",
            '"usage":{"prompt_tokens":1}',
            '"usage": null',
            "error",
            '"error"',
            "stop",
            "response",
            "data: {}",
            "event: message_stop",
            "\n\n",
            "\r",
            "}}",
            '{"type":"message_stop"}',
            "\\",
            "[DONE]",
        ]
    ),
)
COUNT = st.one_of(st.none(), st.integers(min_value=-1, max_value=5000))

Event = tuple[str | None, Any]  # (event: line or None, JSON value or raw data bytes)


def _counts(draw: st.DrawFn, *keys: str) -> dict[str, Any]:
    return {k: v for k in keys if (v := draw(COUNT)) is not None}


@st.composite
def chat_response(draw: st.DrawFn) -> list[Event]:
    head: dict[str, Any] = {
        "id": draw(st.sampled_from(["chatcmpl-a", "chatcmpl-b", "cmpl-c", ""])),
        "object": draw(st.sampled_from(["chat.completion.chunk", "text_completion"])),
        "created": 1,
        "model": draw(st.sampled_from(["gpt-4o", "m2", ""])),
    }
    if draw(st.booleans()):
        head["system_fingerprint"] = "fp_1"
    include_usage = draw(st.booleans())
    name = draw(st.sampled_from([None, None, "message", "chunk"]))
    events: list[Event] = []
    for _ in range(draw(st.integers(min_value=0, max_value=14))):
        chunk: dict[str, Any] = {
            **head,
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": draw(TEXT)},
                    "logprobs": [draw(TEXT)],
                    "finish_reason": None,
                }
            ],
        }
        if include_usage:
            chunk["usage"] = None
        odd = draw(
            st.sampled_from([None] * 10 + ["usage", "error", "timings", "metrics", "stop", "model", "id"])
        )
        if odd == "usage":
            chunk["usage"] = _counts(draw, "prompt_tokens", "completion_tokens")
        elif odd == "error":
            chunk["error"] = {"message": draw(TEXT)}
        elif odd == "timings":
            chunk["timings"] = _counts(draw, "prompt_n", "predicted_n", "cache_n") | {"predicted_ms": 9.5}
        elif odd == "metrics":
            chunk["metrics"] = {"time_to_first_token_ms": 3.5, "mean_itl_ms": 2.0}
        elif odd == "stop":
            chunk["stop"] = draw(st.booleans())
        elif odd == "model":
            chunk["model"] = "other-model"
        elif odd == "id":
            chunk["id"] = "chatcmpl-z"
        events.append((name, chunk))
    finish = {
        **head,
        "choices": [{"index": 0, "delta": {}, "finish_reason": draw(st.sampled_from(["stop", "length"]))}],
    }
    events.append((name, finish))
    if include_usage:
        usage = _counts(draw, "prompt_tokens", "completion_tokens", "total_tokens")
        if draw(st.booleans()):
            usage["prompt_tokens_details"] = {"cached_tokens": draw(COUNT)}
        events.append((name, {**head, "choices": [], "usage": usage}))
    if draw(st.booleans()):
        events.append((None, b"[DONE]"))
    return events


@st.composite
def anthropic_response(draw: st.DrawFn) -> list[Event]:
    named = draw(st.booleans())

    def ev(obj: dict[str, Any]) -> Event:
        return (obj["type"] if named else None, obj)

    usage = _counts(
        draw, "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"
    )
    msg = {
        "id": draw(st.sampled_from(["msg_1", "msg_2"])),
        "type": "message",
        "model": "claude",
        "usage": usage,
    }
    events = [ev({"type": "message_start", "message": msg})]
    for index in range(draw(st.integers(min_value=0, max_value=2))):
        events.append(
            ev({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
        )
        if draw(st.booleans()):
            events.append((("ping" if named else None), {"type": "ping"}))
        for _ in range(draw(st.integers(min_value=0, max_value=12))):
            delta: dict[str, Any] = {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": draw(TEXT)},
            }
            odd = draw(
                st.sampled_from([None] * 12 + ["usage", "error", "ping", "untyped", "type-later", "chunk"])
            )
            if odd == "chunk":  # an id and choices make any object an OpenAI-style chunk
                delta |= {"id": draw(st.sampled_from(["c1", "c2"])), "choices": []}
            elif odd == "usage":
                delta["usage"] = _counts(draw, "output_tokens")
            elif odd == "error":
                delta["error"] = "boom"
            elif odd == "ping":
                events.append((("ping" if named else None), {"type": "ping"}))
            elif odd == "untyped":
                del delta["type"]
            elif odd == "type-later":
                delta = {"index": index, **delta}
            events.append(ev(delta) if "type" in delta else ("message_stop" if named else None, delta))
        events.append(ev({"type": "content_block_stop", "index": index}))
    if draw(st.booleans()):
        events.append(ev({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
    delta_usage = _counts(draw, "output_tokens", "input_tokens")
    events.append(ev({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": delta_usage}))
    if draw(st.booleans()):
        events.append(ev({"type": "message_stop"}))
    return events


@st.composite
def responses_response(draw: st.DrawFn) -> list[Event]:
    named = draw(st.booleans())
    seq = 0

    def ev(typ: str, **body: Any) -> Event:
        nonlocal seq
        seq += 1
        return (typ if named else None, {"type": typ, "sequence_number": seq, **body})

    rid = draw(st.sampled_from(["resp_1", "resp_2"]))
    base = {"id": rid, "object": "response", "model": "gpt-5", "usage": None, "error": None}
    events = [ev("response.created", response=base), ev("response.in_progress", response=base)]
    events.append(ev("response.output_item.added", output_index=0, item={"type": "message", "id": "m"}))
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        odd = draw(st.sampled_from([None] * 12 + ["fc", "error", "response", "keepalive", "chunk"]))
        if odd == "chunk":
            events.append(
                ev(
                    "response.output_text.delta",
                    delta="y",
                    id=draw(st.sampled_from(["c1", "c2"])),
                    choices=[],
                )
            )
        elif odd == "fc":
            events.append(ev("response.function_call_arguments.delta", item_id="fc", delta=draw(TEXT)))
        elif odd == "error":
            events.append((("error" if named else None), {"type": "error", "message": draw(TEXT)}))
        elif odd == "response":
            events.append(
                ev("response.output_text.delta", delta="x", response={"id": "resp_x", "model": "m"})
            )
        elif odd == "keepalive":
            events.append(ev("keepalive"))
        else:
            events.append(ev("response.output_text.delta", item_id="m", delta=draw(TEXT), output_index=0))
    events.append(ev("response.output_text.done", text="..."))
    events.append(ev("response.output_item.done", item={"type": "message", "id": "m"}))
    end = draw(st.sampled_from(["response.completed", "response.incomplete", "response.failed", None]))
    if end is not None:
        usage = _counts(draw, "input_tokens", "output_tokens") | {
            "input_tokens_details": {"cached_tokens": 3}
        }
        events.append(ev(end, response={**base, "usage": usage}))
    return events


@st.composite
def other_response(draw: st.DrawFn) -> list[Event]:
    """Dialects the fast path leaves to the reference path, and odd objects."""
    kind = draw(st.sampled_from(["llamacpp", "gemini", "junk", "array"]))
    if kind == "llamacpp":
        chunks: list[Event] = [
            (None, {"content": draw(TEXT), "stop": False}) for _ in range(draw(st.integers(0, 5)))
        ]
        return [*chunks, (None, {"content": "", "stop": True, "timings": {"prompt_n": 3, "predicted_n": 4}})]
    if kind == "gemini":
        parts: list[Event] = [
            (
                None,
                {
                    "candidates": [{"content": {"parts": [{"text": draw(TEXT)}]}}],
                    "usageMetadata": {"promptTokenCount": 2},
                },
            )
            for _ in range(draw(st.integers(0, 4)))
        ]
        return [
            *parts,
            (None, {"candidates": [{"finishReason": "STOP"}], "usageMetadata": {"candidatesTokenCount": 5}}),
        ]
    if kind == "array":
        return [(None, [1, 2])]
    return [(None, draw(st.binary(max_size=12).filter(lambda b: b"\n" not in b and b"\r" not in b)))]


@st.composite
def llama_server_response(draw: st.DrawFn) -> list[Event]:
    """llama-server's chat chunks: ``"choices"`` first, id, model and object last, usage and
    timings on the last chunk; written compact, as its ordered_json does."""
    tail: dict[str, Any] = {
        "created": 1,
        "id": draw(st.sampled_from(["chatcmpl-a", "chatcmpl-b", ""])),
        "model": draw(st.sampled_from(["gemma3-12b", ""])),
    }
    if draw(st.booleans()):
        tail["system_fingerprint"] = "b6423-8f2a2f6b"
    obj = draw(st.sampled_from(["chat.completion.chunk", "text_completion"]))

    def chunk(choices: list[Any], **more: Any) -> dict[str, Any]:
        return {"choices": choices, **tail, "object": obj, **more}

    events: list[Event] = []
    for _ in range(draw(st.integers(min_value=0, max_value=14))):
        c = chunk([{"finish_reason": None, "index": 0, "delta": {"content": draw(TEXT)}}])
        odd = draw(
            st.sampled_from([None] * 8 + ["usage", "timings", "stop", "error", "model", "id", "order"])
        )
        if odd == "usage":
            c["usage"] = _counts(draw, "prompt_tokens", "completion_tokens")
        elif odd == "timings":
            c["timings"] = _counts(draw, "prompt_n", "predicted_n")
        elif odd == "stop":
            c["stop"] = draw(st.booleans())
        elif odd == "error":
            c["error"] = {"message": draw(TEXT)}
        elif odd in ("model", "id"):
            c[odd] = "other"
        elif odd == "order":  # the id before the choices: the other template
            c = {"id": c.pop("id"), **c}
        events.append((None, c))
    events.append((None, chunk([{"finish_reason": "stop", "index": 0, "delta": {}}])))
    if draw(st.booleans()):
        usage = _counts(draw, "prompt_tokens", "completion_tokens")
        events.append(
            (None, chunk([], usage=usage, timings=_counts(draw, "cache_n", "prompt_n", "predicted_n")))
        )
    if draw(st.booleans()):
        events.append((None, b"[DONE]"))
    return events


@st.composite
def native_response(draw: st.DrawFn) -> list[Event]:
    """llama.cpp's native /completion chunks: ``"stop":false`` on each, timings on the last."""
    events: list[Event] = []
    for i in range(draw(st.integers(min_value=0, max_value=14))):
        c: dict[str, Any] = {"index": 0, "content": draw(TEXT), "tokens": [], "stop": False, "id_slot": -1}
        c["tokens_predicted"] = i
        odd = draw(st.sampled_from([None] * 8 + ["timings", "model", "id", "usage", "stop", "error"]))
        if odd == "timings":
            c["timings"] = _counts(draw, "prompt_n", "predicted_n")
        elif odd in ("model", "id"):
            c[odd] = "m"
        elif odd == "usage":
            c["usage"] = _counts(draw, "prompt_tokens")
        elif odd == "stop":
            c["stop"] = draw(st.sampled_from([True, None, 1]))
        elif odd == "error":
            c["error"] = draw(TEXT)
        events.append((None, c))
    if draw(st.booleans()):
        last = {"index": 0, "content": "", "stop": True, "model": "gemma3-12b"}
        events.append((None, last | {"timings": _counts(draw, "prompt_n", "predicted_n", "cache_n")}))
    return events


def _gemini_json(value: Any) -> bytes:
    """Gemini's layout: a blank after each colon, none after a comma."""
    return orjson.dumps(value).replace(b'":', b'": ')


@st.composite
def gemini_response(draw: st.DrawFn) -> list[Event]:
    """Gemini ``alt=sse`` chunks: cumulative usageMetadata on each (or not), modelVersion and
    responseId last, finishReason on the last candidate."""
    model = draw(st.sampled_from(["gemini-2.5-flash", ""]))
    rid = draw(st.sampled_from(["r1", "r2", ""]))
    layout = draw(st.sampled_from([_gemini_json, _gemini_json, orjson.dumps]))
    events: list[Event] = []
    n = draw(st.integers(min_value=0, max_value=14))
    for i in range(n + 1):
        cand: dict[str, Any] = {"content": {"parts": [{"text": draw(TEXT)}], "role": "model"}, "index": 0}
        if i == n and draw(st.booleans()):
            cand["finishReason"] = draw(st.sampled_from(["STOP", "MAX_TOKENS", ""]))
        c: dict[str, Any] = {"candidates": [cand]}
        meta = draw(st.sampled_from(["counts", "counts", "counts", "null", "none", "empty", "list"]))
        if meta == "counts":
            c["usageMetadata"] = _counts(
                draw, "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount"
            )
        elif meta != "none":
            c["usageMetadata"] = {"null": None, "empty": {}, "list": [1]}[meta]
        odd = draw(st.sampled_from([None] * 8 + ["model", "id", "order", "error", "missing", "nested"]))
        c |= {
            "modelVersion": "other" if odd == "model" else model,
            "responseId": "r9" if odd == "id" else rid,
        }
        if odd == "order":
            c = {"responseId": c.pop("responseId"), **c}
        elif odd == "error":
            c["error"] = {"message": "quota"}
        elif odd == "missing":
            del c["responseId"]
        elif odd == "nested":  # the keys the template pins, inside a candidate only
            cand["modelVersion"] = "x"
            c = {"candidates": c["candidates"], "modelVersion": model, "responseId": rid}
        events.append((None, layout(c)))
    return events


RESPONSE = st.one_of(
    chat_response(),
    anthropic_response(),
    responses_response(),
    other_response(),
    llama_server_response(),
    native_response(),
    gemini_response(),
)


@st.composite
def framing(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "spaced": draw(st.booleans()),
        "data": draw(st.sampled_from(["data: ", "data: ", "data:"])),
        "eol": draw(st.sampled_from(["\n"] * 6 + ["\r\n", "\r"])),
        "bom": draw(st.integers(min_value=0, max_value=9)) == 0,
        # blanks around a key's colon, as hand-written or re-serialized JSON may have them (spaces:
        # the replace also reaches inside strings, where a tab would make the JSON invalid)
        "colon": draw(st.sampled_from([None, None, None, b'" :', b'":  ', b'" : '])),
    }


def _json(value: Any, spaced: bool) -> bytes:
    if spaced:
        return json.dumps(value, ensure_ascii=False).encode()
    return orjson.dumps(value)


@st.composite
def stream(draw: st.DrawFn) -> bytes:
    """Several responses appended, framed one way, with odd lines here and there."""
    fr = draw(framing())
    eol = fr["eol"].encode()
    out: list[bytes] = [b"\xef\xbb\xbf"] if fr["bom"] else []
    for events in draw(st.lists(RESPONSE, min_size=1, max_size=4)):
        for name, value in events:
            data = value if isinstance(value, bytes) else _json(value, fr["spaced"])
            if fr["colon"] is not None and not isinstance(value, bytes):
                data = data.replace(b'":', fr["colon"])
            odd = draw(
                st.sampled_from([None] * 20 + ["comment", "id", "split", "bare", "noblank", "extrablank"])
            )
            if odd == "comment":
                out.append(b": keep-alive" + eol + eol)
            elif odd == "id":
                out.append(b"id: 7" + eol)
            if name is not None:
                out.append(b"event: " + name.encode() + eol)
            if odd == "split" and len(data) > 2:
                cut = len(data) // 2
                out.append(fr["data"].encode() + data[:cut] + eol + b"data: " + data[cut:] + eol + eol)
            elif odd == "bare" and data[:1] == b"{":
                out.append(data + eol)
            else:
                out.append(fr["data"].encode() + data + eol)
                out.append(b"" if odd == "noblank" else eol + eol if odd == "extrablank" else eol)
    body = b"".join(out)
    if draw(st.booleans()):
        body = body[: len(body) - draw(st.integers(min_value=0, max_value=min(40, len(body))))]
    return body


@st.composite
def ollama_response(draw: st.DrawFn) -> list[Event]:
    """Ollama's /api/chat or /api/generate lines, with odd ones here and there."""
    model = draw(st.sampled_from(["llama3.2", "qwen3:8b", ""]))
    chat = draw(st.booleans())

    def line(text: str, **more: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, "created_at": "2026-11-01T10:00:00.1Z"}
        body |= {"message": {"role": "assistant", "content": text}} if chat else {"response": text}
        return body | {"done": False} | more

    events: list[Event] = []
    for _ in range(draw(st.integers(min_value=0, max_value=14))):
        odds = ["done", "error", "model", "chunk", "object", "done-null", "late-model", "array"]
        odd = draw(st.sampled_from([None] * 12 + odds))
        if odd == "done":  # a done line mid-stream ends a response there
            events.append((None, line("", done=True, eval_count=draw(COUNT))))
        elif odd == "error":
            events.append((None, {"error": draw(TEXT)}))
        elif odd == "model":
            events.append((None, line(draw(TEXT)) | {"model": "other"}))
        elif odd == "chunk":
            events.append((None, line("x") | {"id": draw(st.sampled_from(["c1", "c2"])), "choices": []}))
        elif odd == "object":
            events.append((None, line("x") | {"id": "c3", "object": "chat.completion.chunk"}))
        elif odd == "done-null":
            events.append((None, line("y") | {"done": None}))
        elif odd == "late-model":  # "model" not first: no template
            events.append((None, {"created_at": "t", "model": model, "response": "z", "done": False}))
        elif odd == "array":
            events.append((None, [1, 2]))
        else:
            events.append((None, line(draw(TEXT))))
    if draw(st.booleans()):
        done = line("", done=True, done_reason="stop")
        done |= {k: v for k in ("prompt_eval_count", "eval_count") if (v := draw(COUNT)) is not None}
        done |= {"total_duration": 9_000_000, "eval_duration": 8_000_000}
        events.append((None, done))
    return events


@st.composite
def ndjson_stream(draw: st.DrawFn) -> bytes:
    """Bare JSON lines (Ollama's framing): several responses, of Ollama and of other dialects
    written as lines, blank lines, CRLF, a ``data:`` line now and then, cut anywhere."""
    spaced = draw(st.booleans())
    eol = draw(st.sampled_from([b"\n"] * 5 + [b"\r\n", b"\r"]))
    out: list[bytes] = []
    others = st.one_of(chat_response(), anthropic_response(), other_response())
    responses = st.lists(st.one_of(ollama_response(), ollama_response(), others), min_size=1, max_size=4)
    for events in draw(responses):
        for _, value in events:
            data = value if isinstance(value, bytes) else _json(value, spaced)
            odd = draw(st.sampled_from([None] * 30 + ["blank", "sse", "indent", "comment"]))
            if odd == "blank":
                out.append(eol)
            elif odd == "comment":
                out.append(b": keep-alive" + eol)
            if odd == "sse":
                out.append(b"data: " + data + eol + eol)
            elif odd == "indent":
                out.append(b"  " + data + eol)
            else:
                out.append(data + eol)
    body = b"".join(out)
    if draw(st.booleans()):
        body = body[: len(body) - draw(st.integers(min_value=0, max_value=min(40, len(body))))]
    return body


@settings(
    max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
@given(ndjson_stream(), st.lists(st.integers(min_value=0, max_value=4000), max_size=6), st.booleans())
def test_bare_json_lines_give_the_reference_states(data: bytes, cuts: list[int], split: bool) -> None:
    expected = states_from_chunks([data], None, split)
    assert states_from_stream([data], None, split) == expected
    assert states_from_stream(chunks_of(data, cuts), None, split) == expected
    old = fastpath._FEW
    fastpath._FEW = 0  # the way taken when a key occurs many times ("done":false on every line)
    try:
        assert states_from_stream(chunks_of(data, cuts), None, split) == expected
    finally:
        fastpath._FEW = old


HINTS = st.sampled_from([None, None, None, "openai.chat", "anthropic.messages", "openai.responses"])


@settings(
    max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
@given(stream(), st.lists(st.integers(min_value=0, max_value=4000), max_size=6), HINTS, st.booleans())
def test_fast_path_gives_the_reference_states(
    data: bytes, cuts: list[int], hint: str | None, split: bool
) -> None:
    expected = states_from_chunks([data], hint, split)
    assert states_from_stream([data], hint, split) == expected
    assert states_from_stream(chunks_of(data, cuts), hint, split) == expected


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
@given(stream(), st.lists(st.integers(min_value=0, max_value=4000), max_size=6), HINTS)
def test_keys_accounted_for_by_counting(data: bytes, cuts: list[int], hint: str | None) -> None:
    """The way taken when a key occurs many times (a chat chunk's "usage":null in every event),
    forced here on streams short enough to be drawn."""
    old = fastpath._FEW
    fastpath._FEW = 0
    try:
        expected = states_from_chunks([data], hint, True)
        assert states_from_stream([data], hint, True) == expected
        assert states_from_stream(chunks_of(data, cuts), hint, True) == expected
    finally:
        fastpath._FEW = old


@settings(
    max_examples=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
@given(stream())
def test_fast_path_gives_the_reference_records(data: bytes) -> None:
    ex = Exchange(source="x", multi=True)
    expected = records_from_states(ex, states_from_chunks([data], None, True), True, [])
    got = records_from_states(ex, states_from_stream([data], None, True), True, [])
    assert [r.as_dict() for r in got] == [r.as_dict() for r in expected]


@settings(max_examples=60, deadline=None)
@given(stream())
def test_byte_by_byte(data: bytes) -> None:
    assert states_from_stream(chunks_of(data, list(range(len(data)))), None, True) == states_from_chunks(
        [data], None, True
    )


def _stream_of(events: list[Event], named: bool = True) -> bytes:
    out = []
    for name, value in events:
        data = value if isinstance(value, bytes) else orjson.dumps(value)
        out.append(
            (b"event: " + name.encode() + b"\n" if named and name else b"") + b"data: " + data + b"\n\n"
        )
    return b"".join(out)


def _long(kind: str, n: int) -> bytes:
    if kind == "chat":
        head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o"}
        events: list[Event] = [
            (None, {**head, "choices": [{"index": 0, "delta": {"content": f" w{i}"}}], "usage": None})
            for i in range(n)
        ]
        events += [
            (None, {**head, "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": n}}),
            (None, b"[DONE]"),
        ]
    elif kind == "anthropic":
        events = [
            (
                "message_start",
                {"type": "message_start", "message": {"id": "msg_1", "usage": {"input_tokens": 5}}},
            )
        ]
        events.append(("content_block_start", {"type": "content_block_start", "index": 0}))
        events += [
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"text": f" w{i}"}})
            for i in range(n)
        ]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
        events.append(("message_delta", {"type": "message_delta", "usage": {"output_tokens": n}}))
        events.append(("message_stop", {"type": "message_stop"}))
    elif kind == "llama-server":  # "choices" first: the template is the chunk's tail
        tail = {"created": 1, "id": "chatcmpl-1", "model": "gemma3-12b", "object": "chat.completion.chunk"}
        events = [
            (None, {"choices": [{"index": 0, "delta": {"content": f" w{i}"}}], **tail}) for i in range(n)
        ]
        usage = {"completion_tokens": n, "prompt_tokens": 5}
        events += [
            (None, {"choices": [], **tail, "usage": usage, "timings": {"predicted_n": n}}),
            (None, b"[DONE]"),
        ]
    elif kind == "native":
        events = [(None, {"index": 0, "content": f" w{i}", "stop": False, "id_slot": -1}) for i in range(n)]
        events.append((None, {"content": "", "stop": True, "model": "m", "timings": {"predicted_n": n}}))
    elif kind == "gemini":  # cumulative usage on every chunk
        tail = {"modelVersion": "gemini-2.5-flash", "responseId": "r1"}
        events = [
            (
                None,
                {
                    "candidates": [{"content": {"parts": [{"text": f" w{i}"}]}}],
                    "usageMetadata": {"x": i},
                    **tail,
                },
            )
            for i in range(n)
        ]
        meta = {"promptTokenCount": 5, "candidatesTokenCount": n}
        events.append((None, {"candidates": [{"finishReason": "STOP"}], "usageMetadata": meta, **tail}))
    else:
        base = {"id": "resp_1", "model": "gpt-5", "usage": None}
        events = [("response.created", {"type": "response.created", "response": base})]
        events.append(("response.output_item.added", {"type": "response.output_item.added", "item": {}}))
        events += [
            ("response.output_text.delta", {"type": "response.output_text.delta", "delta": f" w{i}"})
            for i in range(n)
        ]
        events.append(("response.output_text.done", {"type": "response.output_text.done", "text": "..."}))
        usage = {"input_tokens": 5, "output_tokens": n}
        events.append(
            ("response.completed", {"type": "response.completed", "response": {**base, "usage": usage}})
        )
    return _stream_of(events)


@pytest.mark.parametrize(
    "kind",
    [
        "chat",
        "anthropic",
        "responses",
        "mixed",
        "crlf",
        "ollama",
        "llama-server",
        "native",
        "gemini",
        "gemini-crlf",
    ],
)
def test_a_long_stream_is_mostly_skipped(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a timing: the fast path must parse a handful of events, not every one of them."""
    parsed = 0
    feed_data = ResponseAssembler.feed_data

    def counting(self: ResponseAssembler, data: bytes, event: str = "message") -> None:
        nonlocal parsed
        parsed += 1
        feed_data(self, data, event)

    monkeypatch.setattr(ResponseAssembler, "feed_data", counting)
    if kind == "ollama":  # bare JSON lines
        head = {"model": "llama3.2", "created_at": "2026-11-01T10:00:00.1Z"}
        lines = [orjson.dumps(head | {"message": {"content": f" w{i}"}, "done": False}) for i in range(3000)]
        lines.append(orjson.dumps(head | {"done": True, "prompt_eval_count": 5, "eval_count": 3000}))
        data = b"\n".join(lines * 3) + b"\n"
    elif kind == "mixed":  # a proxy's log: every dialect in one dump, by turns
        data = (_long("chat", 3000) + _long("anthropic", 3000) + _long("responses", 3000)) * 2
    elif kind == "gemini-crlf":  # alt=sse
        data = _long("gemini", 3000).replace(b"\n", b"\r\n") * 3
    elif kind == "crlf":  # sse-starlette's line ends (llama-cpp-python's server)
        data = (_long("chat", 3000) + _long("anthropic", 3000)).replace(b"\n", b"\r\n")
    else:
        data = _long(kind, 3000) * 3
    states = states_from_stream([data[i : i + 65536] for i in range(0, len(data), 65536)], None, True)
    assert parsed < 60
    assert [s.objects for s in states] == [s.objects for s in states_from_chunks([data], None, True)]


def test_huge_event_goes_to_the_reference_path() -> None:
    """An event with no blank line in sight for longer than the cap is streamed, not held."""
    big = b'data: {"type":"response.output_text.delta","delta":"' + b"x" * 100 + b'"}\n\n'
    data = b'data: {"type":"response.created","response":{"id":"r"}}\n\n' + big * 10
    stream_ = FastStream()
    old = fastpath._MAX_TAIL
    try:
        fastpath._MAX_TAIL = 64
        for i in range(0, len(data), 7):
            stream_.feed(data[i : i + 7])
        assert stream_.close() == states_from_chunks([data], None, True)
    finally:
        fastpath._MAX_TAIL = old


def test_stray_newlines_between_events_do_not_stall_the_scan() -> None:
    # an odd count of newlines leaves a lone "\n" before the last boundary (once an endless loop)
    chunk = b'data: {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[]}\n\n\n'
    usage = (
        b'data: {"id":"c1","object":"chat.completion.chunk","choices":[],'
        b'"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n\n'
    )
    data = chunk * 3 + usage + b"data: [DONE]\n\n\n"
    [state] = states_from_stream([data], None, True)
    assert (state.tokens.input, state.tokens.output, state.objects) == (3, 4, 4)


_FORMS = [b'"stop":false', b'"stop": false', b'"stop":true', b'"stop": true']
_FORMS += [b'"stop",', b'"stop"}', b'"stop"]']  # as a value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_FORMS), min_size=1, max_size=300),
    st.sampled_from([None, (b"false", b"true")]),
)
def test_key_positions_counted_as_found(forms: list[bytes], values: tuple[bytes, bytes] | None) -> None:
    """Many occurrences of a key in every form a writer uses (compact, json.dumps, as a value)
    are accounted for by counting: the positions are those a search of each one finds."""
    buf = b"".join(b"{" + f + b"0}\n" for f in forms)
    want = [
        p
        for p in range(len(buf))
        if buf.startswith(b'"stop":', p)
        if values is None or not buf.startswith(values[0], p + 7 + (buf[p + 7 : p + 8] == b" "))
    ]
    assert fastpath._key_positions(buf, b'"stop"', 0, len(buf), values) == want


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["chat", "anthropic", "gemini", "llama-server"]),
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=1), st.sampled_from([b"\r", b"\n", b"\r\r", b"\n\r"])),
        max_size=4,
    ),
    st.sampled_from([None, 1, 97, 4096]),
)
def test_crlf_streams_with_lone_line_ends_read_as_sse_reads_them(
    kind: str, stray: list[tuple[float, bytes]], piece: int | None
) -> None:
    """A stream whose first line ends with CRLF is cut at CRLF blank lines and its runs counted
    without a pass over every CRLF: a CR or LF alone anywhere after that first line (inside a
    JSON line, in a blank line, between events) still gives what the reference path gives, fed
    whole or in pieces. (Not a CRLF blank line made inside one, nor an LF before it, which
    would make it a stream of LF line ends: a block cut there is taken on trust to hold whole
    JSON, as the module's docstring says.)"""
    data = whole = _long(kind, 40).replace(b"\n", b"\r\n")
    first = data.index(b"\r\n") + 2
    for at, ends in sorted(stray, reverse=True):
        i = first + int(at * (len(data) - first))
        data = data[:i] + ends + data[i:]
    assume(data.count(b"\r\n\r\n") == whole.count(b"\r\n\r\n"))
    chunks = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    assert states_from_stream(chunks, None, True) == states_from_chunks([data], None, True)


@pytest.mark.parametrize("kind", ["chat", "llama-server", "gemini"])
def test_a_lone_cr_repeated_in_every_crlf_event_is_no_template(kind: str) -> None:
    """JSON allows a CR between its tokens, SSE ends the line there: events that each hold one
    at the same place are not one line, and never counted as no-ops of a template."""
    data = _long(kind, 50).replace(b"\n", b"\r\n").replace(b',"', b',\r"')
    assert data.count(b',\r"') > 50
    for piece in (len(data), 64, 7):
        chunks = [data[i : i + piece] for i in range(0, len(data), piece)]
        assert states_from_stream(chunks, None, True) == states_from_chunks([data], None, True)


def test_a_lone_cr_in_a_crlf_run_s_closing_event_is_read_as_sse_reads_it() -> None:
    """The no-ops that close a run (Anthropic's content_block_stop) are checked one by one:
    one holding a lone CR is not one line, so it is fed, not counted."""
    data = _long("anthropic", 50).replace(b"\n", b"\r\n")
    stop = b'{"type":"content_block_stop",'
    assert data.count(stop) == 1
    data = data.replace(stop, b'{"type":"content_block_stop",\r')
    assert states_from_stream([data], None, True) == states_from_chunks([data], None, True)
