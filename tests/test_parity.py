"""One set of numbers from every path: ``summarize``, ``parse --dedupe`` and the Python API give
the same requests, tokens and cost over the same inputs."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest

import llmstat
from llmstat.record import TOKEN_FIELDS
from tests.conftest import FIXTURES, SHARED

FOLDERS = [FIXTURES, SHARED / "conformance"]


def sums(records: list[dict[str, Any]]) -> dict[str, Any]:
    costs = [r["cost_usd"] for r in records if r["cost_usd"] is not None]
    return {
        "requests": len(records),
        **{f: sum(r["tokens"][f] or 0 for r in records) for f in TOKEN_FIELDS},
        "cost_usd": math.fsum(costs) if costs else None,
    }


def of_totals(totals: dict[str, Any]) -> dict[str, Any]:
    return {
        "requests": totals["requests"],
        **{f: totals["tokens"][f] or 0 for f in TOKEN_FIELDS},
        "cost_usd": totals["cost_usd"],
    }


@pytest.mark.parametrize("folder", FOLDERS, ids=["fixtures", "conformance"])
def test_summarize_parse_dedupe_and_the_api_agree(cli: Any, folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip("../shared is not beside this checkout")
    summary = cli("summarize", str(folder), "--json", "--no-requests").json()["totals"]
    parsed = cli("parse", str(folder), "--dedupe", "--json").json()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # models without a price: the CLI says so on stderr
        api = [r.as_dict() for r in llmstat.records(str(folder), on_error=lambda e: None, dedupe=True)]
        api_summary = llmstat.summarize([str(folder)]).as_dict(requests=False)["totals"]
    want = of_totals(summary)
    assert want["requests"] > 10
    for got in (sums(parsed), sums(api), of_totals(api_summary)):
        assert got == pytest.approx(want)
    assert api == parsed  # record for record, cost included
    assert api_summary == summary


def test_without_dedupe_parse_keeps_every_copy(cli: Any) -> None:
    every = cli("parse", str(FIXTURES), "--json").json()
    once = cli("parse", str(FIXTURES), "--dedupe", "--json")
    assert len(every) - len(once.json()) == 16  # the duplicate HAR and dump copies among the fixtures
    assert "duplicate (16)" in once.stderr


def test_records_from_bytes_are_priced_as_records(tmp_path: Path) -> None:
    path = FIXTURES / "bodies" / "openai-chat.json"
    [from_file] = llmstat.records(str(path))
    [from_bytes] = llmstat.records_from_bytes(path.read_bytes(), str(path))
    assert from_file.cost_usd is not None and from_bytes.cost_usd == from_file.cost_usd
    [unpriced] = llmstat.records(str(path), cost=False)
    assert unpriced.cost_usd is None
