"""The crawl ledger: one row per (source, URL), for incremental crawls and crash resume.

See docs/ledger.md for the full description. In short: a spider writes
``todo`` when it decides to request a URL, the conditional-GET middleware
writes ``doing`` when the request goes out (and adds If-None-Match /
If-Modified-Since from the row), and the outcome is ``done`` or ``failed``.
For pages and documents ``done`` is written by the item pipeline in the same
SQLite transaction as the item upsert (spiders yield :class:`Fetched`), so a
kill between fetch and store never loses an item. A rerun after an interrupted
run adopts that run's rows and does not fetch what it already stored.

Pure SQLite on the store's connection: no Scrapy here, so it is unit-tested
without a reactor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from parity.core.records import WebItem
from parity.core.timeutil import format_time

log = logging.getLogger("crawler.ledger")

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_ledger (
    source_key TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT,
    state TEXT NOT NULL, run_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
    etag TEXT, last_modified TEXT, sitemap_lastmod TEXT, item_id TEXT, body_sha256 TEXT, context TEXT,
    first_seen_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT,
    PRIMARY KEY (source_key, url)
);
CREATE INDEX IF NOT EXISTS crawl_ledger_run ON crawl_ledger (run_id, state);
CREATE INDEX IF NOT EXISTS crawl_ledger_parent ON crawl_ledger (source_key, parent);
CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, resumed_from TEXT
);
"""

STATES = ("todo", "doing", "done", "failed")
#: Rows whose children live in the ledger: a 304 on them replays the children.
CONTAINER_KINDS = frozenset({"entry", "sitemap", "list"})
ITEM_KINDS = frozenset({"page", "document", "notice"})
#: An interrupted run older than this is not resumed: a new night starts afresh.
RESUME_MAX_AGE = dt.timedelta(hours=24)
_UNFINISHED = ("running", "interrupted")

_COLUMNS = ("source_key", "url", "kind", "parent", "state", "run_id", "attempts", "http_status", "etag",
            "last_modified", "sitemap_lastmod", "item_id", "body_sha256", "context", "first_seen_at",
            "updated_at", "error")


def _now() -> str:
    return format_time(dt.datetime.now(dt.timezone.utc)) or ""


@dataclass(frozen=True)
class Row:
    """One ledger row (see docs/ledger.md for every field)."""

    source_key: str
    url: str
    kind: str
    parent: str | None
    state: str
    run_id: str
    attempts: int
    http_status: int | None
    etag: str | None
    last_modified: str | None
    sitemap_lastmod: str | None
    item_id: str | None
    body_sha256: str | None
    context: dict[str, Any]
    first_seen_at: str
    updated_at: str
    error: str | None

    @classmethod
    def from_db(cls, values: tuple[Any, ...]) -> "Row":
        data = dict(zip(_COLUMNS, values))
        try:
            context = json.loads(data["context"]) if data["context"] else {}
        except (TypeError, ValueError):
            context = {}
        data["context"] = context if isinstance(context, dict) else {}
        return cls(**data)

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)

    @property
    def removed(self) -> bool:
        return self.error == "removed"


