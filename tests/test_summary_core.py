"""The summaries core on records built here: dedupe, sums, hit rate, date range, groups, shape."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from llmstat.record import Record, Skipped, Tokens
from llmstat.summary.builder import SummaryBuilder, SummaryOptions, summarize_records
from llmstat.summary.clock import time_range, zone_of

UTC_ = zone_of("UTC")
BERLIN = zone_of("Europe/Berlin")


def rec(source: str, entry: int, **kw: Any) -> Record:
    tokens = kw.pop("tokens", {})
    return Record(source=source, entry=entry, api=kw.pop("api", "openai.chat"), tokens=Tokens(**tokens), **kw)


def where(records: Any) -> list[tuple[str, int]]:
    return [(r.source, r.entry) for r in records]


def test_dedupe_by_api_and_id_first_in_input_order_wins() -> None:
    b = SummaryBuilder(SummaryOptions())
    b.add([rec("a.har", 0, id="chatcmpl-1", capture_id=7), rec("a.har", 1)])
    b.add(
        [
            rec("b.har", 0, id="chatcmpl-1"),  # the same response again
            rec("b.har", 1, id="chatcmpl-1", api="openai.responses"),  # another api: not the same
            rec("b.har", 2),  # no id: never a duplicate
            rec("b.har", 4, capture_id=7),  # capture ids do not count
        ],
        [Skipped("b.har", 3, "not an LLM call: GET /favicon.ico")],
    )
    s = b.build()
    assert where(s.requests) == [("a.har", 0), ("a.har", 1), ("b.har", 1), ("b.har", 2), ("b.har", 4)]
    assert [(x.source, x.entry, x.reason) for x in s.skipped] == [
        ("b.har", 0, "duplicate: openai.chat chatcmpl-1 already counted from a.har entry 0"),
        ("b.har", 3, "not an LLM call: GET /favicon.ico"),
    ]
    assert s.totals.requests == 5


def test_no_dedupe_keeps_every_copy() -> None:
    copies = [
        rec("a.har", 0, id="msg_1", api="anthropic.messages"),
        rec("b.har", 0, id="msg_1", api="anthropic.messages"),
    ]
    s = summarize_records(copies, SummaryOptions(dedupe=False))
    assert s.totals.requests == 2 and s.skipped == ()


def test_sums_count_reported_values_and_the_hit_rate_only_records_reporting_both() -> None:
    records = [
        rec("s", 0, tokens={"input": 1000, "cache_read": 800, "output": 50}),
        rec("s", 1, tokens={"input": 500, "output": 20}),  # cache_read not reported
        rec("s", 2, error="Overloaded", status=529),  # nothing reported
        rec("s", 3, tokens={"input": 200, "cache_read": 0, "cache_write": 100, "output": 10}),
    ]
    t = summarize_records(records).totals
    assert t.tokens.as_dict() == {
        "input": 1700,
        "output": 80,
        "cache_read": 800,
        "cache_write": 100,
        "reasoning": None,  # no record reports it: not reported, not 0 (contract v1.1)
    }
    # (800 + 0) / (1000 + 200): record 1 has no cache_read and stays out of both sums
    assert t.cache_hit_rate == pytest.approx(2 / 3)
    assert (t.requests, t.errors, t.undated) == (4, 1, 4)


def test_hit_rate_is_null_when_no_record_reports_both_or_input_is_zero() -> None:
    assert summarize_records([rec("s", 0, tokens={"input": 500})]).totals.cache_hit_rate is None
    assert (
        summarize_records([rec("s", 0, tokens={"input": 0, "cache_read": 0})]).totals.cache_hit_rate is None
    )
    assert summarize_records([]).totals.cache_hit_rate is None


def test_totals_percentiles_skip_nulls() -> None:
    records = [rec("s", 0, ttft_ms=100.0, duration_ms=1000.0), rec("s", 1), rec("s", 2, ttft_ms=300.0)]
    t = summarize_records(records).totals
    assert t.ttft_ms.as_dict() == {"p50": 200.0, "p95": pytest.approx(290.0), "p99": pytest.approx(298.0)}
    assert t.duration_ms.as_dict() == {"p50": 1000.0, "p95": 1000.0, "p99": 1000.0}
    assert t.output_tps.as_dict() == {"p50": None, "p95": None, "p99": None}


STAMPS = [
    "2025-11-03T23:30:00.000Z",
    "2025-11-04T00:00:00.000Z",
    "2025-11-04T23:59:59.999Z",
    "2025-11-05T00:00:00.000Z",
]


def ranged(since: str | None, until: str | None, tz: Any = UTC_) -> Any:
    records = [rec("s", i, started=t) for i, t in enumerate(STAMPS)] + [rec("bare.json", 0)]
    return summarize_records(records, SummaryOptions(range=time_range(since, until, tz), tz=tz))


def test_a_date_until_covers_that_whole_day_and_undated_records_are_left_out() -> None:
    s = ranged("2025-11-04", "2025-11-04")
    assert where(s.requests) == [("s", 1), ("s", 2)]
    assert s.undated_out_of_range == 1 and s.totals.undated == 0


def test_dates_are_read_in_the_time_zone() -> None:
    # Berlin is UTC+1: 2025-11-04 local runs from 2025-11-03T23:00Z to 2025-11-04T23:00Z
    s = ranged("2025-11-04", "2025-11-04", BERLIN)
    assert where(s.requests) == [("s", 0), ("s", 1)]


def test_a_timestamp_until_is_inclusive() -> None:
    assert where(ranged(None, "2025-11-04T00:00:00Z").requests) == [("s", 0), ("s", 1)]
    assert where(ranged("2025-11-04T23:59:59.999+00:00", None).requests) == [("s", 2), ("s", 3)]
    # without an offset, a timestamp is read in --tz: 00:30 in Berlin is 23:30Z the day before
    assert where(ranged(None, "2025-11-04T00:30", BERLIN).requests) == [("s", 0)]


def test_without_a_range_undated_records_are_counted_and_left_out_of_windows() -> None:
    records = [rec("s", 0, started="2025-11-03T09:12:04.331Z"), rec("bare.json", 0)]
    s = summarize_records(records, SummaryOptions(window=timedelta(hours=5)))
    assert (s.totals.requests, s.totals.undated) == (2, 1)
    assert [(w.start.isoformat(), w.stats.requests) for w in s.windows] == [("2025-11-03T09:00:00+00:00", 1)]


def test_groups_by_model_and_day_in_the_time_zone_missing_values_last() -> None:
    records = [
        rec("s", 0, model="gpt-4o", started="2025-11-03T23:30:00.000Z", tokens={"input": 10}),
        rec("s", 1, model="gpt-4o", started="2025-11-03T22:59:00.000Z", tokens={"input": 20}),
        rec("s", 2, model=None, started="2025-11-03T10:00:00.000Z", tokens={"input": 40}),
        rec("s", 3, model="claude-sonnet-4-5", tokens={"input": 80}),
    ]
    s = summarize_records(records, SummaryOptions(by=("model", "day"), tz=BERLIN))
    got = [(g.as_dict()["key"], g.stats.requests, g.stats.tokens.input) for g in s.groups]
    assert got == [
        ({"model": "claude-sonnet-4-5", "day": None}, 1, 80),
        ({"model": "gpt-4o", "day": "2025-11-03"}, 1, 20),  # 23:59 in Berlin
        ({"model": "gpt-4o", "day": "2025-11-04"}, 1, 10),  # 00:30 in Berlin
        ({"model": None, "day": "2025-11-03"}, 1, 40),
    ]


def test_group_by_hour_and_status() -> None:
    records = [
        rec("s", 0, status=200, started="2025-11-03T09:12:04.331Z"),
        rec("s", 1, status=529, started="2025-11-03T09:59:59.999Z", error="Overloaded"),
        rec("s", 2, status=200, started="2025-11-03T10:00:00.000Z"),
    ]
    s = summarize_records(records, SummaryOptions(by=("hour", "status")))
    assert [(g.as_dict()["key"], g.stats.requests, g.stats.errors) for g in s.groups] == [
        ({"hour": "2025-11-03T09:00+00:00", "status": 200}, 1, 0),
        ({"hour": "2025-11-03T09:00+00:00", "status": 529}, 1, 1),
        ({"hour": "2025-11-03T10:00+00:00", "status": 200}, 1, 0),
    ]


def test_the_json_shape() -> None:
    records = [
        rec("s", 0, id="chatcmpl-1", model="gpt-4o", started="2025-11-03T09:12:04.331Z", tokens={"input": 5})
    ]
    s = summarize_records(records, SummaryOptions(window=timedelta(hours=5), by=("model",)))
    data = s.as_dict()
    assert list(data) == ["requests", "totals", "windows", "groups", "skipped"]
    assert data["requests"] == [records[0].as_dict()]
    assert list(data["totals"]) == [
        "requests", "undated", "dated_by_body", "errors", "tokens", "cache_hit_rate", "cost_usd",
        "cost_recorded_usd", "cost_calculated_usd", "unpriced", "ttft_ms", "prompt_tps", "output_tps",
        "duration_ms", "ratelimit",
    ]  # fmt: skip
    assert data["windows"] == [
        {
            "start": "2025-11-03T09:00:00.000Z",
            "end": "2025-11-03T14:00:00.000Z",
            "requests": 1,
            "errors": 0,
            # only input is reported: the other sums stay null (contract v1.1)
            "tokens": {
                "input": 5,
                "output": None,
                "cache_read": None,
                "cache_write": None,
                "reasoning": None,
            },
            "cache_hit_rate": None,
            # nothing priced this record (no Pricer given): no cost, and counted as unpriced
            "cost_usd": None,
            "cost_recorded_usd": None,
            "cost_calculated_usd": None,
            "unpriced": 1,
            "models": ["gpt-4o"],
        }
    ]
    assert list(data["groups"][0]) == [
        "key", "requests", "errors", "tokens", "cache_hit_rate", "cost_usd", "cost_recorded_usd",
        "cost_calculated_usd", "unpriced", "ttft_ms", "prompt_tps", "output_tps", "duration_ms",
    ]  # fmt: skip
    assert "requests" not in s.as_dict(requests=False)


def test_prefill_speed_in_every_aggregate() -> None:
    # llama.cpp's prompt_per_second of three requests, one without: p50 200, p95 = 200 + 0.9 *
    # 100 = 290, p99 = 298 (linear between closest ranks); the group of one model likewise
    records = [
        rec("s", i, model="qwen3-8b", prompt_tps=tps, started=f"2025-11-03T09:0{i}:00.000Z")
        for i, tps in enumerate([100.0, 300.0, None, 200.0])
    ]
    s = summarize_records(records, SummaryOptions(by=("model",)))
    want = {"p50": 200.0, "p95": 290.0, "p99": 298.0}
    assert s.as_dict()["totals"]["prompt_tps"] == want
    assert s.as_dict()["groups"][0]["prompt_tps"] == want
