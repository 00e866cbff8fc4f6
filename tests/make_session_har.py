"""Write fixtures/har/mitmproxy-claude-code-session.har, the summarize fixture.

    python tests/make_session_har.py

A day of Claude Code traffic through mitmproxy (``save.har``), laid out for usage windows:
with ``--window 5h`` the requests fall in [09:00, 14:00), [14:00, 19:00), [21:00, 02:00) and
[02:00, 07:00) UTC; one starts on the last millisecond of the first window and one exactly at
its end; a gap of more than five hours separates the second and third windows; the third
crosses midnight. A 529 "overloaded" error is retried. A telemetry POST and a
``count_tokens`` call are not LLM calls. Each stream's ``receive`` is chosen so that the
decode rate (output / receive seconds) is a round number, and ``time`` is the sum of the
non-negative timings, as mitmproxy writes it.
"""

from __future__ import annotations

import json
from typing import Any

from make_fixtures import FIXTURES, compact, hdrs

SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"
OPUS = "claude-opus-4-1-20250805"
SYSTEM = [
    {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
    {
        "type": "text",
        "text": "You are an interactive CLI tool that helps users with software engineering tasks.",
        "cache_control": {"type": "ephemeral"},
    },
]

# One turn a line: started (UTC), model, message id ("-": a 529 error), input, cache write,
# cache read, output tokens; connect, send, wait, receive (ms; connect -1: connection reused).
TURNS_TABLE = """
2025-11-03T09:12:04.331 sonnet msg_01XFDUDYJgAACzvnptvVoYEL    4  1822 14203  312 38.2 0.8 1421.0  4000.0
2025-11-03T09:12:31.870 haiku  msg_01QmZ7vY3dHkP2wNcRbT8sLx  187     0     0   23   -1 0.4  511.6   200.0
2025-11-03T09:47:10.502 sonnet msg_01Hq4V8nKc2RtWm9YpLb6JdA    6  2410 16025  845   -1 0.5 1899.5 13000.0
2025-11-03T11:05:58.019 sonnet msg_01Bn7TxLw3QeZ5uJc8VgHs2K    3   611 18435 1204   -1 0.6 2311.4 17200.0
2025-11-03T13:59:59.999 sonnet msg_01Ky2PdFr6WaN9mXq4ZtCe7B    5  1015 19046   96   -1 0.3 1337.7  1200.0
2025-11-03T14:00:00.000 sonnet msg_01Ue5GzMb8SsJ3vRn6YhLq9D    2 20061     0  488 41.7 0.5 4057.8  8000.0
2025-11-03T14:22:41.245 sonnet -                               0     0     0    0   -1 0.2 1203.8     0.4
2025-11-03T14:22:47.903 sonnet msg_01Pa9Wc4Xt7LkQ2fVm5NdR8G    4   737 20061 1530   -1 0.4 1755.6 20400.0
2025-11-03T21:47:13.660 opus   msg_01Rb3Hn8Ye6JsT4wKx9QcV2M    9 21380     0  702 36.1 0.6 2963.3 18000.0
2025-11-04T01:58:02.114 sonnet msg_01Gw6Lt2Zr9PcM5vHb3XyK7E    3 20830     0  254 35.0 0.4 3964.6  4000.0
2025-11-04T02:03:45.780 sonnet msg_01Dc8Mf5Sv2NqB7tJz4WrP6H    5   388 20830 1119   -1 0.5 1821.5 15000.0
"""
PROMPTS = [
    "Why does `make test` fail on a clean checkout?",
    "Summarize this conversation in under 50 characters.",
    "Add a fixture for the empty config case.",
    "Now refactor loadConfig to return an error.",
    "Run the linter.",
    "Write the commit message.",
    "Open a pull request for this branch.",
    "Open a pull request for this branch.",
    "Plan the migration of the storage layer to SQLite.",
    "Start with the schema.",
    "Now the migration script.",
]
MODELS = {"sonnet": SONNET, "haiku": HAIKU, "opus": OPUS}


def turns() -> list[tuple[str, str, str, tuple[int, ...], tuple[float, ...], str]]:
    out = []
    for line, prompt in zip(TURNS_TABLE.strip().splitlines(), PROMPTS, strict=True):
        started, model, msg_id, *numbers = line.split()
        usage = tuple(int(n) for n in numbers[:4])
        timing = tuple(float(n) for n in numbers[4:])
        out.append((started, MODELS[model], "" if msg_id == "-" else msg_id, usage, timing, prompt))
    return out


REQ_HEADERS = [
    ("host", "api.anthropic.com"),
    ("connection", "keep-alive"),
    ("accept", "application/json"),
    ("x-stainless-retry-count", "0"),
    ("x-stainless-timeout", "600"),
    ("x-stainless-lang", "js"),
    ("x-stainless-package-version", "0.60.0"),
    ("x-stainless-os", "Linux"),
    ("x-stainless-arch", "x64"),
    ("x-stainless-runtime", "node"),
    ("x-stainless-runtime-version", "v22.19.0"),
    ("anthropic-dangerous-direct-browser-access", "true"),
    ("anthropic-version", "2023-06-01"),
    ("authorization", "Bearer sk-ant-oat01-REDACTED"),
    ("x-app", "cli"),
    ("user-agent", "claude-cli/2.0.31 (external, cli)"),
    ("content-type", "application/json"),
    ("anthropic-beta", "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14"),
    ("accept-language", "*"),
    ("sec-fetch-mode", "cors"),
    ("accept-encoding", "gzip, deflate"),
]


def sse(msg_id: str, model: str, usage: tuple[int, ...], text: str) -> str:
    inp, write, read, out = usage
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": inp,
                        "cache_creation_input_tokens": write,
                        "cache_read_input_tokens": read,
                        "cache_creation": {
                            "ephemeral_5m_input_tokens": write,
                            "ephemeral_1h_input_tokens": 0,
                        },
                        "output_tokens": 1,
                        "service_tier": "standard",
                    },
                },
            },
        ),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        ("ping", {"type": "ping"}),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {
                    "input_tokens": inp,
                    "cache_creation_input_tokens": write,
                    "cache_read_input_tokens": read,
                    "output_tokens": out,
                },
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {compact(data)}\n\n" for name, data in events)


