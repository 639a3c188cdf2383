"""A crawl of several pages: blocks the site repeats leave web.jsonl (``parity crawl``'s and ``parity audit``'s
alike), what one page alone shows stays.

The site is a Sitevision-like template without landmarks (header, content column and footer are
all divs, as on the older Sitevision and EPiServer sites of issue 11), so no rule that sees one page
can tell its contact box, its undated "Aktuellt" block or its footer from content; the site-wide
pass of ``crawler/sitewide.py`` sees them on every page of the crawl.
"""

from __future__ import annotations

import json
from pathlib import Path

from parity.demo.httpmsg import Request, Response
from parity.demo.httpserver import DemoServer
from tests.support.config import config_toml
from tests.support.run import run_parity

SERVICES = ["bygglov", "hemtjanst", "fardtjanst", "forskola", "avfall", "parkering"]
CONTACT = "Kundcenter har öppet vardagar kl. 8–16. Ring 0123-45 00 00 eller mejla kundcenter@exempelby.se."
FOOTER = "Exempelby kommun, Storgatan 1, 123 45 Exempelby. Organisationsnummer 212000-0000."
LEAD = "Vattnet är avstängt på Ringvägen i eftermiddag medan vi lagar en läcka."


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p class=\"normal\">{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title} - Exempelby kommun</title></head>
<body><div class="sv-layout lp-header-wrapper"><a href="/">Exempelby kommun</a></div>
<div class="sv-layout lp-content"><div class="sv-text-portlet"><h1 class="heading">{title}</h1>{body}</div>
<div class="sv-layout lp-box"><h2 class="subheading">Kontakta oss</h2><p class="normal">{CONTACT}</p></div>
<div class="sv-layout lp-box"><h2 class="subheading">Aktuellt</h2><ul>
<li><a href="/nyheter/vattenlacka">Vattenläcka på Ringvägen</a><p>{LEAD}</p></li>
<li><a href="/nyheter/sportlov">Gratis sportlovsaktiviteter för unga</a><p>Anmäl dig senast fredag den 13 februari.</p></li>
</ul></div></div>
<div class="sv-layout lp-bottom"><p class="normal">{FOOTER}</p></div></body></html>"""


class Site:
    """Six service pages and one news page, all in the same template, listed in a sitemap."""

    def handle(self, request: Request) -> Response:
        base = request.base_url
        if request.path == "/robots.txt":
            return Response.make(200, "User-agent: *\nAllow: /\n", "text/plain")
        if request.path == "/sitemap.xml":
            urls = [f"{base}/tjanster/{name}" for name in SERVICES] + [f"{base}/nyheter/vattenlacka"]
            body = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
            return Response.make(200, f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                      f"{body}</urlset>", "application/xml")
        if request.path.startswith("/tjanster/"):
            name = request.path.rsplit("/", 1)[1]
            if name in SERVICES:
                return Response.html(_page(name.capitalize(), [
                    f"Här beskriver vi tjänsten {name} och vem som kan få den.",
                    f"En ansökan om {name} handläggs inom fyra veckor och kostar {100 + len(name)} kronor."]))
        if request.path == "/nyheter/vattenlacka":
            return Response.html(_page("Vattenläcka på Ringvägen", [
                LEAD, "Vi räknar med att vattnet är tillbaka senast klockan 18. En tankbil står vid Ringvägen 4."]))
        return Response.make(404, "not found", "text/plain")


def _texts(path: Path) -> dict[str, dict]:
    return {json.loads(line)["url"].rsplit("/", 1)[1]: json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()}


def test_a_crawl_drops_what_the_site_repeats_and_keeps_what_each_page_says(tmp_path: Path) -> None:
    server = DemoServer("web", Site())
    server.start()
    try:
        config = tmp_path / "site.toml"
        config.write_text(config_toml([{"id": "exempelby-kommun",
                                        "web": [{"type": "sitemap", "url": f"{server.base_url}/sitemap.xml"}]}]),
                          encoding="utf-8")
        out, audited = tmp_path / "out", tmp_path / "audit"
        run = run_parity("crawl", config, "--out", out, "--store", tmp_path / "store.sqlite", timeout=180)
        assert run.code == 0, run.stderr[-3000:]
        # the audit reads its records back from the store through the same step (parity/audit/collect.py)
        audit = run_parity("audit", config, "--out", audited, "--store", tmp_path / "store.sqlite", timeout=180)
    finally:
        server.stop()
    assert audit.code == 0, audit.stderr[-3000:]
    pages = _texts(out / "web.jsonl")
    assert {name: page["text"] for name, page in _texts(audited / "web.jsonl").items()} == \
        {name: page["text"] for name, page in pages.items()}
    assert set(pages) == {*SERVICES, "vattenlacka"}
    for name in SERVICES:
        text = pages[name]["text"]
        assert f"En ansökan om {name} handläggs inom fyra veckor" in text, text
        for repeated in (CONTACT, FOOTER, LEAD, "Anmäl dig senast fredag den 13 februari."):
            assert repeated not in text, f"{name}: {repeated!r} is the site's, not the page's:\n{text}"
    news = pages["vattenlacka"]["text"]
    assert LEAD in news and "En tankbil står vid Ringvägen 4." in news, news  # its own lead, teased on every page
    assert CONTACT not in news and FOOTER not in news
