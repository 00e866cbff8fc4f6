"""Rate limits: each provider's headers parsed by hand-worked numbers, windows laid from the
server's resets, totals.ratelimit and the active window.

The fixture fixtures/har/mitmproxy-claude-max-ratelimit.har is made by
tests/make_ratelimit_har.py; its docstring tells the day it records.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from llmstat.protocols.ratelimit import ratelimit_of
from llmstat.record import Record
from llmstat.summary.ratelimits import LaidWindow, active_window
from llmstat.summary.windows import Span
from tests.conftest import FIXTURES

MAX_HAR = str(FIXTURES / "har" / "mitmproxy-claude-max-ratelimit.har")
SESSION = str(FIXTURES / "har" / "mitmproxy-claude-code-session.har")
DATE = "Mon, 10 Nov 2025 09:41:07 GMT"


def parsed(headers: dict[str, str], started: str | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    warnings: list[str] = []
    return ratelimit_of(headers, started, warnings), warnings


# --- each family ------------------------------------------------------------------------------


def test_anthropic_unified_windows() -> None:
    rl, warnings = parsed(
        {
            "date": DATE,
            "anthropic-ratelimit-unified-status": "allowed_warning",
            "anthropic-ratelimit-unified-representative-claim": "five_hour",
            "anthropic-ratelimit-unified-5h-utilization": "0.87",
            "anthropic-ratelimit-unified-5h-reset": "1762779600",  # 2025-11-10T13:00:00Z
            "anthropic-ratelimit-unified-5h-status": "allowed_warning",
            "anthropic-ratelimit-unified-7d_opus-utilization": "0.5",
            "anthropic-ratelimit-unified-7d_opus-reset": "1763056800",  # 2025-11-13T18:00:00Z
            "anthropic-ratelimit-unified-overage-status": "rejected",
            "anthropic-organization-id": "b41c7d9e-2a35-4f60-8d1e-93c5a7f2e408",
            "content-type": "text/event-stream",
        }
    )
    assert warnings == []
    assert rl is not None
    assert rl["observed_at"] == "2025-11-10T09:41:07.000Z"
    assert rl["windows"] == [
        {
            "name": "5h",
            "length_s": 18000,
            "resets_at": "2025-11-10T13:00:00.000Z",
            "starts_at": "2025-11-10T08:00:00.000Z",
            "utilization": 0.87,
            "status": "allowed_warning",
        },
        {
            "name": "7d_opus",
            "length_s": 604800,
            "resets_at": "2025-11-13T18:00:00.000Z",
            "starts_at": "2025-11-06T18:00:00.000Z",
            "utilization": 0.5,
            "status": None,
        },
        # the name states no length
        {
            "name": "overage",
            "length_s": None,
            "resets_at": None,
            "starts_at": None,
            "utilization": None,
            "status": "rejected",
        },
    ]
    assert (rl["status"], rl["binding"]) == ("allowed_warning", "five_hour")
    assert rl["organization"] == "b41c7d9e-2a35-4f60-8d1e-93c5a7f2e408"
    assert "content-type" not in rl["raw"] and "date" not in rl["raw"]
    assert len(rl["raw"]) == 8  # every rate-limit header, and only those


def test_anthropic_api_buckets_reset_at_rfc3339_instants() -> None:
    rl, warnings = parsed(
        {
            "anthropic-ratelimit-requests-limit": "4000",
            "anthropic-ratelimit-requests-remaining": "3999",
            "anthropic-ratelimit-requests-reset": "2025-07-02T08:15:43Z",
            "anthropic-ratelimit-output-tokens-limit": "80000",
            "anthropic-ratelimit-output-tokens-remaining": "79000",
            "anthropic-ratelimit-output-tokens-reset": "2025-07-02T08:15:42.5+00:00",
        },
        "2025-07-02T08:15:40.118Z",
    )
    assert warnings == []
    assert rl is not None
    assert rl["observed_at"] == "2025-07-02T08:15:40.118Z"  # no Date: the request's start
    assert rl["buckets"] == [
        {"name": "requests", "period_s": 60, "limit": 4000, "remaining": 3999,
         "resets_at": "2025-07-02T08:15:43.000Z", "reset_kind": "absolute"},
        {"name": "output-tokens", "period_s": 60, "limit": 80000, "remaining": 79000,
         "resets_at": "2025-07-02T08:15:42.500Z", "reset_kind": "absolute"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("reset", "after"),
    [
        ("6m0s", timedelta(minutes=6)),
        ("10.332999999s", timedelta(seconds=10.332999999)),  # timedelta keeps microseconds: .333
        ("20ms", timedelta(milliseconds=20)),
        ("1h2m3s", timedelta(hours=1, minutes=2, seconds=3)),
        ("2m59.56s", timedelta(minutes=2, seconds=59.56)),
        ("7.66", timedelta(seconds=7.66)),  # Cerebras, Mistral: seconds
    ],
)
def test_relative_resets_count_from_the_date_header(reset: str, after: timedelta) -> None:
    rl, warnings = parsed(
        {"date": DATE, "x-ratelimit-reset-tokens": reset, "x-ratelimit-limit-tokens": "30000"}
    )
    assert warnings == []
    assert rl is not None
    [bucket] = rl["buckets"]
    want = datetime(2025, 11, 10, 9, 41, 7, tzinfo=UTC) + after
    assert bucket["resets_at"] == want.strftime("%Y-%m-%dT%H:%M:%S.") + f"{want.microsecond // 1000:03d}Z"
    assert (bucket["name"], bucket["reset_kind"], bucket["period_s"]) == ("tokens", "relative", None)
    assert (bucket["limit"], bucket["remaining"]) == (30000, None)  # half a family: nulls


def test_openrouter_resets_in_epoch_milliseconds() -> None:
    rl, _ = parsed(
        {"x-ratelimit-limit": "20", "x-ratelimit-remaining": "19", "x-ratelimit-reset": "1762770660000"}
    )
    assert rl is not None
    assert rl["buckets"] == [
        {"name": "requests", "period_s": None, "limit": 20, "remaining": 19,
         "resets_at": "2025-11-10T10:31:00.000Z", "reset_kind": "absolute"},
    ]  # fmt: skip


def test_cerebras_and_mistral_name_their_periods() -> None:
    rl, _ = parsed(
        {
            "date": DATE,
            "x-ratelimit-limit-requests-day": "14400",
            "x-ratelimit-remaining-requests-day": "14370",
            "x-ratelimit-reset-requests-day": "51772.8",
            "x-ratelimit-limit-tokens-minute": "60000",
            "x-ratelimit-remaining-tokens-minute": "59000",
            "x-ratelimit-limit-req-minute": "720",
            "x-ratelimit-remaining-req-minute": "717",
            "x-ratelimit-limit-tokens-month": "1000000000",
            "x-ratelimit-tokens-query-cost": "52",
        }
    )
    assert rl is not None
    periods = {b["name"]: (b["period_s"], b["limit"], b["remaining"]) for b in rl["buckets"]}
    assert periods == {
        "requests-day": (86400, 14400, 14370),
        "tokens-minute": (60, 60000, 59000),
        "req-minute": (60, 720, 717),
        "tokens-month": (None, 1000000000, None),  # a month has no fixed length
    }
    [day] = [b for b in rl["buckets"] if b["name"] == "requests-day"]
    assert day["resets_at"] == "2025-11-11T00:03:59.800Z"  # 09:41:07 + 51772.8 s (14:22:52.8)
    assert rl["raw"]["x-ratelimit-tokens-query-cost"] == "52"


def test_retry_after_in_milliseconds_seconds_or_a_date() -> None:
    assert parsed({"retry-after-ms": "1500", "retry-after": "2"})[0]["retry_after_s"] == 1.5  # type: ignore[index]
    assert parsed({"retry-after": "80"})[0]["retry_after_s"] == 80.0  # type: ignore[index]
    rl, _ = parsed({"date": DATE, "retry-after": "Mon, 10 Nov 2025 09:42:07 GMT"})
    assert rl is not None and rl["retry_after_s"] == 60.0


def test_a_value_that_does_not_parse_is_null_with_a_warning() -> None:
    rl, warnings = parsed(
        {
            "x-ratelimit-limit-requests": "lots",
            "x-ratelimit-remaining-requests": "9",
            "x-ratelimit-reset-requests": "soon",
        },
        None,
    )
    assert rl is not None
    [bucket] = rl["buckets"]
    assert (bucket["limit"], bucket["remaining"], bucket["resets_at"]) == (None, 9, None)
    assert warnings == [
        "rate-limit header requests limit does not parse: 'lots'",
        "rate-limit header requests reset does not parse: 'soon'",
    ]


def test_a_relative_reset_with_nothing_to_count_from_is_null() -> None:
    rl, warnings = parsed({"x-ratelimit-reset-tokens": "6m0s"})
    assert rl is not None and rl["buckets"][0]["resets_at"] is None
    assert warnings == ["rate-limit header tokens reset is relative ('6m0s') and nothing dates the response"]


def test_no_rate_limit_header_no_object() -> None:
    assert parsed({"date": DATE, "content-type": "application/json"}) == (None, [])


# --- records ----------------------------------------------------------------------------------


def records(cli: Any, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", *args, "--format", "json", "--no-cost")
    assert run.exit_code == 0, run.stderr
    return run.json()  # type: ignore[no-any-return]


def test_har_records_carry_their_limits_and_bare_bodies_none(cli: Any) -> None:
    recs = records(cli, MAX_HAR, str(FIXTURES / "bodies" / "anthropic.json"))
    limited = [r["ratelimit"] is not None for r in recs]
    # the two requests through another tool carry no headers; the bare body has none to carry
    assert limited == [True, True, True, True, True, True, False, False, True, False]
    refused = recs[4]
    assert refused["status"] == 429
    assert refused["ratelimit"]["retry_after_s"] == 80.0
    assert refused["ratelimit"]["status"] == "rejected"
    assert refused["ratelimit"]["windows"][0]["utilization"] == 1.0


def test_the_parse_table_shows_a_limit_column_only_when_a_record_has_limits(
    cli: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with_limits = cli("parse", MAX_HAR, "--no-cost").stdout
    assert with_limits.splitlines()[0].rstrip().endswith("limit")
    assert "5h 87%" in with_limits  # the binding claim, five_hour
    assert "limit" not in cli("parse", str(FIXTURES / "bodies"), "--no-cost").stdout.splitlines()[0]


# --- windows from the server's resets --------------------------------------------------------


def summary(cli: Any, *args: str) -> dict[str, Any]:
    run = cli("summarize", *args, "--format", "json", "--no-requests", "--no-cost")
    assert run.exit_code == 0, run.stderr
    return run.json()  # type: ignore[no-any-return]


def test_server_windows(cli: Any) -> None:
    data = summary(cli, MAX_HAR, "--window", "5h", "--window-anchor", "server")
    got = [
        (
            w["start"][11:16],
            w["end"][5:16],
            w["requests"],
            w["anchor"],
            w["resets_at"],
            w["utilization"],
            w["rejected"],
        )
        for w in data["windows"]
    ]
    assert got == [
        # opened at 08:00, before the first recorded request (09:41): a guess would say 09:00.
        # The OpenAI call at 10:30 carries no window claim: its time places it.
        ("08:00", "11-10T13:00", 5, "server", "2025-11-10T13:00:00.000Z",
         {"first": 0.12, "last": 1.0, "max": 1.0}, 1),
        # the 14:02 request without headers falls in the server's window
        ("13:00", "11-10T18:00", 2, "server", "2025-11-10T18:00:00.000Z",
         {"first": 0.04, "last": 0.04, "max": 0.04}, 0),
        # 19:45 is in no server window: guessed, floored to 19:00, cut short at 22:00
        ("19:00", "11-10T22:00", 1, "guessed", None, None, 0),
        ("22:00", "11-11T03:00", 1, "server", "2025-11-11T03:00:00.000Z",
         {"first": 0.07, "last": 0.07, "max": 0.07}, 0),
    ]  # fmt: skip
    assert [w["tokens"]["input"] for w in data["windows"]] == [
        16417 + 211 + 12 + 24189,
        18073 + 18987,
        20486,
        21688,
    ]


def test_weekly_server_window(cli: Any) -> None:
    [week] = summary(cli, MAX_HAR, "--window", "7d", "--window-anchor", "server")["windows"]
    assert (week["start"], week["end"], week["requests"]) == (
        "2025-11-06T18:00:00.000Z",
        "2025-11-13T18:00:00.000Z",
        9,
    )
    assert week["utilization"] == {"first": 0.31, "last": 0.40, "max": 0.40}


def test_without_resets_every_window_is_guessed_with_one_note(cli: Any) -> None:
    run = cli("summarize", SESSION, "--window", "5h", "--window-anchor", "server", "--json", "--no-requests")
    assert run.exit_code == 0
    assert {w["anchor"] for w in run.json()["windows"]} == {"guessed"}
    assert run.stderr.count("every window is guessed") == 1
    hour = cli("summarize", SESSION, "--window", "5h", "--json", "--no-requests").json()["windows"]
    assert [(w["start"], w["end"]) for w in run.json()["windows"]] == [(w["start"], w["end"]) for w in hour]


def test_the_default_anchor_is_unchanged(cli: Any) -> None:
    windows = summary(cli, MAX_HAR, "--window", "5h")["windows"]
    # floored to the first request's hour, as ever: 09:41 opens [09:00, 14:00)
    assert [(w["start"][11:16], w["requests"]) for w in windows] == [("09:00", 6), ("14:00", 1), ("19:00", 2)]
    assert all("anchor" not in w for w in windows)


def test_totals_ratelimit(cli: Any) -> None:
    totals = summary(cli, MAX_HAR)["totals"]
    assert totals["ratelimit"] == {
        "records": 7,
        "rejected": 1,
        "retry_after_max_s": 80.0,
        # OpenAI's buckets at 10:30 (its Date header, to the second)
        "min_remaining": {
            "requests": {"remaining": 4999, "limit": 5000, "at": "2025-11-10T10:30:31.000Z"},
            "tokens": {"remaining": 3999985, "limit": 4000000, "at": "2025-11-10T10:30:31.000Z"},
        },
    }
    assert summary(cli, str(FIXTURES / "bodies"))["totals"]["ratelimit"] is None


def test_the_table_shows_used_and_status(cli: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = cli("summarize", MAX_HAR, "--window", "5h", "--window-anchor", "server", "--no-requests").stdout
    rows = {line[:16]: " ".join(line.split()) for line in out.splitlines()}
    assert " used status " in rows["start            end"[:16]]
    assert " 100% rejected " in rows["2025-11-10 08:00"]
    assert " 4% allowed " in rows["2025-11-10 13:00"]
    assert " - guessed " in rows["2025-11-10 19:00"]
    assert "rate limits: 7 responses with limits, 1 refused, retry-after up to 80 s" in out


# --- the active window ---------------------------------------------------------------------------


def test_active_window_counts_down_from_now() -> None:
    start = datetime(2025, 11, 10, 13, tzinfo=UTC)
    r1 = Record("x", 0, started="2025-11-10T13:20:00.000Z")
    r1.tokens.input, r1.tokens.output = 18000, 600
    r2 = Record("x", 1, started="2025-11-10T15:00:00.000Z")
    r2.tokens.input, r2.tokens.output = 19000, 400
    window = LaidWindow(
        Span(start, start + timedelta(hours=5), (r1, r2)),
        "server",
        start + timedelta(hours=5),
        {"first": 0.04, "last": 0.3, "max": 0.3},
    )
    active = active_window([window], now=datetime(2025, 11, 10, 16, 30, tzinfo=UTC))
    assert active is not None
    assert active["resets_in_s"] == 90 * 60  # 18:00 - 16:30
    assert not active["ended"]
    assert active["tokens"] == 38000
    # two hours from the window's start to its last request
    assert active["tokens_per_hour"] == pytest.approx(19000)
    assert active["utilization_per_hour"] == pytest.approx(0.15)


def test_summarize_active(cli: Any) -> None:
    data = summary(cli, MAX_HAR, "--active")
    active = data["active"]
    assert (active["start"], active["end"], active["anchor"]) == (
        "2025-11-10T22:00:00.000Z",
        "2025-11-11T03:00:00.000Z",
        "server",
    )
    assert active["ended"] and active["resets_in_s"] == 0  # recorded in 2025
    assert (active["requests"], active["tokens"], active["utilization"]) == (1, 21688 + 1015, 0.07)
    assert "active" not in summary(cli, MAX_HAR, "--window", "5h")


def test_gemini_says_its_retry_delay_in_the_body(cli: Any, tmp_path: Any) -> None:
    """A 429 from generativelanguage.googleapis.com: RESOURCE_EXHAUSTED with a RetryInfo detail."""
    body = {
        "error": {
            "code": 429,
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                    {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                     "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"},
            ],
        }
    }  # fmt: skip
    import json

    from llmstat.exchange import Exchange
    from llmstat.sources.records import records_from_exchange

    recorded = Exchange(
        "gemini.har", method="POST", host="generativelanguage.googleapis.com",
        path="/v1beta/models/gemini-2.5-flash:generateContent", status=429,
        started="2025-11-10T10:00:00.000Z",
        response_headers={"content-type": "application/json; charset=UTF-8", "date": DATE},
        response_body=json.dumps(body).encode(), context=True,
    )  # fmt: skip
    [rec] = records_from_exchange(recorded)
    assert rec.error is not None and rec.error.startswith("You exceeded your current quota")
    assert rec.ratelimit is not None and rec.ratelimit["retry_after_s"] == 37.0
    assert (rec.ratelimit["windows"], rec.ratelimit["buckets"], rec.ratelimit["raw"]) == ([], [], {})
    # a bare body carries no response: its ratelimit stays null, as the contract says
    path = tmp_path / "gemini-429.json"
    path.write_text(json.dumps(body))
    [bare] = records(cli, str(path))
    assert bare["ratelimit"] is None