@dataclass(frozen=True)
class Planned:
    """A URL a spider is about to request (or account for): becomes a ``todo`` row."""

    url: str
    kind: str
    parent: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a successful fetch leaves in the row (validators of the 200, the body's hash)."""

    http_status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    sitemap_lastmod: str | None = None
    error: str | None = None


@dataclass
class Fetched:
    """A record plus the ledger row it completes: the pipeline commits both in one transaction."""

    record: WebItem
    source_key: str
    url: str
    run_id: str
    outcome: Outcome


class Ledger:
    """The ledger on an open store (``parity.store.SqliteStore``); creates its tables if missing."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.db: sqlite3.Connection = store.db
        self._doing: list[tuple[str, str, str, str]] = []
        self._check_shape()
        self.db.executescript(SCHEMA)
        self._repair_rows()

    # -- damage control ---------------------------------------------------------
    def _check_shape(self) -> None:
        """A ledger table of the wrong shape is moved aside (a warning), never a traceback.

        The ledger is crawl state, not collected data: losing it costs one full
        crawl. The damaged table is kept under another name for a person to look at.
        """
        expected = {"crawl_ledger": set(_COLUMNS),
                    "crawl_runs": {"run_id", "started_at", "finished_at", "status", "resumed_from"}}
        for table, columns in expected.items():
            found = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if not found or columns <= found:
                continue
            aside = f"{table}_damaged_{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%f')}"
            log.warning("crawl ledger: table %s has an unexpected shape (%s); moved aside as %s, "
                        "incremental state starts afresh", table, ", ".join(sorted(found))[:200], aside)
            self.db.execute(f"ALTER TABLE {table} RENAME TO {aside}")
            for index in ("crawl_ledger_run", "crawl_ledger_parent"):
                if table == "crawl_ledger":
                    self.db.execute(f"DROP INDEX IF EXISTS {index}")

    def _repair_rows(self) -> None:
        """Unknown states go back to ``todo``, unreadable contexts are dropped; both with a warning."""
        states = ",".join(f"'{state}'" for state in STATES)
        cur = self.db.execute(f"UPDATE crawl_ledger SET state='todo' WHERE state IS NULL OR state NOT IN ({states})")
        if cur.rowcount:
            log.warning("crawl ledger: %d rows had an unknown state; they are fetched again", cur.rowcount)
        bad = [rowid for rowid, context in self.db.execute(
            "SELECT rowid, context FROM crawl_ledger WHERE context IS NOT NULL") if not _valid_json(context)]
        if bad:
            self.db.executemany("UPDATE crawl_ledger SET context=NULL WHERE rowid=?", [(r,) for r in bad])
            log.warning("crawl ledger: %d rows had an unreadable context; it was dropped", len(bad))

    # -- transactions -------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """BEGIN/COMMIT unless already inside a transaction (the pipeline's); pending ``doing`` marks go first."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        self._flush_doing()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- runs ---------------------------------------------------------------
    def begin_run(self, run_id: str, now: dt.datetime | None = None,
                  max_age: dt.timedelta = RESUME_MAX_AGE) -> str | None:
        """Register ``run_id``; adopt the previous run's rows if it was interrupted. Returns its id."""
        clock = now or dt.datetime.now(dt.timezone.utc)
        with self.atomic():
            known = self.db.execute("SELECT resumed_from FROM crawl_runs WHERE run_id=?", (run_id,)).fetchone()
            if known is not None:  # the same run id started twice (a retried child): keep going
                self.db.execute("UPDATE crawl_runs SET status='running', finished_at=NULL WHERE run_id=?", (run_id,))
                return known[0]
            previous = self._previous_run(run_id)
            resumed_from = None
            if previous is not None:
                prev_id, started, status = previous
                started_at = _parse(started)
                if status in _UNFINISHED and started_at is not None and clock - started_at <= max_age:
                    resumed_from = prev_id
            self.db.execute("INSERT INTO crawl_runs (run_id, started_at, status, resumed_from) VALUES (?,?,?,?)",
                            (run_id, format_time(clock), "running", resumed_from))
            if resumed_from:
                now_text = _now()
                self.db.execute("UPDATE crawl_ledger SET state='todo', updated_at=? WHERE run_id=? AND state='doing'",
                                (now_text, resumed_from))
                self.db.execute("UPDATE crawl_ledger SET run_id=? WHERE run_id=?", (run_id, resumed_from))
                self.db.execute("UPDATE crawl_runs SET status='resumed' WHERE run_id=?", (resumed_from,))
        return resumed_from

    def _previous_run(self, run_id: str) -> tuple[str, str, str] | None:
        """The most recent earlier crawl run with its effective status.

        ``crawl_runs`` says what the crawl process knew (``running`` forever after a
        SIGKILL); the CLI's ``runs`` table may know better (``interrupted`` after
        Ctrl-C). Either saying unfinished makes the run resumable.
        """
        row = self.db.execute("SELECT run_id, started_at, status FROM crawl_runs WHERE run_id != ?"
                              " ORDER BY started_at DESC, rowid DESC LIMIT 1", (run_id,)).fetchone()
        if row is None:
            return None
        rid, started, status = row
        try:
            cli = self.db.execute("SELECT status FROM runs WHERE run_id=?", (rid,)).fetchone()
        except sqlite3.OperationalError:
            cli = None
        if cli is not None and cli[0] in _UNFINISHED and status == "finished":
            status = "interrupted"
        return rid, started, status

    def finish_run(self, run_id: str, status: str) -> None:
        self.flush()
        self.db.execute("UPDATE crawl_runs SET status=?, finished_at=? WHERE run_id=?", (status, _now(), run_id))

    def run_info(self, run_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT run_id, started_at, finished_at, status, resumed_from FROM crawl_runs"
                              " WHERE run_id=?", (run_id,)).fetchone()
        keys = ("run_id", "started_at", "finished_at", "status", "resumed_from")
        return dict(zip(keys, row)) if row else None

    # -- rows ---------------------------------------------------------------
    def get(self, source_key: str, url: str) -> Row | None:
        self.flush()
        values = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM crawl_ledger WHERE source_key=? AND url=?",
                                 (source_key, url)).fetchone()
        return Row.from_db(values) if values else None

    def rows(self, source_key: str | None = None) -> list[Row]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM crawl_ledger"
        args: tuple[Any, ...] = ()
        if source_key is not None:
            sql += " WHERE source_key=?"
            args = (source_key,)
        return [Row.from_db(v) for v in self.db.execute(sql + " ORDER BY rowid", args)]

    def plan(self, source_key: str, run_id: str, planned: Iterable[Planned]) -> None:
        """Write ``todo`` rows (one transaction); validators and item of earlier runs are kept."""
        now = _now()
        rows = [(source_key, p.url, p.kind, p.parent, run_id, json.dumps(p.context, ensure_ascii=False, default=str)
                 if p.context else None, now, now) for p in planned]
        if not rows:
            return
        with self.atomic():
            self.db.executemany(
                "INSERT INTO crawl_ledger (source_key, url, kind, parent, state, run_id, attempts, context,"
                " first_seen_at, updated_at) VALUES (?,?,?,?,'todo',?,0,?,?,?)"
                " ON CONFLICT (source_key, url) DO UPDATE SET"
                " kind=excluded.kind, parent=COALESCE(excluded.parent, parent), state='todo',"
                " attempts=CASE WHEN run_id=excluded.run_id THEN attempts ELSE 0 END,"
                " run_id=excluded.run_id, context=COALESCE(excluded.context, context), updated_at=excluded.updated_at",
                rows,
            )

    #: ``doing`` marks are written in batches (with the next write, or every this many): a mark lost
    #: in a kill leaves the row ``todo``, which a resumed run treats exactly like ``doing``.
    DOING_BATCH = 32

    def doing(self, source_key: str, url: str, run_id: str) -> None:
        """The request is on its way (every attempt, retries included)."""
        self._doing.append((run_id, _now(), source_key, url))
        if len(self._doing) >= self.DOING_BATCH:
            with self.atomic():
                pass

    def flush(self) -> None:
        """Write pending ``doing`` marks now."""
        if self._doing:
            with self.atomic():
                pass

    def _flush_doing(self) -> None:
        if not self._doing:
            return
        batch, self._doing = self._doing, []
        for run_id, now, source_key, url in batch:
            cur = self.db.execute(
                "UPDATE crawl_ledger SET state='doing', attempts=CASE WHEN run_id=? THEN attempts + 1 ELSE 1 END,"
                " run_id=?, updated_at=? WHERE source_key=? AND url=? AND state != 'done'",
                (run_id, run_id, now, source_key, url))
            if cur.rowcount == 0:  # an entry point or a request nobody planned: create it
                self.db.execute(
                    "INSERT OR IGNORE INTO crawl_ledger (source_key, url, kind, state, run_id, attempts, first_seen_at,"
                    " updated_at) VALUES (?,?,'entry','doing',?,1,?,?)", (source_key, url, run_id, now, now))

    def done(self, source_key: str, url: str, run_id: str, outcome: Outcome | None = None,
             item_id: str | None = None, kind: str | None = None, parent: str | None = None) -> None:
        """Success. A 304 (``outcome.http_status == 304``) keeps the stored validators and hash."""
        outcome = outcome or Outcome(http_status=304)
        now = _now()
        if outcome.http_status == 304 or outcome.http_status is None:
            sql = ("UPDATE crawl_ledger SET state='done', attempts=CASE WHEN run_id=? THEN attempts ELSE 0 END,"
                   " run_id=?, http_status=COALESCE(?, http_status), item_id=COALESCE(?, item_id),"
                   " sitemap_lastmod=COALESCE(?, sitemap_lastmod), error=NULL, updated_at=?"
                   " WHERE source_key=? AND url=?")
            args: tuple[Any, ...] = (run_id, run_id, outcome.http_status, item_id, outcome.sitemap_lastmod, now,
                                     source_key, url)
        else:
            removed = outcome.error == "removed"
            sql = ("UPDATE crawl_ledger SET state='done', attempts=CASE WHEN run_id=? THEN attempts ELSE 0 END,"
                   " run_id=?, http_status=?, etag=?, last_modified=?, body_sha256=?,"
                   " sitemap_lastmod=COALESCE(?, sitemap_lastmod), item_id=COALESCE(?, item_id), error=?,"
                   " updated_at=? WHERE source_key=? AND url=?")
            args = (run_id, run_id, outcome.http_status, None if removed else outcome.etag,
                    None if removed else outcome.last_modified, None if removed else outcome.body_sha256,
                    outcome.sitemap_lastmod, item_id, outcome.error, now, source_key, url)
        with self.atomic():
            if self.db.execute(sql, args).rowcount == 0:  # never planned (a notice, a test): create, then set
                self.db.execute(
                    "INSERT OR IGNORE INTO crawl_ledger (source_key, url, kind, parent, state, run_id, attempts,"
                    " first_seen_at, updated_at) VALUES (?,?,?,?,'done',?,0,?,?)",
                    (source_key, url, kind or "page", parent, run_id, now, now))
                self.db.execute(sql, args)

    def failed(self, source_key: str, url: str, run_id: str, error: str, http_status: int | None = None) -> None:
        """Failure after retries; validators are kept so the next run still asks conditionally."""
        now = _now()
        with self.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO crawl_ledger (source_key, url, kind, state, run_id, attempts, first_seen_at,"
                " updated_at) VALUES (?,?,'page','failed',?,0,?,?)", (source_key, url, run_id, now, now))
            self.db.execute(
                "UPDATE crawl_ledger SET state='failed', attempts=CASE WHEN run_id=? THEN attempts ELSE 0 END, run_id=?, http_status=COALESCE(?, http_status), error=?,"
                " updated_at=? WHERE source_key=? AND url=?",
                (run_id, run_id, http_status, error[:500], now, source_key, url))

    def touch_many(self, source_key: str, run_id: str, urls: Iterable[str], seen_at: dt.datetime | None = None,
                   cascade: bool = True) -> int:
        """Pages known unchanged without a request (sitemap lastmod, parent 304): items touched, rows done."""
        now = _now()
        seen = format_time(seen_at or dt.datetime.now(dt.timezone.utc))
        count = 0
        with self.atomic():
            for url in urls:
                self.db.execute("UPDATE crawl_ledger SET state='done', attempts=CASE WHEN run_id=? THEN attempts ELSE 0 END, run_id=?, updated_at=?, error=NULL"
                                " WHERE source_key=? AND url=?", (run_id, run_id, now, source_key, url))
                row = self.db.execute("SELECT item_id FROM crawl_ledger WHERE source_key=? AND url=?",
                                      (source_key, url)).fetchone()
                if row and row[0]:
                    self.db.execute("UPDATE web_items SET last_seen_at=?, removed_at=NULL WHERE id=?", (seen, row[0]))
                    count += 1
                if cascade:  # documents linked from an unchanged page are as they were
                    for (doc_item,) in self.db.execute(
                            "SELECT item_id FROM crawl_ledger WHERE source_key=? AND parent=? AND kind='document'"
                            " AND state='done' AND item_id IS NOT NULL AND (error IS NULL OR error != 'removed')",
                            (source_key, url)).fetchall():
                        self.db.execute("UPDATE web_items SET last_seen_at=? WHERE id=?", (seen, doc_item))
                    self.db.execute(
                        "UPDATE crawl_ledger SET run_id=?, updated_at=? WHERE source_key=? AND parent=?"
                        " AND kind='document' AND state='done'", (run_id, now, source_key, url))
        return count

    def annotate(self, source_key: str, url: str, values: dict[str, Any]) -> None:
        """Merge ``values`` into a row's context (e.g. a board's ``truncated`` flag)."""
        row = self.get(source_key, url)
        if row is None:
            return
        context = {**row.context, **values}
        self.db.execute("UPDATE crawl_ledger SET context=? WHERE source_key=? AND url=?",
                        (json.dumps(context, ensure_ascii=False, default=str), source_key, url))

    # -- queries ------------------------------------------------------------
    def children(self, source_key: str, parent: str) -> list[Row]:
        values = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM crawl_ledger WHERE source_key=? AND parent=?"
                                 " ORDER BY rowid", (source_key, parent)).fetchall()
        return [Row.from_db(v) for v in values]

    def pending(self, source_key: str, run_id: str) -> list[Row]:
        """Rows of this run not yet done: what a resumed run enqueues straight from the ledger."""
        values = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM crawl_ledger WHERE source_key=? AND run_id=?"
            " AND state IN ('todo','doing','failed') AND kind != 'entry' ORDER BY rowid", (source_key, run_id)).fetchall()
        return [Row.from_db(v) for v in values]

    def orphans(self, source_key: str, run_id: str, limit: int) -> list[Row]:
        """Rows with an item that this run has not touched: candidates for a removal re-check."""
        if limit <= 0:
            return []
        values = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM crawl_ledger WHERE source_key=? AND run_id != ? AND item_id IS NOT NULL"
            " AND kind IN ('page','document') AND (error IS NULL OR error != 'removed') ORDER BY updated_at LIMIT ?",
            (source_key, run_id, limit)).fetchall()
        return [Row.from_db(v) for v in values]

    def counts(self, run_id: str) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, count(*) FROM crawl_ledger WHERE run_id=? GROUP BY state",
                                    (run_id,)).fetchall())


def _valid_json(value: Any) -> bool:
    try:
        return isinstance(json.loads(value), dict)
    except (TypeError, ValueError):
        return False


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def commit_fetched(store: Any, fetched: Fetched, record: WebItem) -> str:
    """Upsert the record and mark its ledger row done, atomically. Returns the upsert result."""
    ledger = ledger_for(store)
    with ledger.atomic():
        result = store.upsert_web_item(record, source_key=fetched.source_key)
        ledger.done(fetched.source_key, fetched.url, fetched.run_id, fetched.outcome, item_id=record.id)
    return str(result)


_LEDGERS: dict[int, Ledger] = {}


def ledger_for(store: Any) -> Ledger:
    """One Ledger per store object (tables created once)."""
    key = id(store)
    ledger = _LEDGERS.get(key)
    if ledger is None or ledger.store is not store:
        ledger = _LEDGERS[key] = Ledger(store)
    return ledger
