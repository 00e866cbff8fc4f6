# ruff: noqa: E501, RUF005  (long literal provider payloads; header lists read best as concatenations)
"""Regenerate the derived fixtures under fixtures/ from the hand-written bodies.

    python tests/make_fixtures.py

fixtures/bodies/ holds response bodies written byte for byte after each provider's wire
format; everything else is built from them here, so the two cannot drift apart:

- fixtures/har/: Chrome DevTools, mitmproxy, Polly.JS (gzip bytes as base64 chunks) and
  Playwright style HAR files whose response bodies are the files in bodies/;
- fixtures/captures/: llama-swap capture blobs (CBOR map with the json tag names of
  ReqRespCapture, zstd frames without a content size) and the /api/captures JSON;
- fixtures/compressed/: whole-file gzip / zstd copies of two bodies.

The output is deterministic (gzip mtime 0, fixed zstd level), so running this again
leaves git clean. Needs cbor2 and zstandard.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import cbor2
import zstandard

import aws_eventstream

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BODIES = FIXTURES / "bodies"


def body(name: str) -> bytes:
    return (BODIES / name).read_bytes()


def text(name: str) -> str:
    return body(name).decode("utf-8")


def write(rel: str, data: bytes) -> None:
    path = FIXTURES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def hdrs(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "value": v} for n, v in pairs]


def zstd_no_size(data: bytes, level: int = 7) -> bytes:
    """One zstd frame without Frame_Content_Size, with a checksum (as klauspost EncodeAll)."""
    cctx = zstandard.ZstdCompressor(level=level, write_content_size=False, write_checksum=True)
    cobj = cctx.compressobj()
    return cobj.compress(data) + cobj.flush()


def tiny_png() -> bytes:
    """A valid 1x1 RGBA PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00\x10\xa3\xf4\xff", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiny_ico() -> bytes:
    """An ICO file holding one PNG image (as modern favicons do)."""
    png = tiny_png()
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 1, 1, 0, 0, 1, 32, len(png), 22) + png


# --------------------------------------------------------------------------- Chrome DevTools


