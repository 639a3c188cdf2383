"""``parity history``: the runs an audit target's store remembers, parity per organisation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parity.audit.errors import InputError
from parity.audit.request import default_store_path
from parity.config import load_config


@dataclass(frozen=True)
class History:
    """Finished runs, oldest first (see ``parity.report.history.run_history``)."""

    store: Path
    runs: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"store": str(self.store), "runs": self.runs}


def load_history(target: Path, limit: int) -> History:
    """``target``: a store file (``.sqlite``/``.db``) or a config (its default store)."""
    from parity.report.history import run_history
    from parity.store import SqliteStore

    store_path = target if target.suffix in (".sqlite", ".db") else default_store_path(load_config(target))
    if not store_path.is_file():
        raise InputError(f"{store_path}: no store yet (run an audit first)")
    with SqliteStore(store_path) as store:
        return History(store=store_path, runs=run_history(store, limit))
