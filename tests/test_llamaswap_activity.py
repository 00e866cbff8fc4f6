"""llama-swap's activity log in every form, joined to its captures, and the windows it gives.

The stores are built from llama-swap's own migration SQL and the JSON from its Go structs
(tests/llamaswap.py). One instance's day, worked by hand (UTC, 5h windows floored to the hour):

    id  stamped (end)   lasted  started             what
    1   11-01 22:10:00  2 s     11-01 22:09:58.000  chat; its capture: 150 in (50 cached), 21 out
    2   11-02 03:00:30  90 s    11-02 02:59:00.000  chat; ends in the next window, counted where it starts
    3   11-02 03:05:00  10 ms   11-02 03:04:59.990  502, upstream refused: no usage, an error
    4   11-02 03:30:00  40 ms   -                   /v1/embeddings: skipped
    5   11-02 04:00:00  1 s     11-02 03:59:59.000  /v1/messages: 10 uncached + 200 cached = 210 in
    6   11-02 07:59:59  0 ms    11-02 07:59:59.000  llama-swap recorded nothing: null tokens
    9   (capture only)  -       -                   its body's created: 11-02 05:00:00

    [11-01 22:00, 11-02 03:00): ids 1, 2        input 150 + 1000 = 1150, output 21 + 300 = 321
    [11-02 03:00, 08:00):       ids 3, 5, 9, 6  input 210 + 40 = 250, cache read 200, output 30 + 5 = 35
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.llamaswap import (
    Entry,
    at,
    blob,
    chat_body,
    events,
    make_captures_db,
    make_store,
    page,
    write_cap,
)


def _t(text: str) -> int:
    return int(at(text).timestamp())


ENTRIES = [
    Entry(1, "2026-11-01T22:10:00Z", input=100, cache=50, output=20, pps=500, tps=40, duration_ms=2000,
          draft=12, draft_acc=9),
    Entry(2, "2026-11-02T03:00:30Z", input=1000, cache=0, output=300, pps=800, tps=35, duration_ms=90000),
    Entry(3, "2026-11-02T03:05:00Z", status=502, error="upstream: connection refused", duration_ms=10,
          content_type="application/json", cache=0, pps=0, tps=0),
    Entry(4, "2026-11-02T03:30:00Z", req_path="/v1/embeddings", content_type="application/json", input=12,
          duration_ms=40),
    Entry(5, "2026-11-02T04:00:00Z", model="claude-local", req_path="/v1/messages",
          content_type="application/json", input=10, cache=200, output=30, duration_ms=1000),
    Entry(6, "2026-11-02T07:59:59Z", content_type="application/json", cache=0, pps=0, tps=0),
]  # fmt: skip

BLOBS = {
    1: blob(1, chat_body("chatcmpl-1", _t("2026-11-01T22:09:58Z"), 150, 50, 21, model="qwen3-8b-q4")),
    2: blob(2, chat_body("chatcmpl-2", _t("2026-11-02T02:59:00Z"), 1000, 0, 300)),
    4: blob(4, b'{"object":"list","data":[]}', req_path="/v1/embeddings"),
    9: blob(9, chat_body("chatcmpl-9", _t("2026-11-02T05:00:00Z"), 40, 0, 5)),
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A llama-swap data folder: its store and its captures database."""
    folder = tmp_path / "llama-swap"
    folder.mkdir()
    make_store(folder / "activity.db", ENTRIES, "a1b2")
    make_captures_db(folder / "captures.db", BLOBS, "a1b2")
    return folder


def _records(cli: Any, *args: str) -> list[dict[str, Any]]:
    run = cli("parse", *args, "--format", "json", "--no-cost")
    assert run.exit_code == 0, run.stderr
    out: list[dict[str, Any]] = run.json()
    return out


def _summary(cli: Any, *args: str, code: int = 0) -> dict[str, Any]:
    run = cli("summarize", *args, "--format", "json", "--no-cost")
    assert run.exit_code == code, run.stderr
    out: dict[str, Any] = run.json()
    return out


def _tokens(i: int | None, o: int | None, cr: int | None) -> dict[str, int | None]:
    return {"input": i, "output": o, "cache_read": cr, "cache_write": None, "reasoning": None}


