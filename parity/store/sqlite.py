"""The SQLite store: one file per audit target, WAL mode; the default back end (nothing to install).

The crawl process writes (one connection, through the item pipeline); the CLI
reads after the crawl ended. Local crawl workers of the distributed mode may
share the file: every write transaction takes the write lock at ``BEGIN``
(parity/store/dbapi.py), so they queue instead of failing.

The records and the ledger are parity/store/sqlstore.py and
parity/store/ledger.py (the same SQL as PostgreSQL); here only the file is
opened and its tables created or migrated (parity/store/schema.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from parity.core.timeutil import utcnow
from parity.store.dbapi import SqliteConnection
from parity.store.lock import FileRunLock
from parity.store.schema import (
    SCHEMA_VERSION,
    Catalog,
    SchemaTooNew,
    stored_version,
    upgrade,
)
from parity.store.sqlite_catalog import SqliteCatalog
from parity.store.sqlstore import SqlStore, StoreError


class SqliteStore(SqlStore):
    """The store in one SQLite file (created with its folder when missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.target = str(self.path)
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
        self.conn = SqliteConnection(self.db)
        super().__init__()

    def catalog(self) -> Catalog:
        return SqliteCatalog(self.db)

    def lock_run(self, run_id: str) -> FileRunLock:
        """Take the store's exclusive run lock for ``run_id`` (parity/store/lock.py); StoreBusy if taken."""
        return FileRunLock(self.path, run_id)

    def __enter__(self) -> "SqliteStore":
        return self


__all__ = ["SqliteStore", "StoreError", "utcnow"]