def chrome_har() -> bytes:
    js = (
        'import{c as s}from"./vendor-C1xR9e2T.js";const u="https://api.openai.com/v1/chat/completions";'
        'async function l(e,t){const o=await fetch(u,{method:"POST",headers:{"Content-Type":"application/json",'
        "Authorization:`Bearer ${t}`},body:JSON.stringify(e)});return o.body.getReader()}export{l as streamChat};\n"
    )
    png = tiny_png()
    chat_req = compact(
        {
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "Write a haiku about autumn."},
            ],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    )
    initiator = {
        "type": "script",
        "stack": {
            "callFrames": [
                {
                    "functionName": "l",
                    "scriptId": "27",
                    "url": "https://chat.example.dev/assets/index-DkR3v9Qa.js",
                    "lineNumber": 0,
                    "columnNumber": 183,
                }
            ]
        },
    }
    worker = {
        "_workerStart": -1,
        "_workerReady": -1,
        "_workerFetchStart": -1,
        "_workerRespondWithSettled": -1,
    }
    openai_resp_headers = [
        ("access-control-allow-origin", "https://chat.example.dev"),
        ("access-control-expose-headers", "X-Request-ID"),
        ("alt-svc", 'h3=":443"; ma=86400'),
        ("cf-cache-status", "DYNAMIC"),
        ("cf-ray", "98112c7e1b4fd2a1-FRA"),
        ("content-type", "text/event-stream; charset=utf-8"),
        ("date", "Thu, 18 Sep 2025 14:02:19 GMT"),
        ("openai-organization", "user-4kq9zt2mvx8rbnd3wla7ycoe"),
        ("openai-processing-ms", "233"),
        ("openai-project", "proj_Yb3kR8sLq1WmZ4nT7vXc2dPe"),
        ("openai-version", "2020-10-01"),
        ("server", "cloudflare"),
        ("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
        ("x-content-type-options", "nosniff"),
        ("x-envoy-upstream-service-time", "248"),
        ("x-ratelimit-limit-requests", "10000"),
        ("x-ratelimit-limit-tokens", "10000000"),
        ("x-ratelimit-remaining-requests", "9999"),
        ("x-ratelimit-remaining-tokens", "9999981"),
        ("x-ratelimit-reset-requests", "6ms"),
        ("x-ratelimit-reset-tokens", "0s"),
        ("x-request-id", "req_5e0b7c41d2a94f3c8e16b9d07a2f4c58"),
    ]
    browser = [
        ("sec-ch-ua", '"Chromium";v="140", "Not=A?Brand";v="24", "Google Chrome";v="140"'),
        ("sec-ch-ua-mobile", "?0"),
        ("sec-ch-ua-platform", '"macOS"'),
        (
            "user-agent",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
        ),
    ]
    entries = [
        {
            "_connectionId": "318190",
            "_initiator": {"type": "parser", "url": "https://chat.example.dev/", "lineNumber": 11},
            "_priority": "High",
            "_resourceType": "script",
            "cache": {},
            "connection": "443",
            "pageref": "page_1",
            "request": {
                "method": "GET",
                "url": "https://chat.example.dev/assets/index-DkR3v9Qa.js",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        (":authority", "chat.example.dev"),
                        (":method", "GET"),
                        (":path", "/assets/index-DkR3v9Qa.js"),
                        (":scheme", "https"),
                        ("accept", "*/*"),
                        ("accept-encoding", "gzip, deflate, br, zstd"),
                        ("accept-language", "en-US,en;q=0.9"),
                        ("origin", "https://chat.example.dev"),
                        ("referer", "https://chat.example.dev/"),
                    ]
                    + browser[:3]
                    + [
                        ("sec-fetch-dest", "script"),
                        ("sec-fetch-mode", "cors"),
                        ("sec-fetch-site", "same-origin"),
                    ]
                    + browser[3:]
                ),
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": {
                "status": 200,
                "statusText": "",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        ("cache-control", "public, max-age=31536000, immutable"),
                        ("content-encoding", "br"),
                        ("content-type", "application/javascript; charset=utf-8"),
                        ("date", "Thu, 18 Sep 2025 14:02:11 GMT"),
                        ("etag", '"6f1c2a9e-1d3"'),
                        ("server", "cloudflare"),
                        ("vary", "Accept-Encoding"),
                    ]
                ),
                "cookies": [],
                "content": {
                    "size": len(js.encode()),
                    "mimeType": "application/javascript",
                    "compression": len(js.encode()) - 214,
                    "text": js,
                },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_transferSize": 512,
                "_error": None,
                "_fetchedViaServiceWorker": False,
            },
            "serverIPAddress": "104.21.48.117",
            "startedDateTime": "2025-09-18T14:02:11.412Z",
            "time": 45.724,
            "timings": {
                "blocked": 2.114,
                "dns": -1,
                "ssl": -1,
                "connect": -1,
                "send": 0.187,
                "wait": 38.52,
                "receive": 4.903,
                "_blocked_queueing": 1.392,
                **worker,
            },
        },
        {
            "_connectionId": "318190",
            "_initiator": {"type": "parser", "url": "https://chat.example.dev/", "lineNumber": 23},
            "_priority": "Low",
            "_resourceType": "image",
            "cache": {},
            "connection": "443",
            "pageref": "page_1",
            "request": {
                "method": "GET",
                "url": "https://chat.example.dev/assets/logo-Cq8LbP2x.png",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        (":authority", "chat.example.dev"),
                        (":method", "GET"),
                        (":path", "/assets/logo-Cq8LbP2x.png"),
                        (":scheme", "https"),
                        ("accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
                        ("accept-encoding", "gzip, deflate, br, zstd"),
                        ("accept-language", "en-US,en;q=0.9"),
                        ("referer", "https://chat.example.dev/"),
                    ]
                    + browser[:3]
                    + [
                        ("sec-fetch-dest", "image"),
                        ("sec-fetch-mode", "no-cors"),
                        ("sec-fetch-site", "same-origin"),
                    ]
                    + browser[3:]
                ),
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": {
                "status": 200,
                "statusText": "",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        ("cache-control", "public, max-age=31536000, immutable"),
                        ("content-length", str(len(png))),
                        ("content-type", "image/png"),
                        ("date", "Thu, 18 Sep 2025 14:02:11 GMT"),
                        ("server", "cloudflare"),
                    ]
                ),
                "cookies": [],
                "content": {
                    "size": len(png),
                    "mimeType": "image/png",
                    "text": base64.b64encode(png).decode(),
                    "encoding": "base64",
                },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_transferSize": 174,
                "_error": None,
                "_fetchedViaServiceWorker": False,
            },
            "serverIPAddress": "104.21.48.117",
            "startedDateTime": "2025-09-18T14:02:11.690Z",
            "time": 25,
            "timings": {
                "blocked": 1.02,
                "dns": -1,
                "ssl": -1,
                "connect": -1,
                "send": 0.143,
                "wait": 22.871,
                "receive": 0.966,
                "_blocked_queueing": 0.688,
                **worker,
            },
        },
        {
            "_connectionId": "318224",
            "_initiator": {"type": "script", "stack": initiator["stack"]},
            "_priority": "High",
            "_resourceType": "preflight",
            "cache": {},
            "connection": "443",
            "pageref": "page_1",
            "request": {
                "method": "OPTIONS",
                "url": "https://api.openai.com/v1/chat/completions",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        (":authority", "api.openai.com"),
                        (":method", "OPTIONS"),
                        (":path", "/v1/chat/completions"),
                        (":scheme", "https"),
                        ("accept", "*/*"),
                        ("accept-encoding", "gzip, deflate, br, zstd"),
                        ("accept-language", "en-US,en;q=0.9"),
                        ("access-control-request-headers", "authorization,content-type"),
                        ("access-control-request-method", "POST"),
                        ("origin", "https://chat.example.dev"),
                        ("priority", "u=1, i"),
                        ("referer", "https://chat.example.dev/"),
                        ("sec-fetch-dest", "empty"),
                        ("sec-fetch-mode", "cors"),
                        ("sec-fetch-site", "cross-site"),
                    ]
                    + browser[3:]
                ),
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": {
                "status": 200,
                "statusText": "",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        ("access-control-allow-headers", "authorization,content-type"),
                        ("access-control-allow-methods", "GET, OPTIONS, POST"),
                        ("access-control-allow-origin", "https://chat.example.dev"),
                        ("access-control-max-age", "600"),
                        ("cf-ray", "98112c78a9e3d2a1-FRA"),
                        ("date", "Thu, 18 Sep 2025 14:02:19 GMT"),
                        ("server", "cloudflare"),
                    ]
                ),
                "cookies": [],
                "content": {"size": 0, "mimeType": "x-unknown"},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_transferSize": 0,
                "_error": None,
                "_fetchedViaServiceWorker": False,
            },
            "serverIPAddress": "162.159.140.245",
            "startedDateTime": "2025-09-18T14:02:18.904Z",
            "time": 231.5,
            "timings": {
                "blocked": 0.912,
                "dns": 12.417,
                "ssl": 27.391,
                "connect": 41.226,
                "send": 0.098,
                "wait": 176.333,
                "receive": 0.514,
                "_blocked_queueing": -1,
                **worker,
            },
        },
        {
            "_connectionId": "318231",
            "_initiator": initiator,
            "_priority": "High",
            "_resourceType": "fetch",
            "cache": {},
            "connection": "443",
            "pageref": "page_1",
            "request": {
                "method": "POST",
                "url": "https://api.openai.com/v1/chat/completions",
                "httpVersion": "http/2.0",
                "headers": hdrs(
                    [
                        (":authority", "api.openai.com"),
                        (":method", "POST"),
                        (":path", "/v1/chat/completions"),
                        (":scheme", "https"),
                        ("accept", "*/*"),
                        ("accept-encoding", "gzip, deflate, br, zstd"),
                        ("accept-language", "en-US,en;q=0.9"),
                        ("content-length", str(len(chat_req))),
                        ("content-type", "application/json"),
                        ("origin", "https://chat.example.dev"),
                        ("priority", "u=1, i"),
                        ("referer", "https://chat.example.dev/"),
                    ]
                    + browser[:3]
                    + [
                        ("sec-fetch-dest", "empty"),
                        ("sec-fetch-mode", "cors"),
                        ("sec-fetch-site", "cross-site"),
                    ]
                    + browser[3:]
                ),
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": len(chat_req),
                "postData": {"mimeType": "application/json", "text": chat_req},
            },
            "response": {
                "status": 200,
                "statusText": "",
                "httpVersion": "http/2.0",
                "headers": hdrs(openai_resp_headers),
                "cookies": [],
                "content": {"size": 0, "mimeType": "text/event-stream"},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_transferSize": 3871,
                "_error": None,
                "_fetchedViaServiceWorker": False,
            },
            "serverIPAddress": "162.159.140.245",
            "startedDateTime": "2025-09-18T14:02:19.137Z",
            "time": 4529.54,
            "timings": {
                "blocked": 1.843,
                "dns": 0.021,
                "ssl": 26.808,
                "connect": 40.512,
                "send": 0.312,
                "wait": 612.734,
                "receive": 3874.118,
                "_blocked_queueing": 1.206,
                **worker,
            },
        },
    ]
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [
                {
                    "startedDateTime": "2025-09-18T14:02:11.305Z",
                    "id": "page_1",
                    "title": "https://chat.example.dev/",
                    "pageTimings": {"onContentLoad": 412.118, "onLoad": 733.62},
                }
            ],
            "entries": entries,
        }
    }
    # DevTools writes JSON.stringify(har, null, 2): two-space indent, raw UTF-8, no final newline
    return json.dumps(har, indent=2, ensure_ascii=False).encode()


