"""The price cache: a run over models seen before prices exactly as genai-prices would, without
importing it; a cache of another installation, a damaged one or an unwritable folder changes
nothing but the time taken.

conftest.py points LLMSTAT_CACHE_DIR at a folder of the test session's; the tests here that
need a cold cache point it at one of their own.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices
import pytest
from genai_prices import Usage, calc_price
from genai_prices.types import (
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    StartDateConstraint,
    TimeOfDateConstraint,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.pricing import cache as price_cache
from llmstat.pricing.cache import FILE_NAME, PriceCache, fingerprint
from llmstat.pricing.pricer import Pricer, book_of, usage_of
from llmstat.pricing.rates import Daily, Since
from llmstat.record import Record, Tokens, instant_of, iso_utc
from tests.conftest import FIXTURES
from tests.prices import per_mtok
from tests.test_pricing import MODELS, anthropic, genai_prices_loaded, o3, usages

RUNS = (
    ("parse", str(FIXTURES), "--format", "json"),
    ("summarize", str(FIXTURES), "--format", "json"),
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache file of a cold cache of this test's own."""
    monkeypatch.setenv("LLMSTAT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / FILE_NAME


def outputs(cli: Any) -> list[tuple[int, str, str]]:
    """Exit code, stdout and stderr of a parse and a summarize of every fixture."""
    return [(run.exit_code, run.stdout, run.stderr) for run in (cli(*args) for args in RUNS)]


@pytest.fixture
def uncached(cli: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, str]]:
    """The outputs with the cache turned off: what every run must print."""
    with monkeypatch.context() as m:
        m.setenv("LLMSTAT_NO_CACHE", "1")
        return outputs(cli)


def test_uncached_runs_write_no_cache(cli: Any, cache: Path, uncached: Any) -> None:
    assert not cache.parent.exists()
    assert sum(r["cost_usd"] is not None for r in json.loads(uncached[0][1])) > 30  # priced at all


def test_a_warm_run_prices_every_fixture_as_a_cold_one(cli: Any, cache: Path, uncached: Any) -> None:
    cold = outputs(cli)
    assert cold == uncached
    assert cache.is_file()
    written, stamp = cache.read_bytes(), cache.stat().st_mtime_ns
    warm = outputs(cli)
    assert warm == uncached  # costs to the last digit, and each warning once, as before
    # nothing new learned: not written again
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == (written, stamp)
    assert os.listdir(cache.parent) == [FILE_NAME]


def test_a_warm_run_never_imports_genai_prices(cache: Path) -> None:
    parse, summarize = RUNS
    assert genai_prices_loaded(*parse)  # cold: it learns every model of the fixtures
    assert not genai_prices_loaded(*parse)  # unknown and local models included
    assert not genai_prices_loaded(*summarize)
    assert genai_prices_loaded(*parse, LLMSTAT_NO_CACHE="1")


def test_the_cache_holds_lookups_and_prices(cli: Any, cache: Path) -> None:
    cli("parse", str(FIXTURES / "bodies"), "--format", "json")
    doc = json.loads(cache.read_bytes())
    assert doc["fingerprint"] == fingerprint()
    lookups = {tuple(row[:4]): row[4] for row in doc["lookups"]}
    assert lookups[None, None, "openai.chat", "gpt-4.1-mini-2025-04-14"] == ["openai", "gpt-4.1-mini"]
    assert (
        lookups[None, None, "openai.chat", "gemma3-12b"]
        == f"unknown to genai-prices {genai_prices.__version__}"
    )
    models = {(provider, model): periods for provider, model, periods in doc["models"]}
    [period] = models["openai", "gpt-4.1-mini"]
    assert (period["when"], period["starts"]) == (None, [])  # one price, no tiers
    [[per_request, per_token]] = period["rates"]
    # USD per token, in genai-prices' usage key order: input, cache read (less input), ...
    assert Decimal(per_request) == 0
    p = {k: Decimal(str(v)) / 1_000_000 for k, v in per_mtok("openai", "gpt-4.1-mini").items()}
    want = [p["input"], p["cache_read"] - p["input"], 0, 0, 0, p["output"], 0]
    assert list(map(Decimal, per_token)) == want


