"""The LLM-call rule every recording of requests shares (HAR entries, cassette interactions,
httprr records, mitmproxy flows): one record per LLM call, every other exchange skipped with
its reason, so that each container format only has to say how its items become Exchanges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from llmstat.exchange import Exchange
from llmstat.lazy_regex import compile_later
from llmstat.protocols import UNKNOWN, api_from_path
from llmstat.record import Record, Skipped
from llmstat.sources.records import items_from_exchange
from llmstat.sources.source import Reading

# Routes that answer with counts but are no inference (CONTRACT: "embeddings and rerankings are
# skipped, never records"): an embeddings answer has an OpenAI-style ``usage`` all the same.
_NOT_INFERENCE = compile_later(
    r"/(?:embeddings|embed|count_tokens|rerank|moderations)/?$|:(?:embedContent|batchEmbedContents|countTokens)$"
    r"|/(?:audio|images|sdapi)/",
    re.IGNORECASE,
)


def items_of_exchanges(exchanges: Iterable[Exchange | str], reading: Reading) -> Iterator[Record | Skipped]:
    """Records of the LLM calls among ``exchanges``; a string is the reason an item is no exchange.

    An item's place in its recording is its position in ``exchanges``, whatever it became.
    """
    source = reading.source
    for index, ex in enumerate(exchanges):
        if isinstance(ex, str):
            yield Skipped(source, index, ex, warn=True)
            continue
        if ex.method != "POST":
            yield Skipped(source, index, f"not an LLM call: {ex.method} {ex.path}")
            continue
        if ex.path and _NOT_INFERENCE.search(ex.path):
            yield Skipped(source, index, f"not an LLM call: {ex.method} {ex.path}")
            continue
        known_path = api_from_path(ex.path) is not None
        records = items_from_exchange(ex, reading.max_size)
        if not known_path and all(isinstance(r, Record) and r.api == UNKNOWN.name for r in records):
            yield Skipped(source, index, f"not an LLM call: {ex.method} {ex.path}")
            continue
        # an exchange is one call: a body that looks like several responses is still one
        yield from records[:1]


def request_and_response(item: Any, noun: str) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """A recorded item's request and response objects, or why it has no pair of them (the
    ``skipped`` reason: "entry is not an object", "interaction has no response", ...)."""
    if not isinstance(item, dict):
        return f"{noun} is not {'a mapping' if noun == 'interaction' else 'an object'}"
    req, resp = item.get("request"), item.get("response")
    if not isinstance(req, dict):
        return f"{noun} has no request"
    if not isinstance(resp, dict):
        return f"{noun} has no response"
    return req, resp


def host_and_path(url: str | None) -> tuple[str | None, str | None]:
    """The contract's ``host`` (no port) and ``path`` (no query, no ``#fragment``) of a recorded URL."""
    if not url:
        return None, None
    from urllib.parse import urlsplit  # off start-up: a folder of SSE dumps never needs it

    try:
        parts = urlsplit(url)
        return parts.hostname, parts.path or "/"
    except ValueError:
        return None, url.split("#", 1)[0].split("?", 1)[0]
