"""Printing tables with rich: colour only on a terminal, width from the terminal."""

from __future__ import annotations

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 on its own; the CLI gives a closed pipe one status in every format
        raise BrokenPipeError


def stdout_console() -> Console:
    return _Console(highlight=False, soft_wrap=False)
