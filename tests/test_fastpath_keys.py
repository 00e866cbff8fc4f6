"""Each feeder reads only keys its dialect's fast-path spec accounts for.

The fast path skips an event when its template admits the event's block and no needle is in
it, trusting that the feeder would change nothing but the count. Here every feeder runs on
events that record which top-level keys it reads (real ones from fixtures/ and
../shared/conformance, generated ones from tests/test_fastpath.py), and the test fails when a
feeder reads a key its spec does not name, or reads an ``inert`` key (one the spec says is
read only from events the template refuses) from an event the fast path would skip.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

import llmstat
from llmstat.protocols import fastpath, registry
from llmstat.protocols.dialect import Dialect, FastPathSpec
from llmstat.protocols.state import UsageState
from llmstat.sources import records as records_module
from llmstat.sources.records import states_from_chunks
from tests.conftest import FIXTURES
from tests.test_fastpath import ndjson_stream, stream

FAST = [d for d in registry.DIALECTS if d.fast_path is not None]


class Recording(dict[str, Any]):
    """A JSON object that notes every top-level key read from it."""

    def __init__(self, obj: dict[str, Any], reads: set[str]) -> None:
        super().__init__(obj)
        self.reads = reads

    def get(self, key: str, default: Any = None) -> Any:
        self.reads.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.reads.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads.add(key)
        return super().__contains__(key)


def _skippable(spec: FastPathSpec, family: Any, obj: dict[str, Any]) -> bool:
    """The fast path could skip this event: its template admits the block, and no needle holds
    anything but its benign value (top-level keys only: the fast path finds nested ones too,
    so this admits more events than it skips, which makes the check stricter)."""
    block = b"data: " + orjson.dumps(obj) + b"\n\n"
    if spec.template(block) is None:
        return False
    for quoted in family.keys:
        key = orjson.loads(quoted)
        if key in obj:
            benign = family.benign.get(quoted)
            if benign is None or orjson.dumps(obj[key]) != benign[0]:
                return False
    return True


class Reads:
    """Every feeder of a dialect with a fast path, wrapped to record what it reads."""

    def __init__(self) -> None:
        self.problems: set[str] = set()
        self.events = 0

    def wrap(self, d: Dialect) -> Any:
        spec = d.fast_path
        assert spec is not None
        allowed = {
            *spec.needles,
            *spec.pinned,
            *spec.benign,
            *spec.inert,
            *spec.needles_within,
            *spec.overwritten,
            *fastpath._ASSEMBLER_KEYS,
        }
        feeder = d.feeder
        family = fastpath._family_of(spec, [d.name])

        def feed(state: UsageState, obj: dict[str, Any], event: str) -> bool:
            reads: set[str] = set()
            skippable = _skippable(spec, family, obj)
            done = feeder(state, Recording(obj, reads), event)
            self.events += 1
            for key in reads - allowed:
                self.problems.add(f"{d.name} reads {key!r}, which its fast-path spec does not name")
            if skippable:
                for key in reads & spec.inert.keys():
                    self.problems.add(f"{d.name} reads inert {key!r} from a skipped event: {obj}")
            return done

        return feed

    def boundaries(self, obj: dict[str, Any]) -> None:
        for rule in registry.BOUNDARIES:
            if rule.chunk_id(obj) is not None and not any(k in obj for k in rule.keys):
                self.problems.add(f"a boundary rule found a chunk id without any of {rule.keys}: {obj}")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    r = Reads()
    for d in FAST:
        monkeypatch.setitem(registry.FEEDERS, d.name, r.wrap(d))
    chunk_id_of = registry.chunk_id_of

    def checked(obj: dict[str, Any]) -> str | None:
        r.boundaries(obj)
        return chunk_id_of(obj)

    monkeypatch.setattr("llmstat.protocols.assembler.chunk_id_of", checked)
    return r


def _read_all(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stream under ``root`` through the reference path, where every event is fed."""

    def reference(chunks: Iterable[bytes], api_hint: str | None, split: bool) -> list[UsageState]:
        return states_from_chunks(chunks, api_hint, split)

    monkeypatch.setattr(records_module, "states_from_stream", reference)
    for _ in llmstat.records(str(root), on_error=lambda e: None):
        pass


def test_feeders_on_fixtures(reads: Reads, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_all(FIXTURES, monkeypatch)
    assert reads.events > 300
    assert not reads.problems, "\n".join(sorted(reads.problems))


def test_feeders_on_conformance(shared: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_all(shared / "conformance", monkeypatch)
    assert reads.events > 500
    assert not reads.problems, "\n".join(sorted(reads.problems))


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(stream(), ndjson_stream())
def test_feeders_on_generated_streams(reads: Reads, sse: bytes, lines: bytes) -> None:
    states_from_chunks([sse], None, True)
    states_from_chunks([lines], None, True)
    assert not reads.problems, "\n".join(sorted(reads.problems))


def test_a_key_left_out_of_a_spec_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a chat spec that forgot "usage" fails on the fixtures."""
    chat = registry.BY_NAME["openai.chat"]
    assert chat.fast_path is not None
    forgetful = Dialect(
        chat.name,
        chat.feeder,
        fast_path=FastPathSpec(
            needles=tuple(k for k in chat.fast_path.needles if k != "usage"),
            template=chat.fast_path.template,
            pinned=chat.fast_path.pinned,
        ),
    )
    r = Reads()
    monkeypatch.setitem(registry.FEEDERS, chat.name, r.wrap(forgetful))
    _read_all(FIXTURES / "bodies", monkeypatch)
    assert any("reads 'usage'" in p for p in r.problems)
