"""Synthetic recordings for bench.py: SSE dumps of three dialects and HAR exports.

The streams copy the byte layout of real provider traffic (key order, compact JSON, ``event:``
lines, OpenAI's ``"usage":null`` on every chunk and its ``obfuscation`` padding, Anthropic's
``ping`` and trailing blanks, the Responses API's repeated text in its ``.done`` events); the
HARs are written the way browsers and mitmproxy write them (two-space indent), minified the way
Playwright does, or the way Python's ``json.dump`` writes by default (one line, ``", "`` and
``": "`` separators, non-ASCII escaped). Deterministic: the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import orjson

# fmt: off
WORDS = [
    "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for",
    "on", "are", "as", "with", "his", "they", "at", "be", "this", "have", "from", "or",
    "one", "had", "by", "word", "but", "not", "what", "all", "were", "we", "when", "your",
    "can", "said", "there", "use", "an", "each", "which", "she", "do", "how", "their", "if",
    "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her",
    "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go",
    "see", "number", "no", "way", "could", "people", "usage", "error", "stop", "response",
    '"quoted"', "{braces}", "[brackets]", "back\\slash", "data:", "event:",
    "tab\there", "newline\nthere", "émoji", "🙂", "naïve",
]
# fmt: on


def _rid(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _piece(rng: random.Random) -> str:
    return " " + rng.choice(WORDS) if rng.random() < 0.9 else rng.choice(WORDS)


def _data(obj: object) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def _event(name: str, obj: object) -> bytes:
    return b"event: " + name.encode() + b"\n" + _data(obj)


def openai_chat(rng: random.Random, n: int) -> bytes:
    """A chat.completions stream sent with stream_options.include_usage."""
    cid = "chatcmpl-" + _rid(rng, 29)
    model = rng.choice(["gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "gpt-4o-2024-08-06"])
    head = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": rng.randrange(1_700_000_000, 1_800_000_000),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_" + _rid(rng, 10),
    }
    out = [
        _data(
            {
                **head,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": "", "refusal": None},
                        "logprobs": None,
                        "finish_reason": None,
                    }
                ],
                "usage": None,
                "obfuscation": _rid(rng, 6),
            }
        )
    ]
    tool = rng.random() < 0.25
    for i in range(n):
        if tool:
            delta: dict[str, object] = {
                "tool_calls": [{"index": 0, "function": {"arguments": orjson.dumps(_piece(rng)).decode()}}]
            }
            if i == 0:
                delta["tool_calls"] = [
                    {
                        "index": 0,
                        "id": "call_" + _rid(rng, 24),
                        "type": "function",
                        "function": {"name": "lookup", "arguments": ""},
                    }
                ]
        else:
            delta = {"content": _piece(rng)}
        chunk = {
            **head,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}],
            "usage": None,
            "obfuscation": _rid(rng, rng.randrange(2, 16)),
        }
        out.append(_data(chunk))
    finish = "tool_calls" if tool else rng.choice(["stop", "stop", "length"])
    out.append(
        _data(
            {
                **head,
                "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish}],
                "usage": None,
                "obfuscation": _rid(rng, 8),
            }
        )
    )
    prompt = rng.randrange(10, 50_000)
    cached = rng.choice([0, prompt // 2, prompt // 128 * 128])
    out.append(
        _data(
            {
                **head,
                "choices": [],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": n,
                    "total_tokens": prompt + n,
                    "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                    "completion_tokens_details": {
                        "reasoning_tokens": 0,
                        "audio_tokens": 0,
                        "accepted_prediction_tokens": 0,
                        "rejected_prediction_tokens": 0,
                    },
                },
                "obfuscation": _rid(rng, 4),
            }
        )
    )
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def anthropic(rng: random.Random, n: int) -> bytes:
    """A Messages stream: message_start, thinking and text blocks, pings, message_delta, message_stop."""
    mid = "msg_01" + _rid(rng, 22)
    model = rng.choice(["claude-sonnet-4-20250514", "claude-3-5-haiku-20241022", "claude-opus-4-1-20250805"])
    read = rng.choice([0, rng.randrange(1000, 90_000)])
    write = rng.choice([0, rng.randrange(100, 5000)])
    usage = {
        "input_tokens": rng.randrange(3, 5000),
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
        "cache_creation": {"ephemeral_5m_input_tokens": write, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 1,
        "service_tier": "standard",
    }
    msg = {
        "id": mid,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    out = [_event("message_start", {"type": "message_start", "message": msg})]
    blocks = [("thinking", n // 4), ("text", n - n // 4)] if rng.random() < 0.3 else [("text", n)]
    for index, (kind, count) in enumerate(blocks):
        start = (
            {"type": kind, "thinking": "", "signature": ""}
            if kind == "thinking"
            else {"type": kind, "text": ""}
        )
        out.append(
            _event(
                "content_block_start", {"type": "content_block_start", "index": index, "content_block": start}
            )
        )
        if index == 0:
            out.append(b'event: ping\ndata: {"type": "ping"}\n\n')
        for _ in range(count):
            delta = (
                {"type": "thinking_delta", "thinking": _piece(rng)}
                if kind == "thinking"
                else {"type": "text_delta", "text": _piece(rng)}
            )
            out.append(
                _event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            )
        if kind == "thinking":
            sig = {"type": "signature_delta", "signature": _rid(rng, 200)}
            out.append(
                _event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": sig})
            )
        out.append(_event("content_block_stop", {"type": "content_block_stop", "index": index}))
    out.append(
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": n},
            },
        )
    )
    out.append(_event("message_stop", {"type": "message_stop"}))
    return b"".join(out)


def openai_responses(rng: random.Random, n: int) -> bytes:
    """A Responses stream: created, in_progress, text deltas, the .done events, completed."""
    rid = "resp_" + _rid(rng, 48)
    item = "msg_" + _rid(rng, 48)
    model = rng.choice(["gpt-5-2025-08-07", "gpt-4.1-mini-2025-04-14", "o4-mini-2025-04-16"])
    created = rng.randrange(1_700_000_000, 1_800_000_000)
    base = {
        "id": rid,
        "object": "response",
        "created_at": created,
        "status": "in_progress",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": model,
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
    }
    seq = 0

    def ev(name: str, body: dict[str, object]) -> bytes:
        nonlocal seq
        obj = {"type": name, "sequence_number": seq, **body}
        seq += 1
        return _event(name, obj)

    out = [ev("response.created", {"response": base}), ev("response.in_progress", {"response": base})]
    msg = {"id": item, "type": "message", "status": "in_progress", "content": [], "role": "assistant"}
    out.append(ev("response.output_item.added", {"output_index": 0, "item": msg}))
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    out.append(
        ev(
            "response.content_part.added",
            {"item_id": item, "output_index": 0, "content_index": 0, "part": part},
        )
    )
    pieces = []
    for _ in range(n):
        piece = _piece(rng)
        pieces.append(piece)
        out.append(
            ev(
                "response.output_text.delta",
                {
                    "item_id": item,
                    "output_index": 0,
                    "content_index": 0,
                    "delta": piece,
                    "logprobs": [],
                    "obfuscation": _rid(rng, rng.randrange(2, 16)),
                },
            )
        )
    text = "".join(pieces)
    out.append(
        ev(
            "response.output_text.done",
            {"item_id": item, "output_index": 0, "content_index": 0, "text": text, "logprobs": []},
        )
    )
    done_part = {**part, "text": text}
    out.append(
        ev(
            "response.content_part.done",
            {"item_id": item, "output_index": 0, "content_index": 0, "part": done_part},
        )
    )
    done_msg = {**msg, "status": "completed", "content": [done_part]}
    out.append(ev("response.output_item.done", {"output_index": 0, "item": done_msg}))
    cached = rng.choice([0, rng.randrange(1000, 9000)])
    prompt = cached + rng.randrange(10, 4000)
    reasoning = rng.choice([0, rng.randrange(10, 900)])
    final = {
        **base,
        "status": "completed",
        "output": [done_msg],
        "usage": {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": n + reasoning,
            "output_tokens_details": {"reasoning_tokens": reasoning},
            "total_tokens": prompt + n + reasoning,
        },
    }
    out.append(ev("response.completed", {"response": final}))
    return b"".join(out)


DIALECTS = (openai_chat, anthropic, openai_responses)


def sse_dump(rng: random.Random, size: int, dialect: int, appended: bool = False) -> bytes:
    """About ``size`` bytes of one dialect's responses.

    A dump is one long stream, now and then two (``>>``); with ``appended`` it is many short
    responses appended one after another, as a logging proxy writes them.
    """
    make = DIALECTS[dialect % len(DIALECTS)]
    if not appended:
        parts = 2 if rng.random() < 0.3 else 1
        per_event = len(make(rng, 400)) / 400
        n = max(10, int(size / parts / per_event))
        return b"".join(make(rng, int(n * rng.uniform(0.8, 1.2))) for _ in range(parts))
    chunks: list[bytes] = []
    have = 0
    while have < size:
        n = min(int(rng.paretovariate(1.2) * 60), 6000)
        part = make(rng, n)
        chunks.append(part)
        have += len(part)
    return b"".join(chunks)


def write_sse_corpus(
    root: Path, files: int = 200, size: int = 1 << 20, seed: int = 5, appended: bool = False
) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        path = root / f"dump-{i:03d}.sse"
        if not path.exists():
            path.write_bytes(sse_dump(rng, size, i, appended))
        paths.append(path)
    return paths


# --- HAR --------------------------------------------------------------------------------------

_CHAT_PATHS = (
    ("api.openai.com", "/v1/chat/completions", openai_chat),
    ("api.anthropic.com", "/v1/messages", anthropic),
    ("api.openai.com", "/v1/responses", openai_responses),
)


def _headers(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs.items()]


def _prompt(rng: random.Random, size: int) -> str:
    words: list[str] = []
    have = 0
    while have < size:
        w = rng.choice(WORDS)
        words.append(w)
        have += len(w) + 1
    return " ".join(words)


def har_entry(rng: random.Random, i: int) -> dict[str, object]:
    """One entry: mostly LLM calls (streamed), some static GETs and JSON API calls."""
    hh, mm, ss = (i // 1800) % 24, (i // 30) % 60, i % 60
    started = f"2026-11-{1 + i // 40000:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{i % 1000:03d}Z"
    timings = {
        "blocked": round(rng.random() * 3, 3),
        "dns": -1,
        "ssl": -1,
        "connect": -1,
        "send": 0.1,
        "wait": round(rng.random() * 900, 3),
        "receive": round(rng.random() * 9000, 3),
    }
    kind = rng.random()
    if kind < 0.2:
        url = f"https://app.example.com/static/{_rid(rng, 8)}.js"
        body = _prompt(rng, rng.randrange(200, 6000))
        request = {
            "method": "GET",
            "url": url,
            "httpVersion": "http/2.0",
            "headers": _headers({"accept": "*/*", "user-agent": "Mozilla/5.0"}),
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        }
        content = {"size": len(body), "mimeType": "application/javascript", "text": body}
    else:
        host, path, make = _CHAT_PATHS[i % 3]
        n = min(int(rng.paretovariate(1.3) * 50), 4000)
        body = make(rng, n).decode()
        history = [
            {"role": "user" if k % 2 == 0 else "assistant", "content": _prompt(rng, rng.randrange(50, 3000))}
            for k in range(rng.randrange(1, 30))
        ]
        req_body = orjson.dumps({"model": "m", "stream": True, "messages": history}).decode()
        request = {
            "method": "POST",
            "url": f"https://{host}{path}",
            "httpVersion": "http/2.0",
            "headers": _headers({"content-type": "application/json", "authorization": "Bearer sk-REDACTED"}),
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(req_body),
            "postData": {"mimeType": "application/json", "text": req_body},
        }
        content = {"size": len(body), "mimeType": "text/event-stream", "text": body}
    return {
        "_initiator": {"type": "script"},
        "_priority": "High",
        "_resourceType": "fetch",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": request,
        "response": {
            "status": 200,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": _headers(
                {"content-type": content["mimeType"], "date": "Mon, 01 Nov 2026 10:00:00 GMT"}
            ),
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": len(body) // 3,
            "_error": None,
        },
        "serverIPAddress": "162.159.140.245",
        "startedDateTime": started,
        "time": round(sum(v for v in timings.values() if v > 0), 3),
        "timings": timings,
    }


def iter_entries(seed: int, size: int) -> Iterator[bytes]:
    """Pretty-printed entries (two-space indent, as JSON.stringify(har, null, 2)), ``size`` bytes in all."""
    rng = random.Random(seed)
    have = 0
    i = 0
    while have < size:
        text = orjson.dumps(har_entry(rng, i), option=orjson.OPT_INDENT_2)
        yield text
        have += len(text)
        i += 1


def _har_head() -> bytes:
    return (
        b'{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n'
        b'      "version": "537.36"\n    },\n    "pages": [],\n    "entries": [\n'
    )


HarLayout = Literal["pretty", "minified", "python"]


def write_har(path: Path, size: int, seed: int = 7, copies: int = 1, layout: HarLayout = "pretty") -> Path:
    """A HAR of about ``size`` bytes; ``copies`` repeats the same entries (the doubled file).

    ``layout``: "pretty" (two-space indent, as browsers), "minified" (no blanks, as Playwright) or
    "python" (``json.dump(har, f)``: one line, ``", "`` and ``": "`` separators).
    """
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        if layout == "minified":
            fh.write(
                b'{"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.48.0"},"pages":[],"entries":['
            )
        elif layout == "python":
            fh.write(
                b'{"log": {"version": "1.2", "creator": {"name": "llmstat-bench", "version": "1"}, '
                b'"pages": [], "entries": ['
            )
        else:
            fh.write(_har_head())
        first = True
        for _ in range(copies):
            for text in iter_entries(seed, size):
                if layout == "minified":
                    text = orjson.dumps(orjson.loads(text))
                    fh.write(text if first else b"," + text)
                elif layout == "python":
                    text = json.dumps(orjson.loads(text)).encode()
                    fh.write(text if first else b", " + text)
                else:
                    indented = b"      " + text.replace(b"\n", b"\n      ")
                    fh.write(indented if first else b",\n" + indented)
                first = False
        fh.write(b"\n    ]\n  }\n}\n" if layout == "pretty" else b"]}}")
    tmp.rename(path)
    return path


# --- the shapes of issue 16: local engines, Gemini, folders of small files, llama-swap captures --


def llama_server_chat(rng: random.Random, n: int) -> bytes:
    """llama-server's own chat stream: its ordered_json writes ``"choices"`` first, and the
    last chunk carries usage and timings."""
    cid = "chatcmpl-" + _rid(rng, 32)
    model = rng.choice(["gemma3-12b", "qwen3-8b", "llama-3.1-8b-instruct"])
    created = rng.randrange(1_700_000_000, 1_800_000_000)
    tail = {"created": created, "id": cid, "model": model, "system_fingerprint": "b6423-8f2a2f6b"}

    def chunk(choices: list[object], **more: object) -> bytes:
        return _data({"choices": choices, **tail, "object": "chat.completion.chunk", **more})

    out = [chunk([{"finish_reason": None, "index": 0, "delta": {"role": "assistant", "content": None}}])]
    out += [chunk([{"finish_reason": None, "index": 0, "delta": {"content": _piece(rng)}}]) for _ in range(n)]
    out.append(chunk([{"finish_reason": "stop", "index": 0, "delta": {}}]))
    prompt = rng.randrange(10, 30_000)
    cached = rng.randrange(0, prompt)
    usage = {"completion_tokens": n, "prompt_tokens": prompt, "total_tokens": prompt + n}
    timings = {
        "cache_n": cached,
        "prompt_n": prompt - cached,
        "prompt_ms": round(rng.uniform(10, 900), 3),
        "predicted_n": n,
        "predicted_ms": round(n * rng.uniform(15, 40), 3),
        "predicted_per_second": round(rng.uniform(20, 60), 6),
    }
    out.append(chunk([], usage=usage, timings=timings))
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def llamacpp_completion(rng: random.Random, n: int) -> bytes:
    """llama.cpp's native /completion stream: ``"stop":false`` on every chunk, timings on the last."""
    evaluated = rng.randrange(5, 4000)
    out = [
        _data(
            {
                "index": 0,
                "content": _piece(rng),
                "tokens": [],
                "stop": False,
                "id_slot": -1,
                "tokens_predicted": i + 1,
                "tokens_evaluated": evaluated,
            }
        )
        for i in range(n)
    ]
    last = {
        "index": 0,
        "content": "",
        "tokens": [],
        "id_slot": 0,
        "stop": True,
        "model": "gemma3-12b",
        "tokens_predicted": n,
        "tokens_evaluated": evaluated,
        "stop_type": "eos",
        "tokens_cached": evaluated + n - 1,
        "timings": {"prompt_n": evaluated, "prompt_ms": 90.5, "predicted_n": n, "predicted_ms": 20.0 * n},
    }
    out.append(_data(last))
    return b"".join(out)


