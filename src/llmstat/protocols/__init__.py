"""API dialects: each module turns a response's JSON objects into a UsageState.

``detect_api`` names the dialect from the request path when it is known, else from the shape
of the first JSON object; ``FEEDERS`` maps each dialect to the function that folds one
object (a streamed event or a whole body) into the state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmstat.protocols import anthropic, gemini, llamacpp, ollama, openai
from llmstat.protocols.state import UsageState

Feeder = Callable[[UsageState, dict[str, Any], str], bool]

FEEDERS: dict[str, Feeder] = {
    "openai.chat": openai.feed_chat,
    "openai.completions": openai.feed_chat,
    "openai.responses": openai.feed_responses,
    "anthropic.messages": anthropic.feed,
    "gemini": gemini.feed,
    "ollama": ollama.feed,
    "llamacpp": llamacpp.feed,
    "unknown": openai.feed_unknown,
}

# Longest first: "/chat/completions" must win over "/completions".
_PATH_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("/chat/completions", "openai.chat"),
    ("/completions", "openai.completions"),
    ("/responses", "openai.responses"),
    ("/messages", "anthropic.messages"),
    (":generatecontent", "gemini"),
    (":streamgeneratecontent", "gemini"),
    ("/api/chat", "ollama"),
    ("/api/generate", "ollama"),
    ("/completion", "llamacpp"),
    ("/infill", "llamacpp"),
)


def api_from_path(path: str | None) -> str | None:
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
    typ = obj.get("type")
    if isinstance(typ, str):
        if typ.startswith("response."):
            return "openai.responses"
        if typ in anthropic.EVENT_TYPES or (typ == "message" and "content" in obj):
            return "anthropic.messages"
    kind = obj.get("object")
    if isinstance(kind, str):
        if kind.startswith("chat.completion"):
            return "openai.chat"
        if kind == "text_completion":
            return "openai.completions"
        if kind == "response":
            return "openai.responses"
    if "usageMetadata" in obj or "candidates" in obj or "modelVersion" in obj or "promptFeedback" in obj:
        return "gemini"
    if (
        "done" in obj
        and "model" in obj
        and ("message" in obj or "response" in obj or "eval_count" in obj or "created_at" in obj)
    ):
        return "ollama"
    if "choices" in obj:
        choices = obj["choices"]
        if isinstance(choices, list) and choices and isinstance(choices[0], dict) and "text" in choices[0]:
            return "openai.completions"
        return "openai.chat"
    if "timings" in obj or ("content" in obj and ("stop" in obj or "tokens_predicted" in obj)):
        return "llamacpp"
    if "usage" in obj:
        usage = obj["usage"]
        if isinstance(usage, dict) and ("input_tokens" in usage or "output_tokens" in usage):
            if "cache_read_input_tokens" in usage or "cache_creation_input_tokens" in usage:
                return "anthropic.messages"
            return "openai.responses"
        return "openai.chat"
    return None


__all__ = ["FEEDERS", "UsageState", "api_from_object", "api_from_path"]
