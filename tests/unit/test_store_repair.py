"""The one repair routine for damaged crawl state (parity/store/repair.py, docs/ledger.md "Damaged ledger"),
on both back ends (SQLite and PostgreSQL).

The policy under test: repairs may cost requests, never collected data, and never let a run skip work it
cannot prove was done. Rows are reset, not deleted; damaged tables are moved aside, not dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from crawler.ledger import begin_run
from parity.core.records import WebItem
from parity.store import SqlStore, open_store
from parity.store.types import Outcome, Planned
from tests.support.stores import postgres_db, postgres_srv, sql, store_target  # noqa: F401  (fixtures)

KEY = "org:web:sitemap:http://x/sitemap.xml"
SITEMAP = "http://x/sitemap.xml"


@pytest.fixture()
def killed(store_target: str) -> Iterator[SqlStore]:
    """A crawl killed part-way: the sitemap parsed, pages a and b stored, c and d planned."""
    with open_store(store_target) as store:
        store.begin_run("r1", "audit")
        begin_run(store, "r1")
        store.plan(KEY, "r1", [Planned(SITEMAP, "entry", None, {"cb": "sitemap"})])
        store.plan(KEY, "r1", [Planned(f"http://x/{n}", "page", SITEMAP, {"src": "sitemap"}) for n in "abcd"])
        for name in "ab":
            url = f"http://x/{name}"
            store.save_fetched(WebItem(id=f"web:o:{name}", org="o", source="sitemap", url=url, text=name),
                               KEY, url, "r1", Outcome(200, etag=f'"{name}"', body_sha256=name,
                                                       sitemap_lastmod="2026-03-01T00:00:00Z"))
        store.mark_done(KEY, SITEMAP, "r1", Outcome(200, etag='"map"'))
        yield store


def rows(store: SqlStore) -> dict[str, tuple[str, str | None, str | None]]:
    return {r.url: (r.state, r.etag, r.item_id) for r in store.ledger_rows()}


def test_an_intact_ledger_needs_no_repair(killed: SqlStore) -> None:
    before = rows(killed)
    assert killed.repair_crawl_state() == []
    assert rows(killed) == before


def test_unknown_states_are_requested_again_keeping_validators_and_items(killed: SqlStore) -> None:
    sql(killed, "UPDATE crawl_ledger SET state = 'exploded' WHERE url IN ('http://x/a', 'http://x/c')")
    warnings = killed.repair_crawl_state()
    assert len(warnings) == 1 and "2 rows had an unknown state" in warnings[0]
    after = rows(killed)
    assert after["http://x/a"] == ("todo", '"a"', "web:o:a")  # conditional request; a 404 still marks it removed
    assert after["http://x/c"] == ("todo", None, None)
    assert killed.repair_crawl_state() == []  # repaired state stays quiet
    assert len(killed.web_items()) == 2


def test_an_unreadable_context_resets_the_row_and_makes_its_parent_parse_again(killed: SqlStore) -> None:
    sql(killed, "UPDATE crawl_ledger SET context = '{not json' WHERE url = 'http://x/b'")
    sql(killed, "UPDATE crawl_ledger SET context = '[1, 2]' WHERE url = 'http://x/d'")
    warnings = killed.repair_crawl_state()
    assert len(warnings) == 1 and "2 rows had an unreadable context" in warnings[0]
    b = killed.ledger_row(KEY, "http://x/b")
    assert b is not None and (b.state, b.context, b.item_id, b.etag) == ("todo", {}, "web:o:b", '"b"')
    sitemap = killed.ledger_row(KEY, SITEMAP)
    assert sitemap is not None and sitemap.state == "todo" and not sitemap.has_validators  # no 304 replay
    assert len(killed.ledger_rows()) == 5 and len(killed.web_items()) == 2  # nothing deleted


def test_repaired_rows_are_fetched_by_the_resumed_run(killed: SqlStore) -> None:
    sql(killed, "UPDATE crawl_ledger SET state = 'exploded' WHERE url = 'http://x/c'")
    sql(killed, "UPDATE crawl_ledger SET context = 'oops' WHERE url = 'http://x/d'")
    killed.finish_run("r1", "interrupted", 130)
    assert begin_run(killed, "r2", now=dt.datetime.now(dt.timezone.utc)) == "r1"
    assert [r.url for r in killed.ledger_pending(KEY, "r2")] == ["http://x/c", "http://x/d"]
    done = {r.url for r in killed.ledger_rows() if r.run_id == "r2" and r.state == "done"}
    assert done == {"http://x/a", "http://x/b"}  # stored before the kill: not fetched again


def test_a_table_of_the_wrong_shape_is_moved_aside_and_recreated(killed: SqlStore) -> None:
    sql(killed, "ALTER TABLE crawl_ledger RENAME TO old")
    sql(killed, "CREATE TABLE crawl_ledger (junk TEXT)")
    sql(killed, "INSERT INTO crawl_ledger VALUES ('\x01 not a ledger row')")
    warnings = killed.repair_crawl_state()
    assert len(warnings) == 1 and "moved aside as crawl_ledger_damaged_" in warnings[0]
    assert killed.ledger_rows() == []
    [aside] = [n for n in table_names(killed) if n.startswith("crawl_ledger_damaged_")]
    assert sql(killed, f"SELECT count(*) FROM {aside}") == [(1,)]  # kept for a person
    assert {"crawl_ledger_run", "crawl_ledger_parent", "crawl_ledger_seq"} <= index_names(killed, "crawl_ledger")
    assert len(killed.web_items()) == 2
    killed.plan(KEY, "r2", [Planned("http://x/a", "page")])
    row = killed.ledger_row(KEY, "http://x/a")
    assert row is not None and row.state == "todo"


def test_a_store_opened_with_a_damaged_ledger_still_opens(store_target: str) -> None:
    with open_store(store_target) as store:
        sql(store, "DROP TABLE crawl_ledger")
        sql(store, "CREATE TABLE crawl_ledger (junk TEXT)")
    with open_store(store_target) as store:  # the CLI opens it before the crawl repairs it
        assert store.runs() == []
        assert store.repair_crawl_state() and store.ledger_rows() == []


def table_names(store: SqlStore) -> list[str]:
    if store.conn.dialect == "sqlite":
        return [r[0] for r in sql(store, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [r[0] for r in sql(store, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]


def index_names(store: SqlStore, table: str) -> set[str]:
    if store.conn.dialect == "sqlite":
        return {r[0] for r in sql(store, "SELECT name FROM sqlite_master WHERE tbl_name = ? AND type = 'index'", table)}
    return {r[0] for r in sql(store, "SELECT indexname FROM pg_indexes WHERE tablename = ?", table)}