def test_a_store_alone_gives_every_entry_its_time(data_dir: Path, cli: Any) -> None:
    recs = _records(cli, str(data_dir / "activity.db"))
    assert [r["capture_id"] for r in recs] == [1, 2, 3, 5, 6]  # 4 is embeddings
    assert sorted(p.name for p in data_dir.iterdir()) == ["activity.db", "captures.db"]  # no -shm left
    first = recs[0]
    assert {k: first[k] for k in ("started", "path", "status", "api", "stream", "model", "duration_ms")} == {
        "started": "2026-11-01T22:09:58.000Z",
        "path": "/v1/chat/completions",
        "status": 200,
        "api": "openai.chat",
        "stream": True,
        "model": "qwen3-8b",
        "duration_ms": 2000.0,
    }
    # counted from llama.cpp timings (speeds >= 0): the prompt without its cache, so 100 + 50
    assert first["tokens"] == _tokens(150, 20, 50)
    assert (first["prompt_tps"], first["output_tps"]) == (500.0, 40.0)
    assert first["draft"] == {"drafted": 12, "accepted": 9}
    assert first["id"] is None and first["method"] is None and first["ttft_ms"] is None
    failed = recs[2]
    assert failed["error"] == "upstream: connection refused" and failed["status"] == 502
    assert failed["tokens"] == _tokens(None, None, None) and failed["warnings"]
    assert recs[3]["tokens"] == _tokens(210, 30, 200)  # Anthropic usage: uncached + cached
    assert recs[3]["started"] == "2026-11-02T03:59:59.000Z" and recs[3]["stream"] is False
    nothing = recs[4]
    assert nothing["tokens"] == _tokens(None, None, None)
    assert nothing["warnings"] == ["no usage reported (llama-swap recorded none)"]


def test_the_store_and_its_captures_are_one_record_per_request(data_dir: Path, cli: Any) -> None:
    recs = _records(cli, str(data_dir / "activity.db"), str(data_dir / "captures.db"))
    assert [(Path(r["source"]).name, r["capture_id"]) for r in recs] == [
        ("activity.db", 1),
        ("activity.db", 2),
        ("activity.db", 3),
        ("activity.db", 5),
        ("activity.db", 6),
        ("captures.db", 9),
    ]
    one = recs[0]
    # the entry dates it and names it; the capture's body counts it
    assert one["started"] == "2026-11-01T22:09:58.000Z" and one["model"] == "qwen3-8b"
    assert one["id"] == "chatcmpl-1" and one["created"] == "2026-11-01T22:09:58.000Z"
    assert one["tokens"] == _tokens(150, 21, 50)
    assert (one["prompt_tps"], one["output_tps"]) == (500.0, 40.0)  # the body has none: the entry's
    assert one["stream"] is False  # the body is one JSON object
    assert recs[5]["started"] is None and recs[5]["created"] == "2026-11-02T05:00:00.000Z"


def test_summarize_a_data_folder_gives_windows_and_model_totals(data_dir: Path, cli: Any) -> None:
    data = _summary(cli, str(data_dir), "--window", "5h", "--by", "model")
    tok = [
        (w["start"], w["end"], w["requests"], w["tokens"]["input"], w["tokens"]["output"])
        for w in data["windows"]
    ]
    assert tok == [
        ("2026-11-01T22:00:00.000Z", "2026-11-02T03:00:00.000Z", 2, 1150, 321),
        ("2026-11-02T03:00:00.000Z", "2026-11-02T08:00:00.000Z", 4, 250, 35),
    ]  # fmt: skip
    assert [(g["key"]["model"], g["requests"], g["tokens"]["input"]) for g in data["groups"]] == [
        ("claude-local", 1, 210),
        ("qwen3-8b", 5, 1190),
    ]
    totals = data["totals"]
    assert (totals["requests"], totals["undated"], totals["dated_by_body"], totals["errors"]) == (6, 0, 1, 1)
    assert sorted(s["reason"] for s in data["skipped"]) == ["not an LLM call: /v1/embeddings"] * 2


def test_the_same_with_the_files_named(data_dir: Path, cli: Any) -> None:
    named = _summary(cli, str(data_dir / "activity.db"), str(data_dir / "captures.db"), "--window", "5h")
    walked = _summary(cli, str(data_dir), "--window", "5h")
    assert named["windows"] == walked["windows"]


