"""Crawl process entry point: ``python -m crawler.run --config C --store S --run-id R [--warc W]``.

Runs every configured source of the selected organisations in one Scrapy
process (the reactor cannot restart, so one process per crawl), then writes one
status line per source into the store. Exit status: 0 finished, 2 config error,
130 interrupted (collected records are already in the store; a rerun resumes),
1 anything unexpected.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import sys
from typing import Any

from crawler.process import (
    configure_logging,
    crawl_settings,
    crawled_status,
    import_local,
    preflight_failed,
    scrapy_process,
    spider_classes,
    unsupported_status,
)
from crawler.secrets import config_secrets, process_redactor
from parity.config import ConfigError, LoadedConfig, load_config
from parity.core.exitcodes import ExitCode
from parity.core.records import SourceStatus
from parity.core.timeutil import parse_time
from parity.store import StoreBusy, StoreError, open_store

log = logging.getLogger("crawler")


def _source_done(progress_fd: int | None, key: str) -> None:
    """A source finished without Scrapy (failed preflight, unsupported): the progress channel counts it."""
    if progress_fd is not None:
        from crawler.progress import source_done

        source_done(key)


def run(loaded: LoadedConfig, store_path: str, run_id: str, orgs: set[str] | None, now: dt.datetime,
        verbose: bool = False, warc_path: str | None = None, progress_fd: int | None = None,
        redis_url: str | None = None, workers: int = 1) -> int:
    from crawler.sources import source_specs

    process_redactor().add(config_secrets(loaded))
    specs = source_specs(loaded, orgs)
    store = open_store(store_path)
    pending, unreadable = import_local(specs, store, run_id)
    store.close()
    if unreadable:  # one line each, file:line: field: message; nothing is crawled, nothing stored is touched
        for line in unreadable:
            print(line, file=sys.stderr)
        return ExitCode.USAGE
    if progress_fd is not None:
        from crawler.progress import start

        start(progress_fd, total=len(specs), done=len(specs) - len(pending))
    if not pending:
        return ExitCode.OK
    if redis_url:
        from crawler.distributed.coordinator import crawl_distributed

        return crawl_distributed(loaded, pending, store_path, run_id, now, verbose, warc_path, redis_url, workers,
                                 progress_fd)

    from crawler.ledger import begin_run
    from crawler.store_access import close_all, shared_store

    # The crawl ledger (docs/ledger.md): damaged state repaired with a warning; a rerun resumes an interrupted run.
    resumed = begin_run(shared_store(store_path), run_id)
    if resumed:
        log.info("resuming the interrupted run %s: pages it stored are not fetched again", resumed)
    process = scrapy_process(crawl_settings(loaded, store_path, run_id, warc_path, progress=progress_fd is not None),
                             verbose)
    spiders = spider_classes()
    crawlers: list[tuple[Any, Any]] = []
    unsupported: list[Any] = []
    for spec in pending:
        cls = spiders.get(spec.kind)
        if cls is None:
            unsupported.append(spec)
            _source_done(progress_fd, spec.key)
            continue
        failed = preflight_failed(spec, cls)
        if failed is not None:  # e.g. a token variable is unset: fail this source, never start it
            shared_store(store_path).record_source(run_id, spec.key, failed)
            log.info("%s: failed (%s)", spec.key, failed.error)
            _source_done(progress_fd, spec.key)
            continue
        crawler = process.create_crawler(cls)
        crawlers.append((spec, crawler))
        process.crawl(crawler, spec=spec, now=now)
    if crawlers:
        process.start()

    store = shared_store(store_path)
    interrupted = False
    for spec, crawler in crawlers:
        spider = crawler.spider
        reason = getattr(spider, "finish_reason", None) or "unknown"
        if reason == "shutdown":
            interrupted = True
        if spider is None:
            status, detail = SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed",
                                          error="spider did not start"), {}
        else:  # end-of-crawl checks (crawler/monitors.py) may downgrade ok → partial; credentials redacted
            status, detail = crawled_status(spec, spider.tracker, crawler.stats.get_stats(), crawler.settings,
                                            reason)
        store.record_source(run_id, spec.key, status, detail)
        log.info("%s: %s, %d items%s", spec.key, status.status, status.items,
                 f" ({status.error})" if status.error else "")
    for spec in unsupported:
        store.record_source(run_id, spec.key, unsupported_status(spec))
    store.finish_crawl(run_id, "interrupted" if interrupted else "finished")
    close_all()
    return ExitCode.INTERRUPTED if interrupted else ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--org", action="append", default=None, help="only this organisation (repeatable)")
    parser.add_argument("--now", default=None, help="the audit clock, ISO 8601 (tests and replays)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--warc", default=None, metavar="PATH",
                        help="append every downloaded response to this WARC file (gzip; credentials redacted)")
    parser.add_argument("--store-locked", action="store_true",
                        help="the caller holds the store's run lock (parity/store/lock.py); otherwise it is taken here")
    parser.add_argument("--progress-fd", type=int, default=None, metavar="FD",
                        help="write progress as JSON lines to this inherited file descriptor (crawler/progress.py)")
    parser.add_argument("--redis", default=None, metavar="URL",
                        help="distributed crawl: share the work through this Redis (docs/distributed.md)")
    parser.add_argument("--workers", type=int, default=1, help="distributed crawl: local worker processes")
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        loaded = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.USAGE
    now = parse_time(args.now) if args.now else dt.datetime.now(dt.timezone.utc)
    assert now is not None
    try:
        with contextlib.ExitStack() as held:
            if not args.store_locked:  # run on its own: one run per store, as for `parity audit`
                store = open_store(args.store)
                held.callback(store.close)
                held.enter_context(store.lock_run(args.run_id))
            return run(loaded, args.store, args.run_id, set(args.org) if args.org else None, now, args.verbose,
                       args.warc, args.progress_fd, args.redis, args.workers)
    except (StoreBusy, StoreError) as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug: one line on stderr, the traceback only on request
        if os.environ.get("PARITY_DEBUG"):
            raise
        first = (str(exc).splitlines() or [""])[0][:300]
        print(f"crawl: internal error: {type(exc).__name__}: {first} (set PARITY_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
