"""llama.cpp's native /completion and /infill: objects with ``content``, ``stop`` and ``timings``."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.dialect import Dialect, Rank, Shape
from llmstat.protocols.extensions import apply_extensions, is_stop
from llmstat.protocols.openai import apply_chat_usage
from llmstat.protocols.state import UsageState, text


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    """Native /completion and /infill objects (streamed chunks or the whole body)."""
    state.id = text(obj.get("id")) or state.id
    state.model = text(obj.get("model")) or state.model
    if "usage" in obj:
        apply_chat_usage(state, obj["usage"])
    apply_extensions(state, obj)
    return is_stop(obj)


def _native(obj: dict[str, Any]) -> bool:
    return "timings" in obj or ("content" in obj and ("stop" in obj or "tokens_predicted" in obj))


LLAMACPP = Dialect(
    "llamacpp",
    feed,
    paths=("/completion", "/infill"),
    shapes=(Shape(Rank.EXTENSIONS, _native),),
    local=True,
)
