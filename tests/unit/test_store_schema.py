"""The schema: one definition for both back ends, versioned migrations, older SQLite files upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parity.store import SqliteStore, StoreError, open_store
from parity.store.schema import SCHEMA_VERSION, TABLE, TABLES, create_sql
from tests.support.stores import postgres_db, postgres_srv, sql, store_target  # noqa: F401  (fixtures)

#: The layout version 1 wrote (parity/store/sqlite.py and, lazily, crawler/ledger.py at 25dda24).
V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, command TEXT, config TEXT,
    status TEXT NOT NULL DEFAULT 'running', exit_code INTEGER, summary TEXT);
CREATE TABLE sources (run_id TEXT NOT NULL, source_key TEXT NOT NULL, org TEXT NOT NULL, kind TEXT NOT NULL, url TEXT,
    status TEXT NOT NULL, items INTEGER NOT NULL DEFAULT 0, error TEXT, detail TEXT, PRIMARY KEY (run_id, source_key));
CREATE TABLE posts (id TEXT PRIMARY KEY, org TEXT NOT NULL, platform TEXT NOT NULL, published_at TEXT,
    record TEXT NOT NULL, content_hash TEXT NOT NULL, source_key TEXT, first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL, edited_at TEXT, deleted_at TEXT);
CREATE INDEX posts_org ON posts (org, published_at);
CREATE TABLE web_items (id TEXT PRIMARY KEY, org TEXT NOT NULL, source TEXT NOT NULL, url TEXT, canonical_url TEXT,
    published_at TEXT, record TEXT NOT NULL, content_hash TEXT NOT NULL, source_key TEXT,
    first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, removed_at TEXT);
CREATE TABLE verdicts (run_id TEXT NOT NULL, post_id TEXT NOT NULL, org TEXT NOT NULL, verdict TEXT NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (run_id, post_id));
CREATE TABLE source_state (source_key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, status INTEGER,
    fetched_at TEXT NOT NULL, item_id TEXT, body_sha256 TEXT);
CREATE TABLE crawl_ledger (source_key TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT,
    state TEXT NOT NULL, run_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
    etag TEXT, last_modified TEXT, sitemap_lastmod TEXT, item_id TEXT, body_sha256 TEXT, context TEXT,
    first_seen_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT, PRIMARY KEY (source_key, url));
CREATE TABLE crawl_runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    resumed_from TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO runs VALUES ('r1', '2026-03-09T02:00:00Z', '2026-03-09T02:10:00Z', 'audit', 'c.toml', 'finished', 0, '{}');
INSERT INTO runs VALUES ('r2', '2026-03-10T02:00:00Z', NULL, 'audit', 'c.toml', 'interrupted', 130, NULL);
INSERT INTO crawl_runs VALUES ('r1', '2026-03-09T02:00:01Z', '2026-03-09T02:09:00Z', 'finished', NULL);
INSERT INTO crawl_runs VALUES ('r2', '2026-03-10T02:00:01Z', NULL, 'running', NULL);
INSERT INTO crawl_runs VALUES ('solo', '2026-03-08T02:00:00Z', '2026-03-08T02:05:00Z', 'finished', NULL);
INSERT INTO crawl_ledger VALUES ('k', 'http://x/a', 'page', 'http://x/rss', 'done', 'r2', 1, 200, '"e"', NULL, NULL,
    'web:o:a', 'h', '{"cb": "article"}', '2026-03-09T02:00:02Z', '2026-03-10T02:00:02Z', NULL);
INSERT INTO web_items VALUES ('web:o:a', 'o', 'feed', 'http://x/a', 'http://x/a', NULL,
    '{"id": "web:o:a", "org": "o", "source": "feed", "url": "http://x/a", "text": "t"}', 'h', 'k',
    '2026-03-09T02:00:02Z', '2026-03-10T02:00:02Z', NULL);
INSERT INTO http_cache VALUES ('http://x/a', '"e"', NULL, 200, '2026-03-09T02:00:02Z', NULL, NULL);
"""


