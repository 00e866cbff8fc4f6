"""llama-swap's SQLite files: the store (``store.path``: table ``activity``, and ``meta`` with
the instance's ``database_id``) and the captures database (``captures(id, data, size)``, each
``data`` a capture blob as llama-swap writes ``.cap`` files).

A store is read while llama-swap may be writing it. With a ``-wal`` file beside it (the newest
rows are there) it is opened read-only by URI: in WAL mode a reader never blocks the writer.
Otherwise its bytes are read into memory, so that no lock is taken and no ``-shm`` file is
left beside it. Nothing is ever written, no extension can load, and the schema's own SQL is
not trusted. Columns are found by name: a missing one is null with a warning.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any

import orjson

from llmstat.errors import InputError, NotARecording
from llmstat.exchange import Capture
from llmstat.framing.encoding import unzstd
from llmstat.record import Origin, Record, Skipped
from llmstat.sources.activity import STORE_COLUMNS, entry_from_fields, record_from_entry
from llmstat.sources.capture import capture_from_cbor, captures_from_document, records_of_capture
from llmstat.sources.head import Head
from llmstat.sources.peeked import Peeked
from llmstat.sources.source import Reading

if TYPE_CHECKING:
    import sqlite3

MAGIC = b"SQLite format 3\x00"
NOT_A_STORE = "an SQLite database without an activity or captures table (not a llama-swap store)"


def sniff_sqlite(head: Head) -> bool:
    return head.raw.startswith(MAGIC)


def _harden(db: sqlite3.Connection) -> sqlite3.Connection:
    if hasattr(db, "enable_load_extension"):
        db.enable_load_extension(False)
    db.execute("PRAGMA trusted_schema = OFF")  # no SQL functions run from views or triggers
    db.execute("PRAGMA query_only = ON")
    # text that is not UTF-8 (a damaged page) is read with replacement characters, not raised
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return db


def _from_disk(path: str) -> sqlite3.Connection:
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    db = sqlite3.connect(uri, uri=True, timeout=5, check_same_thread=False)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here if unreadable
    except sqlite3.Error:
        db.close()
        raise
    return db


def _in_memory(data: bytes) -> sqlite3.Connection:
    if len(data) >= 20 and data[18:20] == b"\x02\x02":
        # a WAL-mode header: without its -wal file, read the copy as a rollback-journal database
        data = data[:18] + b"\x01\x01" + data[20:]
    import sqlite3

    db = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        db.deserialize(data)
    except sqlite3.Error:
        db.close()
        raise
    return db


@contextmanager
def opened(stream: Peeked, cap: int) -> Iterator[sqlite3.Connection]:
    """The database, read-only: a copy in memory, or the file itself while a ``-wal`` file
    beside it holds rows not yet in it (llama-swap running, or stopped without a checkpoint)."""
    import sqlite3  # here, not at the top: every run sniffs for a store, few read one

    db: sqlite3.Connection | None = None
    if stream.path is not None and os.path.exists(stream.path + "-wal"):
        try:
            db = _from_disk(stream.path)
        except sqlite3.Error:
            db = None  # a folder llmstat may not write the -shm file in: read the file alone
    try:
        if db is None:
            db = _in_memory(stream.read_all(cap))
        with closing(_harden(db)):
            yield db
    except sqlite3.Error as e:
        raise InputError(f"not a readable SQLite database ({e})") from None
    except UnicodeDecodeError:
        # sqlite3 decodes SQLite's own error message, which quotes the damaged schema text
        raise InputError("not a readable SQLite database (its schema is damaged)") from None


def _tables(db: sqlite3.Connection) -> set[str]:
    # views are left out: a view named "activity" is not llama-swap's table
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_id(db: sqlite3.Connection, tables: set[str]) -> str | None:
    """The instance a store belongs to: ``meta``'s ``database_id``, as a column or as a
    key/value row."""
    if "meta" not in tables:
        return None
    columns = _columns(db, "meta")
    row: Any = None
    if "database_id" in columns:
        row = db.execute('SELECT "database_id" FROM meta LIMIT 1').fetchone()
    else:
        key = next((c for c in ("key", "name") if c in columns), None)
        if key is not None and "value" in columns:
            row = db.execute(
                f"SELECT value FROM meta WHERE {_quoted(key)} = 'database_id' LIMIT 1"
            ).fetchone()
    value = None if row is None else row[0]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return None if value is None or value == "" else str(value)


def read_sqlite(stream: Peeked, reading: Reading) -> Iterator[Record | Skipped]:
    """The activity entries, then the captures, each a record; an entry and a capture of the
    same id are joined later, with every other input's (``sources/llamaswap_join.py``)."""
    with opened(stream, reading.max_size) as db:
        tables = _tables(db)
        if "activity" not in tables and "captures" not in tables:
            raise NotARecording(NOT_A_STORE)
        instance = database_id(db, tables)
        index = 0
        if "activity" in tables:
            for item in _activity(db, reading, instance):
                yield item
                index += 1
        if "captures" in tables:
            yield from _capture_records(db, reading, instance, index)


