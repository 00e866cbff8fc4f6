"""Golden test: every bundled fixture against the records worked out by hand from CONTRACT.md.

The expectations (tests/fixtures_expected.json) name only the fields they are sure of, in the
conformance suite's format; each case's "why" says how its numbers were computed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures_expected.json").read_text())["cases"]


def mismatches(want: Any, got: Any, where: str = "") -> list[str]:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{where}: want an object, got {got!r}"]
        out: list[str] = []
        for k, v in want.items():
            out += mismatches(v, got.get(k, "<missing>"), f"{where}.{k}")
        return out
    if isinstance(want, float) or (isinstance(got, float) and isinstance(want, int)):
        ok = isinstance(got, (int, float)) and math.isclose(want, got, rel_tol=1e-6, abs_tol=1e-9)
    else:
        ok = want == got and type(want) is type(got)
    return [] if ok else [f"{where}: want {want!r}, got {got!r}"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"].removeprefix("../fixtures/") for c in CASES])
def test_fixture_records(case: dict[str, Any], cli: Any) -> None:
    path = (HERE / case["file"]).resolve()
    run = cli("parse", str(path), "--format", "json")
    records = run.json()
    assert len(records) == len(case["expect"]), (case["why"], run.stderr)
    problems = [p for i, w in enumerate(case["expect"]) for p in mismatches(w, records[i], f"[{i}]")]
    assert not problems, f"{case['why']}\n" + "\n".join(problems)


def test_every_fixture_has_a_case() -> None:
    fixtures = HERE.parent / "fixtures"
    named = {(HERE / c["file"]).resolve() for c in CASES}
    present = {p.resolve() for p in fixtures.rglob("*") if p.is_file()}
    assert present - named == set()
