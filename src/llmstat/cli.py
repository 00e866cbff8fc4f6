"""The typer app: arguments -> core -> render -> exit code. Only this module and report/ print."""

from __future__ import annotations

import sys
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

if TYPE_CHECKING:
    from llmstat.pipeline import InputResult, Options


class ExitCode(IntEnum):
    OK = 0
    INPUT_ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class Format(str, Enum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


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


InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (walked) or - for stdin; the format is sniffed from the bytes."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 when any warning was raised.")]
MaxSizeOpt = Annotated[
    int,
    typer.Option("--max-size", help="Cap in MiB on one decompressed body or capture.", min=1),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Processes reading inputs (0: one per core).", min=0)]


def err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def make_options(max_size: int) -> Options:
    from llmstat.pipeline import Options

    return Options(max_size=max_size << 20)


def jobs_for(jobs: int) -> int:
    import os

    return (os.cpu_count() or 1) if jobs == 0 else jobs


class RunState:
    """What the inputs of one command gave besides records: failures and warnings."""

    def __init__(self) -> None:
        self.failed = False
        self.warned = False

    def take(self, res: InputResult) -> None:
        for w in res.warnings:
            self.warned = True
            err(f"Warning: {res.source}: {w}")
        if any(s.warn for s in res.skipped):
            self.warned = True
        if any(r.warnings for r in res.records):
            self.warned = True
        if res.error is not None:
            self.failed = True
            err(f"Error: {res.error}")

    def exit_code(self, strict: bool) -> int:
        if self.failed or (strict and self.warned):
            return ExitCode.INPUT_ERROR
        return ExitCode.OK


def console_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def run_guarded(fn: Any) -> None:
    try:
        code = fn()
    except KeyboardInterrupt:
        err("Interrupted")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(ExitCode.OK) from None
    raise typer.Exit(code)


@app.command()
def parse(
    inputs: InputsArg,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 512,
    jobs: JobsOpt = 0,
) -> None:
    """One record per recorded response: tokens, speed and errors."""
    if json_:
        fmt = Format.json

    def run() -> int:
        from llmstat.pipeline import iter_results

        state = RunState()
        out = sys.stdout
        records = []
        first = True
        if fmt is Format.json:
            out.write("[")
        for res in iter_results(inputs, make_options(max_size), jobs_for(jobs)):
            state.take(res)
            if fmt is Format.json:
                from llmstat.report.formats import dumps

                for r in res.records:
                    text = dumps(r.as_dict())
                    out.write(("\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
                    first = False
            elif fmt is Format.ndjson:
                from llmstat.report.formats import render_ndjson_line

                for r in res.records:
                    out.write(render_ndjson_line(r.as_dict()) + "\n")
            else:
                records.extend(res.records)
            out.flush()
        if fmt is Format.json:
            out.write("\n]\n" if not first else "]\n")
        elif fmt is Format.csv:
            from llmstat.report.formats import flat_row, render_csv

            out.write(render_csv(flat_row(r.as_dict()) for r in records))
        elif fmt is Format.table:
            from llmstat.report.console import print_records

            print_records(records)
        return state.exit_code(strict)

    run_guarded(run)


def main() -> None:
    app()
