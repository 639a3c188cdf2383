"""Page objects: pure functions from ``(url, headers, body)`` to what a page says.

No network and no Scrapy here (the spiders in ``crawler.spiders`` fetch and
call these), so every reader can be tested on stored pages. Each function
raises :class:`PageError` (one line: ``<url>: <reason>``) on input it cannot
read, and nothing else on bad input.
"""

from crawler.pages.appregistry import app_registry_states
from crawler.pages.article import extract_article
from crawler.pages.detect import detect_cms, soft_block
from crawler.pages.document import extract_document
from crawler.pages.feed import parse_feed
from crawler.pages.linkutil import sitevision_file_time
from crawler.pages.listing import parse_listing
from crawler.pages.notice_board import announced_total, parse_notice_board
from crawler.pages.register import read_register
from crawler.pages.sitemap import parse_sitemap, sitemaps_from_robots
from crawler.pages.text import detect_lang, find_date_in_text, html_to_text, parse_datetime
from crawler.pages.types import (
    Article,
    Document,
    DocumentLink,
    FeedEntry,
    Listing,
    ListingEntry,
    Notice,
    PageError,
    RegisterEntry,
    Sitemap,
    SitemapEntry,
)

__all__ = [
    "Article",
    "Document",
    "DocumentLink",
    "FeedEntry",
    "Listing",
    "ListingEntry",
    "Notice",
    "PageError",
    "RegisterEntry",
    "Sitemap",
    "SitemapEntry",
    "announced_total",
    "app_registry_states",
    "detect_cms",
    "detect_lang",
    "extract_article",
    "extract_document",
    "find_date_in_text",
    "html_to_text",
    "parse_datetime",
    "parse_feed",
    "parse_listing",
    "parse_notice_board",
    "parse_sitemap",
    "read_register",
    "sitemaps_from_robots",
    "sitevision_file_time",
    "soft_block",
]