def damage(cache: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(cache.read_bytes())
    change(doc)
    cache.write_text(json.dumps(doc))


def every_price_a_dollar(doc: dict[str, Any]) -> None:
    for _, _, periods in doc["models"]:
        for period in periods:
            period["rates"] = [["1", ["1"] * 7] for _ in period["rates"]]


def test_another_installation_s_cache_is_ignored_and_rewritten(
    cli: Any, cache: Path, uncached: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs(cli)

    def another(doc: dict[str, Any]) -> None:
        doc["fingerprint"] = "another genai-prices"
        every_price_a_dollar(doc)

    damage(cache, another)
    assert outputs(cli) == uncached
    assert json.loads(cache.read_bytes())["fingerprint"] == fingerprint()
    # and the other way round: this cache is not that of another installation
    monkeypatch.setattr(price_cache, "fingerprint", lambda: "another genai-prices")
    damage(cache, every_price_a_dollar)
    assert outputs(cli) == uncached
    assert json.loads(cache.read_bytes())["fingerprint"] == "another genai-prices"


def test_the_fingerprint_follows_the_installed_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a stand-in genai_prices that cannot be imported: the fingerprint never imports it
    pkg = tmp_path / "genai_prices"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise ImportError('imported')\n")
    (pkg / "data.py").write_text("providers = []\n")
    (pkg / "types.py").write_text("\n")
    real = fingerprint()
    monkeypatch.delitem(sys.modules, "genai_prices")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = fingerprint()
    assert first is not None and first != real and str(pkg / "data.py") in first
    (pkg / "data.py").write_text("providers = [...]\n")
    assert fingerprint() not in (first, None)
    (pkg / "data.py").unlink()
    assert fingerprint() is None  # no data: no cache


def truncated(fp: str, real: bytes) -> bytes:
    return real[: len(real) // 2]


def shaped(doc: Any) -> Callable[[str, bytes], bytes]:
    return lambda fp, real: json.dumps(doc).replace("FP", fp).encode()


def edited(change: Callable[[dict[str, Any]], None]) -> Callable[[str, bytes], bytes]:
    def edit(fp: str, real: bytes) -> bytes:
        doc = json.loads(real)
        change(doc)
        return json.dumps(doc).encode()

    return edit


def first_period(doc: dict[str, Any]) -> dict[str, Any]:
    period: dict[str, Any] = doc["models"][0][2][0]
    return period


DAMAGED: dict[str, Callable[[str, bytes], bytes]] = {
    "garbage": lambda fp, real: b"\x00\xff\xfe not json at all",
    "empty": lambda fp, real: b"",
    "truncated": truncated,
    "a list": shaped([]),
    "no tables": shaped({"fingerprint": "FP"}),
    "lookups not a list": shaped({"fingerprint": "FP", "lookups": 5, "models": []}),
    "a lookup of no model": shaped(
        {"fingerprint": "FP", "lookups": [[None, None, "openai.chat", "o3", ["openai", "o3"]]], "models": []}
    ),
    "a price not a number": edited(lambda doc: first_period(doc).update(rates=[["cheap", ["0"] * 7]])),
    "a price a float": edited(lambda doc: first_period(doc).update(rates=[[0.5, ["0"] * 7]])),
    "too few rates": edited(lambda doc: first_period(doc).update(rates=[["0", ["0"] * 3]])),
    "a tier too many": edited(lambda doc: first_period(doc)["rates"].append(None)),
    "an unknown constraint": edited(lambda doc: first_period(doc).update(when=["weekly", "monday"])),
    "a bad date": edited(lambda doc: first_period(doc).update(when=["since", "2025-13-40"])),
    "a model with no prices": edited(lambda doc: doc["models"][0].__setitem__(2, [])),
}


@pytest.mark.parametrize("make", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_cache_is_as_good_as_none(
    cli: Any, cache: Path, uncached: Any, make: Callable[[str, bytes], bytes]
) -> None:
    outputs(cli)
    fp = fingerprint()
    assert fp is not None
    cache.write_bytes(make(fp, cache.read_bytes()))
    assert outputs(cli) == uncached
    assert json.loads(cache.read_bytes())["fingerprint"] == fp  # rewritten whole


@pytest.mark.parametrize("where", ["below a file", "a folder in the way"])
def test_an_unwritable_cache_changes_nothing(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: Any, where: str
) -> None:
    if where == "below a file":
        (tmp_path / "file").write_text("")
        folder = tmp_path / "file" / "cache"
    else:
        folder = tmp_path / "cache"
        (folder / FILE_NAME).mkdir(parents=True)
    monkeypatch.setenv("LLMSTAT_CACHE_DIR", str(folder))
    assert outputs(cli) == uncached
    assert outputs(cli) == uncached
    if folder.is_dir():
        assert os.listdir(folder) == [FILE_NAME]  # no temporary file left behind


# --- the Pricer with a cache, against genai-prices ------------------------------------------


def three_ways(records: list[Record], folder: Path, now: datetime | None = None) -> list[Decimal | None]:
    """Each record's cost without a cache, with a cold one and with the warm one it left; the
    three must agree."""
    uncached = Pricer(now=now)
    cold = Pricer(now=now, cache=PriceCache(str(folder)))
    want = [uncached.cost(r) for r in records]
    assert [cold.cost(r) for r in records] == want
    cold.save()
    warm = Pricer(now=now, cache=PriceCache(str(folder)))
    assert [warm.cost(r) for r in records] == want
    warm.save()
    return want


def genai_cost(r: Record, provider: str, when: datetime) -> Decimal:
    usage = Usage(**usage_of(r))
    return calc_price(usage, r.model or "", provider_id=provider, genai_request_timestamp=when).total_price


def deepseek(started: str) -> Record:
    return Record(
        "x", 0, api="openai.chat", model="deepseek-reasoner", started=started, tokens=Tokens(1046, 389, 960)
    )


def test_dated_prices_from_the_cache(tmp_path: Path) -> None:
    # o3 before and from its 2025-06-10 price cut (10/40, then 2/8 per million)
    before, after = o3("2025-06-09T23:59:59.999Z"), o3("2025-06-10T00:00:00.000Z")
    assert three_ways([before, after], tmp_path) == [Decimal("0.014"), Decimal("0.0028")]
    for r in (before, after):
        assert three_ways([r], tmp_path) == [
            genai_cost(r, "openai", instant_of(r.started) or datetime.now(UTC))
        ]
    # undated: the prices of "now"
    for now, cost in ((datetime(2025, 5, 1, tzinfo=UTC), "0.014"), (datetime(2025, 7, 1), "0.0028")):
        assert three_ways([o3("")], tmp_path, now) == [Decimal(cost)]


def test_time_of_day_prices_from_the_cache(tmp_path: Path) -> None:
    # deepseek-reasoner: 0.55/0.14/2.19 from 00:30 to 16:30 UTC, else 0.135/0.035/0.55
    day = (86 * Decimal("0.55") + 960 * Decimal("0.14") + 389 * Decimal("2.19")) / 1_000_000
    night = (86 * Decimal("0.135") + 960 * Decimal("0.035") + 389 * Decimal("0.55")) / 1_000_000
    times = {"00:29:59.999": night, "00:30:00.000": day, "16:29:59.999": day, "16:30:00.000": night}
    records = [deepseek(f"2025-06-01T{t}Z") for t in times]
    assert three_ways(records, tmp_path) == list(times.values())
    # an offset timestamp is read in UTC: 18:00+02:00 is 16:00 UTC, in the day prices
    assert three_ways([deepseek("2025-06-01T18:00:00+02:00")], tmp_path) == [day]


def test_over_200k_input_from_the_cache(tmp_path: Path) -> None:
    over = anthropic(210_000, 200_000, 5_000, 1_000, cache_write_5m=5_000)
    at = anthropic(200_000, 195_000, 0, 1_000)
    assert three_ways([over, at], tmp_path) == [
        (5_000 * 6 + 200_000 * Decimal("0.60") + 5_000 * Decimal("7.50") + 1_000 * Decimal("22.50"))
        / 1_000_000,
        (5_000 * 3 + 195_000 * Decimal("0.30") + 1_000 * 15) / 1_000_000,
    ]


def test_a_tier_without_rates_is_priced_by_genai_prices(tmp_path: Path) -> None:
    # as the cache of a model whose tier is too narrow to probe: genai-prices prices each usage
    before, after = o3("2025-06-09T12:00:00.000Z"), o3("2025-07-01T12:00:00.000Z")
    three_ways([before], tmp_path)

    def no_rates(doc: dict[str, Any]) -> None:
        for _, _, periods in doc["models"]:
            for period in periods:
                period["rates"] = [None for _ in period["rates"]]

    damage(tmp_path / FILE_NAME, no_rates)
    pricer = Pricer(cache=PriceCache(str(tmp_path)))
    assert [pricer.cost(before), pricer.cost(after)] == [Decimal("0.014"), Decimal("0.0028")]


def test_a_cache_altered_by_hand_never_crashes(tmp_path: Path) -> None:
    # a lookup pointed at a model genai-prices does not have, in a tier without rates: no price
    three_ways([o3("2025-07-01T12:00:00.000Z")], tmp_path)

    def elsewhere(doc: dict[str, Any]) -> None:
        for lookup in doc["lookups"]:
            lookup[3] = "no-such-model"
        for _, _, periods in doc["models"]:
            for period in periods:
                period["rates"] = [None for _ in period["rates"]]

    damage(tmp_path / FILE_NAME, elsewhere)
    pricer = Pricer(cache=PriceCache(str(tmp_path)))
    r = o3("2025-07-01T12:00:00.000Z")
    r.model = "no-such-model"
    assert pricer.cost(r) is None


# --- property: the cache's prices are genai-prices' --------------------------------------


@functools.cache
def warm_pricer() -> Pricer:
    """A pricer whose cache a cold run filled with every model of MODELS."""
    folder = tempfile.mkdtemp(dir=os.environ["LLMSTAT_CACHE_DIR"])
    cold = Pricer(cache=PriceCache(folder))
    for host, api, model, _ in MODELS:
        cold.cost(Record("x", 0, api=api, host=host, model=model, tokens=Tokens(1, 1)))
    cold.save()
    return Pricer(cache=PriceCache(folder))


UNCACHED = Pricer()
SPAN = (datetime(2024, 6, 1), datetime(2026, 6, 1))
# any instant, or one at or just before a price change: o3's cut, DeepSeek's day and night
EDGES = [datetime(2025, 6, 10), datetime(2025, 6, 1, 0, 30), datetime(2025, 6, 1, 16, 30)]
INSTANTS = st.builds(
    lambda when, early: iso_utc(when.replace(tzinfo=UTC) - timedelta(milliseconds=early)),
    st.one_of(st.datetimes(*SPAN), st.sampled_from(EDGES)),
    st.sampled_from([0, 1]),
)


@settings(max_examples=300, deadline=None)
@given(usages(INSTANTS))
def test_cached_prices_are_genai_prices(r: Record) -> None:
    provider = next(m[3] for m in MODELS if m[2] == r.model)
    when = instant_of(r.started)
    assert when is not None
    assert warm_pricer().cost(r) == UNCACHED.cost(r) == genai_cost(r, provider, when)


ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))])
constraints = st.one_of(
    st.none(),
    st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(StartDateConstraint),
    st.builds(TimeOfDateConstraint, st.times(timezones=ZONES), st.times(timezones=ZONES)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(constraints, min_size=1, max_size=4), st.datetimes(*SPAN))
def test_a_price_book_picks_genai_prices_period(
    when_each: list[StartDateConstraint | TimeOfDateConstraint | None], when: datetime
) -> None:
    prices = [ModelPrice(input_mtok=Decimal(i + 1)) for i in range(len(when_each))]
    info = ModelInfo(
        id="m",
        match=None,
        prices=[ConditionalPrice(c, prices=p) for c, p in zip(when_each, prices, strict=True)],
    )
    book = book_of(info)
    at = when.replace(tzinfo=UTC)
    assert book.periods.index(book.period_at(at)) == next(
        i for i, p in enumerate(prices) if p is info.get_prices(at)
    )


def test_daily_windows_may_wrap_midnight() -> None:
    night = Daily(time(22), time(2))
    at = [datetime(2025, 1, 1, h, m, tzinfo=UTC) for h, m in ((21, 59), (22, 0), (1, 59), (2, 0))]
    assert [night.holds(t) for t in at] == [False, True, True, False]
    assert Since(date(2025, 6, 10)).holds(datetime(2025, 6, 10, tzinfo=UTC))
