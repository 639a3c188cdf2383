"""One store connection per crawl process, shared by every spider's pipeline.

All spiders of a crawl run in the same reactor thread; sharing one SQLite
connection avoids writers blocking each other on the same file.
"""

from __future__ import annotations

from parity.store import SqliteStore

_STORES: dict[str, SqliteStore] = {}


def shared_store(path: str) -> SqliteStore:
    store = _STORES.get(path)
    if store is None:
        store = _STORES[path] = SqliteStore(path)
    return store


def close_all() -> None:
    for store in _STORES.values():
        store.close()
    _STORES.clear()
