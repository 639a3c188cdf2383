"""Figures of an audit: counts per organisation and platform, parity rates, exit code.

Pure functions of the records, so ``parity report DIR`` rebuilds exactly the
figures ``parity audit`` printed, from the JSONL files alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from parity.core.exitcodes import outcome
from parity.core.records import RATED_VERDICTS, VERDICT_KINDS, Post, SourceStatus, Verdict



def parity_rate(counts: Counter[str] | dict[str, int]) -> float | None:
    """match / (match + partial + late + social_only); None when nothing is rated."""
    rated = sum(counts.get(kind, 0) for kind in RATED_VERDICTS)
    return None if rated == 0 else counts.get("match", 0) / rated


def _counts(verdicts: Iterable[Verdict]) -> dict[str, int]:
    counter = Counter(v.verdict for v in verdicts)
    return {kind: counter.get(kind, 0) for kind in VERDICT_KINDS}


#: Media whose information is visual; videos (captions, not alt text) are not counted as images.
_IMAGE_TYPES = frozenset({"image", "photo", "gifv", "picture"})


def image_without_alt(media: Any) -> bool:
    """An image a screen-reader user cannot read: no alt text. Media whose alt text the platform
    does not expose (``alt_unknown``, e.g. Facebook attachments) are not counted either way."""
    if (getattr(media, "model_extra", None) or {}).get("alt_unknown"):
        return False
    return (media.type or "image").lower() in _IMAGE_TYPES and not (media.alt or "").strip()


def summarise(
    posts: Sequence[Post],
    verdicts: Sequence[Verdict],
    sources: Sequence[SourceStatus],
    org_names: dict[str, str | None] | None = None,
    fail_under: float | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The summary.json object; ``exit_code`` follows the contract (4 beats 3)."""
    platform_of = {p.id: p.platform for p in posts}
    missing_alt = Counter(p.org for p in posts if p.kind == "post" and any(image_without_alt(m) for m in p.media or []))
    by_org: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_org[verdict.org].append(verdict)
    source_by_org: dict[str, list[SourceStatus]] = defaultdict(list)
    for source in sources:
        source_by_org[source.org].append(source)
    org_ids = list(dict.fromkeys([*(org_names or {}).keys(), *by_org.keys(), *source_by_org.keys()]))
    orgs = []
    for org in org_ids:
        org_verdicts = by_org.get(org, [])
        counts = _counts(org_verdicts)
        platforms: dict[str, dict[str, int]] = {}
        for platform in sorted({platform_of.get(v.post_id, "unknown") for v in org_verdicts}):
            platforms[platform] = _counts(v for v in org_verdicts if platform_of.get(v.post_id, "unknown") == platform)
            platforms[platform]["parity_rate"] = parity_rate(platforms[platform])  # type: ignore[assignment]
        rate = parity_rate(counts)
        org_sources = source_by_org.get(org, [])
        incomplete = [s for s in org_sources if s.status != "ok"]
        orgs.append({
            "id": org,
            "name": (org_names or {}).get(org) or org,
            "posts": len(org_verdicts),
            "counts": counts,
            "parity_rate": rate,
            "parity_percent": None if rate is None else round(100 * rate, 1),
            "platforms": platforms,
            "images_without_alt": missing_alt.get(org, 0),
            "sources": {"total": len(org_sources), "incomplete": len(incomplete)},
            "below_threshold": bool(fail_under is not None and rate is not None and 100 * rate < fail_under),
        })
    totals = _counts(verdicts)
    total_rate = parity_rate(totals)
    source_states = Counter(s.status for s in sources)
    any_incomplete = any(s.status != "ok" for s in sources)
    any_below = any(o["below_threshold"] for o in orgs)
    exit_code = int(outcome(any_below, any_incomplete))
    return {
        **(meta or {}),
        "fail_under": fail_under,
        "posts": len(verdicts),
        "counts": totals,
        "parity_rate": total_rate,
        "parity_percent": None if total_rate is None else round(100 * total_rate, 1),
        "sources": {state: source_states.get(state, 0) for state in ("ok", "partial", "failed", "robots_blocked")},
        "orgs": orgs,
        "exit_code": exit_code,
    }
