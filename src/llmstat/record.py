"""The normalized usage record of ../shared/CONTRACT.md, the same for every provider."""

from __future__ import annotations

import re
from dataclasses import field
from datetime import UTC, datetime
from typing import Any, TypeVar

from llmstat.dataclass import dataclass, field_values

# the contract's timestamp form: YYYY-MM-DDTHH:MM:SS.mmmZ, in UTC
_CANONICAL_UTC = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")


def instant_of(started: str | None) -> datetime | None:
    """A record's ``started`` (``YYYY-MM-DDTHH:MM:SS.mmmZ``) as an aware UTC datetime."""
    if not started:
        return None
    try:
        dt = datetime.fromisoformat(started)
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def iso_utc(dt: datetime) -> str:
    """The contract's timestamp form, ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    # isoformat, not strftime: a fifth of the time, for a stamp on every record
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"


def stamp_of(value: Any) -> str | None:
    """A recorded timestamp (ISO 8601, any offset or none: UTC) in the contract's form, or None."""
    if not isinstance(value, str) or not value:
        return None
    if _CANONICAL_UTC.match(value):  # already what we print (Chrome, Playwright): just check it
        try:
            datetime.fromisoformat(value[:-1])
        except ValueError:
            return None
        return value
    v = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return iso_utc(dt)


def tidy(value: Any) -> Any:
    """Floats cut to 12 significant digits, in dicts and lists too: a sum of costs or a rate is
    ``1919.7985``, not the ``1919.7985000000003`` its arithmetic leaves (no recorded count or
    price has more digits than that)."""
    if type(value) is float:
        return float(f"{value:.12g}")
    if value is None or type(value) in (int, str, bool):
        return value
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy(v) for v in value]
    return value


# Servers that have no clock write 0 or a constant from their tests: not a date.
_FIRST_REAL_CREATED = datetime(2020, 1, 1, tzinfo=UTC)


def created_stamp(value: Any) -> str | None:
    """A response's own ``created`` (Unix seconds, or an RFC 3339 string) in the contract's
    form, milliseconds cut; None when absent, 0, before 2020, or no timestamp."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            dt = datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return iso_utc(dt) if dt >= _FIRST_REAL_CREATED else None
    stamp = stamp_of(value)
    if stamp is None or stamp < "2020":
        return None
    return stamp


@dataclass(slots=True, frozen=True)
class Origin:
    """Where a llama-swap record came from, for joining activity entries to their captures.

    ``instance`` is the llama-swap store that numbered it (its ``database_id``, or the
    ``db-<id>`` folder of a ``.cap`` file), None when the input does not say; ``ended`` is an
    activity entry's own timestamp as recorded, which with the instance and the id tells a
    repeated page entry from a new request.
    """

    kind: str  # "activity" or "capture"
    instance: str | None = None
    ended: str | None = None


TOKEN_FIELDS = ("input", "output", "cache_read", "cache_write", "reasoning")

C = TypeVar("C", bound=type)


def pickled_by_position(cls: C) -> C:
    """A dataclass pickled as its constructor and its field values in order, not as a dict of
    slot names: the form results take back from the reading processes, half the bytes and half
    the time to load (a folder of thousands of small files sends one result per file)."""
    values = field_values(cls)

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


@pickled_by_position
@dataclass(slots=True)
class Tokens:
    """null (None) means "not reported"; 0 means "reported as zero"."""

    input: int | None = None
    output: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None
    reasoning: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {
            "input": self.input,
            "output": self.output,
            "cache_read": self.cache_read,
            "cache_write": self.cache_write,
            "reasoning": self.reasoning,
        }

    def any_reported(self) -> bool:
        return any(v is not None for v in self.as_dict().values())


@dataclass(frozen=True, slots=True)
class Draft:
    """Speculative decoding: tokens the draft model proposed, and how many the target accepted."""

    drafted: int
    accepted: int

    def as_dict(self) -> dict[str, int]:
        return {"drafted": self.drafted, "accepted": self.accepted}


@dataclass(frozen=True, slots=True)
class PricedPart:
    """Tokens inside a record's counts that were billed at another model (an advisor, a fallback)."""

    model: str
    tokens: Tokens


COST_SOURCES = ("recorded", "calculated")


@pickled_by_position
@dataclass(slots=True)
class Record:
    """One recorded exchange (one response), normalized."""

    source: str
    entry: int
    api: str = "unknown"
    stream: bool = False
    id: str | None = None
    capture_id: int | None = None
    started: str | None = None
    # the response's own timestamp from its body (created, created_at, createTime)
    created: str | None = None
    method: str | None = None
    host: str | None = None
    path: str | None = None
    status: int | None = None
    model: str | None = None
    # the client's session (Claude Code's metadata.user_id, a session header), for --by session
    session: str | None = None
    tokens: Tokens = field(default_factory=Tokens)
    duration_ms: float | None = None
    ttft_ms: float | None = None
    prompt_tps: float | None = None
    output_tps: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Provider details beyond the five token fields (Anthropic's 5m/1h cache-write split, ...).
    extras: dict[str, Any] = field(default_factory=dict)
    # USD: the response's own figure, else calculated at the prices of the request's date
    # (llmstat.pricing.pricer); null when neither
    cost_usd: float | None = None
    # "recorded" or "calculated", null with cost_usd null
    cost_source: str | None = None
    # what the response (or a proxy's header) said it cost, kept so --cost-mode can choose
    recorded_cost_usd: float | None = None
    # parts of ``tokens`` priced at their own model
    priced_parts: tuple[PricedPart, ...] = ()
    draft: Draft | None = None
    # the provider's rate-limit state from the response headers (protocols/ratelimit.py)
    ratelimit: dict[str, Any] | None = None
    # llama-swap activity entries and captures: what the join needs (never printed)
    origin: Origin | None = None

    def as_dict(self) -> dict[str, Any]:
        # only the fields that can hold floats are tidied: walking every value of every
        # record was a tenth of reading a HAR
        out: dict[str, Any] = {
            "source": self.source,
            "entry": self.entry,
            "id": self.id,
            "capture_id": self.capture_id,
            "started": self.started,
            "created": self.created,
            "method": self.method,
            "host": self.host,
            "path": self.path,
            "status": self.status,
            "api": self.api,
            "stream": self.stream,
            "model": self.model,
            "session": self.session,
            "tokens": self.tokens.as_dict(),
            "cost_usd": tidy(self.cost_usd),
            "cost_source": self.cost_source,
            "duration_ms": tidy(self.duration_ms),
            "ttft_ms": tidy(self.ttft_ms),
            "prompt_tps": tidy(self.prompt_tps),
            "output_tps": tidy(self.output_tps),
            "error": self.error,
            "draft": None if self.draft is None else self.draft.as_dict(),
            "ratelimit": tidy(self.ratelimit),
            "warnings": list(self.warnings),
        }
        # always present, so NDJSON readers (DuckDB, Spark) see one fixed set of keys
        out["extras"] = tidy(self.extras)
        return out


@dataclass(slots=True, frozen=True)
class Skipped:
    """A HAR entry (or similar) that is not an LLM call or could not be used."""

    source: str
    entry: int
    reason: str
    warn: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "entry": self.entry, "reason": self.reason}
