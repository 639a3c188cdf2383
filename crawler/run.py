"""Crawl process entry point: ``python -m crawler.run --config C --store S --run-id R``.

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
import sys
from collections.abc import Callable
from typing import Any

from parity.config import ConfigError, LoadedConfig, load_config
from parity.records import SourceStatus, parse_time
from parity.store import SqliteStore

log = logging.getLogger("crawler")

EXIT_OK, EXIT_INTERNAL, EXIT_CONFIG, EXIT_INTERRUPTED = 0, 1, 2, 130


def spider_classes() -> dict[str, type]:
    """Source kind → spider class (imported late: Scrapy must install its reactor first)."""
    from crawler.spiders.bluesky import BlueskySpider
    from crawler.spiders.feed import FeedSpider
    from crawler.spiders.listing import ListingSpider
    from crawler.spiders.mastodon import MastodonSpider
    from crawler.spiders.notice_board import NoticeBoardSpider
    from crawler.spiders.page import PageSpider
    from crawler.spiders.site import SiteSpider
    from crawler.spiders.sitemap import SitemapSpider

    return {
        "feed": FeedSpider,
        "sitemap": SitemapSpider,
        "listing": ListingSpider,
        "notice_board": NoticeBoardSpider,
        "page": PageSpider,
        "site": SiteSpider,
        "mastodon": MastodonSpider,
        "bluesky": BlueskySpider,
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


def run(loaded: LoadedConfig, store_path: str, run_id: str, orgs: set[str] | None, now: dt.datetime,
        verbose: bool = False) -> int:
    from crawler.sources import source_specs

    specs = source_specs(loaded, orgs)
    store = SqliteStore(store_path)
    importers = local_importers()
    spiders = None
    pending = []
    for spec in specs:
        if spec.kind in importers:
            status = importers[spec.kind](spec, store)
            store.record_source(run_id, spec.key, status)
            log.info("%s: %s, %d items", spec.key, status.status, status.items)
        else:
            pending.append(spec)
    store.close()
    if not pending:
        return EXIT_OK

    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.log import configure_logging as scrapy_logging

    from crawler.settings import scrapy_settings
    from crawler.store_access import close_all, shared_store

    settings = scrapy_settings(loaded.config.crawl, store_path, run_id)
    settings["LOG_LEVEL"] = "DEBUG" if verbose else "WARNING"
    settings["LOGSTATS_INTERVAL"] = 60.0
    scrapy_logging(settings, install_root_handler=False)
    configure_logging(verbose)
    process = AsyncCrawlerProcess(settings, install_root_handler=False)
    spiders = spider_classes()
    crawlers: list[tuple[Any, Any]] = []
    unsupported: list[Any] = []
    for spec in pending:
        cls = spiders.get(spec.kind)
        if cls is None:
            unsupported.append(spec)
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
        store.record_source(run_id, spec.key, status, detail)
        log.info("%s: %s, %d items%s", spec.key, status.status, status.items,
                 f" ({status.error})" if status.error else "")
    for spec in unsupported:
        status = SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed",
                              error=f"platform {spec.kind!r} is not supported by this version")
        store.record_source(run_id, spec.key, status)
    close_all()
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--org", action="append", default=None, help="only this organisation (repeatable)")
    parser.add_argument("--now", default=None, help="the audit clock, ISO 8601 (tests and replays)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        loaded = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    now = parse_time(args.now) if args.now else dt.datetime.now(dt.timezone.utc)
    assert now is not None
    try:
        return run(loaded, args.store, args.run_id, set(args.org) if args.org else None, now, args.verbose)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
