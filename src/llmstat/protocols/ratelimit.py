"""The provider's rate-limit state as a response's headers give it (CONTRACT.md, "Rate limits").

Families, each read by header name alone, so a proxy in front of a provider changes nothing:

* Anthropic's unified limiter (subscription clients such as Claude Code):
  ``anthropic-ratelimit-unified-{claim}-{utilization,reset,status}`` per claim (``5h``, ``7d``,
  ``7d_sonnet``, ``7d_opus``, ``overage``, ...), with ``-unified-status`` and
  ``-unified-representative-claim``; resets in Unix seconds. These are the long windows that
  usage limits are counted in.
* Anthropic's API buckets: ``anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
  {limit,remaining,reset}``, resets in RFC 3339, refilled per minute.
* ``x-ratelimit-{limit,remaining,reset}[-name]``: OpenAI and Groq (``-requests``/``-tokens``,
  resets as Go durations such as ``6m0s`` or ``10.332999999s``), Cerebras and Mistral (a period
  in the name: ``-requests-day``, ``-tokens-minute``, ``-req-minute``, ``-tokens-month``, resets
  in seconds), OpenRouter (no name, resets in epoch milliseconds).
* ``retry-after-ms``, else ``retry-after`` (seconds, or an HTTP date); Gemini says it in the
  body of a 429 instead: a ``google.rpc.RetryInfo`` detail with a ``retryDelay`` (``"37s"``).

A value that does not parse is null and gives a warning; a family only partly present has
nulls where it is missing. Only the unified claims are windows: every other reset is a bucket
refilling.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from llmstat.lazy_regex import compile_later
from llmstat.record import instant_of, iso_utc

_UNIFIED = compile_later(r"^anthropic-ratelimit-unified-(.+)-(utilization|reset|status)$")
_ANTHROPIC_BUCKET = compile_later(
    r"^anthropic-ratelimit-(requests|tokens|input-tokens|output-tokens)-(limit|remaining|reset)$"
)
_X_BUCKET = compile_later(r"^x-ratelimit-(limit|remaining|reset)(?:-(.+))?$")
# a claim's length as its name states it: 5h, 7d, 7d_opus
_CLAIM_LENGTH = compile_later(r"^(\d+)([hd])(?:_|$)")
_PERIODS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "day": 86400}
# Go's time.Duration as OpenAI and Groq print it: 1h2m3.5s, 6m0s, 20ms
_DURATION = compile_later(
    r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$"
)


def is_ratelimit_header(name: str) -> bool:
    return "ratelimit" in name or name.startswith("retry-after")


def ratelimit_of(
    headers: Mapping[str, str], started: str | None, warnings: list[str]
) -> dict[str, Any] | None:
    """The ``ratelimit`` object of a response with these (lower-cased) headers, or None when it
    carried no rate-limit header. Warnings for values that do not parse go to ``warnings``."""
    raw = {k.lower(): v for k, v in headers.items() if is_ratelimit_header(k.lower())}
    if not raw:
        return None
    observed = _http_date(headers.get("date")) or instant_of(started)
    parser = _Values(observed, warnings)
    claims: dict[str, dict[str, str]] = {}
    anthropic: dict[str, dict[str, str]] = {}
    plain: dict[str, dict[str, str]] = {}
    for name, value in raw.items():
        if m := _UNIFIED.match(name):
            claims.setdefault(m.group(1), {})[m.group(2)] = value
        elif m := _ANTHROPIC_BUCKET.match(name):
            anthropic.setdefault(m.group(1), {})[m.group(2)] = value
        elif m := _X_BUCKET.match(name):
            plain.setdefault(m.group(2) or "requests", {})[m.group(1)] = value
    windows = [_window(claim, fields, parser) for claim, fields in claims.items()]
    buckets = [
        _bucket(name, 60, fields, parser, parser.absolute_stamp, "absolute")
        for name, fields in anthropic.items()
    ]
    for name, fields in plain.items():
        buckets.append(_bucket(name, _period_of(name), fields, parser, parser.reset, None))
    return {
        "observed_at": None if observed is None else iso_utc(observed),
        "windows": windows,
        "buckets": buckets,
        "status": raw.get("anthropic-ratelimit-unified-status"),
        "binding": raw.get("anthropic-ratelimit-unified-representative-claim"),
        "retry_after_s": parser.retry_after(raw),
        # whose limiter this is, beside the host: one account's windows are not another's
        "organization": headers.get("anthropic-organization-id"),
        "raw": raw,
    }


def _window(claim: str, fields: dict[str, str], parser: _Values) -> dict[str, Any]:
    m = _CLAIM_LENGTH.match(claim)
    length = None if m is None else int(m.group(1)) * (3600 if m.group(2) == "h" else 86400)
    resets = parser.epoch_seconds(fields.get("reset"), f"unified-{claim}-reset")
    starts = None if resets is None or length is None else resets - timedelta(seconds=length)
    return {
        "name": claim,
        "length_s": length,
        "resets_at": None if resets is None else iso_utc(resets),
        "starts_at": None if starts is None else iso_utc(starts),
        "utilization": parser.number(fields.get("utilization"), f"unified-{claim}-utilization"),
        "status": fields.get("status"),
    }


def _bucket(
    name: str, period: int | None, fields: dict[str, str], parser: _Values, reset: Any, kind: str | None
) -> dict[str, Any]:
    limit = parser.count(fields.get("limit"), f"{name} limit")
    remaining = parser.count(fields.get("remaining"), f"{name} remaining")
    resets_at, reset_kind = None, kind
    if "reset" in fields:
        resets_at, reset_kind = reset(fields["reset"], f"{name} reset")
    return {
        "name": name,
        "period_s": period,
        "limit": limit,
        "remaining": remaining,
        "resets_at": None if resets_at is None else iso_utc(resets_at),
        "reset_kind": reset_kind if resets_at is not None else None,
    }


def _period_of(name: str) -> int | None:
    """``tokens-minute`` -> 60; OpenAI's bare ``tokens`` and Mistral's ``-month`` state none."""
    last = name.rsplit("-", 1)[-1]
    return _PERIODS.get(last)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    # email (with socket and random under it) is imported only for a header that needs it
    from email.utils import parsedate_to_datetime

    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


class _Values:
    """Parses header values; what does not parse is None and a warning."""

    def __init__(self, observed: datetime | None, warnings: list[str]) -> None:
        self.observed = observed
        self.warnings = warnings

    def _bad(self, what: str, value: str) -> None:
        self.warnings.append(f"rate-limit header {what} does not parse: {value!r}")

    def number(self, value: str | None, what: str) -> float | None:
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            self._bad(what, value)
            return None

    def count(self, value: str | None, what: str) -> int | None:
        n = self.number(value, what)
        if n is None:
            return None
        if not n.is_integer() or n < 0:
            self._bad(what, value or "")
            return None
        return int(n)

    def epoch_seconds(self, value: str | None, what: str) -> datetime | None:
        n = self.number(value, what)
        if n is None:
            return None
        try:
            return datetime.fromtimestamp(n, UTC)
        except (OverflowError, OSError, ValueError):
            self._bad(what, value or "")
            return None

    def absolute_stamp(self, value: str, what: str) -> tuple[datetime | None, str | None]:
        """Anthropic's RFC 3339 resets."""
        dt = instant_of(value.replace("Z", "+00:00"))
        if dt is None:
            self._bad(what, value)
            return None, None
        return dt, "absolute"

    def reset(self, value: str, what: str) -> tuple[datetime | None, str | None]:
        """A reset as the ``x-ratelimit-*`` writers give it: a Go duration or a number of
        seconds (relative to ``observed_at``), epoch seconds or milliseconds, or RFC 3339."""
        text = value.strip()
        m = _DURATION.match(text)
        if m and any(m.groups()) and not text.replace(".", "").isdigit():
            h, mi, s, ms = (float(g) if g else 0.0 for g in m.groups())
            return self._after(h * 3600 + mi * 60 + s + ms / 1000, what, value)
        try:
            n = float(text)
        except ValueError:
            dt = instant_of(text.replace("Z", "+00:00"))
            if dt is None:
                self._bad(what, value)
                return None, None
            return dt, "absolute"
        if n >= 1e12:  # OpenRouter: epoch milliseconds
            return datetime.fromtimestamp(n / 1000, UTC), "absolute"
        if n >= 1e9:
            return datetime.fromtimestamp(n, UTC), "absolute"
        return self._after(n, what, value)

    def _after(self, seconds: float, what: str, value: str) -> tuple[datetime | None, str | None]:
        if self.observed is None:
            self.warnings.append(
                f"rate-limit header {what} is relative ({value!r}) and nothing dates the response"
            )
            return None, None
        return self.observed + timedelta(seconds=seconds), "relative"

    def retry_after(self, raw: Mapping[str, str]) -> float | None:
        if "retry-after-ms" in raw:
            ms = self.number(raw["retry-after-ms"], "retry-after-ms")
            if ms is not None:
                return ms / 1000
        value = raw.get("retry-after")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            pass
        when = _http_date(value)
        if when is None or self.observed is None:
            self._bad("retry-after", value)
            return None
        return max((when - self.observed).total_seconds(), 0.0)


_RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
_SECONDS = compile_later(r"^(\d+(?:\.\d+)?)s$")


def retry_delay_of(doc: Any) -> float | None:
    """Gemini's ``error.details[].retryDelay`` of a RetryInfo detail, in seconds, else None."""
    err = doc.get("error") if isinstance(doc, dict) else None
    details = err.get("details") if isinstance(err, dict) else None
    if not isinstance(details, list):
        return None
    for d in details:
        if isinstance(d, dict) and d.get("@type") == _RETRY_INFO and isinstance(d.get("retryDelay"), str):
            m = _SECONDS.match(d["retryDelay"])
            if m:
                return float(m.group(1))
    return None


def with_body_retry(rl: dict[str, Any] | None, doc: Any, started: str | None) -> dict[str, Any] | None:
    """The record's ``ratelimit`` with a retry delay its body gave and its headers did not."""
    delay = retry_delay_of(doc)
    if delay is None:
        return rl
    if rl is None:
        observed = instant_of(started)
        rl = {
            "observed_at": None if observed is None else iso_utc(observed),
            "windows": [],
            "buckets": [],
            "status": None,
            "binding": None,
            "retry_after_s": None,
            "organization": None,
            "raw": {},
        }
    if rl["retry_after_s"] is None:
        rl["retry_after_s"] = delay
    return rl
