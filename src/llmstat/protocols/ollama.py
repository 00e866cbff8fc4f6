"""Ollama native /api/chat and /api/generate: counts and nanosecond durations on the ``done`` object."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.state import UsageState, count, number, text


def _rate(n: int | None, ns: float | None) -> float | None:
    return n / (ns / 1e9) if n is not None and ns else None


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.model = text(obj.get("model")) or state.model
    if obj.get("done") is not True:
        return False
    t = state.tokens
    t.input = count(obj.get("prompt_eval_count"))
    t.output = count(obj.get("eval_count"))
    t.cache_read = count(obj.get("prompt_eval_cached_count"))
    t.cache_write = None
    t.reasoning = None
    total = number(obj.get("total_duration"))
    state.duration_ms = total / 1e6 if total is not None else None
    state.prompt_tps = _rate(t.input, number(obj.get("prompt_eval_duration")))
    state.output_tps = _rate(t.output, number(obj.get("eval_duration")))
    return True
