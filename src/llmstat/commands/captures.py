"""``llmstat captures``: decode and list llama-swap captures."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from llmstat.commands.common import (
    ExitCode,
    InputsArg,
    MaxSizeOpt,
    RunState,
    StrictOpt,
    err,
    run_guarded,
)
from llmstat.commands.output import (
    Format,
    FormatOpt,
    JsonOpt,
    Output,
    Shape,
    ViewFormat,
    ViewFormatOpt,
    format_of,
    view_format_of,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from llmstat.exchange import CaptureItem

app = typer.Typer(
    help="Decode and list llama-swap captures: zstd+CBOR blobs (<id>.cap files), raw CBOR, "
    "zstd JSON, and the JSON of GET /api/captures/{id}.",
    invoke_without_command=True,
)


@app.callback()
def _captures(ctx: typer.Context) -> None:
    # bare `llmstat captures`: its help, exit 0, as bare `llmstat`
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


class BodyChoice(str, Enum):
    req = "req"
    resp = "resp"


class SortKey(str, Enum):
    input = "input"
    id = "id"


BlobsArg = Annotated[
    list[str],
    typer.Argument(metavar="BLOB...", help="Capture files, directories (walked) or - for stdin."),
]


@app.command(
    epilog="""Examples:

\b
  llmstat captures decode 42.cap
  llmstat captures decode 42.cap --body resp --raw | llmstat parse -"""
)
def decode(
    blobs: BlobsArg,
    fmt: ViewFormatOpt = ViewFormat.text,
    json_: JsonOpt = False,
    body: Annotated[
        Optional[BodyChoice],  # noqa: UP045 - typer needs Optional here
        typer.Option("--body", help="Show only the request or the response body."),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="With --body: write that body's bytes to stdout as recorded."),
    ] = False,
    events: Annotated[
        int,
        typer.Option("--events", min=0, help="Stream events shown per body before abridging (0: all)."),
    ] = 12,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
) -> None:
    """A capture made readable: path, headers (secrets redacted), bodies, and its usage record."""
    if raw and body is None:
        raise typer.BadParameter("--raw needs --body req or --body resp", param_hint="--raw")
    out_fmt = view_format_of(fmt, json_)
    if out_fmt is not Format.table and (raw or body is not None):
        raise typer.BadParameter("--body and --raw go with the text format", param_hint="--format")
    which = None if body is None else body.value

    def run() -> int:
        from llmstat.sources.captures import iter_capture_inputs

        state = RunState()
        if raw and which is not None:
            items: list[CaptureItem] = []
            for res in iter_capture_inputs(blobs, max_size << 20):
                state.take(res)
                items.extend(res.items)
            return _write_raw(items, which, state, strict)
        out = Output(out_fmt, _captures_shape(events, which))
        for res in iter_capture_inputs(blobs, max_size << 20):
            state.take(res)
            out.add(res.items)
        out.close()
        return state.exit_code(strict)  # each capture's record and its warnings are shown above

    run_guarded(run)


def _captures_shape(events: int, which: str | None) -> Shape[CaptureItem]:
    """Whole captures: each a JSON document of its own, or made readable one by one."""

    def json(item: CaptureItem) -> dict[str, Any]:
        from llmstat.report.capture_view import capture_dict

        return capture_dict(item)

    def view(item: CaptureItem) -> RenderableType:
        from llmstat.report.capture_view import capture_view
        from llmstat.report.captures import render_capture

        return render_capture(capture_view(item, events), which)

    return Shape(json=json, json_array=False, view=view)


def _write_raw(items: list[CaptureItem], which: str, state: RunState, strict: bool) -> int:
    if len(items) > 1:
        err(f"Error: --raw writes one body, and the inputs hold {len(items)} captures")
        return ExitCode.USAGE
    if items:
        item = items[0]
        data = item.capture.req_body if which == "req" else item.capture.resp_body
        if data is None:
            name = "request" if which == "req" else "response"
            err(f"Warning: {item.source}: capture {item.capture.id} has no {name} body recorded")
            state.warned = True
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
    return state.exit_code(strict)


@app.command(
    "list",
    epilog="""Examples:

\b
  llmstat captures list /var/lib/llama-swap/captures/
  llmstat captures list captures.jsonl --sort id --format csv""",
)
def list_(
    inputs: InputsArg,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    sort: Annotated[
        SortKey, typer.Option("--sort", help="Row order: as the inputs give them, or by capture id.")
    ] = SortKey.input,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
) -> None:
    """One row per capture: id, path, model, api, stream, body sizes and tokens."""
    fmt = format_of(fmt, json_)

    def run() -> int:
        from llmstat.report.capture_view import capture_row
        from llmstat.sources.captures import iter_capture_inputs

        state = RunState()
        rows: list[dict[str, Any]] = []
        for res in iter_capture_inputs(inputs, max_size << 20):
            state.take(res)
            rows.extend(capture_row(item) for item in res.items)
        if sort is SortKey.id:
            # captures without an id go last; the sort is stable, so input order breaks ties
            rows.sort(key=lambda r: (r["id"] is None, r["id"] or 0))
        out = Output(fmt, _ROWS_SHAPE)
        out.add(rows)
        out.close()
        return state.finish(strict)

    run_guarded(run)


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    return row


def _rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    from llmstat.report.capture_view import LIST_CSV_COLUMNS
    from llmstat.report.formats import flat_row, render_csv

    return render_csv((flat_row(r) for r in rows), LIST_CSV_COLUMNS)


def _rows_table(rows: Sequence[dict[str, Any]], width: int) -> list[RenderableType]:
    from llmstat.report.captures import render_capture_table

    return [render_capture_table(rows, width)]


# ``captures list``'s rows (already the JSON shape) in every format
_ROWS_SHAPE: Shape[dict[str, Any]] = Shape(json=_row_json, csv=_rows_csv, table=_rows_table)
