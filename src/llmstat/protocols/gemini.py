"""Gemini generateContent / streamGenerateContent: the last chunk's ``usageMetadata`` counts
(it is cumulative and can shrink, so never take a maximum)."""

from __future__ import annotations

import re
from typing import Any

from llmstat.lazy_regex import compile_later
from llmstat.protocols.dialect import Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.state import UsageState, add, count, text
from llmstat.protocols.templates import closing_template


def apply_usage(state: UsageState, meta: Any) -> None:
    if not isinstance(meta, dict):
        return
    thoughts = count(meta.get("thoughtsTokenCount"))
    t = state.tokens
    t.input = add(count(meta.get("promptTokenCount")), count(meta.get("toolUsePromptTokenCount")))
    t.cache_read = count(meta.get("cachedContentTokenCount"))
    t.cache_write = None
    candidates = count(meta.get("candidatesTokenCount"))
    if candidates is None:
        candidates = count(meta.get("responseTokenCount"))  # the Live API's name for it
    t.output = add(candidates, thoughts)
    t.reasoning = thoughts


def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.id = text(obj.get("responseId")) or state.id
    state.model = text(obj.get("modelVersion")) or state.model
    if state.created is None:
        state.note_created(obj.get("createTime"))  # Vertex AI only
    if "usageMetadata" in obj:
        apply_usage(state, obj["usageMetadata"])
    candidates = obj.get("candidates")
    if isinstance(candidates, list):
        return any(isinstance(c, dict) and c.get("finishReason") for c in candidates)
    return False


def _own_keys(obj: dict[str, Any]) -> bool:
    return "usageMetadata" in obj or "candidates" in obj or "modelVersion" in obj or "promptFeedback" in obj


_MODEL_IN_PATH = compile_later(r"/models/([^/:?]+):(stream)?generateContent", re.IGNORECASE)


def _request_of_path(path: str) -> tuple[str, bool] | None:
    """Gemini names the model and the streaming in the request path, not in its body."""
    m = _MODEL_IN_PATH.search(path)
    return None if m is None else (m.group(1), m.group(2) is not None)


_CLOSING_KEYS = frozenset({"modelVersion", "responseId"})


def _template(block: bytes) -> tuple[bytes, bytes] | None:
    """``alt=sse`` chunks end with the model and the response's id, the same on each."""
    return closing_template(block, b'"modelVersion":', _CLOSING_KEYS)


GEMINI = Dialect(
    "gemini",
    feed,
    paths=(":generatecontent", ":streamgeneratecontent"),
    shapes=(Shape(Rank.OWN_KEYS, _own_keys),),
    provider="google",
    array_stream=True,
    # no end-of-stream event of its own (finishReason belongs to a candidate): none is no sign of a cut
    terminal_event=False,
    request_of_path=_request_of_path,
    fast_path=FastPathSpec(
        needles=(),
        template=_template,
        # createTime (Vertex): the first chunk's wins, so a skipped chunk cannot change it
        pinned=("modelVersion", "responseId", "createTime"),
        needles_within={"candidates": ("finishReason",)},
        # cumulative, and taken whole: only the last chunk of a run needs reading
        overwritten=("usageMetadata",),
        per_response=True,
    ),
)
