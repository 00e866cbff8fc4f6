"""p50/p95/p99 by linear interpolation between closest ranks (CONTRACT.md, Summaries)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict


class PercentilesJson(TypedDict):
    p50: float | None
    p95: float | None
    p99: float | None


@dataclass(frozen=True, slots=True)
class Percentiles:
    """None throughout when there were no values."""

    p50: float | None = None
    p95: float | None = None
    p99: float | None = None

    def as_dict(self) -> PercentilesJson:
        return {"p50": self.p50, "p95": self.p95, "p99": self.p99}


def percentiles(values: Iterable[float | None]) -> Percentiles:
    """Over the non-null values: ``statistics.quantiles(n=100, method="inclusive")``."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return Percentiles()
    if len(present) == 1:
        return Percentiles(present[0], present[0], present[0])
    cuts = statistics.quantiles(present, n=100, method="inclusive")
    return Percentiles(cuts[49], cuts[94], cuts[98])
