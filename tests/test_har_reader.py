"""The streaming HAR entry reader: exact cuts whatever the layout, text or entry size."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.errors import InputError
from llmstat.sources import har as har_mod
from llmstat.sources.har import iter_har_entries

# Text that looks like the end of an entry in one layout or another: inside a string its quotes
# and newlines are escaped, so no cut may be made there.
TRICKY = ['}, {"request": ', '},{"response":', "\n  }\n", "\r\n\t\t}", '"}]}', "é€😀"]
text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(TRICKY),
)
header = st.fixed_dictionaries({"name": text, "value": text})
entry = st.fixed_dictionaries(
    {
        "request": st.fixed_dictionaries(
            # arrays of objects: "}, {" inside an entry, at every indent deeper than the entry's
            {"method": st.just("POST"), "url": text, "headers": st.lists(header, max_size=3)}
        ),
        "response": st.fixed_dictionaries(
            {"status": st.integers(100, 599), "content": st.dictionaries(text, text)}
        ),
        "comment": text,
    }
)

# The layouts of json.dumps: Python's default (one line, ", " and ": "), minified, indented by
# 0 (every line at the margin), 1, 2 or 4 spaces or a tab.
LAYOUTS: dict[str, dict[str, Any]] = {
    "python": {},
    "minified": {"separators": (",", ":")},
    "indent0": {"indent": 0},
    "indent1": {"indent": 1},
    "indent2": {"indent": 2},
    "indent4": {"indent": 4},
    "tab": {"indent": "\t"},
}


def read(doc: bytes) -> list[Any]:
    return list(iter_har_entries(io.BytesIO(doc)))


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with the keys of every object in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def har_bytes(entries: list[Any], layout: str, crlf: bool = False, ascii_only: bool = True) -> bytes:
    doc = json.dumps(
        {"log": {"version": "1.2", "entries": entries, "pages": []}},
        ensure_ascii=ascii_only,
        **LAYOUTS[layout],
    )
    # A raw newline is only ever a line end: those in strings are escaped.
    return (doc.replace("\n", "\r\n") if crlf else doc).encode()


@settings(max_examples=300)
@given(
    st.lists(entry, max_size=8),
    st.sampled_from(sorted(LAYOUTS)),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.randoms(use_true_random=False)),
    st.booleans(),
)
def test_entries_come_back_exactly(
    entries: list[Any],
    layout: str,
    crlf: bool,
    ascii_only: bool,
    rng: random.Random | None,
    small: bool,
) -> None:
    if rng is not None:  # every entry's keys (and its objects') in an order of its own
        entries = [shuffled(e, rng) for e in entries]
    doc = har_bytes(entries, layout, crlf, ascii_only)
    with pytest.MonkeyPatch.context() as mp:
        if small:  # entries larger than the window and markers beyond the horizon
            mp.setattr(har_mod, "_MIN_WINDOW", 16)
            mp.setattr(har_mod, "_HORIZON", 16)
        assert read(doc) == entries


def llm_entry(i: int, rng: random.Random) -> dict[str, Any]:
    """An OpenAI chat call of about 10 kB: headers, a prompt with look-alikes of entry ends."""
    prompt = " ".join(rng.choice(["word", "é€😀", *TRICKY]) for _ in range(1200))
    body = {
        "id": f"chatcmpl-{i}",
        "object": "chat.completion",
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
        "usage": {"prompt_tokens": 10 + i % 7, "completion_tokens": 5, "total_tokens": 15 + i % 7},
    }
    headers = [{"name": "content-type", "value": "application/json"}, {"name": "x-n", "value": str(i)}]
    return {
        "startedDateTime": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
        "time": 12.5,
        "request": {
            "method": "POST",
            "url": "https://api.openai.com/v1/chat/completions",
            "headers": headers,
            "postData": {"mimeType": "application/json", "text": json.dumps({"messages": [prompt]})},
        },
        "response": {
            "status": 200,
            "headers": headers,
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """[n]: how many times the reader has called orjson.loads since (the cost of a cut)."""
    calls = [0]
    loads = har_mod.orjson.loads

    def counting(data: Any) -> Any:
        calls[0] += 1
        return loads(data)

    monkeypatch.setattr(har_mod.orjson, "loads", counting)
    return calls


@pytest.mark.parametrize("layout", sorted(set(LAYOUTS) - {"indent0"}))
def test_one_parse_per_entry_where_the_layout_holds(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries of one writer are cut at their learnt marker and parsed once; only the first
    (which teaches the marker) and the last (no marker follows) are parsed the windowed way."""
    rng = random.Random(layout)
    entries = [llm_entry(i, rng) for i in range(30)]
    parses = count_parses(monkeypatch)
    for crlf in (False, True):
        parses[0] = 0
        assert read(har_bytes(entries, layout, crlf, ascii_only=False)) == entries
        assert parses[0] <= len(entries) + 4