def test_days_weeks_and_months_from_the_clock(data_dir: Path, cli: Any) -> None:
    data = _summary(cli, str(data_dir), "--by", "day", "--no-requests")
    assert [(g["key"]["day"], g["requests"]) for g in data["groups"]] == [
        ("2026-11-01", 1),
        ("2026-11-02", 5),
    ]
    # in UTC-05:00 the 2nd begins at 05:00Z: the capture dated 05:00:00 by its body is its first
    data = _summary(cli, str(data_dir), "--by", "day", "--tz", "-05:00", "--no-requests")
    assert [(g["key"]["day"], g["requests"]) for g in data["groups"]] == [
        ("2026-11-01", 4),
        ("2026-11-02", 2),
    ]
    data = _summary(cli, str(data_dir), "--by", "week,month", "--no-requests")
    # 2026-11-01 is a Sunday: the end of ISO week 44
    assert [(g["key"]["week"], g["key"]["month"], g["requests"]) for g in data["groups"]] == [
        ("2026-W44", "2026-11", 1),
        ("2026-W45", "2026-11", 5),
    ]


def test_clock_recorded_leaves_the_body_dated_out(data_dir: Path, cli: Any) -> None:
    data = _summary(cli, str(data_dir), "--window", "5h", "--clock", "recorded", "--no-requests")
    assert [w["requests"] for w in data["windows"]] == [2, 3]
    assert (data["totals"]["undated"], data["totals"]["dated_by_body"]) == (1, 0)
    since = _summary(cli, str(data_dir), "--since", "2026-11-02T04:30", "--no-requests")
    assert since["totals"]["requests"] == 2  # the capture dated 05:00 by its body, and id 6


def test_a_running_llama_swap_is_read_not_written(tmp_path: Path, cli: Any) -> None:
    store = make_store(tmp_path / "activity.db", ENTRIES[:2], "a1b2")
    writer = sqlite3.connect(store)  # llama-swap, still running: its newest row is in the WAL
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(
        "INSERT INTO activity (ts_created, model_id, req_path, input_tokens, output_tokens) "
        "VALUES (?, 'qwen3-8b', '/v1/chat/completions', 5, 6)",
        (_t("2026-11-02T09:00:00Z"),),
    )
    writer.commit()

    def digests() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}

    before = digests()
    assert before.keys() >= {"activity.db", "activity.db-wal", "activity.db-shm"}
    try:
        recs = _records(cli, str(tmp_path))
        assert [r["capture_id"] for r in recs] == [1, 2, 3]  # -wal and -shm are no inputs of their own
        after = digests()
        assert {k: after[k] for k in ("activity.db", "activity.db-wal")} == {
            k: before[k] for k in ("activity.db", "activity.db-wal")
        }
        writer.execute(
            "INSERT INTO activity (ts_created, model_id) VALUES (?, 'm')", (_t("2026-11-02T09:01:00Z"),)
        )
        writer.commit()  # the reader held no lock
    finally:
        writer.close()


def test_a_compressed_store_is_read_from_memory(data_dir: Path, tmp_path: Path, cli: Any) -> None:
    import gzip

    packed = tmp_path / "activity.db.gz"
    packed.write_bytes(gzip.compress((data_dir / "activity.db").read_bytes()))
    assert [r["capture_id"] for r in _records(cli, str(packed))] == [1, 2, 3, 5, 6]


def test_two_instances_join_within_each(tmp_path: Path, cli: Any) -> None:
    """Both stores count from 1; each capture joins the entry of its own instance."""
    make_store(tmp_path / "a.db", [Entry(1, "2026-11-01T10:00:00Z", duration_ms=1000)], "a1b2")
    make_store(tmp_path / "b.db", [Entry(1, "2026-11-01T12:00:00Z", duration_ms=1000)], "ffff")
    make_captures_db(tmp_path / "a-captures.db", {1: blob(1, chat_body("chatcmpl-a", 0, 7, 0, 1))}, "a1b2")
    write_cap(tmp_path / "caps", "ffff", 1, blob(1, chat_body("chatcmpl-b", 0, 9, 0, 2)))
    (tmp_path / "caps" / "db-ffff" / "0" / "2.cap.tmp").write_bytes(b"half written")
    (tmp_path / "caps" / "db-ffff" / "0" / ".tmp-123").write_bytes(b"half written")
    run = cli("parse", str(tmp_path), "--format", "json", "--no-cost")
    assert run.exit_code == 0 and "Warning" not in run.stderr, run.stderr
    recs = run.json()
    assert [(Path(r["source"]).name, r["started"], r["id"], r["tokens"]["input"]) for r in recs] == [
        ("a.db", "2026-11-01T09:59:59.000Z", "chatcmpl-a", 7),
        ("b.db", "2026-11-01T11:59:59.000Z", "chatcmpl-b", 9),
    ]


