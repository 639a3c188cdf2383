"""Incremental nightly crawls and crash resume through the crawl ledger (docs/ledger.md).

Every crawl runs ``python -m crawler.run`` in a subprocess against the demo
world; what the crawler fetched is read from the demo's access log.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from parity.demo import DemoWorld
from parity.demo.httpserver import Request, Response
from tests.crawl.helpers import Store, crawl, hits, source, statuses, web_config
from tests.support.run import start_module

pytestmark = pytest.mark.slow

EDITED = "/driftinformation/vagarbete-pa-hamnvagen"
REMOVED = "/nyheter/sjobacka-simhall-stanger-for-underhall"


def demo_sources(world: DemoWorld) -> list[str]:
    base = world.web_base
    return [source("feed", world.feed_url), source("sitemap", base + "/sitemap.xml"),
            source("listing", base + "/nyheter/", follow="/nyheter/"), source("notice_board", base + "/anslagstavla")]


def test_unchanged_site_costs_robots_entries_and_304s_then_edits_and_removals_are_seen(tmp_path: Path) -> None:
    with DemoWorld() as world:
        config = web_config(demo_sources(world))
        crawl(tmp_path, config, "r1")
        first = hits(world)
        assert statuses(first)[200] > 50

        crawl(tmp_path, config, "r2")
        second = hits(world)
        fetched = [target for status, target in second if status == 200]
        assert fetched and set(fetched) == {"/robots.txt"}, fetched  # everything else answered 304
        assert statuses(second)[304] >= 30
        assert len(second) < len(first) * 0.7

        world.site.edit_page(EDITED, body=("Arbetet är flyttat till vecka 12 och pågår kl. 7–15.",))
        world.site.remove_page(REMOVED)
        crawl(tmp_path, config, "r3")
        third = hits(world)
    store = Store(tmp_path / "store.sqlite")
    items = store.items()
    edited = next(v for k, v in items.items() if k.endswith(EDITED))
    removed = next(v for k, v in items.items() if k.endswith(REMOVED))
    assert (200, EDITED) in third and "vecka 12" in edited["text"]  # lastmod changed ⇒ re-fetched, re-extracted
    assert edited["first_seen_at"] < edited["last_seen_at"]  # first sighting kept across runs
    assert (404, REMOVED) in third and removed["removed_at"] is not None
    assert sum(1 for k, v in items.items() if v["removed_at"]) == 1
    sources = store.sources("r3")
    assert all(s["status"] == "ok" for s in sources.values()), sources
    ledger = store.ledger("r3")
    assert {row["state"] for row in ledger} == {"done"}
    assert any(row["url"].endswith(REMOVED) and row["error"] == "removed" for row in ledger)
    store.close()


class SlowPages:
    """The demo site with a pause before every news page (so a crawl can be killed half-way)."""

    def __init__(self, app: object, delay: float) -> None:
        self.app, self.delay = app, delay

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/nyheter/") and request.path != "/nyheter/" and self.delay:
            time.sleep(self.delay)
        return self.app.handle(request)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.app, name)


def _done_pages(store: Path) -> set[str]:
    try:
        with sqlite3.connect(store, timeout=5) as db:
            rows = db.execute("SELECT url FROM crawl_ledger WHERE state='done' AND kind='page'").fetchall()
    except sqlite3.OperationalError:
        return set()
    return {url for (url,) in rows}


def test_sigkill_then_rerun_resumes_without_refetching_stored_pages(tmp_path: Path) -> None:
    with DemoWorld() as world:
        slow = SlowPages(world.site, 0.12)
        world.servers["web"].app = slow
        base = world.web_base
        config = web_config([source("listing", base + "/nyheter/", follow="/nyheter/")], concurrency_per_host=1)
        (tmp_path / "config.toml").write_text(config, encoding="utf-8")
        store = tmp_path / "store.sqlite"
        child = start_module("crawler.run", "--config", tmp_path / "config.toml", "--store", store, "--run-id", "r1",
                             capture=False)
        deadline = time.monotonic() + 60
        done: set[str] = set()
        while time.monotonic() < deadline and child.poll() is None:
            done = _done_pages(store)
            if len(done) >= 6:
                break
            time.sleep(0.05)
        assert child.poll() is None, "the crawl finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        before = _done_pages(store)
        assert done <= before and 6 <= len(before) < 22
        hits(world)
        slow.delay = 0
        crawl(tmp_path, config, "r2")
        rerun = hits(world)
    requested = {target for _status, target in rerun}
    done_paths = {urlsplit(url).path for url in before}
    assert done_paths and not done_paths & requested  # stored before the kill ⇒ not asked for again
    db = Store(store)
    items = db.items()
    news = [p.path for p in world.site.items("news")]
    assert all(any(url.endswith(path) and item.get("text_origin") == "page" for url, item in items.items())
               for path in news)
    runs = dict(db.db.execute("SELECT run_id, resumed_from FROM runs").fetchall())
    assert runs["r2"] == "r1"
    assert {row["state"] for row in db.ledger("r2")} == {"done"}
    assert len(db.ledger()) == len({(r["source_key"], r["url"]) for r in db.ledger()})
    db.close()
