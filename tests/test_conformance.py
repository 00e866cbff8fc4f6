"""The shared conformance suite (../shared/conformance/check) against the installed llmstat."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path


def test_conformance_suite_passes_in_full(shared: Path) -> None:
    env = dict(os.environ)
    env["LLMSTAT"] = shlex.join([sys.executable, "-m", "llmstat"])
    run = subprocess.run(
        [sys.executable, str(shared / "conformance" / "check")],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    tail = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert tail.endswith(" 0 failed") and not tail.startswith("0 passed"), tail
