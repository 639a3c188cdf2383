"""Persistence for audits. SQLite is the embedded default (one file per audit target)."""

from parity.store.sqlite import SqliteStore, StoreError, utcnow

__all__ = ["SqliteStore", "StoreError", "utcnow"]
