"""AWS event-stream messages written the way Bedrock writes them, for fixtures and tests.

``message()`` is the encoder the framing's decoder is tested against; ``converse_stream()`` and
``invoke_claude_stream()`` are the two Bedrock bodies in fixtures/bodies/ (tests/make_fixtures.py).
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import orjson


def message(headers: dict[str, str], payload: bytes) -> bytes:
    """One message: prelude (lengths, CRC), string headers (type 7), payload, message CRC."""
    head = b"".join(
        bytes([len(k)]) + k.encode() + b"\x07" + struct.pack(">H", len(v.encode())) + v.encode()
        for k, v in headers.items()
    )
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body))


def event(kind: str, obj: dict[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return message(headers, orjson.dumps(obj))


def converse_stream() -> bytes:
    """``/model/{id}/converse-stream``: messageStart ... messageStop, then ``metadata`` with usage
    (Bedrock pads each payload with a ``p`` field)."""
    return b"".join(
        (
            event("messageStart", {"p": "abcdefgh", "role": "assistant"}),
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hello"}, "p": "abcd"}),
            event("contentBlockStop", {"contentBlockIndex": 0, "p": "abcdefghijk"}),
            event("messageStop", {"p": "ab", "stopReason": "end_turn"}),
            event(
                "metadata",
                {
                    "metrics": {"latencyMs": 812},
                    "p": "abcdef",
                    "usage": {
                        "cacheReadInputTokens": 1024,
                        "cacheWriteInputTokens": 256,
                        "inputTokens": 30,
                        "outputTokens": 41,
                        "totalTokens": 2375,
                    },
                },
            ),
        )
    )


def _chunk(obj: dict[str, Any]) -> bytes:
    return event("chunk", {"bytes": base64.b64encode(orjson.dumps(obj)).decode(), "p": "abcdefgh"})


def invoke_claude_stream() -> bytes:
    """``/model/{id}/invoke-with-response-stream`` for Claude: each chunk's ``bytes`` is one of
    Anthropic's own events; the last also carries Bedrock's invocation metrics."""
    return b"".join(
        (
            _chunk(
                {
                    "type": "message_start",
                    "message": {
                        "id": "msg_bdrk_01XyZ7aB3cD5eF7gH9jK1mN3",
                        "type": "message",
                        "role": "assistant",
                        "model": "claude-3-5-haiku-20241022",
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {"input_tokens": 22, "output_tokens": 1},
                    },
                }
            ),
            _chunk(
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
            ),
            _chunk(
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}
            ),
            _chunk({"type": "content_block_stop", "index": 0}),
            _chunk(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": 9},
                }
            ),
            _chunk(
                {
                    "type": "message_stop",
                    "amazon-bedrock-invocationMetrics": {
                        "inputTokenCount": 22,
                        "outputTokenCount": 9,
                        "invocationLatency": 512,
                        "firstByteLatency": 301,
                    },
                }
            ),
        )
    )
