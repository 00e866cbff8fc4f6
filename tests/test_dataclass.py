"""llmstat's dataclass decorator: the standard dataclass's __repr__, __eq__ and __hash__,
shared rather than compiled per class."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from llmstat.dataclass import dataclass


def _pair(frozen: bool, names: tuple[str, ...]) -> tuple[Any, Any]:
    """The same class made by dataclasses.dataclass and by llmstat's."""
    ns = {"__annotations__": dict.fromkeys(names, "Any"), "__qualname__": "C", "__module__": __name__}
    std: Any = dataclasses.dataclass(type("C", (), dict(ns)), frozen=frozen, slots=True)
    ours: Any = dataclass(frozen=frozen, slots=True)(type("C", (), dict(ns)))
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


# the same classes made by both: every kind of field llmstat uses, and a subclass
_SOURCE = '''
from __future__ import annotations
from dataclasses import field
from typing import Any

class Base:
    """A base."""

    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    note: Any = field(default=None)

class Child(Base):
    """A subclass that adds fields."""

    extra: dict[str, int] = field(default_factory=dict)
    flag: bool = False

class Self:
    """A field named self."""

    self: int
    other: int = 2
'''


def _made(decorate: Any) -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": __name__}
    exec(_SOURCE, ns)
    for name in ("Base", "Child", "Self"):
        ns[name] = decorate(ns[name])
        if name == "Base":  # a subclass is made of the decorated base
            ns["Child"] = type(ns["Child"])("Child", (ns["Base"],), dict(ns["Child"].__dict__))
    return ns


@pytest.mark.parametrize("slots", [True, False])
@pytest.mark.parametrize("frozen", [True, False])
def test_the_classes_are_made_as_dataclasses_makes_them(slots: bool, frozen: bool) -> None:
    import orjson

    std = _made(lambda cls: dataclasses.dataclass(cls, frozen=frozen, slots=slots))
    ours = _made(dataclass(frozen=frozen, slots=slots))
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("Base", ("a",), {}),
        ("Base", ("a", 3, ["x"], {"n": 1}), {}),
        ("Base", (), {"name": "b", "note": 5}),
        ("Child", ("c",), {"flag": True}),
        ("Child", ("c", 1, [], None, {"k": 2}, True), {}),
        ("Self", (1,), {}),
        ("Self", (), {"self": 1, "other": 3}),
    ]
    for cls, args, kwargs in calls:
        a, b = std[cls](*args, **kwargs), ours[cls](*args, **kwargs)
        assert [f.name for f in dataclasses.fields(b)] == [f.name for f in dataclasses.fields(a)]
        assert dataclasses.asdict(b) == dataclasses.asdict(a)
        assert orjson.dumps(b) == orjson.dumps(a)
        assert repr(b).replace(".<locals>", "") == repr(a).replace(".<locals>", "")
        copied = copy.deepcopy(b)  # by __reduce_ex__, as pickle (whose classes must be importable)
        assert copied == b and copied is not b
        changed = dataclasses.replace(b, other=9) if cls == "Self" else dataclasses.replace(b, size=7)
        assert changed != b and type(changed) is type(b)
        assert hasattr(b, "__dict__") is hasattr(a, "__dict__")
        assert dataclasses.is_dataclass(b)
    # each instance has a list and a dict of its own
    one, two = ours["Child"]("x"), ours["Child"]("y")
    assert one.tags is not two.tags and one.extra is not two.extra
    if slots:
        assert ours["Child"].__slots__ == std["Child"].__slots__ == ("extra", "flag")
        with pytest.raises(AttributeError):
            ours["Base"]("a").unknown = 1


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("a", 1, [], None, "too many"), {}), (("a",), {"nope": 1}), (("a",), {"name": "b"})],
)
def test_a_wrong_call_is_refused_as_by_dataclasses(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    std = _made(lambda cls: dataclasses.dataclass(cls, slots=True))
    ours = _made(dataclass(slots=True))
    with pytest.raises(TypeError) as want:
        std["Base"](*args, **kwargs)
    with pytest.raises(TypeError) as got:
        ours["Base"](*args, **kwargs)
    assert str(got.value).split(".", 1)[-1] == str(want.value).split(".", 1)[-1]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("a: int = 1\n    b: int", TypeError),  # no default after a default
        ("a: list[int] = []", ValueError),  # one list shared by every instance
        ("a: int = field(default=0, repr=False)", TypeError),  # an option not made here: refused
        ("a: int = field(default=0, compare=False)", TypeError),
        ("a: int = field(init=False, default=0)", TypeError),
        ("a: InitVar[int]", TypeError),  # pseudo-fields dataclass knows: refused, not made fields
        ("_: KW_ONLY\n    a: int = 0", TypeError),
    ],
)
def test_a_class_dataclasses_would_make_otherwise_is_refused(body: str, error: type[Exception]) -> None:
    ns: dict[str, Any] = {"__name__": __name__}
    exec(f"from __future__ import annotations\nfrom dataclasses import field\nclass C:\n    {body}\n", ns)
    with pytest.raises(error):
        dataclass()(ns["C"])


def test_a_class_variable_is_no_field() -> None:
    ns: dict[str, Any] = {"__name__": __name__}
    source = "class C:\n    a: int\n    kind: ClassVar[str] = 'c'\n    every: typing.ClassVar[int] = 1\n"
    exec(f"from __future__ import annotations\n{source}", ns)
    made = dataclass(slots=True)(ns["C"])
    assert [f.name for f in dataclasses.fields(made)] == ["a"]
    assert (made.kind, made.every, made(1).a) == ("c", 1, 1)
    # annotations evaluated (a module without the __future__ import): the same
    evaluated: dict[str, Any] = {"__name__": __name__}
    exec(f"import typing\nfrom typing import ClassVar\n{source}", evaluated)
    made = dataclass(slots=True)(evaluated["C"])
    assert [f.name for f in dataclasses.fields(made)] == ["a"]
    assert (made.kind, made.every, made(1).a) == ("c", 1, 1)
