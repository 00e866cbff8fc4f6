"""Property-based tests: any split of the bytes gives the same records; random or damaged bytes
never raise anything but llmstat's own error type."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmstat import records_from_bytes
from llmstat.errors import LlmstatError
from llmstat.sources.records import states_from_chunks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STREAMS = sorted(p for p in (FIXTURES / "bodies").iterdir() if p.suffix in (".sse", ".ndjson"))
ALL = sorted(p for p in FIXTURES.rglob("*") if p.is_file())


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    out, last = [], 0
    for p in points:
        out.append(data[last:p])
        last = p
    return [*out, data[last:]]


def as_dicts(data: bytes) -> list[dict[str, object]]:
    return [r.as_dict() for r in records_from_bytes(data, "x")]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STREAMS), st.lists(st.integers(min_value=0, max_value=20_000), max_size=12))
def test_any_split_gives_the_same_states(path: Path, cuts: list[int]) -> None:
    data = path.read_bytes()
    if data.startswith(b"HTTP/"):
        return
    whole = states_from_chunks([data], None, split=True)
    assert states_from_chunks(split(data, cuts), None, split=True) == whole


@settings(max_examples=300)
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_llmstat_errors(data: bytes) -> None:
    with contextlib.suppress(LlmstatError):
        as_dicts(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL), st.integers(min_value=0), st.binary(max_size=16), st.booleans())
def test_damaged_recordings_raise_only_llmstat_errors(path: Path, at: int, junk: bytes, cut: bool) -> None:
    data = path.read_bytes()
    at %= len(data) + 1
    damaged = data[:at] if cut else data[:at] + junk + data[at:]
    try:
        records = as_dicts(damaged)
    except LlmstatError:
        return
    for r in records:
        tokens = r["tokens"]
        assert isinstance(tokens, dict)
        assert all(v is None or (isinstance(v, int) and v >= 0) for v in tokens.values())
