"""The store on both back ends for tests: one parametrized fixture, SQLite and a real PostgreSQL.

Import the fixtures into the test module (pytest looks them up there)::

    from tests.support.stores import postgres_db, postgres_srv, store, store_target  # noqa: F401

``store_target`` is a SQLite path or the URL of a fresh PostgreSQL database
(tests/support/servers.py starts one cluster per test process); ``store`` is the
store opened on it. ``sql(store, query, *params)`` runs a statement on either back
end (``?`` placeholders), for tests that damage or inspect tables directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parity.store import SqlStore, open_store
from tests.support.servers import postgres_db, postgres_srv

BACK_ENDS = ("sqlite", "postgresql")

__all__ = ["BACK_ENDS", "postgres_db", "postgres_srv", "sql", "store", "store_target"]


@pytest.fixture(params=BACK_ENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a SQLite file, or a new empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.sqlite")
    return str(request.getfixturevalue("postgres_db"))


@pytest.fixture
def store(store_target: str) -> Iterator[SqlStore]:
    with open_store(store_target) as opened:
        yield opened  # type: ignore[misc]


def sql(store: Any, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run ``query`` on the store's own connection; the rows it returns (none for a write)."""
    cur = store.conn.execute(query, params)
    if cur.description is None:  # a statement without a result set
        return []
    return [tuple(row) for row in cur.fetchall()]
