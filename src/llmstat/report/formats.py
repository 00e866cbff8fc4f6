"""Machine formats. JSON is the CONTRACT.md shape; it never depends on the terminal."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import orjson

from llmstat.record import TOKEN_FIELDS, tidy

CSV_COLUMNS = (
    "source",
    "entry",
    "id",
    "capture_id",
    "started",
    "method",
    "host",
    "path",
    "status",
    "api",
    "stream",
    "model",
    *TOKEN_FIELDS,
    "cost_usd",
    "duration_ms",
    "ttft_ms",
    "prompt_tps",
    "output_tps",
    "error",
    "warnings",
)


# Records and summaries come tidy from their as_dict (record.tidy): not walked again here.
def dumps(obj: Any) -> str:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode()


def render_ndjson_line(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def flat_row(d: dict[str, Any]) -> dict[str, Any]:
    """A record dict with tokens lifted to top level and warnings joined, for CSV."""
    row = {k: v for k, v in d.items() if k not in ("tokens", "warnings", "extras")}
    row.update(d.get("tokens", {}))
    row["warnings"] = "; ".join(d.get("warnings", []))
    return row


def render_csv(rows: Iterable[dict[str, Any]], columns: Iterable[str] = CSV_COLUMNS) -> str:
    import csv  # for --format csv only

    buf = io.StringIO()
    cols = list(columns)
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: ("" if row.get(k) is None else tidy(row.get(k))) for k in cols})
    return buf.getvalue()
