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
SQLite cannot open stays an exit-2 error for a person to look at. The routine runs
the same SQL on every back end (parity/store/dbapi.py); only a SQLite file can be
damaged below the SQL level ("unreadable"), a PostgreSQL table only in shape or content. A run whose
``started_at`` is not a time is simply never resumed (parity.store.types.CrawlRun).
"""

from __future__ import annotations

from parity.store.dbapi import Connection
from parity.store.schema import TABLE, Catalog, ensure_table, move_aside
from parity.store.types import STATES, context_of


def repair_crawl_state(conn: Connection, catalog: Catalog) -> list[str]:
    """Repair in one transaction; return one warning per kind of repair (empty when all is well)."""
    warnings: list[str] = []
    conn.begin()
    try:
        try:
            readable = ensure_table(catalog, TABLE["crawl_ledger"])
            if readable:
                warnings += _repair_rows(conn)
        except conn.error as exc:
            if conn.dialect != "sqlite":  # a failed statement aborts a PostgreSQL transaction: nothing to save
                raise
            readable = False
            warnings.append(f"crawl ledger: unreadable ({exc})")
        if not readable:
            warnings.append(_replace_ledger_table(conn, catalog))
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return warnings


def _replace_ledger_table(conn: Connection, catalog: Catalog) -> str:
    try:
        have = catalog.columns("crawl_ledger") or set()
    except conn.error:
        have = set()
    try:
        aside = move_aside(catalog, "crawl_ledger")
        where = f"moved aside as {aside}"
    except conn.error:  # cannot even be renamed: it only saved work
        catalog.execute("DROP TABLE crawl_ledger")
        where = "dropped"
    for index, _columns in TABLE["crawl_ledger"].indexes:
        catalog.execute(f"DROP INDEX IF EXISTS {index}")
    ensure_table(catalog, TABLE["crawl_ledger"])
    return (f"crawl ledger: table crawl_ledger has an unexpected shape ({', '.join(sorted(have))[:200]}); {where}, "
            "incremental state starts afresh (pages are fetched again, nothing stored is lost)")


def _repair_rows(conn: Connection) -> list[str]:
    warnings = []
    states = ",".join(f"'{state}'" for state in STATES)
    cur = conn.execute(f"UPDATE crawl_ledger SET state='todo' WHERE state IS NULL OR state NOT IN ({states})")
    if cur.rowcount:
        warnings.append(f"crawl ledger: {cur.rowcount} rows had an unknown state; they are requested again")
    bad = [(key, url, parent) for key, url, parent, context in conn.execute(
        "SELECT source_key, url, parent, context FROM crawl_ledger WHERE context IS NOT NULL").fetchall()
        if context_of(context) is None]
    if bad:
        conn.executemany("UPDATE crawl_ledger SET context=NULL, state='todo' WHERE source_key=? AND url=?",
                         [(key, url) for key, url, _p in bad])
        conn.executemany(
            "UPDATE crawl_ledger SET state='todo', etag=NULL, last_modified=NULL, body_sha256=NULL,"
            " sitemap_lastmod=NULL WHERE source_key=? AND url=?",
            sorted({(key, parent) for key, _u, parent in bad if parent}))
        warnings.append(f"crawl ledger: {len(bad)} rows had an unreadable context; it was dropped and they are "
                        "requested again (their parents are parsed again in full)")
    return warnings
