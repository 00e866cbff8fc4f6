"""Usage windows at the edges, per CONTRACT.md: every expected bound is worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from llmstat.summary.clock import zone_of
from llmstat.summary.windows import Anchor, anchor_of, duration_of, spans_of

H5 = timedelta(hours=5)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def windows(times: list[str], duration: timedelta, anchor: str = "hour", tz: str = "UTC") -> list[tuple]:
    """(start, end, labels) with bounds as naive UTC ISO text; the items are the times themselves."""
    spans = spans_of([(utc(t), t) for t in times], duration, anchor_of(anchor), zone_of(tz))
    return [
        (s.start.replace(tzinfo=None).isoformat(), s.end.replace(tzinfo=None).isoformat(), list(s.items))
        for s in spans
    ]


def test_a_request_exactly_at_end_opens_the_next_window() -> None:
    times = ["2025-11-03T09:12:04.331", "2025-11-03T13:59:59.999", "2025-11-03T14:00:00"]
    assert windows(times, H5) == [
        ("2025-11-03T09:00:00", "2025-11-03T14:00:00", times[:2]),
        ("2025-11-03T14:00:00", "2025-11-03T19:00:00", times[2:]),
    ]


def test_gaps_longer_than_the_window_and_a_window_across_midnight() -> None:
    times = [
        "2025-11-03T09:12:04",
        "2025-11-03T14:22:41",
        "2025-11-03T21:47:13",  # 7h25m after the last: a gap longer than the window
        "2025-11-04T01:58:02",  # still in [21:00, 02:00)
        "2025-11-04T02:03:45",
    ]
    assert windows(times, H5) == [
        ("2025-11-03T09:00:00", "2025-11-03T14:00:00", times[0:1]),
        ("2025-11-03T14:00:00", "2025-11-03T19:00:00", times[1:2]),
        ("2025-11-03T21:00:00", "2025-11-04T02:00:00", times[2:4]),
        ("2025-11-04T02:00:00", "2025-11-04T07:00:00", times[4:5]),
    ]


def test_requests_are_placed_by_time_not_input_order() -> None:
    times = ["2025-11-03T15:00:00", "2025-11-03T09:30:00", "2025-11-03T09:30:00.000001"]
    assert windows(times, H5) == [
        ("2025-11-03T09:00:00", "2025-11-03T14:00:00", [times[1], times[2]]),
        ("2025-11-03T15:00:00", "2025-11-03T20:00:00", [times[0]]),
    ]


def test_no_dated_requests_no_windows() -> None:
    assert windows([], H5) == []


def test_sub_hour_windows_floor_to_a_multiple_of_the_duration() -> None:
    times = ["2025-11-03T09:12:04", "2025-11-03T09:29:59.999", "2025-11-03T09:30:00", "2025-11-03T09:47:10"]
    assert windows(times, timedelta(minutes=30)) == [
        ("2025-11-03T09:00:00", "2025-11-03T09:30:00", times[:2]),
        ("2025-11-03T09:30:00", "2025-11-03T10:00:00", times[2:]),
    ]


def test_sub_hour_multiples_count_from_the_epoch_not_the_hour() -> None:
    # 2025-11-03T00:00Z is 20395 days = 1,762,128,000 s after the epoch; 7 min = 420 s;
    # 1,762,128,000 / 420 = 4,195,542.86, so the grid has 4,195,542 * 420 = 23:54:00 the day
    # before, then 00:01, 00:08, ...
    times = ["2025-11-02T23:55:00", "2025-11-03T00:03:30"]
    assert windows(times, duration_of("7m")) == [
        ("2025-11-02T23:54:00", "2025-11-03T00:01:00", times[:1]),
        ("2025-11-03T00:01:00", "2025-11-03T00:08:00", times[1:]),
    ]


def test_windows_of_an_hour_or_more_floor_to_the_hour_even_when_they_overlap() -> None:
    # 90m from 10:00 ends 11:30; the request at 11:30 opens the next window, floored to 11:00
    times = ["2025-11-03T10:45:00", "2025-11-03T11:29:59", "2025-11-03T11:30:00"]
    assert windows(times, duration_of("90m")) == [
        ("2025-11-03T10:00:00", "2025-11-03T11:30:00", times[:2]),
        ("2025-11-03T11:00:00", "2025-11-03T12:30:00", times[2:]),
    ]


def test_exact_anchor_does_not_floor() -> None:
    times = ["2025-11-03T09:12:04.331", "2025-11-03T14:00:00", "2025-11-03T14:22:41.245"]
    assert windows(times, H5, "exact") == [
        ("2025-11-03T09:12:04.331000", "2025-11-03T14:12:04.331000", times[:2]),
        ("2025-11-03T14:22:41.245000", "2025-11-03T19:22:41.245000", times[2:]),
    ]


def test_clock_anchor_lays_a_grid_in_the_time_zone() -> None:
    # Berlin is UTC+1 in November: 08:00 local is 07:00Z, then every 5h: 12:00Z, 17:00Z, 22:00Z
    times = [
        "2025-11-03T09:12:04",
        "2025-11-03T11:05:58",
        "2025-11-03T13:59:59.999",  # after 12:00Z: the second cell, unlike the hour anchor
        "2025-11-03T14:00:00",
        "2025-11-03T21:47:13",
        "2025-11-04T01:58:02",  # the grid runs on across midnight: [22:00Z, 03:00Z)
    ]
    assert windows(times, H5, "08:00", "Europe/Berlin") == [
        ("2025-11-03T07:00:00", "2025-11-03T12:00:00", times[0:2]),
        ("2025-11-03T12:00:00", "2025-11-03T17:00:00", times[2:4]),
        ("2025-11-03T17:00:00", "2025-11-03T22:00:00", times[4:5]),
        ("2025-11-03T22:00:00", "2025-11-04T03:00:00", times[5:6]),
    ]


def test_clock_anchor_starts_the_day_before_when_the_first_request_is_earlier() -> None:
    times = ["2025-11-03T03:00:00", "2025-11-03T09:00:00"]
    assert windows(times, timedelta(days=1), "09:00") == [
        ("2025-11-02T09:00:00", "2025-11-03T09:00:00", times[:1]),
        ("2025-11-03T09:00:00", "2025-11-04T09:00:00", times[1:]),
    ]


def test_clock_anchor_keeps_the_clock_time_across_a_dst_change() -> None:
    # Berlin leaves summer time on 2025-10-26 at 03:00 CEST: 09:00 local is 07:00Z before
    # and 08:00Z after, so the window over the change lasts 25 hours.
    times = ["2025-10-25T10:00:00", "2025-10-26T07:30:00", "2025-10-26T08:00:00"]
    assert windows(times, timedelta(days=1), "09:00", "Europe/Berlin") == [
        ("2025-10-25T07:00:00", "2025-10-26T08:00:00", times[:2]),
        ("2025-10-26T08:00:00", "2025-10-27T08:00:00", times[2:]),
    ]


def test_clock_anchor_with_a_fixed_offset() -> None:
    # midnight at +05:30 is 18:30Z the day before
    times = ["2025-11-03T18:29:00", "2025-11-03T18:30:00"]
    assert windows(times, timedelta(days=1), "00:00", "+05:30") == [
        ("2025-11-02T18:30:00", "2025-11-03T18:30:00", times[:1]),
        ("2025-11-03T18:30:00", "2025-11-04T18:30:00", times[1:]),
    ]


def test_weekday_anchor_lays_weekly_windows_from_that_day_and_time() -> None:
    # Thursday 09:00 in New York (EST, UTC-5, in November) is 14:00Z. The earliest request, on
    # Monday 2025-11-03, belongs to the week that opened on Thursday 2025-10-30 (then EDT:
    # 13:00Z; the grid keeps 09:00 local across the change, so that week lasts 169 hours).
    times = [
        "2025-11-03T12:00:00",
        "2025-11-06T13:59:59",  # Thursday 08:59:59 local: still the first week
        "2025-11-06T14:00:00",  # Thursday 09:00 local: the next one
        "2025-11-20T15:00:00",  # a week without requests in between is not listed
    ]
    assert windows(times, timedelta(days=7), "thu 09:00", "America/New_York") == [
        ("2025-10-30T13:00:00", "2025-11-06T14:00:00", times[:2]),
        ("2025-11-06T14:00:00", "2025-11-13T14:00:00", times[2:3]),
        ("2025-11-20T14:00:00", "2025-11-27T14:00:00", times[3:]),
    ]


def test_weekday_anchor_on_its_own_day_and_at_midnight() -> None:
    # 2025-11-03 is a Monday: a request on it at 08:00 UTC is in the week from its midnight
    times = ["2025-11-03T08:00:00", "2025-11-09T23:59:59", "2025-11-10T00:00:00"]
    assert windows(times, timedelta(days=7), "monday") == [
        ("2025-11-03T00:00:00", "2025-11-10T00:00:00", times[:2]),
        ("2025-11-10T00:00:00", "2025-11-17T00:00:00", times[2:]),
    ]
    # Monday 09:00, and the first request earlier on that Monday: the week from the one before
    assert windows(times[:1], timedelta(days=7), "mon 09:00") == [
        ("2025-10-27T09:00:00", "2025-11-03T09:00:00", times[:1]),
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800),
        ("5h", 18000),
        ("1d", 86400),
        ("7d", 604800),
        ("1h30m", 5400),
        ("90s", 90),
        ("1.5h", 5400),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert duration_of(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5", "h", "5x", "0m", "-5h", "5h 30m", "m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        duration_of(text)


def test_anchors() -> None:
    assert anchor_of("hour") == Anchor("hour")
    assert anchor_of("EXACT") == Anchor("exact")
    assert anchor_of("8:05") == Anchor("clock", (8, 5))
    assert str(anchor_of("08:00")) == "08:00"
    assert anchor_of("Thu 09:00") == Anchor("clock", (9, 0), 3)
    assert anchor_of("sunday") == Anchor("clock", (0, 0), 6)
    assert str(anchor_of("tues  8:05")) == "tue 08:05"
    for bad in ("24:00", "08:60", "noon", "0800", "monx", "mon 25:00", "friday 9", "thu09:00"):
        with pytest.raises(ValueError):
            anchor_of(bad)
