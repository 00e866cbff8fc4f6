"""Cost: records priced from genai-prices' bundled data, checked by hand; unknown and local
models; the user's --prices file; --no-cost.

The arithmetic is written out (which tokens are priced at which rate); the rates are read from
the installed genai-prices at the request's date (``tests/prices.py``), since its data changes
weekly. Only where a historical change of price is the point (o3's cut on 2025-06-10,
DeepSeek's night prices) are the figures written down.

Each record's input includes its cache reads and writes (CONTRACT.md), so the uncached part is
input - cache_read - cache_write, and that is what the input price applies to.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import genai_prices
import pytest
from genai_prices import Usage, calc_price
from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.pricing.pricer import (
    Pricer,
    is_local_host,
    price_table_from_text,
    usage_of,
)
from llmstat.record import Record, Tokens
from llmstat.sources.pipeline import records_from_data
from tests.prices import per_mtok

ROOT = Path(__file__).resolve().parent.parent
BODIES = ROOT / "fixtures" / "bodies"
HAR = ROOT / "fixtures" / "har"


def parse(cli: Any, *args: str) -> Any:
    run = cli("parse", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return run.json()


def cost_of(cli: Any, path: Path) -> float:
    [rec] = parse(cli, str(path))
    return rec["cost_usd"]


def test_openai_cached_input(cli: Any) -> None:
    # gpt-4.1-mini, undated so priced now: input 2311 of which 2048 cached, output 87
    p = per_mtok("openai", "gpt-4.1-mini-2025-04-14")
    assert cost_of(cli, BODIES / "openai-chat.json") == pytest.approx(
        (263 * p["input"] + 2048 * p["cache_read"] + 87 * p["output"]) / 1e6
    )


def test_openai_reasoning_is_output(cli: Any) -> None:
    # o4-mini: input 1864 of which 1792 cached; output 274 of which 192 reasoning, all output
    p = per_mtok("openai", "o4-mini-2025-04-16")
    assert cost_of(cli, BODIES / "openai-chat-stream.sse") == pytest.approx(
        (72 * p["input"] + 1792 * p["cache_read"] + 274 * p["output"]) / 1e6
    )


def test_anthropic_cache_reads_and_5m_writes(cli: Any) -> None:
    # claude-sonnet-4 in a HAR: input 3084 = 12 + cache read 2048 + cache write 1024 (5m)
    first = parse(cli, str(HAR / "mitmproxy-anthropic.har"))[0]
    p = per_mtok("anthropic", "claude-sonnet-4-20250514", first["started"])
    assert first["cost_usd"] == pytest.approx(
        (12 * p["input"] + 2048 * p["cache_read"] + 1024 * p["cache_write"] + 187 * p["output"]) / 1e6
    )


def test_anthropic_1h_writes_at_their_own_price(cli: Any) -> None:
    # claude-opus-4-1: input 3208 = 8 + cache write 3200, all of it 1h (extras), output 412
    assert cost_of(cli, BODIES / "anthropic.json") == pytest.approx(opus_cost())


def opus_cost(started: str | None = None) -> float:
    """claude-opus-4-1 in anthropic.json: 8 uncached, 3200 written for 1h, 412 output."""
    p = per_mtok("anthropic", "claude-opus-4-1-20250805", started)
    return (8 * p["input"] + 3200 * p["cache_write_1h"] + 412 * p["output"]) / 1e6


SONNET_45 = "claude-sonnet-4-5-20250929"


def usd(pricer: Pricer, r: Record) -> float | None:
    cost = pricer.cost(r)
    return None if cost is None else float(cost)


def anthropic(input_: int, read: int, write: int, output: int, **extras: int) -> Record:
    return Record(
        "x",
        0,
        api="anthropic.messages",
        host="api.anthropic.com",
        model="claude-sonnet-4-5-20250929",
        started="2025-11-03T09:00:00.000Z",
        tokens=Tokens(input_, output, read, write),
        extras=dict(extras),
    )


def test_cache_writes_without_the_split_are_5m_writes() -> None:
    # 1000 uncached, 2000 written: 5m price without the split, 1h price for the 1h part with it
    plain = anthropic(3000, 0, 2000, 0)
    split = anthropic(3000, 0, 2000, 0, cache_write_5m=500, cache_write_1h=1500)
    p = per_mtok("anthropic", SONNET_45, plain.started)
    assert p["cache_write_1h"] != p["cache_write"]  # else this test shows nothing
    pricer = Pricer()
    assert usd(pricer, plain) == pytest.approx((1000 * p["input"] + 2000 * p["cache_write"]) / 1e6)
    assert usd(pricer, split) == pytest.approx(
        (1000 * p["input"] + 500 * p["cache_write"] + 1500 * p["cache_write_1h"]) / 1e6
    )


def test_over_200k_input_every_token_takes_the_higher_tier() -> None:
    # 210,000 input = 5,000 uncached + 200,000 read + 5,000 written (5m); 1,000 output
    r = anthropic(210_000, 200_000, 5_000, 1_000, cache_write_5m=5_000)
    hi = per_mtok("anthropic", SONNET_45, r.started, input_total=210_000)
    base = per_mtok("anthropic", SONNET_45, r.started)
    assert hi["input"] > base["input"]  # the tier is there, else this test shows nothing
    assert usd(Pricer(), r) == pytest.approx(
        (5_000 * hi["input"] + 200_000 * hi["cache_read"] + 5_000 * hi["cache_write"] + 1_000 * hi["output"])
        / 1e6
    )
    # at exactly 200,000 the base prices still apply
    r = anthropic(200_000, 195_000, 0, 1_000)
    assert usd(Pricer(), r) == pytest.approx(
        (5_000 * base["input"] + 195_000 * base["cache_read"] + 1_000 * base["output"]) / 1e6
    )


def test_gemini_thoughts_are_output(cli: Any) -> None:
    # gemini-2.5-flash: prompt 4681 of which 4096 cached; output 202 = 58 candidates + 144 thoughts
    p = per_mtok("google", "gemini-2.5-flash")
    assert cost_of(cli, BODIES / "gemini.json") == pytest.approx(
        (585 * p["input"] + 4096 * p["cache_read"] + 202 * p["output"]) / 1e6
    )


def test_the_host_names_the_provider(cli: Any) -> None:
    # mixed-providers.har: api.openai.com, api.anthropic.com, generativelanguage.googleapis.com
    records = parse(cli, str(HAR / "mixed-providers.har"))
    o4 = per_mtok("openai", "o4-mini-2025-04-16", records[0]["started"])
    flash = per_mtok("google", "gemini-2.5-flash", records[2]["started"])
    assert [(r["host"], r["model"], r["cost_usd"]) for r in records] == [
        (
            "api.openai.com",
            "o4-mini-2025-04-16",
            pytest.approx((72 * o4["input"] + 1792 * o4["cache_read"] + 274 * o4["output"]) / 1e6),
        ),
        ("api.anthropic.com", "claude-opus-4-1-20250805", pytest.approx(opus_cost(records[1]["started"]))),
        # 42 prompt, 326 output (96 + 230 thoughts)
        (
            "generativelanguage.googleapis.com",
            "gemini-2.5-flash",
            pytest.approx((42 * flash["input"] + 326 * flash["output"]) / 1e6),
        ),
        ("api.openai.com", "gpt-4o", None),  # the 429: no usage, so no cost (never $0)
    ]


def o3(started: str) -> Record:
    return Record(
        "x",
        0,
        api="openai.chat",
        host="api.openai.com",
        model="o3",
        started=started,
        tokens=Tokens(1000, 100),
    )


def test_historical_prices_follow_the_date() -> None:
    pricer = Pricer()
    assert usd(pricer, o3("2025-06-09T23:59:59.000Z")) == pytest.approx((1000 * 10 + 100 * 40) / 1e6)
    assert usd(pricer, o3("2025-06-10T00:00:00.000Z")) == pytest.approx((1000 * 2 + 100 * 8) / 1e6)


def test_undated_records_get_the_prices_of_now() -> None:
    assert usd(Pricer(now=datetime(2025, 5, 1, tzinfo=UTC)), o3("")) == pytest.approx(0.014)
    assert usd(Pricer(now=datetime(2025, 7, 1, tzinfo=UTC)), o3("")) == pytest.approx(0.0028)


def test_time_of_day_prices() -> None:
    # deepseek-reasoner in a bare body (no host: the model names the provider): 1046 in of which
    # 960 cached, 389 out; undated, so priced at "now", here noon and 20:00 UTC
    [r] = records_from_data((BODIES / "deepseek-chat-stream.sse").read_bytes())
    day, night = (
        Pricer(now=datetime(2025, 6, 1, 12, tzinfo=UTC)),
        Pricer(now=datetime(2025, 6, 1, 20, tzinfo=UTC)),
    )
    assert usd(day, r) == pytest.approx((86 * 0.55 + 960 * 0.14 + 389 * 2.19) / 1e6)
    assert usd(night, r) == pytest.approx((86 * 0.135 + 960 * 0.035 + 389 * 0.55) / 1e6)


def test_usage_maps_onto_genai_prices_keys() -> None:
    r = anthropic(3000, 500, 2000, 40, cache_write_5m=500, cache_write_1h=1500)
    r.tokens.reasoning = 10
    assert usage_of(r) == {
        "input_tokens": 3000,
        "cache_read_tokens": 500,
        "cache_write_tokens": 2000,
        "cache_write_5m_tokens": 500,
        "cache_write_1h_tokens": 1500,
        "output_tokens": 40,
        "output_reasoning_tokens": 10,
    }
    assert usage_of(Record("x", 0, tokens=Tokens(output=5))) == {"output_tokens": 5}


MODELS = [
    ("api.anthropic.com", "anthropic.messages", "claude-sonnet-4-5-20250929", "anthropic"),
    ("api.anthropic.com", "anthropic.messages", "claude-opus-4-1-20250805", "anthropic"),
    ("api.openai.com", "openai.chat", "o3", "openai"),
    ("api.openai.com", "openai.responses", "gpt-5-mini-2025-08-07", "openai"),
    ("generativelanguage.googleapis.com", "gemini", "gemini-2.5-pro", "google"),
    (None, "openai.chat", "deepseek-reasoner", "deepseek"),
]


DATES = st.sampled_from(["2025-03-01T10:00:00.000Z", "2025-07-01T03:00:00.000Z", "2025-07-01T20:00:00Z"])


@st.composite
def usages(draw: st.DrawFn, dates: st.SearchStrategy[str] = DATES) -> Record:
    host, api, model, _ = draw(st.sampled_from(MODELS))
    inp = draw(st.one_of(st.integers(0, 400_000), st.sampled_from([0, 1, 199_999, 200_000, 200_001])))
    read = draw(st.integers(0, inp))
    write = draw(st.integers(0, inp - read))
    hour = draw(st.integers(0, write))
    out = draw(st.integers(0, 20_000))
    reasoning = draw(st.one_of(st.none(), st.integers(0, out)))
    started = draw(dates)
    extras = draw(st.sampled_from([{}, {"cache_write_1h": hour, "cache_write_5m": write - hour}]))
    return Record(
        "x", 0, api=api, host=host, model=model, started=started,
        tokens=Tokens(inp, out, read, write, reasoning), extras=extras,
    )  # fmt: skip


PRICER = Pricer()


@settings(max_examples=400, deadline=None)
@given(usages())
def test_the_cached_rates_give_calc_price_exactly(r: Record) -> None:
    """The Pricer's per-tier rates against genai-prices pricing each usage itself."""
    provider = next(m[3] for m in MODELS if m[2] == r.model)
    when = datetime.fromisoformat(r.started or "")
    want = calc_price(Usage(**usage_of(r)), r.model or "", provider_id=provider, genai_request_timestamp=when)
    assert PRICER.cost(r) == want.total_price


