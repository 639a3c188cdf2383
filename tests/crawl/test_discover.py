"""``parity discover URL``: feeds, sitemaps, lists and the board of a start URL as a config block."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.discover.readers import Found, follow_prefix, include_patterns
from crawler.discover.render import render_toml, slug
from crawler.pages.page_input import PageInput
from crawler.pages.web.home import home_findings
from parity.config import load_config
from parity.demo import DemoWorld
from parity.demo.httpserver import Request
from parity.demo.scenario import build_scenario
from parity.demo.site import SjobackaSite
from tests.support.run import run_parity

BASE = "http://kommun.example"


def _page(site: SjobackaSite, path: str) -> tuple[dict[str, str], bytes]:
    response = site.handle(Request.get(path, base_url=BASE))
    return dict(response.headers.items()), response.body


def test_home_findings_on_the_demo_start_page() -> None:
    site = SjobackaSite(build_scenario().pages)
    headers, body = _page(site, "/")
    home = home_findings(PageInput(BASE + "/", headers, body))
    assert home.cms == "sitevision" and home.site_name == "Sjöbacka kommun"
    assert home.feeds == [site.feed_url(BASE)]
    assert BASE + "/nyheter/" in home.lists and BASE + "/driftinformation/" in home.lists
    assert home.boards == [BASE + "/anslagstavla"]


def test_include_patterns_and_follow_prefix() -> None:
    urls = [f"{BASE}/nyheter/a", f"{BASE}/nyheter/b", f"{BASE}/sv/aktuellt/c", f"{BASE}/kontakt",
            f"{BASE}/kommun/anslagstavla/d", f"{BASE}/nyheter"]
    assert include_patterns(urls) == ["^/kommun/anslagstavla/", "^/nyheter/", "^/sv/aktuellt/"]
    assert follow_prefix(BASE + "/nyheter/", [f"{BASE}/nyheter/a", f"{BASE}/nyheter/b"]) == "/nyheter/"
    assert follow_prefix(BASE + "/", [f"{BASE}/a", f"{BASE}/b/c"]) is None
    assert slug("Sjöbacka kommun") == "sjobacka-kommun"


def test_rendered_block_passes_check_config(tmp_path: Path) -> None:
    found = [Found("feed", BASE + "/rss?a=1&sv.contenttype=text/xml", "15 entries", blocked="robots"),
             Found("sitemap", BASE + "/sitemap.xml", "", {"include": ["^/nyheter/"]}),
             Found("listing", BASE + "/nyheter/", "sv-channel", {"follow": "/nyheter/"})]
    text = render_toml(BASE + "/", None, found, name="Exempelby kommun")
    path = tmp_path / "found.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_config(path)
    assert loaded.config.org[0].id == "exempelby-kommun"
    assert [w.type for w in loaded.config.org[0].web] == ["feed", "sitemap", "listing"]
    assert "robots_blocked" in text
    empty = render_toml(BASE + "/", None, [])
    assert tomllib.loads(empty)["org"][0]["web"] == [{"type": "site", "url": BASE + "/"}]


@pytest.mark.slow
def test_parity_discover_on_the_demo_world(tmp_path: Path) -> None:
    with DemoWorld(robots_block_feed=True) as world:
        result = run_parity("discover", world.web_base + "/", "--delay", "0", timeout=120)
        base, feed = world.web_base, world.feed_url
        feed_hits = [e for e in world.access_log.entries if "portlet" in e.path]
    assert result.code == 0, result.stderr[-3000:]
    config = tmp_path / "discovered.toml"
    config.write_text(result.stdout, encoding="utf-8")
    check = run_parity("check-config", config, timeout=60)
    assert check.code == 0, check.stderr
    web = tomllib.loads(result.stdout)["org"][0]["web"]
    by_type = {(w["type"], w["url"]): w for w in web}
    assert ("feed", feed) in by_type and feed_hits == []  # found in <head>, never fetched: robots says no
    assert "robots_blocked" in result.stdout
    sitemap = by_type[("sitemap", base + "/sitemap.xml")]
    assert set(sitemap["include"]) == {"^/nyheter/", "^/driftinformation/", "^/anslagstavla/"}
    assert by_type[("listing", base + "/nyheter/")]["follow"] == "/nyheter/"
    assert ("notice_board", base + "/anslagstavla") in by_type
