"""The Sitevision-like site over real HTTP: markup, lists, notice board, feed, sitemap, robots, PDFs."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import re
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import requests
from lxml import etree, html
from protego import Protego
from pypdf import PdfReader

from parity.demo.httpmsg import Request
from parity.demo.site import SjobackaSite
from parity.demo.world import DemoWorld

FEED_SHAPE = re.compile(r"/4\.[0-9a-f]+/12\.[0-9a-f]+\.portlet\?state=rss&sv\.contenttype=text/xml;charset=UTF-8$")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(url: str, **headers: str) -> requests.Response:
    response = requests.get(url, headers=headers, timeout=5, allow_redirects=False)
    return response


def sitemap_urls(world: DemoWorld) -> dict[str, str]:
    tree = etree.fromstring(fetch(world.web_base + "/sitemap.xml").content)
    return {loc.text: lastmod.text for loc, lastmod in zip(tree.findall(".//sm:loc", SITEMAP_NS),
                                                             tree.findall(".//sm:lastmod", SITEMAP_NS))}


def test_site_has_enough_items(world: DemoWorld) -> None:
    assert world.site is not None
    kinds = {kind: len(world.site.items(kind)) for kind in ("news", "disruption", "notice")}
    assert sum(kinds.values()) >= 30 and all(kinds.values())


def test_every_page_is_sitevision_markup(world: DemoWorld) -> None:
    assert world.site is not None and world.scenario is not None
    by_url = {world.web_base + p.path: p for p in world.scenario.pages}
    urls = sitemap_urls(world)
    listed = {url for url, page in by_url.items() if not page.noindex}
    assert set(urls) == listed and len(by_url) - len(listed) == 3
    for url in sorted(by_url):
        page = by_url[url]
        lastmod = urls.get(url, world.scenario.now.isoformat())
        response = fetch(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/html;charset=UTF-8"
        doc = html.fromstring(response.content)
        root_class = doc.get("class", "").split()
        assert doc.get("lang") == "sv" and "sv-no-js" in root_class and any(c.startswith("sv-template-") for c in root_class)
        head_scripts = " ".join(doc.xpath("//head/script/text()"))
        assert re.search(r"sv\.PageContext=\{pageId:'4\.[0-9a-f]+',siteId:'2\.[0-9a-f]+'", head_scripts)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", doc.xpath("//meta[@name='DC.modified']/@content")[0])
        assert doc.xpath("//meta[@name='dcterms.language']/@content") == ["sv"]
        assert doc.xpath("//meta[@property='og:title']/@content") == [page.title]
        assert doc.xpath("//link[@rel='canonical']/@href") == [url]
        feed = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
        assert feed == [world.feed_url] and FEED_SHAPE.search(feed[0])
        assert doc.xpath("//div[contains(@class,'sv-layout')]") and doc.xpath("//*[contains(@class,'sv-portlet')]")
        assert doc.xpath("//meta[@name='robots']/@content") == (["noindex, follow"] if page.noindex else [])
        assert dt.datetime.fromisoformat(lastmod.replace("Z", "+00:00")) <= world.scenario.now
        if page.kind != "static":
            assert doc.xpath("//h1/text()") == [page.title]
            stamp = doc.xpath("//div[@class='lp-publication-date']//time/@datetime")[0]
            assert dt.datetime.fromisoformat(stamp) == page.published


def test_news_listing_paginates_over_every_news_item(world: DemoWorld) -> None:
    assert world.site is not None
    url, seen, pages = world.web_base + "/nyheter/", [], 0
    while url:
        doc = html.fromstring(fetch(url).content)
        pages += 1
        for item in doc.xpath("//ul[contains(@class,'sv-channel')]/li[contains(@class,'sv-channel-item')]"):
            assert item.xpath(".//h2") and item.xpath(".//time/@datetime")
            dt.datetime.fromisoformat(item.xpath(".//time/@datetime")[0])
            seen.append(item.xpath(".//a/@href")[0])
        nxt = doc.xpath("//a[@rel='next']/@href")
        url = urljoin(url, nxt[0]) if nxt else ""
        assert pages < 10
    news = [p.path for p in world.site.items("news")]
    assert seen == news and pages == 3
    assert fetch(world.web_base + "/nyheter/?page=99").status_code == 404
    assert fetch(world.web_base + "/nyheter").headers["Location"] == "/nyheter/"


def test_notice_board_items_exist_only_in_app_state(world: DemoWorld) -> None:
    assert world.site is not None
    body = fetch(world.web_base + "/anslagstavla").text
    states = re.findall(r"AppRegistry\.registerInitialState\('(12\.[0-9a-f]+)',(\{.*?\})\);</script>", body)
    board = [json.loads(state) for _, state in states if '"pages"' in state]
    assert len(board) == 1
    items = board[0]["pages"]
    notices = world.site.items("notice")
    assert [i["uri"] for i in items] == [p.path for p in notices]
    for item in items:
        assert set(item) == {"title", "uri", "published", "organization", "preamble", "fromDate", "toDate"}
        dt.datetime.fromisoformat(item["published"])
        dt.date.fromisoformat(item["fromDate"])
    visible = html.fromstring(body)
    for script in visible.xpath("//script"):
        script.getparent().remove(script)
    assert not visible.xpath("//a[starts-with(@href,'/anslagstavla/')]")
    assert "Kommunfullmäktige" in {i["organization"] for i in items}


def test_rss_feed_lists_only_the_newest_news(world: DemoWorld) -> None:
    assert world.site is not None
    response = fetch(world.feed_url)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.feed.language == "sv"
    links = [urlsplit(e.link).path for e in feed.entries]
    news = [p.path for p in world.site.items("news")]
    assert links == news[:15] and len(news) > 15
    assert all(e.published_parsed and e.summary for e in feed.entries)
    assert fetch(world.web_base + world.site.feed_path).status_code == 404  # the portlet without state=rss


def test_robots_allow_the_crawl_but_can_block_the_feed(world: DemoWorld) -> None:
    text = fetch(world.web_base + "/robots.txt").text
    assert "Disallow: /*91.*" in text and "Disallow: /*;jsessionid=*" in text
    assert f"Sitemap: {world.web_base}/sitemap.xml" in text
    robots = Protego.parse(text)
    assert world.scenario is not None
    wanted = [world.feed_url, world.web_base + "/sitemap.xml", world.web_base + "/anslagstavla"]
    wanted += [world.web_base + p.path for p in world.scenario.pages]
    wanted += [world.web_base + d.path for p in world.scenario.pages for d in p.documents]
    assert all(robots.can_fetch(url, "reach-parity") for url in wanted)
    blocking = SjobackaSite(world.scenario.pages, robots_block_feed=True)
    strict = Protego.parse(blocking.handle(Request.get("/robots.txt", base_url=world.web_base)).text)
    assert not strict.can_fetch(world.feed_url, "reach-parity")
    assert strict.can_fetch(world.web_base + "/nyheter/", "reach-parity")


def test_pdf_documents_are_linked_valid_and_readable(world: DemoWorld) -> None:
    assert world.scenario is not None
    links = set()
    for page in world.scenario.pages:
        doc = html.fromstring(fetch(world.web_base + page.path).content)
        links |= set(doc.xpath("//div[@class='sv-file-portlet-file']/a/@href"))
    assert len(links) >= 2
    texts = []
    for link in sorted(links):
        response = fetch(world.web_base + link)
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content), strict=True)
        texts.append(reader.pages[0].extract_text())
    joined = "\n".join(texts)
    assert "Kallelse till sammanträde med kommunfullmäktige" in joined and "kl. 18.30" in joined
    assert "Sessionssalen, Kommunhuset, Rådhustorget 1" in joined and "§ 13" in joined
    stale = re.sub(r"/\d+/", "/1600000000000/", sorted(links)[0], count=1)
    moved = fetch(world.web_base + stale)
    assert moved.status_code == 301 and moved.headers["Location"] == sorted(links)[0]
    assert fetch(world.web_base + "/download/18.abc/1/x.pdf").status_code == 404


def test_conditional_get_head_and_gzip(world: DemoWorld) -> None:
    url = world.web_base + "/nyheter/andrad-sophamtning-i-norrby"
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = fetch(url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert fetch(url, **{"If-Modified-Since": modified}).status_code == 304
    assert fetch(url, **{"If-None-Match": '"other"'}).status_code == 200
    statuses = [e.status for e in world.access_log.entries if e.target == "/nyheter/andrad-sophamtning-i-norrby"]
    assert statuses[-4:] == [200, 304, 304, 200]
    assert first.headers["Content-Encoding"] == "gzip"  # requests asks for gzip and decodes it
    host, port = urlsplit(world.web_base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("HEAD", "/nyheter/andrad-sophamtning-i-norrby")
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        connection.request("GET", "/nyheter/andrad-sophamtning-i-norrby")  # same keep-alive connection
        plain = connection.getresponse()
        body = plain.read()
        assert int(head.getheader("Content-Length")) == len(body) and "Content-Encoding" not in plain.headers
    finally:
        connection.close()


def test_unknown_pages_and_methods(world: DemoWorld) -> None:
    missing = fetch(world.web_base + "/finns-inte")
    assert missing.status_code == 404 and "Sidan kunde inte hittas" in missing.text
    assert requests.post(world.web_base + "/", timeout=5).status_code == 405


@pytest.mark.parametrize("path", ["/", "/driftinformation/", "/kommun-och-politik/kommunfullmaktige"])
def test_static_pages_link_into_the_site(world: DemoWorld, path: str) -> None:
    doc = html.fromstring(fetch(world.web_base + path).content)
    hrefs = set(doc.xpath("//a/@href"))
    assert {"/nyheter/", "/driftinformation/", "/anslagstavla"} <= hrefs
