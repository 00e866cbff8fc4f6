"""llmstat.sources.parallel.ordered_map: the results of map(), in order, whatever the workers do."""

from __future__ import annotations

import os
import sys
import time

import pytest

from llmstat.sources import parallel
from llmstat.sources.parallel import ordered_map

PARENT = os.getpid()
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="forked workers are used on Linux only")


def slow_square(x: int) -> tuple[int, int]:
    # uneven work: later items finish before earlier ones in other processes
    time.sleep(0.002 * (x % 5))
    return x * x, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3, 8])
def test_results_in_input_order(jobs: int) -> None:
    got = list(ordered_map(slow_square, list(range(60)), jobs))
    # which process took which item is up to the scheduler (on two busy cores this process may
    # take none): only the order is promised
    assert [v for v, _ in got] == [x * x for x in range(60)]


@linux_only
def test_more_items_than_task_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_MAX_TASKS", 7)  # tasks of several items each
    assert [v for v, _ in ordered_map(slow_square, list(range(50)), 2)] == [x * x for x in range(50)]


def fails_on_13(x: int) -> int:
    if x == 13:
        raise ValueError("thirteen")
    return x


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_reaches_the_caller(jobs: int) -> None:
    with pytest.raises(ValueError, match="thirteen"):
        list(ordered_map(fails_on_13, list(range(40)), jobs))


def dies_in_a_worker(x: int) -> int:
    if x == 5 and os.getpid() != PARENT:
        os._exit(3)  # a worker killed mid-task (out of memory, a signal)
    time.sleep(0.001)
    return x


@linux_only
def test_a_task_whose_worker_died_is_done_here() -> None:
    for _ in range(5):  # whichever process takes item 5
        assert list(ordered_map(dies_in_a_worker, list(range(30)), 3)) == list(range(30))


def _children() -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(int(entry))
    return found


@linux_only
def test_stopping_early_leaves_no_worker_behind() -> None:
    before = _children()
    it = ordered_map(slow_square, list(range(200)), 3)
    assert next(it)[0] == 0
    it.close()
    assert _children() == before


@linux_only
def test_workers_start_at_once_and_stop_when_let_go() -> None:
    before = _children()
    it = ordered_map(slow_square, list(range(200)), 3)
    assert len(_children() - before) == 2  # forked before the first result is asked for
    del it
    assert _children() == before


@linux_only
def test_no_fork_to_be_had_means_reading_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    before = _children()
    assert [v for v, _ in ordered_map(slow_square, list(range(20)), 2)] == [x * x for x in range(20)]
    assert _children() == before


def test_the_pool_used_off_linux_keeps_the_order_too() -> None:
    got = list(parallel._pooled(slow_square, list(range(40)), 2))
    assert [v for v, _ in got] == [x * x for x in range(40)]


def test_reading_makes_no_cyclic_garbage() -> None:
    # what a pool's results are taken in by is frozen as it comes (ordered_map's gc.freeze):
    # sound only while reading leaves nothing for the cycle collector to find
    import gc
    from pathlib import Path

    from llmstat.sources.inputs import iter_input_paths
    from llmstat.sources.pipeline import read_input

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    inputs = list(iter_input_paths([str(fixtures)]))
    assert len(inputs) > 50
    for path, walked in inputs:  # once for the modules imported on first use (theirs are cycles)
        read_input(path, walked)
    gc.collect()
    gc.disable()
    try:
        results = [read_input(path, walked) for path, walked in inputs]
        assert sum(len(r.records) for r in results) > 100
        del results
        assert gc.collect() == 0
    finally:
        gc.enable()


@linux_only
def test_results_taken_in_are_frozen_and_thawed_at_the_end() -> None:
    import gc

    seen = []
    for square, _ in ordered_map(slow_square, list(range(100)), 2):
        seen.append((square, gc.get_freeze_count()))
    assert [r for r, _ in seen] == [i * i for i in range(100)]
    assert seen[-1][1] > seen[0][1]  # what came in was frozen as it came
    assert gc.get_freeze_count() == 0
