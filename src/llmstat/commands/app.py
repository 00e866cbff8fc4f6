"""The typer app: arguments -> core -> render -> exit code. Only commands/ (and cli.py, the
console script) and report/ print; the command modules import the core lazily so start-up stays
quick.

``app`` is the whole app. A run of one subcommand (``app_for``) gets an app holding that one
alone: typer makes the click command of every subcommand an app holds, from its function's
signature, each time it runs, and loading the others' modules and making their commands cost
a reading run 4-6 ms of a start-up of 90. What the one subcommand does, says and takes is the
same (the tests run it so, and hold its help to the whole app's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Optional

import typer


def _version(value: bool) -> None:
    if value:
        from llmstat import __version__

        typer.echo(f"llmstat {__version__}")
        raise typer.Exit()


def _main(
    ctx: typer.Context,
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer needs Optional here
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Token usage, cache hits, speed and cost from recorded LLM API traffic."""
    if ctx.default_map is None:
        from llmstat.commands.settings import default_map

        # config files and LLMSTAT_* variables become the subcommands' defaults
        ctx.default_map = default_map(ctx.command)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


# click rewraps an epilog but for a paragraph after \b: the examples keep their lines
PARSE_EXAMPLES = """Examples:

\b
  llmstat parse dump.sse
  llmstat parse session.har --format ndjson | jq .tokens
  curl -sN http://127.0.0.1:8080/v1/chat/completions -d @req.json | llmstat parse -"""
SUMMARIZE_EXAMPLES = """Examples:

\b
  llmstat summarize recordings/ --window 5h
  llmstat summarize claude.har --active
  llmstat summarize *.har --by model,day --format json | jq .totals"""


def _parse(made: typer.Typer) -> None:
    from llmstat.commands import parse

    made.command(epilog=PARSE_EXAMPLES)(parse.parse)


def _summarize(made: typer.Typer) -> None:
    from llmstat.commands import summarize

    made.command(epilog=SUMMARIZE_EXAMPLES)(summarize.summarize)


def _captures(made: typer.Typer) -> None:
    from llmstat.commands import captures

    made.add_typer(captures.app, name="captures")


# each subcommand, in the order the help lists them: what registers it on an app
COMMANDS: dict[str, Callable[[typer.Typer], None]] = {
    "parse": _parse,
    "summarize": _summarize,
    "captures": _captures,
}


def _made(names: Iterable[str]) -> typer.Typer:
    made = typer.Typer(
        name="llmstat",
        help="Token usage, cache hits, speed and cost from recorded LLM API traffic "
        "(HAR, SSE dumps, JSON/NDJSON bodies, llama-swap captures).",
        # a bare `llmstat` shows the help and exits 0 (the callback below), as httpie and git do
        invoke_without_command=True,
        pretty_exceptions_show_locals=False,
        add_completion=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    made.callback()(_main)
    for name in names:
        COMMANDS[name](made)
    return made


def app_for(args: list[str]) -> typer.Typer:
    """The app to run ``args`` (the command line after ``llmstat``): one that holds the
    subcommand they name first alone, else (no subcommand, an option first, a misspelt name
    that the whole app suggests a fix for) the whole app."""
    if args and args[0] in COMMANDS:
        return _made([args[0]])
    return _whole()


_app: typer.Typer | None = None


def _whole() -> typer.Typer:
    global _app
    if _app is None:
        _app = _made(COMMANDS)
    return _app


def __getattr__(name: str) -> Any:
    # ``from llmstat.commands.app import app``: the whole app, made when first asked for
    if name == "app":
        return _whole()
    raise AttributeError(name)


app: typer.Typer  # provided by __getattr__
