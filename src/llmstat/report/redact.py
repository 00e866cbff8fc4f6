"""Secrets kept out of what llmstat prints: header values and URL query parameters.

llama-swap redacts some request headers itself, not all (``X-Goog-Api-Key`` and ``Api-Key``
pass in clear), and other recorders redact none, so every header llmstat prints goes
through :func:`redact_headers`, and every URL through :func:`redact_url`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from llmstat.lazy_regex import compile_later

REDACTED = "[REDACTED]"

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
    }
)

SENSITIVE_QUERY_PARAMS = ("key", "api_key", "access_token")

_QUERY_SECRET = compile_later(
    r"([?&;](?:" + "|".join(SENSITIVE_QUERY_PARAMS) + r")=)[^&;#]*",
    re.IGNORECASE,
)


def is_sensitive_header(name: str) -> bool:
    return name.strip().lower() in SENSITIVE_HEADERS


def redact_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    """A copy with the value of every sensitive header (any case) replaced by ``[REDACTED]``."""
    if headers is None:
        return None
    return {k: (REDACTED if is_sensitive_header(k) else v) for k, v in headers.items()}


def redact_url(url: str | None) -> str | None:
    """``key=``, ``api_key=`` and ``access_token=`` query values (any case) replaced by ``[REDACTED]``."""
    if url is None or "=" not in url:
        return url
    return _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, url)
