"""The shared conformance suite (../shared/conformance/check) against the installed llmstat."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

# cases.json, and beside it the container recordings (VCR cassettes, httprr traces)
CASE_FILES = [None, "containers/cases.json"]


@pytest.mark.parametrize("cases", CASE_FILES, ids=["cases.json", "containers"])
def test_conformance_suite_passes_in_full(shared: Path, cases: str | None) -> None:
    env = dict(os.environ)
    env["LLMSTAT"] = shlex.join([sys.executable, "-m", "llmstat"])
    extra = [] if cases is None else ["--cases", str(shared / "conformance" / cases)]
    run = subprocess.run(
        [sys.executable, str(shared / "conformance" / "check"), *extra],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    tail = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert tail.endswith(" 0 failed") and not tail.startswith("0 passed"), tail
