"""Exchange: one recorded request and its response, what every source yields."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from llmstat.dataclass import dataclass

if TYPE_CHECKING:
    from llmstat.record import Record


@dataclass(slots=True, frozen=True)
class Exchange:
    """What a recording tells about one call, before any dialect is known.

    ``response_body`` is the body as recorded; ``content_encoding`` says whether it is still
    compressed (HAR writers disagree on that, so decoding is tried, never assumed).
    ``multi`` marks a bare dump that may hold several responses appended one after another.
    """

    source: str
    entry: int = 0
    method: str | None = None
    url: str | None = None
    host: str | None = None
    path: str | None = None
    status: int | None = None
    status_text: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    # as recorded: bytes, or the text a HAR holds (encoded only if someone needs the bytes)
    request_body: bytes | str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes | None = None
    content_encoding: str | None = None
    body_recorded: bool = True
    started: str | None = None
    duration_ms: float | None = None
    ttft_ms: float | None = None
    receive_ms: float | None = None
    capture_id: int | None = None
    multi: bool = False
    # A request was recorded (HAR entry, capture), not just a bare body: an unreadable body
    # is then still an exchange, with null tokens, instead of an input error.
    context: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Capture:
    """One llama-swap capture as its blob or JSON holds it: request and response, headers and bodies."""

    id: int | None
    req_path: str | None
    req_headers: dict[str, str] | None
    req_body: bytes | None
    resp_headers: dict[str, str] | None
    resp_body: bytes | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class CaptureItem:
    """One capture of an input, with the record llmstat reads from it (None when none)."""

    source: str
    entry: int
    capture: Capture
    record: Record | None
