"""The shared conformance suite (../shared/conformance/check) against the installed llmstat:
cases.json, and cases-v1.1.json (the cases whose expectations contract v1.1 changed)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

# cases.json, the cases whose expectations contract v1.1 changed, and the container recordings
# (VCR cassettes, httprr traces)
CASE_FILES = ["cases.json", "cases-v1.1.json", "containers/cases.json"]


@pytest.mark.parametrize("cases", CASE_FILES)
def test_conformance_suite_passes_in_full(shared: Path, cases: str) -> None:
    conformance = shared / "conformance"
    if not (conformance / cases).is_file():
        pytest.skip(f"{cases} is not in ../shared/conformance")
    env = dict(os.environ)
    env["LLMSTAT"] = shlex.join([sys.executable, "-m", "llmstat"])
    run = subprocess.run(
        [sys.executable, str(conformance / "check"), "--cases", str(conformance / cases)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    tail = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert tail.endswith(" 0 failed") and not tail.startswith("0 passed"), tail
