"""The console script: arguments -> the typer app (``commands/app.py``) -> exit code.

``llmstat --version`` is answered before typer and the commands are imported: a version check
(shell prompts, package managers, bug reports) should cost no more than starting Python.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from llmstat import __version__

        sys.stdout.write(f"llmstat {__version__}\n")
        return
    from llmstat.commands.app import app

    app()


def __getattr__(name: str) -> Any:
    # ``from llmstat.cli import app``: the typer app, loaded when asked for
    if name == "app":
        from llmstat.commands.app import app

        return app
    raise AttributeError(name)


app: typer.Typer  # provided by __getattr__
