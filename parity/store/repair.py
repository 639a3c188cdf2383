"""The one repair routine for damaged crawl state, run when a crawl starts (crawler/ledger.py).

Policy (docs/ledger.md, "Damaged ledger"): crawl state only saves work, the
items and posts are the audit's evidence. So a repair may cost a run extra
requests, but it must never lose collected data and never let a run skip work
it cannot prove was done:

* a ``crawl_ledger`` table of the wrong shape, or one that cannot be read, is
  moved aside as ``crawl_ledger_damaged_<UTC time>`` (kept for a person to look
  at) and recreated empty from the schema: the next crawl is a full one;
* a row with an unknown state becomes ``todo``: it is requested again (its
  validators and its link to its item are kept, so the request is conditional
  and a 404 still marks the item removed);
* a row whose ``context`` is not a JSON object loses the context and becomes
  ``todo``; its parent (the feed, sitemap, list or page that led to it) becomes
  ``todo`` and forgets its validators, hash and sitemap lastmod, so it is parsed
  again in full and plans the row again with a fresh context instead of
  replaying a child it can no longer describe;
* rows are never deleted: a deleted row would drop the item link that removal
  re-checks need, and a 304 on its parent would replay children without it.

``web_items``, ``posts``, ``runs``, ``verdicts`` are never touched here; a store
SQLite cannot open stays an exit-2 error for a person to look at. A run whose
``started_at`` is not a time is simply never resumed (parity.store.types.CrawlRun).
"""

from __future__ import annotations

import sqlite3

from parity.store.schema import TABLE, ensure_table, move_aside
from parity.store.sqlite_catalog import SqliteCatalog
from parity.store.types import STATES, context_of


def repair_crawl_state(db: sqlite3.Connection) -> list[str]:
    """Repair in one transaction; return one warning per kind of repair (empty when all is well)."""
    catalog = SqliteCatalog(db)
    warnings: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        try:
            readable = ensure_table(catalog, TABLE["crawl_ledger"])
            if readable:
                warnings += _repair_rows(db)
        except sqlite3.DatabaseError as exc:
            readable = False
            warnings.append(f"crawl ledger: unreadable ({exc})")
        if not readable:
            warnings.append(_replace_ledger_table(catalog))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return warnings


def _replace_ledger_table(catalog: SqliteCatalog) -> str:
    try:
        have = catalog.columns("crawl_ledger") or set()
    except sqlite3.DatabaseError:
        have = set()
    try:
        aside = move_aside(catalog, "crawl_ledger")
        where = f"moved aside as {aside}"
    except sqlite3.DatabaseError:  # cannot even be renamed: it only saved work
        catalog.execute("DROP TABLE crawl_ledger")
        where = "dropped"
    for index, _columns in TABLE["crawl_ledger"].indexes:
        catalog.execute(f"DROP INDEX IF EXISTS {index}")
    ensure_table(catalog, TABLE["crawl_ledger"])
    return (f"crawl ledger: table crawl_ledger has an unexpected shape ({', '.join(sorted(have))[:200]}); {where}, "
            "incremental state starts afresh (pages are fetched again, nothing stored is lost)")


def _repair_rows(db: sqlite3.Connection) -> list[str]:
    warnings = []
    states = ",".join(f"'{state}'" for state in STATES)
    cur = db.execute(f"UPDATE crawl_ledger SET state='todo' WHERE state IS NULL OR state NOT IN ({states})")
    if cur.rowcount:
        warnings.append(f"crawl ledger: {cur.rowcount} rows had an unknown state; they are requested again")
    bad = [(rowid, key, parent) for rowid, key, parent, context in db.execute(
        "SELECT rowid, source_key, parent, context FROM crawl_ledger WHERE context IS NOT NULL")
        if context_of(context) is None]
    if bad:
        db.executemany("UPDATE crawl_ledger SET context=NULL, state='todo' WHERE rowid=?", [(r,) for r, _k, _p in bad])
        db.executemany(
            "UPDATE crawl_ledger SET state='todo', etag=NULL, last_modified=NULL, body_sha256=NULL,"
            " sitemap_lastmod=NULL WHERE source_key=? AND url=?",
            sorted({(key, parent) for _r, key, parent in bad if parent}))
        warnings.append(f"crawl ledger: {len(bad)} rows had an unreadable context; it was dropped and they are "
                        "requested again (their parents are parsed again in full)")
    return warnings
