"""What an input format is to the pipeline: a sniff, a reader, and how messages name it.

Each format's module (``har``, ``capture``, ``body``, ``dump``) defines its sniff and readers;
``registry.SOURCES`` lists them in the order they are sniffed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.exchange import Capture
from llmstat.record import Record, Skipped
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked


@dataclass(slots=True, frozen=True)
class Reading:
    """What a reader is told about the input it reads."""

    source: str
    max_size: int
    # met while walking a directory: a file that is no recording is skipped, not an error
    walked: bool = False


# A reader yields as it goes: what it yielded before an error is kept beside the error.
Reader = Callable[[Peeked, Reading], Iterable[Record | Skipped]]
# A whole JSON document (parsed, and its bytes), read when it is of this format; None when not.
DocumentReader = Callable[[Any, bytes, Reading], Iterable[Record | Skipped] | None]
# The captures of an input (``cap`` bounds each layer); raises NotARecording when there are none.
CaptureReader = Callable[[Peeked, int], Iterable[Capture]]


@dataclass(slots=True, frozen=True)
class Source:
    """An input format: how its bytes are told apart, and its readers."""

    name: str
    # what the captures commands say the bytes look like, when they are no capture
    label: str
    # how "no recording format recognised (not ...)" names it; None: named by a sibling
    noun: str | None
    # a body alone, without the request that asked for it
    bare: bool
    # whether the input's first bytes are this format, given every source before it said no
    sniff: Callable[[Head], bool]
    read: Reader
    # a JSON document of this format that its first bytes did not announce (``"log"`` not first)
    document: DocumentReader | None = None
    # set for the formats that can hold llama-swap captures: what the captures commands read
    captures: CaptureReader | None = None
