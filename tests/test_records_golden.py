"""Whole records of every fixture against a golden file, on both reading paths.

tests/golden/records.ndjson is ``llmstat parse fixtures/ --format ndjson --prices
tests/golden/prices.toml`` run from the checkout's root: every field of every record, the
warnings, extras and cost included, so that an "odd data is data" warning cannot go missing
unnoticed. The --prices file fixes every fixture model's rates: the golden does not move with
genai-prices' weekly data. After a deliberate change, rewrite it with
``LLMSTAT_UPDATE_GOLDEN=1 python -m pytest tests/test_records_golden.py`` and read the diff.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pytest

import llmstat
from llmstat.protocols.state import UsageState
from llmstat.sources import records as records_module
from llmstat.sources.records import REFERENCE_PATH_ENV
from tests.conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "records.ndjson"
ARGS = ("parse", "fixtures/", "--format", "ndjson", "--prices", "tests/golden/prices.toml")


def _parse(cli: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    run = cli(*ARGS)
    assert run.exit_code == 0, run.stderr
    out: str = run.stdout
    return out


@pytest.mark.parametrize("reference", [False, True], ids=["fast-path", "reference-path"])
def test_fixture_records_are_the_golden_ones(
    reference: bool, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if reference:
        monkeypatch.setenv(REFERENCE_PATH_ENV, "1")
    else:
        monkeypatch.delenv(REFERENCE_PATH_ENV, raising=False)
    out = _parse(cli, monkeypatch)
    if os.environ.get("LLMSTAT_UPDATE_GOLDEN") == "1" and not reference:
        GOLDEN.write_text(out)
    assert out == GOLDEN.read_text()


def test_the_switch_takes_the_reference_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fast_path(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
        raise AssertionError("the fast path was taken")

    monkeypatch.setattr(records_module, "states_from_stream", no_fast_path)
    monkeypatch.setenv(REFERENCE_PATH_ENV, "1")
    streamed = [r for r in llmstat.records(str(FIXTURES)) if r.stream]
    assert len(streamed) > 20
