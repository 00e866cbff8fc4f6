"""The habits of the tools llmstat's users already know (ccusage, httpie): -h, a bare command
that shows its help, ccusage's short flags, --order, the local time zone by default."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import FIXTURES

SESSION = str(FIXTURES / "har" / "mitmproxy-claude-code-session.har")


@pytest.mark.parametrize("args", [[], ["captures"]])
def test_a_bare_command_shows_its_help_and_exits_0(cli: Any, args: list[str]) -> None:
    run = cli(*args)
    assert run.exit_code == 0
    assert run.stdout.startswith("Usage: llmstat")
    assert "Commands:" in run.stdout


@pytest.mark.parametrize("args", [["-h"], ["parse", "-h"], ["summarize", "-h"], ["captures", "list", "-h"]])
def test_dash_h_is_help(cli: Any, args: list[str]) -> None:
    run = cli(*args)
    assert run.exit_code == 0
    assert run.stdout.startswith("Usage: llmstat")
    assert "<int range>" not in run.stdout and "{inputs}" not in run.stdout


def test_ccusage_short_flags(cli: Any) -> None:
    day = "2025-11-03"
    long = cli("summarize", SESSION, "--json", "--breakdown", "--since", day, "--until", day,
               "--tz", "UTC", "--no-requests").json()  # fmt: skip
    short = cli("summarize", SESSION, "-j", "-b", "-s", day, "-u", day, "-z", "UTC", "--no-requests").json()
    assert short == long
    assert short["totals"]["requests"] == 9  # the requests of 2025-11-03
    assert "breakdown" in short["totals"]
    by = cli("summarize", SESSION, "-g", "model", "-j", "--no-requests").json()
    assert by["groups"][0]["key"] == {"model": "claude-haiku-4-5-20251001"}


def test_order_desc_reverses_every_table(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    asc = cli("summarize", SESSION, "--window", "5h", "--tz", "UTC").stdout
    desc = cli("summarize", SESSION, "--window", "5h", "--tz", "UTC", "-o", "desc").stdout
    windows = [line[:16] for line in asc.splitlines() if line.startswith("2025-")]
    assert [line[:16] for line in desc.splitlines() if line.startswith("2025-")] == windows[::-1]
    sources = [line.split()[0] for line in asc.splitlines() if line.startswith("mitmproxy")]
    assert [line.split()[0] for line in desc.splitlines() if line.startswith("mitmproxy")] == sources[::-1]
    # the data formats keep input order
    j_asc = cli("summarize", SESSION, "--window", "5h", "--json").json()
    assert cli("summarize", SESSION, "--window", "5h", "--json", "-o", "desc").json() == j_asc
    parse_desc = cli("parse", SESSION, "-o", "desc", "--no-cost").stdout
    parse_asc = cli("parse", SESSION, "--no-cost").stdout
    assert [r.split()[0] for r in parse_desc.splitlines()[2:]] == [
        r.split()[0] for r in parse_asc.splitlines()[2:]
    ][::-1]


def test_the_local_zone_is_the_default() -> None:
    """Days and windows in the user's zone, as ccusage: Berlin's 01:00 on Nov 4 is Nov 3 in UTC."""

    def days(tz_env: str, *extra: str) -> list[str]:
        out = subprocess.run(
            [sys.executable, "-m", "llmstat", "summarize", SESSION, "--by", "day", "--json", "--no-requests",
             "--no-cost", *extra],
            capture_output=True, text=True, env={"TZ": tz_env, "PATH": ""}, check=True,
        ).stdout  # fmt: skip
        import json

        return [g["key"]["day"] for g in json.loads(out)["groups"]]

    assert days("UTC") == ["2025-11-03", "2025-11-04"]
    # 2025-11-03T21:47 UTC is 22:47 in Berlin; 2025-11-04T01:58 is 02:58: same days here
    assert days("America/Los_Angeles") == ["2025-11-03"]  # every request before 16:00 PST on the 4th
    assert days("America/Los_Angeles", "--tz", "UTC") == ["2025-11-03", "2025-11-04"]


def significant_digits(x: float) -> int:
    return len(repr(abs(x)).replace(".", "").split("e")[0].lstrip("0"))


def floats_in(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


def test_no_float_noise_in_any_format(cli: Any) -> None:
    from llmstat.record import tidy

    assert tidy({"a": [1919.7985000000003, 0.1 + 0.2, 3, None]}) == {"a": [1919.7985, 0.3, 3, None]}
    for args in (["summarize", str(FIXTURES), "--json", "--by", "model"], ["parse", str(FIXTURES), "--json"]):
        numbers = floats_in(cli(*args).json())
        assert len(numbers) > 50
        assert max(map(significant_digits, numbers)) <= 12
    csv = cli("summarize", str(FIXTURES), "--format", "csv", "--by", "model").stdout
    assert "0000000" not in csv and "9999999" not in csv


def test_by_session(cli: Any, tmp_path: Any) -> None:
    """Claude Code puts its session in every request's metadata.user_id; Codex sends a header."""
    runs = cli("summarize", SESSION, str(FIXTURES / "har" / "mitmproxy-claude-max-ratelimit.har"),
               "--by", "session", "--json", "--no-requests").json()  # fmt: skip
    assert [(g["key"]["session"], g["requests"]) for g in runs["groups"]] == [
        ("5e2a90d1", 8),  # user_3f6c2a9e_account__session_5e2a90d1
        ("8d41b7c0", 11),
        (None, 1),  # the OpenAI call: no session recorded
    ]
    from llmstat.exchange import Exchange
    from llmstat.sources.records import session_of

    assert session_of(Exchange("x", request_headers={"session_id": "0199a213-81c0-7800-8aa1"})) == (
        "0199a213-81c0-7800-8aa1"
    )
    body = (
        '{"metadata": {"user_id": "user_ab12_account_9f3e-11_session_4c2d8e6a-1b7f-4f0e-9d3a-2e5b6c7d8e9f"}}'
    )
    assert session_of(Exchange("x", request_body=body)) == "4c2d8e6a-1b7f-4f0e-9d3a-2e5b6c7d8e9f"
    assert session_of(Exchange("x", request_body='{"metadata": {"user_id": "plain-user"}}')) is None


def test_tables_use_the_width_there_is(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    narrow = cli("summarize", SESSION, "--window", "5h").stdout
    assert max(map(len, narrow.splitlines())) <= 60
    assert narrow.splitlines()[1].split()[-1] == "cost"  # the requests table keeps its cost
    assert "cost" in next(line for line in narrow.splitlines() if line.startswith("start"))
    monkeypatch.setenv("COLUMNS", "200")
    wide = cli("parse", SESSION).stdout
    assert "mitmproxy-claude-code-session.har#1" in wide and "claude-sonnet-4-5-20250929" in wide


@pytest.mark.parametrize("command", [["parse"], ["summarize"], ["captures", "decode"], ["captures", "list"]])
def test_help_shows_examples(cli: Any, command: list[str]) -> None:
    out = cli(*command, "-h").stdout
    examples = out[out.index("Examples:") :].splitlines()[1:]
    runs = [line.strip() for line in examples if line.strip().startswith("llmstat ")]
    assert len(runs) >= 2
    assert all(line.startswith(f"llmstat {' '.join(command)}") for line in runs)
