"""mitmproxy flow files (``mitmdump -w FILE``): tnetstring dicts, one per flow.

Each HTTP flow is an exchange, as a HAR entry is. Flows of every format version are read as
mitmproxy's own ``io/compat.py`` migrates them, as far as the fields read here go: 0.x files
have bytes keys, ``code`` for ``status_code``, ``body`` or ``content`` for the content and
``msg`` for ``reason``; before version 14 a response may lack its ``timestamp_start``.

Contents are stored raw, still compressed by their ``content-encoding``. A content of null
(not empty) was streamed through without being stored (``stream_large_bodies``, or an addon
that streams SSE): the flow still gives a record, from its request, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from llmstat.exchange import Exchange
from llmstat.record import Record, Skipped, iso_utc
from llmstat.sources.calls import host_and_path, items_of_exchanges
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading
from llmstat.sources.tnetstring import iter_values

# a flow is a dict whose first key is text: "10:client_conn;..." (or "4:type;" in old files)
_FLOW_START = re.compile(rb"\d{1,12}:\d{1,3}:[A-Za-z_]{1,32}[;,]")

NOT_STORED = (
    "mitmproxy streamed this response without storing its body: record without "
    "--set stream_large_bodies (and without an addon that sets flow.response.stream) to keep it"
)


def sniff_flow(head: Head) -> bool:
    # before any text test: the contents inside are often gzip
    return _FLOW_START.match(head.raw) is not None


def read_flows(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    flows = iter_values(stream, reading.max_size)  # type: ignore[arg-type]
    return items_of_exchanges(
        (exchange_from_flow(f, reading.source, i) for i, f in enumerate(flows)), reading
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value if isinstance(value, str) else None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def headers_of(raw: Any) -> dict[str, str]:
    """mitmproxy's ``[[name, value], ...]``, lower-cased; a repeated header joined with ``, ``."""
    out: dict[str, str] = {}
    if not isinstance(raw, list):
        return out
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        name, value = (p.decode("latin-1") if isinstance(p, bytes) else p for p in pair)
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _content(message: dict[str, Any]) -> tuple[bytes | None, bool]:
    """The stored content and whether it was stored (0.13 and 0.14 named it ``body``)."""
    key = "content" if "content" in message else "body"
    content = message.get(key)
    if isinstance(content, bytes):
        return content, True
    if isinstance(content, str):
        return content.encode("utf-8", "surrogateescape"), True
    return None, False


def _url(req: dict[str, Any]) -> str | None:
    host = _text(req.get("host"))
    path = _text(req.get("path")) or "/"
    if not host:
        return path if path.startswith(("http://", "https://")) else None
    scheme = _text(req.get("scheme")) or "http"
    port = req.get("port")
    bracketed = f"[{host}]" if ":" in host else host
    netloc = f"{bracketed}:{port}" if isinstance(port, int) and not isinstance(port, bool) else bracketed
    return f"{scheme}://{netloc}{path}"


def _started(ts: float | None) -> str | None:
    if ts is None or ts <= 0:
        return None
    try:
        return iso_utc(datetime.fromtimestamp(ts, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _ms(later: float | None, earlier: float | None) -> float | None:
    if later is None or earlier is None or later < earlier or earlier <= 0:
        return None
    return (later - earlier) * 1000


def exchange_from_flow(flow: Any, source: str, index: int) -> Exchange | str:
    """An Exchange, or the reason the flow cannot be one."""
    if not isinstance(flow, dict):
        return "flow is not a dict"
    kind = _text(flow.get("type")) or "http"
    if kind != "http":
        return f"not an HTTP flow: {kind}"
    req = flow.get("request")
    resp = flow.get("response")
    if not isinstance(req, dict):
        return "flow has no request"
    if not isinstance(resp, dict):
        error = flow.get("error")
        msg = _text(error.get("msg")) if isinstance(error, dict) else None
        return f"flow has no response ({msg})" if msg else "flow has no response"
    url = _url(req)
    host, path = host_and_path(url)
    method = _text(req.get("method"))
    code = resp.get("status_code", resp.get("code"))
    status = code if isinstance(code, int) and not isinstance(code, bool) and code > 0 else None
    reason = _text(resp.get("reason", resp.get("msg")))
    response_headers = headers_of(resp.get("headers"))
    request_body, _ = _content(req)
    body, stored = _content(resp)
    req_start = _num(req.get("timestamp_start"))
    # before flow format 14 a response could lack its start: compat.py takes the request's end
    resp_start = _num(resp.get("timestamp_start"))
    if resp_start is None:
        resp_start = _num(req.get("timestamp_end"))
    return Exchange(
        source=source,
        entry=index,
        method=method.upper() if method else None,
        url=url,
        host=host,
        path=path,
        status=status,
        status_text=reason or None,
        request_headers=headers_of(req.get("headers")),
        request_body=request_body,
        response_headers=response_headers,
        response_body=body,
        content_encoding=response_headers.get("content-encoding"),
        body_recorded=stored,
        started=_started(req_start),
        duration_ms=_ms(_num(resp.get("timestamp_end")), req_start),
        ttft_ms=_ms(resp_start, req_start),
        context=True,
        warnings=[] if stored else [NOT_STORED],
    )
