"""What each record cost, offline: genai-prices' bundled price data, or prices the user gives.

Nothing here goes to the network, prints or exits. ``genai_prices`` (and pydantic under it) is
imported on the first record that needs it, so ``--no-cost``, ``--version`` and runs priced
wholly from a ``--prices`` file never load it.

A record maps onto genai-prices' ``Usage`` key for key. Its keys nest the way ours do:
``input_tokens`` counts every prompt token, cache reads and writes included, and it charges the
cache part at the cache price and the rest at the input price; ``output_tokens`` counts every
generated token, reasoning included::

    input       -> input_tokens            cache_write_5m (extras) -> cache_write_5m_tokens
    cache_read  -> cache_read_tokens       cache_write_1h (extras) -> cache_write_1h_tokens
    cache_write -> cache_write_tokens      output                  -> output_tokens
                                           reasoning               -> output_reasoning_tokens

A null field is left out (genai-prices reads it as 0); a record that reports no token field is
not priced. The price is the one in force at the record's ``started`` instant (genai-prices
keeps dated price changes and time-of-day prices); an undated record gets today's.

Where the provider comes from: a recorded host that genai-prices knows (``api.openai.com``,
``api.anthropic.com``, ``generativelanguage.googleapis.com``, OpenRouter, ...) decides alone;
otherwise the dialect (``openai.*`` -> openai, ``anthropic.messages`` -> anthropic, ``gemini``
-> google), then genai-prices' own guess from the model name. Records from a local server (a
loopback or private host, the ``ollama`` and ``llamacpp`` dialects) are
never looked up: a local model is priced only by the user's ``--prices`` file.

Speed: genai-prices prices one usage in about 0.1 ms. Within one price period and one tier
(prices that step up past N input tokens) its price is linear in the seven counts above, so the
Pricer asks it once per model, period and tier what one more token of each kind adds, and prices
each record with those figures: the same Decimal arithmetic, checked against ``calc_price`` in
the tests.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmstat.record import Record
from llmstat.report.clock import instant_of

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo, ModelPrice, Provider

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
Counts = tuple[int, ...]

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)

# dialects whose servers run locally (CONTRACT.md's api names)
LOCAL_APIS = frozenset({"ollama", "llamacpp"})
DIALECT_PROVIDERS = {
    "openai.chat": "openai",
    "openai.completions": "openai",
    "openai.responses": "openai",
    "anthropic.messages": "anthropic",
    "gemini": "google",
}
NO_MODEL = "requests that name no model are not priced"


def usage_of(r: Record) -> dict[str, int]:
    """The record's counts under genai-prices' usage keys; null fields are left out."""
    t = r.tokens
    usage: dict[str, int] = {}
    if t.input is not None:
        usage["input_tokens"] = t.input
    if t.cache_read is not None:
        usage["cache_read_tokens"] = t.cache_read
    if t.cache_write is not None:
        usage["cache_write_tokens"] = t.cache_write
        for ttl in ("5m", "1h"):
            split = r.extras.get(f"cache_write_{ttl}")
            if isinstance(split, int) and not isinstance(split, bool):
                usage[f"cache_write_{ttl}_tokens"] = split
    if t.output is not None:
        usage["output_tokens"] = t.output
        if t.reasoning is not None:
            usage["output_reasoning_tokens"] = t.reasoning
    return usage


def inconsistency(usage: Mapping[str, int]) -> str | None:
    """Why these counts cannot be one request's usage (a part larger than its whole), or None."""
    get = usage.get
    read, write, inp = get("cache_read_tokens", 0), get("cache_write_tokens", 0), get("input_tokens", 0)
    if read + write > inp:
        return f"cache read {read:,} + cache write {write:,} > input {inp:,}"
    split = get("cache_write_5m_tokens", 0) + get("cache_write_1h_tokens", 0)
    if split > write:
        return f"5m + 1h cache writes {split:,} > cache write {write:,}"
    reasoning, output = get("output_reasoning_tokens", 0), get("output_tokens", 0)
    if reasoning > output:
        return f"reasoning {reasoning:,} > output {output:,}"
    return None


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


# --- the user's prices (--prices FILE) ---------------------------------------------------

PRICE_FIELDS = ("input", "cache_read", "cache_write", "cache_write_1h", "output")


@dataclass(frozen=True, slots=True)
class ModelPrices:
    """USD per million tokens, as a ``--prices`` file gives them."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write: Decimal
    cache_write_1h: Decimal

    def rates(self) -> Rates:
        # the same nesting as genai-prices: a cache token is an input token priced otherwise,
        # a 1h cache write a cache write priced otherwise; 5m writes are plain cache writes
        return Rates(
            ZERO,
            (
                self.input / MILLION,
                (self.cache_read - self.input) / MILLION,
                (self.cache_write - self.input) / MILLION,
                ZERO,
                (self.cache_write_1h - self.cache_write) / MILLION,
                self.output / MILLION,
                ZERO,
            ),
        )


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Model names (case-insensitive) or globs to prices; an exact name wins over a glob, and
    the first matching glob in file order wins over later ones."""

    exact: Mapping[str, ModelPrices] = field(default_factory=dict)
    globs: tuple[tuple[str, ModelPrices], ...] = ()

    def find(self, model: str) -> ModelPrices | None:
        name = model.lower()
        found = self.exact.get(name)
        if found is not None:
            return found
        for pattern, prices in self.globs:
            if fnmatch.fnmatchcase(name, pattern):
                return prices
        return None

    def __len__(self) -> int:
        return len(self.exact) + len(self.globs)


