"""The crawl ledger without a crawl: states, resume adoption, atomic item + done (docs/ledger.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.ledger import Fetched, Ledger, Outcome, Planned, commit_fetched, ledger_for
from parity.core.records import WebItem
from parity.store import SqliteStore

KEY = "org:web:feed:http://x/rss"


def _item(url: str, text: str = "text") -> WebItem:
    return WebItem(id=f"web:org:{url}", org="org", source="feed", url=url, title="T", text=text)


@pytest.fixture()
def store(tmp_path: Path) -> SqliteStore:
    with SqliteStore(tmp_path / "s.sqlite") as opened:
        yield opened


def test_states_and_validators(store: SqliteStore) -> None:
    ledger = Ledger(store)
    assert ledger.begin_run("r1") is None
    ledger.plan(KEY, "r1", [Planned("http://x/a", "page", "http://x/rss", {"item_title": "A"})])
    ledger.doing(KEY, "http://x/a", "r1")
    ledger.doing(KEY, "http://x/a", "r1")  # a retry
    row = ledger.get(KEY, "http://x/a")
    assert row is not None and row.state == "doing" and row.attempts == 2 and row.context == {"item_title": "A"}
    commit_fetched(store, Fetched(_item("http://x/a"), KEY, "http://x/a", "r1",
                                  Outcome(200, etag='"e1"', last_modified="Tue, 01 Jan 2026 00:00:00 GMT",
                                          body_sha256="h", sitemap_lastmod="2026-01-01T00:00:00Z")), _item("http://x/a"))
    row = ledger.get(KEY, "http://x/a")
    assert (row.state, row.etag, row.item_id, row.sitemap_lastmod) == ("done", '"e1"', "web:org:http://x/a",
                                                                       "2026-01-01T00:00:00Z")
    ledger.finish_run("r1", "finished")
    assert ledger.begin_run("r2") is None  # the last run finished: nothing to resume
    ledger.done(KEY, "http://x/a", "r2")  # a 304 keeps the validators
    row = ledger.get(KEY, "http://x/a")
    assert row.run_id == "r2" and row.http_status == 304 and row.etag == '"e1"' and row.attempts == 0
    ledger.failed(KEY, "http://x/a", "r2", "http_503", 503)
    row = ledger.get(KEY, "http://x/a")
    assert row.state == "failed" and row.etag == '"e1"' and row.error == "http_503"
    ledger.done(KEY, "http://x/a", "r2", Outcome(404, error="removed"))
    assert ledger.get(KEY, "http://x/a").removed and not ledger.get(KEY, "http://x/a").has_validators


def test_item_and_done_are_one_transaction(store: SqliteStore) -> None:
    ledger = ledger_for(store)  # the instance the pipeline uses
    ledger.begin_run("r1")
    ledger.plan(KEY, "r1", [Planned("http://x/b", "page")])
    ledger.doing(KEY, "http://x/b", "r1")
    fetched = Fetched(_item("http://x/b"), KEY, "http://x/b", "r1", Outcome(200))
    original = ledger.done

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed between upsert and done")

    ledger.done = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        commit_fetched(store, fetched, fetched.record)
    ledger.done = original  # type: ignore[method-assign]
    assert store.web_items() == [] and ledger.get(KEY, "http://x/b").state in ("todo", "doing")  # fetched again


def test_interrupted_run_is_resumed_once(store: SqliteStore) -> None:
    ledger = Ledger(store)
    store.begin_run("r1", "audit")  # the CLI's run row
    ledger.begin_run("r1")
    ledger.plan(KEY, "r1", [Planned(f"http://x/{n}", "page") for n in "abc"])
    for name in "ab":
        ledger.doing(KEY, f"http://x/{name}", "r1")
    ledger.done(KEY, "http://x/a", "r1", Outcome(200), item_id="i")
    # killed: crawl_runs says running, the CLI says interrupted
    store.finish_run("r1", "interrupted", 130)
    assert ledger.begin_run("r2") == "r1"
    states = {row.url: (row.state, row.run_id) for row in ledger.rows(KEY)}
    assert states == {"http://x/a": ("done", "r2"), "http://x/b": ("todo", "r2"), "http://x/c": ("todo", "r2")}
    assert [row.url for row in ledger.pending(KEY, "r2")] == ["http://x/b", "http://x/c"]
    assert ledger.run_info("r1")["status"] == "resumed"
    ledger.finish_run("r2", "finished")
    assert ledger.begin_run("r3") is None


def test_old_interrupted_runs_are_not_resumed(store: SqliteStore) -> None:
    ledger = Ledger(store)
    ledger.begin_run("r1", now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    assert ledger.begin_run("r2") is None


def test_touch_orphans_and_children(store: SqliteStore) -> None:
    ledger = Ledger(store)
    ledger.begin_run("r1")
    store.upsert_web_item(_item("http://x/p"))
    store.upsert_web_item(WebItem(id="web:org:doc", org="org", source="document", url="http://x/d.pdf", text="t"))
    ledger.plan(KEY, "r1", [Planned("http://x/p", "page", "http://x/rss"), Planned("http://x/d.pdf", "document",
                                                                                     "http://x/p")])
    ledger.done(KEY, "http://x/p", "r1", Outcome(200), item_id="web:org:http://x/p")
    ledger.done(KEY, "http://x/d.pdf", "r1", Outcome(200), item_id="web:org:doc")
    ledger.finish_run("r1", "finished")
    ledger.begin_run("r2")
    assert {r.url for r in ledger.orphans(KEY, "r2", 10)} == {"http://x/p", "http://x/d.pdf"}
    assert [r.url for r in ledger.children(KEY, "http://x/rss")] == ["http://x/p"]
    assert ledger.touch_many(KEY, "r2", ["http://x/p"]) == 1
    assert ledger.orphans(KEY, "r2", 10) == []  # the page and its document were seen this run


def test_damaged_rows_and_tables_are_repaired_with_warnings(store: SqliteStore, caplog: pytest.LogCaptureFixture) -> None:
    ledger = Ledger(store)
    ledger.begin_run("r1")
    ledger.plan(KEY, "r1", [Planned(f"http://x/{n}", "page", None, {"a": 1}) for n in "abc"])
    store.db.execute("UPDATE crawl_ledger SET context='{not json' WHERE url='http://x/a'")
    store.db.execute("UPDATE crawl_ledger SET state='exploded' WHERE url='http://x/b'")
    with caplog.at_level("WARNING"):
        repaired = Ledger(store)
    assert repaired.get(KEY, "http://x/a").context == {} and repaired.get(KEY, "http://x/b").state == "todo"
    assert sum("crawl ledger" in r.message for r in caplog.records) == 2
    store.db.execute("DROP TABLE crawl_ledger")
    store.db.execute("CREATE TABLE crawl_ledger (junk BLOB)")
    caplog.clear()
    with caplog.at_level("WARNING"):
        fresh = Ledger(store)
    assert fresh.rows() == [] and any("moved aside" in r.message for r in caplog.records)
    fresh.plan(KEY, "r2", [Planned("http://x/a", "page")])
    assert fresh.get(KEY, "http://x/a").state == "todo"
