"""The ranking of organisations that a journalist comparing several bodies publishes.

One row per organisation of summary.json, best parity first (organisations without any
rated post last), with what a comparison needs next to the rate: how many posts, how many
exist only on social media, the share of announcements whose information is only in an
image, and the median lag between post and page. Exported as ``ranking.csv`` and as the
first sheet of ``verdicts.xlsx``; the report's table sorts by any column in the page.

Columns (stable; README "Output folder"): ``rank``, ``org``, ``name``, ``parity_percent``,
``posts``, ``match``, ``partial``, ``late``, ``social_only``, ``unverifiable``, ``excluded``,
``image_only_percent``, ``median_lag_hours``, ``announcements``, ``announcement_parity_percent``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

RANKING_COLUMNS = ["rank", "org", "name", "parity_percent", "posts", "match", "partial", "late", "social_only",
                   "unverifiable", "excluded", "image_only_percent", "median_lag_hours", "announcements",
                   "announcement_parity_percent"]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def ranking_table(summary: dict[str, Any]) -> pd.DataFrame:
    """The ranking as a table (columns :data:`RANKING_COLUMNS`); ties share a rank."""
    rows = []
    for org in summary.get("orgs") or []:
        counts = org.get("counts") or {}
        announcements = org.get("announcements") or {}
        rows.append({
            "org": org["id"], "name": org.get("name") or org["id"], "parity_percent": org.get("parity_percent"),
            "posts": org.get("posts", 0), **{k: counts.get(k, 0) for k in RANKING_COLUMNS[5:11]},
            "image_only_percent": _percent(org.get("image_only_share")),
            "median_lag_hours": org.get("median_lag_hours"),
            "announcements": announcements.get("total"),
            "announcement_parity_percent": _percent(announcements.get("parity_rate")),
        })
    table = pd.DataFrame(rows, columns=RANKING_COLUMNS[1:])
    if table.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    table = table.sort_values(["parity_percent", "name"], ascending=[False, True], na_position="last",
                              kind="stable").reset_index(drop=True)
    ranks = table["parity_percent"].rank(method="min", ascending=False)
    table.insert(0, "rank", ranks.astype("Int64"))
    return table[RANKING_COLUMNS]