def test_an_unknown_model_is_null_with_one_warning(cli: Any, tmp_path: Path) -> None:
    # two llama.cpp recordings of the same local model, and one of a model nobody prices
    unknown = tmp_path / "new.json"
    unknown.write_text(
        '{"id":"chatcmpl-z","object":"chat.completion","model":"gpt-9-preview","choices":[],'
        '"usage":{"prompt_tokens":10,"completion_tokens":5}}'
    )
    files = [BODIES / "llamacpp-completion-stream.sse", BODIES / "llamacpp-completion.json", unknown]
    run = cli("parse", *map(str, files), "--format", "json")
    assert run.exit_code == 0
    assert [r["cost_usd"] for r in run.json()] == [None, None, None]
    assert run.stderr.splitlines() == [
        "Warning: no price for model 'qwen2.5-7b-instruct' (served locally): cost left null; "
        "set one with --prices FILE",
        f"Warning: no price for model 'gpt-9-preview' (unknown to genai-prices {genai_prices.__version__}): "
        "cost left null; "
        "set one with --prices FILE",
    ]
    assert cli("parse", *map(str, files), "--format", "json", "--strict").exit_code == 1
    # summarize: the same single warning, and the totals say what has no price
    run = cli("summarize", *map(str, files), "--format", "json", "--no-requests")
    assert len(run.stderr.splitlines()) == 2
    assert {k: run.json()["totals"][k] for k in ("cost_usd", "unpriced")} == {"cost_usd": None, "unpriced": 3}


