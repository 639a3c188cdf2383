"""What the report shows, per language: every text already in the reader's language, every
scraped string made safe to show (parity.report.textsafe), so the template only lays it out.

Gaps come first, grouped by announcement (parity.report.announce): one entry per announcement
with at least one gap post, ordered ``social_only``, ``partial``, ``late``, ``unverifiable``
by the announcement's verdict; an announcement whose other post found the page comes last,
with a note. Each post of an entry carries its reason in words (parity.report.reasons), the
best web candidate, the missing facts, an officer's triage mark and, with ``--warc``, the
evidence lines (parity.report.evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parity.core.records import VERDICT_KINDS, Post, SourceStatus, Verdict, WebItem
from parity.report.announce import VERDICT_ORDER, Announcement, group_posts
from parity.report.evidence import EvidenceIndex
from parity.report.localfmt import format_date, format_hours, format_percent
from parity.report.reasons import candidate_reason, reason_text, rejection, review_text
from parity.report.textsafe import safe_href, shown
from parity.report.strings import PLATFORM_NAMES, STRINGS, source_kind, verdict_label


GAP_VERDICTS = ("social_only", "partial", "late", "unverifiable")


@dataclass
class Inputs:
    """Everything one report is made from."""

    summary: dict[str, Any]
    posts: Sequence[Post]
    verdicts: Sequence[Verdict]
    web: Sequence[WebItem]
    sources: Sequence[SourceStatus]
    triage: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: EvidenceIndex | None = None

    def __post_init__(self) -> None:
        self.post_by_id = {p.id: p for p in self.posts}
        self.web_by_id = {w.id: w for w in self.web}
        self.verdict_by_post = {v.post_id: v for v in self.verdicts}
        self.names = {o["id"]: o.get("name") or o["id"] for o in self.summary.get("orgs") or []}
        self.announcements = group_posts(self.posts, self.verdicts)


def text_view(value: object, lang: str, limit: int = 4000) -> dict[str, Any]:
    text, left_out = shown(value, limit)
    more = STRINGS[lang]["more_chars"].format(n=left_out) if left_out else ""
    return {"text": text, "more": more}


def _candidate(data: Inputs, verdict: Verdict) -> WebItem | None:
    if verdict.web_id:
        return data.web_by_id.get(verdict.web_id)
    for candidate in (verdict.model_extra or {}).get("candidates") or []:
        if isinstance(candidate, dict) and candidate.get("web_id") in data.web_by_id:
            return data.web_by_id[candidate["web_id"]]
    return None


def post_view(data: Inputs, verdict: Verdict, lang: str) -> dict[str, Any]:
    """One post with its verdict, as the gap list and the other tables show it."""
    t = STRINGS[lang]
    post = data.post_by_id.get(verdict.post_id)
    record = verdict.to_json_dict()
    candidate = _candidate(data, verdict)
    candidates = [c for c in record.get("candidates") or [] if isinstance(c, dict)]
    chosen_lost = candidate_reason(candidates[0], lang) if candidates and not verdict.web_id else None
    mark = data.triage.get(verdict.post_id)
    evidence = []
    if data.evidence is not None:
        for what, found in ((t["evidence_post"], data.evidence.post(verdict.post_id)),
                            (t["evidence_page"], data.evidence.page(candidate.url if candidate else None))):
            if found is not None:
                evidence.append({"what": what, "record_id": found.record_id, "sha256": found.sha256})
    return {
        "id": verdict.post_id, "org": verdict.org, "org_name": shown(data.names.get(verdict.org, verdict.org))[0],
        "platform": PLATFORM_NAMES.get(post.platform, shown(post.platform)[0]) if post else "–",
        "published": format_date(record_published(post), lang, short=True) if post else "",
        "published_iso": record_published(post) if post else "",
        "url": safe_href(post.url if post else None), "text": text_view(post.text if post else verdict.post_id, lang),
        "verdict": verdict.verdict, "verdict_label": verdict_label(verdict.verdict, lang),
        "candidate": None if candidate is None else {
            "title": shown(candidate.title or candidate.url or candidate.id, 300)[0], "url": safe_href(candidate.url)},
        "lag": format_hours(verdict.lag_hours, lang) if verdict.lag_hours is not None else "",
        "missing": [shown(f, 200)[0] for f in verdict.missing_facts],
        "reason": reason_text(record, lang) or t[f"def_{verdict.verdict}"],
        "candidate_lost": chosen_lost, "rejection": rejection(record, lang),
        "rule": shown((verdict.model_extra or {}).get("rule") or "", 200)[0],
        "review": bool((verdict.model_extra or {}).get("review")), "review_text": review_text(record, lang),
        "triage": None if not mark else {"label": t.get(f"triage_{mark.get('label')}", mark.get("label")),
                                         "note": shown(mark.get("note") or "", 1000)[0],
                                         "at": format_date(mark.get("updated_at"), lang, short=True)},
        "evidence": evidence,
    }


def record_published(post: Post | None) -> str | None:
    return post.to_json_dict()["published_at"] if post else None


def gap_entries(data: Inputs, lang: str) -> list[dict[str, Any]]:
    """Announcements with at least one gap post, gaps first (see the module docstring)."""
    entries = []
    for announcement in data.announcements:
        verdicts = [data.verdict_by_post[p] for p in announcement.post_ids if p in data.verdict_by_post]
        if not any(v.verdict in GAP_VERDICTS for v in verdicts):
            continue
        covered = announcement.verdict not in GAP_VERDICTS
        first = data.post_by_id.get(announcement.post_ids[0])
        entries.append({
            "id": announcement.id, "verdict": announcement.verdict, "title": headline(first.text if first else ""),
            "verdict_label": verdict_label(announcement.verdict, lang), "covered": covered,
            "org_name": shown(data.names.get(announcement.org, announcement.org))[0],
            "posts": [post_view(data, v, lang) for v in verdicts],
            "order": (covered, GAP_VERDICTS.index(announcement.verdict) if not covered else 9,
                      record_published(data.post_by_id.get(announcement.post_ids[0])) or ""),
        })
    entries.sort(key=lambda e: e["order"])
    return entries


def headline(text: str, limit: int = 90) -> str:
    """The start of a post, cut at a word boundary: the title of its announcement in the gap list."""
    flat = " ".join(shown(text, 400)[0].split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def org_cards(data: Inputs, lang: str) -> list[dict[str, Any]]:
    cards = []
    for org in data.summary.get("orgs") or []:
        platforms = [{"name": PLATFORM_NAMES.get(name, shown(name)[0]), "counts": counts,
                      "rate": format_percent(counts.get("parity_rate"), lang),
                      "lag": format_hours(counts.get("median_lag_hours"), lang)}
                     for name, counts in (org.get("platforms") or {}).items()]
        announcements = org.get("announcements") or {}
        cards.append({
            "id": org["id"], "name": shown(org.get("name") or org["id"], 300)[0],
            "rate": format_percent(org.get("parity_rate"), lang), "posts": org.get("posts", 0),
            "announcements": announcements.get("total"),
            "announcement_rate": format_percent(announcements.get("parity_rate"), lang),
            "platforms": platforms, "images_without_alt": org.get("images_without_alt", 0),
            "image_only": org.get("image_only_posts", 0), "lag": format_hours(org.get("median_lag_hours"), lang),
        })
    return cards


def ranking_rows(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The ranking (parity.report.ranking) with display texts next to the sort values."""
    from parity.report.ranking import ranking_table

    rows = []
    for row in ranking_table(summary).to_dict("records"):
        def number(value: Any) -> float | None:
            return None if value is None or value != value else float(value)

        rate, image, lag = number(row["parity_percent"]), number(row["image_only_percent"]), number(row["median_lag_hours"])
        rows.append({
            "rank": row["rank"] if row["rank"] == row["rank"] else "–", "name": shown(row["name"], 300)[0],
            "rate": rate, "rate_text": format_percent(None if rate is None else rate / 100, lang),
            "posts": row["posts"], "social_only": row["social_only"],
            "image": image, "image_text": format_percent(None if image is None else image / 100, lang),
            "lag": lag, "lag_text": format_hours(lag, lang), "announcements": row["announcements"],
        })
    return rows


