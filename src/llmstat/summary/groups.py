"""``--by`` keys: which records belong together in a summary group."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TypeAlias

from llmstat.record import Record
from llmstat.summary.clock import Clock, started_or_created

KeyValue: TypeAlias = str | int | None
GroupKey: TypeAlias = tuple[KeyValue, ...]


def _day(t: datetime) -> str:
    return t.date().isoformat()


def _hour(t: datetime) -> str:
    return t.replace(minute=0, second=0, microsecond=0).isoformat(timespec="minutes")


def _week(t: datetime) -> str:
    year, week, _ = t.isocalendar()  # ISO weeks: Monday first, week 1 holds the first Thursday
    return f"{year}-W{week:02d}"


def _month(t: datetime) -> str:
    return f"{t.year:04d}-{t.month:02d}"


_FIELDS: dict[str, Callable[[Record], KeyValue]] = {
    "model": lambda r: r.model,
    "api": lambda r: r.api,
    "host": lambda r: r.host,
    "path": lambda r: r.path,
    "source": lambda r: r.source,
    "status": lambda r: r.status,
    "session": lambda r: r.session,
}
# read from the record's clock, in --tz
_BUCKETS: dict[str, Callable[[datetime], str]] = {"day": _day, "hour": _hour, "week": _week, "month": _month}
_KEYS = (*_FIELDS, *_BUCKETS)
GROUP_KEYS: tuple[str, ...] = _KEYS


def group_keys_of(values: Iterable[str]) -> tuple[str, ...]:
    """``--by`` values, repeated or comma-separated, in order and once each; raises ValueError."""
    keys: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in _KEYS:
                raise ValueError(f"cannot group by {part.strip()!r} (use {', '.join(GROUP_KEYS)})")
            if name not in keys:
                keys.append(name)
    return tuple(keys)


def _getter(key: str, tz: tzinfo, clock: Clock) -> Callable[[Record], KeyValue]:
    if key in _FIELDS:
        return _FIELDS[key]
    bucket = _BUCKETS[key]

    def get(r: Record) -> KeyValue:
        t = clock(r)
        return None if t is None else bucket(t.astimezone(tz))

    return get


def group_records(
    records: Iterable[Record], keys: Sequence[str], tz: tzinfo = UTC, clock: Clock = started_or_created
) -> list[tuple[GroupKey, list[Record]]]:
    """Records grouped by the values of ``keys``, sorted by key with missing values last."""
    getters = [_getter(k, tz, clock) for k in keys]
    groups: dict[GroupKey, list[Record]] = {}
    for r in records:
        groups.setdefault(tuple(g(r) for g in getters), []).append(r)
    return sorted(groups.items(), key=lambda item: tuple(_sortable(v) for v in item[0]))


def _sortable(v: KeyValue) -> tuple[int, str | int]:
    return (1, "") if v is None else (0, v)
