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
from collections.abc import Callable
from typing import Any

from crawler.secrets import config_secrets, process_redactor
from parity.config import ConfigError, LoadedConfig, load_config
from parity.core.exitcodes import ExitCode
from parity.core.logs import log_to_stderr
from parity.core.records import SourceStatus
from parity.core.timeutil import parse_time
from parity.store import StoreBusy, StoreError, open_store

log = logging.getLogger("crawler")


def spider_classes() -> dict[str, type]:
    """Source kind → spider class (imported late: Scrapy must install its reactor first)."""
    from crawler.spiders.bluesky import BlueskySpider
    from crawler.spiders.facebook import FacebookSpider
    from crawler.spiders.feed import FeedSpider
    from crawler.spiders.instagram import InstagramSpider
    from crawler.spiders.listing import ListingSpider
    from crawler.spiders.mastodon import MastodonSpider
    from crawler.spiders.notice_board import NoticeBoardSpider
    from crawler.spiders.page import PageSpider
    from crawler.spiders.rss_social import RssSocialSpider
    from crawler.spiders.site import SiteSpider
    from crawler.spiders.sitemap import SitemapSpider
    from crawler.spiders.x import XSpider
    from crawler.spiders.youtube import YoutubeSpider

    return {
        "feed": FeedSpider,
        "sitemap": SitemapSpider,
        "listing": ListingSpider,
        "notice_board": NoticeBoardSpider,
        "page": PageSpider,
        "site": SiteSpider,
        "mastodon": MastodonSpider,
        "bluesky": BlueskySpider,
        "youtube": YoutubeSpider,
        "rss": RssSocialSpider,
        "facebook": FacebookSpider,
        "instagram": InstagramSpider,
        "x": XSpider,
    }


def local_importers() -> dict[str, Callable[..., SourceStatus]]:
    """Sources read from files, no network: imported before the reactor starts."""
    from crawler.imports import import_file_source, import_register_source

    return {"register": import_register_source, "file": import_file_source}


def configure_logging(verbose: bool) -> None:
    """Our own stderr handler (parity/core/logs.py); Scrapy's root handler is not installed (duplicate lines
    otherwise). Scrapy and the libraries stay at WARNING unless ``--verbose``. Every line passes the
    process's credential redactor (crawler/secrets.py): an API error quoted in a warning, or an
    exception's traceback, may carry the token the request was sent with."""
    quiet = () if verbose else ("scrapy", "twisted", "py.warnings", "trafilatura", "htmldate", "filelock", "asyncio")
    log_to_stderr(logging.INFO, quiet=quiet, rewrite=process_redactor().text)


def _source_done(progress_fd: int | None, key: str) -> None:
    """A source finished without Scrapy (failed preflight, unsupported): the progress channel counts it."""
    if progress_fd is not None:
        from crawler.progress import source_done

        source_done(key)


def run(loaded: LoadedConfig, store_path: str, run_id: str, orgs: set[str] | None, now: dt.datetime,
        verbose: bool = False, warc_path: str | None = None, progress_fd: int | None = None) -> int:
    from crawler.sources import configured_hosts, source_specs

    process_redactor().add(config_secrets(loaded))
    specs = source_specs(loaded, orgs)
    store = open_store(store_path)
    importers = local_importers()
    spiders = None
    pending = []
    unreadable: list[str] = []
    for spec in specs:
        if spec.kind in importers:
            status = importers[spec.kind](spec, store)
            if status.status == "failed":  # a file we were given is broken: the user's to fix (exit 2)
                unreadable.append(status.error or f"{spec.target}: cannot be read")
                continue
            store.record_source(run_id, spec.key, status)
            log.info("%s: %s, %d items", spec.key, status.status, status.items)
        else:
            pending.append(spec)
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

    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.log import configure_logging as scrapy_logging

    from crawler.ledger import begin_run
    from crawler.settings import scrapy_settings
    from crawler.store_access import close_all, shared_store

    # The crawl ledger (docs/ledger.md): damaged state repaired with a warning; a rerun resumes an interrupted run.
    resumed = begin_run(shared_store(store_path), run_id)
    if resumed:
        log.info("resuming the interrupted run %s: pages it stored are not fetched again", resumed)
    settings = scrapy_settings(loaded.config.crawl, store_path, run_id, warc_path, progress=progress_fd is not None)
    settings["PARITY_CONFIGURED_HOSTS"] = configured_hosts(loaded)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else "WARNING"
    settings["LOGSTATS_INTERVAL"] = 60.0
    # Our stderr handler only; Scrapy's root handler would duplicate every line. Scrapy ≥ 2.19
    # reads LOG_INSTALL_ROOT_HANDLER and deprecates the argument older versions need.
    from scrapy.settings import default_settings

    legacy = {} if hasattr(default_settings, "LOG_INSTALL_ROOT_HANDLER") else {"install_root_handler": False}
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    scrapy_logging(settings, **legacy)
    configure_logging(verbose)
    process = AsyncCrawlerProcess(settings, **legacy)
    configure_logging(verbose)  # the process just set Scrapy's loggers to DEBUG again: one line per item
    spiders = spider_classes()
    crawlers: list[tuple[Any, Any]] = []
    unsupported: list[Any] = []
    for spec in pending:
        cls = spiders.get(spec.kind)
        if cls is None:
            unsupported.append(spec)
            _source_done(progress_fd, spec.key)
            continue
        problem = cls.preflight(spec) if hasattr(cls, "preflight") else None
        if problem:  # e.g. a token variable is unset: fail this source, never start it
            store_now = shared_store(store_path)
            store_now.record_source(run_id, spec.key, SourceStatus(org=spec.org, kind=spec.kind, url=spec.target,
                                                                   status="failed", error=problem))
            log.info("%s: failed (%s)", spec.key, problem)
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
        status = spider.tracker.status(reason) if spider is not None else SourceStatus(
            org=spec.org, kind=spec.kind, url=spec.target, status="failed", error="spider did not start")
        detail = {"finish_reason": reason, **{k: v for k, v in spider.tracker.notes.items()}} if spider else {}
        if spider is not None:  # end-of-crawl checks (crawler/monitors.py) may downgrade ok → partial
            from crawler.monitors import review

            status, checked = review(status, crawler.stats.get_stats(), spider.tracker, crawler.settings,
                                     web=spec.group == "web")
            detail.update(checked, failed_urls=dict(spider.tracker.failed_urls))
        status, detail = redacted(status, detail)
        store.record_source(run_id, spec.key, status, detail)
        log.info("%s: %s, %d items%s", spec.key, status.status, status.items,
                 f" ({status.error})" if status.error else "")
    for spec in unsupported:
        status = SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed",
                              error=f"platform {spec.kind!r} is not supported by this version")
        store.record_source(run_id, spec.key, status)
    store.finish_crawl(run_id, "interrupted" if interrupted else "finished")
    close_all()
    return ExitCode.INTERRUPTED if interrupted else ExitCode.OK


def redacted(status: SourceStatus, detail: dict[str, Any]) -> tuple[SourceStatus, dict[str, Any]]:
    """The status line and detail as stored: no credential, whatever an API's error said (crawler/secrets.py)."""
    redactor = process_redactor()
    if status.error:
        status = status.model_copy(update={"error": redactor.text(status.error)})
    return status, redactor.value(detail)


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
                       args.warc, args.progress_fd)
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
