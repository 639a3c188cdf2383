"""The SQLite store: one file per audit target, WAL mode, the only shared state.

The crawl process writes (one connection, through the item pipeline); the CLI
reads after the crawl ended. Every write is an idempotent upsert keyed by a
stable id, so a crawl killed half-way and run again never duplicates a record,
and ``first_seen_at`` survives every later run — it decides ``late``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.core.timeutil import format_time, parse_time
from parity.core.urls import canonical_url

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
    command TEXT, config TEXT, status TEXT NOT NULL DEFAULT 'running', exit_code INTEGER, summary TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    run_id TEXT NOT NULL, source_key TEXT NOT NULL, org TEXT NOT NULL, kind TEXT NOT NULL, url TEXT,
    status TEXT NOT NULL, items INTEGER NOT NULL DEFAULT 0, error TEXT, detail TEXT,
    PRIMARY KEY (run_id, source_key)
);
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY, org TEXT NOT NULL, platform TEXT NOT NULL, published_at TEXT,
    record TEXT NOT NULL, content_hash TEXT NOT NULL, source_key TEXT,
    first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, edited_at TEXT, deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS posts_org ON posts (org, published_at);
CREATE TABLE IF NOT EXISTS web_items (
    id TEXT PRIMARY KEY, org TEXT NOT NULL, source TEXT NOT NULL, url TEXT, canonical_url TEXT,
    published_at TEXT, record TEXT NOT NULL, content_hash TEXT NOT NULL, source_key TEXT,
    first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, removed_at TEXT
);
CREATE INDEX IF NOT EXISTS web_org ON web_items (org);
CREATE INDEX IF NOT EXISTS web_canonical ON web_items (canonical_url);
CREATE TABLE IF NOT EXISTS verdicts (
    run_id TEXT NOT NULL, post_id TEXT NOT NULL, org TEXT NOT NULL, verdict TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (run_id, post_id)
);
CREATE TABLE IF NOT EXISTS source_state (
    source_key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, status INTEGER, fetched_at TEXT NOT NULL,
    item_id TEXT, body_sha256 TEXT
);
"""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _hash_record(data: dict[str, Any], ignore: tuple[str, ...] = ()) -> str:
    payload = {k: v for k, v in data.items() if k not in ignore}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _edit_key(text: Any) -> str:
    """A post's text as a reader sees it: case and white space do not make an edit."""
    return " ".join(str(text or "").split()).casefold()


#: Fields that change without the content changing (counts, fetch bookkeeping).
_VOLATILE = ("first_seen_at", "last_seen_at", "collected_at", "replies_count", "reblogs_count",
             "favourites_count", "like_count", "repost_count", "reply_count")


class StoreError(RuntimeError):
    """The store file cannot be opened or is not ours; the message names the file."""


class SqliteStore:
    """Posts, web items, runs, source statuses, verdicts and per-source crawl state."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite store ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------
    def transaction(self) -> "_Tx":
        return _Tx(self.db)

    # -- runs ------------------------------------------------------------
    def begin_run(self, run_id: str, command: str, config: str | None = None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO runs (run_id, started_at, command, config, status) VALUES (?,?,?,?, 'running')",
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
        digest = _hash_record(data, _VOLATILE)
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
        text_changed = _edit_key(json.loads(row[1]).get("text")) != _edit_key(data.get("text"))
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
        out = []
        for record, first_seen, edited, deleted in self.db.execute(sql, args):
            data = json.loads(record)
            data["first_seen_at"] = first_seen
            if edited:
                data["edited_at"] = edited
            if deleted:
                data["deleted_at"] = deleted
            out.append(Post.model_validate(data))
        return out

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
            digest = _hash_record(data, _VOLATILE)
            self.db.execute(
                "INSERT INTO web_items (id, org, source, url, canonical_url, published_at, record, content_hash,"
                " source_key, first_seen_at, last_seen_at, removed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL)",
                (item.id, item.org, item.source, item.url, canonical_url(item.url), format_time(item.published_at),
                 json.dumps(data, ensure_ascii=False), digest, source_key, now, now),
            )
            return "new"
        old = json.loads(row[0])
        merged = _merge_web(old, data)
        digest = _hash_record(merged, _VOLATILE)
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
        out = []
        for record, first_seen, removed in self.db.execute(sql, args):
            data = json.loads(record)
            data["first_seen_at"] = first_seen
            if removed:
                data["removed_at"] = removed
            out.append(WebItem.model_validate(data))
        return out

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

    # -- conditional GET cache -------------------------------------------
    def http_validators(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT etag, last_modified, status, fetched_at, item_id, body_sha256 FROM http_cache WHERE url=?", (url,)
        ).fetchone()
        if row is None:
            return None
        keys = ("etag", "last_modified", "status", "fetched_at", "item_id", "body_sha256")
        return dict(zip(keys, row))

    def save_http_validators(self, url: str, etag: str | None, last_modified: str | None, status: int,
                             item_id: str | None = None, body_sha256: str | None = None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, status, fetched_at, item_id, body_sha256)"
            " VALUES (?,?,?,?,?,?,?)",
            (url, etag, last_modified, status, format_time(utcnow()), item_id, body_sha256),
        )

    # -- helpers ---------------------------------------------------------
    @staticmethod
    def _org_filter(orgs: Iterable[str] | None) -> tuple[list[str], list[Any]]:
        if orgs is None:
            return [], []
        org_list = list(orgs)
        return [f"org IN ({','.join('?' * len(org_list))})"], list(org_list)


def _merge_web(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine two sightings of one item.

    A fetched page (``text_origin == "page"``) is the authority on text: the
    newest page fetch wins even when shorter, because a page edited to drop a
    time must stop counting as carrying it. A feed/listing summary never
    overrides page text, only fills fields the page lacked.
    """
    old_is_page = old.get("text_origin") == "page"
    new_is_page = new.get("text_origin") == "page"
    base, other = (old, new) if (old_is_page and not new_is_page) else (new, old)
    merged = dict(other)
    merged.update({k: v for k, v in base.items() if v not in (None, "", [])})
    for key, value in other.items():
        if merged.get(key) in (None, "", []):
            merged[key] = value
    dates = [parse_time(d) for d in (old.get("published_at"), new.get("published_at")) if d]
    if dates:
        merged["published_at"] = format_time(min(d for d in dates if d is not None))
    return merged


class _Tx:
    """``with store.transaction():`` — BEGIN/COMMIT around a batch, ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