def _price_value(where: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: a price must be a number of USD per million tokens, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: a price must be a finite number >= 0, not {value!r}")
    return Decimal(str(value))


def _model_prices(name: str, spec: Any) -> ModelPrices:
    if not isinstance(spec, dict):
        flat = _price_value(name, spec)
        return ModelPrices(flat, flat, flat, flat, flat)
    unknown = sorted(set(spec) - set(PRICE_FIELDS))
    if unknown:
        raise ValueError(f"{name}: unknown price {unknown[0]!r} (use {', '.join(PRICE_FIELDS)})")
    for required in ("input", "output"):
        if required not in spec:
            raise ValueError(f"{name}: needs {required!r}")
    got = {k: _price_value(f"{name}.{k}", v) for k, v in spec.items()}
    write = got.get("cache_write", got["input"])
    return ModelPrices(
        input=got["input"],
        output=got["output"],
        cache_read=got.get("cache_read", got["input"]),
        cache_write=write,
        cache_write_1h=got.get("cache_write_1h", write),
    )


def price_table_from_text(text: str) -> PriceTable:
    """A ``--prices`` file's text, TOML or JSON (told apart by a leading ``{``); raises ValueError.

    ``{"models": {"NAME-OR-GLOB": PRICES, ...}}`` where PRICES is a number (every token at that
    price, 0 for a free local model) or ``{"input": .., "output": .., "cache_read": ..,
    "cache_write": .., "cache_write_1h": ..}`` in USD per million tokens; ``input`` and
    ``output`` are required, cache reads and writes default to the input price and 1h writes
    to the cache-write price.
    """
    try:
        doc: Any = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"neither TOML nor JSON: {e}") from None
    if not isinstance(doc, dict) or set(doc) - {"models"}:
        raise ValueError('expected one table, "models", of model names or globs to prices')
    models = doc.get("models", {})
    if not isinstance(models, dict):
        raise ValueError('"models" must be a table of model names or globs to prices')
    exact: dict[str, ModelPrices] = {}
    globs: list[tuple[str, ModelPrices]] = []
    for name, spec in models.items():
        prices = _model_prices(name, spec)
        key = name.lower()
        if any(c in key for c in "*?["):
            globs.append((key, prices))
        else:
            exact[key] = prices
    return PriceTable(exact, tuple(globs))


def load_price_table(path: str) -> PriceTable:
    """Read a ``--prices`` file; raises ValueError saying what is wrong."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        return price_table_from_text(text)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


# --- genai-prices ------------------------------------------------------------------------


def is_local_host(host: str) -> bool:
    """A loopback, private or link-local address, or a name only a local network resolves."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1 : name.find("]")]
    elif name.count(":") == 1:
        name = name.rsplit(":", 1)[0]
    if name == "localhost" or name.endswith((".localhost", ".local", ".internal", ".lan", ".home.arpa")):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name  # a bare name: a container or a machine on the LAN
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified


def is_local(r: Record) -> bool:
    """Served by a local server. A llama-swap capture is not assumed local: llama-swap also
    routes to hosted APIs, so a capture goes by its dialect and model like a bare body."""
    return r.api in LOCAL_APIS or (r.host is not None and is_local_host(r.host))


@dataclass(frozen=True, slots=True)
class _Found:
    provider: Provider
    model: ModelInfo


class _Catalog:
    """genai-prices' bundled snapshot: which provider and model a record names."""

    def __init__(self) -> None:
        import genai_prices
        from genai_prices.data_snapshot import get_snapshot

        self.version = genai_prices.__version__
        self.snapshot = get_snapshot()

    def find(self, r: Record, model: str) -> _Found | str:
        """The provider and model, or why there is none."""
        snap = self.snapshot
        if r.host:
            url = f"https://{r.host}{r.path or ''}"
            try:
                provider = snap.find_provider(None, None, url)
            except LookupError:
                pass  # a gateway or proxy genai-prices does not know: go by dialect
            else:
                info = provider.find_model(model, all_providers=snap.providers)
                if info is None:
                    return f"unknown to genai-prices {self.version} for {provider.id}"
                return _Found(provider, info)
        dialect = DIALECT_PROVIDERS.get(r.api)
        for provider_id in (dialect, None) if dialect else (None,):
            try:
                provider, info = snap.find_provider_model(model, None, provider_id, None)
            except LookupError:
                continue
            return _Found(provider, info)
        return f"unknown to genai-prices {self.version}"


def _tier_starts(price: ModelPrice) -> tuple[int, ...]:
    from genai_prices.types import TieredPrices

    starts = {t.start for v in vars(price).values() if isinstance(v, TieredPrices) for t in v.tiers}
    return tuple(sorted(starts))


