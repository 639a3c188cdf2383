"""The crawl ledger without a crawl: states, resume adoption, atomic item + done (docs/ledger.md).

The rows are the store's (parity/store/ledger.py, on both back ends: SQLite and PostgreSQL); the
decisions are crawler/ledger.py's policy.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.ledger import (
    SourceLedger,
    begin_run,
    conditional_headers,
    should_resume,
    validators_of,
)
from parity.core.records import WebItem
from parity.store import SqlStore
from parity.store.types import CrawlRun, Outcome, Planned
from tests.support.stores import postgres_db, postgres_srv, sql, store, store_target  # noqa: F401  (fixtures)

KEY = "org:web:feed:http://x/rss"
NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc)


def _item(url: str, text: str = "text") -> WebItem:
    return WebItem(id=f"web:org:{url}", org="org", source="feed", url=url, title="T", text=text)


def test_states_and_validators(store: SqlStore) -> None:
    assert begin_run(store, "r1") is None
    store.plan(KEY, "r1", [Planned("http://x/a", "page", "http://x/rss", {"item_title": "A"})])
    store.mark_doing(KEY, "http://x/a", "r1")
    store.mark_doing(KEY, "http://x/a", "r1")  # a retry
    row = store.ledger_row(KEY, "http://x/a")
    assert row is not None and row.state == "doing" and row.attempts == 2 and row.context == {"item_title": "A"}
    store.save_fetched(_item("http://x/a"), KEY, "http://x/a", "r1",
                       Outcome(200, etag='"e1"', last_modified="Tue, 01 Jan 2026 00:00:00 GMT", body_sha256="h",
                               sitemap_lastmod="2026-01-01T00:00:00Z"))
    row = store.ledger_row(KEY, "http://x/a")
    assert row is not None
    assert (row.state, row.etag, row.item_id, row.sitemap_lastmod) == ("done", '"e1"', "web:org:http://x/a",
                                                                       "2026-01-01T00:00:00Z")
    assert conditional_headers(validators_of(row)) == {b"If-None-Match": b'"e1"',
                                                       b"If-Modified-Since": b"Tue, 01 Jan 2026 00:00:00 GMT"}
    store.finish_crawl("r1", "finished")
    assert begin_run(store, "r2") is None  # the last run finished: nothing to resume
    store.mark_done(KEY, "http://x/a", "r2")  # a 304 keeps the validators
    row = store.ledger_row(KEY, "http://x/a")
    assert row is not None and row.run_id == "r2" and row.http_status == 304 and row.etag == '"e1"'
    assert row.attempts == 0
    store.mark_failed(KEY, "http://x/a", "r2", "http_503", 503)
    row = store.ledger_row(KEY, "http://x/a")
    assert row is not None and row.state == "failed" and row.etag == '"e1"' and row.error == "http_503"
    store.mark_done(KEY, "http://x/a", "r2", Outcome(404, error="removed"))
    row = store.ledger_row(KEY, "http://x/a")
    assert row is not None and row.removed and not row.has_validators and validators_of(row) is None


def test_item_and_done_are_one_transaction(store: SqlStore) -> None:
    begin_run(store, "r1")
    store.plan(KEY, "r1", [Planned("http://x/b", "page")])
    store.mark_doing(KEY, "http://x/b", "r1")
    original = store.mark_done

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed between upsert and done")

    store.mark_done = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        store.save_fetched(_item("http://x/b"), KEY, "http://x/b", "r1", Outcome(200))
    store.mark_done = original  # type: ignore[method-assign]
    row = store.ledger_row(KEY, "http://x/b")
    assert store.web_items() == [] and row is not None and row.state in ("todo", "doing")  # fetched again


def test_interrupted_run_is_resumed_once(store: SqlStore) -> None:
    store.begin_run("r1", "audit")  # the CLI's run row: one registry for the CLI and the crawl
    begin_run(store, "r1")
    store.plan(KEY, "r1", [Planned(f"http://x/{n}", "page") for n in "abc"])
    for name in "ab":
        store.mark_doing(KEY, f"http://x/{name}", "r1")
    store.mark_done(KEY, "http://x/a", "r1", Outcome(200), item_id="i")
    # killed: the crawl's status says running, the CLI says interrupted
    store.finish_run("r1", "interrupted", 130)
    assert begin_run(store, "r2") == "r1"
    states = {row.url: (row.state, row.run_id) for row in store.ledger_rows(KEY)}
    assert states == {"http://x/a": ("done", "r2"), "http://x/b": ("todo", "r2"), "http://x/c": ("todo", "r2")}
    assert [row.url for row in store.ledger_pending(KEY, "r2")] == ["http://x/b", "http://x/c"]
    old, new = store.crawl_run("r1"), store.crawl_run("r2")
    assert old is not None and old.crawl_status == "resumed" and old.status == "interrupted"
    assert new is not None and new.resumed_from == "r1"
    assert [r["run_id"] for r in store.runs()] == ["r1", "r2"]  # one registry, one row per run
    store.finish_crawl("r2", "finished")
    assert begin_run(store, "r3") is None


def test_a_crawl_finished_but_the_cli_killed_while_matching_is_resumed(store: SqlStore) -> None:
    store.begin_run("r1", "audit")
    begin_run(store, "r1")
    store.finish_crawl("r1", "finished")  # the CLI row stays 'running': killed after the crawl
    assert begin_run(store, "r2") == "r1"


def test_old_or_unreadable_interrupted_runs_are_not_resumed(store: SqlStore) -> None:
    begin_run(store, "r1", now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    assert begin_run(store, "r2") is None
    sql(store, "UPDATE runs SET started_at='yesterday-ish' WHERE run_id='r2'")
    assert begin_run(store, "r3") is None


@pytest.mark.parametrize("crawl,cli,age,expected", [
    ("running", "running", 1, True),          # SIGKILL
    ("interrupted", "interrupted", 1, True),  # Ctrl-C
    ("finished", "interrupted", 1, True),     # the CLI knows better
    ("finished", "finished", 1, False),
    ("finished", "failed", 1, False),
    ("resumed", "interrupted", 1, False),     # already adopted by a later run
    ("running", "running", 30, False),        # a new night starts afresh
])
def test_should_resume(crawl: str, cli: str, age: int, expected: bool) -> None:
    run = CrawlRun("r", NOW - dt.timedelta(hours=age), crawl, cli)
    assert should_resume(run, NOW, dt.timedelta(hours=24)) is expected


def test_touch_orphans_and_children(store: SqlStore) -> None:
    begin_run(store, "r1")
    store.upsert_web_item(_item("http://x/p"))
    store.upsert_web_item(WebItem(id="web:org:doc", org="org", source="document", url="http://x/d.pdf", text="t"))
    store.plan(KEY, "r1", [Planned("http://x/p", "page", "http://x/rss"), Planned("http://x/d.pdf", "document",
                                                                                  "http://x/p")])
    store.mark_done(KEY, "http://x/p", "r1", Outcome(200), item_id="web:org:http://x/p")
    store.mark_done(KEY, "http://x/d.pdf", "r1", Outcome(200), item_id="web:org:doc")
    store.finish_crawl("r1", "finished")
    begin_run(store, "r2")
    ledger = SourceLedger(store, KEY, "r2")
    assert {r.url for r in ledger.orphans(10)} == {"http://x/p", "http://x/d.pdf"}
    assert [r.url for r in store.ledger_children(KEY, "http://x/rss")] == ["http://x/p"]
    touch, request = ledger.replay("http://x/rss", from_sitemap=True)
    assert [r.url for r in touch] == ["http://x/p"] and request == []  # unchanged sitemap: no request
    assert [r.url for r in ledger.replay("http://x/rss", from_sitemap=False)[1]] == ["http://x/p"]
    assert ledger.touch(["http://x/p"]) == 1
    assert ledger.orphans(10) == []  # the page and its document were seen this run


def test_source_ledger_decisions(store: SqlStore) -> None:
    begin_run(store, "r1")
    store.upsert_web_item(_item("http://x/p"))
    store.plan(KEY, "r1", [Planned("http://x/p", "page")])
    store.mark_done(KEY, "http://x/p", "r1", Outcome(200, etag='"e"', body_sha256="h",
                                                      sitemap_lastmod="2026-01-01T00:00:00Z"),
                    item_id="web:org:http://x/p")
    ledger = SourceLedger(store, KEY, "r1")
    assert ledger.done_in_run("http://x/p") is not None and ledger.validators("http://x/p") == ('"e"', None)
    assert ledger.unchanged_by_lastmod("http://x/p", "2026-01-01T00:00:00Z")
    assert not ledger.unchanged_by_lastmod("http://x/p", "2026-02-01T00:00:00Z")
    assert ledger.unchanged_body("http://x/p", "h") and not ledger.unchanged_body("http://x/p", "other")
    assert SourceLedger(store, KEY, "r2").done_in_run("http://x/p") is None  # done, but in another run
    assert ledger.gone("http://x/p", 404)
    assert store.web_items() == [] and store.web_items(include_removed=True)[0].id == "web:org:http://x/p"
    assert not ledger.gone("http://x/never-stored", 404)


def test_a_404_keeps_first_seen_and_a_304_brings_the_item_back(store: SqlStore) -> None:
    begin_run(store, "r1")
    store.save_fetched(_item("http://x/p"), KEY, "http://x/p", "r1", Outcome(200, etag='"e"'))
    first_seen = store.web_items()[0].model_extra["first_seen_at"]  # type: ignore[index]
    ledger = SourceLedger(store, KEY, "r1")
    assert ledger.gone("http://x/p", 410)
    assert ledger.unchanged("http://x/p", Outcome(http_status=304))
    [item] = store.web_items()
    assert item.model_extra["first_seen_at"] == first_seen  # type: ignore[index]
