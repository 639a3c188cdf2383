"""Result types of the page objects.

Frozen dataclasses rather than the pydantic records of ``parity.core.records``:
page objects describe what a page *says* (a listing's entries, a PDF's page
count) and know nothing about organisations or ids. The spiders turn them into
``WebItem`` records. Collections are tuples so a result is immutable and
hashable all the way down. Every time is an aware UTC ``datetime``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class PageError(Exception):
    """A page that cannot be read as the page type asked for.

    The message is one line, ``<url or file>: <reason>``, so a spider can put
    it straight into ``sources.jsonl`` and a log line stays a line.
    """

    def __init__(self, where: str, reason: str) -> None:
        self.where = " ".join(str(where).split())
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.where}: {self.reason}")


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A link to a file (PDF, Word, …) with the text a reader saw for it."""

    url: str
    text: str
    type: str  # file type from the extension or MIME hint: "pdf", "docx", …


@dataclass(frozen=True, slots=True)
class Article:
    """A single HTML page: news item, event page, information page."""

    url: str
    title: str | None
    text: str
    published_at: dt.datetime | None
    modified_at: dt.datetime | None
    lang: str | None
    canonical_url: str | None
    description: str | None
    feed_urls: tuple[str, ...]
    document_links: tuple[DocumentLink, ...]
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of an RSS 2.0, Atom or JSON Feed document."""

    url: str | None
    title: str | None
    text: str
    published_at: dt.datetime | None  # published, else updated
    updated_at: dt.datetime | None
    guid: str | None
    authors: tuple[str, ...]
    enclosures: tuple[str, ...]  # enclosure and media:content URLs
    lang: str | None


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A ``<url>`` of a urlset, or a ``<sitemap>`` of a sitemap index."""

    loc: str
    lastmod: dt.datetime | None
    news_title: str | None = None
    news_publication_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: either an index of sitemaps or a set of page URLs."""

    url: str
    is_index: bool
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One teaser of a news list: where it points and what it says."""

    url: str
    title: str | None
    published_at: dt.datetime | None
    summary: str | None


@dataclass(frozen=True, slots=True)
class Listing:
    """A list page: its entries, its further pages, and which reader found them."""

    url: str
    entries: tuple[ListingEntry, ...]
    next_pages: tuple[str, ...]
    strategy: str  # "selectors" | "appregistry" | "sv-channel" | "episerver" | "articles" | "generic" | "none"


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice on the legally required notice board (anslagstavla)."""

    url: str | None
    key: str | None  # the board's own id for the notice, when it has one
    title: str | None
    text: str
    published_at: dt.datetime | None
    from_date: dt.datetime | None  # anslaget från / uppsatt
    to_date: dt.datetime | None  # tas ned / anslaget till
    organization: str | None


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A downloaded file (PDF or Word) read as text."""

    url: str
    format: str  # "pdf" | "docx"
    title: str | None
    text: str
    published_at: dt.datetime | None
    modified_at: dt.datetime | None
    page_count: int | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One row of an organisation's register of what it published off the web."""

    title: str | None
    text: str
    published_at: dt.datetime | None
    channel: str | None
    url: str | None
    id: str | None
    line: int  # line in the file where the row starts
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252" (the last is a guess, flagged in logs)