def test_ids_repeating_across_restarts_join_nothing(tmp_path: Path, cli: Any) -> None:
    """An in-memory llama-swap restarted counts from 1 again: two /api/metrics arrays (of two
    schema eras) both hold an id 1, and a bare capture 1 could be either's."""
    before = Entry(1, "2026-11-01T10:00:00Z", input=5, output=1, duration_ms=100)
    after = Entry(1, "2026-11-01T18:00:00Z", input=6, output=2, duration_ms=100)
    (tmp_path / "1-metrics.json").write_text(json.dumps([before.json("flat")]))
    (tmp_path / "2-metrics.json").write_text(json.dumps([after.json("proxy", offset_hours=-7)]))
    (tmp_path / "3-capture.cap").write_bytes(blob(1, chat_body("chatcmpl-x", 0, 9, 0, 2)))
    recs = _records(cli, str(tmp_path))
    assert [r["started"] for r in recs] == ["2026-11-01T09:59:59.900Z", "2026-11-01T17:59:59.900Z", None]
    assert all("ambiguous llama-swap id 1" in r["warnings"] for r in recs)
    assert recs[0]["path"] is None and recs[0]["api"] == "unknown"  # the oldest entries name no route


def test_entries_without_a_capture_and_captures_without_an_entry_stay(tmp_path: Path, cli: Any) -> None:
    make_store(
        tmp_path / "activity.db", [Entry(1, "2026-11-01T10:00:00Z", input=3, output=4, duration_ms=5)], "a1b2"
    )
    make_captures_db(tmp_path / "captures.db", {2: blob(2, chat_body("chatcmpl-2", 0, 1, 0, 1))}, "a1b2")
    recs = _records(cli, str(tmp_path))
    assert [(r["capture_id"], r["id"], r["started"] is not None) for r in recs] == [
        (1, None, True),
        (2, "chatcmpl-2", False),
    ]


def test_pages_fetched_while_requests_arrived_count_each_once(tmp_path: Path, cli: Any) -> None:
    e = [Entry(i, f"2026-11-01T10:0{i}:00Z", input=i, output=1, duration_ms=1000) for i in range(1, 5)]
    (tmp_path / "page-1.json").write_bytes(page([e[2], e[1], e[0]], total=3))
    (tmp_path / "page-2.json").write_bytes(page([e[3], e[2], e[1]], total=4))
    assert len(_records(cli, str(tmp_path))) == 6
    data = _summary(cli, str(tmp_path), "--no-requests")
    assert data["totals"]["requests"] == 4 and data["totals"]["tokens"]["input"] == 10
    assert [s["reason"].split(" already")[0] for s in data["skipped"]] == [
        "duplicate: llama-swap entry 3",
        "duplicate: llama-swap entry 2",
    ]


def test_pages_appended_to_one_file(tmp_path: Path, cli: Any) -> None:
    e = [Entry(i, f"2026-11-01T10:0{i}:00Z", input=i, output=1, duration_ms=1000) for i in range(1, 4)]
    (tmp_path / "pages.json").write_bytes(page([e[1], e[0]]) + b"\n" + page([e[2], e[1]]) + b"\n")
    assert [r["capture_id"] for r in _records(cli, str(tmp_path / "pages.json"))] == [2, 1, 3, 2]
    (tmp_path / "arrays.json").write_text(
        json.dumps([e[0].json("proxy")]) + "\n" + json.dumps([e[1].json("proxy")])
    )
    assert [r["capture_id"] for r in _records(cli, str(tmp_path / "arrays.json"))] == [1, 2]