def test_a_known_model_on_a_local_host_is_not_priced() -> None:
    r = Record("x", 0, api="openai.chat", host="127.0.0.1:8080", model="gpt-oss-20b", tokens=Tokens(100, 10))
    pricer = Pricer()
    assert pricer.cost(r) is None
    assert pricer.take_warnings() == [
        "no price for model 'gpt-oss-20b' (served locally): cost left null; set one with --prices FILE"
    ]
    assert pricer.take_warnings() == []  # once per run


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost:8080", True),
        ("127.0.0.1", True),
        ("[::1]:11434", True),
        ("192.168.1.20:8080", True),
        ("10.0.0.7", True),
        ("llama-swap:8080", True),
        ("gpu-box.local", True),
        ("api.openai.com", False),
        ("api.anthropic.com:443", False),
        ("8.8.8.8", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_usage_that_does_not_add_up_is_not_priced() -> None:
    r = anthropic(100, 80, 50, 10)  # cache read + write > input
    pricer = Pricer()
    assert pricer.cost(r) is None
    assert r.warnings == ["not priced: usage does not add up (cache read 80 + cache write 50 > input 100)"]
    pricer.apply([r])  # priced again (a summary made anew after the llama-swap join): said once
    assert r.warnings == ["not priced: usage does not add up (cache read 80 + cache write 50 > input 100)"]


TOML = """\
# USD per million tokens
[models]
"qwen*" = 0                       # every local Qwen: free
"gpt-4.1-mini-2025-04-14" = { input = 1, cache_read = 0.5, output = 2 }

[models."claude-sonnet-4-*"]
input = 2
cache_read = 0.2
cache_write = 2.5
cache_write_1h = 4
output = 10
"""
JSON = json.dumps(
    {
        "models": {
            "qwen*": 0,
            "gpt-4.1-mini-2025-04-14": {"input": 1, "cache_read": 0.5, "output": 2},
            "claude-sonnet-4-*": {
                "input": 2,
                "cache_read": 0.2,
                "cache_write": 2.5,
                "cache_write_1h": 4,
                "output": 10,
            },
        }
    }
)


@pytest.mark.parametrize(("name", "text"), [("prices.toml", TOML), ("prices.json", JSON)])
def test_a_prices_file_sets_and_overrides(cli: Any, tmp_path: Path, name: str, text: str) -> None:
    prices = tmp_path / name
    prices.write_text(text)
    files = [
        BODIES / "llamacpp-completion.json",  # qwen2.5-7b-instruct: 87 in, 64 out
        BODIES / "openai-chat.json",  # gpt-4.1-mini: 2311 in (2048 cached), 87 out
        HAR / "mitmproxy-anthropic.har",  # sonnet-4: 12 + 2048 read + 1024 written (5m), 187 out; opus
    ]
    run = cli("parse", *map(str, files), "--prices", str(prices), "--format", "json")
    assert run.exit_code == 0
    assert run.stderr == ""
    costs = [r["cost_usd"] for r in run.json()]
    assert costs == [
        0.0,  # a local model at 0: $0, said by the user, and no warning
        pytest.approx((263 * 1 + 2048 * 0.5 + 87 * 2) / 1e6),
        pytest.approx((12 * 2 + 2048 * 0.2 + 1024 * 2.5 + 187 * 10) / 1e6),
        pytest.approx(0.12702),  # opus is not in the file: genai-prices as before
    ]


def test_prices_file_defaults_and_order() -> None:
    table = price_table_from_text('[models]\n"m" = { input = 4, output = 8 }\n"m*" = 1\n"*" = 2\n')
    exact = table.find("M")
    assert exact is not None and (exact.cache_read, exact.cache_write, exact.cache_write_1h) == (4, 4, 4)
    glob = table.find("m2")
    assert glob is not None and glob.input == 1  # the first glob in file order
    # a 1h write defaults to the cache-write price
    one = price_table_from_text('{"models": {"x": {"input": 1, "output": 1, "cache_write": 3}}}').find("x")
    assert one is not None and one.cache_write_1h == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[models]\nx = { input = 1 }\n", "x: needs 'output'"),
        ("[models]\nx = { input = 1, output = 1, cached = 1 }\n", "x: unknown price 'cached'"),
        ("[models]\nx = -1\n", "x: a price must be a finite number >= 0"),
        ("[models]\nx = 'free'\n", "x: a price must be a number"),
        ("[prices]\nx = 1\n", 'expected one table, "models"'),
        ("{not json", "neither TOML nor JSON"),
    ],
)
def test_a_bad_prices_file_is_a_usage_error(cli: Any, tmp_path: Path, text: str, message: str) -> None:
    prices = tmp_path / "p.toml"
    prices.write_text(text)
    run = cli("parse", str(BODIES / "openai-chat.json"), "--prices", str(prices))
    assert run.exit_code == 2
    assert message in " ".join(run.stderr.split())


