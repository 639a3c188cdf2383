"""History across nightly runs: parity per organisation over time, and what changed since last night.

An accessibility officer acts on trends ("parity fell from 92 % to 71 % this
week") and on changes ("these three posts became social-only since
yesterday"); both come from the runs and verdicts the store already keeps.
"""

from __future__ import annotations

from typing import Any

from parity.store import Store


def run_history(store: Store, limit: int = 60) -> list[dict[str, Any]]:
    """Finished runs, oldest first: when, exit code, and parity per organisation."""
    rows = []
    for run in store.runs():
        summary = run.get("summary") or {}
        if run["status"] != "finished" or not summary.get("orgs"):
            continue
        rows.append({
            "run_id": run["run_id"],
            "started_at": run["started_at"],
            "exit_code": run["exit_code"],
            "orgs": {org["id"]: org.get("parity_percent") for org in summary["orgs"]},
            "counts": {org["id"]: org.get("counts") for org in summary["orgs"]},
        })
    return rows[-limit:]


def verdict_changes(store: Store, previous_run: str | None, current_run: str) -> list[dict[str, Any]]:
    """Posts whose verdict differs between two runs (new posts are not changes)."""
    if previous_run is None:
        return []
    before = {v.post_id: v.verdict for v in store.verdicts(previous_run)}
    changes = []
    for verdict in store.verdicts(current_run):
        old = before.get(verdict.post_id)
        if old is not None and old != verdict.verdict:
            changes.append({"post_id": verdict.post_id, "org": verdict.org, "from": old, "to": verdict.verdict})
    return changes


def history_block(store: Store, current_run: str, limit: int = 60) -> dict[str, Any]:
    """The ``history`` object of summary.json: earlier runs and changes since the previous one."""
    runs = [r for r in run_history(store, limit) if r["run_id"] != current_run]
    previous = runs[-1]["run_id"] if runs else None
    return {"runs": runs, "previous_run": previous, "changes": verdict_changes(store, previous, current_run)}


def removed_items(store: Store, orgs: list[str], limit: int = 200) -> list[dict[str, Any]]:
    """Written information that was taken down: web items a re-check found gone (404/410)."""
    removed = [w for w in store.web_items(orgs, include_removed=True) if (w.model_extra or {}).get("removed_at")]
    removed.sort(key=lambda w: (w.model_extra or {}).get("removed_at") or "", reverse=True)
    return [{"id": w.id, "org": w.org, "url": w.url, "title": w.title,
             "removed_at": (w.model_extra or {}).get("removed_at")} for w in removed[:limit]]
