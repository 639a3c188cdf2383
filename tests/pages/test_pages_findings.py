"""What the real pages in ../shared/reference tell the crawler, pinned as tests.

Each test states a fact about a real site that a spider or middleware must
handle; if one fails after a change, the fact (or our reading of it) changed.
"""

from __future__ import annotations

from pathlib import Path

from protego import Protego

from crawler.pages import (
    PageInput,
    app_registry_states,
    extract_article,
    parse_feed,
    parse_listing,
    sitemaps_from_robots,
    sitevision_file_time,
)

USER_AGENT = "reach-parity/1.0 (+https://example.org/contact)"
KF_URL = "https://kungsbacka.se/kommun-och-politik/politik-och-demokrati/politiska-moten-och-sammantraden/kommunfullmaktiges-sammantraden"


def _kungsbacka(shared_dir: Path) -> tuple[Protego, bytes]:
    robots = (shared_dir / "reference/web/sitevision-kungsbacka/kungsbacka-robots.txt").read_text(encoding="utf-8")
    page = (shared_dir / "reference/web/sitevision-kungsbacka/kommunfullmaktiges-sammantraden.html").read_bytes()
    return Protego.parse(robots), page


def test_kungsbacka_robots_blocks_its_own_rss_feed(shared_dir: Path) -> None:
    """The feed the page advertises carries '&sv.contenttype=…', which 'Disallow: /*&sv*' forbids.

    A robots-obeying crawler must report this source as robots_blocked (a
    finding for the report), not as an empty feed.
    """
    robots, page = _kungsbacka(shared_dir)
    article = extract_article(PageInput(KF_URL, {"Content-Type": "text/html;charset=UTF-8"}, page))
    (feed_url,) = article.feed_urls
    assert "&sv.contenttype=" in feed_url
    assert not robots.can_fetch(feed_url, USER_AGENT)
    # the page itself, its sitemap and every linked file stay fetchable
    assert robots.can_fetch(KF_URL, USER_AGENT)
    assert robots.can_fetch("https://kungsbacka.se/sitemapindex.xml", USER_AGENT)
    assert all(robots.can_fetch(link.url, USER_AGENT) for link in article.document_links)
    # without the extra parameter the portlet URL is not disallowed (whether to use
    # that variant is a policy decision for the feed spider, not for this parser)
    assert robots.can_fetch(feed_url.split("&sv.contenttype=")[0], USER_AGENT)


def test_kungsbacka_robots_disallows_paging_parameters(shared_dir: Path) -> None:
    robots, _page = _kungsbacka(shared_dir)
    assert not robots.can_fetch("https://kungsbacka.se/nyheter?start=10", USER_AGENT)
    assert not robots.can_fetch("https://kungsbacka.se/kalender?date=2026-03-12", USER_AGENT)
    assert robots.can_fetch("https://kungsbacka.se/nyheter?page=2", USER_AGENT)


def test_kungsbacka_robots_names_a_sitemap_index(shared_dir: Path) -> None:
    body = (shared_dir / "reference/web/sitevision-kungsbacka/kungsbacka-robots.txt").read_bytes()
    assert not body.endswith(b"\n")  # the last line has no newline and must still be read
    assert sitemaps_from_robots(PageInput("", None, body)) == ["https://kungsbacka.se/sitemapindex.xml"]


def test_kungsbacka_latest_meeting_files_exist_only_in_appregistry_json(shared_dir: Path) -> None:
    """The 2026-10-06 files are rendered by a file-share app: no <a> in the HTML, only JSON."""
    _robots, page = _kungsbacka(shared_dir)
    html = page.decode("utf-8")
    states = app_registry_states(html)
    assert len(states) == 5
    files = states["12.35b654231a0d0c8586c13ffd"]["files"]
    assert [f["name"] for f in files] == [
        "Kommunfullmäktige kallelse 2026-10-06.pdf",
        "Kommunfullmäktige handlingar 2026-10-06.pdf",
    ]
    assert 'href="/download/18.64d6e63a1a0f5cec92f1f6d0' not in html
    article = extract_article(PageInput(KF_URL, None, page))
    assert files[0]["url"] in {link.url for link in article.document_links}


def test_sitevision_file_urls_carry_the_upload_time(shared_dir: Path) -> None:
    """Minutes of 2026-08-11 went online 2026-08-20: the URL says when, the file name does not."""
    _robots, page = _kungsbacka(shared_dir)
    listing = parse_listing(PageInput(KF_URL, None, page), selectors={"item": "div.sv-file-portlet li", "link": "a", "title": "a"})
    protokoll = next(e for e in listing.entries if e.title == "Kommunfullmäktige protokoll 2026-08-11.pdf")
    assert protokoll.published_at is not None
    assert protokoll.published_at.isoformat() == "2026-08-20T05:29:33+00:00"
    assert sitevision_file_time(protokoll.url) == protokoll.published_at


def test_malmo_event_facts_are_only_in_appregistry_state(shared_dir: Path) -> None:
    html = (shared_dir / "reference/web/sitevision-calendar/malmo-0.html").read_text(encoding="utf-8")
    state = app_registry_states(html)["12.50574bcf196ed960a5540ad"]
    assert state["metadata"]["occasions"][0] == {
        "date": "2026-09-26",
        "time": "13:00 – 14:30",
        "formatted": "26 september",
        "location": "Oxiebiblioteket",
    }
    visible = html.split("registerInitialState('12.50574bcf196ed960a5540ad'")[0]
    assert "Oxiebiblioteket" not in visible


def test_rss_bridge_formats_agree(shared_dir: Path) -> None:
    """Atom, MRSS and JSON Feed output of one bridge give the same items (authors and guids differ by format)."""
    folder = shared_dir / "reference/feeds/rss-bridge"
    parsed = {
        name: parse_feed(PageInput("https://bridge.example/", None, (folder / name).read_bytes()))
        for name in (
            "expectedAtomFormat-feed.common.xml",
            "expectedMrssFormat-feed.common.xml",
            "expectedJsonFormat-feed.common.json",
        )
    }
    views = {
        name: [(e.url, e.title, e.text, e.published_at, e.enclosures) for e in entries]
        for name, entries in parsed.items()
    }
    first, *others = views.values()
    assert len(first) == 4
    for other in others:
        assert other == first
