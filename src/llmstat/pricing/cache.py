"""What earlier runs learned from genai-prices, kept on disk so that a run pricing only models
seen before never imports it (0.2 s a run: pydantic, httpx and its price data).

One JSON file, ``prices.json`` in ``$LLMSTAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/llmstat``, else
``%LOCALAPPDATA%\\llmstat`` on Windows and ``~/.cache/llmstat`` elsewhere; ``LLMSTAT_NO_CACHE=1``
turns it off. It holds only what llmstat derived from the installed genai-prices: which model a
lookup found (or why none), and each model's :class:`~llmstat.pricing.rates.PriceBook`. A fingerprint of
that installation, taken without importing it (the files' paths, sizes and modification times),
tells whether the file still applies; when it does not, the file is ignored and rewritten.

The cache only saves time: a file that cannot be read or does not parse is as good as none, one
that cannot be written is not written, and neither is ever reported.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from dataclasses import field
from datetime import date, time
from decimal import Decimal
from typing import Any

import orjson

from llmstat.dataclass import dataclass
from llmstat.pricing.rates import USAGE_KEYS, Daily, Period, PriceBook, Rates, Since

# bump when the layout of the file changes (editing pricer.py or rates.py changes the
# fingerprint by itself)
FORMAT = 1
FILE_NAME = "prices.json"

LookupKey = tuple[str | None, str | None, str, str]  # host, path (with a host), api, model
ModelKey = tuple[str, str]  # id of the provider listing the model, model id


@dataclass(slots=True)
class Learned:
    """Lookups to the model they found or why there is none, and each model's prices."""

    lookups: dict[LookupKey, ModelKey | str] = field(default_factory=dict)
    books: dict[ModelKey, PriceBook] = field(default_factory=dict)


