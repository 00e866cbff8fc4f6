"""Progress on stderr for long runs, and only when stderr is a terminal (never in pipes or CI)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

DELAY_S = 1.0  # runs shorter than this never show a bar


def with_progress(items: Iterable[T], total: int, label: str = "reading") -> Iterator[T]:
    """Yield ``items`` unchanged; past DELAY_S, draw a transient bar on a terminal's stderr."""
    if total < 2 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    start = time.monotonic()
    bar: Progress | None = None
    task = None
    try:
        for done, item in enumerate(items, 1):
            yield item
            if bar is None and time.monotonic() - start > DELAY_S:
                bar = Progress(
                    TextColumn(label),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                bar.start()
                task = bar.add_task(label, total=total)
            if bar is not None and task is not None:
                bar.update(task, completed=done)
    finally:
        if bar is not None:
            bar.stop()
