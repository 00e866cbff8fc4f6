"""Regular expressions compiled on first use, for the modules that hold them.

``re.compile`` parses and compiles a pattern in Python, 20-200 us each. llmstat's modules hold
some thirty, most for inputs or options a run never meets (a cassette's first line, a Go
duration, a rate-limit header, a ``--window`` spec), and compiling them all as the modules load
was a sixth of loading the reading code, which every run waits for before the first input is
read. A pattern made here is compiled the first time one of its attributes is asked for; its
methods then sit in the instance's ``__dict__``, found as fast as a compiled pattern's own.

The few that every input is asked (the sniffs' and the fast path's) are compiled with
``re.compile`` as their modules load: that is before the early reader is forked
(``sources/early.py``), once for both processes, where a pattern compiled on first use would be
compiled by each.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

# what the modules ask of a pattern: each is set on the instance once it is compiled
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "pattern",
    "flags",
)


class _Later:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for an attribute not set yet: the first use
        compiled = re.compile(*self._args)  # type: ignore[type-var]
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"compile_later({self._args[0]!r}, {self._args[1]})"


def compile_later(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[AnyStr]", _Later(pattern, flags))
