"""One discovery run in this process: Scrapy settings, the spider, the findings in config order."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from crawler.discover.readers import Found, Home

#: Loggers that stay at WARNING however Scrapy sets them.
NOISY = ("scrapy", "twisted", "py.warnings", "trafilatura", "htmldate", "asyncio")


def discover(start_url: str, *, user_agent: str, obey_robots: bool = True, delay: float = 0.0,
             timeout: float = 20.0) -> tuple[Home | None, list[Found], list[str], str | None]:
    """Run the discovery spider once in this process (call only from ``main``: one reactor per process)."""
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.log import configure_logging as scrapy_logging

    from crawler.discover.spider import DiscoverySpider
    from crawler.settings import BASE_SETTINGS

    settings = dict(BASE_SETTINGS)
    settings.update({
        "USER_AGENT": user_agent, "ROBOTSTXT_OBEY": obey_robots, "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_TIMEOUT": timeout, "RETRY_TIMES": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "ITEM_PIPELINES": {}, "LOG_LEVEL": "WARNING", "PARITY_STORE": None, "SPIDER_MODULES": [],
        # The host the user typed is trusted as a configured one (crawler/middlewares/egress.py).
        "PARITY_CONFIGURED_HOSTS": [urlsplit(start_url).hostname or ""],
    })
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    scrapy_logging(settings)
    process = AsyncCrawlerProcess(settings)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)  # the process raised them again
    crawler = process.create_crawler(DiscoverySpider)
    process.crawl(crawler, start_url=start_url)
    process.start()
    spider = crawler.spider
    order = {"feed": 0, "sitemap": 1, "listing": 2, "notice_board": 3}
    found = sorted(spider.results(), key=lambda f: (order.get(f.type, 9), f.url))
    return spider.home, found, spider.notes, spider.home_error
