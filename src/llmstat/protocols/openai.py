"""OpenAI chat completions, legacy completions and Responses (and the many servers that copy them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from llmstat.protocols.dialect import Boundary, Dialect, FastPathSpec, Rank, Shape
from llmstat.protocols.extensions import EXTENSION_KEYS, TIMING_KEYS, apply_extensions, is_stop, settle_input
from llmstat.protocols.state import UsageState, add, count, number, sub, text
from llmstat.protocols.templates import closing_template, event_and_data, typed_template

RESPONSES_TERMINAL = ("response.completed", "response.incomplete", "response.failed")
_CHUNK_OBJECTS = ("chat.completion.chunk", "text_completion")


def _first_count(*values: Any) -> int | None:
    for value in values:
        n = count(value)
        if n is not None:
            return n
    return None


def apply_chat_usage(state: UsageState, usage: Any) -> None:
    """Chat/completions ``usage``; the last non-null one wins (DeepSeek puts it on the finish chunk).

    ``total_tokens`` is never read: xAI counts reasoning in it and not in ``completion_tokens``.
    """
    if not isinstance(usage, dict):
        return
    prompt = count(usage.get("prompt_tokens"))
    completion = count(usage.get("completion_tokens"))
    reasoning = count(sub(usage, "completion_tokens_details", "reasoning_tokens"))
    details = usage.get("prompt_tokens_details")
    t = state.tokens
    t.cache_write = _first_count(sub(details, "cache_write_tokens"), usage.get("cache_creation_input_tokens"))
    t.reasoning = reasoning
    state.usage_input = prompt
    if reasoning and _reasoning_outside_completion(usage, prompt, completion, reasoning):
        completion = add(completion, reasoning)
        state.reasoning_billed_apart = True
    _apply_speeds(state, usage, prompt, completion)
    if state.timings_seen:
        settle_input(state)  # llama.cpp's timings win over the usage beside them
        return
    t.input = prompt
    t.output = completion
    t.cache_read = _first_count(
        sub(details, "cached_tokens"),
        usage.get("prompt_cache_hit_tokens"),  # DeepSeek
        usage.get("num_cached_tokens"),  # Mistral
        usage.get("cached_tokens"),  # Together, Moonshot
    )


def _reasoning_outside_completion(
    usage: dict[str, Any], prompt: int | None, completion: int | None, reasoning: int
) -> bool:
    """xAI bills reasoning as output but leaves it out of ``completion_tokens``; its total
    (``prompt + completion + reasoning``) is the one sign of that a bare body carries."""
    total = count(usage.get("total_tokens"))
    return total is not None and total - (prompt or 0) - (completion or 0) == reasoning


def bill_reasoning_apart(state: UsageState) -> None:
    """For a response from xAI's own host, whatever its totals say: reasoning is output too."""
    t = state.tokens
    if state.reasoning_billed_apart or state.timings_seen or not t.reasoning or t.output is None:
        return
    t.output += t.reasoning
    state.reasoning_billed_apart = True


# rules a response's host implies, whatever its body shows: host -> rule
HOST_RULES = {"api.x.ai": bill_reasoning_apart}


def _apply_speeds(
    state: UsageState, usage: dict[str, Any], prompt: int | None, completion: int | None
) -> None:
    """Groq's server-side prefill and decode seconds."""
    prompt_time = number(usage.get("prompt_time"))
    completion_time = number(usage.get("completion_time"))
    if prompt is not None and prompt_time:
        state.prompt_tps = prompt / prompt_time
    if completion is not None and completion_time:
        state.output_tps = completion / completion_time


