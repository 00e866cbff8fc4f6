"""llama.cpp's native /completion and /infill: objects with ``content``, ``stop`` and ``timings``."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.dialect import Dialect, Rank, Shape

# the native objects carry what an OpenAI chat chunk from llama-server does (id, model, an
# OpenAI-style usage, timings, stop): one feeder reads both
from llmstat.protocols.openai import feed_chat as feed


def _native(obj: dict[str, Any]) -> bool:
    return "timings" in obj or ("content" in obj and ("stop" in obj or "tokens_predicted" in obj))


LLAMACPP = Dialect(
    "llamacpp",
    feed,
    paths=("/completion", "/infill"),
    shapes=(Shape(Rank.EXTENSIONS, _native),),
    local=True,
)
