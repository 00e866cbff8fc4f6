"""Record fixtures/containers/mitmdump-reverse-proxy.flow with a real mitmproxy.

    python -m venv /tmp/mitm && /tmp/mitm/bin/pip install mitmproxy
    python tests/make_flow_fixture.py /tmp/mitm/bin/mitmdump

A tiny HTTP server on 127.0.0.1 answers as the providers do, and ``mitmdump --mode reverse``
(on 127.0.0.1 too: nothing here leaves the machine) stands in front of it with
``stream_large_bodies=4k``, so that the one response bigger than that is streamed through and
not stored. The requests, in order:

0. OpenAI chat, not streamed, the JSON gzipped (mitmproxy keeps it gzipped), with rate-limit headers
1. ``GET /v1/models``: not an LLM call
2. Anthropic messages, streamed (SSE), with the unified rate-limit headers
3. ``POST /v1/embeddings``: not an LLM call
4. OpenAI chat answered 429 with an error body and ``retry-after``
5. OpenAI chat, streamed, over 4 KiB: mitmproxy stores no content (null), so the record has
   the request's model and stream flag and null tokens
"""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "containers" / "mitmdump-reverse-proxy.flow"
CHAT_MODEL = "gpt-4.1-mini-2025-04-14"
CLAUDE = "claude-sonnet-4-5-20250929"


def _chat_json() -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-CfX1flowA1b2c3",
            "object": "chat.completion",
            "created": 1764921600,
            "model": CHAT_MODEL,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}
            ],
            "usage": {
                "prompt_tokens": 1234,
                "completion_tokens": 3,
                "total_tokens": 1237,
                "prompt_tokens_details": {"cached_tokens": 1024},
                "completion_tokens_details": {"reasoning_tokens": 0},
            },
        }
    ).encode()


def _anthropic_sse() -> bytes:
    events = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01FlowSseA1b2c3",
                    "type": "message",
                    "role": "assistant",
                    "model": CLAUDE,
                    "content": [],
                    "stop_reason": None,
                    "usage": {
                        "input_tokens": 12,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 2048,
                        "output_tokens": 1,
                    },
                },
            },
        ),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi!"}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 5}},
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()


def _big_chat_sse() -> bytes:
    chunks = [
        {
            "id": "chatcmpl-CfX4flowBig",
            "object": "chat.completion.chunk",
            "created": 1764921660,
            "model": CHAT_MODEL,
            "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}],
        }
        for i in range(60)
    ]
    lines = [f"data: {json.dumps(c)}\n\n" for c in chunks] + ["data: [DONE]\n\n"]
    return "".join(lines).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._send(
            200,
            json.dumps({"object": "list", "data": [{"id": CHAT_MODEL}]}).encode(),
            {"Content-Type": "application/json"},
        )

    def do_POST(self) -> None:
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/v1/embeddings":
            self._send(
                200,
                json.dumps(
                    {
                        "object": "list",
                        "data": [{"embedding": [0.1, 0.2]}],
                        "usage": {"prompt_tokens": 2, "total_tokens": 2},
                    }
                ).encode(),
                {"Content-Type": "application/json"},
            )
        elif self.path == "/v1/messages":
            self._send(
                200,
                _anthropic_sse(),
                {
                    "Content-Type": "text/event-stream",
                    "anthropic-ratelimit-unified-status": "allowed",
                    "anthropic-ratelimit-unified-5h-utilization": "0.25",
                    "anthropic-ratelimit-unified-5h-reset": "1764939600",
                },
            )
        elif req.get("user") == "rate-limited":
            self._send(
                429,
                json.dumps(
                    {
                        "error": {
                            "message": "Rate limit reached for requests",
                            "type": "requests",
                            "code": "rate_limit_exceeded",
                        }
                    }
                ).encode(),
                {
                    "Content-Type": "application/json",
                    "retry-after": "20",
                    "x-ratelimit-limit-requests": "500",
                    "x-ratelimit-remaining-requests": "0",
                    "x-ratelimit-reset-requests": "20s",
                },
            )
        elif req.get("stream"):
            self._send(200, _big_chat_sse(), {"Content-Type": "text/event-stream"})
        else:
            self._send(
                200,
                gzip.compress(_chat_json(), mtime=0),
                {
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                    "x-ratelimit-limit-tokens": "200000",
                    "x-ratelimit-remaining-tokens": "198766",
                    "x-ratelimit-reset-tokens": "370ms",
                },
            )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(base: str, path: str, body: dict[str, Any]) -> None:
    req = urllib.request.Request(
        base + path,
        json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept-Encoding": "gzip",
            "Authorization": "Bearer sk-test-not-a-key",
        },
    )
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except urllib.error.HTTPError as e:
        e.read()


def main(mitmdump: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstream = f"http://127.0.0.1:{server.server_address[1]}"
    port = _free_port()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    proxy = subprocess.Popen(
        [
            mitmdump,
            "--mode",
            f"reverse:{upstream}",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(port),
            "--set",
            "stream_large_bodies=4k",
            "-q",
            "-w",
            str(OUT),
        ]
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        question = [{"role": "user", "content": "What is the capital of France?"}]
        _post(base, "/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": question})
        urllib.request.urlopen(base + "/v1/models", timeout=10).read()
        _post(
            base,
            "/v1/messages",
            {
                "model": CLAUDE,
                "max_tokens": 64,
                "stream": True,
                "messages": [{"role": "user", "content": "Say hi"}],
            },
        )
        _post(base, "/v1/embeddings", {"model": "text-embedding-3-small", "input": "hello"})
        _post(
            base,
            "/v1/chat/completions",
            {"model": "gpt-4.1-mini", "messages": question, "user": "rate-limited"},
        )
        _post(base, "/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": question, "stream": True})
    finally:
        time.sleep(0.5)
        proxy.terminate()
        proxy.wait(10)
        server.shutdown()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
