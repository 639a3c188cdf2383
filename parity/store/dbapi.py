"""The few things the store asks of a database driver, so one body of SQL serves SQLite and PostgreSQL.

Every statement in parity/store is written once, with ``?`` placeholders and only
SQL both back ends speak (``INSERT … ON CONFLICT``, qualified column names in
``DO UPDATE``, explicit ``ORDER BY … NULLS FIRST`` and a ``seq`` column instead of
SQLite's ``rowid``). A :class:`Connection` runs such a statement on its driver
(``sqlite3`` here; psycopg 3 in parity/store/postgres.py) and owns the
transaction state: ``BEGIN``/``COMMIT`` are explicit on both (SQLite in
autocommit mode, psycopg with ``autocommit=True``), so "inside a transaction"
means the same thing everywhere.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Times a transaction that lost a deadlock or serialization race is run again.
RETRIES = 8


class Cursor(Protocol):
    """The part of a DB-API cursor the store uses."""

    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Any: ...


class Connection(Protocol):
    """One connection of one back end: statements, transactions, and which errors mean what."""

    dialect: str
    #: Appended to a ``SELECT`` that reads a row the transaction will rewrite (PostgreSQL: row lock).
    for_update: str
    #: The driver's base error class (a broken or foreign database, a failed statement).
    error: type[Exception]

    @property
    def in_transaction(self) -> bool:
        """Inside a ``begin()`` not yet committed or rolled back."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def begin(self) -> None:
        """Start a write transaction (SQLite: take the write lock now, so concurrent writers queue)."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def retryable(self, exc: BaseException) -> bool:
        """Whether the whole transaction may simply be run again (deadlock, serialization failure)."""

    def close(self) -> None: ...


class SqliteConnection:
    """``sqlite3`` in autocommit mode; ``begin`` is ``BEGIN IMMEDIATE``.

    IMMEDIATE matters once several crawl workers share one file: a transaction
    that reads a row and then writes it would otherwise fail at once with
    "database is locked" when another process committed in between, instead of
    waiting its turn (``busy_timeout``).
    """

    dialect = "sqlite"
    for_update = ""
    error: type[Exception] = sqlite3.DatabaseError

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    def retryable(self, exc: BaseException) -> bool:
        return False  # SQLite serialises writers itself (BEGIN IMMEDIATE + busy_timeout)

    def close(self) -> None:
        self.db.close()


def retried(method: F) -> F:
    """Run a store method (one transaction) again when the database chose it as a deadlock victim
    or the connection was lost (the back end reconnects first: a PostgreSQL restart).

    Only at the outermost level: inside another transaction the caller's whole
    transaction is what must be retried, so the error goes up. Every store write is
    an idempotent upsert, so running one again is safe.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:
                attempt += 1
                if getattr(self, "tx_depth", 0) or attempt > RETRIES or not self.conn.retryable(exc):
                    raise
                time.sleep(random.uniform(0, 0.01 * 2 ** attempt))

    return wrapper  # type: ignore[return-value]
