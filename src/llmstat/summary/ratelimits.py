"""Rate limits over many records: windows laid from the server's own resets
(``--window-anchor server``), ``totals.ratelimit``, and the current window (``--active``).

A response of Anthropic's unified limiter names the instant R its window of a given length
resets at; that window is ``[R - length, R)``, whatever the first recorded request was. Tools
that read transcripts can only guess it from the first request; a recording knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.record import Record, instant_of
from llmstat.summary.clock import started_or_created
from llmstat.summary.windows import Anchor, Span, spans_of

# (host, organization): whose limiter a reset belongs to
Account = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class LaidWindow:
    """A window and its records, with what the server said of it (``server``) or not (``guessed``)."""

    span: Span[Record]
    anchor: str
    resets_at: datetime | None = None
    utilization: dict[str, float | None] | None = None
    rejected: int = 0
    # the claim's status at the window's last request that reported one (allowed, rejected, ...)
    status: str | None = None


def claim_of(r: Record, length: timedelta) -> dict[str, Any] | None:
    """The record's own unified claim whose window lasts ``length`` (``5h`` for 5 hours)."""
    rl = r.ratelimit
    if not rl:
        return None
    seconds = length.total_seconds()
    for w in rl["windows"]:
        if w["length_s"] == seconds and w["resets_at"] is not None:
            return w  # type: ignore[no-any-return]
    return None


def account_of(r: Record) -> Account:
    return r.host, (r.ratelimit or {}).get("organization")


def is_rejected(r: Record) -> bool:
    return r.status == 429 or (r.ratelimit is not None and r.ratelimit.get("status") == "rejected")


def lay_server_windows(
    dated: Sequence[tuple[datetime, Record]], length: timedelta, fallback: Anchor, tz: tzinfo
) -> tuple[list[LaidWindow], bool]:
    """Windows of ``length`` from the server's resets, per account; the records no server window
    holds get windows laid as with ``fallback``, cut short where the next server window starts.
    Also returns whether any record carried a reset to lay from."""
    ordered = sorted(dated, key=lambda pair: pair[0])
    server: dict[tuple[Account, datetime], list[tuple[datetime, Record]]] = {}
    own: dict[int, tuple[Account, datetime]] = {}
    for _, r in ordered:
        claim = claim_of(r, length)
        if claim is not None:
            resets = instant_of(claim["resets_at"])
            if resets is not None:
                key = (account_of(r), resets)
                server.setdefault(key, [])
                own[id(r)] = key
    bounds = sorted(((key[1] - length, key[1], key) for key in server), key=_by_start)
    loose: list[tuple[datetime, Record]] = []
    for t, r in ordered:
        # no claim of its own: the first server window (of any account) whose span holds it
        home = own.get(id(r)) or next((k for start, end, k in bounds if start <= t < end), None)
        if home is None:
            loose.append((t, r))
        else:
            server[home].append((t, r))
    laid = [_server_window(start, end, server[key], length) for start, end, key in bounds if server[key]]
    starts = sorted(start for start, _, key in bounds if server[key])
    for span in spans_of(loose, length, fallback, tz):
        end = min([s for s in starts if span.start < s < span.end], default=span.end)
        laid.append(LaidWindow(Span(span.start, end, span.items), "guessed", rejected=_rejected(span.items)))
    laid.sort(key=lambda w: w.span.start)
    return laid, bool(server)


def _by_start(item: tuple[datetime, datetime, Any]) -> datetime:
    return item[0]


def _rejected(records: Sequence[Record]) -> int:
    return sum(1 for r in records if is_rejected(r))


def _server_window(
    start: datetime, end: datetime, members: list[tuple[datetime, Record]], length: timedelta
) -> LaidWindow:
    values = [
        float(claim["utilization"])
        for _, r in members
        if (claim := claim_of(r, length)) is not None and claim["utilization"] is not None
    ]
    utilization: dict[str, float | None] = {"first": None, "last": None, "max": None}
    if values:
        utilization = {"first": values[0], "last": values[-1], "max": max(values)}
    statuses = [c["status"] for _, r in members if (c := claim_of(r, length)) is not None and c["status"]]
    items = tuple(r for _, r in members)
    status = statuses[-1] if statuses else None
    return LaidWindow(Span(start, end, items), "server", end, utilization, _rejected(items), status)


def ratelimit_totals(records: Sequence[Record]) -> dict[str, Any] | None:
    """``totals.ratelimit``: how many records carried limits, how many were refused, the
    longest retry-after, and each bucket's lowest remaining (with its limit and when)."""
    limited = [r for r in records if r.ratelimit]
    if not limited:
        return None
    waits = [r.ratelimit["retry_after_s"] for r in limited if r.ratelimit and r.ratelimit["retry_after_s"]]
    lowest: dict[str, dict[str, Any]] = {}
    for r in limited:
        assert r.ratelimit is not None
        for b in r.ratelimit["buckets"]:
            left = b["remaining"]
            if left is None:
                continue
            seen = lowest.get(b["name"])
            if seen is None or left < seen["remaining"]:
                at = r.ratelimit["observed_at"] or r.started
                lowest[b["name"]] = {"remaining": left, "limit": b["limit"], "at": at}
    return {
        "records": len(limited),
        "rejected": sum(1 for r in records if is_rejected(r)),
        "retry_after_max_s": max(waits) if waits else None,
        "min_remaining": dict(sorted(lowest.items())),
    }


def active_window(windows: Sequence[LaidWindow], now: datetime) -> dict[str, Any] | None:
    """The latest window, as ccusage's ``blocks --active`` shows its block: when it resets and
    how long that is from ``now``, the utilization the server last reported, and the burn rate
    from the window's start to its last request (tokens, and percent of the window, per hour)."""
    if not windows:
        return None
    w = windows[-1]
    items = w.span.items
    last = max((t for r in items if (t := started_or_created(r)) is not None), default=w.span.start)
    hours = (last - w.span.start).total_seconds() / 3600
    tokens = sum((r.tokens.input or 0) + (r.tokens.output or 0) for r in items)
    used = None if w.utilization is None else w.utilization["last"]
    left = (w.span.end - now).total_seconds()
    return {
        "start": w.span.start,
        "end": w.span.end,
        "anchor": w.anchor,
        "requests": len(items),
        "tokens": tokens,
        "utilization": used,
        "resets_in_s": max(left, 0.0),
        "ended": left <= 0,
        "tokens_per_hour": tokens / hours if hours > 0 else None,
        "utilization_per_hour": used / hours if used is not None and hours > 0 else None,
    }
