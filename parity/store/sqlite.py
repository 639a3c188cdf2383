"""The SQLite store: one file per audit target, WAL mode, the only shared state.

The crawl process writes (one connection, through the item pipeline); the CLI
reads after the crawl ended. Every write is an idempotent upsert keyed by a
stable id, so a crawl killed half-way and run again never duplicates a record,
and ``first_seen_at`` survives every later run — it decides ``late``.

Tables come from parity/store/schema.py (created or migrated when the file is
opened); the crawl ledger's SQL is in parity/store/ledger.py, mixed in here so
that an item and its ledger row share one connection and one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.core.timeutil import format_time, utcnow
from parity.core.urls import canonical_url
from parity.store.ledger import SqliteCrawlState
from parity.store.lock import FileRunLock
from parity.store.merge import content_hash, edit_key, merge_web
from parity.store.schema import SCHEMA_VERSION, SchemaTooNew, stored_version, upgrade
from parity.store.sqlite_catalog import SqliteCatalog
from parity.store.triage import SqliteTriage


class StoreError(RuntimeError):
    """The store file cannot be opened or is not ours; the message names the file."""


class SqliteStore(SqliteCrawlState, SqliteTriage):
    """Posts, web items, runs, source statuses, verdicts, per-source state and the crawl ledger."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            catalog = SqliteCatalog(self.db)
            # An up-to-date file only gets missing tables (no write lock); an older one is migrated under one.
            self.db.execute("BEGIN" if stored_version(catalog) == SCHEMA_VERSION else "BEGIN IMMEDIATE")
            try:
                upgrade(catalog)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite store ({exc})") from None
        except SchemaTooNew as exc:
            raise StoreError(f"{self.path}: made by a newer reach-parity ({exc})") from None
        super().__init__()

    def close(self) -> None:
        self.db.close()

    def lock_run(self, run_id: str) -> FileRunLock:
        """Take the store's exclusive run lock for ``run_id`` (parity/store/lock.py); StoreBusy if taken."""
        return FileRunLock(self.path, run_id)

    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN/COMMIT around a batch, ROLLBACK on error; inside another transaction it joins that one.

        Pending ``doing`` marks of the ledger are written first (parity/store/ledger.py).
        """
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            self._write_doing_marks()
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- runs ------------------------------------------------------------
    def begin_run(self, run_id: str, command: str, config: str | None = None) -> None:
        """Register a run of ``command`` (the CLI's view; the crawl adds its own columns, see ledger.py)."""
        self.db.execute(
            "INSERT INTO runs (run_id, started_at, command, config, status) VALUES (?,?,?,?, 'running')"
            " ON CONFLICT (run_id) DO UPDATE SET started_at=excluded.started_at, command=excluded.command,"
            " config=excluded.config, status='running', finished_at=NULL, exit_code=NULL, summary=NULL",
            (run_id, format_time(utcnow()), command, config),
        )

    def finish_run(self, run_id: str, status: str, exit_code: int, summary: dict[str, Any] | None = None) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at=?, status=?, exit_code=?, summary=? WHERE run_id=?",
            (format_time(utcnow()), status, exit_code, json.dumps(summary) if summary is not None else None, run_id),
        )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT run_id, started_at, finished_at, command, status, exit_code, summary FROM runs ORDER BY started_at"
        ).fetchall()
        keys = ("run_id", "started_at", "finished_at", "command", "status", "exit_code", "summary")
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            item["summary"] = json.loads(item["summary"]) if item["summary"] else None
            out.append(item)
        return out

    # -- sources ---------------------------------------------------------
    def record_source(self, run_id: str, source_key: str, status: SourceStatus, detail: dict[str, Any] | None = None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources (run_id, source_key, org, kind, url, status, items, error, detail)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (run_id, source_key, status.org, status.kind, status.url, status.status, status.items, status.error,
             json.dumps(detail, ensure_ascii=False) if detail else None),
        )

    def sources(self, run_id: str) -> list[tuple[str, SourceStatus, dict[str, Any]]]:
        rows = self.db.execute(
            "SELECT source_key, org, kind, url, status, items, error, detail FROM sources WHERE run_id=? ORDER BY rowid",
            (run_id,),
        ).fetchall()
        return [
            (key, SourceStatus(org=org, kind=kind, url=url, status=status, items=items, error=error),
             json.loads(detail) if detail else {})
            for key, org, kind, url, status, items, error, detail in rows
        ]

    # -- posts -----------------------------------------------------------
    def upsert_post(self, post: Post, source_key: str | None = None, seen_at: dt.datetime | None = None) -> str:
        """Insert or update; returns 'new', 'changed' or 'same' (edits are kept as edited_at)."""
        now = format_time(seen_at or utcnow())
        data = post.to_json_dict()
        digest = content_hash(data)
        row = self.db.execute("SELECT content_hash, record FROM posts WHERE id=?", (post.id,)).fetchone()
        if row is None:
            self.db.execute(
                "INSERT INTO posts (id, org, platform, published_at, record, content_hash, source_key,"
                " first_seen_at, last_seen_at, edited_at, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,NULL)",
                (post.id, post.org, post.platform, format_time(post.published_at), json.dumps(data, ensure_ascii=False),
                 digest, source_key, now, now, data.get("edited_at")),
            )
            return "new"
        if row[0] == digest:
            self.db.execute("UPDATE posts SET last_seen_at=?, deleted_at=NULL WHERE id=?", (now, post.id))
            return "same"
        # Only a changed text is an edit we infer ourselves: the same post read through the
        # Mastodon API one night and its RSS fallback the next differs in media and metadata.
        text_changed = edit_key(json.loads(row[1]).get("text")) != edit_key(data.get("text"))
        self.db.execute(
            "UPDATE posts SET record=?, content_hash=?, published_at=?, last_seen_at=?, deleted_at=NULL,"
            " edited_at=COALESCE(?, ?, edited_at) WHERE id=?",
            (json.dumps(data, ensure_ascii=False), digest, format_time(post.published_at), now,
             data.get("edited_at"), now if text_changed else None, post.id),
        )
        return "changed"

    def mark_post_deleted(self, post_id: str, when: dt.datetime | None = None) -> None:
        self.db.execute("UPDATE posts SET deleted_at=COALESCE(deleted_at, ?) WHERE id=?",
                        (format_time(when or utcnow()), post_id))

    def posts(self, orgs: Iterable[str] | None = None, since: dt.datetime | None = None,
              include_deleted: bool = True) -> list[Post]:
        """Posts with store bookkeeping attached as extra fields (first_seen_at, deleted_at)."""
        sql = "SELECT record, first_seen_at, edited_at, deleted_at FROM posts"
        where, args = self._org_filter(orgs)
        if since is not None:
            where.append("(published_at IS NULL OR published_at >= ?)")
            args.append(format_time(since))
        if not include_deleted:
            where.append("deleted_at IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY org, published_at, id"
        return [Post.model_validate(_with_bookkeeping(record, first_seen_at=first_seen, edited_at=edited,
                                                      deleted_at=deleted))
                for record, first_seen, edited, deleted in self.db.execute(sql, args)]

    def post_ids(self, source_key: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM posts WHERE source_key=?", (source_key,))}

    # -- web items -------------------------------------------------------
    def upsert_web_item(self, item: WebItem, source_key: str | None = None, seen_at: dt.datetime | None = None) -> str:
        """Insert or merge; a richer record (more text) wins, empty fields are filled from the other.

        The same page often arrives twice (feed summary, then the article page):
        merging keeps one record with the full text and the earliest known date.
        """
        now = format_time(seen_at or utcnow())
        data = item.to_json_dict()
        row = self.db.execute("SELECT record, content_hash FROM web_items WHERE id=?", (item.id,)).fetchone()
        if row is None:
            digest = content_hash(data)
            self.db.execute(
                "INSERT INTO web_items (id, org, source, url, canonical_url, published_at, record, content_hash,"
                " source_key, first_seen_at, last_seen_at, removed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL)",
                (item.id, item.org, item.source, item.url, canonical_url(item.url), format_time(item.published_at),
                 json.dumps(data, ensure_ascii=False), digest, source_key, now, now),
            )
            return "new"
        old = json.loads(row[0])
        merged = merge_web(old, data)
        digest = content_hash(merged)
        self.db.execute(
            "UPDATE web_items SET record=?, content_hash=?, source=?, url=?, canonical_url=?, published_at=?,"
            " last_seen_at=?, removed_at=NULL WHERE id=?",
            (json.dumps(merged, ensure_ascii=False), digest, merged["source"], merged.get("url"),
             canonical_url(merged.get("url")), merged.get("published_at"), now, item.id),
        )
        return "same" if digest == row[1] else "changed"

    def touch_web_item(self, item_id: str, seen_at: dt.datetime | None = None) -> bool:
        """Mark an unchanged item (HTTP 304) as still present; False if we never stored it."""
        cur = self.db.execute("UPDATE web_items SET last_seen_at=?, removed_at=NULL WHERE id=?",
                              (format_time(seen_at or utcnow()), item_id))
        return cur.rowcount > 0

    def mark_web_removed(self, item_id: str, when: dt.datetime | None = None) -> None:
        self.db.execute("UPDATE web_items SET removed_at=COALESCE(removed_at, ?) WHERE id=?",
                        (format_time(when or utcnow()), item_id))

    def web_items(self, orgs: Iterable[str] | None = None, include_removed: bool = False) -> list[WebItem]:
        sql = "SELECT record, first_seen_at, removed_at FROM web_items"
        where, args = self._org_filter(orgs)
        if not include_removed:
            where.append("removed_at IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY org, id"
        return [WebItem.model_validate(_with_bookkeeping(record, first_seen_at=first_seen, removed_at=removed))
                for record, first_seen, removed in self.db.execute(sql, args)]

    def web_item_ids(self, source_key: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM web_items WHERE source_key=?", (source_key,))}

    # -- verdicts --------------------------------------------------------
    def save_verdicts(self, run_id: str, verdicts: Iterable[Verdict]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM verdicts WHERE run_id=?", (run_id,))
            self.db.executemany(
                "INSERT INTO verdicts (run_id, post_id, org, verdict, record) VALUES (?,?,?,?,?)",
                [(run_id, v.post_id, v.org, v.verdict, json.dumps(v.to_json_dict(), ensure_ascii=False))
                 for v in verdicts],
            )

    def verdicts(self, run_id: str) -> list[Verdict]:
        return [Verdict.model_validate(json.loads(r[0]))
                for r in self.db.execute("SELECT record FROM verdicts WHERE run_id=? ORDER BY rowid", (run_id,))]

    def verdict_history(self) -> Iterator[tuple[str, str, str, str]]:
        """(run_id, org, post_id, verdict) for every run, oldest first: the nightly history."""
        yield from self.db.execute(
            "SELECT v.run_id, v.org, v.post_id, v.verdict FROM verdicts v JOIN runs r USING (run_id)"
            " ORDER BY r.started_at, v.rowid"
        )

    # -- per-source state (cursors, ledgers) -------------------------------
    def get_state(self, source_key: str) -> dict[str, Any]:
        row = self.db.execute("SELECT state FROM source_state WHERE source_key=?", (source_key,)).fetchone()
        return json.loads(row[0]) if row else {}

    def set_state(self, source_key: str, state: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO source_state (source_key, state, updated_at) VALUES (?,?,?)",
            (source_key, json.dumps(state, ensure_ascii=False, sort_keys=True), format_time(utcnow())),
        )

    # -- helpers ---------------------------------------------------------
    @staticmethod
    def _org_filter(orgs: Iterable[str] | None) -> tuple[list[str], list[Any]]:
        if orgs is None:
            return [], []
        org_list = list(orgs)
        return [f"org IN ({','.join('?' * len(org_list))})"], list(org_list)


def _with_bookkeeping(record: str, first_seen_at: str, **dates: str | None) -> dict[str, Any]:
    """A stored record with the store's own dates attached as extra fields (the empty ones left out)."""
    data = json.loads(record)
    data["first_seen_at"] = first_seen_at
    data.update({key: value for key, value in dates.items() if value})
    return data
