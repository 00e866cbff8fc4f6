"""The one output writer: every command's stdout in the format asked for, and its options.

Modelled on sqlite-utils' ``output_rows``: a command hands over its items as they come and a
:class:`Shape` saying how one item looks in each format. JSON arrays and NDJSON lines are
written item by item, so a long run shows its first records at once and ``| head`` stops it
early; CSV and the table need every item (column widths, a sort) and are written by
:meth:`Output.close`. The data formats never depend on the terminal; only the table does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from llmstat.dataclass import dataclass

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

T = TypeVar("T")


class Format(str, Enum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


class ViewFormat(str, Enum):
    """``captures decode``: one capture made readable (text), or its JSON."""

    text = "text"
    json = "json"
    ndjson = "ndjson"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ViewFormatOpt = Annotated[
    ViewFormat,
    typer.Option(
        "--format",
        "-f",
        help="text: readable; json: one pretty object per capture, one after another; "
        "ndjson: one object per line.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", "-j", help="Shorthand for --format json.")]


def format_of(fmt: Format, json_: bool) -> Format:
    """``--format``, with ``--json`` standing for ``--format json``."""
    return Format.json if json_ else fmt


def view_format_of(fmt: ViewFormat, json_: bool) -> Format:
    """``captures decode``'s choice as a writer format: its text is the terminal rendering,
    what the table is to the other commands."""
    if json_:
        return Format.json
    return Format.table if fmt is ViewFormat.text else Format(fmt.value)


@dataclass(frozen=True, slots=True)
class Shape(Generic[T]):
    """How one kind of item is written in each format; a format left None is not offered."""

    json: Callable[[T], Any]
    # NDJSON lines of one item; by default its JSON on one line
    lines: Callable[[T], Iterable[Any]] | None = None
    # False: each item is a JSON document of its own, one after another (as ``jq`` writes
    # them), for commands that write one summary or one capture at a time
    json_array: bool = True
    # the whole CSV text of every item (CSV columns may depend on what the items hold)
    csv: Callable[[Sequence[T]], str] | None = None
    # the table of every item at a console width: parts printed with a blank line between
    table: Callable[[Sequence[T], int], Sequence[RenderableType]] | None = None
    # instead of one table at the end, each item rendered as it comes, a blank line between
    view: Callable[[T], RenderableType] | None = None


class Output(Generic[T]):
    """One command's stdout in one format. :meth:`add` as items come, :meth:`close` once."""

    def __init__(self, fmt: Format, shape: Shape[T]) -> None:
        if (fmt is Format.csv and shape.csv is None) or (
            fmt is Format.table and shape.table is None and shape.view is None
        ):
            raise ValueError(f"no {fmt.value} format for these items")
        self.fmt = fmt
        self.shape = shape
        self._out = sys.stdout
        self._held: list[T] = []
        self._written = 0
        self._console: Console | None = None

    def add(self, items: Iterable[T]) -> None:
        fmt, shape, out = self.fmt, self.shape, self._out
        for item in items:
            if fmt is Format.json:
                self._write_json(item)
            elif fmt is Format.ndjson:
                from llmstat.report.formats import render_ndjson_line

                lines = (shape.json(item),) if shape.lines is None else shape.lines(item)
                out.writelines(render_ndjson_line(line) + "\n" for line in lines)
            elif fmt is Format.table and shape.view is not None:
                console = self.console()
                if self._written:
                    console.print()
                console.print(shape.view(item), soft_wrap=True)
            else:
                self._held.append(item)
            self._written += 1
        out.flush()

    def _write_json(self, item: T) -> None:
        from llmstat.report.formats import dumps

        text = dumps(self.shape.json(item))
        if not self.shape.json_array:
            self._out.write(text + "\n")
            return
        # the array orjson would indent, written one element at a time
        self._out.write(("[\n  " if not self._written else ",\n  ") + text.replace("\n", "\n  "))

    def close(self) -> None:
        """The end of a JSON array, or the CSV or table of every item held."""
        fmt, shape, out = self.fmt, self.shape, self._out
        if fmt is Format.json and shape.json_array:
            out.write("\n]\n" if self._written else "[]\n")
        elif fmt is Format.csv and shape.csv is not None:
            out.write(shape.csv(self._held))
        elif fmt is Format.table and shape.table is not None:
            console = self.console()
            for i, part in enumerate(shape.table(self._held, console.width)):
                if i:
                    console.print()
                console.print(part)
        out.flush()

    def console(self) -> Console:
        if self._console is None:
            from llmstat.report.console import stdout_console

            self._console = stdout_console()
        return self._console