def cache_dir() -> str:
    env = os.environ.get
    explicit = env("LLMSTAT_CACHE_DIR")
    if explicit:
        return explicit
    xdg = env("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "llmstat")
    local = env("LOCALAPPDATA") if os.name == "nt" else None
    if local:
        return os.path.join(local, "llmstat")
    return os.path.join(os.path.expanduser("~"), ".cache", "llmstat")


def fingerprint() -> str | None:
    """The installed genai-prices and llmstat's pricing code, as paths, sizes and modification
    times; None when genai-prices is not found. ``find_spec`` of a top-level package locates it
    without running it."""
    try:
        spec = importlib.util.find_spec("genai_prices")
        if spec is None or not spec.submodule_search_locations:
            return None
        genai = next(iter(spec.submodule_search_locations))
        ours = os.path.dirname(os.path.abspath(__file__))
        parts: list[object] = [FORMAT]
        for folder, names in ((genai, ("data.py", "types.py")), (ours, ("pricer.py", "rates.py"))):
            for name in names:
                path = os.path.join(folder, name)
                st = os.stat(path)
                parts += [path, st.st_size, st.st_mtime_ns]
    except (ImportError, ValueError, OSError):
        return None
    return "|".join(map(str, parts))


class PriceCache:
    """The cache file in ``folder``."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, FILE_NAME)
        self._fingerprint: str | None = None

    def load(self) -> Learned:
        """What the file holds for this installation; nothing when it is missing, unreadable,
        malformed or of another installation."""
        self._fingerprint = fingerprint()
        if self._fingerprint is None:
            return Learned()
        try:
            with open(self.path, "rb") as fh:
                doc = orjson.loads(fh.read())
            if not isinstance(doc, dict) or doc.get("fingerprint") != self._fingerprint:
                return Learned()
            return _decode(doc)
        except (OSError, ValueError, TypeError, KeyError, IndexError, ArithmeticError):
            return Learned()

    def save(self, learned: Learned) -> None:
        """Replace the file with ``learned`` (written beside it, then renamed over it, so that
        no reader sees half a file); silently not done when that fails."""
        if self._fingerprint is None:
            return
        folder = os.path.dirname(self.path)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(folder, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(orjson.dumps(_encode(learned, self._fingerprint)))
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def default_cache() -> PriceCache | None:
    """The user's cache, or None when ``LLMSTAT_NO_CACHE`` is set (to anything but 0)."""
    if os.environ.get("LLMSTAT_NO_CACHE", "") not in ("", "0"):
        return None
    return PriceCache(cache_dir())


# --- the file ------------------------------------------------------------------------------
#
# {"fingerprint": "...",
#  "lookups": [[host, path, api, model, [provider id, model id] or "why no price"], ...],
#  "models": [[provider id, model id, [period, ...]], ...]}
#
# period: {"when": null | ["since", "2025-06-10"] | ["daily", "00:30:00", "16:30:00"],
#          "starts": [200000], "rates": [[per request, [per token, ...]] or null, ...]}
# Decimals are strings, so that they come back digit for digit.


def _encode(learned: Learned, fp: str) -> dict[str, Any]:
    return {
        "fingerprint": fp,
        "lookups": [
            [*key, found if isinstance(found, str) else list(found)] for key, found in learned.lookups.items()
        ],
        "models": [[*key, [_encode_period(p) for p in book.periods]] for key, book in learned.books.items()],
    }


def _encode_period(period: Period) -> dict[str, Any]:
    when: list[str] | None = None
    if isinstance(period.when, Since):
        when = ["since", period.when.day.isoformat()]
    elif isinstance(period.when, Daily):
        when = ["daily", period.when.start.isoformat(), period.when.end.isoformat()]
    return {
        "when": when,
        "starts": list(period.starts),
        "rates": [
            None if r is None else [str(r.per_request), [str(d) for d in r.per_token]] for r in period.rates
        ],
    }


def _decode(doc: dict[str, Any]) -> Learned:
    """Raises TypeError, ValueError, KeyError, IndexError or ArithmeticError on any flaw."""
    learned = Learned()
    for provider, model, periods in doc["models"]:
        book = PriceBook(tuple(_decode_period(p) for p in periods))
        if not book.periods:
            raise ValueError("a model without prices")
        learned.books[_text(provider), _text(model)] = book
    for host, path, api, model, found in doc["lookups"]:
        key = (_text_or_none(host), _text_or_none(path), _text(api), _text(model))
        if isinstance(found, str):
            learned.lookups[key] = found
        else:
            provider, model_id = found
            if (provider, model_id) not in learned.books:
                raise KeyError(f"no prices for {provider}/{model_id}")
            learned.lookups[key] = (provider, model_id)
    return learned


def _decode_period(v: dict[str, Any]) -> Period:
    when, starts = v["when"], v["starts"]
    if not all(type(s) is int for s in starts):
        raise TypeError("tier starts are whole numbers")
    constraint: Since | Daily | None = None
    if when is not None:
        kind, *args = when
        if kind == "since":
            [day] = args
            constraint = Since(date.fromisoformat(_text(day)))
        elif kind == "daily":
            start, end = args
            constraint = Daily(time.fromisoformat(_text(start)), time.fromisoformat(_text(end)))
        else:
            raise ValueError(f"unknown constraint {kind!r}")
    period = Period(constraint, tuple(starts), tuple(_decode_rates(r) for r in v["rates"]))
    if len(period.rates) != len(period.starts) + 1:
        raise ValueError("one rates per tier")
    return period


def _decode_rates(v: Any) -> Rates | None:
    if v is None:
        return None
    per_request, per_token = v
    rates = Rates(_decimal(per_request), tuple(_decimal(d) for d in per_token))
    if len(rates.per_token) != len(USAGE_KEYS):
        raise ValueError("one rate per usage key")
    return rates


def _decimal(v: object) -> Decimal:
    d = Decimal(_text(v))
    if not d.is_finite():
        raise ValueError(f"not a price: {v!r}")
    return d


def _text(v: object) -> str:
    if not isinstance(v, str):
        raise TypeError(f"not a string: {v!r}")
    return v


def _text_or_none(v: object) -> str | None:
    return None if v is None else _text(v)
