"""Printing tables with rich: colour only on a terminal, width from the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from llmstat.record import Record
from llmstat.report.table import render_records_table


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 on its own; the CLI gives a closed pipe one status in every format
        raise BrokenPipeError


def stdout_console() -> Console:
    return _Console(highlight=False, soft_wrap=False)


def print_records(records: Sequence[Record], cost: bool = True) -> None:
    console = stdout_console()
    if not records:
        console.print("no records")
        return
    console.print(render_records_table(records, console.width, cost))
