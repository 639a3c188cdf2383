"""The schema: one definition, versioned migrations, and a store file of the previous version upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parity.store import SqliteStore, StoreError
from parity.store.schema import SCHEMA_VERSION, TABLE, TABLES, create_sql

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


def test_a_new_store_has_every_table_of_the_definition(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.sqlite") as store:
        assert store.db.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
    assert tables(tmp_path / "s.sqlite") == {t.name for t in TABLES}
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        for table in TABLES:
            assert {r[1] for r in db.execute(f"PRAGMA table_info({table.name})")} == table.column_names


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
    assert sqlite[1:] == postgresql[1:] == [
        "CREATE INDEX IF NOT EXISTS crawl_ledger_run ON crawl_ledger (run_id, state)",
        "CREATE INDEX IF NOT EXISTS crawl_ledger_parent ON crawl_ledger (source_key, parent)"]


def test_the_sqlite_store_implements_the_whole_interface() -> None:
    """What a second back end must provide, checked against the first: every method, same parameters."""
    import inspect

    from parity.store import CrawlStateStore, RecordStore, SqliteStore

    for protocol in (RecordStore, CrawlStateStore):
        names = [n for n, v in vars(protocol).items() if inspect.isfunction(v) and not n.startswith("_")]
        assert len(names) > 15
        for name in names:
            wanted = list(inspect.signature(getattr(protocol, name)).parameters)
            assert list(inspect.signature(getattr(SqliteStore, name)).parameters) == wanted, name