# --------------------------------------------------------------------------- mitmproxy


def mitmproxy_har() -> bytes:
    stream_body = text("anthropic-stream.sse")
    json_body = body("anthropic.json")
    json_gz = gzip.compress(json_body, compresslevel=6, mtime=0)
    req_stream = compact(
        {
            "model": "claude-sonnet-4-20250514",
            "max_tokens": 4096,
            "system": [
                {
                    "type": "text",
                    "text": "You are reviewing Go code in the repository below.",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
            "messages": [{"role": "user", "content": "Why does parseConfig panic on an empty file?"}],
            "stream": True,
        }
    )
    req_json = compact(
        {
            "model": "claude-opus-4-1-20250805",
            "max_tokens": 1024,
            "system": [
                {
                    "type": "text",
                    "text": "Answer questions about the attached supply contract.",
                    "cache_control": {"type": "ephemeral", "ttl": "1h"},
                }
            ],
            "messages": [{"role": "user", "content": "Can we terminate early, and what does it cost?"}],
        }
    )

    def req_headers(length: int, stream: bool) -> list[tuple[str, str]]:
        h = [
            ("host", "api.anthropic.com"),
            ("accept-encoding", "gzip, deflate"),
            ("connection", "keep-alive"),
            ("accept", "application/json"),
            ("anthropic-version", "2023-06-01"),
            ("content-type", "application/json"),
            ("user-agent", "Anthropic/Python 0.57.1"),
            ("x-api-key", "sk-ant-api03-REDACTED"),
            ("x-stainless-arch", "arm64"),
            ("x-stainless-async", "false"),
            ("x-stainless-lang", "python"),
            ("x-stainless-os", "MacOS"),
            ("x-stainless-package-version", "0.57.1"),
            ("x-stainless-read-timeout", "600"),
            ("x-stainless-retry-count", "0"),
            ("x-stainless-runtime", "CPython"),
            ("x-stainless-runtime-version", "3.12.4"),
            ("x-stainless-timeout", "600"),
        ]
        if stream:
            h.insert(5, ("anthropic-beta", "prompt-caching-2024-07-31"))
        h.append(("content-length", str(length)))
        return h

    common_resp = [
        ("anthropic-ratelimit-input-tokens-limit", "400000"),
        ("anthropic-ratelimit-input-tokens-remaining", "400000"),
        ("anthropic-ratelimit-output-tokens-limit", "80000"),
        ("anthropic-ratelimit-output-tokens-remaining", "80000"),
        ("anthropic-ratelimit-requests-limit", "4000"),
        ("anthropic-ratelimit-requests-remaining", "3999"),
    ]
    stream_resp = (
        [
            ("date", "Wed, 02 Jul 2025 08:15:42 GMT"),
            ("content-type", "text/event-stream; charset=utf-8"),
            ("transfer-encoding", "chunked"),
            ("connection", "keep-alive"),
            ("cache-control", "no-cache"),
        ]
        + common_resp
        + [
            ("request-id", "req_011CQgRk7b2XwZp9vTn4sFdE"),
            ("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
            ("anthropic-organization-id", "6f1d2c8a-93b4-4e57-b0a1-7c2e5d9f8a34"),
            ("via", "1.1 google"),
            ("cf-cache-status", "DYNAMIC"),
            ("x-robots-tag", "none"),
            ("server", "cloudflare"),
            ("cf-ray", "958a1d3e6c7b9f21-AMS"),
        ]
    )
    json_resp = (
        [
            ("date", "Wed, 02 Jul 2025 08:16:11 GMT"),
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
            ("connection", "keep-alive"),
        ]
        + common_resp
        + [
            ("request-id", "req_011CQgRmF4yHc8TqLw2nZa7J"),
            ("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
            ("anthropic-organization-id", "6f1d2c8a-93b4-4e57-b0a1-7c2e5d9f8a34"),
            ("via", "1.1 google"),
            ("cf-cache-status", "DYNAMIC"),
            ("x-robots-tag", "none"),
            ("server", "cloudflare"),
            ("cf-ray", "958a1dd09f4e9f21-AMS"),
            ("content-encoding", "gzip"),
        ]
    )

    def hsize(pairs: list[tuple[str, str]]) -> int:
        return sum(len(n) + len(v) + 4 for n, v in pairs)

    def entry(started, url, query, req, rh, status_resp, resp_text, raw_len, decoded_len, mime, timings):
        return {
            "startedDateTime": started,
            "time": sum(v for v in timings.values() if v is not None and v >= 0),
            "request": {
                "method": "POST",
                "url": url,
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": hdrs(rh),
                "queryString": hdrs(query),
                "headersSize": hsize(rh),
                "bodySize": len(req),
                "postData": {"mimeType": "application/json", "text": req, "params": []},
            },
            "response": {
                "status": 200,
                "statusText": "OK",
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": hdrs(status_resp),
                "content": {
                    "size": raw_len,
                    "compression": decoded_len - raw_len,
                    "mimeType": mime,
                    "text": resp_text,
                },
                "redirectURL": "",
                "headersSize": hsize(status_resp),
                "bodySize": raw_len,
            },
            "cache": {},
            "timings": timings,
            "serverIPAddress": "160.79.104.10",
        }

    e0 = entry(
        "2025-07-02T08:15:42.118304+00:00",
        "https://api.anthropic.com/v1/messages?beta=true",
        [("beta", "true")],
        req_stream,
        req_headers(len(req_stream), True),
        stream_resp,
        stream_body,
        len(stream_body.encode()),
        len(stream_body.encode()),
        "text/event-stream; charset=utf-8",
        {"connect": 23.452, "ssl": 31.087, "send": 0.612, "receive": 2337.5, "wait": 694.521},
    )
    e1 = entry(
        "2025-07-02T08:16:05.730412+00:00",
        "https://api.anthropic.com/v1/messages",
        [],
        req_json,
        req_headers(len(req_json), False),
        json_resp,
        json_body.decode(),
        len(json_gz),
        len(json_body),
        "application/json",
        {"connect": -1.0, "ssl": -1.0, "send": 0.405, "receive": 1.218, "wait": 5210.337},
    )
    har = {
        "log": {
            "version": "1.2",
            "creator": {
                "name": "mitmproxy exporthar",
                "version": "0.1",
                "comment": "mitmproxy version 11.1.3",
            },
            "pages": [],
            "entries": [e0, e1],
        }
    }
    # the save.har command writes json.dump(har, fp, indent=4)
    return json.dumps(har, indent=4).encode()


# --------------------------------------------------------------------------- Polly.JS


def gzip_chunks(data: bytes) -> list[bytes]:
    """gzip bytes as a Node stream hands them out: header + sync flush, data + sync flush, trailer."""
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    first = c.compress(b"") + c.flush(zlib.Z_SYNC_FLUSH)
    middle = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    last = c.flush(zlib.Z_FINISH)
    assert gzip.decompress(first + middle + last) == data
    return [first, middle, last]


def polly_har() -> bytes:
    def entry(order, started, ms, path, req_obj, resp_name, resp_headers, js_version):
        req = compact(req_obj)
        chunks = gzip_chunks(body(resp_name))
        raw_len = sum(len(c) for c in chunks)
        url = "https://api.openai.com" + path
        req_headers = [
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("user-agent", f"OpenAI/JS {js_version}"),
            ("x-stainless-arch", "x64"),
            ("x-stainless-lang", "js"),
            ("x-stainless-os", "Linux"),
            ("x-stainless-package-version", js_version),
            ("x-stainless-retry-count", "0"),
            ("x-stainless-runtime", "node"),
            ("x-stainless-runtime-version", "v22.17.0"),
            ("content-length", str(len(req))),
            ("accept-encoding", "gzip,deflate"),
        ]
        return {
            "_id": hashlib.md5(("POST" + url + req).encode()).hexdigest(),
            "_order": order,
            "cache": {},
            "request": {
                "bodySize": len(req),
                "cookies": [],
                "headers": [{"_fromType": "array", "name": n, "value": v} for n, v in req_headers]
                + [{"name": "host", "value": "api.openai.com"}],
                "headersSize": 512 + len(js_version),
                "httpVersion": "HTTP/1.1",
                "method": "POST",
                "postData": {"mimeType": "application/json", "params": [], "text": req},
                "queryString": [],
                "url": url,
            },
            "response": {
                "bodySize": raw_len,
                "content": {
                    "encoding": "base64",
                    "mimeType": "application/json",
                    "size": raw_len,
                    "text": json.dumps([base64.b64encode(c).decode() for c in chunks], separators=(",", ":")),
                },
                "cookies": [],
                "headers": hdrs(resp_headers),
                "headersSize": 1187,
                "httpVersion": "HTTP/1.1",
                "redirectURL": "",
                "status": 200,
                "statusText": "OK",
            },
            "startedDateTime": started,
            "time": ms,
            "timings": {
                "blocked": -1,
                "connect": -1,
                "dns": -1,
                "receive": 0,
                "send": 0,
                "ssl": -1,
                "wait": ms,
            },
        }

    def resp_headers(date, ms, req_id, ray):
        return [
            ("date", date),
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
            ("connection", "keep-alive"),
            ("access-control-expose-headers", "X-Request-ID"),
            ("openai-organization", "acme-ml"),
            ("openai-processing-ms", str(ms - 96)),
            ("openai-project", "proj_Yb3kR8sLq1WmZ4nT7vXc2dPe"),
            ("openai-version", "2020-10-01"),
            ("x-envoy-upstream-service-time", str(ms - 88)),
            ("x-ratelimit-limit-requests", "10000"),
            ("x-ratelimit-limit-tokens", "10000000"),
            ("x-ratelimit-remaining-requests", "9999"),
            ("x-ratelimit-remaining-tokens", "9997608"),
            ("x-ratelimit-reset-requests", "6ms"),
            ("x-ratelimit-reset-tokens", "14ms"),
            ("x-request-id", req_id),
            ("cf-cache-status", "DYNAMIC"),
            ("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
            ("x-content-type-options", "nosniff"),
            ("server", "cloudflare"),
            ("cf-ray", ray),
            ("content-encoding", "gzip"),
            ("alt-svc", 'h3=":443"; ma=86400'),
        ]

    e0 = entry(
        0,
        "2025-05-20T16:41:03.512Z",
        1187,
        "/v1/chat/completions",
        {
            "model": "gpt-4.1-mini",
            "messages": [
                {"role": "system", "content": "You are the order-status assistant for Acme Outdoor."},
                {"role": "user", "content": "Where is my order #48213?"},
            ],
        },
        "openai-chat.json",
        resp_headers(
            "Tue, 20 May 2025 16:41:04 GMT",
            1187,
            "req_8c1e2f4a6b9d4e07a3c5b1d9e2f6a804",
            "94264e1b5fa0c2d3-IAD",
        ),
        "5.0.1",
    )
    e1 = entry(
        1,
        "2025-05-20T16:41:04.731Z",
        2264,
        "/v1/responses",
        {
            "model": "gpt-4.1",
            "instructions": "You are the support assistant for Acme Cloud. Answer from the attached runbook only.",
            "input": "The ingest queue is backing up. What do I do?",
            "previous_response_id": "resp_689f0b9d40f4819fa7c2e31d0b8f6a5e4c3d2b1a09f8e7d6",
        },
        "openai-responses.json",
        resp_headers(
            "Tue, 20 May 2025 16:41:06 GMT",
            2264,
            "req_b7d30e9c2a4f4c8e91f6d5a3c0e8b271",
            "94264e230c91c2d3-IAD",
        ),
        "5.0.1",
    )
    har = {
        "log": {
            "_recordingName": "support bot/answers from the runbook",
            "creator": {"comment": "persister:fs", "name": "Polly.JS", "version": "6.0.6"},
            "entries": [e0, e1],
            "pages": [],
            "version": "1.2",
        }
    }
    return json.dumps(har, indent=2, sort_keys=True).encode()


# --------------------------------------------------------------------------- Playwright


def playwright_har_obj() -> dict[str, Any]:
    ico = tiny_ico()
    page = "page@6c3a1f0e9b2d4c87a5e1f3d2b4c6a8e0"
    frame = "frame@0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.7339.16 Safari/537.36"

    def sec(host, issuer, valid_from, valid_to):
        return {
            "protocol": "TLS 1.3",
            "subjectName": host,
            "issuer": issuer,
            "validFrom": valid_from,
            "validTo": valid_to,
        }

    def entry(
        started,
        time_ms,
        method,
        url,
        req_headers,
        post,
        status,
        status_text,
        resp_headers,
        content,
        timings,
        ip,
        security,
        mono,
    ):
        q = url.split("?", 1)[1] if "?" in url else ""
        request = {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/2.0",
            "cookies": [],
            "headers": hdrs(req_headers),
            "queryString": hdrs([tuple(p.split("=", 1)) for p in q.split("&")] if q else []),
            "headersSize": -1,
            "bodySize": len(post.encode()) if post is not None else 0,
        }
        if post is not None:
            request["postData"] = {"mimeType": "application/json", "text": post, "params": []}
        e = {
            "startedDateTime": started,
            "time": time_ms,
            "request": request,
            "response": {
                "status": status,
                "statusText": status_text,
                "httpVersion": "HTTP/2.0",
                "cookies": [],
                "headers": hdrs(resp_headers),
                "content": content,
                "headersSize": -1,
                "bodySize": content.get("size", 0),
                "redirectURL": "",
                "_transferSize": -1,
            },
            "cache": {},
            "timings": timings,
            "pageref": page,
            "serverIPAddress": ip,
            "_serverPort": 443,
        }
        if security:
            e["_securityDetails"] = security
        e["_frameref"] = frame
        e["_monotonicTime"] = mono
        return e

    def sse_content(name, mime):
        t = text(name)
        return {"size": len(t.encode()), "mimeType": mime, "text": t}

    def json_content(name, mime="application/json"):
        t = text(name)
        return {"size": len(t.encode()), "mimeType": mime, "text": t}

    base = [
        ("accept-language", "en-US"),
        ("origin", "https://playground.example.dev"),
        ("referer", "https://playground.example.dev/"),
        ("user-agent", ua),
    ]
    openai_req = compact(
        {
            "model": "o4-mini",
            "messages": [
                {"role": "developer", "content": "You are an SRE assistant. Be brief."},
                {"role": "user", "content": "Summarize the incident notes I pasted above in one sentence."},
            ],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    )
    anthropic_req = compact(
        {
            "model": "claude-opus-4-1",
            "max_tokens": 1024,
            "system": [
                {
                    "type": "text",
                    "text": "Answer questions about the attached supply contract.",
                    "cache_control": {"type": "ephemeral", "ttl": "1h"},
                }
            ],
            "messages": [{"role": "user", "content": "Can we terminate early, and what does it cost?"}],
        }
    )
    gemini_req = compact(
        {
            "contents": [{"role": "user", "parts": [{"text": "Why would a Kubernetes Pod stay Pending?"}]}],
            "generationConfig": {"thinkingConfig": {"thinkingBudget": 1024}},
        }
    )
    rate_limited_req = compact(
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "Draft a postmortem from these incident notes."}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    )
    telemetry_req = compact(
        {
            "events": [
                {
                    "name": "prompt_submitted",
                    "ts": 1759735818553,
                    "props": {"provider": "openai", "chars": 1873},
                },
                {
                    "name": "response_rendered",
                    "ts": 1759735818555,
                    "props": {"provider": "openai", "ms": 3494},
                },
            ],
            "session": "s_9b2f4e71c0",
        }
    )
    openai_sec = sec("api.openai.com", "WE1", 1755588712, 1763368069)
    entries = [
        entry(
            "2025-10-06T07:30:12.311Z",
            21.8,
            "GET",
            "https://playground.example.dev/favicon.ico",
            [("accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")] + base[2:],
            None,
            200,
            "",
            [
                ("cache-control", "public, max-age=86400"),
                ("content-length", str(len(ico))),
                ("content-type", "image/x-icon"),
                ("date", "Mon, 06 Oct 2025 07:30:12 GMT"),
            ],
            {
                "size": len(ico),
                "mimeType": "image/x-icon",
                "text": base64.b64encode(ico).decode(),
                "encoding": "base64",
            },
            {"dns": -1, "connect": -1, "ssl": -1, "send": 0.1, "wait": 21.3, "receive": 0.4},
            "203.0.113.20",
            sec("playground.example.dev", "R11", 1757318400, 1765094399),
            402.877,
        ),
        entry(
            "2025-10-06T07:30:15.062Z",
            3493.89,
            "POST",
            "https://api.openai.com/v1/chat/completions",
            [
                ("accept", "application/json"),
                ("authorization", "Bearer sk-proj-REDACTED"),
                ("content-type", "application/json"),
            ]
            + base,
            openai_req,
            200,
            "",
            [
                ("access-control-allow-origin", "https://playground.example.dev"),
                ("content-type", "text/event-stream; charset=utf-8"),
                ("date", "Mon, 06 Oct 2025 07:30:15 GMT"),
                ("openai-processing-ms", "702"),
                ("openai-version", "2020-10-01"),
                ("x-request-id", "req_2f6d9a0c7e1b4c53a8d4e6f1b0c9a7e2"),
                ("server", "cloudflare"),
            ],
            sse_content("openai-chat-stream.sse", "text/event-stream; charset=utf-8"),
            {"dns": 3.214, "connect": 38.902, "ssl": 25.117, "send": 0.208, "wait": 711.566, "receive": 2740},
            "162.159.140.245",
            openai_sec,
            3154.203,
        ),
        entry(
            "2025-10-06T07:30:18.560Z",
            48.6,
            "POST",
            "https://playground.example.dev/api/telemetry",
            [("accept", "*/*"), ("content-type", "application/json")] + base,
            telemetry_req,
            202,
            "",
            [("content-type", "application/json; charset=utf-8"), ("date", "Mon, 06 Oct 2025 07:30:18 GMT")],
            {"size": 14, "mimeType": "application/json", "text": '{"accepted":2}'},
            {"dns": -1, "connect": -1, "ssl": -1, "send": 0.2, "wait": 48.1, "receive": 0.3},
            "203.0.113.20",
            sec("playground.example.dev", "R11", 1757318400, 1765094399),
            6651.58,
        ),
        entry(
            "2025-10-06T07:30:21.940Z",
            8879.251,
            "POST",
            "https://api.anthropic.com/v1/messages",
            [
                ("accept", "application/json"),
                ("anthropic-dangerous-direct-browser-access", "true"),
                ("anthropic-version", "2023-06-01"),
                ("content-type", "application/json"),
                ("x-api-key", "sk-ant-api03-REDACTED"),
            ]
            + base,
            anthropic_req,
            200,
            "",
            [
                ("access-control-allow-origin", "*"),
                ("content-type", "application/json"),
                ("date", "Mon, 06 Oct 2025 07:30:30 GMT"),
                ("request-id", "req_011CTqW3nB8vLx2dKe9HyZ5m"),
                ("anthropic-organization-id", "6f1d2c8a-93b4-4e57-b0a1-7c2e5d9f8a34"),
                ("via", "1.1 google"),
                ("server", "cloudflare"),
            ],
            json_content("anthropic.json"),
            {"dns": 2.871, "connect": 30.455, "ssl": 19.62, "send": 0.19, "wait": 8843.224, "receive": 2.511},
            "160.79.104.10",
            sec("api.anthropic.com", "WE1", 1756189270, 1763968936),
            10031.904,
        ),
        entry(
            "2025-10-06T07:30:31.305Z",
            3624,
            "POST",
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            [
                ("accept", "*/*"),
                ("content-type", "application/json"),
                ("x-goog-api-key", "AIzaSy-REDACTED"),
                ("x-goog-api-client", "google-genai-sdk/1.20.0 gl-node/web"),
            ]
            + base,
            gemini_req,
            200,
            "",
            [
                ("access-control-allow-origin", "https://playground.example.dev"),
                ("content-disposition", "attachment"),
                ("content-type", "text/event-stream"),
                ("date", "Mon, 06 Oct 2025 07:30:33 GMT"),
                ("server", "scaffolding on HTTPServer2"),
                ("server-timing", "gfet4t7; dur=1962"),
                ("vary", "Origin, X-Origin, Referer"),
                ("x-content-type-options", "nosniff"),
                ("x-frame-options", "SAMEORIGIN"),
                ("x-xss-protection", "0"),
            ],
            sse_content("gemini-stream.sse", "text/event-stream"),
            {"dns": 4.006, "connect": 27.893, "ssl": 17.4, "send": 0.233, "wait": 1961.868, "receive": 1630},
            "142.250.185.74",
            sec("*.googleapis.com", "WR2", 1756713600, 1763971199),
            19398.417,
        ),
        entry(
            "2025-10-06T07:30:35.772Z",
            163.16,
            "POST",
            "https://api.openai.com/v1/chat/completions",
            [
                ("accept", "application/json"),
                ("authorization", "Bearer sk-proj-REDACTED"),
                ("content-type", "application/json"),
            ]
            + base,
            rate_limited_req,
            429,
            "",
            [
                ("access-control-allow-origin", "https://playground.example.dev"),
                ("content-type", "application/json; charset=utf-8"),
                ("date", "Mon, 06 Oct 2025 07:30:35 GMT"),
                ("retry-after", "3"),
                ("x-ratelimit-limit-tokens", "30000"),
                ("x-ratelimit-remaining-tokens", "1045"),
                ("x-ratelimit-reset-tokens", "2.492s"),
                ("x-request-id", "req_9a4c1e7f3b2d4a6c8e0f1b3d5a7c9e2f"),
                ("server", "cloudflare"),
            ],
            json_content("openai-error.json", "application/json; charset=utf-8"),
            {"dns": -1, "connect": -1, "ssl": -1, "send": 0.171, "wait": 162.409, "receive": 0.58},
            "162.159.140.245",
            openai_sec,
            23865.321,
        ),
    ]
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "Playwright", "version": "1.55.1"},
            "browser": {"name": "chromium", "version": "140.0.7339.16"},
            "pages": [
                {
                    "startedDateTime": "2025-10-06T07:30:12.004Z",
                    "id": page,
                    "title": "Model Playground",
                    "pageTimings": {"onContentLoad": 318, "onLoad": 402},
                }
            ],
            "entries": entries,
        }
    }


# --------------------------------------------------------------------------- llama-swap captures

SSE_HEADERS = {"Content-Type": "text/event-stream", "Keep-Alive": "timeout=5, max=100", "Server": "llama.cpp"}
JSON_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Keep-Alive": "timeout=5, max=100",
    "Server": "llama.cpp",
}


def openai_py_headers(length: int) -> dict[str, str]:
    return {
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
        "Authorization": "[REDACTED]",
        "Content-Length": str(length),
        "Content-Type": "application/json",
        "User-Agent": "OpenAI/Python 1.99.9",
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": "1.99.9",
        "X-Stainless-Retry-Count": "0",
    }


def llama_timings(cache_n, prompt_n, prompt_ms, predicted_n, predicted_ms):
    return {
        "cache_n": cache_n,
        "prompt_n": prompt_n,
        "prompt_ms": prompt_ms,
        "prompt_per_token_ms": prompt_ms / prompt_n,
        "prompt_per_second": 1e3 / prompt_ms * prompt_n,
        "predicted_n": predicted_n,
        "predicted_ms": predicted_ms,
        "predicted_per_token_ms": predicted_ms / predicted_n,
        "predicted_per_second": 1e3 / predicted_ms * predicted_n,
    }


def capture(cid, path, req_headers, req_body, resp_headers, resp_body) -> dict[str, Any]:
    # field order = ReqRespCapture's declaration order (fxamacker/cbor keeps it for structs)
    return {
        "id": cid,
        "req_path": path,
        "req_headers": req_headers,
        "req_body": req_body,
        "resp_headers": resp_headers,
        "resp_body": resp_body,
    }


def api_json(cap: dict[str, Any]) -> dict[str, Any]:
    """What Go's encoding/json makes of the struct: []byte as base64, nil as null, map keys sorted."""
    out: dict[str, Any] = {}
    for k, v in cap.items():
        if isinstance(v, bytes):
            out[k] = base64.b64encode(v).decode()
        elif isinstance(v, dict):
            out[k] = dict(sorted(v.items()))
        else:
            out[k] = v
    return out


def go_json(obj: Any) -> bytes:
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    # encoding/json escapes HTML characters by default
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def mp3_bytes() -> bytes:
    """An ID3v2.4 tag and MPEG-2 Layer III frames (24 kHz mono): not UTF-8."""
    tsse = b"\x03Lavf61.7.100\x00"
    frame = b"TSSE" + struct.pack(">I", len(tsse)) + b"\x00\x00" + tsse
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame
    out = bytearray(tag)
    seed = b"kokoro"
    for i in range(3):
        header = b"\xff\xf3\x64\xc4"
        payload = b""
        while len(payload) < 140:
            seed = hashlib.sha256(seed + bytes([i])).digest()
            payload += seed
        out += header + payload[:140]
    return bytes(out)


def captures() -> dict[str, bytes]:
    files: dict[str, bytes] = {}

    req42 = compact(
        {
            "model": "gemma3-12b",
            "messages": [
                {"role": "system", "content": "You are a concise coding assistant."},
                {"role": "user", "content": "How do I slugify a string in Python without extra packages?"},
            ],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    ).encode()
    c42 = capture(
        42,
        "/v1/chat/completions",
        openai_py_headers(len(req42)),
        req42,
        SSE_HEADERS,
        body("llamacpp-chat-stream.sse"),
    )
    files["chat-stream-id42.cbor.zst"] = zstd_no_size(cbor2.dumps(c42))

    req43 = compact(
        {
            "model": "claude-sonnet-4-20250514",
            "max_tokens": 4096,
            "system": [
                {
                    "type": "text",
                    "text": "You are reviewing Go code in the repository below.",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
            "messages": [{"role": "user", "content": "Why does parseConfig panic on an empty file?"}],
            "stream": True,
        }
    ).encode()
    c43 = capture(
        43,
        "/v1/messages",
        {
            "Accept": "application/json",
            "Anthropic-Version": "2023-06-01",
            "Authorization": "[REDACTED]",
            "Content-Length": str(len(req43)),
            "Content-Type": "application/json",
            "User-Agent": "claude-cli/1.0.98 (external, cli)",
            "X-App": "cli",
        },
        req43,
        {
            "Cache-Control": "no-cache",
            "Content-Type": "text/event-stream; charset=utf-8",
            "Request-Id": "req_011CSwE5pZr8hN3kTq6vB1yD",
            "Via": "1.1 google",
        },
        body("anthropic-stream.sse"),
    )
    files["anthropic-id43.cbor.zst"] = zstd_no_size(cbor2.dumps(c43))

    req44 = compact(
        {
            "model": "gemma3-12b",
            "messages": [
                {"role": "system", "content": "You are a concise coding assistant."},
                {"role": "user", "content": "How do I slugify a string in Python without extra packages?"},
                {
                    "role": "assistant",
                    "content": 'Use `re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")`.',
                },
                {"role": "user", "content": "Now make it keep accented letters, e.g. turn e-acute into e."},
            ],
        }
    ).encode()
    resp44 = compact(
        {
            "choices": [
                {
                    "finish_reason": "stop",
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": 'Normalize first, then drop the combining marks:\n\n```python\nimport re, unicodedata\n\ndef slugify(text: str) -> str:\n    text = unicodedata.normalize("NFKD", text)\n    text = text.encode("ascii", "ignore").decode()\n    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")\n```',
                    },
                }
            ],
            "created": 1757332410,
            "model": "gemma3-12b",
            "system_fingerprint": "b6423-8f2a2f6b",
            "object": "chat.completion",
            "usage": {
                "completion_tokens": 96,
                "prompt_tokens": 412,
                "total_tokens": 508,
                "prompt_tokens_details": {"cached_tokens": 384},
            },
            "id": "chatcmpl-CMuubra4g645lgQAYHAMOHJyrtxfzFg6",
            "timings": llama_timings(384, 28, 61.523, 96, 2208.119),
        }
    ).encode()
    c44 = capture(44, "/v1/chat/completions", openai_py_headers(len(req44)), req44, JSON_HEADERS, resp44)
    files["chat-id44.cbor"] = cbor2.dumps(c44)

    req45 = compact(
        {
            "model": "qwen2.5-coder-7b",
            "messages": [
                {
                    "role": "user",
                    "content": "Write a SQL query that returns the ten customers with the highest total order value in 2024.",
                }
            ],
            "temperature": 0.2,
        }
    ).encode()
    resp45 = compact(
        {
            "choices": [
                {
                    "finish_reason": "stop",
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": "```sql\nSELECT c.id, c.name, SUM(o.total) AS total_2024\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nWHERE o.created_at >= '2024-01-01' AND o.created_at < '2025-01-01'\nGROUP BY c.id, c.name\nORDER BY total_2024 DESC\nLIMIT 10;\n```\n\nThe half-open date range keeps the index on `created_at` usable.",
                    },
                }
            ],
            "created": 1757333075,
            "model": "qwen2.5-coder-7b",
            "system_fingerprint": "b6423-8f2a2f6b",
            "object": "chat.completion",
            "usage": {
                "completion_tokens": 150,
                "prompt_tokens": 256,
                "total_tokens": 406,
                "prompt_tokens_details": {"cached_tokens": 0},
            },
            "id": "chatcmpl-itgedjKyeWAUnaW85WV31tdLW5VfLr6v",
            "timings": llama_timings(0, 256, 402.913, 150, 3517.206),
        }
    ).encode()
    c45 = capture(45, "/v1/chat/completions", openai_py_headers(len(req45)), req45, JSON_HEADERS, resp45)
    files["chat-id45.api.json"] = go_json(api_json(c45))
    files["list-api.json"] = go_json([api_json(c44), api_json(c45)])

    req46 = compact(
        {
            "model": "qwen2.5-32b-instruct",
            "messages": [{"role": "user", "content": "Translate the release notes below into German."}],
            "stream": True,
        }
    ).encode()
    c46 = capture(
        46,
        "/v1/chat/completions",
        openai_py_headers(len(req46)),
        req46,
        {"Content-Type": "text/plain; charset=utf-8"},
        None,
    )
    files["failed-id46.cbor.zst"] = zstd_no_size(cbor2.dumps(c46))

    req47 = compact(
        {
            "model": "kokoro",
            "input": "Your build finished successfully.",
            "voice": "af_heart",
            "response_format": "mp3",
        }
    ).encode()
    c47 = capture(
        47,
        "/v1/audio/speech",
        openai_py_headers(len(req47)),
        req47,
        {"Content-Type": "audio/mpeg", "Server": "uvicorn"},
        mp3_bytes(),
    )
    files["binary-body-id47.cbor.zst"] = zstd_no_size(cbor2.dumps(c47))

    req48 = compact(
        {
            "model": "qwen2.5-7b-instruct",
            "prompt": "Wikipedia, the free encyclopedia\n\nPython (programming language)\n\nFrom Wikipedia, the free encyclopedia\n\nPython is",
            "n_predict": 64,
        }
    ).encode()
    c48 = capture(
        48,
        "/completion",
        {
            "Accept": "*/*",
            "Authorization": "[REDACTED]",
            "Content-Length": str(len(req48)),
            "Content-Type": "application/json",
            "User-Agent": "curl/8.7.1",
        },
        req48,
        JSON_HEADERS,
        body("llamacpp-completion.json"),
    )
    files["legacy-json-id48.json.zst"] = zstd_no_size(go_json(api_json(c48)))
    return files


# --------------------------------------------------------------------------- main


def main() -> None:
    write("har/chrome-openai-stream-no-body.har", chrome_har())
    write("har/mitmproxy-anthropic.har", mitmproxy_har())
    write("har/polly-openai-gzip-base64.har", polly_har())
    pw = playwright_har_obj()
    write("har/mixed-providers.har", json.dumps(pw, indent=2, ensure_ascii=False).encode())
    write("har/playwright-minified.har", json.dumps(pw, separators=(",", ":"), ensure_ascii=False).encode())
    for name, data in captures().items():
        write("captures/" + name, data)
    write("bodies/bedrock-converse-stream.bin", aws_eventstream.converse_stream())
    write("bodies/bedrock-invoke-claude-stream.bin", aws_eventstream.invoke_claude_stream())
    write("compressed/openai-chat-stream.sse.gz", gzip.compress(body("openai-chat-stream.sse"), 9, mtime=0))
    write(
        "compressed/anthropic.json.zst", zstandard.ZstdCompressor(level=19).compress(body("anthropic.json"))
    )


if __name__ == "__main__":
    main()
