"""llama-swap's activity log and capture stores, built the way llama-swap builds them.

The store's schema is llama-swap's own migration (``internal/store/migrations/
00001_create_activity.sql``, MIT, github.com/mostlygeek/llama-swap), its rows inserted with
the columns ``Store.InsertActivity`` writes (``ts_created`` in Unix seconds). The JSON shapes
are Go's ``encoding/json`` of ``store.ActivityLogEntry`` (newest: a ``tokens`` object with
draft counts, ``error_msg`` and ``metadata`` left out when empty), of the older
``proxy.ActivityLogEntry`` (``tokens`` without draft counts), and of the oldest
``proxy.TokenMetrics`` (flat fields, no path or status); ``/api/events`` wraps each message as
``{"type": ..., "data": "<JSON text>"}`` in ``event:message`` SSE events.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.capture_blobs import capture, to_cbor, to_zstd

# internal/store/migrations/00001_create_activity.sql, the goose "Up" part, verbatim
MIGRATION_SQL = """
CREATE TABLE activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_created INTEGER NOT NULL,
    model_id TEXT NOT NULL,
    req_path TEXT NOT NULL DEFAULT '',
    resp_content_type TEXT NOT NULL DEFAULT '',
    resp_status_code INTEGER NOT NULL DEFAULT 0,
    cache_tokens INTEGER NOT NULL DEFAULT 0,
    draft_tokens INTEGER NOT NULL DEFAULT 0,
    draft_acc_tokens INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    prompt_per_second REAL NOT NULL DEFAULT 0,
    tokens_per_second REAL NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    error_msg TEXT NOT NULL DEFAULT '',
    metadata_json TEXT NOT NULL DEFAULT ''
);

CREATE INDEX idx_activity_created_id
    ON activity (ts_created DESC, id DESC);

CREATE INDEX idx_activity_model_created_id
    ON activity (model_id, ts_created DESC, id DESC);
"""
META_SQL = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
CAPTURES_SQL = "CREATE TABLE captures (id INTEGER PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL)"

_INSERT = """
INSERT INTO activity (
    id, ts_created, model_id, req_path, resp_content_type, resp_status_code,
    cache_tokens, draft_tokens, draft_acc_tokens, input_tokens, output_tokens,
    prompt_per_second, tokens_per_second, duration_ms, error_msg, metadata_json
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass
class Entry:
    """One request as llama-swap's metrics monitor records it."""

    id: int
    ended: str  # when llama-swap stamped it (the response had ended), UTC
    model: str = "qwen3-8b"
    req_path: str = "/v1/chat/completions"
    content_type: str = "text/event-stream"
    status: int = 200
    cache: int = -1
    draft: int = -1
    draft_acc: int = -1
    input: int = 0
    output: int = 0
    pps: float = -1.0
    tps: float = -1.0
    duration_ms: int = 0
    error: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    def row(self) -> tuple[Any, ...]:
        return (
            self.id,
            int(at(self.ended).timestamp()),
            self.model,
            self.req_path,
            self.content_type,
            self.status,
            self.cache,
            self.draft,
            self.draft_acc,
            self.input,
            self.output,
            self.pps,
            self.tps,
            self.duration_ms,
            self.error,
            json.dumps(self.metadata) if self.metadata else "",
        )

    def go_time(self, offset_hours: int = 0) -> str:
        """Go's RFC 3339 with nanoseconds, in the server's local zone."""
        local = at(self.ended).astimezone(_zone(offset_hours))
        return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}123" + _offset(offset_hours)

    def json(self, era: str = "store", offset_hours: int = 0) -> dict[str, Any]:
        """``store``: internal/store (draft counts, error_msg, metadata); ``proxy``: the older
        proxy package's (tokens without draft counts); ``flat``: the oldest TokenMetrics."""
        if era == "flat":
            return {
                "id": self.id,
                "timestamp": self.go_time(offset_hours),
                "model": self.model,
                "cache_tokens": self.cache,
                "input_tokens": self.input,
                "output_tokens": self.output,
                "prompt_per_second": self.pps,
                "tokens_per_second": self.tps,
                "duration_ms": self.duration_ms,
            }
        tokens: dict[str, Any] = {"cache_tokens": self.cache}
        if era == "store":
            tokens |= {"draft_tokens": self.draft, "draft_acc_tokens": self.draft_acc}
        tokens |= {
            "input_tokens": self.input,
            "output_tokens": self.output,
            "prompt_per_second": self.pps,
            "tokens_per_second": self.tps,
        }
        out: dict[str, Any] = {
            "id": self.id,
            "timestamp": self.go_time(offset_hours),
            "model": self.model,
            "req_path": self.req_path,
            "resp_content_type": self.content_type,
            "resp_status_code": self.status,
            "tokens": tokens,
            "duration_ms": self.duration_ms,
            "has_capture": False,
        }
        if era == "store" and self.error:
            out["error_msg"] = self.error
        if era == "store" and self.metadata:
            out["metadata"] = self.metadata
        return out


