"""OpenAI chat completions, legacy completions and Responses (and the many servers that copy them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from llmstat.protocols.dialect import Boundary, Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.extensions import EXTENSION_KEYS, apply_extensions, is_stop
from llmstat.protocols.state import UsageState, count, sub, text
from llmstat.protocols.templates import closing_template, event_and_data, typed_template

RESPONSES_TERMINAL = ("response.completed", "response.incomplete", "response.failed")
_CHUNK_OBJECTS = ("chat.completion.chunk", "text_completion")


def apply_chat_usage(state: UsageState, usage: Any) -> None:
    """Chat/completions ``usage``; the last non-null one wins (DeepSeek puts it on the finish chunk)."""
    if not isinstance(usage, dict):
        return
    t = state.tokens
    t.input = count(usage.get("prompt_tokens"))
    t.output = count(usage.get("completion_tokens"))
    details = usage.get("prompt_tokens_details")
    cached = count(sub(details, "cached_tokens"))
    if cached is None:
        cached = count(usage.get("prompt_cache_hit_tokens"))  # DeepSeek
    t.cache_read = cached
    t.cache_write = count(sub(details, "cache_write_tokens"))
    t.reasoning = count(sub(usage, "completion_tokens_details", "reasoning_tokens"))


def feed_chat(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.id = text(obj.get("id")) or state.id
    state.model = text(obj.get("model")) or state.model
    if "usage" in obj:
        apply_chat_usage(state, obj["usage"])
    apply_extensions(state, obj)
    return is_stop(obj)


def apply_responses_usage(state: UsageState, usage: Any) -> None:
    if not isinstance(usage, dict):
        return
    t = state.tokens
    t.input = count(usage.get("input_tokens"))
    t.output = count(usage.get("output_tokens"))
    t.cache_read = count(sub(usage, "input_tokens_details", "cached_tokens"))
    t.cache_write = count(sub(usage, "input_tokens_details", "cache_write_tokens"))
    t.reasoning = count(sub(usage, "output_tokens_details", "reasoning_tokens"))


def _response_object(state: UsageState, resp: dict[str, Any]) -> None:
    state.id = text(resp.get("id")) or state.id
    state.model = text(resp.get("model")) or state.model
    if resp.get("usage") is not None:
        apply_responses_usage(state, resp["usage"])
    err = resp.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        state.error = err["message"]


def feed_responses(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    typ = obj.get("type")
    if isinstance(typ, str) and typ.startswith("response."):
        resp = obj.get("response")
        if isinstance(resp, dict):
            _response_object(state, resp)
        if typ == "response.failed" and state.error is None:
            state.error = "response failed"
        return typ in RESPONSES_TERMINAL
    if typ == "error" or event == "error":
        msg = obj.get("message") or sub(obj, "error", "message")
        state.error = msg if isinstance(msg, str) else "error event in stream"
        return False
    _response_object(state, obj)
    return False


def chunk_id_of(obj: dict[str, Any]) -> str | None:
    """The id of an OpenAI-style streamed chunk (a new id starts a new response), else None."""
    chunk_id = obj.get("id")
    if not isinstance(chunk_id, str):
        return None
    if obj.get("object") in _CHUNK_OBJECTS or ("choices" in obj and "object" not in obj):
        return chunk_id
    return None


_CLOSING_KEYS = frozenset({"id", "object", "model"})


def _chunk_template(block: bytes) -> bytes | tuple[bytes, bytes] | None:
    """Chat chunks share their bytes up to ``"choices"`` (id, object, created, model, ...), or,
    as llama-server writes them, from ``"id"`` to the end.

    Asked only of a block just fed into its response: a later block that repeats its id,
    object and model changes nothing but the count while the response's id, model and chunk
    id are still what that feed left (``feed_chat`` reads nothing else without a needle).
    """
    span = event_and_data(block)
    if span is None:
        return None
    start, end = span
    i = block.find(b'"choices":', start, end)
    if i < 0:
        return None
    if block.startswith(b'{"choices":', i - 1):
        # llama-server's order: choices first, the chunk's id, model and object last
        return closing_template(block, b'"id":', _CLOSING_KEYS)
    j = block.find(b"{", start, i)
    if j < 0 or block[start + 5 : j].strip(b" ") != b"":
        return None
    try:
        head = orjson.loads(block[j:i].rstrip(b" ,") + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(head, dict) or not {"id", "object", "model"} <= head.keys():
        return None
    return block[:i]


_RESPONSES_TERMINAL = frozenset(t.encode() for t in RESPONSES_TERMINAL)


def _responses_noop(kind: bytes) -> bool:
    return kind.startswith(b"response.") and kind not in _RESPONSES_TERMINAL


def _responses_template(block: bytes) -> bytes | None:
    return typed_template(block, _responses_noop)


def _has_choices_text(obj: dict[str, Any]) -> bool:
    choices = obj.get("choices")
    return (
        isinstance(choices, list) and bool(choices) and isinstance(choices[0], dict) and "text" in choices[0]
    )


def _usage_io(obj: dict[str, Any]) -> bool:
    usage = obj.get("usage")
    return isinstance(usage, dict) and ("input_tokens" in usage or "output_tokens" in usage)


def _object_is(pred: Callable[[str], bool]) -> Callable[[dict[str, Any]], bool]:
    def test(obj: dict[str, Any]) -> bool:
        kind = obj.get("object")
        return isinstance(kind, str) and bool(pred(kind))

    return test


_NOT_RESPONSE_EVENT = "read only from events whose type is not response.* (the template admits those alone)"

CHUNK_BOUNDARY = Boundary(chunk_id_of, keys=("object", "choices"))

# chat and legacy completions chunks: one family to the fast path
_CHUNK_FAST_PATH = FastPathSpec(
    needles=("usage", *EXTENSION_KEYS),
    template=_chunk_template,
    pinned=("id", "object", "model", "choices"),
    benign={"usage": (b"null", b"{")},  # with include_usage, every chunk carries "usage":null
    per_response=True,
)

CHAT = Dialect(
    "openai.chat",
    feed_chat,
    paths=("/chat/completions",),
    shapes=(
        Shape(Rank.OBJECT, _object_is(lambda k: k.startswith("chat.completion"))),
        Shape(Rank.CHOICES, lambda obj: "choices" in obj),
        Shape(Rank.USAGE, lambda obj: "usage" in obj),
    ),
    provider="openai",
    boundary=CHUNK_BOUNDARY,
    fast_path=_CHUNK_FAST_PATH,
    no_usage_in_stream="no usage reported (stream sent without stream_options.include_usage?)",
)
COMPLETIONS = Dialect(
    "openai.completions",
    feed_chat,
    paths=("/completions",),
    shapes=(
        Shape(Rank.OBJECT, _object_is(lambda k: k == "text_completion")),
        Shape(Rank.CHOICES_TEXT, _has_choices_text),
    ),
    provider="openai",
    boundary=CHUNK_BOUNDARY,
    fast_path=_CHUNK_FAST_PATH,
)
RESPONSES = Dialect(
    "openai.responses",
    feed_responses,
    paths=("/responses",),
    shapes=(
        Shape(
            Rank.TYPE, lambda obj: isinstance(obj.get("type"), str) and obj["type"].startswith("response.")
        ),
        Shape(Rank.OBJECT, _object_is(lambda k: k == "response")),
        Shape(Rank.USAGE_IO, _usage_io),
    ),
    provider="openai",
    fast_path=FastPathSpec(
        needles=("response",),
        template=_responses_template,
        pinned=("type",),
        inert=dict.fromkeys(("id", "model", "usage", "message"), _NOT_RESPONSE_EVENT),
    ),
)
