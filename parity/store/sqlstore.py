"""The store's records on any SQL back end: runs, sources, posts, web items, verdicts, per-source state.

One body of SQL for SQLite and PostgreSQL (parity/store/dbapi.py says what the
two share); the back ends (parity/store/sqlite.py, parity/store/postgres.py)
only open a connection and bring the schema up to date. Every write is an
idempotent upsert keyed by a stable id, so a crawl killed half-way and run again
never duplicates a record, and ``first_seen_at`` survives every later run — it
decides ``late``.

Several crawl workers may write at once (distributed mode). The records that are
merged in Python (a post's edit, a web item's summary + page) are therefore read
and rewritten inside one transaction that holds the row: ``INSERT … ON CONFLICT
DO NOTHING`` first (a new row needs no merge), then ``SELECT … FOR UPDATE`` on
PostgreSQL (SQLite holds the write lock from ``BEGIN IMMEDIATE``). Read order
never depends on the back end: every query has a total ``ORDER BY``, NULLs
first as SQLite sorts them, text compared byte-wise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.core.timeutil import format_time, utcnow
from parity.core.urls import canonical_url
from parity.store.dbapi import Connection, retried
from parity.store.ledger import CrawlState
from parity.store.merge import content_hash, edit_key, merge_web
from parity.store.schema import Catalog
from parity.store.triage import TriageRecords


class StoreError(RuntimeError):
    """The store cannot be opened or is not ours; the message names it."""


class SqlStore(CrawlState, TriageRecords):
    """Posts, web items, runs, source statuses, verdicts, per-source state and the crawl ledger."""

    conn: Connection
    #: What the store is (a path or a URL without its password): for messages.
    target: str = ""

    def catalog(self) -> Catalog:
        raise NotImplementedError

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "SqlStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN/COMMIT around a batch, ROLLBACK on error; inside another transaction it joins that one.

        Pending ``doing`` marks of the ledger are written first (parity/store/ledger.py);
        if the transaction fails they are kept for the next one.
        """
        if self.tx_depth:
            yield
            return
        self.conn.begin()
        self.tx_depth = 1
        marks = list(self._doing)
        try:
            self._write_doing_marks()
            yield
        except BaseException:
            self.tx_depth = 0
            try:
                self.conn.rollback()
            except self.conn.error:  # the connection is gone: so is the transaction
                pass
            self._doing[:0] = marks
            raise
        self.tx_depth = 0
        self.conn.commit()

    # -- runs ------------------------------------------------------------
    def begin_run(self, run_id: str, command: str, config: str | None = None) -> None:
        """Register a run of ``command`` (the CLI's view; the crawl adds its own columns, see ledger.py)."""
        self.conn.execute(
            "INSERT INTO runs (run_id, started_at, command, config, status) VALUES (?,?,?,?, 'running')"
            " ON CONFLICT (run_id) DO UPDATE SET started_at=excluded.started_at, command=excluded.command,"
            " config=excluded.config, status='running', finished_at=NULL, exit_code=NULL, summary=NULL",
            (run_id, format_time(utcnow()), command, config),
        )

    def finish_run(self, run_id: str, status: str, exit_code: int, summary: dict[str, Any] | None = None) -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at=?, status=?, exit_code=?, summary=? WHERE run_id=?",
            (format_time(utcnow()), status, exit_code, json.dumps(summary) if summary is not None else None, run_id),
        )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT run_id, started_at, finished_at, command, status, exit_code, summary FROM runs"
            " ORDER BY started_at, run_id").fetchall()
        keys = ("run_id", "started_at", "finished_at", "command", "status", "exit_code", "summary")
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            item["summary"] = json.loads(item["summary"]) if item["summary"] else None
            out.append(item)
        return out

    # -- sources ---------------------------------------------------------
    def record_source(self, run_id: str, source_key: str, status: SourceStatus, detail: dict[str, Any] | None = None) -> None:
        """The source's line for this run; recording it again replaces it and moves it to the end."""
        self.conn.execute(
            "INSERT INTO sources (run_id, source_key, org, kind, url, status, items, error, detail, seq)"
            " VALUES (?,?,?,?,?,?,?,?,?, COALESCE((SELECT MAX(seq) FROM sources), 0) + 1)"
            " ON CONFLICT (run_id, source_key) DO UPDATE SET org=excluded.org, kind=excluded.kind,"
            " url=excluded.url, status=excluded.status, items=excluded.items, error=excluded.error,"
            " detail=excluded.detail, seq=excluded.seq",
            (run_id, source_key, status.org, status.kind, status.url, status.status, status.items, status.error,
             json.dumps(detail, ensure_ascii=False) if detail else None),
        )

    def sources(self, run_id: str) -> list[tuple[str, SourceStatus, dict[str, Any]]]:
        rows = self.conn.execute(
            "SELECT source_key, org, kind, url, status, items, error, detail FROM sources WHERE run_id=?"
            " ORDER BY seq, source_key", (run_id,)).fetchall()
        return [
            (key, SourceStatus(org=org, kind=kind, url=url, status=status, items=items, error=error),
             json.loads(detail) if detail else {})
            for key, org, kind, url, status, items, error, detail in rows
        ]

    # -- posts -----------------------------------------------------------
    @retried
    def upsert_post(self, post: Post, source_key: str | None = None, seen_at: dt.datetime | None = None) -> str:
        """Insert or update; returns 'new', 'changed' or 'same' (edits are kept as edited_at)."""
        now = format_time(seen_at or utcnow())
        data = post.to_json_dict()
        digest = content_hash(data)
        record = json.dumps(data, ensure_ascii=False)
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO posts (id, org, platform, published_at, record, content_hash, source_key,"
                " first_seen_at, last_seen_at, edited_at, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,NULL)"
                " ON CONFLICT (id) DO NOTHING",
                (post.id, post.org, post.platform, format_time(post.published_at), record, digest, source_key,
                 now, now, data.get("edited_at")))
            if cur.rowcount == 1:
                return "new"
            row = self.conn.execute("SELECT content_hash, record FROM posts WHERE id=?" + self.conn.for_update,
                                    (post.id,)).fetchone()
            if row[0] == digest:
                self.conn.execute("UPDATE posts SET last_seen_at=?, deleted_at=NULL WHERE id=?", (now, post.id))
                return "same"
            # Only a changed text is an edit we infer ourselves: the same post read through the
            # Mastodon API one night and its RSS fallback the next differs in media and metadata.
            text_changed = edit_key(json.loads(row[1]).get("text")) != edit_key(data.get("text"))
            self.conn.execute(
                "UPDATE posts SET record=?, content_hash=?, published_at=?, last_seen_at=?, deleted_at=NULL,"
                " edited_at=COALESCE(?, ?, edited_at) WHERE id=?",
                (record, digest, format_time(post.published_at), now, data.get("edited_at"),
                 now if text_changed else None, post.id),
            )
            return "changed"

    def mark_post_deleted(self, post_id: str, when: dt.datetime | None = None) -> None:
        self.conn.execute("UPDATE posts SET deleted_at=COALESCE(deleted_at, ?) WHERE id=?",
                          (format_time(when or utcnow()), post_id))

    def posts(self, orgs: Iterable[str] | None = None, since: dt.datetime | None = None,
              include_deleted: bool = True) -> list[Post]:
        """Posts with store bookkeeping attached as extra fields (first_seen_at, deleted_at)."""
        sql = "SELECT record, first_seen_at, edited_at, deleted_at FROM posts"
        where, args = _org_filter(orgs)
        if since is not None:
            where.append("(published_at IS NULL OR published_at >= ?)")
            args.append(format_time(since))
        if not include_deleted:
            where.append("deleted_at IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY org, published_at NULLS FIRST, id"
        return [Post.model_validate(_with_bookkeeping(record, first_seen_at=first_seen, edited_at=edited,
                                                      deleted_at=deleted))
                for record, first_seen, edited, deleted in self.conn.execute(sql, args).fetchall()]

    def post_ids(self, source_key: str) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM posts WHERE source_key=?", (source_key,))}

    # -- web items -------------------------------------------------------
    @retried
    def upsert_web_item(self, item: WebItem, source_key: str | None = None, seen_at: dt.datetime | None = None) -> str:
        """Insert or merge; a richer record (more text) wins, empty fields are filled from the other.

        The same page often arrives twice (feed summary, then the article page):
        merging keeps one record with the full text and the earliest known date.
        """
        now = format_time(seen_at or utcnow())
        data = item.to_json_dict()
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO web_items (id, org, source, url, canonical_url, published_at, record, content_hash,"
                " source_key, first_seen_at, last_seen_at, removed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL)"
                " ON CONFLICT (id) DO NOTHING",
                (item.id, item.org, item.source, item.url, canonical_url(item.url), format_time(item.published_at),
                 json.dumps(data, ensure_ascii=False), content_hash(data), source_key, now, now))
            if cur.rowcount == 1:
                return "new"
            row = self.conn.execute("SELECT record, content_hash FROM web_items WHERE id=?" + self.conn.for_update,
                                    (item.id,)).fetchone()
            merged = merge_web(json.loads(row[0]), data)
            digest = content_hash(merged)
            self.conn.execute(
                "UPDATE web_items SET record=?, content_hash=?, source=?, url=?, canonical_url=?, published_at=?,"
                " last_seen_at=?, removed_at=NULL WHERE id=?",
                (json.dumps(merged, ensure_ascii=False), digest, merged["source"], merged.get("url"),
                 canonical_url(merged.get("url")), merged.get("published_at"), now, item.id),
            )
            return "same" if digest == row[1] else "changed"

    def touch_web_item(self, item_id: str, seen_at: dt.datetime | None = None) -> bool:
        """Mark an unchanged item (HTTP 304) as still present; False if we never stored it."""
        cur = self.conn.execute("UPDATE web_items SET last_seen_at=?, removed_at=NULL WHERE id=?",
                                (format_time(seen_at or utcnow()), item_id))
        return cur.rowcount > 0

    def mark_web_removed(self, item_id: str, when: dt.datetime | None = None) -> None:
        self.conn.execute("UPDATE web_items SET removed_at=COALESCE(removed_at, ?) WHERE id=?",
                          (format_time(when or utcnow()), item_id))

    def web_items(self, orgs: Iterable[str] | None = None, include_removed: bool = False) -> list[WebItem]:
        sql = "SELECT record, first_seen_at, removed_at FROM web_items"
        where, args = _org_filter(orgs)
        if not include_removed:
            where.append("removed_at IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY org, id"
        return [WebItem.model_validate(_with_bookkeeping(record, first_seen_at=first_seen, removed_at=removed))
                for record, first_seen, removed in self.conn.execute(sql, args).fetchall()]

    def web_item_ids(self, source_key: str) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM web_items WHERE source_key=?", (source_key,))}

    # -- verdicts --------------------------------------------------------
    @retried
    def save_verdicts(self, run_id: str, verdicts: Iterable[Verdict]) -> None:
        """A run's verdicts, replacing what the run had; read back in this order."""
        rows = [(run_id, v.post_id, v.org, v.verdict, json.dumps(v.to_json_dict(), ensure_ascii=False), seq)
                for seq, v in enumerate(verdicts, 1)]
        with self.transaction():
            self.conn.execute("DELETE FROM verdicts WHERE run_id=?", (run_id,))
            self.conn.executemany(
                "INSERT INTO verdicts (run_id, post_id, org, verdict, record, seq) VALUES (?,?,?,?,?,?)", rows)

    def verdicts(self, run_id: str) -> list[Verdict]:
        return [Verdict.model_validate(json.loads(r[0])) for r in self.conn.execute(
            "SELECT record FROM verdicts WHERE run_id=? ORDER BY seq, post_id", (run_id,)).fetchall()]

    def verdict_history(self) -> Iterator[tuple[str, str, str, str]]:
        """(run_id, org, post_id, verdict) for every run, oldest first: the nightly history."""
        yield from (tuple(row) for row in self.conn.execute(
            "SELECT v.run_id, v.org, v.post_id, v.verdict FROM verdicts v JOIN runs r ON r.run_id = v.run_id"
            " ORDER BY r.started_at, v.run_id, v.seq, v.post_id").fetchall())

    # -- per-source state (cursors, ledgers) -------------------------------
    def get_state(self, source_key: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT state FROM source_state WHERE source_key=?", (source_key,)).fetchone()
        return json.loads(row[0]) if row else {}

    def set_state(self, source_key: str, state: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO source_state (source_key, state, updated_at) VALUES (?,?,?)"
            " ON CONFLICT (source_key) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at",
            (source_key, json.dumps(state, ensure_ascii=False, sort_keys=True), format_time(utcnow())),
        )


def _org_filter(orgs: Iterable[str] | None) -> tuple[list[str], list[Any]]:
    if orgs is None:
        return [], []
    org_list = list(orgs)
    if not org_list:
        return ["1=0"], []
    return [f"org IN ({','.join('?' * len(org_list))})"], list(org_list)


def _with_bookkeeping(record: str, first_seen_at: str, **dates: str | None) -> dict[str, Any]:
    """A stored record with the store's own dates attached as extra fields (the empty ones left out)."""
    data = json.loads(record)
    data["first_seen_at"] = first_seen_at
    data.update({key: value for key, value in dates.items() if value})
    return data
