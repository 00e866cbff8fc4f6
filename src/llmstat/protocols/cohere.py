"""Cohere v2 ``/chat``: ``usage.tokens`` counts (``billed_units`` is what the plan bills, not
what the model read), streamed in ``message-end``'s ``delta.usage``."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.dialect import Dialect, Rank, Shape
from llmstat.protocols.state import UsageState, count, sub, text

EVENT_TYPES = frozenset(
    {
        "message-start",
        "content-start",
        "content-delta",
        "content-end",
        "tool-plan-delta",
        "tool-call-start",
        "tool-call-delta",
        "tool-call-end",
        "citation-start",
        "citation-end",
        "message-end",
        "debug",
    }
)


def apply_usage(state: UsageState, usage: Any) -> None:
    if not isinstance(usage, dict):
        return
    t = state.tokens
    t.input = count(sub(usage, "tokens", "input_tokens"))
    t.output = count(sub(usage, "tokens", "output_tokens"))
    t.cache_read = count(usage.get("cached_tokens"))


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    typ = obj.get("type")
    if typ == "message-start":
        state.id = text(obj.get("id")) or state.id
        return False
    if typ == "message-end":
        apply_usage(state, sub(obj, "delta", "usage"))
        return True
    if typ in EVENT_TYPES:
        return False
    state.id = text(obj.get("id")) or state.id
    apply_usage(state, obj.get("usage"))
    return False


def _is_event(obj: dict[str, Any]) -> bool:
    return obj.get("type") in EVENT_TYPES


def _is_body(obj: dict[str, Any]) -> bool:
    usage = obj.get("usage")
    return isinstance(usage, dict) and ("billed_units" in usage or isinstance(usage.get("tokens"), dict))


COHERE_CHAT = Dialect(
    "cohere.chat",
    feed,
    paths=("/v2/chat",),
    shapes=(Shape(Rank.TYPE, _is_event), Shape(Rank.OWN_KEYS, _is_body)),
    provider="cohere",
)
