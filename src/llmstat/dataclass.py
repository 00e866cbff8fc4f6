"""The dataclass decorator of llmstat's classes: the standard one, less the code it writes.

Python's ``dataclasses.dataclass`` writes each class a ``__repr__`` and an ``__eq__``, and a
frozen one a ``__hash__``, a ``__setattr__`` and a ``__delattr__``, as source text that it
compiles: about a third of a millisecond a class, twice that for a frozen one. llmstat defines
some fifty, loaded on every run: a tenth of a command's start-up, for methods that tests,
debugging and a few dictionary keys call. Here they are written once and shared: equal when of
the same class and equal field by field, a frozen class hashed by its fields (any other
unhashable, as an ``eq`` dataclass is), shown as dataclass shows them.

``frozen`` is kept by the type checker (``mypy --strict`` refuses an assignment to a field of
a frozen class), not at run time: the guard dataclass writes costs each class two compiled
methods more and each instance an ``object.__setattr__`` call per field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_VALUES = "_llmstat_values"  # the class attribute: instance -> its field values, in order


@dataclass_transform(field_specifiers=(dataclasses.field,))
def dataclass(*, frozen: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]:
    """``dataclasses.dataclass(frozen=..., slots=...)`` with the shared methods."""

    def wrap(cls: type[T]) -> type[T]:
        made = dataclasses.dataclass(cls, slots=slots, repr=False, eq=False)
        names = tuple(f.name for f in dataclasses.fields(made))  # type: ignore[arg-type]
        values: Callable[[Any], tuple[Any, ...]]
        if len(names) > 1:
            values = attrgetter(*names)
        else:
            values = (lambda obj: (getattr(obj, names[0]),)) if names else (lambda obj: ())
        setattr(made, _VALUES, staticmethod(values))
        made.__eq__ = _eq  # type: ignore[method-assign]
        made.__repr__ = _repr  # type: ignore[method-assign]
        made.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
        return made

    return wrap


def field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """What gives an instance of ``cls`` (made with :func:`dataclass`) its field values, in order."""
    values: Callable[[Any], tuple[Any, ...]] = getattr(cls, _VALUES)
    return values


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        values = getattr(self, _VALUES)
        return values(self) == values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(getattr(self, _VALUES)(self))


def _repr(self: Any) -> str:
    cls = self.__class__
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
    return f"{cls.__qualname__}({shown})"
