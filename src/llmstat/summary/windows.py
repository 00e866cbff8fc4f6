"""Usage windows (``--window``, ``--window-anchor``), exactly as CONTRACT.md's Summaries section.

A window opens at the first dated request not yet covered and spans ``[start, start + D)``.
Where it starts depends on the anchor:

- ``hour`` (default, ccusage-compatible): floored to the UTC hour when ``D`` >= 1h, else to a
  multiple of ``D`` since the Unix epoch;
- ``exact``: the request's own instant;
- ``HH:MM``: the cell of a fixed grid laid every ``D`` of wall-clock time in ``--tz``, from
  HH:MM on the local day of the earliest dated request. Wall-clock steps keep the grid on
  HH:MM across DST changes, so a window spanning one is an hour shorter or longer.
- ``DAY [HH:MM]`` (``mon``, ``thu 09:00``, ``sunday``): the same grid, from that weekday (at
  HH:MM, else midnight) on or before the earliest dated request's local day: weekly limits
  that reset on a given day and hour, with ``--window 7d``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Generic, TypeVar

from llmstat.dataclass import dataclass
from llmstat.lazy_regex import compile_later
from llmstat.summary.clock import wall_to_utc

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = compile_later(r"(\d+(?:\.\d+)?)([smhdw])")
_CLOCK = compile_later(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = compile_later(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*(?:\s+(\S+))?$")


def duration_of(text: str) -> timedelta:
    """``30m``, ``5h``, ``1d``, ``7d``, ``1h30m``, ``90s``, ``2w``; raises ValueError."""
    value = text.strip().lower()
    pos = 0
    seconds = 0.0
    for m in _PART.finditer(value):
        if m.start() != pos:
            break
        seconds += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not value or pos != len(value):
        raise ValueError(f"not a duration: {text!r} (use 30m, 5h, 1d, 7d, 1h30m)")
    if seconds < 1:
        raise ValueError(f"a window must last at least one second: {text!r}")
    return timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class Anchor:
    """``hour``, ``exact``, ``server`` (the provider's own resets, ``summary/ratelimits.py``), or
    a clock time (``clock`` set to (hour, minute)), on a weekday (0 = Monday) when ``weekday`` is set."""

    kind: str = "hour"
    clock: tuple[int, int] | None = None
    weekday: int | None = None

    def __str__(self) -> str:
        if self.clock is None:
            return self.kind
        time = f"{self.clock[0]:02d}:{self.clock[1]:02d}"
        return time if self.weekday is None else f"{_DAYS[self.weekday]} {time}"


def anchor_of(text: str) -> Anchor:
    value = text.strip().lower()
    if value in ("hour", "exact", "server"):
        return Anchor(value)
    weekday = None
    day = _WEEKDAY.match(value)
    if day is not None and _is_day_name(value.split()[0]):
        weekday = _DAYS.index(day.group(1))
        value = day.group(2) or "00:00"
    m = _CLOCK.match(value)
    if not m:
        raise ValueError(f"not an anchor: {text!r} (use hour, exact, server, HH:MM or a weekday: mon 09:00)")
    return Anchor("clock", (int(m.group(1)), int(m.group(2))), weekday)


def _is_day_name(word: str) -> bool:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(name.startswith(word) for name in names)


@dataclass(frozen=True, slots=True)
class Span(Generic[T]):
    """One window's bounds and the items that fell in it, in time order."""

    start: datetime
    end: datetime
    items: tuple[T, ...]


Bounds = Callable[[datetime], tuple[datetime, datetime]]


def bounds_for(duration: timedelta, anchor: Anchor, tz: tzinfo, first: datetime) -> Bounds:
    """The window a request at ``t`` opens; ``first`` is the earliest dated request."""
    if anchor.kind == "exact":
        return lambda t: (t, t + duration)
    if anchor.clock is None:
        if duration >= HOUR:
            return lambda t: (_floor_hour(t), _floor_hour(t) + duration)
        return lambda t: (_floor_epoch(t, duration), _floor_epoch(t, duration) + duration)
    day = first.astimezone(tz)
    ref = datetime(day.year, day.month, day.day, *anchor.clock)
    if anchor.weekday is not None:
        ref -= timedelta(days=(ref.weekday() - anchor.weekday) % 7)

    def cell(t: datetime) -> tuple[datetime, datetime]:
        k = (t.astimezone(tz).replace(tzinfo=None) - ref) // duration
        # around a DST change a wall-clock cell can miss ``t`` by the size of the jump
        while wall_to_utc(ref + k * duration, tz) > t:
            k -= 1
        while wall_to_utc(ref + (k + 1) * duration, tz) <= t:
            k += 1
        return wall_to_utc(ref + k * duration, tz), wall_to_utc(ref + (k + 1) * duration, tz)

    return cell


def _floor_hour(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _floor_epoch(t: datetime, duration: timedelta) -> datetime:
    return EPOCH + ((t - EPOCH) // duration) * duration


def spans_of(
    dated: Sequence[tuple[datetime, T]], duration: timedelta, anchor: Anchor, tz: tzinfo
) -> list[Span[T]]:
    """Group ``(instant, item)`` pairs into windows; windows without items are not listed."""
    ordered = sorted(dated, key=lambda pair: pair[0])
    if not ordered:
        return []
    bounds = bounds_for(duration, anchor, tz, ordered[0][0])
    spans: list[Span[T]] = []
    start = end = ordered[0][0]
    items: list[T] = []
    for t, item in ordered:
        if items and t < end:
            items.append(item)
            continue
        if items:
            spans.append(Span(start, end, tuple(items)))
        start, end = bounds(t)
        items = [item]
    spans.append(Span(start, end, tuple(items)))
    return spans
