"""p50/p95/p99 by linear interpolation between closest ranks (CONTRACT.md, Summaries)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from llmstat.dataclass import dataclass

if TYPE_CHECKING:
    from typing import TypedDict

    class PercentilesJson(TypedDict):  # the type checker's only (see summary.builder)
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
    """Over the non-null values: ``statistics.quantiles(n=100, method="inclusive")``, written
    out here because ``statistics`` (with ``fractions`` under it) costs more to import than a
    summary of thousands of requests takes to compute."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return Percentiles()
    if len(present) == 1:
        return Percentiles(present[0], present[0], present[0])
    present.sort()
    return Percentiles(_cut(present, 50), _cut(present, 95), _cut(present, 99))


def _cut(data: list[float], i: int) -> float:
    """The ``i``-th of the 99 cut points of sorted ``data`` (at least two values), with the
    arithmetic of ``statistics.quantiles``' inclusive method, so the floats are the same."""
    m = len(data) - 1
    j, delta = divmod(i * m, 100)
    return (data[j] * (100 - delta) + data[j + 1] * delta) / 100
