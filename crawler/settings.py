"""Every crawl default in one place (Scrapy settings), and how the audit config maps onto them.

Defaults are polite (robots obeyed, one request at a time per host, a delay)
because the tool is pointed at public bodies' servers every night. Tests and
the demo world lower the delay through the config, never by editing this file.
"""

from __future__ import annotations

from typing import Any

from parity.config import CrawlSettings

BOT_NAME = "reach-parity"
SPIDER_MODULES = ["crawler.spiders"]

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
    },
    # Longest server-requested pause we sit out before calling the source incomplete.
    "PARITY_MAX_RATE_WAIT": 60.0,
    "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
}


def scrapy_settings(crawl: CrawlSettings, store_path: str, run_id: str) -> dict[str, Any]:
    """The Scrapy settings for one crawl process, from the audit config's ``[crawl]`` table."""
    settings = dict(BASE_SETTINGS)
    settings.update(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "DOWNLOAD_DELAY": crawl.delay_seconds,
            "RANDOMIZE_DOWNLOAD_DELAY": crawl.delay_seconds > 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_host,
            "CONCURRENT_REQUESTS": max(16, crawl.concurrency_per_host * 8),
            "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
            "RETRY_TIMES": crawl.retries,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle and crawl.delay_seconds > 0,
            "AUTOTHROTTLE_START_DELAY": max(crawl.delay_seconds, 0.1),
            "PARITY_STORE": store_path,
            "PARITY_RUN_ID": run_id,
            "PARITY_MAX_PAGES": crawl.max_pages_per_source,
            "PARITY_FOLLOW_DOCUMENTS": crawl.follow_documents,
            "PARITY_WINDOW_DAYS": crawl.window_days,
            "PARITY_MAX_RATE_WAIT": crawl.max_retry_after_seconds,
        }
    )
    return settings
