"""Which cost a record gets: the provider's own figure or one calculated from a price table.

``auto`` (the default) takes what the response recorded (OpenRouter, Vercel AI Gateway,
Perplexity, xAI, a LiteLLM proxy's header) and calculates the rest; ``calculate`` ignores the
recorded figures (to compare them with a price table); ``recorded`` never calculates, so a
record without a figure of its own is unpriced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from llmstat.record import Record, Tokens

COST_MODES = ("auto", "calculate", "recorded")


def cost_of(record: Record, mode: str, calculate: Callable[[Record], Decimal | None]) -> None:
    """Set ``cost_usd`` and ``cost_source`` on the record as ``mode`` says."""
    recorded = record.recorded_cost_usd
    if mode != "calculate" and recorded is not None:
        record.cost_usd, record.cost_source = recorded, "recorded"
        return
    cost = calculate_with_parts(record, calculate) if mode != "recorded" else None
    record.cost_usd = None if cost is None else float(cost)
    record.cost_source = None if cost is None else "calculated"


def calculate_with_parts(record: Record, calculate: Callable[[Record], Decimal | None]) -> Decimal | None:
    """The record's cost with each ``priced_parts`` entry at its own model's prices and the
    rest at the record's; null when any part has no price (a partial sum would look whole)."""
    if not record.priced_parts:
        return calculate(record)
    rest = record.tokens
    total = Decimal(0)
    for part in record.priced_parts:
        rest = _less(rest, part.tokens)
        # the record's 5m/1h cache-write split is its own model's, not the part's
        cost = calculate(replace(record, model=part.model, tokens=part.tokens, priced_parts=(), extras={}))
        if cost is None:
            return None
        total += cost
    if rest.any_reported() and any(rest.as_dict().values()):
        cost = calculate(replace(record, tokens=rest, priced_parts=()))
        if cost is None:
            return None
        total += cost
    return total


def _less(whole: Tokens, part: Tokens) -> Tokens:
    def minus(a: int | None, b: int | None) -> int | None:
        return a if a is None or b is None else max(a - b, 0)

    return Tokens(
        input=minus(whole.input, part.input),
        output=minus(whole.output, part.output),
        cache_read=minus(whole.cache_read, part.cache_read),
        cache_write=minus(whole.cache_write, part.cache_write),
        reasoning=minus(whole.reasoning, part.reasoning),
    )
