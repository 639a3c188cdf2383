"""The store on both back ends (SQLite and PostgreSQL): idempotent upserts, first-seen kept, merges,
removal, edits, state, read order. The SQLite-only properties (WAL, a file that is not a store) at the end."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.store import SqliteStore, SqlStore, StoreError, open_store
from tests.support.stores import postgres_db, postgres_srv, sql, store, store_target  # noqa: F401  (fixtures)

T0 = dt.datetime(2026, 3, 1, 8, tzinfo=dt.timezone.utc)


def web(text: str, origin: str, published: str | None = None, title: str | None = None) -> WebItem:
    return WebItem(id="web:o:1", org="o", source="feed", url="https://x.se/a", title=title, text=text,
                   published_at=published, text_origin=origin)


def test_reopen_keeps_everything(store_target: str) -> None:
    with open_store(store_target) as store:
        store.upsert_post(Post(id="p1", org="o", platform="mastodon", text="hej"))
    with open_store(store_target) as store:
        assert [p.id for p in store.posts()] == ["p1"]


def test_post_upsert_is_idempotent_and_keeps_first_seen(store: SqlStore) -> None:
    post = Post(id="p1", org="o", platform="mastodon", text="Vattnet stängs av", published_at=T0)
    assert store.upsert_post(post, seen_at=T0) == "new"
    assert store.upsert_post(post, seen_at=T0 + dt.timedelta(days=1)) == "same"
    (stored,) = store.posts()
    assert stored.model_extra["first_seen_at"] == "2026-03-01T08:00:00Z"
    assert sql(store, "SELECT count(*) FROM posts") == [(1,)]


def test_post_edit_is_recorded(store: SqlStore) -> None:
    store.upsert_post(Post(id="p1", org="o", platform="mastodon", text="kl. 8"), seen_at=T0)
    later = T0 + dt.timedelta(hours=5)
    assert store.upsert_post(Post(id="p1", org="o", platform="mastodon", text="kl. 9"), seen_at=later) == "changed"
    (stored,) = store.posts()
    assert stored.text == "kl. 9"
    assert stored.model_extra["edited_at"] == "2026-03-01T13:00:00Z"


def test_same_text_read_another_way_is_not_an_edit(store: SqlStore) -> None:
    """API one night, RSS fallback the next: media and layout differ, the text does not."""
    via_api = Post(id="p1", org="o", platform="mastodon", text="Vattnet stängs av  kl. 8–16.",
                   media=[{"type": "image", "alt": "Karta", "url": "https://m.example/a.png"}])
    via_rss = Post(id="p1", org="o", platform="mastodon", text="Vattnet stängs av\nkl. 8–16.")
    store.upsert_post(via_api, seen_at=T0)
    assert store.upsert_post(via_rss, seen_at=T0 + dt.timedelta(days=1)) == "changed"
    (stored,) = store.posts()
    assert "edited_at" not in stored.model_extra and not stored.media
    edited = via_rss.model_copy(update={"text": "Vattnet stängs av kl. 9–17."})
    store.upsert_post(edited, seen_at=T0 + dt.timedelta(days=2))
    store.upsert_post(edited.model_copy(update={"media": via_api.media}), seen_at=T0 + dt.timedelta(days=3))
    (stored,) = store.posts()
    assert stored.model_extra["edited_at"] == "2026-03-03T08:00:00Z"  # the text edit, not the later media change


def test_deleted_post_stays_in_history(store: SqlStore) -> None:
    store.upsert_post(Post(id="p1", org="o", platform="mastodon", text="x"))
    store.mark_post_deleted("p1", T0)
    assert store.posts(include_deleted=False) == []
    (kept,) = store.posts()
    assert kept.model_extra["deleted_at"] == "2026-03-01T08:00:00Z"


def test_page_text_beats_feed_summary_and_dates_merge(store: SqlStore) -> None:
    store.upsert_web_item(web("Kort sammanfattning.", "summary", "2026-03-02T10:00:00Z", "Rubrik"))
    store.upsert_web_item(web("Hela texten: vattnet stängs av kl. 8–16.", "page", None, None))
    (item,) = store.web_items()
    assert item.text.startswith("Hela texten")
    assert item.title == "Rubrik"  # filled from the summary
    assert item.published_at == dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone.utc)
    # A later summary never overrides page text …
    store.upsert_web_item(web("Annan sammanfattning.", "summary"))
    assert store.web_items()[0].text.startswith("Hela texten")
    # … but a newer page fetch does, even when shorter (facts can be removed from a page).
    store.upsert_web_item(web("Ändrad.", "page"))
    assert store.web_items()[0].text == "Ändrad."


def test_removed_web_item_hidden_then_restored(store: SqlStore) -> None:
    store.upsert_web_item(web("text", "page"))
    store.mark_web_removed("web:o:1", T0)
    assert store.web_items() == []
    assert store.web_items(include_removed=True)[0].model_extra["removed_at"] == "2026-03-01T08:00:00Z"
    assert store.touch_web_item("web:o:1") is True
    assert len(store.web_items()) == 1
    assert store.touch_web_item("web:o:unknown") is False


def test_sources_verdicts_state_and_runs(store: SqlStore) -> None:
    store.begin_run("r1", "audit")
    store.record_source("r1", "o:web:feed:u", SourceStatus(org="o", kind="feed", url="u", status="failed",
                                                           error="http_503"), {"finish_reason": "finished"})
    ((key, status, detail),) = store.sources("r1")
    assert (key, status.status, status.error, detail) == ("o:web:feed:u", "failed", "http_503",
                                                          {"finish_reason": "finished"})
    verdict = Verdict(post_id="p1", org="o", verdict="social_only", evidence={"bm25": 0.1})
    store.save_verdicts("r1", [verdict])
    store.save_verdicts("r1", [verdict])  # replaced, not duplicated
    assert [v.model_extra["evidence"] for v in store.verdicts("r1")] == [{"bm25": 0.1}]
    store.set_state("k", {"since_id": "110"})
    assert store.get_state("k") == {"since_id": "110"}
    store.finish_run("r1", "finished", 4, {"posts": 1})
    (run,) = store.runs()
    assert (run["status"], run["exit_code"], run["summary"]) == ("finished", 4, {"posts": 1})
    assert list(store.verdict_history()) == [("r1", "o", "p1", "social_only")]


def test_triage_marks_on_both_back_ends(store: SqlStore) -> None:
    store.upsert_post(Post(id="p1", org="o", platform="mastodon", text="Vattnet stängs av"))
    assert store.post_org("p1") == "o" and store.post_org("nope") is None
    first = store.set_triage("p1", "o", "confirmed-gap", "checked", "social_only", "r1")
    again = store.set_triage("p1", "o", "wrong-match")  # replaces the mark, keeps when it was first made
    assert (again["label"], again["created_at"]) == ("wrong-match", first["created_at"])
    assert [m["post_id"] for m in store.triage_marks(orgs=["o"])] == ["p1"]
    assert store.triage_marks(orgs=[]) == []
    assert store.clear_triage("p1") and not store.clear_triage("p1")




def test_transaction_rolls_back(store: SqlStore) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_post(Post(id="p1", org="o", platform="x", text="a"))
            raise RuntimeError("boom")
    assert store.posts() == []
    assert store.upsert_post(Post(id="p1", org="o", platform="x", text="a")) == "new"  # usable afterwards


def test_read_order_is_the_same_on_both_back_ends(store: SqlStore) -> None:
    """What SQLite gave implicitly (rowid order, NULLs first, byte-wise text) is explicit SQL."""
    for key in ("b", "a", "c"):
        store.record_source("r1", key, SourceStatus(org="o", kind="feed", url=key, status="ok"))
    store.record_source("r1", "a", SourceStatus(org="o", kind="feed", url="a", status="partial"))  # moves last
    assert [key for key, _s, _d in store.sources("r1")] == ["b", "c", "a"]
    for post_id, when in (("p3", "2026-03-02T00:00:00Z"), ("p2", None), ("p1", "2026-03-01T00:00:00Z")):
        store.upsert_post(Post(id=post_id, org="o", platform="x", text=post_id, published_at=when))
    assert [p.id for p in store.posts()] == ["p2", "p1", "p3"]  # undated first, as SQLite sorts NULL
    for org in ("é", "b", "Z", "a"):
        store.upsert_web_item(WebItem(id=f"web:{org}", org=org, source="page", url=None, text="t"))
    assert [w.org for w in store.web_items()] == ["Z", "a", "b", "é"]  # bytes, not a locale
    verdicts = [Verdict(post_id=p, org="o", verdict="match") for p in ("p9", "p1", "p5")]
    store.save_verdicts("r1", verdicts)
    assert [v.post_id for v in store.verdicts("r1")] == ["p9", "p1", "p5"]


def test_concurrent_writers_of_one_item_lose_no_sighting(store_target: str) -> None:
    """Eight workers store sightings of one item at the same moment: the merge keeps what each added.

    Without the row lock (PostgreSQL ``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``) two writers read the
    same old record and the later write drops the earlier one's field.
    """
    import threading

    writers = 8
    barrier = threading.Barrier(writers)
    results: list[str] = []
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with open_store(store_target) as mine:
                barrier.wait()
                item = WebItem(id="web:o:1", org="o", source="feed", url="https://x.se/a", text="t",
                               **{f"seen_by_{n}": True})
                results.append(mine.upsert_web_item(item))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(results).count("new") == 1 and len(results) == writers
    with open_store(store_target) as store:
        (item,) = store.web_items()
    assert {k for k in item.model_extra or {} if k.startswith("seen_by_")} == {f"seen_by_{n}" for n in range(writers)}


# -- one back end's own properties ------------------------------------------------------------

def test_sqlite_uses_wal(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.sqlite") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert isinstance(store.db, sqlite3.Connection)


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=str(path)):
        SqliteStore(path)


def test_a_database_that_cannot_be_reached_is_a_clear_error_without_the_password() -> None:
    from tests.support.procs import free_port

    url = f"postgresql://parity:s3cret@127.0.0.1:{free_port()}/nowhere"
    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value) and "parity:***@127.0.0.1" in str(caught.value)


def test_a_postgresql_restart_costs_a_reconnect_not_a_write(tmp_path: Path) -> None:
    """The server restarts (a crash) between two pages: the next write reconnects and lands, whole."""
    from parity.store.types import Outcome, Planned
    from tests.support.servers import postgres_server

    with postgres_server() as server, open_store(server.create_database("restarted")) as store:
        store.plan("k", "r1", [Planned(f"http://x/{n}", "page") for n in "ab"])
        store.save_fetched(web("A", "page"), "k", "http://x/a", "r1", Outcome(200))
        server.restart(kill=True)
        store.mark_doing("k", "http://x/b", "r1")
        item = web("B", "page").model_copy(update={"id": "web:o:2", "url": "https://x.se/b"})
        assert store.save_fetched(item, "k", "http://x/b", "r1", Outcome(200)) == "new"
        assert [w.text for w in store.web_items()] == ["A", "B"]
        assert {(r.url, r.state, r.attempts) for r in store.ledger_rows("k")} == {
            ("http://x/a", "done", 0), ("http://x/b", "done", 1)}  # the doing mark survived the retry
        server.restart(kill=True)
        assert len(store.web_items()) == 2  # a read outside a transaction reconnects too
        crashes = []
        original = store.mark_done

        def crash_once(*args: object, **kwargs: object) -> None:  # the server dies mid-transaction
            if not crashes:
                crashes.append(1)
                server.restart(kill=True)
            original(*args, **kwargs)  # type: ignore[arg-type]

        store.mark_done = crash_once  # type: ignore[method-assign]
        store.plan("k", "r1", [Planned("http://x/c", "page")])
        item = item.model_copy(update={"id": "web:o:3", "url": "https://x.se/c", "text": "C"})
        assert store.save_fetched(item, "k", "http://x/c", "r1", Outcome(200)) == "new"  # the whole transaction again
        assert crashes and [w.text for w in store.web_items()] == ["A", "B", "C"]
        assert store.ledger_row("k", "http://x/c").state == "done"  # type: ignore[union-attr]


def test_an_unknown_url_scheme_is_not_taken_for_a_file() -> None:
    with pytest.raises(StoreError, match="not a store"):
        open_store("mysql://host/db")


def test_two_sightings_with_the_same_text_merge_the_same_in_either_order() -> None:
    """Several workers store one page read through a feed and a sitemap in any order: one result."""
    from parity.store.merge import merge_web

    feed = {"id": "w", "source": "feed", "url": "http://x/a", "text": "T", "text_origin": "page", "title": "Rubrik",
            "published_at": "2026-03-02T10:00:00Z"}
    sitemap = {"id": "w", "source": "sitemap", "url": "http://x/a", "text": "T", "text_origin": "page",
               "published_at": "2026-03-01T10:00:00Z", "lang": "sv"}
    assert merge_web(feed, sitemap) == merge_web(sitemap, feed)
    assert merge_web(feed, sitemap)["source"] == "feed" and merge_web(feed, sitemap)["lang"] == "sv"
    assert merge_web(feed, sitemap)["published_at"] == "2026-03-01T10:00:00Z"
    linked_a = {"id": "d", "source": "document", "url": "http://x/a.pdf", "text": "D", "linked_from": "http://x/1"}
    linked_b = dict(linked_a, linked_from="http://x/2")  # one document linked from two pages
    assert merge_web(linked_a, linked_b) == merge_web(linked_b, linked_a)
    edited = dict(sitemap, text="T, edited")  # a newer page with other text still wins, as before
    assert merge_web(feed, edited)["text"] == "T, edited" and merge_web(edited, feed)["text"] == "T"
