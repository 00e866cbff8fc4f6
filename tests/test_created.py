"""``created``: the response's own timestamp, read from its body by each dialect."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import llmstat
from llmstat.record import created_stamp, iso_utc


@pytest.mark.parametrize(
    "value,stamp",
    [
        (1762162324, "2025-11-03T09:32:04.000Z"),  # OpenAI-style Unix seconds
        (1762162324.9876, "2025-11-03T09:32:04.987Z"),  # milliseconds cut, not rounded
        ("2025-11-03T09:32:04.999999999Z", "2025-11-03T09:32:04.999Z"),  # Ollama's nanoseconds
        ("2025-11-03T10:32:04.5+01:00", "2025-11-03T09:32:04.500Z"),  # any offset: UTC
        (0, None),  # a placeholder
        (1514764800, None),  # 2018: before 2020, a placeholder too
        ("0001-01-01T00:00:00Z", None),  # Go's zero time
        (None, None),
        (True, None),
        ("yesterday", None),
        (1e300, None),
    ],
)
def test_created_stamp(value: object, stamp: str | None) -> None:
    assert created_stamp(value) == stamp


@pytest.mark.parametrize(
    "when,stamp",
    [
        (datetime(2025, 11, 3, 9, 32, 4, 987654, tzinfo=UTC), "2025-11-03T09:32:04.987Z"),
        (datetime(2025, 11, 3, 10, 32, 4, tzinfo=timezone(timedelta(hours=1))), "2025-11-03T09:32:04.000Z"),
        (datetime(1000, 1, 1, tzinfo=UTC), "1000-01-01T00:00:00.000Z"),
        (datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "0999-12-31T23:59:59.999Z"),  # YYYY
        (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "9999-12-31T23:59:59.999Z"),
    ],
)
def test_iso_utc(when: datetime, stamp: str) -> None:
    assert iso_utc(when) == stamp


def _created(body: bytes) -> list[str | None]:
    return [r.created for r in llmstat.records_from_bytes(body)]


def test_each_dialect_names_its_own_field() -> None:
    chat = {"id": "c", "object": "chat.completion", "created": 1762162324, "model": "m", "choices": []}
    assert _created(json.dumps(chat).encode()) == ["2025-11-03T09:32:04.000Z"]
    responses = {"id": "resp_1", "object": "response", "created_at": 1762162324, "model": "m", "output": []}
    assert _created(json.dumps(responses).encode()) == ["2025-11-03T09:32:04.000Z"]
    ollama = {"model": "m", "created_at": "2025-11-03T09:32:04.123456Z", "done": True, "eval_count": 1}
    assert _created(json.dumps(ollama).encode()) == ["2025-11-03T09:32:04.123Z"]
    vertex = {"candidates": [], "modelVersion": "gemini-2.5-pro", "createTime": "2025-11-03T09:32:04.654321Z"}
    assert _created(json.dumps(vertex).encode()) == ["2025-11-03T09:32:04.654Z"]
    anthropic = {"id": "msg_1", "type": "message", "model": "m", "usage": {"input_tokens": 1}}
    assert _created(json.dumps(anthropic).encode()) == [None]


def test_a_stream_takes_its_first_chunk_that_carries_one() -> None:
    def chunk(created: int, usage: bool = False) -> bytes:
        obj: dict[str, object] = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": created,
            "model": "m",
        }
        obj["choices"] = []
        if usage:
            obj["usage"] = {"prompt_tokens": 1, "completion_tokens": 2}
        return b"data: " + json.dumps(obj).encode() + b"\n\n"

    body = chunk(0) + chunk(1762162324) + chunk(1762162399, usage=True) + b"data: [DONE]\n\n"
    assert _created(body) == ["2025-11-03T09:32:04.000Z"]


def test_the_summary_dates_a_bare_body_by_it(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path
    body = {"id": "c", "object": "chat.completion", "created": 1762162324, "model": "m", "choices": []}
    (folder / "a.json").write_text(json.dumps(body | {"usage": {"prompt_tokens": 1, "completion_tokens": 1}}))
    data = cli("summarize", str(folder), "--window", "5h", "--format", "json", "--no-cost").json()
    assert data["totals"]["dated_by_body"] == 1 and data["totals"]["undated"] == 0
    assert [w["start"] for w in data["windows"]] == ["2025-11-03T09:00:00.000Z"]
    args = ("--window", "5h", "--clock", "recorded", "--format", "json", "--no-cost")
    data = cli("summarize", str(folder), *args).json()
    assert data["windows"] == [] and data["totals"]["undated"] == 1
