"""``llmstat summarize``: totals, usage windows and groups over many recordings."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

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
    SortKey,
    SortOpt,
    StatusFilterOpt,
    StrictOpt,
    err,
    iter_selected,
    parsed,
    price_table_for,
    pricer_for,
    record_filter,
    run_guarded,
)

if TYPE_CHECKING:
    from llmstat.summary.builder import Summary
    from llmstat.summary.filters import RecordFilter
    from llmstat.summary.options import SummaryOptions

WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window",
        "-w",
        metavar="DURATION",
        help="Usage windows of this length (30m, 5h, 1d, 7d): start floored to the hour "
        "(to a multiple of DURATION when shorter), the first request at or after the end opens the next.",
    ),
]
AnchorOpt = Annotated[
    str | None,
    typer.Option(
        "--window-anchor",
        metavar="hour|exact|server|HH:MM|DAY [HH:MM]",
        help="Where a window starts: floored (hour, the default), at the request itself (exact), "
        "from the provider's own resets in the responses' rate-limit headers (server), "
        "or on a grid from a clock time in --tz (HH:MM), or from a weekday and time for weekly "
        "limits ('thu 09:00', with --window 7d).",
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        "-b",
        metavar="KEY",
        help="Group by model, api, host, path, source, status, day or hour (day and hour in --tz); "
        "repeat or comma-separate to combine.",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="Only requests at or after this date or timestamp (in --tz); undated requests are left out.",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="WHEN", help="Only requests up to this timestamp, or through this whole date."
    ),
]
TzOpt = Annotated[
    str,
    typer.Option("--tz", metavar="ZONE", help="Time zone for dates, day/hour groups, anchors and display."),
]
NoDedupeOpt = Annotated[
    bool, typer.Option("--no-dedupe", help="Count every copy of a response id, not just the first.")
]
NoRequestsOpt = Annotated[
    bool, typer.Option("--no-requests", help="Leave out the per-request table (json/ndjson: the records).")
]
BreakdownOpt = Annotated[
    bool,
    typer.Option(
        "--breakdown",
        help="A row per model under each window and group (without either: under the totals).",
    ),
]
ActiveOpt = Annotated[
    bool,
    typer.Option(
        "--active",
        help="The latest window: when it resets, how much of it the server says is used, and the "
        "burn rate (without --window: 5h windows from the server's resets).",
    ),
]
ChartOpt = Annotated[
    bool,
    typer.Option(
        "--chart",
        help="Bar charts of tokens (uncached input, cache read, cache write, output) and decode "
        "speed per window, else per hour/day/week bucket (table format).",
    ),
]


def _summary_options(
    window: str | None,
    anchor: str | None,
    by: list[str] | None,
    since: str | None,
    until: str | None,
    tz: str,
    no_dedupe: bool,
    selected: RecordFilter,
    cost: bool,
    breakdown: bool,
    active: bool = False,
) -> SummaryOptions:
    """The options as values; a bad one is a usage error (exit 2)."""
    from llmstat.summary.clock import time_range, zone_of
    from llmstat.summary.groups import group_keys_of
    from llmstat.summary.options import SummaryOptions
    from llmstat.summary.windows import Anchor, anchor_of, duration_of

    if anchor is not None and window is None and not active:
        raise typer.BadParameter("needs --window", param_hint="'--window-anchor'")
    if active and window is None:
        window, anchor = "5h", anchor or "server"
    zone = parsed("--tz", zone_of, tz)
    return SummaryOptions(
        window=None if window is None else parsed("--window", duration_of, window),
        anchor=Anchor() if anchor is None else parsed("--window-anchor", anchor_of, anchor),
        by=parsed("--by", group_keys_of, by or []),
        range=parsed("--since/--until", time_range, since, until, zone),
        tz=zone,
        dedupe=not no_dedupe,
        filter=selected,
        cost=cost,
        breakdown=breakdown,
        now=datetime.now(UTC) if active else None,
    )


def summarize(
    inputs: InputsArg,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    window: WindowOpt = None,
    window_anchor: AnchorOpt = None,
    by: ByOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    tz: TzOpt = "UTC",
    no_dedupe: NoDedupeOpt = False,
    no_requests: NoRequestsOpt = False,
    model: ModelFilterOpt = None,
    api: ApiFilterOpt = None,
    host: HostFilterOpt = None,
    status: StatusFilterOpt = None,
    breakdown: BreakdownOpt = False,
    active: ActiveOpt = False,
    chart: ChartOpt = False,
    sort: SortOpt = None,
    no_cost: NoCostOpt = False,
    prices: PricesOpt = None,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
    jobs: JobsOpt = 0,
) -> None:
    """Totals, usage windows and groups over many recordings, with their cost."""
    if json_:
        fmt = Format.json
    if chart and fmt is not Format.table:
        raise typer.BadParameter("draws on the table format only", param_hint="'--chart'")
    selected = record_filter(model, api, host, status)
    table = price_table_for(no_cost, prices)
    options = _summary_options(
        window, window_anchor, by, since, until, tz, no_dedupe, selected, not no_cost, breakdown, active
    )
    if active and window is None:
        window = "5h"

    def run() -> int:
        state = RunState()
        results = iter_selected(inputs, max_size, jobs, selected)
        # the summary and pricing code are loaded while the inputs are being read
        from llmstat.summary.builder import SummaryBuilder

        pricer = pricer_for(no_cost, table)
        builder = SummaryBuilder(options, None if pricer is None else pricer.apply)
        for res in results:
            builder.add(res.records, res.skipped)
            state.take(res)
            state.take_pricing(pricer)
        if pricer is not None:
            pricer.save()
        summary = builder.build()
        if summary.no_server_resets:
            err("Note: no response carried a rate-limit reset: every window is guessed")
        if summary.undated_out_of_range:
            state.warned = True
            err(
                f"Warning: {summary.undated_out_of_range:,} undated request(s) left out: "
                "--since/--until cannot place them"
            )
        _write(summary, fmt, options, window, tz, not no_requests, sort, chart)
        state.take_skipped(s for s in summary.skipped if s.reason.startswith("duplicate"))
        return state.finish(strict)

    run_guarded(run)


def _write(
    summary: Summary,
    fmt: Format,
    options: SummaryOptions,
    window: str | None,
    tz: str,
    requests: bool,
    sort: SortKey | None,
    chart: bool,
) -> None:
    out = sys.stdout
    if fmt is Format.json:
        from llmstat.report.formats import dumps

        out.write(dumps(summary.as_dict(requests)) + "\n")
    elif fmt is Format.ndjson:
        from llmstat.report.formats import render_ndjson_line
        from llmstat.report.summary_formats import iter_summary_lines

        for line in iter_summary_lines(summary, requests):
            out.write(render_ndjson_line(line) + "\n")
    elif fmt is Format.csv:
        from llmstat.report.summary_formats import render_summary_csv

        out.write(render_summary_csv(summary, options.by))
    else:
        from llmstat.report.chart import chart_of
        from llmstat.report.summary_table import print_summary

        title = None if window is None else f"{window} windows, anchor {options.anchor}"
        print_summary(
            summary,
            tz=options.tz,
            tz_name=tz,
            requests=requests,
            window_title=title,
            by=options.by,
            cost=options.cost,
            sort=None if sort is None else sort.value,
            chart=chart_of(summary, window, options.tz, options.cost) if chart else None,
        )
