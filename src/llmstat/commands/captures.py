"""``llmstat captures``: decode and list llama-swap captures."""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from llmstat.commands.common import (
    ExitCode,
    Format,
    FormatOpt,
    InputsArg,
    JsonOpt,
    MaxSizeOpt,
    RunState,
    StrictOpt,
    err,
    run_guarded,
)

if TYPE_CHECKING:
    from llmstat.exchange import CaptureItem

app = typer.Typer(
    help="Decode and list llama-swap captures: zstd+CBOR blobs (<id>.cap files), raw CBOR, "
    "zstd JSON, and the JSON of GET /api/captures/{id}.",
    no_args_is_help=True,
)


class DecodeFormat(str, Enum):
    text = "text"
    json = "json"
    ndjson = "ndjson"


class BodyChoice(str, Enum):
    req = "req"
    resp = "resp"


class SortKey(str, Enum):
    input = "input"
    id = "id"


BlobsArg = Annotated[
    list[str],
    typer.Argument(metavar="BLOB", help="Capture files, directories (walked) or - for stdin."),
]


@app.command()
def decode(
    blobs: BlobsArg,
    fmt: Annotated[
        DecodeFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: readable; json: one pretty object per capture, one after another; "
            "ndjson: one object per line.",
        ),
    ] = DecodeFormat.text,
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
    if json_:
        fmt = DecodeFormat.json
    if raw and body is None:
        raise typer.BadParameter("--raw needs --body req or --body resp", param_hint="--raw")
    if fmt is not DecodeFormat.text and (raw or body is not None):
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
        from llmstat.report.capture_view import capture_dict, capture_view
        from llmstat.report.captures import render_capture
        from llmstat.report.console import stdout_console
        from llmstat.report.formats import dumps, render_ndjson_line

        console = stdout_console()
        first = True
        for res in iter_capture_inputs(blobs, max_size << 20):
            state.take(res)
            for item in res.items:
                if fmt is DecodeFormat.json:
                    sys.stdout.write(dumps(capture_dict(item)) + "\n")
                elif fmt is DecodeFormat.ndjson:
                    sys.stdout.write(render_ndjson_line(capture_dict(item)) + "\n")
                else:
                    if not first:
                        console.print()
                    console.print(render_capture(capture_view(item, events), which), soft_wrap=True)
                first = False
            sys.stdout.flush()
        return state.exit_code(strict)  # each capture's record and its warnings are shown above

    run_guarded(run)


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


@app.command("list")
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
    if json_:
        fmt = Format.json

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
        _print_rows(rows, fmt)
        return state.finish(strict)

    run_guarded(run)


def _print_rows(rows: list[dict[str, Any]], fmt: Format) -> None:
    from llmstat.report.formats import dumps, flat_row, render_csv, render_ndjson_line

    out = sys.stdout
    if fmt is Format.json:
        out.write(dumps(rows) + "\n")
    elif fmt is Format.ndjson:
        out.writelines(render_ndjson_line(r) + "\n" for r in rows)
    elif fmt is Format.csv:
        from llmstat.report.capture_view import LIST_CSV_COLUMNS

        out.write(render_csv((flat_row(r) for r in rows), LIST_CSV_COLUMNS))
    else:
        from llmstat.report.captures import render_capture_table
        from llmstat.report.console import stdout_console

        console = stdout_console()
        if not rows:
            console.print("no captures")
        else:
            console.print(render_capture_table(rows, console.width))