def v1_store(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(V1_DDL)
    db.commit()
    db.close()
    return path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_new_store_has_every_table_of_the_definition(store_target: str) -> None:
    with open_store(store_target) as store:
        assert sql(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        catalog = store.catalog()
        for table in TABLES:
            assert catalog.columns(table.name) == table.column_names, table.name
    with open_store(store_target) as store:  # opening again changes nothing
        assert sql(store, "SELECT count(*) FROM meta") == [(1,)]


def test_a_version_1_store_is_upgraded_without_losing_anything(tmp_path: Path) -> None:
    path = v1_store(tmp_path / "old.sqlite")
    with SqliteStore(path) as store:
        assert [w.id for w in store.web_items()] == ["web:o:a"]
        row = store.ledger_row("k", "http://x/a")
        assert row is not None and row.etag == '"e"' and row.item_id == "web:o:a"
        runs = {r: store.crawl_run(r) for r in ("r1", "r2", "solo")}
        assert {r: (c.status, c.crawl_status) for r, c in runs.items() if c} == {
            "r1": ("finished", "finished"), "r2": ("interrupted", "running"), "solo": ("finished", "finished")}
        assert [r["run_id"] for r in store.runs()] == ["solo", "r1", "r2"]
        assert store.db.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
    assert tables(path) == {t.name for t in TABLES}  # crawl_runs folded into runs, http_cache dropped
    with SqliteStore(path) as store:  # opening again changes nothing
        assert len(store.runs()) == 3


def test_an_upgraded_store_resumes_the_run_the_old_version_left_interrupted(tmp_path: Path) -> None:
    import datetime as dt

    from crawler.ledger import begin_run

    path = v1_store(tmp_path / "old.sqlite")
    with SqliteStore(path) as store:
        now = dt.datetime(2026, 3, 10, 3, tzinfo=dt.timezone.utc)
        assert begin_run(store, "r3", now=now) == "r2"
        assert [r.url for r in store.ledger_rows() if r.run_id == "r3"] == ["http://x/a"]


def test_a_store_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with SqliteStore(path) as store:
        store.db.execute("UPDATE meta SET value = '99'")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)
    assert path.read_bytes() == before


def test_one_definition_renders_for_both_back_ends() -> None:
    sqlite = create_sql(TABLE["crawl_ledger"], "sqlite")
    postgresql = create_sql(TABLE["crawl_ledger"], "postgresql")
    assert sqlite[0].startswith("CREATE TABLE IF NOT EXISTS crawl_ledger (source_key TEXT NOT NULL")
    assert "attempts INTEGER NOT NULL DEFAULT 0" in sqlite[0]
    assert "attempts BIGINT NOT NULL DEFAULT 0" in postgresql[0]
    assert "url TEXT NOT NULL" in sqlite[0] and 'url TEXT COLLATE "C" NOT NULL' in postgresql[0]
    assert sqlite[1:] == postgresql[1:] == [
        "CREATE INDEX IF NOT EXISTS crawl_ledger_run ON crawl_ledger (run_id, state)",
        "CREATE INDEX IF NOT EXISTS crawl_ledger_parent ON crawl_ledger (source_key, parent)",
        "CREATE INDEX IF NOT EXISTS crawl_ledger_seq ON crawl_ledger (seq)"]


def test_the_sqlite_store_implements_the_whole_interface() -> None:
    """What a second back end must provide, checked against the first: every method, same parameters."""
    import inspect

    from parity.store import CrawlStateStore, PostgresStore, RecordStore, SqliteStore

    for protocol in (RecordStore, CrawlStateStore):
        names = [n for n, v in vars(protocol).items() if inspect.isfunction(v) and not n.startswith("_")]
        assert len(names) > 15
        for name in names:
            wanted = list(inspect.signature(getattr(protocol, name)).parameters)
            for back_end in (SqliteStore, PostgresStore):
                assert list(inspect.signature(getattr(back_end, name)).parameters) == wanted, name


def test_a_version_2_store_keeps_its_read_order_through_the_seq_migration(tmp_path: Path) -> None:
    """Version 3 makes SQLite's implicit rowid order an explicit column; old rows keep their order."""
    path = tmp_path / "v2.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V2_DDL)
    db.commit()
    db.close()
    with SqliteStore(path) as store:
        assert [key for key, _s, _d in store.sources("r1")] == ["z", "a"]
        assert [v.post_id for v in store.verdicts("r1")] == ["p2", "p1"]
        assert [r.url for r in store.ledger_rows("k")] == ["http://x/b", "http://x/a"]
        store.record_source("r1", "z", store.sources("r1")[0][1])  # recorded again: moves to the end
        assert [key for key, _s, _d in store.sources("r1")] == ["a", "z"]
        assert store.db.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)


