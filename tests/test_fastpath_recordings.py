"""The fast path against the reference path on real recordings.

Every stream llmstat reads in fixtures/ and ../shared/conformance (bare SSE and NDJSON
bodies, the streams inside HARs and captures, compressed or not) goes through both paths,
whole and cut into chunks, and every field of every UsageState must agree. The generated
streams of tests/test_fastpath.py cover the odd cases; these hold it to what servers send.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

import llmstat
from llmstat.protocols.fastpath import states_from_stream
from llmstat.protocols.state import UsageState
from llmstat.sources import records as records_module
from llmstat.sources.records import REFERENCE_PATH_ENV, states_from_chunks
from tests.conftest import FIXTURES


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _streams_compared(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Reads every recording under ``root``, comparing both paths on each stream; returns the streams."""
    seen: list[bytes] = []

    def both(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
        data = b"".join(chunks)
        expected = states_from_chunks([data], api_hint, split)
        where = f"{data[:120]!r} (hint {api_hint}, split {split})"
        assert states_from_stream([data], api_hint, split) == expected, where
        for size in (1 << 12, 7):
            assert states_from_stream(_pieces(data, size), api_hint, split) == expected, (size, where)
        seen.append(data)
        return expected

    monkeypatch.delenv(REFERENCE_PATH_ENV, raising=False)
    monkeypatch.setattr(records_module, "states_from_stream", both)
    for _ in llmstat.records(str(root), on_error=lambda e: None):
        pass
    return seen


def test_fixture_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _streams_compared(FIXTURES, monkeypatch)
    # bodies/*.sse and *.ndjson, the SSE bodies in the HARs, the streamed captures
    assert len(seen) >= 30


def test_conformance_streams(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _streams_compared(shared / "conformance", monkeypatch)
    assert len(seen) >= 40
