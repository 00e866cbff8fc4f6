"""``llmstat summarize``: totals, usage windows and groups over many recordings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

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
    err,
    iter_read,
    keep_until_exit,
    parsed,
    price_table_for,
    pricer_for,
    record_filter,
    run_guarded,
)
from llmstat.commands.output import Format, FormatOpt, JsonOpt, Output, Shape, format_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import RenderableType

    from llmstat.record import Record
    from llmstat.sources.inputs import InputResult
    from llmstat.summary.builder import Summary, SummaryJson
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
        "-g",
        metavar="KEY",
        help="Group by model, api, host, path, source, status, session, hour, day, week (ISO) or "
        "month (in --tz, from each request's clock: see --clock); "
        "repeat or comma-separate to combine.",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        "-s",
        metavar="WHEN",
        help="Only requests at or after this date or timestamp (in --tz); undated requests are left out.",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        "-u",
        metavar="WHEN",
        help="Only requests up to this timestamp, or through this whole date.",
    ),
]
ClockOpt = Annotated[
    str,
    typer.Option(
        "--clock",
        metavar="any|recorded",
        help="When a request happened, for windows, day/hour/week/month groups and --since/--until: "
        "its recorded start, else the response's own created timestamp (any); or the recorded "
        "start alone, as llmstat 1.0 did (recorded).",
    ),
]
TzOpt = Annotated[
    str,
    typer.Option(
        "--tz",
        "--timezone",
        "-z",
        metavar="ZONE",
        help="Time zone for dates, day/hour groups, anchors and display.",
    ),
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
        "-b",
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
    cost: bool,
    breakdown: bool,
    active: bool = False,
    clock: str = "any",
) -> SummaryOptions:
    """The options as values; a bad one is a usage error (exit 2)."""
    from llmstat.summary.clock import clock_of, time_range, zone_of
    from llmstat.summary.groups import group_keys_of
    from llmstat.summary.options import SummaryOptions
    from llmstat.summary.windows import Anchor, anchor_of, duration_of

    if anchor is not None and window is None:
        raise typer.BadParameter("needs --window", param_hint="'--window-anchor'")
    zone = parsed("--tz", zone_of, tz)
    return SummaryOptions(
        window=None if window is None else parsed("--window", duration_of, window),
        anchor=Anchor() if anchor is None else parsed("--window-anchor", anchor_of, anchor),
        by=parsed("--by", group_keys_of, by or []),
        range=parsed("--since/--until", time_range, since, until, zone),
        tz=zone,
        dedupe=not no_dedupe,
        cost=cost,
        breakdown=breakdown,
        now=datetime.now(UTC) if active else None,
        clock=parsed("--clock", clock_of, clock),
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
    tz: TzOpt = "local",
    clock: ClockOpt = "any",
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
    order: OrderOpt = Order.asc,
    no_cost: NoCostOpt = False,
    cost_mode: CostModeOpt = CostMode.auto,
    prices: PricesOpt = None,
    strict: StrictOpt = False,
    max_size: MaxSizeOpt = 256,
    jobs: JobsOpt = 0,
) -> None:
    """Totals, usage windows and groups over many recordings, with their cost."""
    fmt = format_of(fmt, json_)
    if chart and fmt is not Format.table:
        raise typer.BadParameter("draws on the table format only", param_hint="'--chart'")
    selected = record_filter(model, api, host, status)
    table = price_table_for(no_cost, prices)
    if active and window is None:
        # --active alone: the 5h windows usage limits are counted in, from the server's resets
        window, window_anchor = "5h", window_anchor or "server"
    options = _summary_options(
        window, window_anchor, by, since, until, tz, no_dedupe, not no_cost, breakdown, active, clock
    )

    def run() -> int:
        state = RunState()
        results = iter_read(inputs, max_size, jobs)
        # the summary and pricing code are loaded while the inputs are being read
        from llmstat.sources.llamaswap_join import has_entries, has_llamaswap_records, join_in_place
        from llmstat.summary.builder import SummaryBuilder

        pricer = pricer_for(no_cost, table, cost_mode)
        price = None if pricer is None else pricer.apply

        # Each result is summed as it comes, while the others are still being read, though the
        # llama-swap join (an activity entry and the capture of its request are one record)
        # needs them all: in the rare run where it changes a record, the sum is made anew.
        builder = SummaryBuilder(options, price)
        held: list[InputResult] = []
        entries = False  # an activity entry was read: the join may pair it

        def summed(res: InputResult) -> list[Record]:
            """The records of ``res`` that pass the filters, added to the sum and counted."""
            records = selected.narrow(res.records)
            builder.add(records, res.skipped)
            state.take_records(records)
            return records

        for res in results:
            state.take_input(res)
            records = summed(res)
            if not has_llamaswap_records(res):
                res.records = records  # the join leaves them be: held as summed
            elif not entries:
                entries = has_entries(res)
            held.append(res)
        if entries and join_in_place(held):
            builder = SummaryBuilder(options, price)
            state.forget_records()
            if pricer is not None:
                pricer.forget_warnings()
            for res in held:
                summed(res)
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
        out = Output(
            fmt, _summary_shape(options, window, tz, not no_requests, sort, chart, order is Order.desc)
        )
        out.add([summary])
        out.close()
        state.take_skipped(s for s in summary.skipped if s.reason.startswith("duplicate"))
        keep_until_exit(held, builder, summary)
        return state.finish(strict)

    run_guarded(run)


def _summary_shape(
    options: SummaryOptions,
    window: str | None,
    tz: str,
    requests: bool,
    sort: SortKey | None,
    chart: bool,
    reverse: bool = False,
) -> Shape[Summary]:
    """The summary in every format: one JSON document, NDJSON lines tagged with their type,
    CSV rows for the totals, windows and groups, or tables and charts."""

    def json(summary: Summary) -> SummaryJson:
        return summary.as_dict(requests)

    def lines(summary: Summary) -> Iterator[dict[str, Any]]:
        from llmstat.report.summary_formats import iter_summary_lines

        return iter_summary_lines(summary, requests)

    def csv(summaries: Sequence[Summary]) -> str:
        from llmstat.report.summary_formats import render_summary_csv

        return "".join(render_summary_csv(s, options.by) for s in summaries)

    def table(summaries: Sequence[Summary], width: int) -> list[RenderableType]:
        from llmstat.report.chart import chart_of
        from llmstat.report.summary_table import render_summary
        from llmstat.summary.clock import zone_name

        title = None if window is None else f"{window} windows, anchor {options.anchor}"
        return [
            part
            for summary in summaries
            for part in render_summary(
                summary,
                width=width,
                tz=options.tz,
                tz_name=zone_name(tz),
                requests=requests,
                window_title=title,
                by=options.by,
                cost=options.cost,
                sort=None if sort is None else sort.value,
                chart=chart_of(summary, window, options.tz, options.cost) if chart else None,
                reverse=reverse,
            )
        ]

    return Shape(json=json, lines=lines, json_array=False, csv=csv, table=table)
