"""A generated national audit on loopback: N organisations, each a web site plus a Mastodon account.

Organisation ``i`` of 650 has a site of 50–2,000 news pages (log-uniform, seeded: many small
sites, a few big ones, mean ≈ 530) in the demo site's Sitevision style — an RSS feed of the
newest 20, a sitemap (an index of gzipped parts above 1,000 pages) with ``<lastmod>``, a
paginated news list of ``<article>`` teasers, ETag/Last-Modified → 304 — on its *own host*
(127.1.x.y: all of 127/8 is loopback on Linux), so the per-host politeness applies per
organisation as it would on the internet. One Mastodon emulator (parity.demo) serves every
organisation's account, 12 posts each in the audit window, two thirds of them about a page
of the site. Pages are generated from their number; ``edit(fraction)`` changes some pages'
text and lastmod (the night's edits for the incremental re-audit).

``--orgs N`` takes the first N organisations of a seeded shuffle of the 650: an honest sample
of the size distribution, not the smallest sites. ``--max-pages`` caps every site (a probe of
what the *number of sources* costs, with little crawling: not a sample of the national web).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import math
import random
import sys
import threading
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parity.demo.httpserver import AccessLog, DemoServer, Request, Response  # noqa: E402
from parity.demo.mastodon_emulator import MastodonEmulator  # noqa: E402
from parity.demo.mastodon_entities import MastodonAccountSpec, MastodonStatusSpec  # noqa: E402

NATIONAL = 650
CLOCK = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.timezone.utc)
STEP = dt.timedelta(hours=5)  # one page every 5 hours, the newest just before the clock
PER_SITEMAP = 1000
PER_LIST_PAGE = 10
HTTP_DATE = "%a, %d %b %Y %H:%M:%S GMT"
WORDS = ("kommunen vattnet avstängning Storgatan fastigheterna förskolan biblioteket öppettider kommunfullmäktige "
         "sammanträde ärenden invånare detaljplan samråd avfall hämtning vägarbete trafiken omleds busshållplats "
         "skolan eleverna vårdnadshavare ansökan bidrag föreningar kulturskolan simhallen underhåll reningsverk "
         "kontakta kundtjänst telefon mejl information beslut nämnden protokoll justerat anslagstavla medborgare "
         "dialog parken utbildning kvällsöppet ersättning valdag röstmottagare förtidsröstning").split()


def page_counts(total: int = NATIONAL, seed: int = 14) -> list[int]:
    """Pages of each of the ``total`` organisations: log-uniform between 50 and 2,000."""
    rng = random.Random(seed)
    return [round(50 * math.exp(rng.random() * math.log(40))) for _ in range(total)]


def sample(orgs: int, seed: int = 14) -> list[int]:
    """Indexes of ``orgs`` organisations out of the national 650 (a seeded shuffle's head)."""
    order = list(range(NATIONAL))
    random.Random(seed + 1).shuffle(order)
    return sorted(order[:orgs])


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


class Site:
    """One organisation's site (``handle(request) -> Response``)."""

    def __init__(self, index: int, pages: int) -> None:
        self.index = index
        self.pages = pages
        self.version: dict[int, int] = {}

    def edit(self, fraction: float, seed: int) -> int:
        rng = random.Random(seed * 7919 + self.index)
        chosen = rng.sample(range(1, self.pages + 1), max(1, round(self.pages * fraction)))
        for number in chosen:
            self.version[number] = self.version.get(number, 0) + 1
        return len(chosen)

    def published(self, number: int) -> dt.datetime:
        return CLOCK - STEP * (self.pages - number + 1)

    def modified(self, number: int) -> dt.datetime:
        return self.published(number) + dt.timedelta(hours=self.version.get(number, 0))

    def title(self, number: int) -> str:
        rng = random.Random(self.index * 100_003 + number)
        return " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + f" {number}"

    def handle(self, request: Request) -> Response:
        path, base = request.path, request.base_url
        if path == "/robots.txt":
            return Response.make(200, f"User-agent: *\nDisallow: /sok\nSitemap: {base}/sitemap.xml\n", "text/plain")
        if path == "/rss.xml":
            return self._cached(Response.make(200, self._rss(base), "application/rss+xml; charset=utf-8"))
        if path == "/sitemap.xml":
            return self._cached(Response.make(200, self._sitemap(base), "text/xml; charset=utf-8"))
        if path.startswith("/sitemap-") and path.endswith(".xml.gz"):
            numbers = self._part(int(path[len("/sitemap-"):-len(".xml.gz")]))
            if numbers:
                body = gzip.compress(self._urlset(base, numbers).encode("utf-8"), mtime=0)
                return self._cached(Response.make(200, body, "application/x-gzip"))
        if path == "/nyheter/":
            page = int(request.arg("page") or "1") if (request.arg("page") or "1").isdigit() else 1
            return self._cached(Response.html(self._list(base, page)))
        if path.startswith("/nyheter/nyhet-"):
            number = int(path.rsplit("-", 1)[1]) if path.rsplit("-", 1)[1].isdigit() else 0
            if 1 <= number <= self.pages:
                response = self._cached(Response.html(self.page_html(base, number)))
                response.headers["Last-Modified"] = self.modified(number).strftime(HTTP_DATE)
                return response
        return Response.html("<!DOCTYPE html><html lang=\"sv\"><head><title>Sidan finns inte</title></head>"
                             "<body><h1>Sidan kunde inte hittas</h1></body></html>", status=404)

    @staticmethod
    def _cached(response: Response) -> Response:
        response.headers["ETag"] = f'W/"{hashlib.sha1(response.body).hexdigest()[:20]}"'
        return response

    def _part(self, part: int) -> list[int]:
        return list(range((part - 1) * PER_SITEMAP + 1, min(self.pages, part * PER_SITEMAP) + 1)) if part >= 1 else []

    def _urlset(self, base: str, numbers: list[int]) -> str:
        rows = "".join(f"<url><loc>{base}/nyheter/nyhet-{n}</loc><lastmod>"
                       f"{self.modified(n).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod></url>\n" for n in numbers)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'

    def _sitemap(self, base: str) -> str:
        if self.pages <= PER_SITEMAP:
            return self._urlset(base, list(range(1, self.pages + 1)))
        parts = "".join(f"<sitemap><loc>{base}/sitemap-{p}.xml.gz</loc></sitemap>\n"
                        for p in range(1, -(-self.pages // PER_SITEMAP) + 1))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{parts}</sitemapindex>\n'

    def _rss(self, base: str) -> str:
        items = "".join(f"<item><title>{escape(self.title(n))}</title><link>{base}/nyheter/nyhet-{n}</link>"
                        f"<pubDate>{self.published(n).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
                        for n in range(self.pages, max(0, self.pages - 20), -1))
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Nyheter</title>'
                f"<link>{base}/</link><description>Nyheter</description>{items}</channel></rss>")

    def _list(self, base: str, page: int) -> str:
        newest = self.pages - (page - 1) * PER_LIST_PAGE
        teasers = "".join(
            f'<article class="news-item"><h2><a href="/nyheter/nyhet-{n}">{escape(self.title(n))}</a></h2>'
            f'<time datetime="{self.published(n).isoformat()}">{self.published(n).date().isoformat()}</time>'
            f"<p>{escape(_sentence(random.Random(n)))}</p></article>\n"
            for n in range(newest, max(0, newest - PER_LIST_PAGE), -1))
        more = f'<a rel="next" href="/nyheter/?page={page + 1}">Nästa sida</a>' if newest - PER_LIST_PAGE > 0 else ""
        return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="UTF-8"><title>Nyheter | Kommun {self.index}'
                f'</title></head><body><main><h1>Nyheter</h1>{teasers}<nav>{more}</nav></main></body></html>')

    def page_html(self, base: str, number: int) -> str:
        rng = random.Random(number * 1000 + self.version.get(number, 0) + self.index * 7_000_003)
        title, published = self.title(number), self.published(number)
        paragraphs = "".join(f'<p class="normal">{escape(" ".join(_sentence(rng) for _ in range(4)))}</p>\n'
                             for _ in range(rng.randint(6, 10)))
        return f"""<!DOCTYPE html>
<html lang="sv" class="sv-no-js sv-template-sida"><head><meta charset="UTF-8">
<title>{escape(title)} | Kommun {self.index}</title>
<meta name="DC.modified" content="{self.modified(number).date().isoformat()}">
<link rel="canonical" href="{base}/nyheter/nyhet-{number}"></head>
<body class="sv-responsive"><header><a href="/">Kommun {self.index}</a></header>
<main class="sv-vertical sv-layout"><div class="sv-text-portlet"><h1 class="heading">{escape(title)}</h1></div>
<div class="sv-text-portlet"><p class="preamble">Publicerad <time datetime="{published.isoformat()}">
{published.date().isoformat()}</time>.</p>{paragraphs}</div></main>
<footer><p>Kommun {self.index}, Rådhustorget 1. <a href="/kontakt">Kontakta oss</a></p></footer></body></html>
"""


class QuietServer(DemoServer):
    """A DemoServer whose accept loop wakes once a second (650 of them polling 20×/s would burn a core)."""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 1.0},
                                            name=f"site-{self.name}", daemon=True)
            self._thread.start()


