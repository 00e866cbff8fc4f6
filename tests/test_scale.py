"""The README's scale-out recipes (DuckDB, Dask, Spark) run as written, and add up to llmstat's
own numbers. Each block between ``<!-- recipe: NAME -->`` markers is written to a file and run
in a folder holding ``recordings/`` (a copy of the bundled fixtures that every recipe reads file
by file: bodies, HARs and test-suite recordings; llama-swap's joined logs are summarize's job).

They need their packages: ``pip install -e ".[scale]"``, which .ci/run does, so CI runs them.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT

README = (ROOT / "README.md").read_text()
# appended to each recipe: its result as JSON on one line
RESULT = {
    "duckdb": 'print("RESULT", __import__("json").dumps(by_model.fetchall()))\n',
    "dask": '    print("RESULT", __import__("json").dumps(list(by_model)))\n',
    "spark": (
        'print("RESULT", __import__("json").dumps([list(r) for r in by_model.collect()]))\nspark.stop()\n'
    ),
}
PACKAGES = {"duckdb": "duckdb", "dask": "distributed", "spark": "pyspark"}


def recipe(name: str) -> str:
    m = re.search(rf"<!-- recipe: {name} -->\n```python\n(.*?)```\n<!-- /recipe -->", README, re.DOTALL)
    assert m, name
    return m.group(1)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for part in ("bodies", "har", "containers"):
        shutil.copytree(FIXTURES / part, tmp_path / "recordings" / part)
    return tmp_path


def run_recipe(name: str, folder: Path) -> Any:
    pytest.importorskip(PACKAGES[name])
    script = folder / f"{name}_recipe.py"
    script.write_text(recipe(name) + RESULT[name])
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    run = subprocess.run(
        [sys.executable, script.name], check=False, cwd=folder, capture_output=True, text=True, env=env,
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [line] = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(line.removeprefix("RESULT "))


def by_model(cli: Any, folder: Path, *args: str) -> dict[str | None, dict[str, Any]]:
    os.chdir(folder)
    run = cli("parse", "recordings/", "--json", *args)
    out: dict[str | None, dict[str, Any]] = defaultdict(lambda: {"requests": 0, "input": 0, "usd": []})
    for r in run.json():
        m = out[r["model"]]
        m["requests"] += 1
        m["input"] += r["tokens"]["input"] or 0
        if r["cost_usd"] is not None:
            m["usd"].append(r["cost_usd"])
    return out


def test_the_duckdb_recipe(cli: Any, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    got = run_recipe("duckdb", folder)
    want = by_model(cli, folder, "--dedupe")
    assert {m: (n, i or 0) for m, n, i, _, _ in got} == {
        m: (w["requests"], w["input"]) for m, w in want.items()
    }
    for m, _, _, _, usd in got:
        expected = round(math.fsum(want[m]["usd"]), 4) if want[m]["usd"] else None
        assert usd == pytest.approx(expected) if expected is not None else usd is None
    assert len(got) > 10


def test_the_dask_recipe(cli: Any, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    got = dict(map(tuple, run_recipe("dask", folder)))
    want = by_model(cli, folder)
    assert got == {m: w["input"] for m, w in want.items()}


def test_the_spark_recipe(cli: Any, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime")
    monkeypatch.chdir(folder)
    got = run_recipe("spark", folder)
    want = by_model(cli, folder)
    counts = {m: (n, i or 0) for m, n, i, _ in got}
    assert counts == {m: (w["requests"], w["input"]) for m, w in want.items()}
