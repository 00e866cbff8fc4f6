"""What each record cost, offline: genai-prices' bundled price data, or prices the user gives.

Nothing here goes to the network, prints or exits. Resolution order: the ``--prices`` file,
then what earlier runs learned (the price cache, :mod:`llmstat.pricing.cache`), then genai-prices.
``genai_prices`` (and pydantic under it: 0.2 s, most of a run) is imported only to look up a
model that no earlier run did, so ``--no-cost``, ``--version``, runs priced wholly from a
``--prices`` file and runs whose models are all in the cache never load it.

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
first time a model is looked up the Pricer asks it, for every period and tier, what one more
token of each kind adds (:func:`rates_by_probing`), and prices each record with those figures:
the same Decimal arithmetic, checked against ``calc_price`` in the tests. Those figures, with
when each period is in force, make the model's :class:`~llmstat.pricing.rates.PriceBook`, which is what
the cache keeps; a tier too narrow to probe has none, and genai-prices prices its usages itself.
"""

from __future__ import annotations

import fnmatch
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmstat.dataclass import dataclass
from llmstat.pricing.cache import Learned, LookupKey, ModelKey, PriceCache
from llmstat.pricing.modes import COST_MODES, cost_of
from llmstat.pricing.rates import USAGE_KEYS, Daily, Period, PriceBook, Rates, Since
from llmstat.protocols.registry import is_local as is_local_api
from llmstat.protocols.registry import provider_of
from llmstat.record import Record, instant_of

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo, ModelPrice, Provider, StartDateConstraint, TimeOfDateConstraint

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)

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


