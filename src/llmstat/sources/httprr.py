"""langchaingo's httprr traces (``testdata/*.httprr``): raw HTTP/1.1 requests and responses.

The file is ``httprr trace v1`` and a newline, then per exchange a line ``<request bytes>
<response bytes>`` and exactly that many bytes of each, as Go's ``Request.WriteProxy`` (the
full URL on the request line) and ``Response.Write`` put them on the wire. Each record is an
exchange, as a HAR entry is.
"""

from __future__ import annotations

from collections.abc import Iterator

from llmstat.errors import InputError
from llmstat.exchange import Exchange
from llmstat.lazy_regex import compile_later
from llmstat.record import Record, Skipped
from llmstat.sources.calls import host_and_path, items_of_exchanges
from llmstat.sources.head import Head
from llmstat.sources.http_message import HttpMessage, parse_http_message
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading

MAGIC = b"httprr trace v1\n"
_SIZES = compile_later(rb"(\d{1,15}) (\d{1,15})\n")


def sniff_httprr(head: Head) -> bool:
    # the bodies after the head may be compressed: no text test
    return head.raw.startswith(MAGIC)


def read_httprr(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    data = stream.read_all(reading.max_size)
    return items_of_exchanges(iter_httprr_exchanges(data, reading.source), reading)


def iter_httprr_exchanges(data: bytes, source: str) -> Iterator[Exchange | str]:
    """Each recorded exchange; InputError for damage, after the good ones."""
    if not data.startswith(MAGIC):
        raise InputError("not an httprr trace")
    pos = len(MAGIC)
    index = 0
    while pos < len(data):
        m = _SIZES.match(data, pos)
        if m is None:
            raise InputError(
                f"httprr record {index}: no '<request bytes> <response bytes>' line at byte {pos}"
            )
        req_len, resp_len = int(m.group(1)), int(m.group(2))
        start = m.end()
        if start + req_len + resp_len > len(data):
            raise InputError(f"httprr record {index} is truncated: it claims more bytes than the file holds")
        request = data[start : start + req_len]
        response = data[start + req_len : start + req_len + resp_len]
        pos = start + req_len + resp_len
        yield exchange_from_dumps(request, response, source, index)
        index += 1


def exchange_from_dumps(request: bytes, response: bytes, source: str, index: int) -> Exchange | str:
    req = parse_http_message(request)
    resp = parse_http_message(response)
    if req is None:
        return "record has no request"
    if resp is None:
        return "record has no response"
    method, _, rest = req.start_line.partition(" ")
    target = rest.rsplit(" ", 1)[0] if " " in rest else rest
    url = target if "://" in target else f"http://{req.headers.get('host', '')}{target}"
    host, path = host_and_path(url)
    status, reason = _status_line(resp)
    return Exchange(
        source=source,
        entry=index,
        method=method.upper() or None,
        url=url,
        host=host,
        path=path,
        status=status,
        status_text=reason,
        request_headers=req.headers,
        request_body=req.body,
        response_headers=resp.headers,
        response_body=resp.body,
        content_encoding=resp.headers.get("content-encoding"),
        context=True,
        warnings=req.warnings + resp.warnings,
    )


def _status_line(resp: HttpMessage) -> tuple[int | None, str | None]:
    parts = resp.start_line.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit() or not parts[0].startswith("HTTP/"):
        return None, None
    return int(parts[1]), parts[2] if len(parts) > 2 else None
