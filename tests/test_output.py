"""The one output writer: what each format writes, whether items come at once or one by one."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from contextlib import redirect_stdout
from typing import Any

import orjson
import pytest

from llmstat.commands.output import (
    Format,
    Output,
    Shape,
    ViewFormat,
    format_of,
    view_format_of,
)

ROWS = [{"id": 1, "text": "a\nb", "tokens": {"input": 3}}, {"id": 2, "text": "", "tokens": {}}]


def _csv(rows: Sequence[dict[str, Any]]) -> str:
    return "id\n" + "".join(f"{r['id']}\n" for r in rows)


def _table(rows: Sequence[dict[str, Any]], width: int) -> list[str]:
    return [f"{len(rows)} rows", "the end"]


ROW_SHAPE: Shape[dict[str, Any]] = Shape(json=dict, csv=_csv, table=_table)


def written(fmt: Format, shape: Shape[dict[str, Any]], *batches: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        writer = Output(fmt, shape)
        for batch in batches:
            writer.add(batch)
        writer.close()
    return out.getvalue()


@pytest.mark.parametrize("batches", [[ROWS], [ROWS[:1], [], ROWS[1:]], [[], []], []])
def test_a_json_array_written_item_by_item_is_the_array_orjson_writes(
    batches: list[list[dict[str, Any]]],
) -> None:
    rows = [r for batch in batches for r in batch]
    expected = orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n"
    assert written(Format.json, ROW_SHAPE, *batches) == expected


def test_ndjson_is_one_line_per_item_or_per_line_of_an_item() -> None:
    assert [json.loads(line) for line in written(Format.ndjson, ROW_SHAPE, ROWS).splitlines()] == ROWS
    tagged: Shape[dict[str, Any]] = Shape(json=dict, lines=lambda r: [{"n": r["id"]}, {"n": -r["id"]}])
    assert written(Format.ndjson, tagged, ROWS) == '{"n":1}\n{"n":-1}\n{"n":2}\n{"n":-2}\n'


def test_json_documents_follow_one_another_without_an_array() -> None:
    documents: Shape[dict[str, Any]] = Shape(json=dict, json_array=False)
    text = written(Format.json, documents, ROWS)
    assert text == "".join(orjson.dumps(r, option=orjson.OPT_INDENT_2).decode() + "\n" for r in ROWS)


def test_csv_and_table_see_every_item_at_the_end() -> None:
    assert written(Format.csv, ROW_SHAPE, ROWS[:1], ROWS[1:]) == "id\n1\n2\n"
    assert written(Format.table, ROW_SHAPE, ROWS[:1], ROWS[1:]) == "2 rows\n\nthe end\n"


def test_a_view_renders_each_item_as_it_comes() -> None:
    views: Shape[dict[str, Any]] = Shape(json=dict, view=lambda r: f"row {r['id']}")
    assert written(Format.table, views, ROWS[:1], ROWS[1:]) == "row 1\n\nrow 2\n"


def test_a_format_the_items_do_not_offer_is_refused() -> None:
    with pytest.raises(ValueError, match="no csv format"):
        Output(Format.csv, Shape(json=dict))
    with pytest.raises(ValueError, match="no table format"):
        Output(Format.table, Shape(json=dict))


def test_json_flag_and_decode_formats() -> None:
    assert format_of(Format.csv, True) is Format.json
    assert format_of(Format.csv, False) is Format.csv
    assert view_format_of(ViewFormat.text, False) is Format.table
    assert view_format_of(ViewFormat.ndjson, False) is Format.ndjson
    assert view_format_of(ViewFormat.text, True) is Format.json
