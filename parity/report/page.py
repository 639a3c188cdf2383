"""The whole page in one language: every section's content (parity.report.view) and its charts.

The template lays out what this returns; nothing here is markup except the charts' SVG
(parity.report.charts), which holds only numbers and escaped labels.
"""

from __future__ import annotations

from typing import Any

from parity.core.records import VERDICT_KINDS
from parity.report import charts
from parity.report.localfmt import format_date, format_number, format_percent
from parity.report.strings import PLATFORM_NAMES, STRINGS, verdict_label
from parity.report.textsafe import safe_href, shown
from parity.report.view import (
    Inputs,
    definitions,
    gap_entries,
    org_cards,
    ranking_rows,
    source_rows,
    to_check,
    verdict_rows,
)


def chart_set(data: Inputs, lang: str) -> dict[str, Any]:
    t = STRINGS[lang]
    names = {k: verdict_label(k, lang) for k in VERDICT_KINDS}
    rows = []
    for org in data.summary.get("orgs") or []:
        for platform, counts in (org.get("platforms") or {}).items():
            rows.append((f"{org.get('name') or org['id']} · {PLATFORM_NAMES.get(platform, platform)}", counts))
    lags = [v.lag_hours for v in data.verdicts if v.verdict in ("match", "partial", "late") and v.lag_hours is not None]
    bins = charts.lag_bins(lags, lang)
    return {
        "verdicts": charts.verdict_bars(rows, VERDICT_KINDS, names, t["chart_verdicts"]) if rows else "",
        "lag": charts.bar_list(bins, t["chart_lag"] + ": " + ", ".join(f"{label} {n}" for label, n in bins))
        if lags else "",
        "trend": charts.trend_chart(charts.trend_series(data.summary), lang, t["chart_trend"]),
        "legend": [{"kind": k, "label": names[k], "colour": charts.COLOURS[k]} for k in VERDICT_KINDS],
    }


def history_view(data: Inputs, lang: str) -> dict[str, Any]:
    """The history section: earlier runs, changes, removed pages, edited/deleted posts, open gaps."""
    history = data.summary.get("history") or {}
    names = data.names

    def org_name(org: str) -> str:
        return shown(names.get(org, org))[0]

    runs = [{"when": format_date(r.get("generated_at") or r.get("started_at"), lang, short=True),
             "rates": [format_percent(None if r["orgs"].get(o) is None else r["orgs"][o] / 100, lang)
                       for o in names]} for r in history.get("runs") or []]
    if runs:
        runs.append({"when": format_date(data.summary.get("generated_at"), lang, short=True),
                     "rates": [format_percent(o.get("parity_rate"), lang) for o in data.summary.get("orgs") or []]})
    post_text = {p.id: shown(p.text, 300)[0] for p in data.posts}
    return {
        "present": bool(history.get("runs")) or any(history.get(k) for k in ("removed_after_match", "edited",
                                                                                "deleted", "open_gaps")),
        "orgs": [org_name(o) for o in names], "runs": runs,
        "changes": [{"text": post_text.get(c["post_id"], shown(c["post_id"])[0]), "org_name": org_name(c["org"]),
                     "from": c["from"], "from_label": verdict_label(c["from"], lang),
                     "to": c["to"], "to_label": verdict_label(c["to"], lang)} for c in history.get("changes") or []],
        "removed_after_match": [
            {"org_name": org_name(r["org"]), "title": shown(r.get("title") or r.get("url") or "", 300)[0],
             "url": safe_href(r.get("url")), "removed_at": format_date(r.get("removed_at"), lang, short=True),
             "post_text": shown(r.get("post_text"), 300)[0], "post_url": safe_href(r.get("post_url")),
             "verdict": r["verdict"], "verdict_label": verdict_label(r["verdict"], lang)}
            for r in history.get("removed_after_match") or []],
        "edited": [{"org_name": org_name(p["org"]), "text": shown(p.get("text"), 300)[0], "url": safe_href(p.get("url")),
                    "when": format_date(p.get("edited_at"), lang, short=True)} for p in history.get("edited") or []],
        "deleted": [{"org_name": org_name(p["org"]), "text": shown(p.get("text"), 300)[0],
                     "url": safe_href(p.get("url")), "when": format_date(p.get("deleted_at"), lang, short=True)}
                    for p in history.get("deleted") or []],
        "open_gaps": [{"org_name": org_name(g["org"]), "text": post_text.get(g["post_id"], shown(g["post_id"])[0]),
                       "verdict": g["verdict"], "verdict_label": verdict_label(g["verdict"], lang),
                       "nights": g["nights"]} for g in history.get("open_gaps") or []],
    }


def removed_rows(data: Inputs, lang: str) -> list[dict[str, Any]]:
    return [{"org_name": shown(data.names.get(r["org"], r["org"]))[0],
             "title": shown(r.get("title") or r.get("url") or "", 300)[0], "url": safe_href(r.get("url")),
             "removed_at": format_date(r.get("removed_at"), lang, short=True)}
            for r in data.summary.get("removed") or []]


def _number(value: Any, lang: str) -> str:
    if not isinstance(value, (int, float)):
        return "–"
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def language_page(data: Inputs, lang: str) -> dict[str, Any]:
    """Everything the template shows in ``lang``."""
    summary = data.summary
    gaps = gap_entries(data, lang)
    sources = summary.get("sources") or {}
    return {
        "lang": lang, "t": STRINGS[lang],
        "generated": format_date(summary.get("generated_at"), lang),
        "window_days": _number(summary.get("window_days"), lang), "grace_hours": _number(summary.get("grace_hours"), lang),
        "incomplete": bool(sources.get("partial") or sources.get("failed") or sources.get("robots_blocked")),
        "orgs": org_cards(data, lang), "ranking": ranking_rows(summary, lang) if len(data.names) > 1 else [],
        "charts": chart_set(data, lang), "gaps": gaps,
        "gap_posts": sum(1 for e in gaps for p in e["posts"] if p["verdict"] in ("social_only", "partial", "late",
                                                                                 "unverifiable")),
        "gap_announcements": sum(1 for e in gaps if not e["covered"]),
        "to_check": to_check(data, lang), "matched": verdict_rows(data, ("match",), lang),
        "excluded": verdict_rows(data, ("excluded",), lang), "history": history_view(data, lang),
        "removed": removed_rows(data, lang), "sources": source_rows(data, lang), "definitions": definitions(lang),
        "verdict_kinds": [{"kind": k, "label": verdict_label(k, lang)} for k in VERDICT_KINDS],
    }