def _zone(hours: int) -> Any:
    from datetime import timezone

    return timezone(timedelta(hours=hours))


def _offset(hours: int) -> str:
    return "Z" if hours == 0 else f"{'+' if hours > 0 else '-'}{abs(hours):02d}:00"


def make_store(path: Path, entries: list[Entry], database_id: str | None = None, wal: bool = True) -> Path:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    db.executescript(MIGRATION_SQL)
    if database_id is not None:
        db.execute(META_SQL)
        db.execute("INSERT INTO meta VALUES ('database_id', ?)", (database_id,))
    db.executemany(_INSERT, [e.row() for e in entries])
    db.commit()
    db.close()
    return path


def blob(id: int, resp_body: bytes | None, req_path: str = "/v1/chat/completions", **kw: Any) -> bytes:
    """A capture as llama-swap stores it: zstd-compressed CBOR."""
    return to_zstd(to_cbor(capture(id=id, req_path=req_path, resp_body=resp_body, **kw)), content_size=False)


def make_captures_db(path: Path, blobs: dict[int, bytes], database_id: str | None = None) -> Path:
    db = sqlite3.connect(path)
    db.execute(CAPTURES_SQL)
    if database_id is not None:
        db.execute(META_SQL)
        db.execute("INSERT INTO meta VALUES ('database_id', ?)", (database_id,))
    db.executemany("INSERT INTO captures VALUES (?, ?, ?)", [(i, b, len(b)) for i, b in blobs.items()])
    db.commit()
    db.close()
    return path


def write_cap(folder: Path, database_id: str, id: int, data: bytes) -> Path:
    """``<dir>/db-<id>/<id/1000>/<id>.cap``, as llama-swap lays its capture files out."""
    path = folder / f"db-{database_id}" / str(id // 1000) / f"{id}.cap"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def page(entries: list[Entry], page: int = 1, limit: int = 25, total: int | None = None) -> bytes:
    """``GET /api/metrics/activity`` (store.ActivityPage)."""
    n = len(entries) if total is None else total
    return json.dumps(
        {
            "data": [e.json() for e in entries],
            "page": page,
            "limit": limit,
            "total": n,
            "total_pages": -(-n // limit),
        }
    ).encode()


def events(messages: list[tuple[str, Any]]) -> bytes:
    """A saved ``/api/events`` stream: ``event:message`` then the envelope, as the server writes it."""
    out = b""
    for kind, data in messages:
        envelope = json.dumps({"type": kind, "data": json.dumps(data)}, separators=(",", ":"))
        out += b"event:message\ndata:" + envelope.encode() + b"\n\n"
    return out


def chat_body(
    id: str, created: int, prompt: int, cached: int, completion: int, model: str = "qwen3-8b"
) -> bytes:
    return json.dumps(
        {
            "id": id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
        }
    ).encode()
