"""What every command shares: input options, the error boundary, exit codes."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from llmstat.protocols import API_NAMES
from llmstat.summary.filters import families_of

if TYPE_CHECKING:
    from llmstat.pricing.pricer import Pricer, PriceTable
    from llmstat.record import Record, Skipped
    from llmstat.sources.inputs import InputResult, Options
    from llmstat.summary.filters import RecordFilter


T = TypeVar("T")


class ExitCode(IntEnum):
    OK = 0
    INPUT_ERROR = 1
    USAGE = 2
    INTERRUPTED = 130
    # the reader of stdout went away (``| head``): 128 + SIGPIPE, what a shell reports for a
    # command that SIGPIPE ended, so `set -o pipefail` scripts see what they see for grep or cat
    CLOSED_PIPE = 141


InputsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT...",
        help="Files, directories (walked) or - for stdin; the format is sniffed from the bytes.",
    ),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 when any warning was raised.")]
MaxSizeOpt = Annotated[
    int,
    typer.Option("--max-size", metavar="MIB", help="Cap in MiB on one decompressed body or capture.", min=1),
]
JobsOpt = Annotated[
    int, typer.Option("--jobs", metavar="N", help="Processes reading inputs (0: one per core).", min=0)
]


class Order(str, Enum):
    asc = "asc"
    desc = "desc"


OrderOpt = Annotated[
    Order,
    typer.Option(
        "--order",
        "-o",
        help="Row order of the tables: asc (as read: oldest first) or desc (newest first). "
        "JSON, NDJSON and CSV keep input order.",
    ),
]


class SortKey(str, Enum):
    time = "time"
    tokens = "tokens"
    cost = "cost"
    duration = "duration"


NoCostOpt = Annotated[
    bool,
    typer.Option("--no-cost", help="Leave cost out: no price lookups, every cost_usd null."),
]


class CostMode(str, Enum):
    auto = "auto"
    calculate = "calculate"
    recorded = "recorded"


CostModeOpt = Annotated[
    CostMode,
    typer.Option(
        "--cost-mode",
        help="auto: the provider's recorded cost when the response has one, else calculated; "
        "calculate: always from prices; recorded: only the provider's own figures.",
    ),
]
PricesOpt = Annotated[
    str | None,
    typer.Option(
        "--prices",
        metavar="FILE",
        help="Your own prices, TOML or JSON in USD per million tokens, before genai-prices' "
        "(local models at 0 included).",
    ),
]
ModelFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        metavar="GLOB",
        help="Only requests whose model matches this glob (case-insensitive); repeat or comma-separate.",
    ),
]
ApiFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--api",
        metavar="API",
        help=f"Only this api ({', '.join(API_NAMES)}) or family ({', '.join(families_of(API_NAMES))}); "
        "repeat or comma-separate.",
    ),
]
HostFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--host", metavar="GLOB", help="Only requests to a host matching this glob; repeat or comma-separate."
    ),
]
StatusFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="CODE",
        help="Only this HTTP status (200, 4xx, 500-599); requests without one are left out.",
    ),
]
SortOpt = Annotated[
    SortKey | None,
    typer.Option(
        "--sort",
        help="Order of the per-request table: time (earliest first), tokens, cost or duration "
        "(largest first). JSON, NDJSON and CSV keep input order.",
    ),
]


def parsed(what: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``, its ValueError a usage error (exit 2) naming the option."""
    try:
        return fn(*args)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=f"'{what}'") from None


def record_filter(
    models: list[str] | None, apis: list[str] | None, hosts: list[str] | None, statuses: list[str] | None
) -> RecordFilter:
    """The filter options as one value; a bad one is a usage error (exit 2)."""
    from llmstat.summary.filters import RecordFilter, apis_of, globs_of, statuses_of

    return RecordFilter(
        models=globs_of(models or []),
        apis=parsed("--api", apis_of, apis or [], API_NAMES),
        hosts=globs_of(hosts or []),
        statuses=parsed("--status", statuses_of, statuses or []),
    )


def price_table_for(no_cost: bool, prices: str | None) -> PriceTable | None:
    """The ``--prices`` file, read before any input so that a bad one is a usage error (exit 2)."""
    if no_cost:
        if prices is not None:
            raise typer.BadParameter("cannot go with --no-cost", param_hint="'--prices'")
        return None
    if prices is None:
        return None
    from llmstat.pricing.pricer import load_price_table

    return parsed("--prices", load_price_table, prices)


def pricer_for(no_cost: bool, table: PriceTable | None, mode: CostMode = CostMode.auto) -> Pricer | None:
    """None with --no-cost. Made once the inputs are being read (``iter_selected``): importing
    the pricing code and loading the price cache then costs no time of its own."""
    if no_cost:
        return None
    from llmstat.pricing.cache import default_cache
    from llmstat.pricing.pricer import Pricer

    return Pricer(table, cache=default_cache(), mode=mode.value)


def err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def make_options(max_size: int) -> Options:
    from llmstat.sources.inputs import Options

    return Options(max_size=max_size << 20)


def iter_selected(
    inputs: list[str], max_size: int, jobs: int, selected: RecordFilter
) -> Iterator[InputResult]:
    """Each input's result in order, llama-swap's activity entries joined to their captures,
    its records narrowed to ``selected``: what the record commands read that print records as
    they come."""
    from llmstat.sources.llamaswap_join import join_results

    results = join_results(iter_read(inputs, max_size, jobs))
    return _narrowed(results, selected) if selected.active else results


