"""The crawl ledger's SQL and the crawl's side of the run registry, as methods of every SQL store.

What the rows mean and when each transition happens is docs/ledger.md; the
decisions (what to plan, when a page is unchanged, which run to resume) are the
crawl's policy in crawler/ledger.py. Here is only how rows are written and read,
with the guarantees a back end must give:

* an item and the ledger row it completes are written in ONE transaction
  (``save_fetched``, ``confirm_unchanged``, ``confirm_removed``, ``touch_unchanged``);
* ``doing`` marks are buffered and written before the next ledger transaction (or
  every ``DOING_BATCH`` marks): a mark lost in a kill leaves the row ``todo``, which
  a resumed run treats exactly like ``doing``;
* resuming a run adopts its rows in the same transaction that registers the new run.

The SQL is written once for SQLite and PostgreSQL (parity/store/dbapi.py): rows
are read back in the order they were first planned through the explicit ``seq``
column (``rowid`` exists only in SQLite), and columns in ``ON CONFLICT … DO
UPDATE`` are qualified with the table name (PostgreSQL refuses the bare name there).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from parity.core.records import WebItem
from parity.core.timeutil import format_time, parse_time
from parity.store.dbapi import Connection, retried
from parity.store.repair import repair_crawl_state
from parity.store.schema import Catalog
from parity.store.types import LEDGER_COLUMNS, CrawlRun, LedgerRow, Outcome, Planned

_SELECT = f"SELECT {', '.join(LEDGER_COLUMNS)} FROM crawl_ledger"
#: The next ``seq`` (insertion order): the largest so far + 1 (an index makes it one lookup).
NEXT_SEQ = "COALESCE((SELECT MAX(seq) FROM crawl_ledger), 0) + 1"
#: A row first touched in a new run starts counting its attempts again.
_ATTEMPTS = "attempts=CASE WHEN run_id=? THEN attempts ELSE 0 END"


def _now() -> str:
    return format_time(dt.datetime.now(dt.timezone.utc)) or ""


class CrawlState:
    """Crawl-run registry and crawl ledger over ``self.conn`` (mixed into ``SqlStore``)."""

    #: ``doing`` marks written together once this many are pending.
    DOING_BATCH = 32
    conn: Connection

    if TYPE_CHECKING:  # provided by SqlStore
        def transaction(self) -> AbstractContextManager[None]: ...
        def upsert_web_item(self, item: WebItem, source_key: str | None = None,
                            seen_at: dt.datetime | None = None) -> str: ...
        def touch_web_item(self, item_id: str, seen_at: dt.datetime | None = None) -> bool: ...
        def mark_web_removed(self, item_id: str, when: dt.datetime | None = None) -> None: ...
        def catalog(self) -> Catalog: ...

    def __init__(self) -> None:
        self._doing: list[tuple[str, str, str, str]] = []
        #: How deep in ``transaction()`` we are (0: none). Ours, not the driver's: a connection lost
        #: mid-transaction must still count as inside one, so the whole transaction is retried.
        self.tx_depth = 0

    # -- the crawl's side of the run registry ---------------------------------------------
    @retried
    def begin_crawl(self, run_id: str, started_at: dt.datetime, resume: Callable[[CrawlRun], bool]) -> str | None:
        """Register the crawl of ``run_id``; adopt the previous crawl's rows if ``resume`` says so.

        Returns the id of the run resumed. The same run id started twice (a retried
        child) keeps going with what it had.
        """
        with self.transaction():
            known = self.conn.execute("SELECT crawl_status, resumed_from FROM runs WHERE run_id=?", (run_id,)).fetchone()
            if known is not None and known[0] is not None:
                self.conn.execute("UPDATE runs SET crawl_status='running' WHERE run_id=?", (run_id,))
                return str(known[1]) if known[1] else None
            previous = self.previous_crawl(run_id)
            resumed_from = previous.run_id if previous is not None and resume(previous) else None
            self.conn.execute(
                "INSERT INTO runs (run_id, started_at, command, status, crawl_status, resumed_from)"
                " VALUES (?,?,'crawler.run','running','running',?) ON CONFLICT (run_id) DO UPDATE SET"
                " crawl_status='running', resumed_from=excluded.resumed_from",
                (run_id, format_time(started_at), resumed_from))
            if resumed_from:
                self.conn.execute("UPDATE crawl_ledger SET state='todo', updated_at=? WHERE run_id=? AND state='doing'",
                                (_now(), resumed_from))
                self.conn.execute("UPDATE crawl_ledger SET run_id=? WHERE run_id=?", (run_id, resumed_from))
                self.conn.execute("UPDATE runs SET crawl_status='resumed' WHERE run_id=?", (resumed_from,))
        return resumed_from

    def previous_crawl(self, run_id: str) -> CrawlRun | None:
        """The most recent earlier run that crawled."""
        row = self.conn.execute("SELECT run_id FROM runs WHERE crawl_status IS NOT NULL AND run_id != ?"
                              " ORDER BY started_at DESC, run_id DESC LIMIT 1", (run_id,)).fetchone()
        return self.crawl_run(row[0]) if row else None

    def crawl_run(self, run_id: str) -> CrawlRun | None:
        row = self.conn.execute("SELECT run_id, started_at, crawl_status, status, resumed_from FROM runs"
                              " WHERE run_id=?", (run_id,)).fetchone()
        if row is None:
            return None
        try:
            started = parse_time(row[1])
        except (TypeError, ValueError):
            started = None
        return CrawlRun(run_id=row[0], started_at=started, crawl_status=row[2], status=row[3], resumed_from=row[4])

    def finish_crawl(self, run_id: str, status: str) -> None:
        """``finished`` / ``interrupted``; a run the crawl registered itself is settled as a whole too."""
        self.flush_marks()
        self.conn.execute(
            "UPDATE runs SET crawl_status=?, status=CASE WHEN command='crawler.run' THEN ? ELSE status END,"
            " finished_at=CASE WHEN command='crawler.run' THEN ? ELSE finished_at END WHERE run_id=?",
            (status, status, _now(), run_id))

    def repair_crawl_state(self) -> list[str]:
        """parity.store.repair: damaged crawl state replaced or reset; one warning per repair."""
        return repair_crawl_state(self.conn, self.catalog())

    # -- reading rows ------------------------------------------------------------------
    def ledger_row(self, source_key: str, url: str) -> LedgerRow | None:
        self.flush_marks()
        values = self.conn.execute(_SELECT + " WHERE source_key=? AND url=?", (source_key, url)).fetchone()
        return LedgerRow.from_values(values) if values else None

    def ledger_rows(self, source_key: str | None = None) -> list[LedgerRow]:
        if source_key is None:
            return [LedgerRow.from_values(v) for v in self.conn.execute(_SELECT + " ORDER BY seq, source_key, url")]
        return [LedgerRow.from_values(v) for v in
                self.conn.execute(_SELECT + " WHERE source_key=? ORDER BY seq, url", (source_key,))]

    def ledger_children(self, source_key: str, parent: str) -> list[LedgerRow]:
        """Rows discovered from ``parent`` (a feed, sitemap, list page, board or article)."""
        return [LedgerRow.from_values(v) for v in self.conn.execute(
            _SELECT + " WHERE source_key=? AND parent=? ORDER BY seq, url", (source_key, parent)).fetchall()]

    def ledger_pending(self, source_key: str, run_id: str) -> list[LedgerRow]:
        """Rows of this run not yet done (entry points excepted: they are requested anyway)."""
        return [LedgerRow.from_values(v) for v in self.conn.execute(
            _SELECT + " WHERE source_key=? AND run_id=? AND state IN ('todo','doing','failed') AND kind != 'entry'"
            " ORDER BY seq, url", (source_key, run_id)).fetchall()]

    def ledger_orphans(self, source_key: str, run_id: str, limit: int) -> list[LedgerRow]:
        """Rows with a live item that this run has not touched, least recently checked first."""
        if limit <= 0:
            return []
        return [LedgerRow.from_values(v) for v in self.conn.execute(
            _SELECT + " WHERE source_key=? AND run_id != ? AND item_id IS NOT NULL AND kind IN ('page','document')"
            " AND (error IS NULL OR error != 'removed') ORDER BY updated_at, url LIMIT ?",
            (source_key, run_id, limit)).fetchall()]

    def ledger_counts(self, run_id: str) -> dict[str, int]:
        return dict(self.conn.execute("SELECT state, count(*) FROM crawl_ledger WHERE run_id=? GROUP BY state",
                                    (run_id,)).fetchall())

    # -- writing rows ------------------------------------------------------------------
    @retried
    def plan(self, source_key: str, run_id: str, planned: Iterable[Planned]) -> None:
        """Write ``todo`` rows (one transaction); validators and item of earlier runs are kept."""
        now = _now()
        rows = [(source_key, p.url, p.kind, p.parent, run_id,
                 json.dumps(p.context, ensure_ascii=False, default=str) if p.context else None, now, now)
                for p in planned]
        if not rows:
            return
        # A row this very run already completed stays done: with several workers, one may plan a
        # source's entry points after another fetched them (single-process never plans a row twice).
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO crawl_ledger (source_key, url, kind, parent, state, run_id, attempts, context,"
                f" first_seen_at, updated_at, seq) VALUES (?,?,?,?,'todo',?,0,?,?,?,{NEXT_SEQ})"
                " ON CONFLICT (source_key, url) DO UPDATE SET"
                " kind=excluded.kind, parent=COALESCE(excluded.parent, crawl_ledger.parent),"
                " state=CASE WHEN crawl_ledger.run_id=excluded.run_id AND crawl_ledger.state='done' THEN 'done'"
                " ELSE 'todo' END,"
                " attempts=CASE WHEN crawl_ledger.run_id=excluded.run_id THEN crawl_ledger.attempts ELSE 0 END,"
                " run_id=excluded.run_id, context=COALESCE(excluded.context, crawl_ledger.context),"
                " updated_at=excluded.updated_at",
                rows,
            )

    def mark_doing(self, source_key: str, url: str, run_id: str) -> None:
        """The request is on its way (every attempt, retries included); written in batches."""
        self._doing.append((run_id, _now(), source_key, url))
        if len(self._doing) >= self.DOING_BATCH:
            self.flush_marks()

    def flush_marks(self) -> None:
        """Write pending ``doing`` marks now."""
        if self._doing:
            with self.transaction():
                pass

    def _write_doing_marks(self) -> None:
        """Called at the start of every transaction (``SqlStore.transaction``)."""
        if not self._doing:
            return
        batch, self._doing = self._doing, []
        # Two statements for the whole batch (one round trip each on PostgreSQL): an entry point or a
        # request nobody planned gets its row first, then every mark counts an attempt in order.
        self.conn.executemany(
            "INSERT INTO crawl_ledger (source_key, url, kind, state, run_id, attempts, first_seen_at,"
            f" updated_at, seq) VALUES (?,?,'entry','doing',?,0,?,?,{NEXT_SEQ})"
            " ON CONFLICT (source_key, url) DO NOTHING",
            [(source_key, url, run_id, now, now) for run_id, now, source_key, url in batch])
        self.conn.executemany(
            "UPDATE crawl_ledger SET state='doing', attempts=CASE WHEN run_id=? THEN attempts + 1 ELSE 1 END,"
            " run_id=?, updated_at=? WHERE source_key=? AND url=? AND state != 'done'",
            [(run_id, run_id, now, source_key, url) for run_id, now, source_key, url in batch])

    @retried
    def mark_done(self, source_key: str, url: str, run_id: str, outcome: Outcome | None = None,
                  item_id: str | None = None, kind: str | None = None, parent: str | None = None) -> None:
        """Success. An unchanged outcome (304, or none given) keeps the stored validators and hash."""
        outcome = outcome or Outcome(http_status=304)
        now = _now()
        if outcome.unchanged:
            sql = (f"UPDATE crawl_ledger SET state='done', {_ATTEMPTS}, run_id=?, http_status=COALESCE(?, http_status),"
                   " item_id=COALESCE(?, item_id), sitemap_lastmod=COALESCE(?, sitemap_lastmod), error=NULL,"
                   " updated_at=? WHERE source_key=? AND url=?")
            args: tuple[Any, ...] = (run_id, run_id, outcome.http_status, item_id, outcome.sitemap_lastmod, now,
                                     source_key, url)
        else:
            removed = outcome.error == "removed"  # a removed item keeps no validators: the next run asks plainly
            sql = (f"UPDATE crawl_ledger SET state='done', {_ATTEMPTS}, run_id=?, http_status=?, etag=?,"
                   " last_modified=?, body_sha256=?, sitemap_lastmod=COALESCE(?, sitemap_lastmod),"
                   " item_id=COALESCE(?, item_id), error=?, updated_at=? WHERE source_key=? AND url=?")
            args = (run_id, run_id, outcome.http_status, None if removed else outcome.etag,
                    None if removed else outcome.last_modified, None if removed else outcome.body_sha256,
                    outcome.sitemap_lastmod, item_id, outcome.error, now, source_key, url)
        with self.transaction():
            if self.conn.execute(sql, args).rowcount == 0:  # never planned (a notice, a test): create, then set
                self.conn.execute(
                    "INSERT INTO crawl_ledger (source_key, url, kind, parent, state, run_id, attempts,"
                    f" first_seen_at, updated_at, seq) VALUES (?,?,?,?,'done',?,0,?,?,{NEXT_SEQ})"
                    " ON CONFLICT (source_key, url) DO NOTHING",
                    (source_key, url, kind or "page", parent, run_id, now, now))
                self.conn.execute(sql, args)

    @retried
    def mark_failed(self, source_key: str, url: str, run_id: str, error: str, http_status: int | None = None) -> None:
        """Failure after retries; validators are kept so the next run still asks conditionally."""
        now = _now()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO crawl_ledger (source_key, url, kind, state, run_id, attempts, first_seen_at,"
                f" updated_at, seq) VALUES (?,?,'page','failed',?,0,?,?,{NEXT_SEQ})"
                " ON CONFLICT (source_key, url) DO NOTHING", (source_key, url, run_id, now, now))
            self.conn.execute(
                f"UPDATE crawl_ledger SET state='failed', {_ATTEMPTS}, run_id=?, http_status=COALESCE(?, http_status),"
                " error=?, updated_at=? WHERE source_key=? AND url=?",
                (run_id, run_id, http_status, error[:500], now, source_key, url))

    def annotate(self, source_key: str, url: str, values: dict[str, Any]) -> None:
        """Merge ``values`` into a row's context (e.g. a board's ``truncated`` flag)."""
        row = self.ledger_row(source_key, url)
        if row is None:
            return
        self.conn.execute("UPDATE crawl_ledger SET context=? WHERE source_key=? AND url=?",
                        (json.dumps({**row.context, **values}, ensure_ascii=False, default=str), source_key, url))

    # -- an item and its row together ------------------------------------------------------
    @retried
    def save_fetched(self, record: WebItem, source_key: str, url: str, run_id: str, outcome: Outcome) -> str:
        """Upsert a fetched page's or document's item and mark its row done, atomically."""
        with self.transaction():
            result = self.upsert_web_item(record, source_key=source_key)
            self.mark_done(source_key, url, run_id, outcome, item_id=record.id)
        return str(result)

    @retried
    def confirm_unchanged(self, source_key: str, url: str, run_id: str, outcome: Outcome,
                          item_id: str | None) -> None:
        """A 304 or a byte-identical body: the item (if any) is still there; row done."""
        with self.transaction():
            if item_id:
                self.touch_web_item(item_id)
            self.mark_done(source_key, url, run_id, outcome)

    @retried
    def confirm_removed(self, source_key: str, url: str, run_id: str, http_status: int, item_id: str) -> None:
        """A 404/410 on a URL that had produced an item: the item is marked removed, the row done."""
        with self.transaction():
            self.mark_web_removed(item_id)
            self.mark_done(source_key, url, run_id, Outcome(http_status=http_status, error="removed"))

    @retried
    def touch_unchanged(self, source_key: str, run_id: str, urls: Iterable[str], seen_at: dt.datetime | None = None,
                        cascade: bool = True) -> int:
        """Pages known unchanged without a request (sitemap lastmod, parent 304): items touched, rows done.

        With ``cascade``, documents linked from such a page count as seen too.
        """
        now = _now()
        seen_at = seen_at or dt.datetime.now(dt.timezone.utc)
        seen = format_time(seen_at)
        count = 0
        with self.transaction():
            for url in urls:
                self.conn.execute(f"UPDATE crawl_ledger SET state='done', {_ATTEMPTS}, run_id=?, updated_at=?,"
                                " error=NULL WHERE source_key=? AND url=?", (run_id, run_id, now, source_key, url))
                row = self.conn.execute("SELECT item_id FROM crawl_ledger WHERE source_key=? AND url=?",
                                      (source_key, url)).fetchone()
                if row and row[0]:
                    self.touch_web_item(row[0], seen_at)
                    count += 1
                if cascade:
                    for (doc_item,) in self.conn.execute(  # seen, but not brought back if marked removed
                            "SELECT item_id FROM crawl_ledger WHERE source_key=? AND parent=? AND kind='document'"
                            " AND state='done' AND item_id IS NOT NULL AND (error IS NULL OR error != 'removed')",
                            (source_key, url)).fetchall():
                        self.conn.execute("UPDATE web_items SET last_seen_at=? WHERE id=?", (seen, doc_item))
                    self.conn.execute(
                        "UPDATE crawl_ledger SET run_id=?, updated_at=? WHERE source_key=? AND parent=?"
                        " AND kind='document' AND state='done'", (run_id, now, source_key, url))
        return count
