"""One store connection per crawl process, shared by every spider's pipeline, middleware and ledger.

All spiders of a crawl run in the same reactor thread; sharing one connection
avoids writers blocking each other on the same file, and keeps the ledger's
batched ``doing`` marks in one place (parity/store/ledger.py).
"""

from __future__ import annotations

from parity.store import Store, open_store

_STORES: dict[str, Store] = {}


def shared_store(path: str) -> Store:
    store = _STORES.get(path)
    if store is None:
        store = _STORES[path] = open_store(path)
    return store


def close_all() -> None:
    for store in _STORES.values():
        store.close()
    _STORES.clear()
