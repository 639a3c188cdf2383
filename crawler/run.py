"""Crawl process entry point: ``python -m crawler.run --config C --store S --run-id R [--warc W]``.

Runs every configured source of the selected organisations in one Scrapy
process (the reactor cannot restart, so one process per crawl), then writes one
status line per source into the store. Exit status: 0 finished, 2 config error,
130 interrupted (collected records are already in the store; a rerun resumes),
1 anything unexpected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from parity.core.exitcodes import ExitCode
from parity.config import ConfigError, LoadedConfig, load_config
from parity.core.records import SourceStatus
from parity.core.timeutil import parse_time
from parity.store import open_store

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
    """Our own stderr handler; Scrapy's root handler is not installed (duplicate lines otherwise)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    if not verbose:
        for name in ("scrapy", "twisted", "py.warnings", "trafilatura", "htmldate", "filelock", "asyncio"):
            logging.getLogger(name).setLevel(logging.WARNING)


def import_local(specs: list[Any], store: Any, run_id: str) -> tuple[list[Any], list[str]]:
    """Sources read from files (no network) go straight into the store; returns (to crawl, unreadable)."""
    importers = local_importers()
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
    return pending, unreadable


def scrapy_process(settings: dict[str, Any], verbose: bool) -> Any:
    """One AsyncCrawlerProcess with our logging (Scrapy's root handler would duplicate every line)."""
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.settings import default_settings
    from scrapy.utils.log import configure_logging as scrapy_logging

    settings["LOG_LEVEL"] = "DEBUG" if verbose else "WARNING"
    settings["LOGSTATS_INTERVAL"] = 60.0
    # Scrapy ≥ 2.19 reads LOG_INSTALL_ROOT_HANDLER and deprecates the argument older versions need.
    legacy = {} if hasattr(default_settings, "LOG_INSTALL_ROOT_HANDLER") else {"install_root_handler": False}
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    scrapy_logging(settings, **legacy)
    configure_logging(verbose)
    process = AsyncCrawlerProcess(settings, **legacy)
    configure_logging(verbose)  # the process just set Scrapy's loggers to DEBUG again: one line per item
    return process


def preflight_failed(spec: Any, cls: type) -> SourceStatus | None:
    """A source that cannot start (e.g. its token variable is unset): its failed status line."""
    problem = cls.preflight(spec) if hasattr(cls, "preflight") else None
    if not problem:
        return None
    return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed", error=problem)


def unsupported_status(spec: Any) -> SourceStatus:
    return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed",
                        error=f"platform {spec.kind!r} is not supported by this version")


def crawled_status(spec: Any, tracker: Any, stats: dict[str, Any], settings: Any, reason: str
                   ) -> tuple[SourceStatus, dict[str, Any]]:
    """A crawled source's status line and detail: the tracker, then the end-of-crawl checks."""
    from crawler.monitors import review

    status = tracker.status(reason)
    detail = {"finish_reason": reason, **dict(tracker.notes)}
    status, checked = review(status, stats, tracker, settings, web=spec.group == "web")
    detail.update(checked, failed_urls=dict(tracker.failed_urls))
    return status, detail


def run(loaded: LoadedConfig, store_path: str, run_id: str, orgs: set[str] | None, now: dt.datetime,
        verbose: bool = False, warc_path: str | None = None, redis_url: str | None = None, workers: int = 1) -> int:
    from crawler.sources import source_specs

    store = open_store(store_path)
    pending, unreadable = import_local(source_specs(loaded, orgs), store, run_id)
    store.close()
    if unreadable:  # one line each, file:line: field: message; nothing is crawled, nothing stored is touched
        for line in unreadable:
            print(line, file=sys.stderr)
        return ExitCode.USAGE
    if not pending:
        return ExitCode.OK
    if redis_url:
        from crawler.distributed.coordinator import crawl_distributed

        return crawl_distributed(loaded, pending, store_path, run_id, now, verbose, warc_path, redis_url, workers)

    from crawler.ledger import begin_run
    from crawler.settings import scrapy_settings
    from crawler.store_access import close_all, shared_store

    # The crawl ledger (docs/ledger.md): damaged state repaired with a warning; a rerun resumes an interrupted run.
    resumed = begin_run(shared_store(store_path), run_id)
    if resumed:
        log.info("resuming the interrupted run %s: pages it stored are not fetched again", resumed)
    process = scrapy_process(scrapy_settings(loaded.config.crawl, store_path, run_id, warc_path), verbose)
    spiders = spider_classes()
    crawlers: list[tuple[Any, Any]] = []
    unsupported: list[Any] = []
    for spec in pending:
        cls = spiders.get(spec.kind)
        if cls is None:
            unsupported.append(spec)
            continue
        failed = preflight_failed(spec, cls)
        if failed is not None:  # fail this source, never start it
            shared_store(store_path).record_source(run_id, spec.key, failed)
            log.info("%s: failed (%s)", spec.key, failed.error)
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
        else:  # end-of-crawl checks (crawler/monitors.py) may downgrade ok → partial
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
        return run(loaded, args.store, args.run_id, set(args.org) if args.org else None, now, args.verbose,
                   args.warc, args.redis, args.workers)
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