def test_no_cost(cli: Any) -> None:
    [rec] = parse(cli, str(BODIES / "openai-chat.json"), "--no-cost")
    assert rec["cost_usd"] is None
    run = cli(
        "summarize", str(HAR / "mitmproxy-claude-code-session.har"), "--no-cost", "--json", "--window", "5h"
    )
    data = run.json()
    assert {(d["cost_usd"], d["unpriced"]) for d in [data["totals"], *data["windows"]]} == {(None, None)}
    table = cli(
        "summarize", str(HAR / "mitmproxy-claude-code-session.har"), "--no-cost", "--window", "5h"
    ).stdout
    assert "cost" not in table and "$" not in table
    assert "cost" in cli("summarize", str(HAR / "mitmproxy-claude-code-session.har"), "--window", "5h").stdout


def genai_prices_loaded(*args: str, **env: str) -> bool:
    """Whether a fresh interpreter running ``llmstat ARGS`` (with these environment variables
    besides ours) imported genai_prices. (Not pydantic: typer 0.29 itself imports it to convert
    a command's options.)"""
    code = (
        "import sys\n"
        "from llmstat.cli import main\n"
        f"sys.argv = ['llmstat', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr('genai_prices' in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, **env}
    )
    return run.stderr.splitlines()[-1] == "True"


def test_genai_prices_is_loaded_only_to_price() -> None:
    body = str(BODIES / "openai-chat.json")
    assert not genai_prices_loaded("--version")
    assert not genai_prices_loaded("parse", body, "--no-cost", "--json")
    assert not genai_prices_loaded("parse", str(BODIES / "ollama-generate.json"), "--json")  # local
    # without the price cache (test_price_cache: with it, only to price a model never seen)
    assert genai_prices_loaded("parse", body, "--json", LLMSTAT_NO_CACHE="1")


def test_pricing_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setitem(os.environ, "GENAI_PRICES_URL", "http://127.0.0.1:9/none")
    assert usd(Pricer(), o3("2025-07-01T00:00:00.000Z")) == pytest.approx(0.0028)