def http_date(started: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(started).strftime("%a, %d %b %Y %H:%M:%S GMT")


def entry(
    started: str,
    url: str,
    query: list[tuple[str, str]],
    req_headers: list[tuple[str, str]],
    req_body: str,
    status: int,
    reason: str,
    resp_headers: list[tuple[str, str]],
    mime: str,
    resp_body: str,
    timing: tuple[float, ...],
) -> dict[str, Any]:
    connect, send, wait, receive = timing
    timings = {
        "connect": connect,
        "ssl": round(connect * 0.7, 3) if connect > 0 else -1,
        "send": send,
        "receive": receive,
        "wait": wait,
    }
    return {
        "startedDateTime": started + "000+00:00",
        "time": sum(v for v in timings.values() if v > -1),
        "request": {
            "method": "POST",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": hdrs([*req_headers, ("content-length", str(len(req_body)))]),
            "queryString": hdrs(query),
            "headersSize": -1,
            "bodySize": len(req_body),
            "postData": {"mimeType": "application/json", "text": req_body, "params": []},
        },
        "response": {
            "status": status,
            "statusText": reason,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": hdrs([("date", http_date(started)), ("content-type", mime), *resp_headers]),
            "content": {
                "size": len(resp_body.encode()),
                "compression": 0,
                "mimeType": mime,
                "text": resp_body,
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(resp_body.encode()),
        },
        "cache": {},
        "timings": timings,
        "serverIPAddress": "160.79.104.10",
    }


def session_har() -> bytes:
    entries = [
        entry(
            "2025-11-03T09:11:58.702",
            "https://statsig.anthropic.com/v1/rgstr",
            [],
            [
                ("host", "statsig.anthropic.com"),
                ("content-type", "application/json"),
                ("statsig-api-key", "client-REDACTED"),
                ("user-agent", "claude-cli/2.0.31 (external, cli)"),
            ],
            compact({"events": [{"eventName": "tengu_init", "time": 1762161118702}]}),
            202,
            "Accepted",
            [("content-length", "16")],
            "application/json",
            '{"success":true}',
            (44.0, 0.3, 88.1, 0.2),
        ),
    ]
    streamed = [
        ("cache-control", "no-cache"),
        ("request-id", "req_011CUkR2e9sTAM8nQx1Wz3Yb"),
        ("anthropic-organization-id", "b41c7d9e-2a35-4f60-8d1e-93c5a7f2e408"),
        ("via", "1.1 google"),
        ("server", "cloudflare"),
    ]
    for started, model, msg_id, usage, timing, prompt in turns():
        body = compact(
            {
                "model": model,
                "max_tokens": 32000,
                "system": SYSTEM,
                "messages": [{"role": "user", "content": [{"type": "text", "text": prompt}]}],
                "metadata": {"user_id": "user_3f6c2a9e_account__session_8d41b7c0"},
                "stream": True,
            }
        )
        url = "https://api.anthropic.com/v1/messages?beta=true"
        if not msg_id:
            error = compact(
                {
                    "type": "error",
                    "error": {"type": "overloaded_error", "message": "Overloaded"},
                    "request_id": "req_011CUkTq4Fz8bN2cXv7Dm9Lw",
                }
            )
            entries.append(
                entry(
                    started,
                    url,
                    [("beta", "true")],
                    REQ_HEADERS,
                    body,
                    529,
                    "",
                    [
                        ("content-length", str(len(error))),
                        ("x-should-retry", "true"),
                        ("server", "cloudflare"),
                    ],
                    "application/json",
                    error,
                    timing,
                )
            )
            continue
        text = "Done: " + prompt.lower().rstrip(".?")
        entries.append(
            entry(
                started,
                url,
                [("beta", "true")],
                REQ_HEADERS,
                body,
                200,
                "OK",
                streamed,
                "text/event-stream; charset=utf-8",
                sse(msg_id, model, usage, text),
                timing,
            )
        )
        if started.endswith("14:22:47.903"):
            count = compact({"model": HAIKU, "messages": [{"role": "user", "content": "foo"}]})
            entries.append(
                entry(
                    "2025-11-03T14:30:12.417",
                    "https://api.anthropic.com/v1/messages/count_tokens?beta=true",
                    [("beta", "true")],
                    REQ_HEADERS,
                    count,
                    200,
                    "OK",
                    [("server", "cloudflare")],
                    "application/json",
                    '{"input_tokens":8}',
                    (-1, 0.2, 141.3, 0.1),
                )
            )
    har = {
        "log": {
            "version": "1.2",
            "creator": {
                "name": "mitmproxy exporthar",
                "version": "0.1",
                "comment": "mitmproxy version 12.1.2",
            },
            "pages": [],
            "entries": entries,
        }
    }
    return json.dumps(har, indent=4).encode()


if __name__ == "__main__":
    (FIXTURES / "har" / "mitmproxy-claude-code-session.har").write_bytes(session_har())
