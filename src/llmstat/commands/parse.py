"""``llmstat parse``: one record per recorded response."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from llmstat.commands.common import (
    ApiFilterOpt,
    CostMode,
    CostModeOpt,
    HostFilterOpt,
    InputsArg,
    JobsOpt,
    MaxSizeOpt,
    ModelFilterOpt,
    NoCostOpt,
    Order,
    OrderOpt,
    PricesOpt,
    RunState,
    SortKey,
    SortOpt,
    StatusFilterOpt,
    StrictOpt,
    iter_selected,
    price_table_for,
    pricer_for,
    record_filter,
    run_guarded,
)
from llmstat.commands.output import Format, FormatOpt, JsonOpt, Output, Shape, format_of

if TYPE_CHECKING:
    from rich.console import RenderableType

    from llmstat.record import Record


def parse(
    inputs: InputsArg,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    model: ModelFilterOpt = None,
    api: ApiFilterOpt = None,
    host: HostFilterOpt = None,
    status: StatusFilterOpt = None,
    sort: SortOpt = None,
    order: OrderOpt = Order.asc,
    dedupe: Annotated[
        bool,
        typer.Option(
            "--dedupe",
            help="Leave out later copies of a response (the same api and id in several inputs), "
            "as summarize counts them.",
        ),
    ] = False,
    no_cost: NoCostOpt = False,
    cost_mode: CostModeOpt = CostMode.auto,
    prices: PricesOpt = None,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
    jobs: JobsOpt = 0,
) -> None:
    """One record per recorded response: tokens, cost, speed and errors."""
    fmt = format_of(fmt, json_)
    selected = record_filter(model, api, host, status)
    table = price_table_for(no_cost, prices)

    def run() -> int:
        state = RunState()
        results = iter_selected(inputs, max_size, jobs, selected)
        pricer = pricer_for(no_cost, table, cost_mode)
        out = Output(fmt, records_shape(sort, cost=pricer is not None, reverse=order is Order.desc))
        seen = None
        if dedupe:
            from llmstat.summary.dedupe import Deduper

            seen = Deduper()
        for res in results:
            if seen is not None:
                res.records = seen.keep(res.records, res.skipped)
            if pricer is not None:
                pricer.apply(res.records)
            state.take(res)
            state.take_pricing(pricer)
            out.add(res.records)
        if pricer is not None:
            pricer.save()
        out.close()
        return state.finish(strict)

    run_guarded(run)


def records_shape(sort: SortKey | None, cost: bool, reverse: bool = False) -> Shape[Record]:
    """Records in every format: the contract's JSON, flat CSV rows, a table in ``--sort`` order."""

    def csv(records: Sequence[Record]) -> str:
        from llmstat.report.formats import flat_row, render_csv

        return render_csv(flat_row(r.as_dict()) for r in records)

    def table(records: Sequence[Record], width: int) -> list[RenderableType]:
        from llmstat.report.table import render_records_table
        from llmstat.summary.filters import sort_records

        shown = records if sort is None else sort_records(records, sort.value)
        if reverse:
            shown = shown[::-1]
        return [render_records_table(shown, width, cost)]

    return Shape(json=_record_json, csv=csv, table=table)


def _record_json(record: Record) -> dict[str, object]:
    return record.as_dict()
