"""AWS event-stream framing: messages, headers, CRC checks, and damage after good messages."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from llmstat.framing.eventstream import (
    EventStreamError,
    inner_event,
    iter_messages,
    looks_like_event_stream,
)
from tests.aws_eventstream import converse_stream, event, invoke_claude_stream, message


def test_a_message_round_trips_with_its_headers() -> None:
    data = message({":event-type": "metadata", ":message-type": "event"}, b'{"a":1}')
    [msg] = iter_messages(data)
    assert msg.headers == {":event-type": "metadata", ":message-type": "event"}
    assert msg.payload == b'{"a":1}'
    assert msg.event_type == "metadata" and not msg.is_exception
    # 12 prelude + headers + 7 payload + 4 CRC
    assert struct.unpack(">I", data[:4])[0] == len(data)


def test_sniffed_by_its_prelude_crc_only() -> None:
    assert looks_like_event_stream(converse_stream())
    assert not looks_like_event_stream(b'{"usage": {}}' + b" " * 20)
    assert not looks_like_event_stream(b"data: {}\n\n" * 3)
    damaged = bytearray(converse_stream())
    damaged[9] ^= 0xFF  # the prelude CRC
    assert not looks_like_event_stream(bytes(damaged))


def test_every_converse_event_comes_out_in_order() -> None:
    kinds = [m.event_type for m in iter_messages(converse_stream())]
    assert kinds == ["messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]


def test_an_invoke_chunk_holds_the_models_own_event() -> None:
    first = next(iter_messages(invoke_claude_stream()))
    assert first.event_type == "chunk"
    inner = inner_event(first.payload)
    assert inner is not None and inner.startswith(b'{"type":"message_start"')
    assert inner_event(b'{"bytes": "not base64!"}') is None
    assert inner_event(b"[1]") is None


def _good_then(bad: bytes) -> bytes:
    return event("messageStart", {"role": "assistant"}) + bad


def test_a_message_crc_failure_stops_after_the_good_messages() -> None:
    bad = bytearray(event("metadata", {"usage": {"inputTokens": 1, "outputTokens": 2}}))
    bad[-6] ^= 0x01  # a payload byte: the message CRC no longer holds
    data = _good_then(bytes(bad))
    got = []
    with pytest.raises(EventStreamError, match="message CRC mismatch at byte") as e:
        for m in iter_messages(data):
            got.append(m.event_type)
    assert got == ["messageStart"]
    assert e.value.offset == len(data) - len(bad)


def test_a_length_past_the_end_is_an_error_not_an_allocation() -> None:
    # a prelude that claims 16 MiB, with a valid CRC, over a few bytes
    prelude = struct.pack(">II", 16 << 20, 0)
    prelude += struct.pack(">I", zlib.crc32(prelude))
    data = _good_then(prelude + b"xx")
    with pytest.raises(EventStreamError, match=r"claims 16777216 bytes, 14 left"):
        list(iter_messages(data))


@pytest.mark.parametrize("cut", [1, 5, 11, 12, 20])
def test_a_cut_stream_is_an_error_after_the_good_messages(cut: int) -> None:
    whole = _good_then(event("messageStop", {"stopReason": "end_turn"}))
    first = len(event("messageStart", {"role": "assistant"}))
    with pytest.raises(EventStreamError):
        assert [m.event_type for m in iter_messages(whole[: first + cut])] == ["messageStart"]
    assert len(list(iter_messages(whole))) == 2


def test_a_damaged_bare_stream_prints_its_good_records_then_the_error(tmp_path: Path, cli: Any) -> None:
    good = converse_stream()
    path = tmp_path / "cut.bin"
    path.write_bytes(good + good[:30])  # a second response cut inside its first message
    run = cli("parse", str(path), "--format", "json")
    assert run.exit_code == 1
    [rec] = run.json()
    assert rec["api"] == "bedrock.converse" and rec["tokens"]["input"] == 1310
    assert "Error: " in run.stderr and "event stream:" in run.stderr


def test_an_exception_message_is_the_records_error(tmp_path: Path, cli: Any) -> None:
    throttled = message(
        {":exception-type": "throttlingException", ":message-type": "exception"},
        b'{"message":"Too many requests, please wait before trying again."}',
    )
    path = tmp_path / "throttled.bin"
    path.write_bytes(event("messageStart", {"role": "assistant"}) + throttled)
    run = cli("parse", str(path), "--format", "json")
    [rec] = run.json()
    assert rec["error"] == "Too many requests, please wait before trying again."
    assert rec["tokens"]["input"] is None
