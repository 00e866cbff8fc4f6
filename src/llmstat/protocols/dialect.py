"""What a dialect module declares about itself: the values the DIALECTS registry holds.

Everything outside a dialect's module that depends on the dialect (path and shape detection,
``--api``, pricing's provider, response boundaries, the fast path) reads these, so a new
provider is its module and one registry entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from enum import IntEnum
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.protocols.state import UsageState

# Folds one object (a streamed event or a whole body) into the state; True when it ends the response.
Feeder = Callable[[UsageState, dict[str, Any], str], bool]


class Rank(IntEnum):
    """Shape tests run in this order across dialects; the first that holds names the dialect.

    Objects of different dialects share keys ("choices", "usage", "content"), so the tests
    that read a field naming the object outright go first and the loose ones last.
    """

    TYPE = 10  # a "type" field that names the event
    OBJECT = 20  # an "object" field that names the object
    OWN_KEYS = 30  # keys that only this dialect writes
    CHOICES_TEXT = 40  # OpenAI-style choices holding "text" (legacy completions)
    CHOICES = 50  # OpenAI-style choices of any kind
    EXTENSIONS = 60  # llama.cpp's native keys, which its OpenAI-style objects carry too
    USAGE_CACHE = 70  # a usage object with cache keys only one dialect writes
    USAGE_IO = 80  # a usage object with input_tokens / output_tokens
    USAGE = 90  # any usage object


@dataclass(frozen=True, slots=True)
class Shape:
    """One test of a JSON object's shape, run at its rank among every dialect's tests."""

    rank: Rank
    test: Callable[[dict[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Boundary:
    """A new response starts mid-stream at an object whose chunk id differs from the last one's.

    ``keys``: without one of these top-level keys ``chunk_id`` is None whatever else the
    object holds, so the fast path parses every event holding one (unless its template pins it).
    """

    chunk_id: Callable[[dict[str, Any]], str | None]
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FastPathSpec:
    """What the fast path (``protocols.fastpath``) may skip of this dialect's streams.

    Every top-level key the dialect's feeder reads is in exactly one of ``needles``,
    ``benign``, ``pinned``, ``inert``, ``needles_within`` or ``overwritten``;
    tests/test_fastpath_keys.py holds the feeders to it.
    Dialects that share one spec object are one family to the fast path.
    """

    # keys whose presence can make an event matter: every event holding one is parsed
    needles: tuple[str, ...]
    # (block) -> when the block is a no-op event, the bytes it starts with, or those and the
    # bytes its one line ends with (``templates.closing_template``); else None
    template: Callable[[bytes], bytes | tuple[bytes, bytes] | None]
    # keys whose value the template holds fixed (or whose presence it requires), so a run of
    # blocks matching it leaves them as the first block of the run left them
    pinned: tuple[str, ...]
    # needles that matter only with a value other than a benign one: key -> (the benign
    # value, the value it usually has otherwise), as JSON bytes
    benign: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)
    # keys the feeder reads only from events the template never admits: key -> why
    inert: Mapping[str, str] = field(default_factory=dict)
    # the template holds only for the response its first block was fed into (chat chunks
    # repeat that response's id and model)
    per_response: bool = False
    # keys the feeder reads only for keys nested in them, which are needles: key -> those
    # (a quoted key is found at any depth)
    needles_within: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # keys whose object value the feeder takes whole, overwriting what any earlier one set
    # (Gemini's cumulative usageMetadata): of a run of blocks the template admits, only the
    # last is parsed, and only when it holds each of these as an object
    overwritten: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dialect:
    """One API dialect, as its module declares it."""

    name: str  # CONTRACT.md's api name; its family is the part before the first dot
    feeder: Feeder
    # request paths that name the dialect: lower-case suffixes, query and trailing "/" cut off
    paths: tuple[str, ...] = ()
    shapes: tuple[Shape, ...] = ()
    # the genai-prices provider id pricing tries first when the host does not name one
    provider: str | None = None
    # served by a local engine: never priced from a catalogue
    local: bool = False
    boundary: Boundary | None = None
    fast_path: FastPathSpec | None = None
    # a top-level JSON array of this dialect's objects is a stream of them (Gemini without alt=sse)
    array_stream: bool = False
    # its streams end with an event that says so: a stream without one was cut short
    terminal_event: bool = True
    # the warning for a stream that reported no usage, when the dialect knows a likelier cause
    no_usage_in_stream: str | None = None
    # (request path) -> the model it names and whether it asks for a stream, else None
    request_of_path: Callable[[str], tuple[str, bool] | None] | None = None