def _spaced(obj: object) -> bytes:
    """Gemini's JSON layout: a space after each colon, none after commas."""
    return orjson.dumps(obj).replace(b'":', b'": ')


def gemini_sse(rng: random.Random, n: int) -> bytes:
    """``streamGenerateContent?alt=sse``: CRLF line ends, cumulative usageMetadata on every chunk."""
    rid = _rid(rng, 23)
    model = rng.choice(["gemini-2.5-flash", "gemini-2.0-flash", "gemini-2.5-pro"])
    prompt = rng.randrange(5, 20_000)
    out = []
    for i in range(n):
        meta = {"promptTokenCount": prompt, "candidatesTokenCount": i + 1, "totalTokenCount": prompt + i + 1}
        cand: dict[str, object] = {"content": {"parts": [{"text": _piece(rng)}], "role": "model"}, "index": 0}
        if i == n - 1:
            cand["finishReason"] = "STOP"
        obj = {"candidates": [cand], "usageMetadata": meta, "modelVersion": model, "responseId": rid}
        out.append(b"data: " + _spaced(obj) + b"\r\n\r\n")
    return b"".join(out)


def ollama_chat(rng: random.Random, n: int) -> bytes:
    """Ollama's /api/chat NDJSON: the model first on every line, counts on the ``done`` one."""
    model = rng.choice(["llama3.2:3b", "qwen3:8b", "gemma3:12b"])
    out = [
        orjson.dumps(
            {
                "model": model,
                "created_at": f"2026-11-01T10:00:{i % 60:02d}.{rng.randrange(10**9):09d}Z",
                "message": {"role": "assistant", "content": _piece(rng)},
                "done": False,
            }
        )
        + b"\n"
        for i in range(n)
    ]
    done = {
        "model": model,
        "created_at": "2026-11-01T10:01:00.000000000Z",
        "message": {"role": "assistant", "content": ""},
        "done_reason": "stop",
        "done": True,
        "total_duration": 9_000_000_000,
        "load_duration": 1_000_000,
        "prompt_eval_count": rng.randrange(5, 4000),
        "prompt_eval_duration": 90_000_000,
        "eval_count": n,
        "eval_duration": 8_000_000_000,
    }
    out.append(orjson.dumps(done) + b"\n")
    return b"".join(out)


