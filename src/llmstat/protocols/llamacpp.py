"""llama.cpp's native /completion and /infill: objects with ``content``, ``stop`` and ``timings``."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.dialect import Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.extensions import EXTENSION_KEYS

# the native objects carry what an OpenAI chat chunk from llama-server does (id, model, an
# OpenAI-style usage, timings, stop): one feeder reads both
from llmstat.protocols.openai import feed_chat as feed


def _native(obj: dict[str, Any]) -> bool:
    return "timings" in obj or ("content" in obj and ("stop" in obj or "tokens_predicted" in obj))


def _template(block: bytes) -> bytes | None:
    """Every key the feeder reads is a needle here, so any one-line ``data:`` object without
    one is a no-op (the text chunks: ``"stop":false`` and the counts so far)."""
    if block.startswith(b"data: {") and block.find(b"\n") == len(block) - 2:
        return block[:7]
    return None


LLAMACPP = Dialect(
    "llamacpp",
    feed,
    paths=("/completion", "/infill"),
    shapes=(Shape(Rank.EXTENSIONS, _native),),
    local=True,
    fast_path=FastPathSpec(
        # the final chunk names the model; none names an id, but the feeder would read one
        # x_groq: the chat feeder's, which this dialect shares (Groq's usage when there is none)
        needles=("usage", "x_groq", "id", "model", *EXTENSION_KEYS),
        template=_template,
        # created: the first chunk's wins, so a skipped chunk cannot change it
        pinned=("created",),
        benign={"stop": (b"false", b"true")},
    ),
)
