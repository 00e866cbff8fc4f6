"""The dataclass decorator of llmstat's classes: what ``dataclasses.dataclass`` makes, for less.

llmstat defines some fifty classes, loaded on every run, most of them before the first input is
read. ``dataclasses.dataclass`` spent 0.2-0.3 ms on each, a third of loading the reading code:
half of it compiling an ``__init__`` with a closure, annotations and a default object per
field, the rest checking every annotation for ``ClassVar``, ``InitVar`` and ``KW_ONLY`` with
regular expressions, and writing each class a ``__repr__`` and an ``__eq__`` (a frozen one a
``__hash__``, a ``__setattr__`` and a ``__delattr__``) as source text that it compiles too.

This decorator makes the same classes from the subset llmstat uses (fields with a default or a
``field(default_factory=...)``, ``slots``, ``frozen``, a base that is one of them) in under half
of that (0.09 ms for a class of eight fields): one small ``__init__`` compiled, whose defaults
are its own ``__defaults__``, and ``__repr__``, ``__eq__`` and ``__hash__`` written once and
shared (equal when of the same class and equal field by field, a frozen class hashed by its
fields, any other unhashable, as an ``eq`` dataclass is, shown as dataclass shows them). The
classes carry the ``__dataclass_fields__`` of standard ``dataclasses.Field`` objects, so
``dataclasses.fields``, ``replace`` and ``asdict`` and orjson take them as dataclasses. Any
other option of ``field`` is refused rather than ignored.

``frozen`` is kept by the type checker (``mypy --strict`` refuses an assignment to a field of a
frozen class), not at run time: the guard dataclass writes costs each class two compiled methods
more and each instance an ``object.__setattr__`` call per field.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, TypeVar, cast, dataclass_transform, get_origin

T = TypeVar("T")

_VALUES = "_llmstat_values"  # the class attribute: instance -> its field values, in order
_FIELDS = "__dataclass_fields__"  # what dataclasses.fields and orjson look for
_MISSING: Any = dataclasses.MISSING
# the marker dataclasses.fields keeps a Field by (not a ClassVar or an InitVar pseudo-field)
_FIELD_KIND = dataclasses._FIELD  # type: ignore[attr-defined]


class _Factory:
    """The default of a parameter whose field has a default factory: call it."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass_transform(field_specifiers=(dataclasses.field,))
def dataclass(*, frozen: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]:
    """``dataclasses.dataclass(frozen=..., slots=...)``, made as the module says."""

    def wrap(cls: type[T]) -> type[T]:
        made: Any = cls  # its methods are set here, which the type checker refuses of a type
        fields = _fields_of(made)
        names = tuple(fields)
        made.__dataclass_fields__ = fields
        made.__init__ = _init_of(made, fields)
        made.__match_args__ = names  # type: ignore[misc]
        if slots:
            made = _with_slots(made, names)
        values: Callable[[Any], tuple[Any, ...]]
        if len(names) > 1:
            values = attrgetter(*names)
        else:
            values = (lambda obj: (getattr(obj, names[0]),)) if names else (lambda obj: ())
        setattr(made, _VALUES, staticmethod(values))
        made.__eq__ = _eq
        made.__repr__ = _repr
        made.__hash__ = _hash if frozen else None
        return cast("type[T]", made)

    return wrap


def _fields_of(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields of ``cls``: its bases' first, then its own annotations in order."""
    fields: dict[str, dataclasses.Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(base.__dict__.get(_FIELDS, {}))
    for name, kind in inspect.get_annotations(cls).items():
        if _is_class_var(kind):
            continue
        if _is_pseudo_field(kind):
            raise TypeError(f"{cls.__qualname__}.{name}: InitVar and KW_ONLY are not made here")
        default = cls.__dict__.get(name, _MISSING)
        if isinstance(default, dataclasses.Field):
            f = default
            if (f.init, f.repr, f.hash, f.compare, f.kw_only) != (True, True, None, True, _MISSING):
                raise TypeError(
                    f"{cls.__qualname__}.{name}: only field(default=...) or field(default_factory=...)"
                )
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        else:
            if default.__class__ in (list, dict, set):
                raise ValueError(
                    f"{cls.__qualname__}.{name}: a mutable default; use field(default_factory=...)"
                )
            f = dataclasses.field(default=default)
        f.name = name
        f.type = kind
        f._field_type = _FIELD_KIND  # type: ignore[attr-defined]
        fields[name] = f
    return fields


def _is_class_var(kind: Any) -> bool:
    """A ``ClassVar`` annotation, as written (``from __future__ import annotations``) or as a type."""
    if isinstance(kind, str):
        return kind.startswith(("ClassVar", "typing.ClassVar"))
    return kind is ClassVar or get_origin(kind) is ClassVar


def _is_pseudo_field(kind: Any) -> bool:
    """An ``InitVar`` or ``KW_ONLY`` annotation: what dataclass reads as no plain field."""
    if isinstance(kind, str):
        return kind.startswith(("InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY"))
    return kind is dataclasses.KW_ONLY or isinstance(kind, dataclasses.InitVar)


def _init_of(cls: type, fields: dict[str, dataclasses.Field[Any]]) -> Callable[..., None]:
    """``__init__(self, <field>, ...)``: each field's value, its default or a new one from its
    factory. The defaults are the function's ``__defaults__``, not names it compiles."""
    names = list(fields)
    me = "__dataclass_self__" if "self" in names else "self"
    # names no field has: the sentinel and the factories, as the function's globals
    scope: dict[str, Any] = {"__factory__": _FACTORY}
    lines = []
    defaults: list[Any] = []
    for i, f in enumerate(fields.values()):
        name = f.name
        if f.default_factory is not _MISSING:
            scope[f"__factory_{i}__"] = f.default_factory
            defaults.append(_FACTORY)
            lines.append(f" {me}.{name} = __factory_{i}__() if {name} is __factory__ else {name}")
            continue
        if f.default is not _MISSING:
            defaults.append(f.default)
        elif defaults:
            raise TypeError(
                f"{cls.__qualname__}: field {name!r} without a default follows one with a default"
            )
        lines.append(f" {me}.{name} = {name}")
    source = f"def __init__({', '.join([me, *names])}):\n" + ("\n".join(lines) or " pass") + "\n"
    exec(source, scope)  # made of the class's own annotation names, which are identifiers
    init: Callable[..., None] = scope["__init__"]
    init.__defaults__ = tuple(defaults) or None
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _with_slots(cls: type, names: tuple[str, ...]) -> type:
    """``cls`` made anew with a slot for each field its bases have none for (a class's slots
    are fixed when it is made), as dataclass does."""
    inherited: set[str] = set()
    for base in cls.__mro__[1:-1]:
        slots = base.__dict__.get("__slots__", ())
        inherited.update((slots,) if isinstance(slots, str) else slots)
    body = dict(cls.__dict__)
    body["__slots__"] = tuple(n for n in names if n not in inherited)
    for name in names:
        body.pop(name, None)  # a default is the __init__'s; a class attribute would hide the slot
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    made = type(cls)(cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    return made


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
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(cls, _FIELDS))
    return f"{cls.__qualname__}({shown})"
