"""The generated site a fault plan serves: Felby kommun's news pages, sitemap, feed and robots.txt.

An app like the demo's (``handle(request) -> Response``) built from a
:class:`~tests.support.fault_plan.SitePlan`; each page carries a token of its
own (``page_token``), so a test can tell whose text ended up in the store.
"""

from __future__ import annotations

import zlib
from typing import Callable
from urllib.parse import urlsplit

from parity.demo.httpmsg import Request, Response
from tests.support.fault_plan import SitePlan, page_path, page_token

PUBLISHED = "2026-03-01T08:00:00Z"
HTML = "text/html; charset=utf-8"


def article_html(i: int, seed: int = 0, title_prefix: str = "Nyhet") -> str:
    token = page_token(i, seed)
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
        f"<title>{title_prefix} {i}: information från Felby kommun</title>"
        f"<meta property=\"article:published_time\" content=\"{PUBLISHED}\"></head>"
        "<body><header><nav><a href=\"/\">Start</a></nav></header><main><article>"
        f"<h1>{title_prefix} {i}: information från Felby kommun</h1>"
        f"<p class=\"date\"><time datetime=\"{PUBLISHED}\">1 mars 2026</time></p>"
        f"<p>Detta är nyhet nummer {i} från Felby kommun. Ärendet har referensen {token} och gäller "
        "alla som bor i kommunen. Läs mer på kommunens webbplats eller ring kontaktcenter.</p>"
        f"<p>Kommunen publicerar nyheten skriftligt så att alla kan ta del av den, även den som inte "
        f"använder sociala medier. Referens {token}.</p>"
        "</article></main><footer>Felby kommun</footer></body></html>"
    )


class PlanSite:
    """The normal answers of one planned host.

    ``expand`` fills ``{host:LABEL}`` and ``base_url`` is the host's own address (links in the sitemap and
    feed); the server sets both once every port is bound.
    """

    def __init__(self, site: SitePlan, expand: Callable[[str], str] = str, base_url: str | None = None) -> None:
        self.site = site
        self.expand = expand
        self.base_url = base_url

    def handle(self, request: Request) -> Response:
        site, target, base = self.site, request.target, self.base_url or request.base_url
        path = urlsplit(target).path
        if target in site.custom:
            spec = site.custom[target]
            body = spec.get("body", "")
            data = self.expand(body).encode(spec.get("encoding", "utf-8")) if isinstance(body, str) else bytes(body)
            return Response.make(int(spec.get("status", 200)), data, spec.get("content_type", HTML),
                                 dict(spec.get("headers", {})))
        if path == "/robots.txt":
            return self._robots()
        if path == "/sitemap.xml":
            locs = [base + p for p in site.page_paths()]
            locs += [x if "://" in x else base + x for x in map(self.expand, site.sitemap_extra)]
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                   + "".join(f"<url><loc>{loc}</loc><lastmod>2026-03-01</lastmod></url>\n" for loc in locs)
                   + "</urlset>\n")
            return Response.make(200, xml, "application/xml")
        if path == "/feed.xml":
            return Response.make(200, self._feed(base), "application/rss+xml; charset=utf-8")
        if path.startswith(site.page_prefix):
            try:
                i = int(path[len(site.page_prefix):])
            except ValueError:
                i = -1
            if 0 <= i < site.pages:
                return Response.make(200, article_html(i, site.seed, site.title_prefix), HTML)
        return Response.make(404, "<html><body><h1>Sidan finns inte</h1></body></html>", HTML)

    def error_response(self, request: Request, status: int) -> Response:
        """How a ``status`` fault looks on this site."""
        return Response.make(status, f"<html><body>{status}</body></html>", "text/html")

    def stand_in_page(self, request: Request) -> Response:
        """A plausible article for a damaging fault on a URL that is not a generated page."""
        number = zlib.crc32(request.target.encode()) % 10000
        return Response.make(200, article_html(number, self.site.seed), HTML)

    def _robots(self) -> Response:
        robots = self.site.robots
        if robots is None:
            return Response.make(404, "not found\n", "text/plain")
        if robots == "allow":
            return Response.make(200, "User-agent: *\nAllow: /\n", "text/plain")
        if robots.startswith("disallow:"):
            return Response.make(200, f"User-agent: *\nDisallow: {robots[9:]}\n", "text/plain")
        return Response.make(200, robots, "text/plain")

    def _feed(self, base: str) -> str:
        site = self.site
        items = "".join(
            f"<item><title>{site.title_prefix} {i}: information från Felby kommun</title>"
            f"<link>{base}{page_path(i, site.page_prefix)}</link>"
            f"<guid>{base}{page_path(i, site.page_prefix)}</guid>"
            f"<pubDate>Sun, 01 Mar 2026 08:00:00 GMT</pubDate>"
            f"<description>Nyhet nummer {i}.</description></item>\n"
            for i in range(site.pages)
        )
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>Felby kommun</title><link>{base}/</link><description>Nyheter</description>\n"
                f"{items}</channel></rss>\n")
