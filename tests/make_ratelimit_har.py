"""Write fixtures/har/mitmproxy-claude-max-ratelimit.har, the rate-limit fixture.

    python tests/make_ratelimit_har.py

A day of Claude Code on a Max subscription through mitmproxy (``save.har``): every response of
api.anthropic.com carries the unified limiter's headers as Claude Code receives them (a 5h and
a 7d claim, the overage claim, status and representative claim). The server's 5h window of the
first requests opened at 08:00, before the first recorded request (09:41): a guessed window
would start at 09:00. Its last request is refused (429, ``rejected``, ``retry-after``). Then a
new window resets at 18:00; a request made through another tool without the headers falls in
it; one at 19:45 without headers falls in no server window, and the window guessed for it is
cut short at 22:00, where the next server window starts. A call to api.openai.com in between
carries OpenAI's request and token buckets (relative resets) and no window claim.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from make_fixtures import FIXTURES, compact
from make_session_har import REQ_HEADERS, SYSTEM, entry, sse

SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"
OPUS = "claude-opus-4-1-20250805"
ORG = "b41c7d9e-2a35-4f60-8d1e-93c5a7f2e408"


def epoch(stamp: str) -> str:
    return str(int(datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp()))


WEEK_RESET = epoch("2025-11-13T18:00:00")

# started (UTC), model, message id ("-": refused), usage (input, cache write, cache read, output),
# 5h reset, 5h utilization, 5h status, 7d utilization, unified status ("-": no unified headers)
TURNS = [
    ("2025-11-10T09:41:07.218", SONNET, "msg_01RLa8Xq2VbN7cT5wKz3YhPe", (4, 2210, 14203, 412),
     "2025-11-10T13:00:00", "0.12", "allowed", "0.31", "allowed"),
    ("2025-11-10T10:15:22.640", HAIKU, "msg_01HbT6Yw9QsL2mZc5VxKd8Rn", (211, 0, 0, 31),
     "2025-11-10T13:00:00", "0.15", "allowed", "0.31", "allowed"),
    ("2025-11-10T12:31:50.004", OPUS, "msg_01Tz4Nc7Pk3WqR8sLb6VmY2H", (9, 24180, 0, 1320),
     "2025-11-10T13:00:00", "0.87", "allowed_warning", "0.36", "allowed_warning"),
    ("2025-11-10T12:58:40.512", SONNET, "-", (0, 0, 0, 0),
     "2025-11-10T13:00:00", "1.0", "rejected", "0.36", "rejected"),
    ("2025-11-10T13:20:05.377", SONNET, "msg_01Wm2Kd8Gv5RtB3nPz7QcX4L", (3, 1650, 16420, 588),
     "2025-11-10T18:00:00", "0.04", "allowed", "0.37", "allowed"),
    ("2025-11-10T14:02:11.090", SONNET, "msg_01Fq7Jn3Ss9YdC6tHw2LbK5M", (5, 912, 18070, 240),
     "", "", "", "", "-"),
    ("2025-11-10T19:45:00.861", SONNET, "msg_01Np5Vr2Xa8MeG4kTq9WdJ3C", (6, 20480, 0, 733),
     "", "", "", "", "-"),
    ("2025-11-10T23:10:30.255", SONNET, "msg_01Cx3Lh9Zb6QnW2pRf5TsY8D", (4, 1204, 20480, 1015),
     "2025-11-11T03:00:00", "0.07", "allowed", "0.40", "allowed"),
]  # fmt: skip


def unified(reset: str, util: str, status: str, week: str, overall: str) -> list[tuple[str, str]]:
    return [
        ("anthropic-ratelimit-unified-status", overall),
        ("anthropic-ratelimit-unified-5h-status", status),
        ("anthropic-ratelimit-unified-5h-reset", epoch(reset)),
        ("anthropic-ratelimit-unified-5h-utilization", util),
        ("anthropic-ratelimit-unified-7d-status", "allowed"),
        ("anthropic-ratelimit-unified-7d-reset", WEEK_RESET),
        ("anthropic-ratelimit-unified-7d-utilization", week),
        ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
        ("anthropic-ratelimit-unified-fallback-percentage", "0.5"),
        ("anthropic-ratelimit-unified-reset", epoch(reset)),
        ("anthropic-ratelimit-unified-overage-status", "rejected"),
        ("anthropic-ratelimit-unified-overage-disabled-reason", "org_level_disabled"),
    ]


def turn_entry(turn: tuple[Any, ...], n: int) -> dict[str, Any]:
    started, model, msg_id, usage, reset, util, status, week, overall = turn
    body = compact(
        {
            "model": model,
            "max_tokens": 32000,
            "system": SYSTEM,
            "messages": [{"role": "user", "content": [{"type": "text", "text": f"Step {n} of the plan."}]}],
            "metadata": {"user_id": "user_3f6c2a9e_account__session_5e2a90d1"},
            "stream": True,
        }
    )
    headers = [
        ("request-id", f"req_011CUz{n}Hk8mPq2Wv5Xs9Ta3Rb"),
        ("anthropic-organization-id", ORG),
        *(unified(reset, util, status, week, overall) if overall != "-" else []),
        ("via", "1.1 google"),
        ("server", "cloudflare"),
    ]
    url = "https://api.anthropic.com/v1/messages?beta=true"
    if msg_id == "-":
        error = {
            "type": "error",
            "error": {
                "type": "rate_limit_error",
                "message": "This request would exceed your account's rate limit.",
            },
            "request_id": f"req_011CUz{n}Hk8mPq2Wv5Xs9Ta3Rb",
        }
        return entry(started, url, [("beta", "true")], REQ_HEADERS, body, 429, "Too Many Requests",
                     [*headers, ("retry-after", "80"), ("x-should-retry", "true")], "application/json",
                     compact(error), (-1, 0.3, 402.7, 0.2))  # fmt: skip
    text = f"Done with step {n}."
    return entry(started, url, [("beta", "true")], REQ_HEADERS, body, 200, "OK",
                 [("cache-control", "no-cache"), *headers], "text/event-stream; charset=utf-8",
                 sse(msg_id, model, usage, text), (-1, 0.4, 1650.2, 4000.0))  # fmt: skip


def openai_entry() -> dict[str, Any]:
    body = compact({"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Name the branch."}]})
    resp = {
        "id": "chatcmpl-CaZ3kP9qL2mWx7Rt5VbN8sYd1JhQe",
        "object": "chat.completion",
        "created": 1762770631,
        "model": "gpt-4.1-mini-2025-04-14",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "feat/sqlite-storage", "refusal": None},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 6,
            "total_tokens": 18,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_6f2eabb9a5",
    }
    headers = [
        ("openai-organization", "user-8kq2x7"),
        ("openai-processing-ms", "412"),
        ("x-ratelimit-limit-requests", "5000"),
        ("x-ratelimit-limit-tokens", "4000000"),
        ("x-ratelimit-remaining-requests", "4999"),
        ("x-ratelimit-remaining-tokens", "3999985"),
        ("x-ratelimit-reset-requests", "12ms"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ]
    req_headers = [("host", "api.openai.com"), ("authorization", "Bearer sk-proj-REDACTED"),
                   ("content-type", "application/json"), ("user-agent", "OpenAI/Python 1.109.1")]  # fmt: skip
    url = "https://api.openai.com/v1/chat/completions"
    return entry("2025-11-10T10:30:31.118", url, [], req_headers, body, 200, "OK", headers,
                 "application/json", compact(resp), (31.4, 0.2, 440.9, 0.6))  # fmt: skip


def ratelimit_har() -> bytes:
    entries = [turn_entry(t, n) for n, t in enumerate(TURNS[:2], 1)]
    entries.append(openai_entry())
    entries += [turn_entry(t, n) for n, t in enumerate(TURNS[2:], 3)]
    doc = {
        "log": {
            "version": "1.2",
            "creator": {"name": "mitmproxy", "version": "12.1.2", "comment": ""},
            "pages": [],
            "entries": entries,
        }
    }
    return json.dumps(doc, indent=4).encode()


if __name__ == "__main__":
    (FIXTURES / "har" / "mitmproxy-claude-max-ratelimit.har").write_bytes(ratelimit_har())
