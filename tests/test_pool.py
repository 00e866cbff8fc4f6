"""Many inputs are read by several processes; the results come out in input order all the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmstat.sources import parallel, pipeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _results(
    jobs: int, folder: Path = FIXTURES
) -> list[tuple[str, list[dict[str, object]], list[str], str | None]]:
    out = []
    for res in pipeline.iter_results([str(folder)], jobs=jobs):
        out.append(
            (
                res.source,
                [r.as_dict() for r in res.records],
                [s.reason for s in res.skipped],
                None if res.error is None else str(res.error),
            )
        )
    return out


def test_a_pool_gives_the_results_of_one_process_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    one = _results(jobs=1)
    assert len(one) > 20
    assert _results(jobs=2) == one
    assert _results(jobs=3) == one


def test_small_runs_do_not_start_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a few small inputs")

    monkeypatch.setattr("llmstat.sources.parallel.ordered_map", no_pool)
    few = FIXTURES / "har"
    assert 2 <= len(list(few.iterdir())) < parallel.POOL_MIN_FILES
    assert _results(jobs=2, folder=few)


def test_results_come_back_from_a_process_whole() -> None:
    # a result travels pickled (by position, not by slot names): every field of every record,
    # the origin the llama-swap join needs included, arrives as it left
    import pickle

    results = list(pipeline.iter_results([str(FIXTURES)], jobs=1))
    assert sum(len(r.records) for r in results) > 50
    assert any(r.origin is not None for res in results for r in res.records)
    assert pickle.loads(pickle.dumps(results, pickle.HIGHEST_PROTOCOL)) == results