def iter_read(inputs: list[str], max_size: int, jobs: int) -> Iterator[InputResult]:
    """Each input's result in order as it was read, with a progress bar on a terminal's stderr
    for long runs. Several processes start reading at once, before the first result is asked
    for."""
    from llmstat.report.progress import with_progress
    from llmstat.sources import early
    from llmstat.sources.inputs import iter_input_paths

    items = list(iter_input_paths(inputs))
    options, processes = make_options(max_size), jobs_for(jobs)
    # the console script may have started reading these very inputs before the command loaded
    results = early.adopted(items, options, processes)
    if results is None:
        from llmstat.sources.pipeline import iter_results_of

        results = iter_results_of(items, options, processes)
    return with_progress(results, len(items))


def _narrowed(results: Iterator[InputResult], selected: RecordFilter) -> Iterator[InputResult]:
    for res in results:
        res.records = selected.narrow(res.records)
        yield res


def jobs_for(jobs: int) -> int:
    import os

    return (os.cpu_count() or 1) if jobs == 0 else jobs


class RunState:
    """What the inputs of one command gave besides records: failures, warnings, skipped entries."""

    def __init__(self) -> None:
        self.failed = False
        self.warned = False
        self.records = 0
        self.warned_records = 0
        self.warnings: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    def take(self, res: InputResult) -> None:
        self.take_input(res)
        self.take_records(res.records)

    def take_input(self, res: InputResult) -> None:
        """What an input said of itself: its warnings, error and skipped entries."""
        for w in res.warnings:
            self.warned = True
            err(f"Warning: {res.source}: {w}")
        self.take_skipped(res.skipped)
        if res.error is not None:
            self.failed = True
            err(f"Error: {res.error}")

    def take_records(self, records: list[Record]) -> None:
        self.records += len(records)
        for r in records:
            if r.warnings:
                self.warned = True
                self.warned_records += 1
                self.warnings.update(dict.fromkeys(r.warnings, 1))  # each once, in order

    def forget_records(self) -> None:
        """Count the records anew (the llama-swap join changed them after they were counted)."""
        self.records = self.warned_records = 0
        self.warnings.clear()

    def take_skipped(self, skipped: Iterable[Skipped]) -> None:
        for s in skipped:
            self.warned = self.warned or s.warn
            # "not an LLM call: GET /v1/models" counts as "not an LLM call"
            self.skipped[s.reason.split(":", 1)[0]] += 1

    def take_pricing(self, pricer: Pricer | None) -> None:
        """The pricer's new warnings: one per model it could not price."""
        for w in pricer.take_warnings() if pricer is not None else ():
            self.warned = True
            err(f"Warning: {w}")

    def notes(self) -> list[str]:
        """At most two lines for stderr, in every format: how many records had warnings (and
        the commonest), how many entries were skipped and why. Details are in the JSON."""
        lines = []
        if self.warned_records:
            common = ", ".join(f'"{w}" ({n:,})' for w, n in self.warnings.most_common(2))
            more = ", ..." if len(self.warnings) > 2 else ""
            lines.append(
                f"Warning: {self.warned_records:,} of {self.records:,} records with warnings: "
                f'{common}{more} (each record\'s "warnings" in --format json)'
            )
        if self.skipped:
            total = sum(self.skipped.values())
            why = ", ".join(f"{reason} ({n:,})" for reason, n in self.skipped.most_common())
            lines.append(f"Note: {total:,} entries skipped: {why}")
        return lines

    def finish(self, strict: bool) -> int:
        """Print the notes; the exit status."""
        for line in self.notes():
            err(line)
        return self.exit_code(strict)

    def exit_code(self, strict: bool) -> int:
        if self.failed or (strict and self.warned):
            return ExitCode.INPUT_ERROR
        return ExitCode.OK


# What the last run made, held until the process ends: the console script ends with os._exit
# (cli.run), which frees nothing, where letting a summary's inputs go freed them object by
# object after the output was written (10,000 captures: 10-15 ms). One run's at a time, for a
# process that runs the app again (the tests).
_KEPT: list[object] = []


def keep_until_exit(*objects: object) -> None:
    _KEPT[:] = objects


def run_guarded(fn: Any) -> None:
    from llmstat.sources.early import resume_collector

    resume_collector()
    try:
        code = fn()
    except KeyboardInterrupt:
        err("Interrupted")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        closed_pipe()
    except OSError as e:
        # inputs report their own read errors: what reaches here is the output failing
        # (a full disk, a device that refuses writes), one line and not a traceback
        failed_output(e)
    try:
        sys.stdout.flush()  # what is still buffered may meet the closed pipe too
    except BrokenPipeError:
        closed_pipe()
    except OSError as e:
        failed_output(e)
    raise typer.Exit(code)


def failed_output(e: OSError) -> NoReturn:
    err(f"Error: {e.filename or 'stdout'}: {e.strerror or e}")
    _stdout_to_devnull()
    raise typer.Exit(ExitCode.INPUT_ERROR) from None


def closed_pipe() -> NoReturn:
    _stdout_to_devnull()
    raise typer.Exit(ExitCode.CLOSED_PIPE) from None


def _stdout_to_devnull() -> None:
    """stdout stays unwritable to us: what is still buffered goes to /dev/null, so the last
    flush at exit is quiet."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
