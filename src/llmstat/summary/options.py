"""What ``llmstat summarize`` was asked for, as values: apart from the summary code, so that the
command can check its options before the (heavier) summary code is loaded. The record filters
(--model, --api, ...) are no summary option: the records come already narrowed to them."""

from __future__ import annotations

from dataclasses import field
from datetime import UTC, datetime, timedelta, tzinfo

from llmstat.dataclass import dataclass
from llmstat.summary.clock import Clock, TimeRange, started_or_created
from llmstat.summary.windows import Anchor


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """How records are filtered, windowed and grouped into a ``Summary``."""

    window: timedelta | None = None
    anchor: Anchor = field(default_factory=Anchor)
    by: tuple[str, ...] = ()
    range: TimeRange = field(default_factory=TimeRange)
    tz: tzinfo = UTC
    dedupe: bool = True
    cost: bool = True  # False: --no-cost, every cost_usd null
    breakdown: bool = False  # per-model stats under the totals, each window and each group
    # --active: the latest window's state, its reset counted down from ``now`` (None: no --active)
    now: datetime | None = None
    # when a record happened (--clock): started, else created; or started alone
    clock: Clock = started_or_created