@pytest.mark.parametrize("layout", ["python", "minified", "indent0"])
def test_a_rare_first_key_is_not_learnt_for_good(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry 1 (which teaches the marker) and every tenth start with a key the others lack: each
    costs an extra parse or two, not every entry after it."""
    rng = random.Random(7)
    entries = [llm_entry(i, rng) for i in range(60)]
    entries = [{"_fromCache": "memory", **e} if i % 10 == 1 else e for i, e in enumerate(entries)]
    parses = count_parses(monkeypatch)
    assert read(har_bytes(entries, layout)) == entries
    assert parses[0] <= len(entries) + 3 * 6 + 4


def test_first_keys_that_change_between_entries() -> None:
    """One line, every third entry starting with another key: the learnt marker finds a later
    entry, and orjson's "content after document" still cuts this one where it ends."""
    rng = random.Random(3)
    entries = [llm_entry(i, rng) for i in range(12)]
    entries = [{"comment": "x", **e} if i % 3 == 1 else e for i, e in enumerate(entries)]
    entries[5] = shuffled(entries[5], rng)
    for layout in ("python", "minified"):
        assert read(har_bytes(entries, layout)) == entries


@pytest.mark.parametrize("layout", ["python", "minified", "indent2"])
def test_buffer_follows_the_largest_entry_not_the_file(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With small reads, a 9 MiB HAR whose largest entry is 1 MiB is read through a buffer of a
    few MiB, even where the learnt marker misses (keys in another order, that large entry)."""
    monkeypatch.setattr(har_mod, "_READ", 64 << 10)
    monkeypatch.setattr(har_mod, "_HORIZON", 256 << 10)
    peak = 0
    fill = har_mod._Buffer.fill

    def measured(self: Any, need: int) -> None:
        nonlocal peak
        fill(self, need)
        peak = max(peak, len(self.buf))

    monkeypatch.setattr(har_mod._Buffer, "fill", measured)
    rng = random.Random(5)
    entries = [llm_entry(i, rng) for i in range(400)]
    entries = [shuffled(e, rng) if i % 7 == 3 else e for i, e in enumerate(entries)]
    entries[200]["comment"] = "x" * (1 << 20)
    doc = har_bytes(entries, layout)
    assert len(doc) > 9 << 20
    assert read(doc) == entries
    assert peak <= 3 << 20


def python_layout_har(path: Path, size: int) -> int:
    """Write a HAR the way ``json.dump(har, f)`` does, of about ``size`` bytes, entry by entry
    (the test itself must not hold it); every seventh entry has its keys in another order."""
    rng = random.Random(13)
    n = written = 0
    with path.open("wb") as fh:
        written += fh.write(
            b'{"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": ['
        )
        while written < size:
            e = llm_entry(n, rng)
            text = (", " if n else "") + json.dumps(shuffled(e, rng) if n % 7 == 3 else e)
            written += fh.write(text.encode())
            n += 1
        fh.write(b"]}}")
    return n


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
def test_large_python_layout_har_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "python.har"
    n = python_layout_har(path, 40 << 20)
    # A process of its own whose only child is llmstat: RUSAGE_CHILDREN is then llmstat's peak.
    probe = (
        "import resource, subprocess, sys\n"
        "out = subprocess.run(sys.argv[1:], capture_output=True, check=True).stdout\n"
        "sys.stdout.buffer.write(out)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    )
    llmstat = [sys.executable, "-m", "llmstat", "summarize", str(path), "--format", "json"]
    run = subprocess.run(
        [sys.executable, "-c", probe, *llmstat, "--no-cost", "--no-requests"],
        capture_output=True,
        check=True,
    )
    size_mb = path.stat().st_size >> 20
    path.unlink()  # pytest keeps the temporary directories of recent runs
    peak_mb = int(run.stderr.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux
    assert peak_mb < 250, f"llmstat peaked at {peak_mb:.0f} MB over a {size_mb} MB HAR"
    totals = json.loads(run.stdout)["totals"]
    assert totals["requests"] == n
    assert totals["tokens"]["output"] == 5 * n


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_non_ascii_entries_larger_than_the_window(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(har_mod, "_MIN_WINDOW", 64)
    monkeypatch.setattr(har_mod, "_HORIZON", 64)
    entries = [{"request": {"url": "é€😀" * (50 * i + 1)}, "response": {"n": i}} for i in range(20)]
    for crlf in (False, True):
        assert read(har_bytes(entries, layout, crlf, ascii_only=False)) == entries


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
