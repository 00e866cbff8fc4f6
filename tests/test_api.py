"""The public Python API: ``llmstat.records(path)`` and ``llmstat.records_from_bytes(data)``.

They must give what ``llmstat parse --format json`` prints, record for record, and their
records must travel (pickle) and serialise (``as_dict`` to JSON), as they do when a Dask bag or
a Spark ``mapPartitions`` runs llmstat on workers.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import llmstat
from llmstat.errors import LlmstatError, NotARecording

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(p for sub in ("bodies", "har") for p in (FIXTURES / sub).iterdir() if p.is_file())


def _cli_records(cli: Any, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", *args, "--format", "json", "--no-cost")
    assert run.exit_code == 0, run.stderr
    return list(run.json())


def _without_cost(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "cost_usd"} for r in records]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_records_of_a_file_are_the_cli_records(path: Path, cli: Any) -> None:
    got = [r.as_dict() for r in llmstat.records(str(path), cost=False)]
    assert _without_cost(got) == _without_cost(_cli_records(cli, str(path)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_records_from_bytes_are_the_records_of_the_file(path: Path) -> None:
    from_file = [r.as_dict() for r in llmstat.records(str(path), cost=False)]
    from_bytes = [r.as_dict() for r in llmstat.records_from_bytes(path.read_bytes(), str(path), cost=False)]
    assert from_bytes == from_file


def test_records_of_a_directory_walk_it_in_order(cli: Any) -> None:
    got = [r.as_dict() for r in llmstat.records(str(FIXTURES / "bodies"), cost=False)]
    assert _without_cost(got) == _without_cost(_cli_records(cli, str(FIXTURES / "bodies")))
    assert [r["source"] for r in got] == sorted(r["source"] for r in got)


def test_records_travel_and_serialise() -> None:
    for path in FILES:
        for record in llmstat.records(str(path), cost=False):
            assert pickle.loads(pickle.dumps(record)) == record
            assert json.loads(json.dumps(record.as_dict())) == record.as_dict()


def test_unreadable_inputs_raise_llmstat_errors(tmp_path: Path) -> None:
    with pytest.raises(LlmstatError, match="no such file"):
        list(llmstat.records(str(tmp_path / "missing.sse"), cost=False))
    with pytest.raises(NotARecording):
        llmstat.records_from_bytes(b"just some text\n")
    broken = tmp_path / "broken.har"
    good = (FIXTURES / "har" / "mixed-providers.har").read_bytes()
    broken.write_bytes(good[: len(good) * 2 // 3])
    records = []
    with pytest.raises(LlmstatError):
        records.extend(llmstat.records(str(broken), cost=False))
    assert records  # the entries before the damage still come out, then the error


def test_importing_llmstat_stays_light() -> None:
    import subprocess
    import sys

    heavy = "('llmstat.', 'orjson', 'typer')"
    code = f"import sys, llmstat; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_reading_code_loads_only_what_every_format_needs() -> None:
    """The console script loads the reading pipeline before it forks its early reader, so every
    module on it delays the first byte read: what only some formats, or only the report, use
    (HAR's and Bedrock's URL parsing, base64 bodies, SQLite stores, compression, YAML, typer)
    is imported where it is used."""
    import subprocess
    import sys

    off = [
        "urllib.parse", "base64", "sqlite3", "gzip", "email", "http", "zoneinfo", "statistics",
        "csv", "tomllib", "yaml", "zstandard", "cbor2", "decimal", "rich", "typer",
    ]  # fmt: skip
    code = f"import sys, llmstat.sources.pipeline; print([m for m in {off!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
