"""The console script: arguments -> the typer app (``commands/app.py``) -> exit code.

``llmstat --version`` is answered before typer and the commands are imported: a version check
(shell prompts, package managers, bug reports) should cost no more than starting Python. A
reading command's inputs start being read before then too (``sources/early.py``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from llmstat import __version__

        sys.stdout.write(f"llmstat {__version__}\n")
        return
    # The cycle collector ran some forty times while the modules loaded (a twentieth of the
    # start-up) and found nothing: it is off until the command starts its work, which freezes
    # what the loading made and turns it on again (sources.early.resume_collector).
    gc.disable()
    from llmstat.sources import early

    # a reading command's inputs start being read while typer and the commands load
    early.start(sys.argv[1:])
    try:
        from llmstat.commands.app import app_for

        app_for(sys.argv[1:])()
    finally:
        early.end()


def run() -> None:
    """The console script (and ``python -m llmstat``): ``main``, its output flushed, then the
    process ends at once. Python's own teardown frees every object of every module one by one,
    about a tenth of a run that reads a few files; nothing of llmstat's waits for it (workers
    are reaped and files closed before ``main`` returns). ``main`` itself ends as scripts and
    tests expect, with SystemExit."""
    try:
        main()
        code: object = 0
    except SystemExit as e:
        code = e.code
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit's way with a message
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        status = status or 141  # as the commands report a reader that went away
    except OSError as e:
        sys.stderr.write(f"Error: stdout: {e.strerror or e}\n")
        status = status or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(status)


def __getattr__(name: str) -> Any:
    # ``from llmstat.cli import app``: the typer app, loaded when asked for
    if name == "app":
        from llmstat.commands.app import app

        return app
    raise AttributeError(name)


app: typer.Typer  # provided by __getattr__
