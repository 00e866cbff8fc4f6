"""Ollama native /api/chat and /api/generate: counts and nanosecond durations on the ``done`` object."""

from __future__ import annotations

import re
from typing import Any

from llmstat.protocols.dialect import Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.state import UsageState, count, number, text


def _rate(n: int | None, ns: float | None) -> float | None:
    return n / (ns / 1e9) if n is not None and ns else None


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.model = text(obj.get("model")) or state.model
    if state.created is None:
        state.note_created(obj.get("created_at"))
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


_HEAD = re.compile(rb'\{"model": ?"[^"\\]*", ?')


def _template(block: bytes) -> bytes | None:
    """Ollama's NDJSON lines start with the model's name (Go writes its fields in one order),
    which a line that is not ``done`` and holds no other needle leaves as it was."""
    m = _HEAD.match(block)
    return None if m is None else block[: m.end()]


def _is_object(obj: dict[str, Any]) -> bool:
    return (
        "done" in obj
        and "model" in obj
        and ("message" in obj or "response" in obj or "eval_count" in obj or "created_at" in obj)
    )


_DONE_KEYS = (
    "prompt_eval_count",
    "eval_count",
    "prompt_eval_cached_count",
    "total_duration",
    "prompt_eval_duration",
    "eval_duration",
)
_ONLY_WHEN_DONE = 'read only when "done" is true (a needle unless false)'

OLLAMA = Dialect(
    "ollama",
    feed,
    paths=("/api/chat", "/api/generate"),
    shapes=(Shape(Rank.OWN_KEYS, _is_object),),
    local=True,
    fast_path=FastPathSpec(
        needles=("done",),
        template=_template,
        # created_at: the first line's wins, so a skipped line cannot change it
        pinned=("model", "created_at"),
        benign={"done": (b"false", b"true")},
        inert=dict.fromkeys(_DONE_KEYS, _ONLY_WHEN_DONE),
        per_response=True,
    ),
)
