"""Every crawl default in one place (Scrapy settings), and how the audit config maps onto them.

Defaults are polite (robots obeyed, one request at a time per host, a delay)
because the tool is pointed at public bodies' servers every night. Tests and
the demo world lower the delay through the config, never by editing this file.
"""

from __future__ import annotations

from typing import Any

from parity.config import CrawlSettings

BOT_NAME = "reach-parity"
#: Spiders are handed to the process as classes, one per configured source; no
#: module scanning (the loader would also warn about the shared base-class names).
SPIDER_MODULES: list[str] = []

#: Settings that do not depend on the audit config.
BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": BOT_NAME,
    "SPIDER_MODULES": SPIDER_MODULES,
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "FEED_EXPORT_ENCODING": "utf-8",
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "%(asctime)s [%(name)s] %(levelname)s: %(message)s",
    "TELNETCONSOLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    # Retries: transient faults are common on municipal servers (connection
    # closed without response; a retry after a few seconds works).
    "RETRY_ENABLED": True,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    # Size caps: a 50 MB "news page" is an error row, not an out-of-memory crash.
    "DOWNLOAD_MAXSIZE": 25 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
    "REDIRECT_MAX_TIMES": 10,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "HTTPERROR_ALLOW_ALL": False,
    "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 800},
    "DOWNLOADER_MIDDLEWARES": {
        # RFC 9309 robots.txt instead of Scrapy's fail-open one (same slot).
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawler.middlewares.robots.Rfc9309RobotsMiddleware": 100,
        # Sees responses before RetryMiddleware (550) so a retried 429 waits for the reset.
        "crawler.middlewares.ratelimit.RateLimitMiddleware": 560,
        # Conditional GET from the crawl ledger (docs/ledger.md): validators in, 'doing' marks; before redirects.
        "crawler.middlewares.conditional.ConditionalGetMiddleware": 585,
        # A web source stays on its own host: offsite requests refused before robots.txt is consulted,
        # offsite redirects and redirect loops refused before RedirectMiddleware (600) follows them.
        "crawler.middlewares.offsite.OffsiteRequestMiddleware": 50,
        "crawler.middlewares.offsite.RedirectGuardMiddleware": 650,
        # API paging held to the configured host; no private addresses unless configured (checked before
        # robots.txt is fetched for a new host, and again on the address a response came from).
        "crawler.middlewares.egress.EgressGuardMiddleware": 60,
        "crawler.middlewares.egress.PeerAddressGuardMiddleware": 940,
        # A document found by several spiders is fetched once; the others share its answer.
        "crawler.middlewares.documents.DocumentOnceMiddleware": 945,
        # Last before the wire: one per-host gate for all spiders (concurrency, delay, rate-limit pauses).
        "crawler.middlewares.hostlimit.HostGateMiddleware": 950,
    },
    # End-of-crawl checks (crawler/monitors.py); a failed one makes an ok source partial.
    "PARITY_MONITOR_MIN_ITEMS": 1,
    "PARITY_MONITOR_MAX_ERROR_RATE": 0.0,
    "PARITY_MONITOR_FINISH_REASONS": ["finished"],
    "PARITY_MONITOR_MAX_SPIDER_EXCEPTIONS": 0,
    "PARITY_MONITOR_MAX_RATE_LIMITED": 10,
    # Longest server-requested pause we sit out before calling the source incomplete.
    "PARITY_MAX_RATE_WAIT": 60.0,
    # Items no longer listed by their source, re-checked (conditional GET) per source and run.
    "PARITY_RECHECK_MAX": 100,
    # Worker processes reading documents (PDF, .docx) within their budget (crawler/spiders/documents.py).
    "PARITY_DOCUMENT_WORKERS": 2,
    "EXTENSIONS": {
        "scrapy.extensions.telnet.TelnetConsole": None,
    },
}


#: Random extra on top of the per-host delay (0.5: up to +50%), so requests don't arrive on a fixed beat.
#: Only ever added: a site never sees two requests closer than ``delay_seconds`` (issue 14).
DELAY_JITTER = 0.5


def _jitter(delay: float) -> dict[str, Any]:
    """Scrapy's own randomisation is ±50% (it may halve the delay): off; our host gate adds instead.

    Scrapy 2.19 replaced RANDOMIZE_DOWNLOAD_DELAY (now deprecated) by DOWNLOAD_DELAY_JITTER.
    """
    from scrapy.settings import default_settings

    ours = {"PARITY_DELAY_JITTER": DELAY_JITTER if delay > 0 else 0.0}
    if hasattr(default_settings, "DOWNLOAD_DELAY_JITTER"):
        return {"DOWNLOAD_DELAY_JITTER": 0.0, **ours}
    return {"RANDOMIZE_DOWNLOAD_DELAY": False, **ours}


def scrapy_settings(crawl: CrawlSettings, store_path: str, run_id: str, warc_path: str | None = None,
                    progress: bool = False) -> dict[str, Any]:
    """The Scrapy settings for one crawl process, from the audit config's ``[crawl]`` table.

    ``warc_path``: where the evidence archive goes (``crawl.warc.gz`` in the output folder);
    None writes none. The CLI decides (``[crawl] warc`` or ``--warc``): only it knows the folder.
    ``progress``: report progress on the channel crawler.progress opened (``--progress-fd``).
    Extensions that are off are not listed at all: a listed extension that declines to start makes
    Scrapy log a "Disabled …" warning for every source.
    """
    settings = dict(BASE_SETTINGS)
    extensions = dict(BASE_SETTINGS["EXTENSIONS"])
    if warc_path:
        extensions["crawler.warc.WarcArchive"] = 0  # the WARC evidence archive (crawler/warc.py)
    if progress:
        extensions["crawler.progress.ProgressReport"] = 10
    settings.update(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "DOWNLOAD_DELAY": crawl.delay_seconds,
            **_jitter(crawl.delay_seconds),
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_host,
            "CONCURRENT_REQUESTS": max(16, crawl.concurrency_per_host * 8),
            "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
            "RETRY_TIMES": crawl.retries,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle and crawl.delay_seconds > 0,
            "AUTOTHROTTLE_START_DELAY": max(crawl.delay_seconds, 0.1),
            "PARITY_STORE": store_path,
            "PARITY_RUN_ID": run_id,
            "PARITY_MAX_PAGES": crawl.max_pages_per_source,
            "PARITY_MAX_SITEMAP_DEPTH": crawl.max_sitemap_depth,
            "PARITY_MAX_SITEMAPS": crawl.max_sitemaps_per_source,
            "PARITY_FOLLOW_DOCUMENTS": crawl.follow_documents,
            "PARITY_WINDOW_DAYS": crawl.window_days,
            "PARITY_MAX_RATE_WAIT": crawl.max_retry_after_seconds,
            "PARITY_ALLOW_OFFSITE_REDIRECTS": crawl.allow_offsite_redirects,
            "PARITY_ALLOW_PRIVATE_ADDRESSES": crawl.allow_private_addresses,
            # The largest response accepted (pages and documents alike); larger ones are error rows.
            "DOWNLOAD_MAXSIZE": crawl.max_document_bytes,
            "PARITY_DOCUMENT_MAX_PAGES": crawl.max_document_pages,
            "PARITY_DOCUMENT_MAX_SECONDS": crawl.max_document_seconds,
            "DOWNLOAD_WARNSIZE": min(5 * 1024 * 1024, crawl.max_document_bytes),
            "PARITY_RECHECK_DAYS": crawl.recheck_days,
            "PARITY_WARC": warc_path,
            "PARITY_PROGRESS": progress,
            "EXTENSIONS": extensions,
        }
    )
    return settings
