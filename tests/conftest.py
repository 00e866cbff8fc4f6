from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llmstat.commands.app import app_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

# The default --tz is the local zone: the tests' hand-worked days and hours are in UTC.
os.environ["TZ"] = "UTC"
# Option defaults come from LLMSTAT_* variables and config files (commands/settings.py): none of
# the user's may reach the tests.
_NOT_OPTIONS = {"LLMSTAT_UPDATE_GOLDEN", "LLMSTAT_REFERENCE_PATH"}
for _name in [n for n in os.environ if n.startswith("LLMSTAT_") and n not in _NOT_OPTIONS]:
    del os.environ[_name]
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="llmstat-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], True)
# Never the user's price cache: one of this session's own, set before any test module is even
# imported, so in-process runs and the subprocesses they start (which inherit it) all use it.
os.environ["LLMSTAT_CACHE_DIR"] = tempfile.mkdtemp(prefix="llmstat-test-cache-")
os.environ.pop("LLMSTAT_NO_CACHE", None)
atexit.register(shutil.rmtree, os.environ["LLMSTAT_CACHE_DIR"], True)


@pytest.fixture
def shared() -> Path:
    """../shared beside the checkout; tests that read it skip where it is absent."""
    if not (SHARED / "conformance").is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


def runner() -> CliRunner:
    """A runner whose result keeps stderr apart from stdout, with every click typer allows."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2 mixes by default
    except TypeError:
        return CliRunner()  # click 8.2 keeps stderr apart and has no such argument


def invoke(*args: str, input: bytes | None = None) -> Run:
    # the app the console script runs for these arguments (one subcommand's, or the whole app)
    result = runner().invoke(app_for(list(args)), list(args), input=input, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli() -> Any:
    return invoke
