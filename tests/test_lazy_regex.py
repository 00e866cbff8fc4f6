"""Patterns compiled on first use: the same answers as re.compile's, and none compiled while
llmstat's modules load."""

from __future__ import annotations

import re
import subprocess
import sys

from llmstat.lazy_regex import compile_later


def test_a_pattern_answers_as_the_compiled_one() -> None:
    for pattern, flags, text in [
        (r"^(\d+)([hd])(?:_|$)", 0, "5h_opus 7d"),
        (r"(mon|tue)[a-z]*", re.IGNORECASE, "Monday, TUESDAY"),
        (rb"^data:\s*(\S+)", re.MULTILINE, b"data: a\nevent: x\ndata:b\n"),
    ]:
        want, got = re.compile(pattern, flags), compile_later(pattern, flags)
        assert "search" not in vars(got)  # not compiled yet
        assert got.pattern == want.pattern and got.flags == want.flags
        assert "search" in vars(got)
        assert [m.groups() for m in got.finditer(text)] == [m.groups() for m in want.finditer(text)]
        assert got.findall(text) == want.findall(text)
        assert got.split(text) == want.split(text)
        m, n = got.search(text), want.search(text)
        assert m is not None and n is not None and m.span() == n.span()
        assert (got.match(text) is None) == (want.match(text) is None)
        assert (got.fullmatch(text) is None) == (want.fullmatch(text) is None)
        dash = b"-" if isinstance(text, bytes) else "-"
        assert got.sub(dash, text) == want.sub(dash, text)  # type: ignore[arg-type]


def test_loading_llmstat_compiles_no_pattern() -> None:
    # what the modules compile as they load is what every run waits for: their patterns are
    # compiled when first used (the libraries they import compile their own, counted apart)
    code = """
import re, sys
import orjson, typer, rich  # their own patterns
made = []
compile = re.compile
def counting(*args, **kwargs):
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if caller.startswith("llmstat"):
        made.append((caller, args[0]))
    return compile(*args, **kwargs)
re.compile = counting
import llmstat.commands.app, llmstat.sources.pipeline, llmstat.summary.builder, llmstat.pricing.pricer
import llmstat.report.summary_table, llmstat.report.redact, llmstat.summary.windows
print(made)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
