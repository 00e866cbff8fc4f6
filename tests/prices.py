"""Prices as the installed genai-prices gives them, for tests that work a cost out by hand.

genai-prices ships new price data every week or so and corrects old prices now and then; a
test that wrote $0.40 per million into its arithmetic would fail on the next release. These
tests keep the arithmetic (which token is priced at which rate) and read the rates from the
package at the request's date, as llmstat must.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from genai_prices.data_snapshot import get_snapshot
from genai_prices.types import TieredPrices

# llmstat's names for genai-prices' per-million price keys
KEYS = {
    "input": "input_mtok",
    "cache_read": "cache_read_mtok",
    "cache_write": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok",
    "output": "output_mtok",
}


def when_of(started: str | datetime | None) -> datetime:
    if started is None:
        return datetime.now(UTC)
    if isinstance(started, datetime):
        return started
    return datetime.fromisoformat(started.replace("Z", "+00:00"))


def per_mtok(
    provider: str, model: str, started: str | datetime | None = None, input_total: int = 0
) -> dict[str, float]:
    """USD per million tokens of each kind for ``model`` at ``started`` (now when None), in the
    tier that ``input_total`` input tokens reach (a tier applies above its start)."""
    _, info = get_snapshot().find_provider_model(model, None, provider, None)
    price: Any = info.get_prices(when_of(started))
    out: dict[str, float] = {}
    for name, key in KEYS.items():
        value = getattr(price, key, None)
        if value is None:
            continue
        if isinstance(value, TieredPrices):
            rate: Decimal = value.base
            for tier in value.tiers:
                if input_total > tier.start:
                    rate = tier.price
            value = rate
        out[name] = float(value)
    return out
