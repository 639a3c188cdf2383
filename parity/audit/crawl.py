"""The crawl step of a run (a registered run, the crawl process, the run settled on failure),
and ``parity crawl``, which stops after it and exports what was collected."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from parity.audit.child import run_crawl
from parity.audit.collect import Collected, collect_from_store, export_crawl
from parity.audit.errors import CrawlCrashed, InputError, Interrupted
from parity.audit.request import CrawlRequest, CrawlResult, Resolved, resolve
from parity.core.exitcodes import ExitCode, outcome
from parity.store import RunLock, Store, describe_store, open_store


def new_run_id(now: dt.datetime) -> str:
    """Unique per run, from the wall clock: two replays with the same ``--now`` are still two runs
    (the same id would overwrite the first run's sources and make the ledger think its pages were done)."""
    del now
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def crawl_step(run: Resolved, command: str, request: CrawlRequest, run_id: str, lock: RunLock) -> str:
    """Begin a run, crawl in the child process, settle the run on failure; returns the run id.

    ``lock`` is the store's run lock, already held (see :func:`crawled`); the crawl child
    inherits it, so it stays held while the child writes even if this process is killed.
    Failures follow the contract: Interrupted (the run is kept as ``interrupted`` so a rerun
    resumes), InputError (an input file named by the config is unreadable; the crawl printed
    which file and line), CrawlCrashed (the child died: a bug).
    """
    with open_store(run.store) as store:
        store.begin_run(run_id, command, str(run.loaded.path))
    request.progress.stage("crawl", f"crawling {run.loaded.path} (run {run_id}, store {describe_store(run.store)})")
    if run.redis:
        request.progress.stage("crawl", f"distributed: {run.workers} local worker(s) on {run.redis}")
    if run.warc is not None:
        request.progress.stage("crawl", f"archiving every downloaded response in {run.warc}")
    code = run_crawl(run.loaded.path, run.store, run_id, run.clock, run.orgs, request.verbose, run.warc,
                     request.progress, lock_fds=lock.inheritable_fds(), redis=run.redis,
                     workers=run.workers)
    if code == 0:
        return run_id
    with open_store(run.store) as store:
        if code == ExitCode.INTERRUPTED:
            store.finish_run(run_id, "interrupted", ExitCode.INTERRUPTED)
            raise Interrupted()
        if code == ExitCode.USAGE:  # the crawl printed which file and line
            store.finish_run(run_id, "failed", ExitCode.USAGE)
            raise InputError("")
        store.finish_run(run_id, "failed", ExitCode.INTERNAL)
    raise CrawlCrashed(code)


@dataclass(frozen=True)
class Crawled:
    """A run whose crawl finished: the store stays open for the steps that follow."""

    run: Resolved
    run_id: str
    store: Store
    collected: Collected


@contextmanager
def crawled(request: CrawlRequest, command: str) -> Iterator[Crawled]:
    """Resolve the request, crawl, and read back what this run collected (the steps every run shares)."""
    run = resolve(request)
    run_id = new_run_id(run.clock)
    # One run per store at a time (parity/store/lock.py): taken before the run is registered, held until its
    # last output is written; a second run stops here with exit 2 and the holder's run id and pid.
    with open_store(run.store) as store, store.lock_run(run_id) as lock:
        crawl_step(run, command, request, run_id, lock)
        yield Crawled(run, run_id, store, collect_from_store(store, run.loaded, run_id, run.clock, run.orgs))


def run_crawl_only(request: CrawlRequest) -> CrawlResult:
    """``parity crawl``: collect, then write posts.jsonl, web.jsonl and sources.jsonl (exit 4 if incomplete)."""
    with crawled(request, "crawl") as done:
        collected = done.collected
        export_crawl(done.run.out, collected)
        code = outcome(below_threshold=False, incomplete=any(s.status != "ok" for s in collected.sources))
        done.store.finish_run(done.run_id, "finished", code)
    request.progress.stage("report", f"{len(collected.posts)} posts, {len(collected.web)} web items written to "
                                     f"{done.run.out}")
    return CrawlResult(out_dir=done.run.out, run_id=done.run_id, store=done.run.store, posts=len(collected.posts),
                       web=len(collected.web), sources=dict(Counter(s.status for s in collected.sources)),
                       exit_code=code)
