"""Page objects: pure functions from a fetched response (:class:`PageInput`) to what it says.

No network and no Scrapy here (the spiders in ``crawler.spiders`` fetch and
call these; ``tests/pages/test_pages_imports.py`` holds the line), so every
reader can be tested on stored pages. Each function raises :class:`PageError`
(one line: ``<url>: <reason>``) on input it cannot read, and nothing else on
bad input.

* ``crawler.pages.web``: pages of an organisation's web site (article, listing,
  notice board, sitemap, feed, document, start page, CMS and block-page detection)
  and its register of printed publications;
* ``crawler.pages.social``: social platforms' answers (Mastodon, Bluesky, Graph,
  X, YouTube, feeds of social accounts) → ``Post`` records;
* shared here: the input type (``page_input``, with ``decode``), the HTML tree
  (``tree``) and its one text walker (``text``), dates, links, AppRegistry
  states, result types, XML guards and spreadsheet decoding.
"""

from crawler.pages.appregistry import app_registry_states
from crawler.pages.dates import find_date_in_text, parse_datetime
from crawler.pages.links import sitevision_file_time
from crawler.pages.page_input import PageInput
from crawler.pages.text import html_to_text
from crawler.pages.types import (
    Article,
    DocumentFile,
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
from crawler.pages.web.article import extract_article
from crawler.pages.web.detect import detect_cms, soft_block
from crawler.pages.web.document import extract_document
from crawler.pages.web.feed import parse_feed
from crawler.pages.web.listing import parse_listing
from crawler.pages.web.notice_board import announced_total, parse_notice_board
from crawler.pages.web.register import read_register
from crawler.pages.web.sitemap import parse_sitemap, sitemaps_from_robots
from parity.core.lang import detect_lang

__all__ = [
    "Article",
    "DocumentFile",
    "DocumentLink",
    "FeedEntry",
    "Listing",
    "ListingEntry",
    "Notice",
    "PageError",
    "PageInput",
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
