"""Contract v1.1's cost rule: the provider's recorded figure first, calculated else; --cost-mode;
totals' cost_recorded_usd / cost_calculated_usd; iterations priced at their own model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.test_protocols_providers import entry, har

BODIES = FIXTURES / "bodies"
PRICES = """
[models]
"grok-3-mini" = { input = 0.30, output = 0.50 }
"claude-sonnet-4-5-20250929" = { input = 3.00, cache_read = 0.30, cache_write = 3.75, output = 15.00 }
"claude-opus-4-1-20250805" = { input = 15.00, cache_read = 1.50, cache_write = 18.75, output = 75.00 }
"gpt-4o-mini" = { input = 0.15, output = 0.60 }
"""


@pytest.fixture
def prices(tmp_path: Path) -> str:
    path = tmp_path / "prices.toml"
    path.write_text(PRICES)
    return str(path)


def parse(cli: Any, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    out: list[dict[str, Any]] = run.json()
    return out


XAI = str(BODIES / "xai-chat-reasoning.json")


def test_auto_takes_the_recorded_figure(cli: Any, prices: str) -> None:
    [rec] = parse(cli, XAI, "--prices", prices)
    # 8,235,000 ticks x 1e-10 USD
    assert rec["cost_usd"] == pytest.approx(0.0008235)
    assert rec["cost_source"] == "recorded"


def test_calculate_ignores_it(cli: Any, prices: str) -> None:
    [rec] = parse(cli, XAI, "--prices", prices, "--cost-mode", "calculate")
    # 16 in at $0.30/M + (2 + 326 reasoning) out at $0.50/M = 4.8e-6 + 164e-6
    assert rec["cost_usd"] == pytest.approx((16 * 0.30 + 328 * 0.50) / 1e6)
    assert rec["cost_source"] == "calculated"


def test_recorded_never_calculates(cli: Any, prices: str) -> None:
    priced = str(BODIES / "openai-chat.json")
    xai, plain = parse(cli, XAI, priced, "--prices", prices, "--cost-mode", "recorded")
    assert xai["cost_source"] == "recorded"
    assert (plain["cost_usd"], plain["cost_source"]) == (None, None)


def test_litellm_header_is_a_recorded_cost(tmp_path: Path, cli: Any, prices: str) -> None:
    body = {
        "id": "c1",
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100},
    }
    path = har(
        tmp_path,
        entry(
            "http://litellm.internal:4000/v1/chat/completions",
            body,
            headers={"x-litellm-response-cost": "0.00042"},
        ),
        entry("http://litellm.internal:4000/v1/chat/completions", {**body, "id": "c2"}),
    )
    recorded, calculated = parse(cli, path, "--prices", prices)
    assert (recorded["cost_usd"], recorded["cost_source"]) == (0.00042, "recorded")
    # 1000 x $0.15/M + 100 x $0.60/M
    assert calculated["cost_usd"] == pytest.approx(0.00021)
    assert calculated["cost_source"] == "calculated"
    run = cli("summarize", path, "--prices", prices, "--format", "json", "--no-requests")
    totals = run.json()["totals"]
    assert totals["cost_recorded_usd"] == pytest.approx(0.00042)
    assert totals["cost_calculated_usd"] == pytest.approx(0.00021)
    assert totals["cost_usd"] == pytest.approx(0.00063)


def test_an_advisor_iteration_is_priced_at_its_own_model(cli: Any, prices: str) -> None:
    [rec] = parse(cli, str(BODIES / "anthropic-advisor-iterations.json"), "--prices", prices)
    # opus advisor: 4000 uncached x $15 + 500 written x $18.75 + 300 out x $75 = 91,875 (per M)
    # sonnet, the rest: 8700 - 4500 = 4200 in (3000 read, 0 written, 1200 uncached):
    #   1200 x $3 + 3000 x $0.30 + 150 out x $15 = 6,750 (per M)
    assert rec["cost_usd"] == pytest.approx((91875 + 6750) / 1e6)
    assert rec["cost_source"] == "calculated"
    assert "an iteration ran on another model, priced at its own: claude-opus-4-1-20250805" in rec["warnings"]


def test_openrouter_byok_adds_the_upstream_cost(cli: Any) -> None:
    [rec] = parse(cli, str(BODIES / "openrouter-byok.json"))
    assert rec["cost_usd"] == pytest.approx(0.00012 + 0.0036)


def test_a_cost_mode_that_does_not_exist_is_a_usage_error(cli: Any) -> None:
    run = cli("parse", XAI, "--cost-mode", "guess")
    assert run.exit_code == 2


def test_no_cost_leaves_cost_source_null(tmp_path: Path, cli: Any) -> None:
    [rec] = parse(cli, XAI, "--no-cost")
    assert (rec["cost_usd"], rec["cost_source"]) == (None, None)
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"choices": [], "usage": {}}))
    [empty] = parse(cli, str(path))
    assert (empty["cost_usd"], empty["cost_source"]) == (None, None)
