"""``parity history`` and ``parity triage``: what an audit target's store remembers, and an officer's marks in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.audit.errors import InputError
from parity.audit.request import store_target
from parity.config import load_config


@dataclass(frozen=True)
class History:
    """Finished runs, oldest first, and what they show (see ``parity.report.history.store_history``)."""

    store: Path | str
    runs: list[dict[str, Any]]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from parity.store import describe_store

        return {"store": describe_store(self.store), "runs": self.runs, **self.details}


def store_path_of(target: Path | str) -> Path | str:
    """``target``: a ``postgresql://`` URL, a store file (``.sqlite``/``.db``) or a config (its store:
    ``[store] url`` or the default); a store file must exist."""
    from parity.store import is_postgres_url

    if is_postgres_url(target):
        return str(target)
    target = Path(target)
    store: Path | str = target if target.suffix in (".sqlite", ".db") else store_target(load_config(target))
    if not is_postgres_url(store) and not Path(store).is_file():
        raise InputError(f"{store}: no store yet (run an audit first)")
    return store


def load_history(target: Path | str, limit: int, min_nights: int = 2) -> History:
    """The history of ``target``'s store (a store file, a config, or a ``postgresql://`` URL — kept a string:
    a ``Path`` folds its ``//``)."""
    from parity.report.history import store_history
    from parity.store import open_store

    store_path = store_path_of(target)
    with open_store(store_path) as store:
        found = store_history(store, limit, min_nights)
    runs = found.pop("runs")
    return History(store=store_path, runs=runs, details=found)


def triage_post(target: Path | str, post_id: str, label: str | None, note: str | None = None,
                clear: bool = False) -> dict[str, Any]:
    """``parity triage``: mark ``post_id`` in ``target``'s store (or remove its mark with ``clear``).

    The mark records the post's verdict in the newest finished run, so a reader sees what was
    reviewed. A post the store does not know is an input error (exit 2), never a silent no-op.
    """
    from parity.store import describe_store, open_store

    store_path = store_path_of(target)
    shown = describe_store(store_path)
    with open_store(store_path) as store:
        org = store.post_org(post_id)
        if org is None:
            raise InputError(f"{post_id}: no such post in {shown} (post ids are in posts.jsonl)")
        if clear:
            removed = store.clear_triage(post_id)
            return {"store": shown, "post_id": post_id, "cleared": removed}
        if not label:
            raise InputError("--as: required (not-an-announcement, confirmed-gap or wrong-match), or --clear")
        verdict, run_id = _latest_verdict(store, post_id)
        mark = store.set_triage(post_id, org, label, note, verdict, run_id)
    return {"store": shown, **mark}


def _latest_verdict(store: Any, post_id: str) -> tuple[str | None, str | None]:
    finished = [r["run_id"] for r in store.runs() if r["status"] == "finished"]
    found: tuple[str | None, str | None] = (None, None)
    for run_id, _, post, verdict in store.verdict_history():
        if post == post_id and run_id in finished:
            found = (verdict, run_id)
    return found