def test_an_events_dump(tmp_path: Path, cli: Any) -> None:
    e = [Entry(i, f"2026-11-01T10:0{i}:00Z", input=i, output=1, duration_ms=1000) for i in range(1, 3)]
    old = events(
        [
            ("modelStatus", []),
            ("logData", {"source": "proxy", "data": "data: not an entry\n"}),
            ("metrics", [e[0].json("proxy")]),  # the whole log, on connecting
            ("metrics", [e[1].json("proxy")]),
        ]
    )
    (tmp_path / "events.sse").write_bytes(old)
    recs = _records(cli, str(tmp_path / "events.sse"))
    assert [(r["capture_id"], r["started"]) for r in recs] == [
        (1, "2026-11-01T10:00:59.000Z"),
        (2, "2026-11-01T10:01:59.000Z"),
    ]
    (tmp_path / "new.sse").write_bytes(events([("activity", {"id": 7}), ("inflight", {"total": 0})]))
    run = cli("parse", str(tmp_path / "new.sse"), "--format", "json", "--no-cost")
    assert run.exit_code == 0 and run.json() == []
    assert "by id only" in run.stderr


def test_non_inference_routes_are_skipped_without_a_warning(tmp_path: Path, cli: Any) -> None:
    routes = [
        "/v1/messages/count_tokens",
        "/v1/embeddings",
        "/v1/rerank",
        "/v1/audio/speech",
        "/v1/images/generations",
        "/sdapi/v1/txt2img",
    ]
    make_store(
        tmp_path / "a.db", [Entry(i, "2026-11-01T10:00:00Z", req_path=p) for i, p in enumerate(routes, 1)]
    )
    run = cli("parse", str(tmp_path / "a.db"), "--format", "json", "--no-cost", "--strict")
    assert run.exit_code == 0 and run.json() == [], run.stderr


# --- hostile stores -----------------------------------------------------------------------------


def test_wrong_types_in_every_column(tmp_path: Path, cli: Any) -> None:
    db = sqlite3.connect(tmp_path / "odd.db")
    db.execute(
        "CREATE TABLE activity (id, ts_created, model_id, req_path, resp_content_type, resp_status_code, "
        "cache_tokens, draft_tokens, draft_acc_tokens, input_tokens, output_tokens, prompt_per_second, "
        "tokens_per_second, duration_ms, error_msg, metadata_json)"
    )
    db.execute(
        "INSERT INTO activity VALUES ('x', 'y', 3, 4, 5, 'z', 'a', x'00', 1.5, 'b', 'c', 'd', 'e', 'f', 7, 8)"
    )
    db.execute("INSERT INTO activity VALUES (NULL, 1.0e300" + ", NULL" * 14 + ")")
    db.commit()
    db.close()
    recs = _records(cli, str(tmp_path / "odd.db"))
    assert len(recs) == 2
    assert recs[0]["capture_id"] is None and recs[0]["started"] is None and recs[0]["model"] is None
    assert any(w == "activity id is not a whole number: 'x'" for w in recs[0]["warnings"])
    assert any("timestamp" in w for w in recs[1]["warnings"])


def test_a_table_missing_columns(tmp_path: Path, cli: Any) -> None:
    db = sqlite3.connect(tmp_path / "thin.db")
    db.execute("CREATE TABLE activity (id INTEGER PRIMARY KEY, ts_created INTEGER, model_id TEXT)")
    db.execute("INSERT INTO activity VALUES (1, ?, 'm')", (_t("2026-11-01T10:00:00Z"),))
    db.commit()
    db.close()
    (rec,) = _records(cli, str(tmp_path / "thin.db"))
    assert rec["started"] == "2026-11-01T10:00:00.000Z" and rec["model"] == "m"
    assert any(w.startswith("llama-swap's activity table has no req_path") for w in rec["warnings"])


def test_a_truncated_store_is_one_error_and_the_rest_is_reported(
    data_dir: Path, tmp_path: Path, cli: Any
) -> None:
    cut = tmp_path / "cut.db"
    cut.write_bytes((data_dir / "activity.db").read_bytes()[:5000])
    other = tmp_path / "other.db"
    other.write_bytes(b"SQLite format 3\x00" + b"\xff" * 100)
    run = cli(
        "summarize", str(cut), str(other), str(data_dir / "captures.db"), "--format", "json", "--no-cost"
    )
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2 and all("SQLite" in line or "llama-swap" in line for line in errors), run.stderr
    assert "Traceback" not in run.stderr
    assert run.json()["totals"]["requests"] == 3  # the captures beside are still counted


