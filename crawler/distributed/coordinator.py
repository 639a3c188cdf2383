"""The coordinator of a distributed crawl: ``python -m crawler.run … --redis URL --workers N``.

It does what only one process may do, around the workers' shared crawl:

1. registers the crawl in the store (repair, resume of an interrupted run: the same
   ``begin_run`` as the single-process crawl), fails the sources that cannot start;
2. publishes the run in Redis (the validated config, the audit clock, the sources, the
   store if its name means the same on every machine) and marks it current, so
   ``parity worker`` on other machines can join;
3. starts N local workers (``python -m crawler.worker``; they die with it) and waits,
   keeping its own ``coordinator`` key alive, until no worker has anything left;
4. merges the workers' trackers and Scrapy stats per source into one status line,
   through the same end-of-crawl checks as the single-process crawl
   (crawler.process.crawled_status), and settles the crawl (``finished``/``interrupted``);
5. deletes the run's keys.

Ctrl-C reaches the local workers (one process group) and sets the run's ``stop`` key for
remote ones; what was stored is kept and the next run resumes it from the store's ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crawler.tracking import SourceTracker, merge_trackers
from parity.config import LoadedConfig
from parity.core.exitcodes import ExitCode
from parity.core.records import SourceStatus
from parity.core.timeutil import format_time
from parity.distributed.client import (
    CURRENT_RUN,
    RunKeys,
    check_url,
    sync_client,
    unreachable,
)
from parity.distributed.sourcestate import SourceState
from parity.store import is_postgres_url

log = logging.getLogger("crawler.coordinator")

POLL_SECONDS = 0.5
COORDINATOR_TTL_MS = 10_000


def crawl_distributed(loaded: LoadedConfig, pending: list[Any], store_path: str, run_id: str, now: dt.datetime,
                      verbose: bool, warc_path: str | None, redis_url: str, workers: int,
                      progress_fd: int | None = None) -> int:
    from crawler.ledger import begin_run
    from crawler.process import preflight_failed, spider_classes, unsupported_status
    from crawler.store_access import close_all, shared_store

    problem = check_url(redis_url) or unreachable(redis_url)
    if problem:  # one line: the user's --redis is wrong or Redis is down; nothing crawled
        print(f"crawl: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    client = sync_client(redis_url)
    store = shared_store(store_path)
    resumed = begin_run(store, run_id)
    if resumed:
        log.info("resuming the interrupted run %s: pages it stored are not fetched again", resumed)
    classes = spider_classes()
    shared, unsupported = [], []
    for spec in pending:
        cls = classes.get(spec.kind)
        failed = preflight_failed(spec, cls) if cls is not None else None
        if cls is None:
            unsupported.append(spec)
        elif failed is not None:
            store.record_source(run_id, spec.key, failed)
        else:
            shared.append(spec)
    progress = Progress(client, len(pending) - len(shared)) if progress_fd is not None else None
    keys = RunKeys(run_id)
    if resumed:  # the rows the interrupted run left unfinished, before any worker plans new ones
        for spec in shared:
            urls = [row.url for row in store.ledger_pending(spec.key, run_id)]
            if urls:
                client.sadd(SourceState(client, keys.source(spec.key)).key("resume"), *urls)
    publish_run(client, keys, loaded, shared, store_path, now)
    interrupted = False
    try:
        procs = start_workers(redis_url, run_id, store_path, workers, verbose, warc_path)
        interrupted = wait_for_workers(client, keys, procs, progress)
    finally:
        client.delete(keys.coordinator)
    statuses = source_statuses(client, keys, shared, loaded, store_path, run_id, interrupted)
    for spec, (status, detail) in zip(shared, statuses):
        store.record_source(run_id, spec.key, status, detail)
        log.info("%s: %s, %d items%s", spec.key, status.status, status.items,
                 f" ({status.error})" if status.error else "")
    for spec in unsupported:
        store.record_source(run_id, spec.key, unsupported_status(spec))
    complete = all(detail.get("finish_reason") == "finished" for _status, detail in statuses)
    store.finish_crawl(run_id, "finished" if complete and not interrupted else "interrupted")
    close_all()
    forget_run(client, keys)
    if interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.OK if complete else ExitCode.INTERNAL


def publish_run(client: Any, keys: RunKeys, loaded: LoadedConfig, specs: list[Any], store: str,
                now: dt.datetime) -> None:
    """What a worker needs to join, in Redis; the store only if its name means the same everywhere."""
    shareable = is_postgres_url(store) and ":" not in _userinfo(store)  # never publish a password
    descriptor = {
        "run_id": keys.run_id, "config_name": loaded.path.name,
        "config_text": loaded.path.read_text(encoding="utf-8"), "now": format_time(now),
        "sources": [spec.key for spec in specs], "orgs": sorted({spec.org for spec in specs}),
        "store": store if shareable else None, "started": time.time(),
    }
    client.set(keys.coordinator, 1, px=COORDINATOR_TTL_MS)
    client.set(keys.descriptor, json.dumps(descriptor))
    client.set(CURRENT_RUN, keys.run_id)


def _userinfo(url: str) -> str:
    netloc = url.split("//", 1)[1].split("/", 1)[0]
    return netloc.rsplit("@", 1)[0] if "@" in netloc else ""


def start_workers(redis_url: str, run_id: str, store: str, count: int, verbose: bool,
                  warc_path: str | None) -> list[subprocess.Popen[bytes]]:
    """``count`` local workers: same process group (Ctrl-C reaches them), killed if we die."""
    procs = []
    for index in range(count):
        cmd = [sys.executable, "-m", "crawler.worker", "--redis", redis_url, "--run", run_id, "--store", store]
        if verbose:
            cmd.append("--verbose")
        if warc_path:  # one archive per worker: gzip members from several processes must not interleave
            path = Path(warc_path)
            cmd += ["--warc", str(path.with_name(path.name.replace(".warc", f".w{index + 1}.warc", 1)))]
        procs.append(subprocess.Popen(cmd, preexec_fn=_die_with_parent))  # noqa: PLW1509
    return procs


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when the coordinator dies (no orphaned crawl)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def wait_for_workers(client: Any, keys: RunKeys, procs: list[subprocess.Popen[bytes]],
                     progress: Progress | None = None) -> bool:
    """Until no worker (local or remote) is alive; True if interrupted (Ctrl-C)."""
    interrupted = False
    while True:
        try:
            client.set(keys.coordinator, 1, px=COORDINATOR_TTL_MS)
            if progress is not None:
                progress.update(keys)
            if all(p.poll() is not None for p in procs) and not live_workers(client, keys):
                break
            time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            if not interrupted:
                interrupted = True
                client.set(keys.stop, 1)
                log.warning("interrupted: workers stop after their current requests")
            else:
                for proc in procs:
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGINT)
    if progress is not None:
        progress.update(keys)
    codes = [p.returncode for p in procs]
    if any(code not in (0, ExitCode.INTERRUPTED) for code in codes):
        log.warning("local worker exit statuses: %s", codes)
    return interrupted or any(code == ExitCode.INTERRUPTED for code in codes)


class Progress:
    """The progress line (crawler/progress.py) from the workers' totals in Redis (``RunKeys.progress``)."""

    def __init__(self, client: Any, done_before: int) -> None:
        from crawler.progress import reporter

        self.client = client
        self.reporter = reporter()
        # sources settled without a worker: file imports (already counted), preflight failures, unsupported
        self.done_before = done_before + (self.reporter.done if self.reporter is not None else 0)

    def update(self, keys: RunKeys) -> None:
        if self.reporter is None:
            return
        totals = {"pages": 0, "items": 0, "errors": 0}
        done, last = 0, ""
        for field, raw in self.client.hgetall(keys.progress).items():
            if _text(field) == "_done":
                done = int(raw)
            elif _text(field) == "_last":
                last = _text(raw)
            else:
                for name, value in json.loads(raw).items():
                    totals[name] = totals.get(name, 0) + int(value)
        changed = done + self.done_before > self.reporter.done
        self.reporter.remote = totals
        self.reporter.done = self.done_before + done
        if changed:  # a source finished (the last one a worker reported): always shown
            self.reporter.emit(force=True, source=last or None)
        else:
            self.reporter.emit()


