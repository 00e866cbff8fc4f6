"""The typer app: arguments -> core -> render -> exit code. Only this module, commands/ and
report/ print; the command modules import the core lazily so start-up stays quick."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from llmstat.commands import captures, parse, summarize

app = typer.Typer(
    name="llmstat",
    help="Token usage, cache hits, speed and cost from recorded LLM API traffic "
    "(HAR, SSE dumps, JSON/NDJSON bodies, llama-swap captures).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from llmstat import __version__

        typer.echo(f"llmstat {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer needs Optional here
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Token usage, cache hits, speed and cost from recorded LLM API traffic."""


app.command()(parse.parse)
app.command()(summarize.summarize)
app.add_typer(captures.app, name="captures")


def main() -> None:
    app()
