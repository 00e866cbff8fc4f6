"""Gemini generateContent / streamGenerateContent: the last chunk's ``usageMetadata`` counts
(it is cumulative and can shrink, so never take a maximum)."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.state import UsageState, add, count, text


def apply_usage(state: UsageState, meta: Any) -> None:
    if not isinstance(meta, dict):
        return
    thoughts = count(meta.get("thoughtsTokenCount"))
    t = state.tokens
    t.input = add(count(meta.get("promptTokenCount")), count(meta.get("toolUsePromptTokenCount")))
    t.cache_read = count(meta.get("cachedContentTokenCount"))
    t.cache_write = None
    t.output = add(count(meta.get("candidatesTokenCount")), thoughts)
    t.reasoning = thoughts


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.id = text(obj.get("responseId")) or state.id
    state.model = text(obj.get("modelVersion")) or state.model
    if "usageMetadata" in obj:
        apply_usage(state, obj["usageMetadata"])
    candidates = obj.get("candidates")
    if isinstance(candidates, list):
        return any(isinstance(c, dict) and c.get("finishReason") for c in candidates)
    return False
