"""The human report: one self-contained HTML file, Swedish and English, no external assets.

Officers open it from a mail attachment and journalists publish screenshots of
it, so it must render offline and every scraped string is escaped (jinja2
autoescape) — a post or page is never trusted markup.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from parity.core.records import Post, SourceStatus, Verdict, WebItem

_STOCKHOLM = ZoneInfo("Europe/Stockholm")
GAP_VERDICTS = ("social_only", "partial", "late", "unverifiable")

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Jämförelse sociala medier och webb",
        "lead": "Finns allt som organisationen meddelar i sociala medier också i skrift, på webben eller på papper? "
                "En invånare utan dator eller konto i sociala medier ska inte missa en vattenavstängning, "
                "en stängd skola eller ett sammanträde.",
        "generated": "Skapad", "local_time": "svensk tid", "window": "Granskade inlägg från de senaste", "days": "dagar",
        "grace": "Respittid", "hours": "timmar", "org": "Organisation", "rate": "Paritet",
        "posts": "Inlägg", "platform": "Plattform", "sources": "Källor", "status": "Status", "items": "Poster",
        "error": "Fel", "gaps": "Luckor", "no_gaps": "Inga luckor hittades.", "published": "Publicerad",
        "post": "Inlägg", "verdict": "Bedömning", "candidate": "Bästa kandidat på webben", "why": "Varför",
        "missing": "Saknas på webben", "none": "ingen", "matched": "Inlägg som finns i skrift",
        "excluded": "Undantagna inlägg", "rule": "Regel", "images_without_alt": "Bilder utan alt-text",
        "definitions": "Bedömningar", "lag": "Fördröjning (h)", "open": "öppna",
        "history": "Historik", "run": "Körning", "changes": "Ändrade bedömningar sedan förra körningen",
        "removed": "Borttaget från webben", "removed_at": "Borttaget", "trend": "Paritet över tid",
        "incomplete_note": "Alla källor kunde inte hämtas fullständigt: inlägg utan träff bedöms som "
                           "\"kan inte avgöras\" i stället för \"bara i sociala medier\".",
        "match": "finns", "partial": "delvis", "late": "sent", "social_only": "bara i sociala medier",
        "unverifiable": "kan inte avgöras", "excluded_v": "undantaget",
        "def_match": "en sida eller skrift från samma organisation har inläggets information och kom senast inom respittiden",
        "def_partial": "en sida om samma sak finns, men nyckeluppgifter (datum, tider, platser, belopp, kontakter) saknas",
        "def_late": "som \"finns\", men sidan kom efter respittiden",
        "def_social_only": "ingen sida eller skrift har informationen",
        "def_unverifiable": "ingen träff, och organisationens webb kunde inte hämtas fullständigt: frånvaro kan inte konstateras",
        "def_excluded": "inget meddelande som behöver en skriftlig motsvarighet: svar, delningar, konfigurerade regler",
    },
    "en": {
        "title": "Social media and web parity",
        "lead": "Does everything the organisation announces on social media also exist in writing, on the web or on paper? "
                "A resident without a computer or a social account must not miss a water shutoff, a school closure "
                "or a council meeting.",
        "generated": "Generated", "local_time": "Swedish time", "window": "Posts audited from the last", "days": "days",
        "grace": "Grace period", "hours": "hours", "org": "Organisation", "rate": "Parity",
        "posts": "Posts", "platform": "Platform", "sources": "Sources", "status": "Status", "items": "Items",
        "error": "Error", "gaps": "Gaps", "no_gaps": "No gaps found.", "published": "Published",
        "post": "Post", "verdict": "Verdict", "candidate": "Best web candidate", "why": "Why",
        "missing": "Missing on the web", "none": "none", "matched": "Posts found in writing",
        "excluded": "Excluded posts", "rule": "Rule", "images_without_alt": "Images without alt text",
        "definitions": "Verdicts", "lag": "Lag (h)", "open": "open",
        "history": "History", "run": "Run", "changes": "Verdicts changed since the previous run",
        "removed": "Taken down from the web", "removed_at": "Removed", "trend": "Parity over time",
        "incomplete_note": "Some sources could not be fully collected: unmatched posts are rated "
                           "\"unverifiable\" instead of \"social only\".",
        "match": "match", "partial": "partial", "late": "late", "social_only": "social only",
        "unverifiable": "unverifiable", "excluded_v": "excluded",
        "def_match": "a web or written item of the same organisation carries the post's information and appeared within the grace period",
        "def_partial": "an item on the same matter exists, but key facts (dates, times, places, amounts, contacts) are missing",
        "def_late": "as match, but the item appeared after the grace period",
        "def_social_only": "no web or written item carries the information",
        "def_unverifiable": "no match, and the organisation's web side was not fully collected: absence cannot be concluded",
        "def_excluded": "not an announcement needing a written counterpart: replies, reshares, configured rules",
    },
}


def readable_time(value: str | None) -> str:
    """``2026-11-04T14:00:00Z`` → ``2026-11-04 15:00`` in Swedish time (the audited bodies' clock)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(_STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def safe_href(url: str | None) -> str:
    """Only http(s) links become clickable; a scraped ``javascript:`` URL is neutralised."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return "#"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("parity.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.0f} %"
    env.filters["hours"] = lambda v: "" if v is None else f"{v:.1f}"
    env.filters["href"] = safe_href
    env.filters["when"] = readable_time
    return env


def _rows(posts: list[Post], verdicts: list[Verdict], web: list[WebItem]) -> dict[str, list[dict[str, Any]]]:
    """Verdicts joined with their post and candidate, grouped for the template."""
    post_by_id = {p.id: p for p in posts}
    web_by_id = {w.id: w for w in web}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for verdict in verdicts:
        post = post_by_id.get(verdict.post_id)
        extra = verdict.model_extra or {}
        candidates = extra.get("candidates") or []
        best = web_by_id.get(verdict.web_id) if verdict.web_id else None
        rejected = None
        if best is None and candidates:
            first = candidates[0]
            best = web_by_id.get(first.get("web_id")) if isinstance(first, dict) else None
            rejected = (first.get("why_rejected") or first.get("why")) if isinstance(first, dict) else None
        row = {
            "verdict": verdict,
            "post": post,
            "published": post.to_json_dict()["published_at"] if post else None,
            "candidate": best,
            "rejected": rejected,
            "rule": extra.get("rule"),
        }
        group = "gap" if verdict.verdict in GAP_VERDICTS else verdict.verdict
        groups[group].append(row)
    groups["gap"].sort(key=lambda r: (GAP_VERDICTS.index(r["verdict"].verdict), r["published"] or ""))
    return groups


def sparkline(values: list[float | None], width: int = 160, height: int = 36) -> str:
    """SVG polyline points for parity percentages (0–100); gaps (None) are skipped.

    Only numbers go into the markup, so the returned string is safe to embed.
    """
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    step = width / max(1, len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - (v / 100) * height:.1f}" for i, v in points)


def _trends(summary: dict[str, Any]) -> list[dict[str, Any]]:
    runs = list((summary.get("history") or {}).get("runs") or [])
    out = []
    for org in summary.get("orgs", []):
        values = [run["orgs"].get(org["id"]) for run in runs] + [org.get("parity_percent")]
        out.append({"id": org["id"], "name": org["name"], "points": sparkline(values), "values": values})
    return out


def render_report(
    summary: dict[str, Any], posts: list[Post], verdicts: list[Verdict], web: list[WebItem],
    sources: list[SourceStatus],
) -> str:
    """The complete HTML document (both languages; Swedish shown first)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=summary, strings=STRINGS, rows=_rows(posts, verdicts, web), sources=sources,
        trends=_trends(summary), history=summary.get("history") or {}, removed=summary.get("removed") or [],
        verdict_kinds=("match", "partial", "late", "social_only", "unverifiable", "excluded"),
    )


def write_report(path: Path, html: str) -> None:
    from parity.core.jsonl import write_text_atomic

    write_text_atomic(path, html)
