"""Issue 12 §4: unbounded sitemap-index chains and a start page naming thousands of feeds.

An index whose children are indexes, ten per level (1,111 indexes down to depth 3 are
served; the chain itself never ends in a leaf), made 30,615 requests in 4 minutes before
the fix. Now child sitemaps are capped by depth (``max_sitemap_depth``) and number
(``max_sitemaps_per_source``), count against ``max_pages_per_source``, and the source ends
``partial`` naming the cap that stopped it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import ORG, jsonl, run_config
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

MAIN = "{host:main}"
BRANCHING = 10


def index_chain(depth: int = 3) -> dict[str, dict[str, Any]]:
    """``/idx/r.xml`` → ``/idx/r-0.xml`` … ``/idx/r-9.xml`` → … , every node an index, down to ``depth``."""
    custom: dict[str, dict[str, Any]] = {}
    level = ["r"]
    for _ in range(depth + 1):
        following = []
        for node in level:
            children = [f"{node}-{i}" for i in range(BRANCHING)]
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                    'sitemap/0.9">' + "".join(f"<sitemap><loc>{MAIN}/idx/{c}.xml</loc></sitemap>" for c in children)
                    + "</sitemapindex>\n")
            custom[f"/idx/{node}.xml"] = {"body": body, "content_type": "application/xml"}
            following += children
        level = following
    return custom


def depth_of(target: str) -> int:
    return target.count("-")


@pytest.mark.parametrize(("settings", "requests", "reason"), [
    ({}, 1 + 200, "sitemap_cap"),  # the defaults: depth 3, 200 child sitemaps per source
    ({"max_sitemap_depth": 2, "max_sitemaps_per_source": 5000}, 1 + 10 + 100, "sitemap_depth"),
    ({"max_pages_per_source": 50}, 1 + 50, "page_budget"),
], ids=["default-cap", "depth-cap", "page-budget"])
def test_sitemap_index_chain_stops_at_its_cap(tmp_path: Path, settings: dict[str, Any], requests: int,
                                              reason: str) -> None:
    site = SitePlan(pages=0, seed=81, custom=index_chain())
    with FaultServerProcess(Plan(sites={"main": site}), tmp_path / "srv") as server:
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": server.url() + "/idx/r.xml"}]}],
                             timeout_seconds=10.0, **settings)  # no retries on a loaded machine: exact counts
        result = run_config(tmp_path, config, command="crawl")
    fetched = [e["target"] for e in server.log() if e["target"].startswith("/idx/")]
    assert len(fetched) == len(set(fetched)) == requests  # each index once, the cap exactly
    if reason == "sitemap_depth":
        assert max(map(depth_of, fetched)) == 2
    assert result.seconds < 60  # seconds, not the minutes an uncapped chain took
    assert result.code == 4
    [source] = result.sources()
    assert source["status"] == "partial" and source["items"] == 0
    assert reason in source["error"], source["error"]


def test_site_start_page_naming_many_feeds_is_capped(tmp_path: Path) -> None:
    """A ``site`` source's discovered feeds count against the same cap (here 20 of 300 named)."""
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="/feeds/{i}.xml">' for i in range(300))
    home = (f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Felby kommun</title>{links}</head>"
            "<body><main><h1>Välkommen</h1></main></body></html>")
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Felby</title><link>{m}/</link>'
            "<description>x</description><item><title>Nyhet 0: information från Felby kommun</title>"
            "<link>{m}{p}</link><guid>{m}{p}</guid><pubDate>Sun, 01 Mar 2026 08:00:00 GMT</pubDate>"
            "<description>Nyhet.</description></item></channel></rss>").format(m=MAIN, p=page_path(0))
    custom = {"/": {"body": home}}
    custom.update({f"/feeds/{i}.xml": {"body": feed, "content_type": "application/rss+xml"} for i in range(300)})
    with FaultServerProcess(Plan(sites={"main": SitePlan(pages=1, seed=82, custom=custom)}), tmp_path / "srv") as server:
        config = config_toml([{"id": ORG, "web": [{"type": "site", "url": server.url() + "/"}]}],
                             max_sitemaps_per_source=20, timeout_seconds=10.0)
        result = run_config(tmp_path, config, command="crawl")
    feeds = [e["target"] for e in server.log() if e["target"].startswith("/feeds/")]
    assert len(feeds) == len(set(feeds)) == 20
    [source] = result.sources()
    assert source["status"] == "partial" and "sitemap_cap" in source["error"]
    assert len(jsonl(result.out / "web.jsonl")) == 1  # what the feeds it read named was still collected