def write_stream_corpus(
    root: Path, make: str, suffix: str, files: int = 100, size: int = 1 << 20, seed: int = 16
) -> list[Path]:
    """``files`` dumps of about ``size`` bytes, each one long stream of ``make``'s dialect."""
    root.mkdir(parents=True, exist_ok=True)
    gen = globals()[make]
    rng = random.Random(seed)
    per_event = len(gen(rng, 400)) / 400
    paths = []
    for i in range(files):
        path = root / f"{make}-{i:03d}.{suffix}"
        if not path.exists():
            path.write_bytes(gen(rng, max(10, int(size / per_event * rng.uniform(0.8, 1.2)))))
        paths.append(path)
    return paths


SMALL = (openai_chat, anthropic, openai_responses, llama_server_chat)


def write_small_corpus(root: Path, files: int = 20_000, seed: int = 20) -> list[Path]:
    """A folder of per-request dumps of 1-10 KB, every dialect by turns, 100 to a subfolder."""
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        path = root / f"{i // 100:03d}" / f"req-{i:05d}.sse"
        paths.append(path)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SMALL[i % len(SMALL)](rng, rng.randrange(4, 32)))
    return paths


def write_capture_corpus(root: Path, files: int = 10_000, seed: int = 30) -> list[Path]:
    """llama-swap's disk tier: ``db-<id>/<id / 1000>/<id>.cap``, each zstd(CBOR) of one capture
    whose response is a llama-server chat stream."""
    import cbor2
    import zstandard

    rng = random.Random(seed)
    zc = zstandard.ZstdCompressor(level=3, write_content_size=False)
    paths = []
    for cid in range(1, files + 1):
        path = root / "db-1" / str(cid // 1000) / f"{cid}.cap"
        paths.append(path)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        history = [{"role": "user", "content": _prompt(rng, rng.randrange(50, 800))}]
        cap = {
            "id": cid,
            "req_path": "/v1/chat/completions",
            "req_headers": {"Content-Type": "application/json", "User-Agent": "OpenAI/Python 1.99.1"},
            "req_body": orjson.dumps({"model": "qwen3-8b", "stream": True, "messages": history}),
            "resp_headers": {"Content-Type": "text/event-stream", "Server": "llama.cpp"},
            "resp_body": llama_server_chat(rng, rng.randrange(5, 40)),
        }
        path.write_bytes(zc.compress(cbor2.dumps(cap)))
    return paths
