"""Every word of the report's interface in Swedish and English (reasons are in parity.report.reasons).

One dict per language with the same keys (tests/unit/test_report_view.py checks that), so
a new label cannot exist in one language only.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Jämförelse sociala medier och webb",
        "lead": "Finns allt som organisationen meddelar i sociala medier också i skrift, på webben eller på papper? "
                "En invånare utan dator eller konto i sociala medier ska inte missa en vattenavstängning, "
                "en stängd skola eller ett sammanträde.",
        "language": "Språk", "contents": "Innehåll", "generated": "Skapad", "local_time": "svensk tid",
        "window": "Granskade inlägg från de senaste", "days": "dagar", "grace": "Respittid", "hours": "timmar",
        "org": "Organisation", "rate": "Paritet", "posts": "Inlägg", "platform": "Plattform", "sources": "Källor",
        "status": "Status", "item_count": "Poster", "error": "Fel", "overview": "Översikt",
        "gaps": "Luckor", "no_gaps": "Inga luckor hittades.", "published": "Publicerad", "post": "Inlägg",
        "verdict": "Bedömning", "candidate": "Bästa kandidat på webben", "why": "Varför",
        "missing": "Saknas på webben", "none": "ingen", "matched": "Inlägg som finns i skrift",
        "excluded": "Undantagna inlägg", "rule": "Regel", "images_without_alt": "Bilder utan alt-text",
        "image_only": "Meddelanden bara i bild", "definitions": "Bedömningarna", "lag": "Fördröjning",
        "median_lag": "Fördröjning (median)", "open": "öppna inlägget", "open_page": "öppna sidan",
        "history": "Historik", "run": "Körning", "changes": "Ändrade bedömningar sedan förra körningen",
        "removed": "Borttaget från webben", "removed_at": "Borttaget", "trend": "Paritet över tid",
        "incomplete_note": "Alla källor kunde inte hämtas fullständigt: inlägg utan träff bedöms som "
                           "\"kan inte avgöras\" i stället för \"bara i sociala medier\".",
        "match": "finns", "partial": "delvis", "late": "sent", "social_only": "bara i sociala medier",
        "unverifiable": "kan inte avgöras", "excluded_v": "undantaget",
        "def_match": "en sida eller skrift från samma organisation har inläggets information och kom senast "
                     "inom respittiden",
        "def_partial": "en sida om samma sak finns, men nyckeluppgifter (datum, tider, platser, belopp, kontakter) "
                       "saknas",
        "def_late": "som \"finns\", men sidan kom efter respittiden",
        "def_social_only": "ingen sida eller skrift har informationen",
        "def_unverifiable": "ingen träff, och organisationens webb kunde inte hämtas fullständigt: frånvaro kan "
                            "inte konstateras",
        "def_excluded": "inget meddelande som behöver en skriftlig motsvarighet: svar, delningar, konfigurerade regler",
        "announcements": "Meddelanden", "announcement": "Meddelande",
        "per_post": "per inlägg", "per_announcement": "per meddelande",
        "gap_summary": "{posts} inlägg i {announcements} meddelanden",
        "also_found": "Samma meddelande finns i skrift via ett annat inlägg.",
        "grouping_note": "Inlägg från samma organisation med samma länk, eller nästan samma text på olika "
                         "plattformar inom 36 timmar, räknas som ett meddelande.",
        "to_check": "Att kontrollera", "to_check_note": "Bedömningar som matcharen själv är osäker på.",
        "triage": "Granskning", "triaged": "Granskad", "note": "Anteckning",
        "triage_not-an-announcement": "inget meddelande", "triage_confirmed-gap": "bekräftad lucka",
        "triage_wrong-match": "fel träff",
        "evidence": "Belägg (WARC)", "evidence_post": "svar med inlägget", "evidence_page": "sidan",
        "ranking": "Rangordning", "ranking_note": "Sortera genom att välja en kolumnrubrik.",
        "rank": "Plats", "social_only_n": "Bara i sociala medier", "image_only_share": "Bara i bild",
        "charts": "Diagram", "chart_verdicts": "Bedömningar per organisation och plattform",
        "chart_lag": "Fördröjning mellan inlägg och sida", "lag_note": "Inlägg vars sida hittades (finns, delvis, "
                                                                     "sent).",
        "chart_trend": "Paritet över tid per organisation",
        "edited": "Ändrade inlägg", "deleted": "Raderade inlägg", "edited_at": "Ändrat", "deleted_at": "Raderat",
        "removed_after_match": "Sidor som togs bort efter att ha matchat ett inlägg",
        "open_gaps": "Luckor som varit öppna flera nätter", "nights": "Nätter", "since": "Sedan",
        "more_chars": "{n} tecken till finns i posts.jsonl",
        "status_ok": "ok", "status_partial": "ofullständig", "status_failed": "misslyckades",
        "status_robots_blocked": "stoppad av robots.txt",
        "kind_feed": "flöde", "kind_sitemap": "webbplatskarta", "kind_listing": "nyhetslista",
        "kind_notice_board": "anslagstavla", "kind_page": "sida", "kind_site": "webbplats",
        "kind_register": "register (papper)", "kind_document": "dokument", "kind_file": "exportfil",
        "by_platform": "Per plattform", "skip": "Hoppa till luckorna",
    },
    "en": {
        "title": "Social media and web parity",
        "lead": "Does everything the organisation announces on social media also exist in writing, on the web or on "
                "paper? A resident without a computer or a social account must not miss a water shutoff, a school "
                "closure or a council meeting.",
        "language": "Language", "contents": "Contents", "generated": "Generated", "local_time": "Swedish time",
        "window": "Posts audited from the last", "days": "days", "grace": "Grace period", "hours": "hours",
        "org": "Organisation", "rate": "Parity", "posts": "Posts", "platform": "Platform", "sources": "Sources",
        "status": "Status", "item_count": "Items", "error": "Error", "overview": "Overview",
        "gaps": "Gaps", "no_gaps": "No gaps found.", "published": "Published", "post": "Post",
        "verdict": "Verdict", "candidate": "Best web candidate", "why": "Why",
        "missing": "Missing on the web", "none": "none", "matched": "Posts found in writing",
        "excluded": "Excluded posts", "rule": "Rule", "images_without_alt": "Images without alt text",
        "image_only": "Announcements only in an image", "definitions": "The verdicts", "lag": "Lag",
        "median_lag": "Lag (median)", "open": "open the post", "open_page": "open the page",
        "history": "History", "run": "Run", "changes": "Verdicts changed since the previous run",
        "removed": "Taken down from the web", "removed_at": "Removed", "trend": "Parity over time",
        "incomplete_note": "Some sources could not be fully collected: unmatched posts are rated "
                           "\"unverifiable\" instead of \"social only\".",
        "match": "match", "partial": "partial", "late": "late", "social_only": "social only",
        "unverifiable": "unverifiable", "excluded_v": "excluded",
        "def_match": "a web or written item of the same organisation carries the post's information and appeared "
                     "within the grace period",
        "def_partial": "an item on the same matter exists, but key facts (dates, times, places, amounts, contacts) "
                       "are missing",
        "def_late": "as match, but the item appeared after the grace period",
        "def_social_only": "no web or written item carries the information",
        "def_unverifiable": "no match, and the organisation's web side was not fully collected: absence cannot be "
                            "concluded",
        "def_excluded": "not an announcement needing a written counterpart: replies, reshares, configured rules",
        "announcements": "Announcements", "announcement": "Announcement",
        "per_post": "per post", "per_announcement": "per announcement",
        "gap_summary": "{posts} posts in {announcements} announcements",
        "also_found": "The same announcement exists in writing through another post.",
        "grouping_note": "Posts of one organisation with the same link, or nearly the same text on different "
                         "platforms within 36 hours, count as one announcement.",
        "to_check": "To check", "to_check_note": "Verdicts the matcher itself is unsure about.",
        "triage": "Review", "triaged": "Reviewed", "note": "Note",
        "triage_not-an-announcement": "not an announcement", "triage_confirmed-gap": "confirmed gap",
        "triage_wrong-match": "wrong match",
        "evidence": "Evidence (WARC)", "evidence_post": "answer with the post", "evidence_page": "the page",
        "ranking": "Ranking", "ranking_note": "Sort by choosing a column heading.",
        "rank": "Rank", "social_only_n": "Social only", "image_only_share": "Image only",
        "charts": "Charts", "chart_verdicts": "Verdicts per organisation and platform",
        "chart_lag": "Lag between post and page", "lag_note": "Posts whose page was found (match, partial, late).",
        "chart_trend": "Parity over time per organisation",
        "edited": "Edited posts", "deleted": "Deleted posts", "edited_at": "Edited", "deleted_at": "Deleted",
        "removed_after_match": "Pages taken down after they had matched a post",
        "open_gaps": "Gaps open for several nights", "nights": "Nights", "since": "Since",
        "more_chars": "{n} more characters are in posts.jsonl",
        "status_ok": "ok", "status_partial": "partial", "status_failed": "failed",
        "status_robots_blocked": "blocked by robots.txt",
        "kind_feed": "feed", "kind_sitemap": "sitemap", "kind_listing": "news list",
        "kind_notice_board": "notice board", "kind_page": "page", "kind_site": "site",
        "kind_register": "register (paper)", "kind_document": "document", "kind_file": "export file",
        "by_platform": "By platform", "skip": "Skip to the gaps",
    },
}

#: how platforms are written (a platform not listed is shown as recorded)
PLATFORM_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "facebook": "Facebook", "instagram": "Instagram",
                  "x": "X", "youtube": "YouTube", "rss": "RSS", "file": "File", "unknown": "–"}


def verdict_label(kind: str, lang: str) -> str:
    """The verdict's name in ``lang`` (``excluded`` has its own key: "excluded" is also a heading)."""
    return STRINGS[lang]["excluded_v" if kind == "excluded" else kind]


def source_kind(kind: str, lang: str) -> str:
    """A source kind as readers call it: ``notice_board`` → "anslagstavla"; platforms by name."""
    return STRINGS[lang].get(f"kind_{kind}") or PLATFORM_NAMES.get(kind, kind)
