"""parity.match.parallel: per-organisation work in forked processes, data handed over by fork."""

from __future__ import annotations

import os

import pytest

from parity.match import parallel


def test_every_task_runs_once_in_other_processes() -> None:
    shared = {"base": 100}
    results = list(parallel.run(lambda s, t: (t, s["base"] + t, os.getpid()), shared, list(range(12)), 2,
                                weights=[1.0] * 12))
    assert sorted(r[:2] for r in results) == [(t, 100 + t) for t in range(12)]
    assert os.getpid() not in {r[2] for r in results}


def test_shared_data_is_inherited_not_pickled() -> None:
    class Unpicklable:
        def __reduce__(self):
            raise TypeError("must not be pickled")

    shared = (Unpicklable(), [3, 4, 5])
    assert sorted(parallel.run(lambda s, t: s[1][t] * 2, shared, [0, 1, 2], 2)) == [6, 8, 10]


def test_heaviest_task_is_dispatched_first() -> None:
    order = [r for r in parallel.run(lambda s, t: t, None, ["light", "heavy"], 1, weights=[1, 9])]
    assert order == ["light", "heavy"]  # in-process: the given order
    first = next(iter(parallel.run(lambda s, t: (t, os.getpid()), None, ["a", "b", "c"], 2, weights=[1, 2, 9])))
    assert first[0] == "c" or first[0] == "b"  # the two heaviest start first, on the two workers


def test_a_failing_task_raises_its_error_here() -> None:
    def work(_, t):
        if t == 3:
            raise ValueError("task 3 is broken")
        return t

    with pytest.raises(ValueError, match="task 3 is broken"):
        list(parallel.run(work, None, list(range(6)), 2))


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def work(_, t):
        if t == 1:
            os._exit(7)
        return t

    with pytest.raises(RuntimeError, match="exit code 7"):
        list(parallel.run(work, None, [0, 1, 2], 2))


@pytest.mark.parametrize("requested, n_records, n_orgs, forkable, expected", [
    (1, 10**6, 10, True, 1),  # asked for one
    (None, 10**6, 1, True, 1),  # one organisation
    (None, 1_000, 10, True, 1),  # small input: forking costs more than it saves
    (None, 10**6, 10, False, 1),  # a dense model is never forked automatically
    (3, 1_000, 2, False, 2),  # asked for: capped by the organisations
])
def test_worker_count(requested, n_records, n_orgs, forkable, expected) -> None:
    assert parallel.worker_count(requested, n_records, n_orgs, lambda: forkable) == expected
