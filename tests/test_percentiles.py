"""p50/p95/p99: statistics.quantiles(n=100, method="inclusive"), worked out by hand here."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmstat.summary.percentiles import Percentiles, percentiles


def test_no_values_give_null_percentiles() -> None:
    assert percentiles([]) == Percentiles(None, None, None)
    assert percentiles([None, None]).as_dict() == {"p50": None, "p95": None, "p99": None}


def test_one_value_is_every_percentile() -> None:
    assert percentiles([None, 742.5, None]) == Percentiles(742.5, 742.5, 742.5)


def test_linear_interpolation_between_closest_ranks() -> None:
    # sorted 100, 200, 300, 400: rank = (n - 1) * p = 3p
    # p50: rank 1.5 -> 200 + 0.5 * 100 = 250; p95: rank 2.85 -> 300 + 0.85 * 100 = 385;
    # p99: rank 2.97 -> 397
    got = percentiles([400, 100, None, 300, 200])
    assert got.p50 == pytest.approx(250.0)
    assert got.p95 == pytest.approx(385.0)
    assert got.p99 == pytest.approx(397.0)


def test_two_values() -> None:
    # rank = p: p50 = 10 + 0.5 * 20 = 20; p95 = 10 + 0.95 * 20 = 29; p99 = 29.8
    got = percentiles([30.0, 10.0])
    assert (got.p50, got.p95, got.p99) == pytest.approx((20.0, 29.0, 29.8))


def test_odd_count_median_is_the_middle_value() -> None:
    # 1..11: p50 rank 5 -> 6; p95 rank 9.5 -> 10.5; p99 rank 9.9 -> 10.9
    got = percentiles(range(1, 12))
    assert (got.p50, got.p95, got.p99) == pytest.approx((6.0, 10.5, 10.9))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, min_value=-1e300, max_value=1e300),
            st.integers(min_value=0, max_value=10**6).map(float),
            st.none(),
        ),
        max_size=300,
    )
)
def test_the_same_floats_as_statistics_quantiles(values: list[float | None]) -> None:
    # written out by hand to spare the import of statistics: held to it bit for bit
    present = [v for v in values if v is not None]
    got = percentiles(values)
    if len(present) < 2:
        assert got == (Percentiles() if not present else Percentiles(present[0], present[0], present[0]))
        return
    cuts = statistics.quantiles(present, n=100, method="inclusive")
    assert (got.p50, got.p95, got.p99) == (cuts[49], cuts[94], cuts[98])
