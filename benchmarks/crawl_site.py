"""A generated municipal web site of N news pages on 127.0.0.1, for the crawl benchmarks.

Served by the demo's HTTP server (keep-alive, gzip, ETag/Last-Modified → 304,
an access log): ``/robots.txt`` → ``/sitemapindex.xml`` → ``/sitemap-K.xml.gz``
(1,000 pages each, with ``<lastmod>``) → ``/nyheter/nyhet-N`` pages of about
12 kB of Swedish text in a Sitevision-like template, plus an RSS feed of the
newest 20. Pages are generated from their number (no state), so two servers
serve the same site; ``touch(n)`` changes a page's text and lastmod.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from http.server import ThreadingHTTPServer  # noqa: E402

from parity.demo.httpserver import AccessLog, DemoServer, Request, Response  # noqa: E402

#: socketserver listens with a backlog of 5; 16 connections opened at once overflow it (SYNs dropped,
#: the client waits out its connect timeout). A real web server has a deep accept queue.
ThreadingHTTPServer.request_queue_size = 256

PER_SITEMAP = 1000
EPOCH = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)
WORDS = ("kommunen vattnet avstängning Storgatan fastigheterna förskolan biblioteket öppettider kommunfullmäktige "
         "sammanträde ärenden invånare detaljplan samråd avfall hämtning vägarbete trafiken omleds busshållplats "
         "skolan eleverna vårdnadshavare ansökan bidrag föreningar kulturskolan simhallen underhåll reningsverk "
         "kontakta kundtjänst telefon mejl webbplatsen information beslut nämnden protokoll justerat anslagstavla "
         "medborgare dialog parken utbildning kvällsöppet ersättning valdag röstmottagare förtidsröstning").split()
HTTP_DATE = "%a, %d %b %Y %H:%M:%S GMT"


def _paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 6)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


class GeneratedSite:
    """The app (``handle(request) -> Response``) serving ``pages`` news pages."""

    def __init__(self, pages: int = 5000) -> None:
        self.pages = pages
        self.version: dict[int, int] = {}

    def touch(self, number: int) -> None:
        """Edit a page: new text, later lastmod."""
        self.version[number] = self.version.get(number, 0) + 1

    def published(self, number: int) -> dt.datetime:
        return EPOCH + dt.timedelta(hours=number * 2)

    def modified(self, number: int) -> dt.datetime:
        return self.published(number) + dt.timedelta(days=400 * self.version.get(number, 0))

    def newest(self) -> dt.datetime:
        return max(self.modified(n) for n in range(1, self.pages + 1))

    def handle(self, request: Request) -> Response:
        path = request.path
        base = request.base_url
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /sok\nDisallow: /*?sv*\n\nSitemap: {base}/sitemapindex.xml\n"
            return Response.make(200, body, "text/plain; charset=utf-8")
        if path == "/sitemapindex.xml":
            return self._cached(Response.make(200, self._index(base), "text/xml; charset=utf-8"), self.newest())
        if path.startswith("/sitemap-") and path.endswith(".xml.gz"):
            part = int(path[len("/sitemap-"):-len(".xml.gz")])
            numbers = self._part(part)
            if not numbers:
                return Response.make(404, "not found\n", "text/plain")
            body = gzip.compress(self._urlset(base, numbers).encode("utf-8"), mtime=0)
            newest = max(self.modified(n) for n in numbers)
            return self._cached(Response.make(200, body, "application/x-gzip"), newest)
        if path == "/rss.xml":
            return self._cached(Response.make(200, self._rss(base), "application/rss+xml; charset=utf-8"),
                                self.newest())
        if path.startswith("/nyheter/nyhet-"):
            try:
                number = int(path.rsplit("-", 1)[1])
            except ValueError:
                number = 0
            if 1 <= number <= self.pages:
                return self._cached(Response.html(self.page_html(base, number)), self.modified(number))
        return Response.html("<!DOCTYPE html><html lang=\"sv\"><head><title>Sidan finns inte</title></head>"
                             "<body><h1>Sidan kunde inte hittas</h1></body></html>", status=404)

    # -- pieces ---------------------------------------------------------------------------
    @staticmethod
    def _cached(response: Response, modified: dt.datetime) -> Response:
        response.headers["Last-Modified"] = modified.strftime(HTTP_DATE)
        response.headers["ETag"] = f'W/"{hashlib.sha1(response.body).hexdigest()[:20]}"'
        return response

    def _part(self, part: int) -> list[int]:
        start = (part - 1) * PER_SITEMAP + 1
        return list(range(start, min(self.pages, part * PER_SITEMAP) + 1)) if part >= 1 else []

    def _index(self, base: str) -> str:
        parts = -(-self.pages // PER_SITEMAP)
        rows = []
        for part in range(1, parts + 1):
            newest = max(self.modified(n) for n in self._part(part))
            rows.append(f"<sitemap><loc>{base}/sitemap-{part}.xml.gz</loc>"
                        f"<lastmod>{newest.strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod></sitemap>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                'sitemap/0.9">\n' + "\n".join(rows) + "\n</sitemapindex>\n")

    def _urlset(self, base: str, numbers: list[int]) -> str:
        rows = [f"<url><loc>{base}/nyheter/nyhet-{n}</loc>"
                f"<lastmod>{self.modified(n).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod></url>" for n in numbers]
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                'sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n")

    def _rss(self, base: str) -> str:
        items = []
        for n in range(self.pages, max(0, self.pages - 20), -1):
            items.append(f"<item><title>Nyhet {n}</title><link>{base}/nyheter/nyhet-{n}</link>"
                         f"<pubDate>{self.published(n).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Nyheter</title>'
                f"<link>{base}/</link><description>Nyheter</description>{''.join(items)}</channel></rss>")

    def page_html(self, base: str, number: int) -> str:
        rng = random.Random(number * 1000 + self.version.get(number, 0))
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        published = self.published(number)
        paragraphs = "".join(f'<p class="normal">{escape(_paragraph(rng))}</p>\n' for _ in range(rng.randint(8, 12)))
        menu = "".join(f'<li><a href="/{w}/">{w.capitalize()}</a></li>' for w in WORDS[:12])
        return f"""<!DOCTYPE html>
