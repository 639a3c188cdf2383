"""The audit as pandas tables: one row per verdict joined with its post and its web item.

Every figure of the report, summary.json and the exports is counted from this one table
(``pd.crosstab`` / ``groupby``), so the page, the JSON and the spreadsheet cannot disagree.

Columns of :func:`verdict_frame` (besides the verdict's own fields): ``platform``,
``published_at`` (ISO, UTC), ``post_url``, ``post_text``, ``post_kind``, ``web_title``,
``image_only`` and ``image_without_alt`` (see below), ``review`` (the verdict's optional
``review: true``).

*Image-only post*: an announcement (``kind = post``) with at least one image whose own text
has fewer than :data:`IMAGE_ONLY_WORDS` words once links, mentions, hashtags and emoji are
left out — its information is in the picture, which a screen reader or a text search
cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from parity.core.records import Media, Post, Verdict, WebItem

IMAGE_ONLY_WORDS = 4
#: media whose information is visual; videos (captions, not alt text) are not counted as images
IMAGE_TYPES = frozenset({"image", "photo", "gifv", "picture"})
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.@-]+")


def is_image(media: Media) -> bool:
    return (media.type or "image").lower() in IMAGE_TYPES


def image_without_alt(media: Media) -> bool:
    """An image a screen-reader user cannot read: no alt text. Media whose alt text the platform
    does not expose (``alt_unknown``, e.g. Facebook attachments) are not counted either way."""
    if (getattr(media, "model_extra", None) or {}).get("alt_unknown"):
        return False
    return is_image(media) and not (media.alt or "").strip()


def image_only(post: Post) -> bool:
    """The post's information is in an image: see the module docstring."""
    if post.kind != "post" or not any(is_image(m) for m in post.media or []):
        return False
    return len(_WORD.findall(_NOISE.sub(" ", post.text or ""))) < IMAGE_ONLY_WORDS


VERDICT_COLUMNS = ["post_id", "org", "verdict", "score", "web_id", "web_url", "missing_facts", "lag_hours", "reason",
                   "reason_key", "review"]
POST_COLUMNS = ["post_id", "platform", "published_at", "post_url", "post_text", "post_kind", "image_only",
                "image_without_alt"]


def _verdict_row(verdict: Verdict) -> dict[str, Any]:
    extra = verdict.model_extra or {}
    return {"post_id": verdict.post_id, "org": verdict.org, "verdict": verdict.verdict, "score": verdict.score,
            "web_id": verdict.web_id, "web_url": verdict.web_url, "missing_facts": list(verdict.missing_facts),
            "lag_hours": verdict.lag_hours, "reason": verdict.reason, "reason_key": extra.get("reason_key"),
            "review": bool(extra.get("review"))}


def _post_row(post: Post) -> dict[str, Any]:
    return {"post_id": post.id, "platform": post.platform, "published_at": post.to_json_dict()["published_at"],
            "post_url": post.url, "post_text": post.text, "post_kind": post.kind, "image_only": image_only(post),
            "image_without_alt": post.kind == "post" and any(image_without_alt(m) for m in post.media or [])}


def verdict_frame(posts: Sequence[Post], verdicts: Sequence[Verdict], web: Sequence[WebItem]) -> pd.DataFrame:
    """One row per verdict (in verdict order) with its post's and its web item's columns."""
    verdict_table = pd.DataFrame([_verdict_row(v) for v in verdicts], columns=VERDICT_COLUMNS)
    post_table = pd.DataFrame([_post_row(p) for p in posts], columns=POST_COLUMNS).drop_duplicates("post_id")
    web_table = pd.DataFrame([{"web_id": w.id, "web_title": w.title} for w in web],
                             columns=["web_id", "web_title"]).drop_duplicates("web_id")
    table = verdict_table.merge(post_table, on="post_id", how="left").merge(web_table, on="web_id", how="left")
    table["platform"] = table["platform"].fillna("unknown")
    for flag in ("image_only", "image_without_alt", "review"):
        table[flag] = table[flag].fillna(False).astype(bool)
    table["lag_hours"] = pd.to_numeric(table["lag_hours"], errors="coerce")
    table["score"] = pd.to_numeric(table["score"], errors="coerce")
    return table


def counts_by(table: pd.DataFrame, keys: list[str], kinds: Sequence[str]) -> pd.DataFrame:
    """Verdict counts per ``keys`` (one column per kind in ``kinds``, zeros filled)."""
    if table.empty:
        return pd.DataFrame(columns=list(kinds), dtype="int64")
    counted = pd.crosstab([table[k] for k in keys], table["verdict"])
    return counted.reindex(columns=list(kinds), fill_value=0).astype("int64")


def median_lag(table: pd.DataFrame) -> float | None:
    """Median ``lag_hours`` of the posts whose page was found (match, partial, late); None if none."""
    lags = table.loc[table["verdict"].isin(("match", "partial", "late")), "lag_hours"].dropna()
    return None if lags.empty else round(float(lags.median()), 1)
