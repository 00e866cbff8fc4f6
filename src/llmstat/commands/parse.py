"""``llmstat parse``: one record per recorded response."""

from __future__ import annotations

import sys

from llmstat.commands.common import (
    ApiFilterOpt,
    Format,
    FormatOpt,
    HostFilterOpt,
    InputsArg,
    JobsOpt,
    JsonOpt,
    MaxSizeOpt,
    ModelFilterOpt,
    NoCostOpt,
    PricesOpt,
    RunState,
    SortOpt,
    StatusFilterOpt,
    StrictOpt,
    iter_selected,
    price_table_for,
    pricer_for,
    record_filter,
    run_guarded,
)


def parse(
    inputs: InputsArg,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    model: ModelFilterOpt = None,
    api: ApiFilterOpt = None,
    host: HostFilterOpt = None,
    status: StatusFilterOpt = None,
    sort: SortOpt = None,
    no_cost: NoCostOpt = False,
    prices: PricesOpt = None,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
    jobs: JobsOpt = 0,
) -> None:
    """One record per recorded response: tokens, cost, speed and errors."""
    if json_:
        fmt = Format.json
    selected = record_filter(model, api, host, status)
    table = price_table_for(no_cost, prices)

    def run() -> int:
        state = RunState()
        out = sys.stdout
        records = []
        first = True
        results = iter_selected(inputs, max_size, jobs, selected)
        pricer = pricer_for(no_cost, table)
        if fmt is Format.json:
            out.write("[")
        for res in results:
            if pricer is not None:
                pricer.apply(res.records)
            state.take(res)
            state.take_pricing(pricer)
            if fmt is Format.json:
                from llmstat.report.formats import dumps

                for r in res.records:
                    text = dumps(r.as_dict())
                    out.write(("\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
                    first = False
            elif fmt is Format.ndjson:
                from llmstat.report.formats import render_ndjson_line

                for r in res.records:
                    out.write(render_ndjson_line(r.as_dict()) + "\n")
            else:
                records.extend(res.records)
            out.flush()
        if pricer is not None:
            pricer.save()
        if fmt is Format.json:
            out.write("\n]\n" if not first else "]\n")
        elif fmt is Format.csv:
            from llmstat.report.formats import flat_row, render_csv

            out.write(render_csv(flat_row(r.as_dict()) for r in records))
        elif fmt is Format.table:
            from llmstat.report.console import print_records
            from llmstat.summary.filters import sort_records

            print_records(records if sort is None else sort_records(records, sort.value), pricer is not None)
        return state.finish(strict)

    run_guarded(run)
