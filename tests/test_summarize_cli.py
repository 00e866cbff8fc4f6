"""`llmstat summarize` over the HAR fixtures: numbers worked out by hand from the fixture tables.

fixtures/har/mitmproxy-claude-code-session.har (tests/make_session_har.py), per entry:
input = input + cache write + cache read, ttft = connect + send + wait, decode = output / receive s

    entry started (UTC)           input  write   read  output  ttft   decode  duration
    1     2025-11-03 09:12:04.331 16029  1822  14203     312  1460     78.0   5486.74
    2     2025-11-03 09:12:31.870   187     0      0      23   512    115.0    712
    3     2025-11-03 09:47:10.502 18441  2410  16025     845  1900     65.0  14900
    4     2025-11-03 11:05:58.019 19049   611  18435    1204  2312     70.0  19512
    5     2025-11-03 13:59:59.999 20066  1015  19046      96  1338     80.0   2538
    6     2025-11-03 14:00:00.000 20063 20061      0     488  4100     61.0  12129.19
    7     2025-11-03 14:22:41.245  (529 Overloaded: no usage)     1204       -    1204.4
    8     2025-11-03 14:22:47.903 20802   737  20061    1530  1756     75.0  22156
    10    2025-11-03 21:47:13.660 21389 21380      0     702  3000     39.0  21025.27
    11    2025-11-04 01:58:02.114 20833 20830      0     254  4000     63.5   8024.5
    12    2025-11-04 02:03:45.780 21223   388  20830    1119  1822     74.6  16822
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HAR = ROOT / "fixtures" / "har"
SESSION = str(HAR / "mitmproxy-claude-code-session.har")
GOLDEN = Path(__file__).resolve().parent / "golden"


def tokens(inp: int | None, out: int | None, read: int | None, write: int | None) -> dict[str, int | None]:
    # the session reports no reasoning anywhere: its sums are null, not 0 (contract v1.1)
    return {"input": inp, "output": out, "cache_read": read, "cache_write": write, "reasoning": None}


def summary(cli: Any, *args: str) -> Any:
    run = cli("summarize", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return run.json()


def test_session_in_5h_windows(cli: Any) -> None:
    data = summary(cli, SESSION, "--window", "5h", "--no-requests")
    sonnet, haiku, opus = (
        "claude-sonnet-4-5-20250929",
        "claude-haiku-4-5-20251001",
        "claude-opus-4-1-20250805",
    )
    windows = data["windows"]
    assert [(w["start"], w["end"], w["requests"], w["errors"], w["models"]) for w in windows] == [
        # entry 5 at 13:59:59.999 is still inside; entry 6 at exactly 14:00 opens the next
        ("2025-11-03T09:00:00.000Z", "2025-11-03T14:00:00.000Z", 5, 0, [haiku, sonnet]),
        ("2025-11-03T14:00:00.000Z", "2025-11-03T19:00:00.000Z", 3, 1, [sonnet]),
        # 7h25m of silence, then a window across midnight
        ("2025-11-03T21:00:00.000Z", "2025-11-04T02:00:00.000Z", 2, 0, [opus, sonnet]),
        ("2025-11-04T02:00:00.000Z", "2025-11-04T07:00:00.000Z", 1, 0, [sonnet]),
    ]
    # entries 1-5; 6-8; 10-11; 12
    assert [w["tokens"] for w in windows] == [
        tokens(73772, 2480, 67709, 5858),
        tokens(40865, 2018, 20061, 20798),
        tokens(42222, 956, 0, 42210),
        tokens(21223, 1119, 20830, 388),
    ]
    assert [w["cache_hit_rate"] for w in windows] == pytest.approx(
        [67709 / 73772, 20061 / 40865, 0.0, 20830 / 21223]
    )
    totals = data["totals"]
    assert {k: totals[k] for k in ("requests", "undated", "dated_by_body", "errors", "tokens")} == {
        "requests": 11,
        "undated": 0,
        "dated_by_body": 0,
        "errors": 1,
        "tokens": tokens(178082, 6573, 108600, 69254),
    }
    assert totals["cache_hit_rate"] == pytest.approx(108600 / 178082)
    # ttft sorted: 512 1204 1338 1460 1756 1822 1900 2312 3000 4000 4100; rank = 10p
    assert totals["ttft_ms"] == pytest.approx({"p50": 1822.0, "p95": 4050.0, "p99": 4090.0})
    # decode sorted: 39 61 63.5 65 70 74.6 75 78 80 115 (the 529 has none); rank = 9p
    assert totals["output_tps"] == pytest.approx({"p50": 72.3, "p95": 80 + 0.55 * 35, "p99": 80 + 0.91 * 35})
    # duration: ... 19512 21025.27 22156 at the top; rank = 10p
    assert totals["duration_ms"] == pytest.approx(
        {"p50": 12129.19, "p95": 21025.27 + 0.5 * 1130.73, "p99": 21025.27 + 0.9 * 1130.73}
    )
    assert data["groups"] == []
    assert data["skipped"] == [
        {"source": SESSION, "entry": 0, "reason": "not an LLM call: POST /v1/rgstr"},
        {"source": SESSION, "entry": 9, "reason": "not an LLM call: POST /v1/messages/count_tokens"},
    ]


def test_requests_are_the_parse_records(cli: Any) -> None:
    data = summary(cli, SESSION)
    assert list(data) == ["requests", "totals", "windows", "groups", "skipped"]
    assert data["requests"] == cli("parse", SESSION, "--format", "json").json()
    assert list(summary(cli, SESSION, "--no-requests")) == ["totals", "windows", "groups", "skipped"]


def test_exact_and_clock_anchors(cli: Any) -> None:
    exact = summary(cli, SESSION, "--window", "5h", "--window-anchor", "exact", "--no-requests")["windows"]
    assert [(w["start"], w["end"], w["requests"]) for w in exact] == [
        ("2025-11-03T09:12:04.331Z", "2025-11-03T14:12:04.331Z", 6),  # entries 1-6
        ("2025-11-03T14:22:41.245Z", "2025-11-03T19:22:41.245Z", 2),  # 7-8
        ("2025-11-03T21:47:13.660Z", "2025-11-04T02:47:13.660Z", 3),  # 10-12
    ]
    # 08:00 in Berlin (UTC+1 in November) = 07:00Z, then every 5h
    args = ("--window", "5h", "--window-anchor", "08:00", "--tz", "Europe/Berlin", "--no-requests")
    clock = summary(cli, SESSION, *args)["windows"]
    assert [(w["start"], w["end"], w["requests"]) for w in clock] == [
        ("2025-11-03T07:00:00.000Z", "2025-11-03T12:00:00.000Z", 4),  # entries 1-4
        ("2025-11-03T12:00:00.000Z", "2025-11-03T17:00:00.000Z", 4),  # 5-8
        ("2025-11-03T17:00:00.000Z", "2025-11-03T22:00:00.000Z", 1),  # 10
        ("2025-11-03T22:00:00.000Z", "2025-11-04T03:00:00.000Z", 2),  # 11-12
    ]


def test_sub_hour_windows(cli: Any) -> None:
    windows = summary(cli, SESSION, "--window", "30m", "--no-requests")["windows"]
    assert [(w["start"][11:16], w["requests"]) for w in windows] == [
        ("09:00", 2),  # 09:12:04, 09:12:31
        ("09:30", 1),  # 09:47
        ("11:00", 1),
        ("13:30", 1),  # 13:59:59.999
        ("14:00", 3),  # 14:00:00.000, 14:22:41, 14:22:47
        ("21:30", 1),
        ("01:30", 1),
        ("02:00", 1),
    ]


def test_undated_requests_count_in_totals_not_in_windows(cli: Any) -> None:
    bare = str(ROOT / "fixtures" / "bodies" / "anthropic.json")  # msg_01Rt6..., not in the session
    data = summary(cli, SESSION, bare, "--window", "5h", "--no-requests")
    assert (data["totals"]["requests"], data["totals"]["undated"]) == (12, 1)
    assert sum(w["requests"] for w in data["windows"]) == 11
    assert data["totals"]["tokens"]["input"] == 178082 + 3208


def test_the_same_response_in_two_exports_counts_once(cli: Any) -> None:
    mitm, mixed = str(HAR / "mitmproxy-anthropic.har"), str(HAR / "mixed-providers.har")
    data = summary(cli, mitm, mixed, "--no-requests")
    # mitmproxy: 2 records; mixed: 4, of which entry 3 is mitmproxy's entry 1 again
    assert data["totals"]["requests"] == 5
    assert data["totals"]["tokens"]["input"] == 3084 + 3208 + 1864 + 42
    assert data["skipped"] == [
        {"source": mixed, "entry": 0, "reason": "not an LLM call: GET /favicon.ico"},
        {"source": mixed, "entry": 2, "reason": "not an LLM call: POST /api/telemetry"},
        {
            "source": mixed,
            "entry": 3,
            "reason": "duplicate: anthropic.messages msg_01Rt6XkLq8vB3nWmZ9yPdJ4s"
            f" already counted from {mitm} entry 1",
        },
    ]
    kept = summary(cli, mitm, mixed, "--no-requests", "--no-dedupe")
    assert kept["totals"]["requests"] == 6
    assert kept["totals"]["tokens"]["input"] == 3084 + 3208 + 1864 + 3208 + 42


def test_a_request_without_an_id_is_never_a_duplicate(cli: Any) -> None:
    # the minified export is the same HAR: its three ids repeat; its 429 (no id) counts again
    data = summary(
        cli, str(HAR / "mixed-providers.har"), str(HAR / "playwright-minified.har"), "--no-requests"
    )
    assert (data["totals"]["requests"], data["totals"]["errors"]) == (5, 2)
    assert sum(s["reason"].startswith("duplicate") for s in data["skipped"]) == 3


def test_groups_by_model_and_day_in_a_time_zone(cli: Any) -> None:
    data = summary(cli, SESSION, "--by", "model,day", "--tz", "Europe/Berlin", "--no-requests")
    got = [(g["key"], g["requests"], g["tokens"]["input"]) for g in data["groups"]]
    assert got == [
        ({"model": "claude-haiku-4-5-20251001", "day": "2025-11-03"}, 1, 187),
        ({"model": "claude-opus-4-1-20250805", "day": "2025-11-03"}, 1, 21389),  # 22:47 in Berlin
        # entries 1, 3-8 (the 529 reports no tokens)
        (
            {"model": "claude-sonnet-4-5-20250929", "day": "2025-11-03"},
            7,
            16029 + 18441 + 19049 + 20066 + 20063 + 20802,
        ),
        ({"model": "claude-sonnet-4-5-20250929", "day": "2025-11-04"}, 2, 20833 + 21223),
    ]
    opus = data["groups"][1]
    assert opus["ttft_ms"] == {"p50": 3000.0, "p95": 3000.0, "p99": 3000.0}
    assert opus["cache_hit_rate"] == 0.0
    # --by repeated is the same as comma-separated
    again = summary(cli, SESSION, "--by", "model", "--by", "day", "--tz", "Europe/Berlin", "--no-requests")
    assert again["groups"] == data["groups"]


def test_since_until_leave_undated_requests_out_with_a_warning(cli: Any) -> None:
    bare = str(ROOT / "fixtures" / "bodies" / "anthropic.json")
    run = cli("summarize", SESSION, bare, "--since", "2025-11-04", "--format", "json", "--no-requests")
    assert run.exit_code == 0
    assert (
        run.stderr.splitlines()[0]
        == "Warning: 1 undated request(s) left out: --since/--until cannot place them"
    )
    assert run.stderr.splitlines()[-1] == "Note: 2 entries skipped: not an LLM call (2)"
    assert run.json()["totals"]["requests"] == 2  # entries 11 and 12
    strict = cli("summarize", SESSION, bare, "--since", "2025-11-04", "--format", "json", "--strict")
    assert strict.exit_code == 1
    until = summary(cli, SESSION, "--until", "2025-11-03T14:00:00Z", "--no-requests")
    assert until["totals"]["requests"] == 6  # entries 1-6: the bound itself is included


def test_ndjson_lines_are_tagged(cli: Any) -> None:
    run = cli("summarize", SESSION, "--window", "5h", "--by", "model", "--format", "ndjson")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    types = [line["type"] for line in lines]
    assert types == ["request"] * 11 + ["totals"] + ["window"] * 4 + ["group"] * 3 + ["skipped"] * 2
    assert lines[11]["requests"] == 11 and lines[12]["start"] == "2025-11-03T09:00:00.000Z"
    quiet = cli("summarize", SESSION, "--format", "ndjson", "--no-requests").stdout.splitlines()
    assert [json.loads(line)["type"] for line in quiet] == ["totals", "skipped", "skipped"]


def test_csv_has_a_row_for_the_totals_each_window_and_each_group(cli: Any) -> None:
    run = cli("summarize", SESSION, "--window", "5h", "--by", "model", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["row"], r["start"], r["model"], r["requests"]) for r in rows] == [
        ("total", "", "", "11"),
        ("window", "2025-11-03T09:00:00.000Z", "", "5"),
        ("window", "2025-11-03T14:00:00.000Z", "", "3"),
        ("window", "2025-11-03T21:00:00.000Z", "", "2"),
        ("window", "2025-11-04T02:00:00.000Z", "", "1"),
        ("group", "", "claude-haiku-4-5-20251001", "1"),
        ("group", "", "claude-opus-4-1-20250805", "1"),
        ("group", "", "claude-sonnet-4-5-20250929", "9"),
    ]
    assert rows[0]["input"] == "178082" and rows[0]["ttft_ms_p50"] == "1822.0"
    assert rows[1]["models"] == "claude-haiku-4-5-20251001; claude-sonnet-4-5-20250929"


def test_the_table_golden(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("summarize", SESSION, "--window", "5h", "--prices", str(GOLDEN / "prices.toml"))
    assert run.exit_code == 0
    want = (GOLDEN / "summarize-session-5h.txt").read_text()
    assert run.stdout == want
    assert max(len(line) for line in run.stdout.splitlines()) <= 80


def test_an_empty_input_summarizes_to_zero(cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.har"
    empty.write_bytes(b"")
    run = cli("summarize", str(empty), "--format", "json", "--window", "5h")
    assert run.exit_code == 0
    assert run.json() == {
        "requests": [],
        "totals": {
            "requests": 0,
            "undated": 0,
            "dated_by_body": 0,
            "errors": 0,
            "tokens": tokens(None, None, None, None),  # nothing reported: null sums, not 0
            "cache_hit_rate": None,
            "cost_usd": None,  # nothing priced: not $0
            "cost_recorded_usd": None,
            "cost_calculated_usd": None,
            "unpriced": 0,
            "ttft_ms": {"p50": None, "p95": None, "p99": None},
            "prompt_tps": {"p50": None, "p95": None, "p99": None},
            "output_tps": {"p50": None, "p95": None, "p99": None},
            "duration_ms": {"p50": None, "p95": None, "p99": None},
            "ratelimit": None,  # no response carried rate-limit headers
        },
        "windows": [],
        "groups": [],
        "skipped": [],
    }


def test_an_unreadable_input_is_an_error_and_the_rest_is_summarized(cli: Any, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.har")
    run = cli("summarize", missing, SESSION, "--format", "json", "--no-requests")
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == f"Error: {missing}: no such file or directory"
    assert "Error" not in "".join(run.stderr.splitlines()[1:])  # the closing notes only
    assert run.json()["totals"]["requests"] == 11


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--window", "5 hours"), "Invalid value for '--window'"),
        (("--window-anchor", "08:00"), "Invalid value for '--window-anchor': needs --window"),
        (("--window", "5h", "--window-anchor", "25:00"), "Invalid value for '--window-anchor'"),
        (("--by", "provider"), "Invalid value for '--by': cannot group by 'provider'"),
        (("--tz", "Mars/Olympus"), "Invalid value for '--tz'"),
        (("--since", "last week"), "Invalid value for '--since/--until'"),
    ],
)
def test_bad_options_are_usage_errors(cli: Any, args: tuple[str, ...], message: str) -> None:
    run = cli("summarize", SESSION, *args)
    assert run.exit_code == 2
    assert message in " ".join(run.stderr.split())


def test_every_har_export_together(cli: Any) -> None:
    names = [
        "chrome-openai-stream-no-body.har",  # 1 record, body not recorded: no tokens
        "mitmproxy-anthropic.har",  # 2: input 3084 + 3208
        "mitmproxy-claude-code-session.har",  # 11 (see the table above)
        "mixed-providers.har",  # 4, entry 3 repeats mitmproxy-anthropic's entry 1: 3 new
        "playwright-minified.har",  # mixed-providers again: only its 429 (no id) is new
        "polly-openai-gzip-base64.har",  # 2: input 2311 + 3187
    ]
    data = summary(cli, *(str(HAR / n) for n in names), "--no-requests")
    t = data["totals"]
    assert (t["requests"], t["undated"], t["errors"]) == (1 + 2 + 11 + 3 + 1 + 2, 0, 3)
    assert t["tokens"] == {
        "input": 6292 + 178082 + (1864 + 42) + 5498,
        "output": (187 + 412) + 6573 + (274 + 326) + (87 + 142),
        "cache_read": 2048 + 108600 + 1792 + (2048 + 3072),
        "cache_write": (1024 + 3200) + 69254,  # OpenAI and Gemini report none
        "reasoning": 192 + 230,  # o4-mini and Gemini thoughts; Polly's two report 0
    }
    # Gemini reports no cache read: its input 42 stays out of the rate
    assert t["cache_hit_rate"] == pytest.approx(117560 / (6292 + 178082 + 1864 + 5498))
    reasons = [s["reason"].split(":")[0] for s in data["skipped"]]
    assert (reasons.count("not an LLM call"), reasons.count("duplicate")) == (3 + 2 + 2 + 2, 4)


def test_a_run_holds_what_it_made_until_the_next_one(cli: Any) -> None:
    # freeing a summary's inputs object by object is left to the end of the process (os._exit
    # frees nothing); a process that runs the app again holds one run's at a time
    from llmstat.commands import common

    fixtures = sorted(str(p) for p in (ROOT / "fixtures" / "bodies").glob("*.sse"))[:3]
    assert len(fixtures) == 3
    assert cli("summarize", fixtures[0], "--format", "json").exit_code == 0
    first = list(common._KEPT)
    assert cli("summarize", *fixtures, "--format", "json").exit_code == 0
    held = common._KEPT[0]
    assert [r.source for r in held] == fixtures and not any(k is f for k in common._KEPT for f in first)
