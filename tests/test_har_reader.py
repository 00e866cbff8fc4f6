"""The streaming HAR entry reader: exact cuts whatever the layout, text or entry size."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.errors import InputError
from llmstat.sources import har as har_mod
from llmstat.sources.har import iter_har_entries

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
entry = st.fixed_dictionaries(
    {
        "request": st.fixed_dictionaries({"method": st.just("POST"), "url": text}),
        "response": st.fixed_dictionaries(
            {"status": st.integers(100, 599), "content": st.dictionaries(text, text)}
        ),
        "comment": text,
    }
)


def read(doc: bytes) -> list[Any]:
    return list(iter_har_entries(io.BytesIO(doc)))


@settings(max_examples=150)
@given(st.lists(entry, max_size=8), st.sampled_from([None, 1, 2, 4]), st.booleans())
def test_entries_come_back_exactly(entries: list[Any], indent: int | None, ascii_only: bool) -> None:
    doc = json.dumps(
        {"log": {"version": "1.2", "entries": entries, "pages": []}}, indent=indent, ensure_ascii=ascii_only
    ).encode()
    assert read(doc) == entries


def test_non_ascii_entries_larger_than_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(har_mod, "_MIN_WINDOW", 64)
    entries = [{"request": {"url": "é€😀" * (50 * i + 1)}, "response": {"n": i}} for i in range(20)]
    for indent in (None, 2):
        doc = json.dumps({"log": {"entries": entries}}, indent=indent, ensure_ascii=False).encode()
        assert read(doc) == entries


def test_damage_after_complete_entries_reports_them_first() -> None:
    doc = json.dumps({"log": {"entries": [{"a": "é"}, {"b": 2}, {"c": 3}]}}).encode()
    cut = doc[: doc.index(b'{"c"') + 3]
    got: list[Any] = []
    with pytest.raises(InputError, match="truncated inside entry 2"):
        got.extend(iter_har_entries(io.BytesIO(cut)))
    assert got == [{"a": "é"}, {"b": 2}]


@pytest.mark.parametrize(
    "doc",
    [
        b'{"log": {"entries": [{"a": 1} {"b": 2}]}}',
        b'{"log": {"entries": [{"a": 1}]}, }',
        b'{"log": {"entries": [{"a": 1]}}',
    ],
)
def test_invalid_json_is_an_input_error(doc: bytes) -> None:
    with pytest.raises(InputError):
        read(doc)
