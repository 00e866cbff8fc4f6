"""Anthropic Messages: ``message_start`` usage, then every field a ``message_delta`` carries replaces it."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.dialect import Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.extensions import TIMING_KEYS, apply_extensions
from llmstat.protocols.state import UsageState, add, count, sub, text
from llmstat.protocols.templates import typed_template
from llmstat.record import PricedPart, Tokens

EVENT_TYPES = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "ping",
        "error",
    }
)
_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def apply_usage(state: UsageState, usage: Any) -> None:
    if not isinstance(usage, dict):
        return
    raw = state.raw_usage
    for key in _FIELDS:
        if key in usage and usage[key] is not None:
            raw[key] = usage[key]
    thinking = sub(usage, "output_tokens_details", "thinking_tokens")
    if thinking is not None:
        raw["thinking_tokens"] = thinking
    creation = usage.get("cache_creation")
    if isinstance(creation, dict):
        for key in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"):
            if count(creation.get(key)) is not None:
                state.extras["cache_write_" + key.split("_")[1]] = count(creation.get(key))
    iterations = usage.get("iterations")
    if isinstance(iterations, list) and iterations:
        raw["iterations"] = [i for i in iterations if isinstance(i, dict)]
    if state.timings_seen:
        return  # llama-server's /v1/messages: its timings win
    t = state.tokens
    if raw.get("iterations"):
        _sum_iterations(state, raw["iterations"], count(raw.get("thinking_tokens")))
        return
    write = count(raw.get("cache_creation_input_tokens"))
    read = count(raw.get("cache_read_input_tokens"))
    t.input = add(count(raw.get("input_tokens")), write, read)
    t.cache_write = write
    t.cache_read = read
    t.output = count(raw.get("output_tokens"))
    t.reasoning = count(raw.get("thinking_tokens"))


def _iteration_tokens(it: dict[str, Any]) -> Tokens:
    write = count(it.get("cache_creation_input_tokens"))
    read = count(it.get("cache_read_input_tokens"))
    return Tokens(
        input=add(count(it.get("input_tokens")), write, read),
        output=count(it.get("output_tokens")),
        cache_read=read,
        cache_write=write,
        reasoning=count(sub(it, "output_tokens_details", "thinking_tokens")),
    )


def _sum_iterations(state: UsageState, iterations: list[dict[str, Any]], top_thinking: int | None) -> None:
    """The top level counts only the ``message`` iterations; compaction and advisor steps are
    billed on top of it, so the bill is the sum of every iteration."""
    parts = [(text(it.get("model")), _iteration_tokens(it)) for it in iterations]
    t = state.tokens
    t.input = add(*(p.input for _, p in parts))
    t.cache_read = add(*(p.cache_read for _, p in parts))
    t.cache_write = add(*(p.cache_write for _, p in parts))
    t.output = add(*(p.output for _, p in parts))
    thinking = [p.reasoning for _, p in parts if p.reasoning is not None]
    t.reasoning = sum(thinking) if thinking else top_thinking
    state.priced_parts = [PricedPart(model, tokens) for model, tokens in parts if model is not None]


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    terminal = _feed_event(state, obj, event)
    apply_extensions(state, obj)  # llama-server's timings, beside its events and bodies
    return terminal


def _feed_event(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    typ = obj.get("type") or event
    if typ == "message_start":
        msg = obj.get("message")
        if isinstance(msg, dict):
            state.id = text(msg.get("id")) or state.id
            state.model = text(msg.get("model")) or state.model
            apply_usage(state, msg.get("usage"))
        return False
    if typ == "message_delta":
        apply_usage(state, obj.get("usage"))
        return False
    if typ == "message_stop":
        return True
    if typ == "error":
        msg = sub(obj, "error", "message")
        state.error = msg if isinstance(msg, str) else "error event in stream"
        return False
    if typ == "message" or "usage" in obj:
        state.id = text(obj.get("id")) or state.id
        state.model = text(obj.get("model")) or state.model
        apply_usage(state, obj.get("usage"))
    return False


# events that change nothing but the count of objects (without a needle inside)
_NOOP_TYPES = frozenset({b"content_block_delta", b"content_block_start", b"content_block_stop", b"ping"})


def _template(block: bytes) -> bytes | None:
    return typed_template(block, _NOOP_TYPES.__contains__)


def _is_event(obj: dict[str, Any]) -> bool:
    typ = obj.get("type")
    return isinstance(typ, str) and (typ in EVENT_TYPES or (typ == "message" and "content" in obj))


def _usage_with_cache(obj: dict[str, Any]) -> bool:
    usage = obj.get("usage")
    return (
        isinstance(usage, dict)
        and ("input_tokens" in usage or "output_tokens" in usage)
        and ("cache_read_input_tokens" in usage or "cache_creation_input_tokens" in usage)
    )


_NOT_ADMITTED = "read only from message_start or a whole message, which the template never admits"

MESSAGES = Dialect(
    "anthropic.messages",
    feed,
    paths=("/messages",),
    shapes=(Shape(Rank.TYPE, _is_event), Shape(Rank.USAGE_CACHE, _usage_with_cache)),
    provider="anthropic",
    fast_path=FastPathSpec(
        needles=("usage", *TIMING_KEYS),
        template=_template,
        pinned=("type",),
        # id and model are also read beside "usage", a needle
        inert={"message": _NOT_ADMITTED, "id": _NOT_ADMITTED, "model": _NOT_ADMITTED},
    ),
)
