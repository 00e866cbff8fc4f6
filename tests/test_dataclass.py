"""llmstat's dataclass decorator: the standard dataclass's __repr__, __eq__ and __hash__,
shared rather than compiled per class."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from llmstat.dataclass import dataclass


def _pair(frozen: bool, names: tuple[str, ...]) -> tuple[Any, Any]:
    """The same class made by dataclasses.dataclass and by llmstat's."""
    ns = {"__annotations__": dict.fromkeys(names, "Any"), "__qualname__": "C", "__module__": __name__}
    std = dataclasses.dataclass(type("C", (), dict(ns)), frozen=frozen, slots=True)
    ours = dataclass(frozen=frozen, slots=True)(type("C", (), dict(ns)))
    return std, ours


VALUES = [(), (1,), ("a", None), (1.5, [1, 2], {"k": "v"}), (None, None, None)]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_the_methods_are_the_standard_ones(frozen: bool, count: int) -> None:
    names = tuple("abc"[:count])
    std, ours = _pair(frozen, names)
    samples = [v[:count] for v in VALUES if len(v) >= count]
    for a in samples:
        assert repr(ours(*a)) == repr(std(*a))
        for b in samples:
            assert (ours(*a) == ours(*b)) == (std(*a) == std(*b))
            assert (ours(*a) != ours(*b)) == (std(*a) != std(*b))
        assert ours(*a) != std(*a)  # another class, though its fields are equal
        assert ours(*a) != a
        if frozen:
            try:
                want = hash(std(*a))
            except TypeError:  # a list or dict among the values: unhashable either way
                with pytest.raises(TypeError):
                    hash(ours(*a))
            else:
                assert hash(ours(*a)) == want
        else:
            with pytest.raises(TypeError):
                hash(ours(*a))
    # frozen: kept by the type checker (mypy refuses the assignment), not at run time


def test_the_classes_of_llmstat_compare_hash_and_pickle_by_value() -> None:
    from llmstat.record import Record, Skipped, Tokens

    t = Tokens(input=10, output=2, cache_read=None, cache_write=None, reasoning=None)
    assert t == Tokens(10, 2, None, None, None) and t != Tokens(10, 3, None, None, None)
    assert repr(t) == "Tokens(input=10, output=2, cache_read=None, cache_write=None, reasoning=None)"
    s = Skipped("dump.sse", 3, "not an LLM call")
    assert {s, Skipped("dump.sse", 3, "not an LLM call")} == {s}
    r = Record(source="a.har", entry=1, api="openai.chat", tokens=t)
    assert pickle.loads(pickle.dumps(r)) == r
    assert dataclasses.replace(r, entry=2) != r
