"""Which records a command reports (``--model``, ``--api``, ``--host``, ``--status``) and in
what order the per-request table lists them (``--sort``). One implementation for every command.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.lazy_regex import compile_later
from llmstat.record import Record

_STATUS = compile_later(r"^(\d{3})(?:-(\d{3}))?$|^([1-5])xx$")


def _split(values: Iterable[str]) -> list[str]:
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """A record passes when it matches every option given, and any one value of each."""

    models: tuple[str, ...] = ()  # lower-case globs
    apis: tuple[str, ...] = ()  # api names or families
    hosts: tuple[str, ...] = ()  # lower-case globs
    statuses: tuple[tuple[int, int], ...] = ()  # inclusive ranges

    @property
    def active(self) -> bool:
        return bool(self.models or self.apis or self.hosts or self.statuses)

    def matches(self, r: Record) -> bool:
        if self.models and not _glob_any(r.model, self.models):
            return False
        if self.apis and not any(r.api == a or r.api.split(".")[0] == a for a in self.apis):
            return False
        if self.hosts and not _glob_any(r.host, self.hosts):
            return False
        if self.statuses:
            s = r.status
            if s is None or not any(lo <= s <= hi for lo, hi in self.statuses):
                return False
        return True

    def narrow(self, records: list[Record]) -> list[Record]:
        """The records that pass (the same list when no option is given)."""
        return [r for r in records if self.matches(r)] if self.active else records


def _glob_any(value: str | None, globs: Sequence[str]) -> bool:
    if value is None:
        return False
    name = value.lower()
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


def status_range_of(text: str) -> tuple[int, int]:
    """``200``, ``4xx`` or ``500-599``; raises ValueError."""
    m = _STATUS.match(text.strip().lower())
    if not m:
        raise ValueError(f"not a status: {text!r} (use 200, 4xx or 500-599)")
    if m.group(3):
        hundreds = int(m.group(3)) * 100
        return hundreds, hundreds + 99
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    if hi < lo:
        raise ValueError(f"an empty status range: {text!r}")
    return lo, hi


def globs_of(values: Iterable[str]) -> tuple[str, ...]:
    """``--model`` / ``--host`` values, repeated or comma-separated, as lower-case globs."""
    return tuple(v.lower() for v in _split(values))


def families_of(apis: Iterable[str]) -> tuple[str, ...]:
    """The families of dotted api names ("openai" for "openai.chat"), each once, in order."""
    return tuple(dict.fromkeys(a.split(".")[0] for a in apis if "." in a))


def apis_of(values: Iterable[str], known: Sequence[str]) -> tuple[str, ...]:
    """``--api`` values: names among ``known`` (the api names the Face hands in from the
    dialect registry) or their families; a family stands for all of its dialects. Raises ValueError."""
    names = tuple(a.lower() for a in _split(values))
    prefixes = {k.split(".")[0] for k in known}  # an undotted name is its own family
    for a in names:
        if a not in known and a not in prefixes:
            families = families_of(known)
            raise ValueError(
                f"unknown api {a!r} (use {', '.join(known)}, or a family: {', '.join(families)})"
            )
    return names


def statuses_of(values: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """``--status`` values as inclusive ranges; raises ValueError."""
    return tuple(status_range_of(s) for s in _split(values))


# --- order ------------------------------------------------------------------------------


def _total_tokens(r: Record) -> int | None:
    t = r.tokens
    if t.input is None and t.output is None:
        return None
    return (t.input or 0) + (t.output or 0)


_SORT: dict[str, Callable[[Record], Any]] = {
    # the record's clock (started, else created); the contract's fixed-width UTC form sorts as text
    "time": lambda r: r.started or r.created,
    "tokens": _total_tokens,
    "cost": lambda r: r.cost_usd,
    "duration": lambda r: r.duration_ms,
}


def sort_records(records: Iterable[Record], key: str) -> list[Record]:
    """``time``: earliest first; ``tokens`` (input + output), ``cost``, ``duration``: largest
    first. Records without the value come last; ties keep input order."""
    get = _SORT[key]
    items = list(records)
    present = [r for r in items if get(r) is not None]
    missing = [r for r in items if get(r) is None]
    present.sort(key=get, reverse=key != "time")  # stable both ways: ties keep input order
    return present + missing
