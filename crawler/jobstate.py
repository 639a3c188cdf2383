"""Check the crawl's job state (the ledger tables of docs/ledger.md) before a crawl starts.

The ledger only saves work: a page whose row is lost is fetched again, and
items are idempotent upserts. So when the job state is damaged (a half-written
file after a power cut, a hand edit, an older or newer layout) the right answer
is a warning and a replacement, never a traceback at 3 a.m. What is damaged:

* a ledger table whose columns are not the ones ``crawler.ledger`` writes: the
  table is dropped (the ledger recreates it empty), and with it ``crawl_runs``
  when that is damaged too;
* single rows that cannot be read back: a state outside todo/doing/done/failed,
  a context that is not a JSON object: those rows are deleted.

The store's own tables (items, posts, runs, verdicts) are never touched here:
they are the audit's evidence and history, and a store that SQLite cannot open
stays an exit-2 error for a person to look at.
"""

from __future__ import annotations

import json
import sqlite3

from crawler.ledger import STATES

LEDGER_COLUMNS = frozenset({
    "source_key", "url", "kind", "parent", "state", "run_id", "attempts", "http_status", "etag", "last_modified",
    "sitemap_lastmod", "item_id", "body_sha256", "context", "first_seen_at", "updated_at", "error",
})
RUNS_COLUMNS = frozenset({"run_id", "started_at", "finished_at", "status", "resumed_from"})


def _columns(db: sqlite3.Connection, table: str) -> set[str] | None:
    """Column names of ``table``, or None when it does not exist."""
    rows = db.execute(f"PRAGMA table_info({table})").fetchall()
    return {row[1] for row in rows} if rows else None


def _readable(state: object, context: object) -> bool:
    if state not in STATES:
        return False
    if context is None or context == "":
        return True
    if not isinstance(context, str):
        return False
    try:
        return isinstance(json.loads(context), dict)
    except ValueError:
        return False


def repair_job_state(db: sqlite3.Connection) -> list[str]:
    """Drop what cannot be read; return one warning per repair (empty when all is well)."""
    warnings: list[str] = []
    try:
        for table, expected in (("crawl_ledger", LEDGER_COLUMNS), ("crawl_runs", RUNS_COLUMNS)):
            have = _columns(db, table)
            if have is not None and not expected <= have:
                db.execute(f"DROP TABLE {table}")
                warnings.append(f"crawl ledger: table {table} has columns {sorted(have)}, not the ledger's; replaced "
                                "by an empty one (pages are fetched again, nothing stored is lost)")
        if _columns(db, "crawl_ledger") is not None:
            bad = [rowid for rowid, state, context in db.execute("SELECT rowid, state, context FROM crawl_ledger")
                   if not _readable(state, context)]
            if bad:
                db.executemany("DELETE FROM crawl_ledger WHERE rowid = ?", [(rowid,) for rowid in bad])
                warnings.append(f"crawl ledger: {len(bad)} unreadable rows (unknown state or broken context) "
                                "dropped; their pages are fetched again")
    except sqlite3.DatabaseError as exc:  # the tables cannot even be read: start the ledger afresh
        for table in ("crawl_ledger", "crawl_runs"):
            try:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            except sqlite3.DatabaseError:
                pass
        warnings.append(f"crawl ledger: unreadable ({exc}); replaced by an empty one")
    return warnings
