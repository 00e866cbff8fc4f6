"""OpenAI chat completions, legacy completions and Responses (and the many servers that copy them)."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.extensions import apply_extensions, is_stop
from llmstat.protocols.state import UsageState, count, sub, text

RESPONSES_TERMINAL = ("response.completed", "response.incomplete", "response.failed")


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


def feed_unknown(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    """A JSON object of no known dialect: keep what ids and errors it has."""
    state.id = text(obj.get("id")) or state.id
    state.model = text(obj.get("model")) or state.model
    return False
