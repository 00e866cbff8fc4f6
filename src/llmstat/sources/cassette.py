"""VCR cassettes: what test suites record (vcrpy and pytest-recording, Ruby's VCR, go-vcr),
in YAML or JSON. Every interaction is an exchange, as a HAR entry is.

The three writers differ in small ways, all read here:

- vcrpy: ``interactions[].request.{method, uri, headers, body}`` and
  ``response.{status.code, headers, body.string}``; a body may be ``!!binary`` (gzip bytes, with
  ``content-encoding`` kept), text under that header (``decode_compressed_response``), or
  pydantic-ai's ``parsed_body`` (the JSON body as YAML).
- Ruby VCR: ``http_interactions``, bodies as ``{encoding, string}`` or ``{base64_string}``,
  ``recorded_at`` (the only clock a cassette has), ``!binary`` strings.
- go-vcr (v2 and v4 layouts): ``request.url``, ``response.{code, status, body}`` with the body
  as text, and ``duration`` (Go's ``1.5s``, ``245ms``).

Headers are name -> list of values in all three; a header given twice is joined with ``, ``.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

import orjson
import stringzilla as sz

from llmstat.errors import NotARecording
from llmstat.exchange import Exchange
from llmstat.lazy_regex import compile_later
from llmstat.record import Record, Skipped, iso_utc, stamp_of
from llmstat.sources.calls import host_and_path, items_of_exchanges, request_and_response
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading

# A YAML cassette names its interactions at the top level near its start: vcrpy sorts its keys
# (``interactions`` first), Ruby's VCR writes ``http_interactions`` first, go-vcr ``version`` then
# ``interactions``.
_YAML_START = compile_later(rb"^(?:http_)?interactions:[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_KEYS = ("interactions", "http_interactions")
# Go's time.Duration as text: "1h2m3.5s", "245.1ms", "12µs"
_GO_DURATION = compile_later(r"(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|μs|ns|h|m|s)")
_GO_UNIT_MS = {"h": 3.6e6, "m": 6e4, "s": 1e3, "ms": 1.0, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "ns": 1e-6}


def sniff_yaml_cassette(head: Head) -> bool:
    text = head.stripped
    # the plain search first (SIMD: bytes.find takes 2 us over a small SSE dump's head, which
    # every input of a folder of them is asked); the line-anchored regex is slow in Python's
    if not head.is_text or head.starts_json or sz.find(text, b"interactions:", 0, 16384) < 0:
        return False
    return _YAML_START.search(text, 0, 16384) is not None


def read_yaml_cassette(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    from llmstat.sources.safe_yaml import load_yaml

    data = stream.read_all(reading.max_size)
    doc = load_yaml(data)
    interactions = _interactions_of(doc)
    if interactions is None:
        raise NotARecording("YAML with an interactions key that is not a list: no cassette")
    return items_of_exchanges(_exchanges(interactions, reading.source), reading)


def read_json_cassette(doc: Any, data: bytes, reading: Reading) -> Iterable[Record | Skipped] | None:
    """A cassette written by vcrpy's or VCR's JSON serializer; None for any other JSON."""
    interactions = _interactions_of(doc)
    if interactions is None:
        return None
    return items_of_exchanges(_exchanges(interactions, reading.source), reading)


def _interactions_of(doc: Any) -> list[Any] | None:
    if not isinstance(doc, dict):
        return None
    for key in _KEYS:
        if isinstance(doc.get(key), list):
            return list(doc[key])
    return None


def _exchanges(interactions: list[Any], source: str) -> Iterator[Exchange | str]:
    for index, interaction in enumerate(interactions):
        yield exchange_from_interaction(interaction, source, index)


def exchange_from_interaction(interaction: Any, source: str, index: int) -> Exchange | str:
    """An Exchange, or the reason the interaction cannot be one."""
    pair = request_and_response(interaction, "interaction")
    if isinstance(pair, str):
        return pair
    req, resp = pair
    url = _text(req.get("uri")) or _text(req.get("url"))
    host, path = host_and_path(url)
    method = _text(req.get("method"))
    request_headers = headers_of(req.get("headers"))
    response_headers = headers_of(resp.get("headers"))
    status, reason = _status_of(resp)
    body, recorded = _body_of(resp)
    return Exchange(
        source=source,
        entry=index,
        method=method.upper() if method else None,
        url=url,
        host=host,
        path=path,
        status=status,
        status_text=reason,
        request_headers=request_headers,
        request_body=_body_of(req)[0],
        response_headers=response_headers,
        response_body=body,
        content_encoding=response_headers.get("content-encoding"),
        body_recorded=recorded,
        started=_recorded_at(interaction.get("recorded_at")),
        duration_ms=go_duration_ms(resp.get("duration")),
        context=True,
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) and value else None


def headers_of(raw: Any) -> dict[str, str]:
    """Lower-cased name -> value; a header given several times is joined as HTTP joins it."""
    out: dict[str, str] = {}
    if not isinstance(raw, dict):
        return out
    for name, values in raw.items():
        if not isinstance(name, (str, bytes)):
            continue
        items = values if isinstance(values, list) else [values]
        texts = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in items if v is not None]
        key = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        out[key] = ", ".join(texts)
    return out


def _status_of(resp: dict[str, Any]) -> tuple[int | None, str | None]:
    status = resp.get("status")
    code: Any = None
    reason: Any = None
    if isinstance(status, dict):  # vcrpy, Ruby VCR
        code, reason = status.get("code"), status.get("message")
    elif "code" in resp:  # go-vcr: code 200, status "200 OK"
        code = resp.get("code")
        if isinstance(status, str):
            reason = status.partition(" ")[2]
    else:
        code = status
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if not isinstance(code, int) or isinstance(code, bool) or code <= 0:
        return None, None
    return code, reason if isinstance(reason, str) and reason else None


def _body_of(message: dict[str, Any]) -> tuple[bytes | None, bool]:
    """A request's or response's body as recorded, and whether one was recorded at all."""
    if "parsed_body" in message:  # pydantic-ai keeps JSON bodies as YAML
        parsed = message["parsed_body"]
        if isinstance(parsed, str):
            return parsed.encode("utf-8", "surrogatepass"), True
        try:
            return orjson.dumps(parsed, option=orjson.OPT_NON_STR_KEYS), True
        except (orjson.JSONEncodeError, TypeError):  # bytes inside, or nested past orjson's limit
            return None, False
    body = message.get("body")
    if isinstance(body, dict):
        if "base64_string" in body:  # Ruby VCR with preserve_exact_body_bytes
            raw = body.get("base64_string")
            if isinstance(raw, str):
                import base64  # off start-up: only Ruby VCR's exact bytes need it

                try:
                    return base64.b64decode("".join(raw.split())), True
                except (binascii.Error, ValueError):
                    return raw.encode("utf-8", "surrogatepass"), True
            body = raw
        else:
            body = body.get("string")
    if isinstance(body, bytes):
        return body, True
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass"), True
    return None, False


def _recorded_at(value: Any) -> str | None:
    """Ruby VCR's ``recorded_at`` (an HTTP date), in the contract's form."""
    if not isinstance(value, str) or not value:
        return None
    from email.utils import parsedate_to_datetime  # Ruby's cassettes only: kept off start-up

    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return stamp_of(value)
    # "-0000" (no zone known) parses naive: the date is UTC all the same, never local time
    return iso_utc(dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC))


def go_duration_ms(value: Any) -> float | None:
    """go-vcr's ``duration``: Go's Duration text (``1.5s``), or bare nanoseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value / 1e6 if value >= 0 else None
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * _GO_UNIT_MS[u] for n, u in parts)