def mastodon(sites: list[Site]) -> MastodonEmulator:
    """One instance with every organisation's account: 12 posts each in the 30-day window."""
    accounts, statuses = [], []
    for site in sites:
        user = f"org{site.index:04d}"
        accounts.append(MastodonAccountSpec(id=str(100 + site.index), username=user, display_name=f"Kommun {site.index}"))
        rng = random.Random(site.index)
        for k in range(12):
            when = CLOCK - dt.timedelta(hours=rng.randint(2, 24 * 28))
            about = site.pages - rng.randint(0, min(site.pages - 1, 140))
            text = (f"{site.title(about)}. Läs mer på webben." if k % 3 else _sentence(rng, 10, 20))
            statuses.append(MastodonStatusSpec(id=f"{site.index:04d}{k:03d}0000000000", account=user,
                                               created_at=when, text=text))
    return MastodonEmulator(accounts, statuses, local_domain="social.bench", rate_limit=10**9)


class NationalWorld:
    """``orgs`` sites and the Mastodon instance, started on loopback; one access log for all."""

    def __init__(self, orgs: int, seed: int = 14, max_pages: int | None = None) -> None:
        counts = page_counts(seed=seed)
        self.sites = [Site(i, min(counts[i], max_pages or counts[i])) for i in sample(orgs, seed)]
        self.log = AccessLog()
        self.servers: list[DemoServer] = []

    @property
    def pages(self) -> int:
        return sum(site.pages for site in self.sites)

    def __enter__(self) -> "NationalWorld":
        for n, site in enumerate(self.sites):
            host = f"127.1.{n // 250}.{n % 250 + 1}"
            self.servers.append(QuietServer(f"org{site.index}", site, host=host, access_log=self.log))
        self.social = QuietServer("mastodon", mastodon(self.sites), access_log=self.log)
        for server in [*self.servers, self.social]:
            server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in [*self.servers, self.social]:
            server.stop()

    def edit(self, fraction: float, seed: int = 1) -> int:
        return sum(site.edit(fraction, seed) for site in self.sites)

    def reset(self) -> None:
        """Every page back to its first version (each mode audits the same world)."""
        for site in self.sites:
            site.version.clear()

    def config_toml(self, delay: float = 0.0, concurrency: int = 2) -> str:
        lines = ["[crawl]", f"delay_seconds = {delay}", f"concurrency_per_host = {concurrency}",
                 "autothrottle = false", "max_pages_per_source = 2100", "window_days = 30", "recheck_days = 2", ""]
        for site, server in zip(self.sites, self.servers):
            base = server.base_url
            lines += ["[[org]]", f'id = "org-{site.index:04d}"', f'name = "Kommun {site.index}"', "web = [",
                      f'  {{ type = "feed", url = "{base}/rss.xml" }},',
                      f'  {{ type = "sitemap", url = "{base}/sitemap.xml" }},',
                      f'  {{ type = "listing", url = "{base}/nyheter/", follow = "/nyheter/", max_pages = 3 }},',
                      "]", "social = [",
                      f'  {{ platform = "mastodon", account = "org{site.index:04d}@social.bench", '
                      f'api = "{self.social.base_url}" }},', "]", ""]
        return "\n".join(lines)
