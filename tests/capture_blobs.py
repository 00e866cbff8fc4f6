"""Capture blobs written the way llama-swap writes them, for the capture tests.

llama-swap marshals ``ReqRespCapture`` with fxamacker/cbor (defaults): a map whose keys are
the json tag names in struct order, bodies as byte strings, a nil map or slice as null; then
klauspost zstd ``EncodeAll`` (small frames carry no content size). ``GET /api/captures/{id}``
is Go ``encoding/json`` of the same struct: bodies base64, nil as null.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import cbor2
import zstandard

KEYS = ("id", "req_path", "req_headers", "req_body", "resp_headers", "resp_body")

CHAT_REQ = b'{"model":"qwen3-8b","messages":[{"role":"user","content":"hi"}]}'
CHAT_RESP = (
    b'{"id":"chatcmpl-1","object":"chat.completion","model":"qwen3-8b","choices":[],'
    b'"usage":{"prompt_tokens":30,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":20}}}'
)


def capture(
    id: int = 42,
    req_path: str = "/v1/chat/completions",
    req_headers: dict[str, str] | None = None,
    req_body: bytes | None = CHAT_REQ,
    resp_headers: dict[str, str] | None = None,
    resp_body: bytes | None = CHAT_RESP,
) -> dict[str, Any]:
    return {
        "id": id,
        "req_path": req_path,
        "req_headers": {"Content-Type": "application/json"} if req_headers is None else req_headers,
        "req_body": req_body,
        "resp_headers": {"Content-Type": "application/json"} if resp_headers is None else resp_headers,
        "resp_body": resp_body,
    }


def to_cbor(cap: dict[str, Any]) -> bytes:
    return cbor2.dumps({k: cap[k] for k in KEYS})


def to_zstd(data: bytes, content_size: bool = True) -> bytes:
    return zstandard.ZstdCompressor(write_content_size=content_size).compress(data)


def _api_value(value: Any) -> Any:
    return base64.b64encode(value).decode() if isinstance(value, bytes) else value


def to_api_json(cap: dict[str, Any] | list[dict[str, Any]]) -> bytes:
    if isinstance(cap, list):
        return json.dumps([{k: _api_value(c[k]) for k in KEYS} for c in cap]).encode()
    return json.dumps({k: _api_value(cap[k]) for k in KEYS}).encode()


def sse(events: list[tuple[str, str]]) -> bytes:
    return b"".join(f"event: {name}\ndata: {data}\n\n".encode() for name, data in events)


def openai_stream(chunks: int) -> bytes:
    """A chat stream of ``chunks`` content deltas, a usage chunk and [DONE]."""
    parts = [
        'data: {"id":"chatcmpl-s","object":"chat.completion.chunk","model":"qwen3-8b",'
        f'"choices":[{{"index":0,"delta":{{"content":"t{i}"}}}}]}}\n\n'
        for i in range(chunks)
    ]
    parts.append(
        'data: {"id":"chatcmpl-s","object":"chat.completion.chunk","model":"qwen3-8b","choices":[],'
        f'"usage":{{"prompt_tokens":11,"completion_tokens":{chunks}}}}}\n\n'
    )
    parts.append("data: [DONE]\n\n")
    return "".join(parts).encode()


def write(folder: Path, name: str, data: bytes) -> str:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return str(p)