def _counts(usage: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(usage.get(k, 0) for k in USAGE_KEYS)


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
    import tomllib  # only here: it compiles a dozen regexes on import, a cost to every priced run

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
    import ipaddress  # off start-up: only records that name their host get here

    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name  # a bare name: a container or a machine on the LAN
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified


def is_local(r: Record) -> bool:
    """Served by a local server. A llama-swap capture is not assumed local: llama-swap also
    routes to hosted APIs, so a capture goes by its dialect and model like a bare body."""
    return is_local_api(r.api) or (r.host is not None and is_local_host(r.host))


@dataclass(frozen=True, slots=True)
class _Found:
    """A model found in the price data, with the provider that lists it."""

    provider: Provider
    model: ModelInfo


class _Catalog:
    """genai-prices' bundled snapshot: which provider and model a lookup names."""

    def __init__(self) -> None:
        import genai_prices
        from genai_prices.data_snapshot import get_snapshot

        self.version = genai_prices.__version__
        self.snapshot = get_snapshot()

    def find(self, key: LookupKey) -> _Found | str:
        """The provider and model, or why there is none."""
        host, path, api, model = key
        snap = self.snapshot
        if host:
            url = f"https://{host}{path or ''}"
            try:
                provider = snap.find_provider(None, None, url)
            except LookupError:
                pass  # a gateway or proxy genai-prices does not know: go by dialect
            else:
                info = provider.find_model(model, all_providers=snap.providers)
                if info is None:
                    return f"unknown to genai-prices {self.version} for {provider.id}"
                return _Found(provider, info)
        dialect = provider_of(api)
        for provider_id in (dialect, None) if dialect else (None,):
            try:
                provider, info = snap.find_provider_model(model, None, provider_id, None)
            except LookupError:
                continue
            return _Found(provider, info)
        return f"unknown to genai-prices {self.version}"

    def key_of(self, found: _Found) -> ModelKey:
        """The provider listing the model (not always the one found: a provider may fall back on
        another's models, and two may list different models under one id) and the model's id."""
        info = found.model
        owners = (p.id for p in self.snapshot.providers if any(m is info for m in p.models))
        return next(owners, found.provider.id), info.id


def book_of(info: ModelInfo) -> PriceBook:
    """One model's prices in genai-prices as a PriceBook: each period's rates, tier by tier."""
    from genai_prices.types import ModelPrice

    if isinstance(info.prices, ModelPrice):
        return PriceBook((_period_of(None, info.prices),))
    return PriceBook(tuple(_period_of(c.constraint, c.prices) for c in info.prices))


def _period_of(constraint: StartDateConstraint | TimeOfDateConstraint | None, price: ModelPrice) -> Period:
    from genai_prices import Usage

    def calc(usage: dict[str, int]) -> Decimal:
        # what ModelInfo.calc_price adds to this is the choice of period, made here already
        return price.calc_price(Usage(**usage))["total_price"]

    starts = _tier_starts(price)
    bounds = zip((0, *(s + 1 for s in starts)), (*starts, None), strict=True)
    return Period(_when_of(constraint), starts, tuple(rates_by_probing(calc, lo, hi) for lo, hi in bounds))


def _when_of(constraint: StartDateConstraint | TimeOfDateConstraint | None) -> Since | Daily | None:
    from genai_prices.types import StartDateConstraint

    if constraint is None:
        return None
    if isinstance(constraint, StartDateConstraint):
        return Since(constraint.start_date)
    return Daily(_utc_time(constraint.start_time), _utc_time(constraint.end_time))


def _utc_time(t: time) -> time:
    """A time of day as a naive UTC one; genai-prices reads a naive one as UTC."""
    if t.tzinfo is None:
        return t
    return datetime.combine(date(1970, 1, 1), t).astimezone(UTC).time()


def _tier_starts(price: ModelPrice) -> tuple[int, ...]:
    from genai_prices.types import TieredPrices

    starts = {t.start for v in vars(price).values() if isinstance(v, TieredPrices) for t in v.tiers}
    return tuple(sorted(starts))


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
    """Prices records one by one, remembering what it learns; collects one warning per model it
    cannot price (:meth:`take_warnings`). Given a cache, it starts from what earlier runs learned
    and :meth:`save` adds what this one did."""

    def __init__(
        self,
        table: PriceTable | None = None,
        *,
        now: datetime | None = None,
        cache: PriceCache | None = None,
        mode: str = "auto",
    ) -> None:
        if mode not in COST_MODES:
            raise ValueError(f"cost mode {mode!r} is none of {', '.join(COST_MODES)}")
        self.mode = mode
        self.table = table or PriceTable()
        now = now or datetime.now(UTC)
        # a PriceBook takes UTC instants; genai-prices reads a naive one as UTC
        self.now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
        self.cache = cache
        self._catalog: _Catalog | None = None
        self._learned: Learned | None = None
        self._unsaved = False
        self._found: dict[LookupKey, PriceBook | str] = {}
        self._genai: dict[LookupKey, _Found] = {}  # for the tiers only genai-prices can price
        self._user_rates: dict[int, Rates] = {}
        self._warned: set[str] = set()
        self._pending: list[str] = []

    @property
    def catalog(self) -> _Catalog:
        if self._catalog is None:
            self._catalog = _Catalog()
        return self._catalog

    @property
    def learned(self) -> Learned:
        """What this and (from the cache) earlier runs found, read on the first lookup."""
        if self._learned is None:
            self._learned = Learned() if self.cache is None else self.cache.load()
        return self._learned

    def apply(self, records: Iterable[Record]) -> None:
        """Set each record's ``cost_usd`` and ``cost_source`` as the cost mode says (see
        :mod:`llmstat.pricing.modes`); a record whose counts do not add up gets a warning."""
        for r in records:
            cost_of(r, self.mode, self.cost)

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
            note = f"not priced: usage does not add up ({problem})"
            if note not in r.warnings:  # a record priced again (a summary made anew) says it once
                r.warnings.append(note)
            return None
        user = self.table.find(r.model)
        if user is not None:
            rates = self._user_rates.get(id(user))
            if rates is None:
                rates = self._user_rates[id(user)] = user.rates()
            return rates.cost(_counts(usage))
        key = (r.host, r.path if r.host else None, r.api, r.model)
        book = self._lookup(r, key)
        if book is None:
            return None
        counts = _counts(usage)
        when = instant_of(r.started) or self.now
        rates = book.period_at(when).rates_for(counts[0])
        if rates is None:
            found = self._genai_found(key)
            return None if found is None else self._calc(found, when)(usage)
        return rates.cost(counts)

    def _lookup(self, r: Record, key: LookupKey) -> PriceBook | None:
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = "served locally" if is_local(r) else self._resolve(key)
        if isinstance(found, str):
            model = key[3]
            self._warn(
                model,
                f"no price for model {model!r} ({found}): cost left null; set one with --prices FILE",
            )
            return None
        return found

    def _resolve(self, key: LookupKey) -> PriceBook | str:
        """What an earlier run found, else what genai-prices finds (then kept for later runs)."""
        learned = self.learned
        known = learned.lookups.get(key)
        if known is None:
            found = self.catalog.find(key)
            if isinstance(found, str):
                known = found
            else:
                self._genai[key] = found
                known = self.catalog.key_of(found)
                if known not in learned.books:
                    learned.books[known] = book_of(found.model)
            learned.lookups[key] = known
            self._unsaved = True
        return known if isinstance(known, str) else learned.books[known]

    def _genai_found(self, key: LookupKey) -> _Found | None:
        """genai-prices' own model for a lookup; None only where a cache file was altered by
        hand (it holds what this installation of genai-prices found)."""
        if key not in self._genai:
            found = self.catalog.find(key)
            if isinstance(found, str):
                return None
            self._genai[key] = found
        return self._genai[key]

    def _calc(self, found: _Found, when: datetime) -> Callable[[dict[str, int]], Decimal]:
        from genai_prices import Usage

        def calc(usage: dict[str, int]) -> Decimal:
            return found.model.calc_price(
                Usage(**usage), found.provider, genai_request_timestamp=when
            ).total_price

        return calc

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self._pending.append(message)

    def take_warnings(self) -> list[str]:
        """The warnings raised since the last call, each model once per run."""
        out, self._pending = self._pending, []
        return out

    def forget_warnings(self) -> None:
        """Drop the warnings not yet taken, and what was warned of: the records are priced anew."""
        self._warned.clear()
        self._pending.clear()

    def save(self) -> None:
        """Write what this run learned to the cache, if it has one and learned anything; a
        cache that cannot be written is left as it is."""
        if self.cache is not None and self._learned is not None and self._unsaved:
            self.cache.save(self._learned)
            self._unsaved = False