def source_rows(data: Inputs, lang: str) -> list[dict[str, Any]]:
    t = STRINGS[lang]
    return [{"org_name": shown(data.names.get(s.org, s.org))[0], "kind": source_kind(s.kind, lang),
             "url": shown(s.url or "", 500)[0], "status": s.status, "status_label": t.get(f"status_{s.status}", s.status),
             "count": s.items, "error": shown(s.error or "", 500)[0]} for s in data.sources]


def verdict_rows(data: Inputs, kinds: Sequence[str], lang: str) -> list[dict[str, Any]]:
    return [post_view(data, v, lang) for v in data.verdicts if v.verdict in kinds]


def to_check(data: Inputs, lang: str) -> list[dict[str, Any]]:
    """Verdicts marked ``review: true`` that no one has triaged yet."""
    return [post_view(data, v, lang) for v in data.verdicts
            if (v.model_extra or {}).get("review") and v.post_id not in data.triage]


def announcement_count(announcements: Sequence[Announcement]) -> dict[str, int]:
    return {kind: sum(1 for a in announcements if a.verdict == kind) for kind in VERDICT_ORDER}


def definitions(lang: str) -> list[dict[str, str]]:
    return [{"kind": k, "label": verdict_label(k, lang), "text": STRINGS[lang][f"def_{k}"]} for k in VERDICT_KINDS]
