"""Write fixtures/llama-swap/: a llama-swap data folder as a user has it, for the README.

    python -m tests.make_llamaswap_fixture

``llama-swap.sqlite`` is the store (``store.path``) built from llama-swap's own migration, its
``meta`` naming the instance; ``captures/db-<id>/<id/1000>/<id>.cap`` are the capture files of
the same instance (``store.captureDir``). An evening and a night of requests across midnight:
two models, a streamed coding session, a failed request, an embedding (not an LLM call), and
a request llama-swap kept no capture of.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.llamaswap import Entry, at, blob, make_store, write_cap

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "llama-swap"
INSTANCE = "6f1c2a9e"

_SSE = "text/event-stream"
_JSON = "application/json"
ENTRIES = [
    Entry(1, "2026-11-01T21:40:12Z", "qwen3-coder-30b", content_type=_SSE, input=294, cache=1536, output=412,
          pps=1450.2, tps=58.3, duration_ms=8900),
    Entry(2, "2026-11-01T22:15:40Z", "qwen3-coder-30b", content_type=_SSE, input=640, cache=3370, output=955,
          pps=1210.5, tps=57.9, duration_ms=17100),
    Entry(3, "2026-11-01T23:58:03Z", "gemma-3-27b", content_type=_JSON, input=2210, cache=0, output=380,
          pps=890.4, tps=21.7, duration_ms=20400),
    Entry(4, "2026-11-02T00:20:00Z", "nomic-embed", content_type=_JSON, req_path="/v1/embeddings", input=12,
          duration_ms=40),
    Entry(5, "2026-11-02T02:59:30Z", "qwen3-coder-30b", content_type=_JSON, status=502,
          error="upstream: connection refused", cache=0, pps=0, tps=0, duration_ms=15),
    Entry(6, "2026-11-02T03:10:45Z", "qwen3-coder-30b", content_type=_SSE, input=220, cache=4100, output=1210,
          pps=1320.0, tps=56.1, duration_ms=22800),
    Entry(7, "2026-11-02T09:05:10Z", "gemma-3-27b", content_type=_JSON, input=150, cache=0, output=96,
          pps=700.0, tps=22.5, duration_ms=4700),
]  # fmt: skip


def _timings(e: Entry) -> dict[str, float]:
    prompt_ms = round(e.input / e.pps * 1000, 1)
    predicted_ms = round(e.output / e.tps * 1000, 1)
    return {
        "cache_n": e.cache,
        "prompt_n": e.input,
        "prompt_ms": prompt_ms,
        "prompt_per_second": e.pps,
        "predicted_n": e.output,
        "predicted_ms": predicted_ms,
        "predicted_per_second": e.tps,
    }


def _response(e: Entry) -> bytes:
    """What llama-server answered: a stream ending in a chunk with usage and timings, or one body."""
    started = int(at(e.ended).timestamp()) - e.duration_ms // 1000
    usage = {"prompt_tokens": e.input + e.cache, "completion_tokens": e.output}
    head = {"id": f"chatcmpl-{e.id:04d}", "created": started, "model": e.model}
    if e.content_type == "text/event-stream":
        chunks = [
            head
            | {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "def"}}]},
            head
            | {
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
            | {"usage": usage, "timings": _timings(e)},
        ]
        return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    message = {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
    body = head | {"object": "chat.completion", "choices": [message], "usage": usage, "timings": _timings(e)}
    return json.dumps(body).encode()


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    store = FOLDER / "llama-swap.sqlite"
    store.unlink(missing_ok=True)
    make_store(store, ENTRIES, INSTANCE, wal=False)
    for e in ENTRIES:
        if e.id in (1, 2, 6, 7):  # 3 was not kept (the capture buffer was full), 5 failed
            req = json.dumps({"model": e.model, "stream": e.content_type == "text/event-stream"}).encode()
            headers = {"Content-Type": e.content_type}
            data = blob(e.id, _response(e), req_body=req, resp_headers=headers)
            write_cap(FOLDER / "captures", INSTANCE, e.id, data)


if __name__ == "__main__":
    main()
