"""Answers that are not inference: token counts, embeddings, rerankings. They carry usage-like
numbers (``{"input_tokens": 12}``, an embeddings ``usage``) that would pass for a generation,
so they are told apart before any dialect reads them, and skipped."""

from __future__ import annotations

import functools
from typing import Any

# request paths of these endpoints (lower-case suffixes, query cut off)
_PATHS = (
    "/count_tokens",
    ":counttokens",
    "/embeddings",
    "/embed",
    ":embedcontent",
    ":batchembedcontents",
    "/rerank",
)
# the keys of a token-count answer: Anthropic's count_tokens, Gemini's countTokens
_COUNT_KEYS = frozenset({"input_tokens", "totalTokens", "cachedContentTokenCount", "promptTokensDetails"})


@functools.lru_cache(maxsize=256)  # asked of every exchange; a recording has a few paths
def not_inference_path(path: str | None) -> str | None:
    """The endpoint a request path names when it is no inference call, or None."""
    if not path:
        return None
    p = path.split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
    for suffix in _PATHS:
        if p.endswith(suffix):
            return suffix.lstrip("/:")
    return None


def not_inference_body(doc: Any) -> str | None:
    """Why a whole JSON answer is no inference, or None."""
    if not isinstance(doc, dict) or not doc:
        return None
    if doc.keys() <= _COUNT_KEYS and ("input_tokens" in doc or "totalTokens" in doc):
        return "not inference: a token count"
    if "embeddings" in doc or "embedding" in doc:
        return "not inference: embeddings"
    items = doc.get("data") if doc.get("object") == "list" else doc.get("results")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        first = items[0]
        if first.get("object") == "embedding" or "embedding" in first:
            return "not inference: embeddings"
        if "relevance_score" in first:
            return "not inference: a reranking"
    return None
