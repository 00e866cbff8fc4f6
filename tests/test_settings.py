"""Settings that persist: a flag, else LLMSTAT_*, else ./llmstat.toml, else the user's file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES

SESSION = str(FIXTURES / "har" / "mitmproxy-claude-code-session.har")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user config folder and a project folder (the working directory) of this test's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "llmstat").mkdir(parents=True)
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path


def title(cli: Any, *args: str) -> str:
    run = cli("summarize", SESSION, "--window", "5h", "--no-requests", *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout.splitlines()[0].strip()


def test_precedence_flag_env_project_user(cli: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert title(cli) == "5h windows, anchor hour (UTC)"  # TZ=UTC: the local zone
    (home / "config" / "llmstat" / "config.toml").write_text('tz = "Asia/Tokyo"\n')
    assert title(cli) == "5h windows, anchor hour (Asia/Tokyo)"
    (home / "project" / "llmstat.toml").write_text('tz = "Europe/Berlin"\n')
    assert title(cli) == "5h windows, anchor hour (Europe/Berlin)"
    monkeypatch.setenv("LLMSTAT_TZ", "America/New_York")
    assert title(cli) == "5h windows, anchor hour (America/New_York)"
    assert title(cli, "--tz", "+05:30") == "5h windows, anchor hour (+05:30)"


def test_sections_per_command(cli: Any, home: Path) -> None:
    (home / "project" / "llmstat.toml").write_text(
        '[summarize]\nwindow = "1d"\nformat = "json"\nby = "model"\n\n[captures.list]\nformat = "csv"\n'
    )
    data = cli("summarize", SESSION, "--no-requests").json()
    assert len(data["windows"]) == 1 and len(data["groups"]) == 3  # a day from 09:00: every request
    assert cli("parse", SESSION).stdout.startswith("source")  # parse keeps its table
    out = cli("captures", "list", str(FIXTURES / "captures")).stdout
    assert out.startswith("source,")


def test_a_prices_path_is_read_from_the_config_file_s_folder(cli: Any, home: Path) -> None:
    (home / "config" / "llmstat" / "my-prices.toml").write_text('[models]\n"gemma3*" = 0\n')
    (home / "config" / "llmstat" / "config.toml").write_text('prices = "my-prices.toml"\n')
    [rec] = cli("parse", str(FIXTURES / "bodies" / "llamacpp-chat-stream.sse"), "--json").json()
    assert rec["model"] == "gemma3-12b" and rec["cost_usd"] == 0


def test_list_options_from_the_environment(cli: Any, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("LLMSTAT_BY", "model,status")
    data = cli("summarize", SESSION, "--json", "--no-requests").json()
    assert list(data["groups"][0]["key"]) == ["model", "status"]


def test_a_broken_config_file_is_a_usage_error(cli: Any, home: Path) -> None:
    bad = home / "project" / "llmstat.toml"
    bad.write_text("tz = [\n")
    run = cli("summarize", SESSION)
    assert run.exit_code == 2
    assert str(bad) in run.stderr
    assert "Traceback" not in run.stderr


def test_the_test_session_sees_none_of_the_user_s_settings() -> None:
    from tests.conftest import _NOT_OPTIONS

    seen = {n for n in os.environ if n.startswith("LLMSTAT_")}
    assert seen <= {"LLMSTAT_CACHE_DIR", *_NOT_OPTIONS}
