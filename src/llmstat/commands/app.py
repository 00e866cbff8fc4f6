"""The typer app: arguments -> core -> render -> exit code. Only commands/ (and cli.py, the
console script) and report/ print; the command modules import the core lazily so start-up stays
quick."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from llmstat.commands import captures, parse, summarize

app = typer.Typer(
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


def _version(value: bool) -> None:
    if value:
        from llmstat import __version__

        typer.echo(f"llmstat {__version__}")
        raise typer.Exit()


@app.callback()
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

app.command(epilog=PARSE_EXAMPLES)(parse.parse)
app.command(epilog=SUMMARIZE_EXAMPLES)(summarize.summarize)
app.add_typer(captures.app, name="captures")
