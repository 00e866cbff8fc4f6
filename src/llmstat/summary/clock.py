"""Instants and time zones for summaries: record timestamps, ``--since``/``--until``, ``--tz``.

A record's clock is its ``started``, else the response's own ``created`` (``--clock
recorded``: ``started`` alone, as v1 did): windows, day/hour/week/month groups and the date
range all read it through :func:`clock_of`.

Every instant is an aware ``datetime`` in UTC; a zone only matters where a clock reading is
shown or bucketed (``day``/``hour`` groups, ``HH:MM`` window anchors, the table).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from llmstat.dataclass import dataclass
from llmstat.lazy_regex import compile_later
from llmstat.record import Record, instant_of

Clock = Callable[[Record], datetime | None]
CLOCKS = ("any", "recorded")


def started_or_created(r: Record) -> datetime | None:
    return instant_of(r.started) or instant_of(r.created)


def started_only(r: Record) -> datetime | None:
    return instant_of(r.started)


def clock_of(name: str) -> Clock:
    """``any`` (started, else created) or ``recorded`` (started alone); raises ValueError."""
    value = name.strip().lower()
    if value not in CLOCKS:
        raise ValueError(f"not a clock: {name!r} (use any or recorded)")
    return started_only if value == "recorded" else started_or_created


def dated_by_body(r: Record, instant: datetime | None) -> bool:
    """A record with no start of its own that ``instant`` (what the run's clock read of it)
    dates: only the response's own ``created`` could have."""
    return instant is not None and r.started is None


_OFFSET = compile_later(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def zone_of(name: str) -> tzinfo:
    """``UTC``, ``local``, a fixed offset (``+05:30``, ``-0800``) or an IANA name."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return UTC
    if text.lower() == "local":
        return _local_zone()
    m = _OFFSET.match(text)
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        if hours > 23 or minutes > 59:
            raise ValueError(f"offset out of range: {name!r}")
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {name!r} (an IANA name, UTC, local or +HH:MM)") from None


def zone_name(name: str) -> str:
    """How a ``--tz`` value is shown: ``local`` as the zone it stands for (``TZ``, else the
    name /etc/localtime links to), else as given."""
    if name.strip().lower() != "local":
        return name
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        return tz_env
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return "local"
    _, found, zone = target.partition("/zoneinfo/")
    if not found:
        return "local"
    return "UTC" if zone in ("Etc/UTC", "UTC", "Etc/UCT", "Universal", "Zulu") else zone


def _local_zone() -> tzinfo:
    if zone_name("local") == "UTC":
        return UTC  # servers and containers: zoneinfo (and sysconfig under it) not imported
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    tz_env = os.environ.get("TZ", "").lstrip(":")
    try:
        if tz_env:
            return ZoneInfo(tz_env)
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ZoneInfoNotFoundError, ValueError):
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC


def wall_to_utc(wall: datetime, tz: tzinfo) -> datetime:
    """A naive wall-clock reading in ``tz`` as a UTC instant (the earlier one when ambiguous)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``[since, before)`` in UTC; either end may be open."""

    since: datetime | None = None
    before: datetime | None = None

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.before is not None

    def __contains__(self, t: datetime) -> bool:
        return (self.since is None or t >= self.since) and (self.before is None or t < self.before)


def time_range(since: str | None, until: str | None, tz: tzinfo) -> TimeRange:
    """``--since``/``--until`` as a range; both ends inclusive. Raises ValueError.

    A date alone (``2026-11-01``) is that day's midnight in ``tz``, and as ``--until`` the
    whole of that day. A timestamp without an offset is read in ``tz``.
    """
    return TimeRange(
        None if since is None else _bound(since, tz, upper=False),
        None if until is None else _bound(until, tz, upper=True),
    )


def _bound(text: str, tz: tzinfo, upper: bool) -> datetime:
    value = text.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        if upper:
            day += timedelta(days=1)
        return wall_to_utc(datetime(day.year, day.month, day.day), tz)
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date or timestamp: {text!r} (use 2026-11-01 or 2026-11-01T14:30)") from None
    instant = wall_to_utc(dt, tz) if dt.tzinfo is None else dt.astimezone(UTC)
    # an inclusive upper timestamp: the next microsecond is the first instant left out
    return instant + timedelta(microseconds=1) if upper else instant
