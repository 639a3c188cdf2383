"""History across nightly runs: does written information stay, and do gaps get closed?

An accessibility officer acts on trends ("parity fell from 92 % to 71 % this week") and on
changes ("these three posts became social-only since yesterday"); a body that says "we have
not removed any written information" is checked by the pages that disappeared after they
had matched a post. Everything comes from what the store already keeps: finished runs with
their summary, each run's verdicts, posts with ``edited_at``/``deleted_at``, web items with
``removed_at``.

:func:`history_block` is the ``history`` object of summary.json (the report's history
section); ``parity history`` shows the same (parity.audit.history).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from parity.core.timeutil import format_time, parse_time
from parity.store import Store

#: verdicts that leave a gap open (``late``: the page exists now; ``unverifiable``: not known)
OPEN_GAP = ("social_only", "partial")
FOUND = ("match", "partial", "late")
_TEXT = 280


def _short(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= _TEXT else text[: _TEXT - 1] + "…"


def _before(first: str | None, second: str | None) -> bool:
    """``first`` is an earlier time than ``second`` (ISO strings of any precision; missing: False)."""
    try:
        a, b = parse_time(first), parse_time(second)
    except ValueError:
        return False
    return a is not None and b is not None and a < b


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
            "generated_at": summary.get("generated_at") or run["started_at"],
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


def open_gaps(store: Store, run_ids: list[str], min_nights: int = 2) -> list[dict[str, Any]]:
    """Posts whose verdict was a gap (:data:`OPEN_GAP`) in each of the last ``nights`` runs, ``nights ≥ min_nights``."""
    if not run_ids:
        return []
    wanted = set(run_ids)
    by_run: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for run_id, org, post_id, verdict in store.verdict_history():
        if run_id in wanted:
            by_run[run_id][post_id] = (org, verdict)
    out = []
    for post_id, (org, verdict) in by_run[run_ids[-1]].items():
        if verdict not in OPEN_GAP:
            continue
        nights = 0
        for run_id in reversed(run_ids):
            found = by_run[run_id].get(post_id)
            if found is None or found[1] not in OPEN_GAP:
                break
            nights += 1
        if nights >= min_nights:
            out.append({"post_id": post_id, "org": org, "verdict": verdict, "nights": nights,
                        "since_run": run_ids[len(run_ids) - nights]})
    return sorted(out, key=lambda g: (-g["nights"], g["org"], g["post_id"]))


def removed_after_match(store: Store, orgs: list[str], run_ids: list[str],
                        started: dict[str, str]) -> list[dict[str, Any]]:
    """Web items taken down (404/410 at a re-check) after a run had matched a post to them, with the post."""
    removed = {w.id: w for w in store.web_items(orgs, include_removed=True) if (w.model_extra or {}).get("removed_at")}
    if not removed:
        return []
    posts = {p.id: p for p in store.posts(orgs)}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for run_id in run_ids:
        for verdict in store.verdicts(run_id):
            item = removed.get(verdict.web_id or "")
            if item is None or verdict.verdict not in FOUND:
                continue
            removed_at = (item.model_extra or {}).get("removed_at") or ""
            if not _before(started.get(run_id), removed_at):
                continue
            post = posts.get(verdict.post_id)
            found[(item.id, verdict.post_id)] = {
                "web_id": item.id, "org": item.org, "url": item.url, "title": item.title, "removed_at": removed_at,
                "post_id": verdict.post_id, "verdict": verdict.verdict, "matched_in_run": run_id,
                "post_url": post.url if post else None, "post_text": _short(post.text if post else ""),
                "platform": post.platform if post else None,
            }
    return sorted(found.values(), key=lambda r: (r["removed_at"], r["org"], r["post_id"]), reverse=True)


def changed_posts(store: Store, orgs: list[str], since: str | None, limit: int = 200) -> dict[str, list[dict]]:
    """Posts edited or deleted (newest first), those changed at or after ``since`` only."""
    out: dict[str, list[dict[str, Any]]] = {"edited": [], "deleted": []}
    for post in store.posts(orgs):
        extra = post.model_extra or {}
        for field, key in (("edited_at", "edited"), ("deleted_at", "deleted")):
            when = format_time(parse_time(extra.get(field))) if extra.get(field) else None
            if when and (since is None or not _before(when, since)):
                out[key].append({"post_id": post.id, "org": post.org, "platform": post.platform, "url": post.url,
                                 "text": _short(post.text), field: when})
    for key, field in (("edited", "edited_at"), ("deleted", "deleted_at")):
        out[key] = sorted(out[key], key=lambda r: r[field], reverse=True)[:limit]
    return out


def history_block(store: Store, current_run: str, orgs: list[str] | None = None, limit: int = 60,
                  min_nights: int = 2) -> dict[str, Any]:
    """The ``history`` object of summary.json: earlier runs, changes since the previous one, pages taken
    down after they had matched, edited and deleted posts since the first run shown, gaps open for nights."""
    runs = [r for r in run_history(store, limit) if r["run_id"] != current_run]
    previous = runs[-1]["run_id"] if runs else None
    run_ids = [r["run_id"] for r in runs] + [current_run]
    started = {r["run_id"]: r["started_at"] for r in store.runs()}
    org_list = orgs if orgs is not None else sorted({o for r in runs for o in r["orgs"]})
    return {
        "runs": runs, "previous_run": previous, "changes": verdict_changes(store, previous, current_run),
        "removed_after_match": removed_after_match(store, org_list, run_ids, started),
        **changed_posts(store, org_list, runs[0]["started_at"] if runs else None),
        "open_gaps": open_gaps(store, run_ids, min_nights),
    }


def removed_items(store: Store, orgs: list[str], limit: int = 200) -> list[dict[str, Any]]:
    """Written information that was taken down: web items a re-check found gone (404/410)."""
    removed = [w for w in store.web_items(orgs, include_removed=True) if (w.model_extra or {}).get("removed_at")]
    removed.sort(key=lambda w: (w.model_extra or {}).get("removed_at") or "", reverse=True)
    return [{"id": w.id, "org": w.org, "url": w.url, "title": w.title,
             "removed_at": (w.model_extra or {}).get("removed_at")} for w in removed[:limit]]


def store_history(store: Store, limit: int = 30, min_nights: int = 2) -> dict[str, Any]:
    """``parity history``: the finished runs (oldest first), parity per organisation over them, and what
    :func:`history_block` says about the newest run (pages removed after a match, edited and deleted
    posts, gaps open for ``min_nights`` nights or more, changes since the run before)."""
    runs = run_history(store, limit)
    orgs = sorted({org for run in runs for org in run["orgs"]})
    trend = {org: [{"run_id": r["run_id"], "at": r["generated_at"], "parity_percent": r["orgs"].get(org)}
                   for r in runs if org in r["orgs"]] for org in orgs}
    details: dict[str, Any] = {"changes": [], "removed_after_match": [], "edited": [], "deleted": [], "open_gaps": []}
    if runs:
        block = history_block(store, runs[-1]["run_id"], orgs, limit, min_nights)
        details = {key: block[key] for key in details}
    return {"runs": runs, "trend": trend, "min_nights": min_nights, **details}
