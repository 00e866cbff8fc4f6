"""``--by`` keys: which records belong together in a summary group."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, tzinfo
from typing import TypeAlias

from llmstat.record import Record, instant_of

KeyValue: TypeAlias = str | int | None
GroupKey: TypeAlias = tuple[KeyValue, ...]


def _day(r: Record, tz: tzinfo) -> str | None:
    t = instant_of(r.started)
    return None if t is None else t.astimezone(tz).date().isoformat()


def _hour(r: Record, tz: tzinfo) -> str | None:
    t = instant_of(r.started)
    if t is None:
        return None
    return t.astimezone(tz).replace(minute=0, second=0, microsecond=0).isoformat(timespec="minutes")


_KEYS: dict[str, Callable[[Record, tzinfo], KeyValue]] = {
    "model": lambda r, tz: r.model,
    "api": lambda r, tz: r.api,
    "host": lambda r, tz: r.host,
    "path": lambda r, tz: r.path,
    "source": lambda r, tz: r.source,
    "status": lambda r, tz: r.status,
    "session": lambda r, tz: r.session,
    "day": _day,
    "hour": _hour,
}
GROUP_KEYS: tuple[str, ...] = tuple(_KEYS)


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


def group_records(
    records: Iterable[Record], keys: Sequence[str], tz: tzinfo = UTC
) -> list[tuple[GroupKey, list[Record]]]:
    """Records grouped by the values of ``keys``, sorted by key with missing values last."""
    getters = [_KEYS[k] for k in keys]
    groups: dict[GroupKey, list[Record]] = {}
    for r in records:
        groups.setdefault(tuple(g(r, tz) for g in getters), []).append(r)
    return sorted(groups.items(), key=lambda item: tuple(_sortable(v) for v in item[0]))


def _sortable(v: KeyValue) -> tuple[int, str | int]:
    return (1, "") if v is None else (0, v)
