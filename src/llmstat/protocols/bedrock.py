"""Amazon Bedrock Converse: ``/converse`` bodies and ``/converse-stream`` events.

Streamed, each event comes out of the AWS event stream under its type's name, as the AWS SDKs
hand it out (``{"metadata": {"usage": ...}}``); the ``metadata`` event carries the usage.
``totalTokens`` is never read: some models count the cache in it twice.
"""

from __future__ import annotations

import re
from typing import Any

from llmstat.lazy_regex import compile_later
from llmstat.protocols.dialect import Dialect, Rank, Shape
from llmstat.protocols.state import UsageState, add, count, text

EVENT_TYPES = frozenset(
    {"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"}
)


def apply_usage(state: UsageState, usage: Any) -> None:
    if not isinstance(usage, dict):
        return
    read = count(usage.get("cacheReadInputTokens"))
    write = count(usage.get("cacheWriteInputTokens"))
    t = state.tokens
    t.input = add(count(usage.get("inputTokens")), read, write)
    t.cache_read = read
    t.cache_write = write
    t.output = count(usage.get("outputTokens"))


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        apply_usage(state, metadata.get("usage"))
        return True  # the last event of a Converse stream
    if "usage" in obj:
        apply_usage(state, obj["usage"])
    return False


def _is_event(obj: dict[str, Any]) -> bool:
    return len(obj) == 1 and next(iter(obj)) in EVENT_TYPES


def _is_body(obj: dict[str, Any]) -> bool:
    usage = obj.get("usage")
    return (isinstance(obj.get("output"), dict) and "stopReason" in obj) or (
        isinstance(usage, dict) and "inputTokens" in usage
    )


_MODEL_IN_PATH = compile_later(r"/model/([^/]+)/converse(-stream)?$", re.IGNORECASE)


def _request_of_path(path: str) -> tuple[str, bool] | None:
    m = _MODEL_IN_PATH.search(path.split("?", 1)[0].rstrip("/"))
    if m is None:
        return None
    from urllib.parse import unquote  # off start-up: only Bedrock's paths need it

    return text(unquote(m.group(1))) or "", m.group(2) is not None


CONVERSE = Dialect(
    "bedrock.converse",
    feed,
    paths=("/converse", "/converse-stream"),
    shapes=(Shape(Rank.OWN_KEYS, _is_event), Shape(Rank.OWN_KEYS, _is_body)),
    provider="aws",
    request_of_path=_request_of_path,
)
