"""parity.store.schema.Catalog over a SQLite connection: what migrations and repairs ask of SQLite."""

from __future__ import annotations

import sqlite3


class SqliteCatalog:
    """Columns through ``PRAGMA table_info``; statements run on the connection as given."""

    dialect = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def columns(self, table: str) -> set[str] | None:
        rows = self.db.execute(f"PRAGMA table_info({table})").fetchall()
        return {row[1] for row in rows} if rows else None

    def execute(self, sql: str) -> None:
        self.db.execute(sql)

    def value(self, sql: str) -> object:
        row = self.db.execute(sql).fetchone()
        return row[0] if row else None
