"""Figures of an audit: counts per organisation and platform, parity rates, exit code.

Pure functions of the records, so ``parity report DIR`` rebuilds exactly the figures
``parity audit`` printed, from the JSONL files alone. Counted with pandas from
:func:`parity.report.frames.verdict_frame` (the same table the exports are written from).

Per organisation, besides the contract's counts: ``median_lag_hours`` (posts whose page was
found), ``image_only_posts`` / ``image_only_share`` (of its announcements, ``kind = post``),
``images_without_alt`` and ``announcements`` (the same counts per announcement:
parity.report.announce).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from parity.core.exitcodes import outcome
from parity.core.records import RATED_VERDICTS, VERDICT_KINDS, Post, SourceStatus, Verdict
from parity.report.announce import group_posts
from parity.report.frames import counts_by, image_without_alt, median_lag, verdict_frame

__all__ = ["image_without_alt", "parity_rate", "summarise"]


def parity_rate(counts: dict[str, int] | pd.Series) -> float | None:
    """match / (match + partial + late + social_only); None when nothing is rated."""
    rated = sum(int(counts.get(kind, 0)) for kind in RATED_VERDICTS)
    return None if rated == 0 else int(counts.get("match", 0)) / rated


def _count_dict(row: pd.Series | None) -> dict[str, int]:
    return {kind: int(row[kind]) if row is not None else 0 for kind in VERDICT_KINDS}


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _announcements(posts: Sequence[Post], verdicts: Sequence[Verdict]) -> pd.DataFrame:
    groups = group_posts(posts, verdicts)
    return pd.DataFrame([{"org": a.org, "verdict": a.verdict} for a in groups], columns=["org", "verdict"])


def summarise(
    posts: Sequence[Post],
    verdicts: Sequence[Verdict],
    sources: Sequence[SourceStatus],
    org_names: dict[str, str | None] | None = None,
    fail_under: float | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The summary.json object; ``exit_code`` follows the contract (4 beats 3)."""
    table = verdict_frame(posts, verdicts, [])
    by_org = counts_by(table, ["org"], VERDICT_KINDS)
    by_platform = counts_by(table, ["org", "platform"], VERDICT_KINDS)
    announcements = counts_by(_announcements(posts, verdicts), ["org"], VERDICT_KINDS)
    post_table = pd.DataFrame([{"org": p.org, "kind": p.kind, "no_alt": any(image_without_alt(m) for m in p.media or [])}
                               for p in posts], columns=["org", "kind", "no_alt"])
    missing_alt = post_table[(post_table["kind"] == "post") & post_table["no_alt"].astype(bool)].groupby("org").size()
    source_table = pd.DataFrame([{"org": s.org, "status": s.status} for s in sources], columns=["org", "status"])
    org_ids = list(dict.fromkeys([*(org_names or {}).keys(), *table["org"], *source_table["org"]]))
    orgs = []
    for org in org_ids:
        rows = table[table["org"] == org]
        counts = _count_dict(by_org.loc[org] if org in by_org.index else None)
        platforms: dict[str, dict[str, Any]] = {}
        for platform in sorted(rows["platform"].unique()):
            platform_counts: dict[str, Any] = _count_dict(by_platform.loc[(org, platform)])
            platform_counts["parity_rate"] = parity_rate(platform_counts)
            platform_counts["median_lag_hours"] = median_lag(rows[rows["platform"] == platform])
            platforms[platform] = platform_counts
        rate = parity_rate(counts)
        announced = rows[rows["post_kind"] == "post"]
        per_announcement = _count_dict(announcements.loc[org] if org in announcements.index else None)
        org_sources = source_table[source_table["org"] == org]
        orgs.append({
            "id": org,
            "name": (org_names or {}).get(org) or org,
            "posts": len(rows),
            "counts": counts,
            "parity_rate": rate,
            "parity_percent": _percent(rate),
            "platforms": platforms,
            "images_without_alt": int(missing_alt.get(org, 0)),
            "sources": {"total": len(org_sources), "incomplete": int((org_sources["status"] != "ok").sum())},
            "below_threshold": bool(fail_under is not None and rate is not None and 100 * rate < fail_under),
            "median_lag_hours": median_lag(rows),
            "image_only_posts": int(announced["image_only"].sum()),
            "image_only_share": None if announced.empty else round(float(announced["image_only"].mean()), 4),
            "announcements": {"total": sum(per_announcement.values()), "counts": per_announcement,
                              "parity_rate": parity_rate(per_announcement)},
        })
    totals = _count_dict(counts_by(table.assign(all="all"), ["all"], VERDICT_KINDS).sum())
    total_rate = parity_rate(totals)
    states = source_table["status"].value_counts()
    any_incomplete = bool((source_table["status"] != "ok").any())
    any_below = any(o["below_threshold"] for o in orgs)
    return {
        **(meta or {}),
        "fail_under": fail_under,
        "posts": len(verdicts),
        "counts": totals,
        "parity_rate": total_rate,
        "parity_percent": _percent(total_rate),
        "sources": {state: int(states.get(state, 0)) for state in ("ok", "partial", "failed", "robots_blocked")},
        "orgs": orgs,
        "exit_code": int(outcome(any_below, any_incomplete)),
    }