def _activity(db: sqlite3.Connection, reading: Reading, instance: str | None) -> Iterator[Record | Skipped]:
    present = _columns(db, "activity")
    columns = [c for c in STORE_COLUMNS if c in present]
    missing = [c for c in STORE_COLUMNS if c not in present]
    note = f"llama-swap's activity table has no {', '.join(missing)}" if missing else None
    if not columns:
        return
    query = f"SELECT {', '.join(map(_quoted, columns))} FROM activity ORDER BY rowid"
    for index, row in enumerate(db.execute(query)):
        fields = dict(zip(columns, row, strict=True))
        ended = fields.pop("ts_created", None)
        entry = entry_from_fields(fields, ended, unix=True)
        if note is not None:
            entry.warnings.append(note)
        yield record_from_entry(entry, reading.source, index, instance)


def _blob_rows(db: sqlite3.Connection) -> Iterator[tuple[Any, Any]]:
    present = _columns(db, "captures")
    if "data" not in present:
        raise InputError("llama-swap's captures table has no data column")
    key = "id" if "id" in present else "rowid"
    yield from db.execute(f"SELECT {key}, data FROM captures ORDER BY {key}")


def capture_of_blob(blob: Any, row_id: Any, cap: int) -> Capture:
    """One ``data`` blob: zstd-compressed CBOR (or JSON, as older releases wrote)."""
    if isinstance(blob, str):
        blob = blob.encode("utf-8", "surrogatepass")
    if not isinstance(blob, bytes) or not blob:
        raise InputError("capture data is not a blob")
    data = unzstd(blob, cap) if blob.startswith(b"\x28\xb5\x2f\xfd") else blob
    if data.lstrip()[:1] == b"{":
        try:
            caps = captures_from_document(orjson.loads(data))
        except orjson.JSONDecodeError as e:
            raise InputError(f"capture JSON is invalid ({e.msg})") from None
        if not caps:
            raise InputError("capture JSON is not a capture")
        capture = caps[0]
    else:
        capture = capture_from_cbor(data)
    if capture.id is None and isinstance(row_id, int) and not isinstance(row_id, bool):
        capture.id = row_id
    return capture


def _capture_records(
    db: sqlite3.Connection, reading: Reading, instance: str | None, start: int
) -> Iterator[Record | Skipped]:
    for index, (row_id, blob) in enumerate(_blob_rows(db), start):
        try:
            capture = capture_of_blob(blob, row_id, reading.max_size)
        except InputError as e:
            yield Skipped(reading.source, index, f"capture {row_id} unreadable: {e.message}", warn=True)
            continue
        for item in records_of_capture(capture, reading, index):
            if isinstance(item, Record):
                item.origin = Origin("capture", instance)
            yield item


def captures_of_sqlite(stream: Peeked, cap: int) -> Iterator[Capture]:
    """What ``llmstat captures list|decode`` read of a captures database."""
    with opened(stream, cap) as db:
        tables = _tables(db)
        if "captures" not in tables:
            what = "llama-swap's activity store" if "activity" in tables else "an SQLite database"
            raise NotARecording(f"{what}, without a captures table")
        for row_id, blob in _blob_rows(db):
            yield capture_of_blob(blob, row_id, cap)
