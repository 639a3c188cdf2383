"""``parity history``: the runs an audit target's store remembers, parity per organisation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parity.audit.errors import InputError
from parity.audit.request import store_target
from parity.config import load_config


@dataclass(frozen=True)
class History:
    """Finished runs, oldest first (see ``parity.report.history.run_history``)."""

    store: Path | str
    runs: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        from parity.store import describe_store

        return {"store": describe_store(self.store), "runs": self.runs}


def load_history(target: Path, limit: int) -> History:
    """``target``: a store file (``.sqlite``/``.db``) or a config (its store: ``[store] url`` or the default)."""
    from parity.report.history import run_history
    from parity.store import is_postgres_url, open_store

    store: Path | str = target if target.suffix in (".sqlite", ".db") else store_target(load_config(target))
    if not is_postgres_url(store) and not Path(store).is_file():
        raise InputError(f"{store}: no store yet (run an audit first)")
    with open_store(store) as opened:
        return History(store=store, runs=run_history(opened, limit))
