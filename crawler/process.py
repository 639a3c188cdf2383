"""What every crawl process shares: the spider of each source kind, logging, one Scrapy process and its
settings, the file importers, and how a crawled source's status line is made (checked, redacted).

Used by the single-process crawl (crawler/run.py) and by the distributed crawl's coordinator
and workers (crawler/distributed/), so both write the same status lines through the same checks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from crawler.secrets import process_redactor
from parity.core.logs import log_to_stderr
from parity.core.records import SourceStatus

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


def crawl_settings(loaded: Any, store_path: str, run_id: str, warc_path: str | None = None,
                   progress: bool = False) -> dict[str, Any]:
    """crawler.settings.scrapy_settings plus what the config says about hosts: every crawl process of a run
    (the single one, or each distributed worker) gets the same egress rules (crawler/middlewares/egress.py)."""
    from crawler.settings import scrapy_settings
    from crawler.sources import configured_hosts

    settings = scrapy_settings(loaded.config.crawl, store_path, run_id, warc_path, progress=progress)
    settings["PARITY_CONFIGURED_HOSTS"] = configured_hosts(loaded)
    return settings


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
    return redacted(status, detail)


def redacted(status: SourceStatus, detail: dict[str, Any]) -> tuple[SourceStatus, dict[str, Any]]:
    """The status line and detail as stored: no credential, whatever an API's error said (crawler/secrets.py)."""
    redactor = process_redactor()
    if status.error:
        status = status.model_copy(update={"error": redactor.text(status.error)})
    return status, redactor.value(detail)
