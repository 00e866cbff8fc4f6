"""What every command shares: input options, the error boundary, exit codes."""

from __future__ import annotations

import sys
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Annotated, Any

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
JobsOpt = Annotated[
    int, typer.Option("--jobs", "-j", help="Processes reading inputs (0: one per core).", min=0)
]


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
