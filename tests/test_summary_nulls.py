"""Contract v1.1: a token sum that no record of it reports is null, not 0, in totals, windows
and groups, in every output format (``-`` in tables)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES

NO_USAGE = str(FIXTURES / "bodies" / "openai-stream-no-usage.sse")
OLLAMA = str(FIXTURES / "bodies" / "ollama-generate.json")  # input 18, output 24, no cache or reasoning


def test_json_totals_windows_and_groups(cli: Any) -> None:
    run = cli("summarize", NO_USAGE, OLLAMA, "--format", "json", "--by", "model", "--no-cost")
    data = run.json()
    assert data["totals"]["tokens"] == {
        "input": 18,
        "output": 24,
        "cache_read": None,
        "cache_write": None,
        "reasoning": None,
    }
    by_model = {g["key"]["model"]: g["tokens"] for g in data["groups"]}
    # the stream without usage reports nothing: every sum of its group is null
    assert by_model["gpt-4o-2024-08-06"] == dict.fromkeys(
        ("input", "output", "cache_read", "cache_write", "reasoning")
    )
    assert by_model["gemma3:4b"]["input"] == 18


def test_ndjson_and_csv(cli: Any) -> None:
    run = cli("summarize", NO_USAGE, "--format", "ndjson", "--no-requests", "--no-cost")
    totals = next(json.loads(line) for line in run.stdout.splitlines() if '"totals"' in line)
    assert totals["tokens"]["input"] is None
    run = cli("summarize", NO_USAGE, "--format", "csv", "--no-requests", "--no-cost")
    [row] = [r for r in csv.DictReader(io.StringIO(run.stdout)) if r["row"] == "total"]
    assert (row["requests"], row["input"], row["reasoning"]) == ("1", "", "")


def test_tables_show_a_dash(cli: Any, tmp_path: Path) -> None:
    run = cli("summarize", NO_USAGE, "--no-cost")
    assert "input - (cache read -, cache write -)" in run.stdout
    assert "output - (reasoning -)" in run.stdout
