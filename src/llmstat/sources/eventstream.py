"""A bare AWS event stream (``application/vnd.amazon.eventstream``), as saved from Bedrock's
``converse-stream`` or ``invoke-with-response-stream``: the event-stream source's sniff and reader.

A damaged message ends the input: the records of the good messages come out, then the error.
"""

from __future__ import annotations

from collections.abc import Iterator

from llmstat.exchange import Exchange
from llmstat.framing.eventstream import looks_like_event_stream
from llmstat.record import Record, Skipped
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.records import records_and_damage
from llmstat.sources.source import Reading


def sniff_event_stream(head: Head) -> bool:
    return looks_like_event_stream(head.raw)


def read_event_stream(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    data = stream.read_all(reading.max_size)
    records, damage = records_and_damage(Exchange(source=reading.source, response_body=data, multi=True))
    yield from records
    if damage is not None:
        raise damage
