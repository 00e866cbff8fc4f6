"""Extensions that llama.cpp's server and vLLM put on OpenAI-style objects, whatever the
endpoint: llama.cpp's ``timings`` and ``stop``, vLLM's per-request ``metrics``. Both the
OpenAI dialects and llama.cpp's native one read them."""

from __future__ import annotations

from typing import Any

from llmstat.protocols.state import UsageState, add, count, number
from llmstat.record import Draft

# the keys llama-server and vLLM add beside any endpoint's own objects (needles of the fast path)
TIMING_KEYS = ("timings", "metrics")
# the top-level keys these extensions are read from (needles of the fast path)
EXTENSION_KEYS = ("stop", *TIMING_KEYS)

CACHE_COUNTED_TWICE = (
    "llama.cpp timings count more prompt tokens (prompt_n + cache_n) than its usage: input is usage's"
)


def is_stop(obj: dict[str, Any]) -> bool:
    return obj.get("stop") is True


def apply_extensions(state: UsageState, obj: dict[str, Any]) -> None:
    timings = obj.get("timings")
    if isinstance(timings, dict):
        apply_timings(state, timings)
    metrics = obj.get("metrics")
    if isinstance(metrics, dict):
        apply_metrics(state, metrics)


def _rate(per_second: Any, n: int | None, ms: float | None) -> float | None:
    rate = number(per_second)
    if rate is not None:
        return rate
    if n is not None and ms:
        return n / (ms / 1000)
    return None


def apply_timings(state: UsageState, timings: dict[str, Any]) -> None:
    """The last ``timings`` object wins whole, and wins over ``usage``."""
    prompt_n = count(timings.get("prompt_n"))
    cache_n = count(timings.get("cache_n"))
    predicted_n = count(timings.get("predicted_n"))
    t = state.tokens
    state.timings_seen = True
    if prompt_n is not None or cache_n is not None:
        t.input = add(prompt_n, cache_n)
        t.cache_read = cache_n
        settle_input(state)
    if predicted_n is not None:
        t.output = predicted_n
    drafted = count(timings.get("draft_n"))
    accepted = count(timings.get("draft_n_accepted"))
    if drafted is not None or accepted is not None:
        state.draft = Draft(drafted or 0, accepted or 0)
    prompt_ms = number(timings.get("prompt_ms"))
    predicted_ms = number(timings.get("predicted_ms"))
    state.duration_ms = (
        None if prompt_ms is None and predicted_ms is None else (prompt_ms or 0.0) + (predicted_ms or 0.0)
    )
    state.prompt_tps = _rate(timings.get("prompt_per_second"), prompt_n, prompt_ms)
    state.output_tps = _rate(timings.get("predicted_per_second"), predicted_n, predicted_ms)


def settle_input(state: UsageState) -> None:
    """Some llama-server builds count the cached prompt in ``prompt_n`` as well as in
    ``cache_n``; the usage beside the timings is then the prompt as the engine saw it.

    Without a cache hit there is nothing to count twice, and the timings win as they are.
    """
    t = state.tokens
    if state.timings_seen and state.usage_input is not None and t.input is not None and t.cache_read:
        if t.input > state.usage_input:
            t.input = state.usage_input
            state.warn(CACHE_COUNTED_TWICE)


def apply_metrics(state: UsageState, metrics: dict[str, Any]) -> None:
    ttft = number(metrics.get("time_to_first_token_ms"))
    if ttft is not None:
        state.ttft_ms = ttft
    itl = number(metrics.get("mean_itl_ms"))
    if itl:
        state.output_tps = 1000 / itl