<html lang="sv" class="sv-no-js sv-template-sida">
<head><meta charset="UTF-8"><title>{escape(title)} | Benchby kommun</title>
<meta name="DC.modified" content="{self.modified(number).date().isoformat()}">
<meta property="og:title" content="{escape(title)}"><meta name="description" content="{escape(title)}">
<link rel="canonical" href="{base}/nyheter/nyhet-{number}">
<link type="application/rss+xml" rel="alternate" href="{base}/rss.xml" title="Nyheter">
<link rel="stylesheet" href="/sitevision/system-resource/abc/css/portlets-slim.css"></head>
<body class="sv-responsive"><div class="sv-layout">
<header class="sv-vertical sv-layout"><a href="/">Benchby kommun</a>
<nav aria-label="Huvudmeny"><ul class="sv-defaultlist">{menu}</ul></nav></header>
<main class="sv-vertical sv-layout"><div class="pagecontent sv-layout">
<div class="sv-text-portlet"><div class="sv-text-portlet-content"><h1 class="heading">{escape(title)}</h1></div></div>
<div class="sv-text-portlet"><div class="sv-text-portlet-content">
<p class="preamble">Publicerad <time datetime="{published.isoformat()}">{published.date().isoformat()}</time>.</p>
{paragraphs}<p class="normal">Frågor? Ring kundtjänst på 070-174 06 {number % 100:02d}.</p>
</div></div></div></main>
<footer class="sv-vertical sv-layout"><p>Benchby kommun, Rådhustorget 1. <a href="/kontakt">Kontakta oss</a></p></footer>
</div></body></html>
"""


def start(pages: int, log: AccessLog | None = None) -> tuple[DemoServer, GeneratedSite]:
    site = GeneratedSite(pages)
    server = DemoServer("bench", site, access_log=log or AccessLog())
    server.start()
    return server, site
