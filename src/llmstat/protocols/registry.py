"""DIALECTS: every API dialect llmstat reads, and the lookups everything else makes in it.

A new provider is one module in ``protocols/`` declaring its ``Dialect`` and one entry here.
Order matters only among shape tests of the same rank (the earlier entry's test runs first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from llmstat.protocols import anthropic, bedrock, cohere, gemini, llamacpp, ollama, openai
from llmstat.protocols.dialect import Boundary, Dialect, Feeder
from llmstat.protocols.state import UsageState, text

DIALECTS: tuple[Dialect, ...] = (
    openai.CHAT,
    openai.COMPLETIONS,
    openai.RESPONSES,
    anthropic.MESSAGES,
    gemini.GEMINI,
    ollama.OLLAMA,
    llamacpp.LLAMACPP,
    cohere.COHERE_CHAT,
    bedrock.CONVERSE,
)


def _feed_unknown(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    """A JSON object of no known dialect: keep what ids and errors it has."""
    state.id = text(obj.get("id")) or state.id
    state.model = text(obj.get("model")) or state.model
    return False


# what an exchange of no known dialect is called, and how its objects are read
UNKNOWN = Dialect("unknown", _feed_unknown)

BY_NAME: dict[str, Dialect] = {d.name: d for d in (*DIALECTS, UNKNOWN)}
# CONTRACT.md's api names, in the registry's order, "unknown" last
API_NAMES: tuple[str, ...] = tuple(BY_NAME)
FEEDERS: dict[str, Feeder] = {name: d.feeder for name, d in BY_NAME.items()}
# every rule that starts a response mid-stream; each is tried on every object, whatever the dialect
BOUNDARIES: tuple[Boundary, ...] = tuple(dict.fromkeys(d.boundary for d in DIALECTS if d.boundary))

# Longest first: "/chat/completions" must win over "/completions".
_PATH_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(((p, d.name) for d in DIALECTS for p in d.paths), key=lambda pair: -len(pair[0]))
)
_SHAPES = tuple(
    (shape.test, d.name)
    for _, _, shape, d in sorted(
        ((s.rank, i, s, d) for i, d in enumerate(DIALECTS) for s in d.shapes), key=lambda t: (t[0], t[1])
    )
)


@functools.lru_cache(maxsize=256)  # a recording asks for a few paths thousands of times
def api_from_path(path: str | None) -> str | None:
    """The dialect a request path names, or None when it names none."""
    if not path:
        return None
    p = path.split("?", 1)[0].rstrip("/").lower()
    for suffix, api in _PATH_SUFFIXES:
        if p.endswith(suffix):
            return api
    return None


def api_from_object(obj: Any) -> str | None:
    """The dialect a JSON object's shape names, or None when it names none."""
    if not isinstance(obj, dict):
        return None
    for test, api in _SHAPES:
        if test(obj):
            return api
    return None


def _first_chunk_id(obj: dict[str, Any]) -> str | None:
    """The chunk id that ties an object to its response, by the first boundary rule that finds one."""
    for rule in BOUNDARIES:
        chunk_id = rule.chunk_id(obj)
        if chunk_id is not None:
            return chunk_id
    return None


# asked of every event the reference path parses: with one rule, no loop around it
chunk_id_of: Callable[[dict[str, Any]], str | None] = (
    BOUNDARIES[0].chunk_id if len(BOUNDARIES) == 1 else _first_chunk_id
)


# what a host implies about its responses' counts (xAI's reasoning outside completion_tokens)
_HOST_RULES: dict[str, Callable[[UsageState], None]] = dict(openai.HOST_RULES)


def apply_host_rules(state: UsageState, host: str | None) -> None:
    rule = _HOST_RULES.get(host or "")
    if rule is not None and state.api in (openai.CHAT.name, openai.COMPLETIONS.name):
        rule(state)


def is_local(api: str) -> bool:
    d = BY_NAME.get(api)
    return d is not None and d.local


def provider_of(api: str) -> str | None:
    """The genai-prices provider the dialect implies, when the host names none."""
    d = BY_NAME.get(api)
    return None if d is None else d.provider
