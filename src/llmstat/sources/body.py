"""A bare JSON body, as saved from an API's answer: the JSON source's sniff and reader.

Parsed whole, a JSON input may still turn out to be another format's document (a HAR whose
``"log"`` is not its first key, llama-swap's ``/api/captures/{id}`` objects): each source that
reads such documents is asked first, in registry order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from llmstat.errors import NotARecording
from llmstat.exchange import Exchange
from llmstat.record import Record, Skipped
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.records import is_api_document, items_from_exchange
from llmstat.sources.source import DocumentReader, Reading

NO_SHAPE = "JSON of no known API shape (not a response body, an error, a HAR or a capture)"


def sniff_json(head: Head) -> bool:
    return head.is_text and head.starts_json and not head.json_lines


def read_json(
    stream: Peeked, reading: Reading, documents: tuple[DocumentReader, ...]
) -> Iterable[Record | Skipped]:
    data = stream.read_all(reading.max_size)
    try:
        doc: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        doc = None
    for read_document in documents:
        items = read_document(doc, data, reading)
        if items is not None:
            return items
    if reading.walked and doc is not None and not is_api_document(doc):
        # a stray package.json or tsconfig.json beside the recordings; named, it is a JSON body
        raise NotARecording(NO_SHAPE)
    return items_from_exchange(Exchange(source=reading.source, response_body=data, multi=True))
