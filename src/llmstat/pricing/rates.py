"""What a token costs: linear rates, and one model's prices over time as periods and tiers.

A :class:`PriceBook` is genai-prices' ``ModelInfo`` reduced to what pricing a record needs, in
plain values that :mod:`llmstat.pricing.cache` can store: which price period is in force at an
instant and, within it, the rates of each tier. Choosing a period follows
``ModelInfo.get_prices``: the periods are tried last to first, the first whose constraint holds
wins, else the first period. Nothing here imports genai-prices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

from llmstat.dataclass import dataclass

# genai-prices' usage keys, in the order of a record's counts
USAGE_KEYS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "output_reasoning_tokens",
)
Counts = tuple[int, ...]  # in USAGE_KEYS order


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per token of each usage key, as what one more token of that key adds, plus a price
    per request: ``cost = per_request + Σ rate × count``. A cache read is also an input token,
    so its rate is the cache-read price minus the input price."""

    per_request: Decimal
    per_token: tuple[Decimal, ...]  # in USAGE_KEYS order

    def cost(self, counts: Counts) -> Decimal:
        total = self.per_request
        for rate, n in zip(self.per_token, counts, strict=True):
            if n and rate:
                total += rate * n
        return total


# The instants below are aware datetimes in UTC (llmstat.summary.clock.instant_of gives no
# other kind), so the UTC date and time of day are their own.


@dataclass(frozen=True, slots=True)
class Since:
    """genai-prices' ``StartDateConstraint``: in force from this UTC date on."""

    day: date

    def holds(self, when: datetime) -> bool:
        return when.date() >= self.day


@dataclass(frozen=True, slots=True)
class Daily:
    """genai-prices' ``TimeOfDateConstraint``: in force each day from ``start`` until ``end``
    (UTC times of day), across midnight when ``end`` comes first."""

    start: time
    end: time

    def holds(self, when: datetime) -> bool:
        t = when.time()
        if self.end < self.start:
            return t >= self.start or t < self.end
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class Period:
    """One set of prices and when it is in force (None: always). Tier ``i`` holds the inputs
    over ``starts[i - 1]`` up to ``starts[i]``; ``rates[i]`` is None where a tier is too narrow
    to work its rates out, and genai-prices must price each usage itself."""

    when: Since | Daily | None
    starts: tuple[int, ...]
    rates: tuple[Rates | None, ...]  # one per tier: len(starts) + 1

    def rates_for(self, input_tokens: int) -> Rates | None:
        return self.rates[tier_of(self.starts, input_tokens)]


@dataclass(frozen=True, slots=True)
class PriceBook:
    """One model's price periods, in genai-prices' order."""

    periods: tuple[Period, ...]

    def period_at(self, when: datetime) -> Period:
        for period in reversed(self.periods):
            if period.when is None or period.when.holds(when):
                return period
        return self.periods[0]


def tier_of(starts: Sequence[int], input_tokens: int) -> int:
    """genai-prices' rule: a tier applies once the input is over its start."""
    return sum(1 for s in starts if input_tokens > s)