def test_an_sqlite_file_of_something_else(tmp_path: Path, cli: Any) -> None:
    db = sqlite3.connect(tmp_path / "notes.db")
    db.execute("CREATE TABLE notes (body TEXT)")
    db.execute("CREATE VIEW activity AS SELECT 1 AS id")
    db.commit()
    db.close()
    run = cli("parse", str(tmp_path / "notes.db"), "--format", "json")
    assert run.exit_code == 1 and "not a llama-swap store" in run.stderr
    walked = cli("parse", str(tmp_path), "--format", "json")
    assert walked.exit_code == 0 and "skipped" in walked.stderr


def test_the_captures_commands_read_a_captures_database(data_dir: Path, cli: Any) -> None:
    run = cli("captures", "list", str(data_dir / "captures.db"), "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert [c["id"] for c in run.json()] == [1, 2, 4, 9]


def test_a_damaged_store_never_escapes_as_a_traceback(data_dir: Path, tmp_path: Path) -> None:
    """Bytes overwritten anywhere in a store: records, or one input error, nothing else."""
    import random

    from llmstat.errors import LlmstatError
    from llmstat.sources.pipeline import read_input

    good = (data_dir / "activity.db").read_bytes()
    rng = random.Random(17)
    damaged = tmp_path / "damaged.db"
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            at_ = rng.randrange(16, len(data))
            data[at_ : at_ + 4] = rng.randbytes(4)
        damaged.write_bytes(bytes(data))
        res = read_input(str(damaged))
        assert res.error is None or isinstance(res.error, LlmstatError)


def test_a_capture_kept_twice_is_one_partner(tmp_path: Path, cli: Any) -> None:
    make_store(
        tmp_path / "activity.db", [Entry(1, "2026-11-01T10:00:00Z", input=3, output=4, duration_ms=5)], "a1b2"
    )
    data = blob(1, chat_body("chatcmpl-1", 0, 8, 0, 9))
    make_captures_db(tmp_path / "captures.db", {1: data}, "a1b2")
    write_cap(tmp_path / "captures", "a1b2", 1, data)
    (rec,) = _records(cli, str(tmp_path))
    assert (rec["id"], rec["tokens"]["input"], rec["warnings"]) == ("chatcmpl-1", 8, [])


@pytest.mark.parametrize(
    ("filters", "count"),
    # qwen3-8b-q4: capture 1's model before its join, none after
    [([], 6), (["--model", "qwen3-8b"], 5), (["--model", "qwen3-8b-q4"], 0)],
)
def test_a_summary_taken_before_the_join_is_the_joined_records_sum(
    tmp_path: Path, cli: Any, filters: list[str], count: int
) -> None:
    """The summary takes each input as it comes, the join only once every input is read: here
    the captures come first (their folder sorts before the store), so what was summed of them
    alone is summed anew once their entries pair with them. Its requests are then what ``parse``
    (which joins first) gives, priced and filtered alike, and no warning is left over from the
    captures alone (capture 1's body names a model no entry does, and the prices miss it)."""
    for cid, data in BLOBS.items():
        write_cap(tmp_path / "caps", "a1b2", cid, data)
    make_store(tmp_path / "z-activity.db", ENTRIES, "a1b2")
    prices = tmp_path / "prices.toml"
    prices.write_text('[models]\n"qwen3-8b" = { input = 1, cache_read = 0.5, output = 2 }\n"claude-*" = 0\n')
    common = [str(tmp_path), "--format", "json", "--prices", str(prices), *filters]
    parsed = cli("parse", *common)
    summed = cli("summarize", *common)
    assert summed.exit_code == parsed.exit_code == 0, summed.stderr
    records = parsed.json()
    summary = summed.json()
    assert summary["requests"] == records
    assert summary["totals"]["requests"] == len(records) == count
    assert (summary["totals"]["cost_usd"] or 0) == pytest.approx(sum(r["cost_usd"] or 0 for r in records))
    assert "qwen3-8b-q4" not in summed.stderr
    assert [line for line in summed.stderr.splitlines() if "no price" in line] == [
        line for line in parsed.stderr.splitlines() if "no price" in line
    ]
    # the captures alone (no store) are not joined, and are summed as they are
    alone = cli("summarize", str(tmp_path / "caps"), "--format", "json", "--prices", str(prices), *filters)
    assert alone.json()["requests"] == cli("parse", str(tmp_path / "caps"), "--format", "json",
                                           "--prices", str(prices), *filters).json()  # fmt: skip
