"""UsageState: what one response has told so far, before it becomes a Record."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.record import Draft, PricedPart, Tokens, created_stamp


@dataclass(slots=True)
class UsageState:
    """What the feeders have read of one response so far; it becomes the response's record."""

    api: str
    id: str | None = None
    model: str | None = None
    tokens: Tokens = field(default_factory=Tokens)
    duration_ms: float | None = None
    ttft_ms: float | None = None
    # the response's own timestamp: the first object that carries one gives it
    created: str | None = None
    prompt_tps: float | None = None
    output_tps: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    raw_usage: dict[str, Any] = field(default_factory=dict)
    objects: int = 0
    non_json: int = 0
    terminated: bool = False
    last_chunk_id: str | None = None
    draft: Draft | None = None
    # what the response says it cost, in USD (OpenRouter, Vercel, Perplexity, xAI)
    recorded_cost: float | None = None
    # parts of ``tokens`` billed at another model than the response's (Anthropic advisor iterations)
    priced_parts: list[PricedPart] = field(default_factory=list)
    # an OpenAI-style usage's prompt_tokens, and whether llama.cpp ``timings`` were read: the
    # timings win, unless they count the cache twice (see protocols.extensions)
    usage_input: int | None = None
    timings_seen: bool = False
    # xAI's reasoning, outside its completion_tokens, was added to output
    reasoning_billed_apart: bool = False

    def note_created(self, value: Any) -> None:
        if self.created is None:
            self.created = created_stamp(value)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def count(value: Any) -> int | None:
    """A token count as reported, or None when it is absent or not a count.

    Negative numbers are sentinels (llama-swap writes -1 for "unknown"), not counts.
    """
    if value.__class__ is int:  # the usual case, asked of a dozen keys a response
        return value if value >= 0 else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def add(*parts: int | None) -> int | None:
    """Sum where an absent addend counts as 0; None only when every part is absent."""
    present = [p for p in parts if p is not None]
    return sum(present) if present else None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def sub(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def error_message(obj: Any) -> str | None:
    """error.message, else error (a string), else message, else detail."""
    if not isinstance(obj, dict):
        return None
    err = obj.get("error")
    if isinstance(err, dict):
        msg = err.get("message")
        if isinstance(msg, str) and msg:
            return msg
    if isinstance(err, str) and err:
        return err
    for key in ("message", "detail"):
        val = obj.get(key)
        if isinstance(val, str) and val:
            return val
    return None
