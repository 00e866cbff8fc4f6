"""llama-swap's activity log: one entry per request it proxied, whatever form it was saved in.

The SQLite store, the ``/api/metrics/activity`` pages, the older ``/api/metrics`` arrays and
the ``/api/events`` messages all hold the same entry (``ActivityLogEntry`` in llama-swap's
``internal/store``); their readers turn each into an :class:`Entry` and this module turns an
entry into the contract's record. Fields are found by name, never by schema version, and a
field of the wrong type is null with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import UTC, datetime, timedelta
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.protocols import UNKNOWN, api_from_path
from llmstat.record import Draft, Origin, Record, Skipped, Tokens, instant_of, iso_utc, stamp_of

# Routes llama-swap meters that are no LLM call: their entries and captures are skipped.
_NOT_INFERENCE_SUFFIXES = ("/count_tokens", "/embeddings", "/embedding", "/rerank", "/reranking")
_NOT_INFERENCE_PARTS = ("/audio/", "/images/", "/sdapi/")


def is_inference_route(path: str | None) -> bool:
    """Whether a llama-swap request path is an LLM call (the oldest entries have no path: yes)."""
    if not path:
        return True
    p = path.split("?", 1)[0].rstrip("/").lower()
    return not (p.endswith(_NOT_INFERENCE_SUFFIXES) or any(part in p + "/" for part in _NOT_INFERENCE_PARTS))


def not_inference(source: str, entry: int, path: str) -> Skipped:
    return Skipped(source, entry, f"not an LLM call: {path}")


@dataclass(slots=True)
class Entry:
    """One activity entry's fields, each None when absent or of the wrong type."""

    id: int | None = None
    ended: datetime | None = None  # llama-swap stamps an entry when the response has ended
    model: str | None = None
    path: str | None = None
    content_type: str | None = None
    status: int | None = None
    cache_tokens: int | None = None
    draft_tokens: int | None = None
    draft_acc_tokens: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    prompt_per_second: float | None = None
    tokens_per_second: float | None = None
    duration_ms: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _real(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _unix_seconds(value: Any) -> datetime | None:
    seconds = _real(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _rfc3339(value: Any) -> datetime | None:
    return instant_of(stamp_of(value))


# entry field -> (the names it has in the JSON forms and the store, how its value is read)
_FIELDS: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "id": (("id",), _integer),
    "model": (("model", "model_id"), _string),
    "path": (("req_path",), _string),
    "content_type": (("resp_content_type",), _string),
    "status": (("resp_status_code",), _integer),
    "cache_tokens": (("cache_tokens",), _integer),
    "draft_tokens": (("draft_tokens",), _integer),
    "draft_acc_tokens": (("draft_acc_tokens",), _integer),
    "input_tokens": (("input_tokens",), _integer),
    "output_tokens": (("output_tokens",), _integer),
    "prompt_per_second": (("prompt_per_second",), _real),
    "tokens_per_second": (("tokens_per_second",), _real),
    "duration_ms": (("duration_ms",), _real),
    "error": (("error_msg",), _string),
}
# the fields a store's ``activity`` table names as its columns (ts_created is its timestamp)
STORE_COLUMNS = ("id", "ts_created", *(names[-1] for key, (names, _) in _FIELDS.items() if key != "id"))


def entry_from_fields(fields: Mapping[str, Any], ended: Any, unix: bool) -> Entry:
    """An entry from its fields by name: a store row, or a JSON entry with its ``tokens{}``
    object (the newer era) merged in. ``ended`` is its timestamp: Unix seconds (``unix``, the
    store's ``ts_created``) or RFC 3339 (the JSON ``timestamp``)."""
    entry = Entry()
    for key, (names, read) in _FIELDS.items():
        name = next((n for n in names if n in fields), None)
        if name is None:
            continue
        raw = fields[name]
        value = None if raw is None else read(raw)
        if value is None and raw is not None:
            entry.warnings.append(f"activity {name} is not a {_KIND[read]}: {_shown(raw)}")
        setattr(entry, key, value)
    if ended is not None:
        entry.ended = _unix_seconds(ended) if unix else _rfc3339(ended)
        if entry.ended is None:
            entry.warnings.append(f"activity timestamp is not a time: {_shown(ended)}")
    return entry


_KIND: dict[Callable[[Any], Any], str] = {_integer: "whole number", _real: "number", _string: "string"}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def entry_from_json(obj: Mapping[str, Any]) -> Entry:
    """A JSON entry of either era: flat token fields, or a ``tokens`` object."""
    tokens = obj.get("tokens")
    fields = {**obj, **tokens} if isinstance(tokens, dict) else dict(obj)
    entry = entry_from_fields(fields, obj.get("timestamp"), unix=False)
    if "timestamp" not in obj:
        entry.warnings.append("activity entry has no timestamp")
    return entry


def is_json_entry(obj: Any) -> bool:
    """An object shaped like an activity entry, of any era."""
    return (
        isinstance(obj, dict)
        and "timestamp" in obj
        and "model" in obj
        and ("tokens" in obj or "input_tokens" in obj or "duration_ms" in obj)
    )


def _positive(value: float | None) -> float | None:
    # llama-swap writes 0 and -1 for "not reported"
    return value if value is not None and value > 0 else None


def record_from_entry(entry: Entry, source: str, index: int, instance: str | None) -> Record | Skipped:
    """The contract's record of an activity entry (CONTRACT.md, "llama-swap activity logs")."""
    path = entry.path or None
    if not is_inference_route(path):
        return not_inference(source, index, path or "")
    warnings = list(entry.warnings)
    started = None
    ended = iso_utc(entry.ended) if entry.ended is not None else None
    if entry.ended is not None:
        if entry.duration_ms is not None and entry.duration_ms >= 0:
            started = iso_utc(entry.ended - timedelta(milliseconds=entry.duration_ms))
        else:
            started = ended
            warnings.append("activity entry has no duration: started is when it ended")
    status = entry.status if entry.status else None  # the store writes 0 for "not recorded"
    rec = Record(
        source=source,
        entry=index,
        api=api_from_path(path) or UNKNOWN.name,
        stream="text/event-stream" in (entry.content_type or ""),
        capture_id=entry.id,
        started=started,
        path=path,
        status=status,
        model=entry.model or None,
        duration_ms=entry.duration_ms,
        prompt_tps=_positive(entry.prompt_per_second),
        output_tps=_positive(entry.tokens_per_second),
        error=entry.error or None,
        origin=Origin("activity", instance, ended),
    )
    counts = (entry.input_tokens, entry.output_tokens, entry.cache_tokens)
    speeds = (entry.prompt_per_second, entry.tokens_per_second)
    if status is not None and status != 200:
        warnings.append("no usage reported (failed request)")
    elif all(not v for v in (*counts, *speeds)):
        warnings.append("no usage reported (llama-swap recorded none)")
    else:
        rec.tokens = _tokens(entry, path)
    drafted, accepted = entry.draft_tokens, entry.draft_acc_tokens
    if drafted is not None and drafted > 0 and accepted is not None and accepted >= 0:
        rec.draft = Draft(drafted, accepted)
    rec.warnings = warnings
    return rec


def _tokens(entry: Entry, path: str | None) -> Tokens:
    cache = entry.cache_tokens if entry.cache_tokens is not None and entry.cache_tokens >= 0 else None
    input_ = entry.input_tokens if entry.input_tokens is not None and entry.input_tokens >= 0 else None
    # llama.cpp's timings (a speed >= 0 says they were read) and Anthropic's usage count only
    # the prompt that was not served from the cache
    from_timings = any(s is not None and s >= 0 for s in (entry.prompt_per_second, entry.tokens_per_second))
    uncached_only = from_timings or (path or "").rstrip("/").endswith("/messages")
    if uncached_only and input_ is not None:
        input_ += cache or 0
    output = entry.output_tokens if entry.output_tokens is not None and entry.output_tokens >= 0 else None
    return Tokens(input=input_, output=output, cache_read=cache)
