"""The README stays true: every command and option is documented, and shown output is real."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from llmstat.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def commands() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            out.append((prefix, cmd))

    walk("", typer.main.get_command(app))
    return out


COMMANDS = commands()


def test_every_command_is_in_the_readme() -> None:
    for name, _ in COMMANDS:
        first, *rest = name.split()
        pattern = rf"llmstat {first}" + (rf"\b[^\n]*\b{rest[0]}\b" if rest else r"\b")
        assert re.search(pattern, README), f"llmstat {name} is not in the README"


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_is_in_the_readme(name: str, cmd: Any) -> None:
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in README, f"{opt} of llmstat {name} is not in the README"


def block(marker: str) -> str:
    m = re.search(rf"<!-- {marker} -->\n```\n(.*?)```\n<!-- /{marker} -->", README, re.DOTALL)
    assert m, marker
    return m.group(1)


# genai-prices ships new prices weekly: the shown costs (and how many models it knows) are
# masked, and with them the blanks that align them, so that the README stays true of the layout
# and every other number without pinning a dependency's data.
_COST = re.compile(r"cost \$.*|\$[\d.,]+|<\$[\d.]+")


def normalized(text: str) -> list[str]:
    return [" ".join(_COST.sub("$…", line).split()) for line in text.rstrip("\n").splitlines()]


@pytest.mark.parametrize(
    "marker,args",
    [
        ("quickstart-output", ["summarize", "fixtures/", "--window", "5h", "--no-requests"]),
        (
            "summarize-output",
            ["summarize", "fixtures/har/mitmproxy-claude-code-session.har", "--window", "5h"],
        ),
        (
            "llama-swap-output",
            ["summarize", "fixtures/llama-swap/", "--window", "5h", "--by", "model", "--no-requests"],
        ),
        (
            "ratelimit-output",
            [
                "summarize",
                "fixtures/har/mitmproxy-claude-max-ratelimit.har",
                "--window",
                "5h",
                "--window-anchor",
                "server",
                "--no-requests",
            ],
        ),
    ],
)
def test_shown_output_is_real(
    marker: str, args: list[str], cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    run = cli(*args)
    assert normalized(run.stdout) == normalized(block(marker))


def test_the_layout_is_the_tree() -> None:
    """Development's layout names every module and part at the top of the package, and no other."""
    m = re.search(r"<!-- layout -->\n(.*?)<!-- /layout -->", README, re.DOTALL)
    assert m, "layout"
    named = {line.split()[0] for line in m.group(1).splitlines()[1:] if line.strip()}
    entries = (ROOT / "src" / "llmstat").iterdir()
    tree = {p.name + "/" if p.is_dir() else p.name for p in entries if p.is_dir() or p.suffix == ".py"}
    assert named == tree - {"__pycache__/"}


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_a_subcommand_run_alone_is_the_one_the_whole_app_holds(name: str) -> None:
    # the console script runs a subcommand from an app that holds it alone (commands/app.py)
    from llmstat.commands.app import app_for

    from .conftest import runner

    args = name.split()
    alone = app_for(args)
    assert alone is not app and list(typer.main.get_command(alone).commands) == [args[0]]  # type: ignore[attr-defined]
    for tail in (["--help"], ["--no-such-option"], []):
        want = runner().invoke(app, [*args, *tail])
        got = runner().invoke(alone, [*args, *tail])
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr)


def test_no_subcommand_or_a_misspelt_one_gets_the_whole_app() -> None:
    from llmstat.commands.app import app_for

    assert app_for([]) is app and app_for(["--help"]) is app and app_for(["sumarize"]) is app