def _tier_of(starts: Sequence[int], input_tokens: int) -> int:
    """genai-prices' rule: a tier applies once the input is over its start."""
    return sum(1 for s in starts if input_tokens > s)


def rates_by_probing(calc: Callable[[dict[str, int]], Decimal], lo: int, hi: int | None) -> Rates | None:
    """The linear form of ``calc`` for inputs in ``[lo, hi]`` (one tier), from its own figures:
    the input rate from two neighbouring inputs, each other key's rate as what one more token
    of it adds. None when the tier holds fewer than two input counts to probe with."""
    p = max(lo, 1)
    q = p + 1 if hi is None or p + 1 <= hi else p - 1
    if (hi is not None and p > hi) or q < lo:
        return None
    at_p = calc({"input_tokens": p})
    rate_in = (at_p - calc({"input_tokens": q})) * (p - q)  # p - q is 1 or -1

    def adds(key: str, within: dict[str, int]) -> Decimal:
        base = {"input_tokens": p, **within}
        return calc({**base, key: 1}) - calc(base)

    one_write = {"cache_write_tokens": 1}
    one_output = {"output_tokens": 1}
    return Rates(
        per_request=at_p - rate_in * p,
        per_token=(
            rate_in,
            adds("cache_read_tokens", {}),
            adds("cache_write_tokens", {}),
            adds("cache_write_5m_tokens", one_write),
            adds("cache_write_1h_tokens", one_write),
            adds("output_tokens", {}),
            adds("output_reasoning_tokens", one_output),
        ),
    )


class Pricer:
    """Prices records one by one, caching what it learns; collects one warning per model it
    cannot price (:meth:`take_warnings`)."""

    def __init__(self, table: PriceTable | None = None, *, now: datetime | None = None) -> None:
        self.table = table or PriceTable()
        self.now = now or datetime.now(UTC)
        self._catalog: _Catalog | None = None
        self._found: dict[tuple[Any, ...], _Found | str] = {}
        self._user_rates: dict[int, Rates] = {}
        # (id of a ModelPrice, tier) -> the ModelPrice (kept alive so the id stays its own), rates
        self._rates: dict[tuple[int, int], tuple[ModelPrice, Rates | None]] = {}
        self._starts: dict[int, tuple[int, ...]] = {}  # tier starts by id of a ModelPrice in _rates
        self._warned: set[str] = set()
        self._pending: list[str] = []

    @property
    def catalog(self) -> _Catalog:
        if self._catalog is None:
            self._catalog = _Catalog()
        return self._catalog

    def apply(self, records: Iterable[Record]) -> None:
        """Set each record's ``cost_usd``; a record whose counts do not add up gets a warning."""
        for r in records:
            cost = self.cost(r)
            r.cost_usd = None if cost is None else float(cost)

    def cost(self, r: Record) -> Decimal | None:
        """USD, exact; None when the record reports no tokens or its model has no price. A
        record whose counts do not add up is not priced and gets a warning saying why."""
        usage = usage_of(r)
        if not usage:
            return None  # nothing reported: not known, never $0
        if not r.model:
            self._warn(NO_MODEL, NO_MODEL)
            return None
        problem = inconsistency(usage)
        if problem is not None:
            r.warnings.append(f"not priced: usage does not add up ({problem})")
            return None
        counts = tuple(usage.get(k, 0) for k in USAGE_KEYS)
        user = self.table.find(r.model)
        if user is not None:
            rates = self._user_rates.get(id(user))
            if rates is None:
                rates = self._user_rates[id(user)] = user.rates()
            return rates.cost(counts)
        found = self._lookup(r, r.model)
        if found is None:
            return None
        when = instant_of(r.started) or self.now
        price = found.model.get_prices(when)
        starts = self._starts.get(id(price))
        if starts is None:
            starts = self._starts[id(price)] = _tier_starts(price)
        tier = _tier_of(starts, counts[0])
        key = (id(price), tier)
        cached = self._rates.get(key)
        if cached is None:
            lo = 0 if tier == 0 else starts[tier - 1] + 1
            hi = starts[tier] if tier < len(starts) else None
            cached = self._rates[key] = (price, rates_by_probing(self._calc(found, when), lo, hi))
        rates = cached[1]
        if rates is None:
            return self._calc(found, when)(usage)
        return rates.cost(counts)

    def _calc(self, found: _Found, when: datetime) -> Callable[[dict[str, int]], Decimal]:
        from genai_prices import Usage

        def calc(usage: dict[str, int]) -> Decimal:
            return found.model.calc_price(
                Usage(**usage), found.provider, genai_request_timestamp=when
            ).total_price

        return calc

    def _lookup(self, r: Record, model: str) -> _Found | None:
        key = (r.host, r.path if r.host else None, r.api, model)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = "served locally" if is_local(r) else self.catalog.find(r, model)
        if isinstance(found, str):
            self._warn(
                model,
                f"no price for model {model!r} ({found}): cost left null; set one with --prices FILE",
            )
            return None
        return found

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self._pending.append(message)

    def take_warnings(self) -> list[str]:
        """The warnings raised since the last call, each model once per run."""
        out, self._pending = self._pending, []
        return out
