"""Patterns compiled on first use: the same answers as re.compile's, and none compiled while
llmstat's modules load."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from typing import Any

from llmstat.lazy_regex import compile_later


def test_a_pattern_answers_as_the_compiled_one() -> None:
    cases: list[tuple[Any, int, Any]] = [
        (r"^(\d+)([hd])(?:_|$)", 0, "5h_opus 7d"),
        (r"(mon|tue)[a-z]*", re.IGNORECASE, "Monday, TUESDAY"),
        (rb"^data:\s*(\S+)", re.MULTILINE, b"data: a\nevent: x\ndata:b\n"),
    ]
    for pattern, flags, text in cases:
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
        assert got.sub(dash, text) == want.sub(dash, text)


# asked of every input (sniffs, the fast path): compiled as they load, once before the early
# reader's fork rather than once in each process
EVERY_INPUT = {
    ("llmstat.framing.body", "SSE_LINE"),
    ("llmstat.protocols.fastpath", "_BARE_JSON"),
    ("llmstat.protocols.fastpath", "_COLON"),
    ("llmstat.protocols.ollama", "_HEAD"),
    ("llmstat.record", "_CANONICAL_UTC"),
    ("llmstat.sources.activity_json", "_EVENT"),
    ("llmstat.sources.har", "_HAR_START"),
    ("llmstat.sources.head", "_SSE_LINE"),
    ("llmstat.sources.mitmproxy_flow", "_FLOW_START"),
}


def test_loading_llmstat_compiles_only_what_every_input_needs() -> None:
    # what the modules compile as they load is what every run waits for: the patterns not asked
    # of every input are compiled when first used (the libraries compile their own, not counted)
    code = """
import re, sys
import orjson, typer, rich  # their own patterns
made = []
compile = re.compile
def counting(*args, **kwargs):
    pattern = compile(*args, **kwargs)
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if caller.startswith("llmstat"):
        made.append((caller, pattern))
    return pattern
re.compile = counting
import llmstat.commands.app, llmstat.sources.pipeline, llmstat.summary.builder, llmstat.pricing.pricer
import llmstat.report.summary_table, llmstat.report.redact, llmstat.summary.windows
print(sorted({(m, n) for m, p in made for n, v in vars(sys.modules[m]).items() if v is p}))
print(len(made))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    names, count = out.splitlines()
    assert set(ast.literal_eval(names)) == EVERY_INPUT
    assert int(count) == len(EVERY_INPUT)  # each a module-level name (none compiled and dropped)
