"""Web sources in depth against the demo world: site discovery at crawl time, sitemap index + gzip +
news sitemap, AppRegistry-only lists with ?page=N, paginated notice boards, block pages and bad PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from parity.demo import DemoWorld
from tests.crawl.helpers import Store, crawl, hits, source, web_config
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault

pytestmark = pytest.mark.slow

CAPTCHA = ("<!DOCTYPE html><html><head><title>Are you a robot?</title></head><body><h1>Verify you are human</h1>"
           "<div class=\"g-recaptcha\"></div></body></html>")


def test_site_source_finds_feed_sitemap_lists_and_board(tmp_path: Path) -> None:
    with DemoWorld() as world:
        crawl(tmp_path, web_config([source("site", world.web_base + "/")]), "r1")
        wanted = {p.path for p in world.site.items()}
    store = Store(tmp_path / "store.sqlite")
    items = store.items()
    status = next(iter(store.sources("r1").values()))
    store.close()
    assert status["status"] == "ok", status
    notes = status["detail"]
    assert notes["feeds"] and notes["sitemaps"] and notes["boards"]
    assert any(url.endswith("/nyheter/") for url in notes["lists"])
    paged = {url.split("127.0.0.1", 1)[1].split("/", 1)[1] for url in items}
    assert {p.lstrip("/") for p in wanted} <= paged
    by_source = {item["source"] for item in items.values()}
    assert by_source <= {"feed", "sitemap", "listing", "notice_board", "document"} and "site" not in by_source
    assert any(item.get("from_date") for item in items.values())  # notice posting periods kept


def test_index_gzip_news_sitemap_appregistry_list_and_paged_board(tmp_path: Path) -> None:
    with DemoWorld(board_page_size=2) as world:
        base = world.web_base
        config = web_config([
            source("sitemap", base + "/sitemapindex.xml", include=["^/nyheter/", "^/anslagstavla/"]),
            source("listing", base + "/nyhetsarkiv", follow="/nyheter/"),
            source("notice_board", base + "/anslagstavla"),
        ])
        crawl(tmp_path, config, "r1")
        first = hits(world)
        news = {p.path for p in world.site.items("news")}
        notices = {p.path for p in world.site.items("notice")}
        crawl(tmp_path, config, "r2")
        second = hits(world)
    targets = {t for _s, t in first}
    assert {"/sitemapindex.xml", "/sitemap1.xml.gz", "/sitemap-news.xml"} <= targets
    assert {"/nyhetsarkiv?page=2", "/nyhetsarkiv?page=3", "/anslagstavla?page=2", "/anslagstavla?page=3"} <= targets
    store = Store(tmp_path / "store.sqlite")
    items = store.items()
    sources = store.sources("r1")
    store.close()
    assert all(s["status"] == "ok" for s in sources.values()), sources
    paths = {"/" + url.split("127.0.0.1", 1)[1].split("/", 1)[1] for url in items}
    assert news | notices <= paths
    board = next(s for s in sources.values() if s["kind"] == "notice_board")
    assert board["items"] >= len(notices)
    # Second night: unchanged sitemaps (304) ⇒ no page requested for the sitemap; lists and board 304 too.
    assert all(status in (200, 304) for status, _t in second)
    assert [t for s, t in second if s == 200] == ["/robots.txt"] * sum(1 for s, t in second if s == 200)


def test_board_announcing_more_than_it_shows_makes_the_source_partial(tmp_path: Path) -> None:
    with DemoWorld(board_page_size=2, board_pagination_links=False) as world:
        crawl(tmp_path, web_config([source("notice_board", world.web_base + "/anslagstavla")]), "r1")
    store = Store(tmp_path / "store.sqlite")
    board = next(iter(store.sources("r1").values()))
    store.close()
    assert board["status"] == "partial" and "board_truncated" in board["error"]
    assert board["detail"]["board_counts"]


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="hemligt", owner_password="ägare")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_block_pages_and_broken_or_encrypted_pdfs_are_error_rows_not_items(tmp_path: Path) -> None:
    with FaultWorld() as world:
        base = world.web_base
        blocked = "/nyheter/trygghetsvandring-i-lindas"
        world.inject("web", Fault(status=200, path=blocked, body=CAPTCHA, content_type="text/html; charset=utf-8"))
        politics = world.site.by_path["/kommun-och-politik/kommunfullmaktige"]
        notice = world.site.by_path["/anslagstavla/kungorelse-sammantrade-med-kommunfullmaktige"]
        broken, locked = politics.documents[0], notice.documents[0]
        assert broken.node != locked.node
        world.inject("web", Fault(status=200, path=f"/download/{broken.node}/", body="%PDF-1.4\n1 0 obj <<",
                                  content_type="application/pdf"))
        world.site._pdf_cache[locked.node] = _encrypted_pdf()  # served as the notice's kallelse
        config = web_config([source("page", base + blocked), source("page", base + politics.path),
                             source("page", base + notice.path)])
        crawl(tmp_path, config, "r1")
    store = Store(tmp_path / "store.sqlite")
    items = store.items()
    sources = store.sources("r1")
    ledger = {row["url"]: row for row in store.ledger()}
    store.close()
    by_url = {s["url"]: s for s in sources.values()}
    assert by_url[base + blocked]["status"] == "failed" and "soft_block:captcha" in by_url[base + blocked]["error"]
    assert not any(url.endswith(blocked) for url in items)
    assert ledger[base + blocked]["state"] == "failed" and ledger[base + blocked]["error"] == "soft_block:captcha"
    assert "broken PDF" in by_url[base + politics.path]["error"] and by_url[base + politics.path]["status"] == "partial"
    assert "encrypted PDF" in by_url[base + notice.path]["error"]
    assert any(url.endswith(politics.path) for url in items) and any(url.endswith(notice.path) for url in items)
    assert not any("/download/" in url for url in items)
