"""Views over the records: filters (parse and summarize), --sort, --breakdown and --chart.

fixtures/har/mitmproxy-claude-code-session.har (see test_summarize_cli.py for every figure):
entries 1-8 and 10-12; 2 is claude-haiku-4-5, 10 claude-opus-4-1, the rest claude-sonnet-4-5;
7 is a 529 without usage. fixtures/har/mixed-providers.har: 1 o4-mini on api.openai.com,
3 claude-opus-4-1 on api.anthropic.com, 4 gemini-2.5-flash on generativelanguage.googleapis.com,
5 gpt-4o on api.openai.com answered 429.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from llmstat.report.chart import bar_cells, step_for
from tests.prices import per_mtok

ROOT = Path(__file__).resolve().parent.parent
HAR = ROOT / "fixtures" / "har"
BODIES = ROOT / "fixtures" / "bodies"
SESSION = str(HAR / "mitmproxy-claude-code-session.har")
MIXED = str(HAR / "mixed-providers.har")
SONNET, HAIKU, OPUS = "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805"


def records(cli: Any, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    data: list[dict[str, Any]] = run.json()
    return data


def entries(cli: Any, *args: str) -> list[int]:
    return [r["entry"] for r in records(cli, *args)]


# --- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "want"),
    [
        ((SESSION, "--model", "claude-sonnet*"), [1, 3, 4, 5, 6, 7, 8, 11, 12]),
        ((SESSION, "--model", "*HAIKU*,*opus*"), [2, 10]),  # case-insensitive, comma-separated
        ((SESSION, "--model", "*haiku*", "--model", "*opus*"), [2, 10]),  # or repeated
        ((SESSION, "--status", "5xx"), [7]),
        ((SESSION, "--status", "200"), [1, 2, 3, 4, 5, 6, 8, 10, 11, 12]),
        ((SESSION, "--status", "500-528"), []),
        ((MIXED, "--api", "openai"), [1, 5]),  # a family
        ((MIXED, "--api", "anthropic.messages,gemini"), [3, 4]),
        ((MIXED, "--api", "openai.responses"), []),
        ((MIXED, "--host", "*.openai.com"), [1, 5]),
        ((MIXED, "--host", "generativelanguage.*"), [4]),
        ((MIXED, "--status", "4xx"), [5]),
        ((MIXED, "--api", "openai", "--status", "200"), [1]),  # every option must match
    ],
)
def test_parse_filters(cli: Any, args: tuple[str, ...], want: list[int]) -> None:
    assert entries(cli, *args) == want


def test_records_without_the_field_are_left_out(cli: Any) -> None:
    # bare bodies record no status and no host
    body = str(BODIES / "openai-chat.json")
    assert entries(cli, body) == [0]
    assert entries(cli, body, "--status", "200") == []
    assert entries(cli, body, "--host", "*") == []
    assert entries(cli, body, "--model", "gpt-4.1-mini*") == [0]


def test_summarize_counts_only_what_passes(cli: Any) -> None:
    run = cli("summarize", SESSION, "--model", "claude-sonnet*", "--format", "json")
    assert run.exit_code == 0
    data = run.json()
    # the same records parse gives with the same filter (one filter for both commands)
    assert data["requests"] == records(cli, SESSION, "--model", "claude-sonnet*")
    totals = data["totals"]
    # all of the session but haiku (187 in, 23 out) and opus (21,389 in with 21,380 written, 702 out)
    assert (totals["requests"], totals["errors"]) == (9, 1)
    assert totals["tokens"] == {
        "input": 178082 - 187 - 21389,
        "output": 6573 - 23 - 702,
        "cache_read": 108600,
        "cache_write": 69254 - 21380,
        "reasoning": None,  # no record of the session reports reasoning (contract v1.1: null, not 0)
    }
    assert totals["cost_usd"] == pytest.approx(sum(r["cost_usd"] or 0 for r in data["requests"]))
    # a filtered-out duplicate is not reported as a duplicate
    assert (
        cli("summarize", SESSION, SESSION, "--model", "nothing", "--json").json()["skipped"]
        == [
            {"source": SESSION, "entry": 0, "reason": "not an LLM call: POST /v1/rgstr"},
            {"source": SESSION, "entry": 9, "reason": "not an LLM call: POST /v1/messages/count_tokens"},
        ]
        * 2
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--api", "mistral"), "Invalid value for '--api': unknown api 'mistral'"),
        (("--status", "2x"), "Invalid value for '--status': not a status: '2x'"),
        (("--status", "599-500"), "Invalid value for '--status': an empty status range"),
    ],
)
@pytest.mark.parametrize("command", ["parse", "summarize"])
def test_bad_filters_are_usage_errors(cli: Any, command: str, args: tuple[str, ...], message: str) -> None:
    run = cli(command, SESSION, *args)
    assert run.exit_code == 2
    assert message in " ".join(run.stderr.split())


# --- sort ------------------------------------------------------------------------------


def table_sources(cli: Any, *args: str) -> list[str]:
    """The source column of the per-request table, top to bottom: the file's first five
    letters and the entry (the table cuts long names in the middle)."""
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("──")) + 1
    rows = []
    for line in lines[start:]:
        if "#" not in line:
            break
        source = line.split()[0]
        rows.append(source[:5] + "#" + source.rsplit("#", 1)[1])
    return rows


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("wide")
@pytest.mark.parametrize(
    ("key", "order"),
    [
        # input + output: 12: 22,342  8: 22,332  10: 22,091  11: 21,087  6: 20,551  4: 20,253
        # 5: 20,162  3: 19,286  1: 16,341  2: 210; 7 has no tokens and comes last
        ("tokens", [12, 8, 10, 11, 6, 4, 5, 3, 1, 2, 7]),
        # opus $0.454, then sonnet 6 ($0.083), 11 ($0.082), 8, 3, 4, 12, 1, 5, haiku; 7 unpriced
        ("cost", [10, 6, 11, 8, 3, 4, 12, 1, 5, 2, 7]),
        # 22,156ms 21,025 19,512 16,822 14,900 12,129 8,024 5,487 2,538 1,204 712
        ("duration", [8, 10, 4, 12, 3, 6, 11, 1, 5, 7, 2]),
    ],
)
def test_sort_the_request_table(cli: Any, key: str, order: list[int]) -> None:
    want = [f"mitmp#{n}" for n in order]
    assert table_sources(cli, "parse", SESSION, "--sort", key) == want
    assert table_sources(cli, "summarize", SESSION, "--sort", key) == want


@pytest.mark.usefixtures("wide")
def test_sort_by_time_across_inputs(cli: Any) -> None:
    polly = str(HAR / "polly-openai-gzip-base64.har")  # 2025-05-20, after the session on the command line
    sources = table_sources(cli, "parse", SESSION, polly, "--sort", "time")
    assert sources[:3] == ["polly#0", "polly#1", "mitmp#1"]
    # machine formats keep input order
    assert records(cli, SESSION, polly, "--sort", "time")[0]["source"] == SESSION


# --- breakdown ---------------------------------------------------------------------------


def test_breakdown_in_json(cli: Any) -> None:
    data = cli("summarize", SESSION, "--window", "5h", "--breakdown", "--json", "--no-requests").json()
    first = data["windows"][0]  # entries 1-5: sonnet 1, 3, 4, 5 and haiku 2
    assert [(b["model"], b["requests"], b["tokens"]["input"]) for b in first["breakdown"]] == [
        (SONNET, 4, 16029 + 18441 + 19049 + 20066),
        (HAIKU, 1, 187),
    ]
    haiku = per_mtok("anthropic", HAIKU, first["start"])
    assert first["breakdown"][1]["cost_usd"] == pytest.approx(
        (187 * haiku["input"] + 23 * haiku["output"]) / 1e6
    )
    for w in [*data["windows"], data["totals"]]:
        for field in ("input", "output", "cache_read", "cache_write"):
            assert sum(b["tokens"][field] for b in w["breakdown"]) == w["tokens"][field]
        assert sum(b["requests"] for b in w["breakdown"]) == w["requests"]
        assert sum(b["cost_usd"] for b in w["breakdown"]) == pytest.approx(w["cost_usd"])
    # the costliest model first
    assert [b["model"] for b in data["totals"]["breakdown"]] == [OPUS, SONNET, HAIKU]
    plain = cli("summarize", SESSION, "--window", "5h", "--json", "--no-requests").json()
    assert "breakdown" not in plain["totals"] and "breakdown" not in plain["windows"][0]


def test_breakdown_rows_under_windows(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("summarize", SESSION, "--window", "5h", "--breakdown", "--no-requests")
    lines = run.stdout.splitlines()
    top = lines.index(next(line for line in lines if line.startswith("window")))
    assert lines[top : top + 12] == [
        "window                         reqs   input  cache rd  output    hit     cost",
        "─" * 77,
        "2025-11-03 09:00  14:00           5  73,772    67,709   2,480  91.8%   $0.079",
        "└ claude-sonnet-4-5-20250929      4  73,585    67,709   2,457  92.0%   $0.079",
        "└ claude-haiku-4-5-20251001       1     187         0      23   0.0%  $0.0003",
        "2025-11-03 14:00  19:00           3  40,865    20,061   2,018  49.1%   $0.114",
        "└ claude-sonnet-4-5-20250929      3  40,865    20,061   2,018  49.1%   $0.114",
        "2025-11-03 21:00  11-04 02:00     2  42,222         0     956   0.0%   $0.536",
        "└ claude-opus-4-1-20250805        1  21,389         0     702   0.0%   $0.454",
        "└ claude-sonnet-4-5-20250929      1  20,833         0     254   0.0%   $0.082",
        "2025-11-04 02:00  07:00           1  21,223    20,830   1,119  98.1%   $0.025",
        "└ claude-sonnet-4-5-20250929      1  21,223    20,830   1,119  98.1%   $0.025",
    ]


@pytest.mark.usefixtures("wide")
def test_breakdown_rows_under_groups_and_totals(cli: Any) -> None:
    by_day = cli("summarize", SESSION, "--by", "day", "--breakdown", "--no-requests").stdout
    labels = [
        line.split()[0] + " " + line.split()[1] for line in by_day.splitlines() if line and line[0] in "2└"
    ]
    assert labels == [
        "2025-11-03 9",
        f"└ {OPUS}",
        f"└ {SONNET}",
        f"└ {HAIKU}",
        "2025-11-04 2",
        f"└ {SONNET}",
    ]
    # groups by model are one model each: no rows to add
    by_model = cli("summarize", SESSION, "--by", "model", "--breakdown", "--no-requests").stdout
    assert "└" not in by_model
    # neither windows nor groups: the totals by model
    totals = cli("summarize", SESSION, "--breakdown", "--no-requests").stdout
    assert "By model" in totals
    assert [line.split()[0] for line in totals.splitlines() if line.startswith("claude")] == [
        OPUS,
        SONNET,
        HAIKU,
    ]


def test_breakdown_in_csv(cli: Any) -> None:
    run = cli("summarize", SESSION, "--window", "5h", "--breakdown", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["row"], r["model"], r["requests"]) for r in rows[:6]] == [
        ("total", "", "11"),
        ("total-model", OPUS, "1"),
        ("total-model", SONNET, "9"),
        ("total-model", HAIKU, "1"),
        ("window", "", "5"),
        ("window-model", SONNET, "4"),
    ]


# --- chart -------------------------------------------------------------------------------


def test_chart_of_windows_fits_80_columns(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("summarize", SESSION, "--window", "5h", "--chart", "--no-requests")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    top = lines.index("Tokens per 5h window (UTC)")
    # 80 columns: 11 label + 1 + bar + 2 + 5 tokens + 2 + 6 cost: a full bar is 53 characters.
    # Window 1 is the largest, 76,252 tokens: 205 uncached (under one character, shown as one),
    # 67,709 read, 5,858 written, 2,480 output -> running sums at 53 / 76,252 per token round
    # to 0, 47, 51, 53 -> 0, 47, 4, 2 -> 1, 46, 4, 2.
    # Window 3, 43,178 tokens: 12 uncached, 42,210 written, 956 output -> 30 characters.
    assert lines[top + 1 : top + 6] == [
        "█ uncached input  ▓ cache read  ▒ cache write  ░ output",
        "11-03 09:00 █" + "▓" * 46 + "▒" * 4 + "░" * 2 + "  76.3k  $0.079",
        "11-03 14:00 █" + "▓" * 14 + "▒" * 14 + "░" + " " * 23 + "  42.9k  $0.114",
        "11-03 21:00 █" + "▒" * 28 + "░" + " " * 23 + "  43.2k  $0.536",
        "11-04 02:00 █" + "▓" * 13 + "▒" + "░" + " " * 37 + "  22.3k  $0.025",
    ]
    decode = lines.index("Decode speed per 5h window, output tok/s (median)")
    # medians 78.0, 68.0, 51.2, 74.6 t/s; the fastest fills 80 - 11 - 1 - 2 - 4 = 62 characters
    bars = [line[12:].count("█") for line in lines[decode + 1 : decode + 5]]
    assert bars == [62, round(68.0 * 62 / 78), round(51.25 * 62 / 78), round(74.6 * 62 / 78)]
    assert lines[decode + 1].endswith("  78.0")


def test_chart_buckets_without_windows(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("summarize", SESSION, "--chart", "--no-requests", "--no-cost")
    lines = run.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    # 09:12 to 02:03 the next day: 17 hours, so hourly buckets; only the hours with requests
    top = lines.index("Tokens per hour (UTC)")
    assert [line[:11] for line in lines[top + 2 : top + 9]] == [
        "11-03 09:00",  # entries 1-3
        "11-03 11:00",
        "11-03 13:00",
        "11-03 14:00",  # 6-8
        "11-03 21:00",
        "11-04 01:00",
        "11-04 02:00",
    ]
    assert "$" not in run.stdout


def test_chart_in_a_narrow_terminal_and_with_undated_requests(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    run = cli("summarize", SESSION, str(BODIES / "anthropic.json"), "--chart", "--no-requests")
    assert max(map(len, run.stdout.splitlines())) <= 60
    assert "1 undated request(s) not charted" in run.stdout


def test_chart_is_for_tables(cli: Any) -> None:
    run = cli("summarize", SESSION, "--chart", "--json")
    assert run.exit_code == 2
    assert "Invalid value for '--chart'" in " ".join(run.stderr.split())


def test_bar_cells() -> None:
    assert bar_cells([1, 1, 1, 1], 8) == [2, 2, 2, 2]
    assert sum(bar_cells([3, 5, 7, 11], 13)) == 13  # the parts add up to the bar
    assert bar_cells([1, 1000, 0, 1], 10) == [1, 8, 0, 1]  # every non-zero part shows
    assert bar_cells([0, 0, 0, 0], 10) == [0, 0, 0, 0]


def test_bucket_steps() -> None:
    from datetime import UTC, datetime, timedelta

    t = datetime(2025, 1, 1, tzinfo=UTC)
    assert step_for(t, t + timedelta(hours=23))[1] == "hour"  # 24 buckets
    assert step_for(t, t + timedelta(hours=24))[1] == "3 hours"
    assert step_for(t, t + timedelta(days=20))[1] == "day"
    assert step_for(t, t + timedelta(days=200))[1] == "week"
