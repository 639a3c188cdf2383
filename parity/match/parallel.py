"""Per-organisation work in forked worker processes, without module globals.

Organisations are matched independently, so both the in-memory engine (one task per
organisation) and the streamed file path (one task per chunk of organisations) spread
them over processes with :func:`run`. The data a task needs is handed over by
``fork``: the workers are started with ``shared`` as an argument of their target, which a
forked child inherits copy-on-write — nothing is pickled on the way in, and no module
global carries it (two runs in one process, or a run inside a worker, cannot see each
other's data). Only the task's index goes down a pipe, and only its result comes back.

Tasks are dispatched one at a time to whichever worker is free, heaviest first, so a
large organisation never waits behind small ones. Results arrive in completion order;
callers put them in place (verdicts never depend on the order or the number of workers).
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator, Sequence, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN_RECORDS = 40_000  # below this, forking costs more than it saves
DEFAULT_MAX_WORKERS = 4


def worker_count(
    requested: int | None, n_records: int, n_orgs: int, forkable: Callable[[], bool] = lambda: True
) -> int:
    """How many processes to use: ``requested`` (``None``: automatic — up to
    :data:`DEFAULT_MAX_WORKERS` for at least :data:`PARALLEL_MIN_RECORDS` records), never
    more than there are organisations; 1 where ``fork`` is missing or, automatically, when
    the work must not be forked (``forkable()`` false, asked only then: a dense model)."""
    if requested == 1 or n_orgs < 2:
        return 1
    if requested is None and (n_records < PARALLEL_MIN_RECORDS or not forkable()):
        return 1  # the dense model must not be forked; small inputs are faster in-process
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    wanted = requested or min(cpus, DEFAULT_MAX_WORKERS)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, n_orgs))


def run(
    work: Callable[[S, T], R],
    shared: S,
    tasks: Sequence[T],
    workers: int,
    weights: Sequence[float] | None = None,
) -> Iterator[R]:
    """``work(shared, task)`` for every task; results as they complete.

    ``workers == 1`` runs in this process, in the given order. Otherwise tasks go to
    ``workers`` forked processes, heaviest ``weights`` first. An exception in a task is
    raised here (the other workers are stopped); so is a worker that dies without answering.
    """
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield work(shared, task)
        return
    order = sorted(range(len(tasks)), key=lambda i: -weights[i]) if weights is not None else list(range(len(tasks)))
    ctx = multiprocessing.get_context("fork")
    procs: list[Any] = []
    conns: list[Connection] = []
    finished = False
    try:
        for _ in range(min(workers, len(tasks))):
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(work, shared, tasks, child_end), daemon=True)
            proc.start()
            child_end.close()
            procs.append(proc)
            conns.append(parent_end)
        pending = iter(order)
        busy: dict[Connection, Any] = {conn: proc for conn, proc in zip(conns, procs) if _send_next(conn, pending)}
        while busy:
            ready = wait([*busy, *(proc.sentinel for proc in busy.values())])
            for conn in [c for c in busy if c in ready or c.poll()]:
                try:
                    ok, result = conn.recv()
                except EOFError:
                    raise _died(busy[conn]) from None
                if not ok:
                    raise result
                yield result
                if not _send_next(conn, pending):
                    del busy[conn]
            for conn, proc in busy.items():
                if proc.sentinel in ready and not conn.poll():
                    raise _died(proc)
        finished = True
    finally:
        for conn in conns:
            if finished:  # every worker is idle: let it return
                try:
                    conn.send(None)
                except OSError:
                    pass
            conn.close()
        for proc in procs:
            if not finished:
                proc.terminate()  # a task failed or the caller stopped early: nothing to wait for
            proc.join()


def _died(proc: Any) -> RuntimeError:
    proc.join(timeout=1)
    return RuntimeError(f"a matching worker process died (exit code {proc.exitcode})")


def _send_next(conn: Connection, pending: Iterator[int]) -> bool:
    task = next(pending, None)
    if task is None:
        return False
    conn.send(task)
    return True


def _serve(work: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any], conn: Connection) -> None:
    """A worker: run the tasks whose index arrives, send back (ok, result), until ``None``."""
    while True:
        try:
            index = conn.recv()
        except EOFError:
            return
        if index is None:
            return
        try:
            reply = (True, work(shared, tasks[index]))
        except Exception as exc:  # handed to the parent, which raises it
            reply = (False, exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send((False, RuntimeError(f"worker could not send its result: {exc!r}")))
