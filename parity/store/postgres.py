"""The store on PostgreSQL (psycopg 3): one database shared by every crawl worker and every reader.

Selected by a URL (``--store postgresql://host/db`` or ``[store] url``); needs the
``postgres`` extra. The SQL is the SQLite store's (parity/store/sqlstore.py,
parity/store/ledger.py); what differs lives here:

* placeholders: the store writes ``?``, psycopg wants ``%s`` (and a literal ``%%``);
* transactions: ``autocommit=True`` plus explicit ``BEGIN``/``COMMIT``, like the
  SQLite connection, so a statement outside ``transaction()`` commits at once;
* a transaction chosen as a deadlock victim (SQLSTATE 40P01) or losing a
  serialization race (40001) is run again by the store method that owns it; so is
  one whose connection was lost (the server restarted): the connection is opened
  again first, for up to ``RECONNECT_SECONDS``;
* migrations run under ``pg_advisory_xact_lock``: two workers opening a new
  database at once do not both create the tables;
* text columns are ``COLLATE "C"`` (parity/store/schema.py), so ``ORDER BY`` sorts
  byte-wise as SQLite does, whatever the database's locale.

The URL is used as given (libpq's syntax, ``~/.pgpass`` and ``PGPASSWORD`` work);
messages show it without its password.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from parity.store.dbapi import Cursor
from parity.store.lock import AdvisoryRunLock
from parity.store.schema import (
    SCHEMA_VERSION,
    Catalog,
    SchemaTooNew,
    stored_version,
    upgrade,
)
from parity.store.sqlstore import SqlStore, StoreError

#: Key of the advisory lock held while a database is created or migrated (any constant will do).
MIGRATION_LOCK = 7_117_140_001
_PLACEHOLDER = re.compile(r"\?")
_RETRY_STATES = frozenset({"40001", "40P01"})
#: How long a lost connection is tried again before the store gives up (a restart takes seconds).
RECONNECT_SECONDS = 30.0


def is_postgres_url(target: object) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit((parts.scheme, f"{user}@{netloc[-1]}", parts.path, parts.query, parts.fragment))


class PostgresConnection:
    """A psycopg 3 connection speaking the store's dialect-neutral SQL (parity/store/dbapi.py)."""

    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, raw: Any, url: str) -> None:
        import psycopg

        self.raw = raw
        self.url = url
        self.error: type[Exception] = psycopg.Error
        self._sql: dict[str, str] = {}
        self._in_tx = False  # our BEGIN … COMMIT/ROLLBACK, whatever the server still knows of it

    def _translate(self, sql: str) -> str:
        translated = self._sql.get(sql)
        if translated is None:
            translated = self._sql[sql] = _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))
        return translated

    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """One statement; outside a transaction, once more on a new connection if the old one was lost."""
        import psycopg

        try:
            return self._execute(sql, params)
        except psycopg.OperationalError:
            if self._in_tx or not (self.raw.closed or self.raw.broken) or not self.reconnect():
                raise
            return self._execute(sql, params)

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        if not params:
            return self.raw.execute(sql)  # type: ignore[no-any-return]
        return self.raw.execute(self._translate(sql), params)  # type: ignore[no-any-return]

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(self._translate(sql), rows)

    def begin(self) -> None:
        self.execute("BEGIN")
        self._in_tx = True

    def commit(self) -> None:
        self._in_tx = False
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        self._in_tx = False
        self.raw.execute("ROLLBACK")

    def retryable(self, exc: BaseException) -> bool:
        import psycopg

        if getattr(exc, "sqlstate", None) in _RETRY_STATES:
            return True
        if isinstance(exc, psycopg.OperationalError) and (self.raw.closed or self.raw.broken):
            return self.reconnect()
        return False

    def reconnect(self) -> bool:
        """Open the connection again (the server restarted); False if it does not answer in time."""
        import psycopg

        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                self.raw = connect(self.url)
                return True
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.5)

    def close(self) -> None:
        self.raw.close()


class PostgresCatalog:
    """parity.store.schema.Catalog over PostgreSQL: columns from ``information_schema``."""

    dialect = "postgresql"

    def __init__(self, conn: PostgresConnection) -> None:
        self.conn = conn

    def columns(self, table: str) -> set[str] | None:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ?", (table,)).fetchall()
        return {row[0] for row in rows} if rows else None

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def value(self, sql: str) -> object:
        row = self.conn.execute(sql).fetchone()
        return row[0] if row else None


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database (tables created or migrated when opened)."""

    def __init__(self, url: str) -> None:
        self.target = redact(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError(f"{self.target}: a PostgreSQL store needs psycopg: "
                             "pip install 'reach-parity[postgres]'") from None
        try:
            raw = connect(url)
        except psycopg.Error as exc:
            raise StoreError(f"{self.target}: cannot connect ({_first_line(exc)})") from None
        self.conn = PostgresConnection(raw, url)
        try:
            self._migrate()
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"{self.target}: not a usable store ({_first_line(exc)})") from None
        except SchemaTooNew as exc:
            raw.close()
            raise StoreError(f"{self.target}: made by a newer reach-parity ({exc})") from None
        super().__init__()

    def _migrate(self) -> None:
        catalog = self.catalog()
        if stored_version(catalog) == SCHEMA_VERSION:
            return
        self.conn.begin()
        try:
            self.conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            upgrade(catalog)  # a second opener waits above, then finds the work done
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def catalog(self) -> Catalog:
        return PostgresCatalog(self.conn)  # type: ignore[arg-type]

    def lock_run(self, run_id: str) -> AdvisoryRunLock:
        """Take the store's exclusive run lock for ``run_id`` (parity/store/lock.py); StoreBusy if taken."""
        import psycopg

        try:
            raw = connect(self.conn.url)
        except psycopg.Error as exc:
            raise StoreError(f"{self.target}: cannot connect ({_first_line(exc)})") from None
        return AdvisoryRunLock(raw, self.target, run_id)

    def __enter__(self) -> "PostgresStore":
        return self


def connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="reach-parity")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