def live_workers(client: Any, keys: RunKeys) -> list[str]:
    left = {_text(w) for w in client.hkeys(keys.finished)}
    return [w for w in map(_text, client.hkeys(keys.workers)) if w not in left and client.exists(keys.alive(w))]


def source_statuses(client: Any, keys: RunKeys, specs: list[Any], loaded: LoadedConfig, store: str, run_id: str,
                    interrupted: bool) -> list[tuple[SourceStatus, dict[str, Any]]]:
    """Each source's line: the workers' trackers and stats merged, then the single-process checks."""
    from crawler.process import crawled_status
    from crawler.settings import scrapy_settings

    settings = scrapy_settings(loaded.config.crawl, store, run_id)
    out = []
    for spec in specs:
        state = SourceState(client, keys.source(spec.key))
        snapshots = state.snapshots()
        tracker: SourceTracker = merge_trackers([snapshots[w] for w in sorted(snapshots)], spec.org, spec.kind,
                                                spec.target)
        per_worker = {_text(w): json.loads(v) for w, v in client.hgetall(state.key("stats")).items()}
        stats = merged_stats([per_worker[w] for w in sorted(per_worker)])
        closed = [_text(v) for k, v in client.hgetall(state.key("flags")).items() if _text(k).startswith("closed:")]
        reason = "finished" if "finished" in closed else ("shutdown" if interrupted else "worker_lost")
        stats["finish_reason"] = reason
        if not snapshots:  # no worker got to it
            status = SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed",
                                  error=f"crawl ended early ({reason}): no worker crawled this source")
            out.append((status, {"finish_reason": reason}))
            continue
        status, detail = crawled_status(spec, tracker, stats, settings, reason)
        # Who did the work (responses per worker): for the operator, and for tests that it was shared.
        detail["workers"] = {w: int(per_worker[w].get("response_received_count", 0)) for w in sorted(per_worker)}
        out.append((status, detail))
    return out


def merged_stats(per_worker: list[dict[str, Any]]) -> dict[str, Any]:
    """Scrapy's counters added over the workers (times and other values are dropped)."""
    merged: dict[str, Any] = {}
    for stats in per_worker:
        for key, value in stats.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "finish_reason":
                merged[key] = merged.get(key, 0) + value
    return merged


def forget_run(client: Any, keys: RunKeys) -> None:
    """Delete the run's keys; the run is no longer current."""
    for key in client.scan_iter(match=f"{keys.prefix}:*", count=1000):
        client.unlink(key)
    if _text(client.get(CURRENT_RUN)) == keys.run_id:
        client.delete(CURRENT_RUN)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")

