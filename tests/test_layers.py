"""The house of ../shared/STYLE.md: every module in a part, arrows only where the table allows.

Every import counts: at module level, inside functions (the lazy ones that keep start-up
quick) and under TYPE_CHECKING, since each is a dependency of the code all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "llmstat"

# the public API, the entry points, the three values every part may use, the dataclass
# decorator their classes are made with and the patterns compiled on first use
TOP = {
    "llmstat",
    "llmstat.__main__",
    "llmstat.errors",
    "llmstat.exchange",
    "llmstat.record",
    "llmstat.dataclass",
    "llmstat.lazy_regex",
}
PARTS = {
    "llmstat.cli": "face",
    "llmstat.commands": "face",
    "llmstat.sources": "sources",
    "llmstat.framing": "framing",
    "llmstat.protocols": "dialects",
    "llmstat.pricing": "pricing",
    "llmstat.summary": "summary",
    "llmstat.report": "report",
}
ALLOWED = {
    "face": {"sources", "summary", "pricing", "report", "dialects"},
    "sources": {"framing", "dialects"},
    "dialects": {"framing"},
    "report": {"summary", "framing"},
    # the DIALECTS registry names each dialect's provider and whether it runs locally
    "pricing": {"dialects"},
    "framing": set(),
    "summary": set(),
}
# What the top-level modules may reach: the public API reads, prices and summarizes inputs as
# the CLI does; __main__ starts the CLI.
TOP_ALLOWED = {"llmstat": {"sources", "pricing", "summary"}, "llmstat.__main__": {"face"}}
# Known breaches still to mend: (importer, imported). Empty once the house is built.
DEBT: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports_of(path: Path, name: str) -> Iterator[tuple[str, int]]:
    """Every module this file imports (absolute names), with the line."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                # "from llmstat.report import table" imports the module llmstat.report.table
                yield (f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base), node.lineno


def part_of(module: str) -> str | None:
    if module in TOP:
        return "top"
    for prefix, part in PARTS.items():
        if module == prefix or module.startswith(prefix + "."):
            return part
    return None


def test_every_module_lives_in_a_part() -> None:
    homeless = [m for m in modules() if part_of(m) is None]
    assert homeless == [], "modules outside the house's parts"


def breaches() -> set[tuple[str, str]]:
    found = set()
    for name, path in modules().items():
        src = part_of(name)
        for imported, _ in imports_of(path, name):
            if not imported.startswith("llmstat"):
                continue
            dst = part_of(imported)
            # errors, exchange and record serve every part; the package root is loaded first anyway
            if dst is None or dst == src or imported in TOP - {"llmstat.__main__"}:
                continue
            allowed = TOP_ALLOWED.get(name, set()) if src == "top" else ALLOWED.get(src or "", set())
            if dst not in allowed:
                found.add((name, imported))
    return found


def test_arrows_go_only_where_the_house_allows() -> None:
    assert breaches() - DEBT == set()


def test_the_debt_list_holds_only_breaches_still_there() -> None:
    assert DEBT - breaches() == set(), "mended: take these off DEBT"


def module_graph() -> dict[str, set[str]]:
    mods = modules()
    return {
        name: {i for i, _ in imports_of(path, name) if i in mods and i != name} for name, path in mods.items()
    }


def test_no_import_cycles() -> None:
    # a package's __init__ importing its own modules is no cycle of dependencies between them
    graph = {
        m: {d for d in deps if not (m.startswith(d + ".") and m != d)} for m, deps in module_graph().items()
    }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append([*stack[stack.index(d) :], d] if d in stack else [m, d])
            elif d not in state:
                visit(d, [*stack, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


@pytest.mark.parametrize(("library", "parts"), [("typer", {"face"}), ("rich", {"face", "report"})])
def test_typer_and_rich_stay_at_the_edge(library: str, parts: set[str]) -> None:
    users = {
        name
        for name, path in modules().items()
        for imported, _ in imports_of(path, name)
        if imported == library or imported.startswith(library + ".")
    }
    assert {u for u in users if part_of(u) not in parts} == set()


def test_the_layer_test_sees_a_breach() -> None:
    # the checker itself: a report module reaching into sources is caught
    assert part_of("llmstat.report.table") == "report"
    assert "sources" not in ALLOWED["report"]
    assert part_of("llmstat.sources.har") == "sources"
