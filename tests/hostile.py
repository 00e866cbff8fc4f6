"""A hostile-input corpus, made on demand (nothing large is committed)."""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

GOOD_SSE = (
    b'data: {"id":"chatcmpl-Good1","object":"chat.completion.chunk","model":"gpt-4o-mini",'
    b'"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":null}\n\n'
    b'data: {"id":"chatcmpl-Good1","object":"chat.completion.chunk","model":"gpt-4o-mini",'
    b'"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2}}\n\n'
    b"data: [DONE]\n\n"
)

HAR_ENTRY = (
    b'{"startedDateTime":"2026-01-02T03:04:05.000Z","time":120,'
    b'"request":{"method":"POST","url":"https://api.openai.com/v1/chat/completions","headers":[],'
    b'"postData":{"mimeType":"application/json","text":"{\\"model\\":\\"gpt-4o-mini\\"}"}},'
    b'"response":{"status":200,"headers":[],"content":{"size":90,"mimeType":"application/json",'
    b'"text":"{\\"id\\":\\"chatcmpl-H1\\",\\"object\\":\\"chat.completion\\",\\"model\\":\\"gpt-4o-mini\\",'
    b'\\"usage\\":{\\"prompt_tokens\\":5,\\"completion_tokens\\":7}}"}},"timings":{"wait":100,"receive":20}}'
)


def har(entries: list[bytes]) -> bytes:
    return (
        b'{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":['
        + b",".join(entries)
        + b"]}}"
    )


def zstd_rle_bomb(total: int, prefix: bytes = b"", byte: int = 0) -> bytes:
    """A zstd frame (no content size) of ``prefix`` then ``total`` copies of ``byte``: tiny on disk."""
    out = bytearray(b"\x28\xb5\x2f\xfd\x00\x38")  # magic, no content size, 128 KiB window
    if prefix:
        out += struct.pack("<I", (len(prefix) << 3) | (0 << 1))[:3] + prefix  # raw block
    block = 128 * 1024
    left = total
    while left > 0:
        n = min(block, left)
        left -= n
        out += struct.pack("<I", (n << 3) | (1 << 1) | (1 if left == 0 else 0))[:3] + bytes([byte])
    return bytes(out)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00\xff\x00\x00\xff")
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def cbor_claiming(size: int) -> bytes:
    """A capture map whose resp_body byte string claims ``size`` bytes."""
    out = b"\xa2" + b"\x68req_path" + b"\x6a/v1/models"
    return out + b"\x69resp_body" + b"\x5b" + struct.pack(">Q", size) + b"{}"


# name -> (file name, bytes maker); each must give one Error line and leave the good input alone
ERRORS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "random bytes named .har": ("random.har", lambda: bytes((i * 7919 + 13) % 251 for i in range(50_000))),
    "HAR cut in half": ("cut.har", lambda: (h := har([HAR_ENTRY] * 4))[: len(h) // 2]),
    "entries not a list": ("nope.har", lambda: b'{"log": {"entries": "nope"}}'),
    "malformed JSON": ("bad.json", lambda: b'{"id": "chatcmpl-x", "usage": {"prompt_tokens": 3,,}}'),
    "deep nesting": ("deep.json", lambda: b"[" * 200_000 + b"]" * 200_000),
    "truncated gzip": ("cut.sse.gz", lambda: gzip.compress(GOOD_SSE * 50)[:-40]),
    "PNG named .sse": ("image.sse", png),
    "64 MB line without newline": ("long.sse", lambda: b"x" * (64 << 20)),
    "UTF-16 file": ("utf16.json", lambda: '{"usage": {"prompt_tokens": 1}}'.encode("utf-16")),
    "zstd bomb of zeros": ("bomb.zst", lambda: zstd_rle_bomb(4 << 30)),
    "zstd bomb behind a CBOR capture head": (
        "bomb.cbor.zst",
        lambda: zstd_rle_bomb(
            4 << 30, b"\xa2\x68req_path\x61/\x69resp_body\x5b" + struct.pack(">Q", 4 << 30)
        ),
    ),
    "zstd bomb behind a JSON head": ("bomb.json.zst", lambda: zstd_rle_bomb(4 << 30, b'{"usage": "', 0x61)),
    "CBOR claiming a terabyte": ("tera.cbor", lambda: cbor_claiming(1 << 40)),
    "zstd header then garbage": ("garbage.zst", lambda: b"\x28\xb5\x2f\xfd" + b"\xde\xad\xbe\xef" * 64),
}


def write_corpus(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (fname, make) in ERRORS.items():
        p = folder / fname
        p.write_bytes(make())
        out[name] = p
    return out