def apply_recorded_cost(state: UsageState, usage: Any) -> None:
    """What a gateway says it charged: OpenRouter's ``cost`` (plus the upstream cost of a
    bring-your-own-key call, which the account pays the provider directly), Vercel's ``cost``,
    Perplexity's ``cost.total_cost``, xAI's ``cost_in_usd_ticks`` (1e-10 USD)."""
    if not isinstance(usage, dict):
        return
    cost = usage.get("cost")
    if isinstance(cost, dict):
        cost = cost.get("total_cost")
    usd = number(cost)
    if usd is not None and usage.get("is_byok") is True:
        usd += number(sub(usage, "cost_details", "upstream_inference_cost")) or 0.0
    ticks = count(usage.get("cost_in_usd_ticks"))
    if usd is None and ticks is not None:
        usd = ticks * 1e-10
    if usd is not None and usd >= 0:
        state.recorded_cost = usd


def feed_chat(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    state.id = text(obj.get("id")) or state.id
    state.model = text(obj.get("model")) or state.model
    if state.created is None:
        state.note_created(obj.get("created"))
    usage = obj.get("usage")
    if not isinstance(usage, dict):
        usage = sub(obj, "x_groq", "usage")  # Groq streams without stream_options.include_usage
    if isinstance(usage, dict):
        apply_chat_usage(state, usage)
        apply_recorded_cost(state, usage)
    apply_extensions(state, obj)
    return is_stop(obj)


def apply_responses_usage(state: UsageState, usage: Any) -> None:
    if not isinstance(usage, dict):
        return
    t = state.tokens
    t.cache_write = count(sub(usage, "input_tokens_details", "cache_write_tokens"))
    t.reasoning = count(sub(usage, "output_tokens_details", "reasoning_tokens"))
    apply_recorded_cost(state, usage)
    if state.timings_seen:
        return  # llama-server's timings win
    t.input = count(usage.get("input_tokens"))
    t.output = count(usage.get("output_tokens"))
    t.cache_read = count(sub(usage, "input_tokens_details", "cached_tokens"))


def _response_object(state: UsageState, resp: dict[str, Any]) -> None:
    state.id = text(resp.get("id")) or state.id
    state.model = text(resp.get("model")) or state.model
    if state.created is None:
        state.note_created(resp.get("created_at"))
    if resp.get("usage") is not None:
        apply_responses_usage(state, resp["usage"])
    err = resp.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        state.error = err["message"]


def feed_responses(state: UsageState, obj: dict[str, Any], event: str) -> bool:
    typ = obj.get("type")
    if isinstance(typ, str) and typ.startswith("response."):
        resp = obj.get("response")
        if isinstance(resp, dict):
            _response_object(state, resp)
        apply_extensions(state, obj)  # llama-server puts its timings beside "response"
        if typ == "response.failed" and state.error is None:
            state.error = "response failed"
        return typ in RESPONSES_TERMINAL
    if typ == "error" or event == "error":
        msg = obj.get("message") or sub(obj, "error", "message")
        state.error = msg if isinstance(msg, str) else "error event in stream"
        return False
    _response_object(state, obj)
    apply_extensions(state, obj)
    return False


def chunk_id_of(obj: dict[str, Any]) -> str | None:
    """The id of an OpenAI-style streamed chunk (a new id starts a new response), else None."""
    chunk_id = obj.get("id")
    if not isinstance(chunk_id, str) or not chunk_id:
        return None  # Azure's prompt_filter_results chunk, before the response, has id ""
    if obj.get("object") in _CHUNK_OBJECTS or ("choices" in obj and "object" not in obj):
        return chunk_id
    return None


_CLOSING_KEYS = frozenset({"id", "object", "model"})


def _chunk_template(block: bytes) -> bytes | tuple[bytes, bytes] | None:
    """Chat chunks share their bytes up to ``"choices"`` (id, object, created, model, ...), or,
    as llama-server writes them, from ``"id"`` to the end.

    Asked only of a block just fed into its response: a later block that repeats its id,
    object and model changes nothing but the count while the response's id, model and chunk
    id are still what that feed left (``feed_chat`` reads nothing else without a needle).
    """
    span = event_and_data(block)
    if span is None:
        return None
    start, end = span
    i = block.find(b'"choices":', start, end)
    if i < 0:
        return None
    if block.startswith(b'{"choices":', i - 1):
        # llama-server's order: choices first, the chunk's id, model and object last
        return closing_template(block, b'"id":', _CLOSING_KEYS)
    j = block.find(b"{", start, i)
    if j < 0 or block[start + 5 : j].strip(b" ") != b"":
        return None
    try:
        head = orjson.loads(block[j:i].rstrip(b" ,") + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(head, dict) or not {"id", "object", "model"} <= head.keys():
        return None
    return block[:i]


_RESPONSES_TERMINAL = frozenset(t.encode() for t in RESPONSES_TERMINAL)


def _responses_noop(kind: bytes) -> bool:
    return kind.startswith(b"response.") and kind not in _RESPONSES_TERMINAL


def _responses_template(block: bytes) -> bytes | None:
    return typed_template(block, _responses_noop)


def _has_choices_text(obj: dict[str, Any]) -> bool:
    choices = obj.get("choices")
    return (
        isinstance(choices, list) and bool(choices) and isinstance(choices[0], dict) and "text" in choices[0]
    )


def _usage_io(obj: dict[str, Any]) -> bool:
    usage = obj.get("usage")
    return isinstance(usage, dict) and ("input_tokens" in usage or "output_tokens" in usage)


def _object_is(pred: Callable[[str], bool]) -> Callable[[dict[str, Any]], bool]:
    def test(obj: dict[str, Any]) -> bool:
        kind = obj.get("object")
        return isinstance(kind, str) and bool(pred(kind))

    return test


_NOT_RESPONSE_EVENT = "read only from events whose type is not response.* (the template admits those alone)"

CHUNK_BOUNDARY = Boundary(chunk_id_of, keys=("object", "choices"))

# chat and legacy completions chunks: one family to the fast path
_CHUNK_FAST_PATH = FastPathSpec(
    needles=("usage", "x_groq", *EXTENSION_KEYS),
    template=_chunk_template,
    # created: the first chunk's wins, so a skipped chunk cannot change it
    pinned=("id", "object", "model", "choices", "created"),
    benign={"usage": (b"null", b"{")},  # with include_usage, every chunk carries "usage":null
    per_response=True,
)

CHAT = Dialect(
    "openai.chat",
    feed_chat,
    paths=("/chat/completions",),
    shapes=(
        Shape(Rank.OBJECT, _object_is(lambda k: k.startswith("chat.completion"))),
        Shape(Rank.CHOICES, lambda obj: "choices" in obj),
        Shape(Rank.USAGE, lambda obj: "usage" in obj),
    ),
    provider="openai",
    boundary=CHUNK_BOUNDARY,
    fast_path=_CHUNK_FAST_PATH,
    no_usage_in_stream="no usage reported (stream sent without stream_options.include_usage?)",
)
COMPLETIONS = Dialect(
    "openai.completions",
    feed_chat,
    paths=("/completions",),
    shapes=(
        Shape(Rank.OBJECT, _object_is(lambda k: k == "text_completion")),
        Shape(Rank.CHOICES_TEXT, _has_choices_text),
    ),
    provider="openai",
    boundary=CHUNK_BOUNDARY,
    fast_path=_CHUNK_FAST_PATH,
)
RESPONSES = Dialect(
    "openai.responses",
    feed_responses,
    paths=("/responses",),
    shapes=(
        Shape(
            Rank.TYPE, lambda obj: isinstance(obj.get("type"), str) and obj["type"].startswith("response.")
        ),
        Shape(Rank.OBJECT, _object_is(lambda k: k == "response")),
        Shape(Rank.USAGE_IO, _usage_io),
    ),
    provider="openai",
    fast_path=FastPathSpec(
        needles=("response", *TIMING_KEYS),
        template=_responses_template,
        pinned=("type",),
        inert=dict.fromkeys(("id", "model", "usage", "message", "created_at"), _NOT_RESPONSE_EVENT),
    ),
)