def test_a_database_from_a_newer_version_is_refused(store_target: str) -> None:
    with open_store(store_target) as store:
        sql(store, "UPDATE meta SET value = '99'")
    with pytest.raises(StoreError, match="newer"):
        open_store(store_target)


def test_workers_opening_a_new_postgres_database_at_once_create_it_once(postgres_db: str) -> None:
    """The migration runs under an advisory lock: the second opener waits, then finds the tables."""
    import threading

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            open_store(postgres_db).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_store(postgres_db) as store:
        assert sql(store, "SELECT key, value FROM meta") == [("schema_version", str(SCHEMA_VERSION))]


#: Version 2 (before ``seq``): insertion order only in rowid, deliberately not the key order.
V2_DDL = """
CREATE TABLE meta (key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key));
CREATE TABLE runs (run_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, command TEXT, config TEXT,
    status TEXT NOT NULL DEFAULT 'running', exit_code INTEGER, summary TEXT, crawl_status TEXT, resumed_from TEXT,
    PRIMARY KEY (run_id));
CREATE TABLE sources (run_id TEXT NOT NULL, source_key TEXT NOT NULL, org TEXT NOT NULL, kind TEXT NOT NULL, url TEXT,
    status TEXT NOT NULL, items INTEGER NOT NULL DEFAULT 0, error TEXT, detail TEXT, PRIMARY KEY (run_id, source_key));
CREATE TABLE verdicts (run_id TEXT NOT NULL, post_id TEXT NOT NULL, org TEXT NOT NULL, verdict TEXT NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (run_id, post_id));
CREATE TABLE crawl_ledger (source_key TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT,
    state TEXT NOT NULL, run_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
    etag TEXT, last_modified TEXT, sitemap_lastmod TEXT, item_id TEXT, body_sha256 TEXT, context TEXT,
    first_seen_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT, PRIMARY KEY (source_key, url));
INSERT INTO meta VALUES ('schema_version', '2');
INSERT INTO runs (run_id, started_at) VALUES ('r1', '2026-03-09T02:00:00Z');
INSERT INTO sources (run_id, source_key, org, kind, status) VALUES ('r1', 'z', 'o', 'feed', 'ok');
INSERT INTO sources (run_id, source_key, org, kind, status) VALUES ('r1', 'a', 'o', 'feed', 'ok');
INSERT INTO verdicts VALUES ('r1', 'p2', 'o', 'match', '{"post_id": "p2", "org": "o", "verdict": "match"}');
INSERT INTO verdicts VALUES ('r1', 'p1', 'o', 'match', '{"post_id": "p1", "org": "o", "verdict": "match"}');
INSERT INTO crawl_ledger (source_key, url, kind, state, run_id, first_seen_at, updated_at)
    VALUES ('k', 'http://x/b', 'page', 'done', 'r1', '2026-03-09T02:00:00Z', '2026-03-09T02:00:00Z');
INSERT INTO crawl_ledger (source_key, url, kind, state, run_id, first_seen_at, updated_at)
    VALUES ('k', 'http://x/a', 'page', 'done', 'r1', '2026-03-09T02:00:00Z', '2026-03-09T02:00:00Z');
"""
