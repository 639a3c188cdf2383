"""The machine-readable side of the demo site: Sitevision RSS, sitemap, robots.txt, notice JSON.

These are the discovery paths a crawler uses instead of reading every page; each
has a Sitevision habit that trips crawlers: the RSS URL lives on a portlet and
carries ``&sv.contenttype=…;charset=UTF-8``, the feed lists only the newest items,
robots.txt has wildcard rules, and the notice board's items exist only as JSON in
``AppRegistry.registerInitialState``.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from parity.demo.site_model import Page
from parity.demo.timefmt import as_utc, iso_local, iso_ms_z, rfc822_gmt, w3c_datetime

#: robots.txt rules as Sitevision sites ship them (see shared/reference/web/…/kungsbacka-robots.txt),
#: minus the two that would block the portlet RSS URL.
SITEVISION_DISALLOW = (
    "/imagedescription.action2",
    "/checkoutimages.action2",
    "/mybookmarks/addbookmark.action2",
    "/mybookmarks/removebookmark.action2",
    "/*.html.printable",
    "/*?contactPage=*",
    "/*?contactUserId=*",
    "/*?sv.state=*",
    "/*?state=keepAlive",
    "/*&state=keepAlive",
    "/*?profiling=*",
    "/*.pdf?properties=*",
    "/*?addToCart=true",
    "/*;jsessionid=*",
    "/*91.*",
    "/*?date*",
    "/*&date*",
    "/*?start*",
    "/*&end*",
)
#: The Kungsbacka rules that block ``…portlet?state=rss&sv.contenttype=…`` (opt-in, for robots tests).
FEED_BLOCKING_DISALLOW = ("/*?sv*", "/*&sv*")


def robots_txt(base_url: str, *, block_feed: bool = False) -> str:
    rules = list(SITEVISION_DISALLOW) + (list(FEED_BLOCKING_DISALLOW) if block_feed else [])
    lines = ["User-agent: *", *(f"Disallow: {rule}" for rule in rules), "", f"Sitemap: {base_url}/sitemap.xml"]
    return "\n".join(lines) + "\n"


def sitemap_xml(base_url: str, pages: list[Page]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted((p for p in pages if not p.noindex), key=lambda p: p.path):
        lines.append(
            f"<url><loc>{escape(base_url + page.path)}</loc><lastmod>{w3c_datetime(page.last_modified)}</lastmod></url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index_xml(base_url: str, sitemaps: list[tuple[str, Any]]) -> str:
    """A sitemap index (Kungsbacka's ``sitemapindex.xml`` → ``sitemap1.xml.gz``)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, modified in sitemaps:
        lines.append(f"<sitemap><loc>{escape(base_url + path)}</loc><lastmod>{w3c_datetime(modified)}</lastmod></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def news_sitemap_xml(base_url: str, pages: list[Page], site_name: str) -> str:
    """A Google News sitemap: title and publication date per news page."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
             ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
    for page in pages:
        lines.append(
            f"<url><loc>{escape(base_url + page.path)}</loc><lastmod>{w3c_datetime(page.last_modified)}</lastmod>"
            f"<news:news><news:publication><news:name>{escape(site_name)}</news:name>"
            "<news:language>sv</news:language></news:publication>"
            f"<news:publication_date>{w3c_datetime(page.published)}</news:publication_date>"
            f"<news:title>{escape(page.title)}</news:title></news:news></url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def news_archive_state(pages: list[Page], total: int, number: int, size: int) -> dict[str, Any]:
    """A news-archive app's state (Kammarkollegiet's shape): ``news[]`` with title/uri/ingress/published."""
    return {
        "news": [
            {
                "title": page.title,
                "uri": page.path,
                "ingress": page.preamble,
                "published": iso_local(page.published),
                "publishedLong": int(as_utc(page.published).timestamp() * 1000),
            }
            for page in pages
        ],
        "totalHits": total,
        "page": number,
        "pageSize": size,
    }


def rss_xml(base_url: str, feed_url: str, title: str, items: list[Page]) -> str:
    """Sitevision's RSS 2.0: GMT pubDates, ``dc:date``, the preamble as description."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(base_url)}/nyheter/</link>",
        f"<description>{escape(title)}</description>",
        "<language>sv</language>",
        f'<atom:link href="{escape(feed_url)}" rel="self" type="application/rss+xml"/>',
    ]
    if items:
        lines.append(f"<lastBuildDate>{rfc822_gmt(max(p.last_modified for p in items))}</lastBuildDate>")
    for page in items:
        link = base_url + page.path
        lines += [
            "<item>",
            f"<title>{escape(page.title)}</title>",
            f"<link>{escape(link)}</link>",
            f"<description>{escape(page.preamble)}</description>",
            f"<pubDate>{rfc822_gmt(page.published)}</pubDate>",
            f'<guid isPermaLink="true">{escape(link)}</guid>',
            f"<dc:date>{iso_ms_z(page.published).replace('.000Z', 'Z')}</dc:date>",
            "</item>",
        ]
    lines += ["</channel>", "</rss>"]
    return "\n".join(lines) + "\n"


def notice_board_state(notices: list[Page]) -> dict[str, Any]:
    """The bulletin-board app state: the only place the board's items appear on the board page."""
    return {
        "pages": [
            {
                "title": page.title,
                "uri": page.path,
                "published": iso_local(page.published),
                "organization": page.organization,
                "preamble": page.preamble,
                "fromDate": (page.notice_from or as_utc(page.published).date()).isoformat(),
                "toDate": page.notice_to.isoformat() if page.notice_to else None,
            }
            for page in notices
        ],
        "totalHits": len(notices),
        "hitsPerPage": 20,
        "emptyMessage": "Det finns inga anslag just nu.",
    }


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``, escaped the way Sitevision does (``<`` as ``\\u003c``)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
