"""The message catalogue: why a verdict is what it is, in Swedish and in English.

The matcher states its reason in English (``reason``, unchanged for tools that read it)
and, as extra fields, a key into this catalogue and the values the message needs
(``reason_key``, ``reason_args``; candidates carry ``why_key``). The report renders the
key in the reader's language, so the Swedish view never shows an English sentence.

The English template of every key reproduces the matcher's ``reason`` string exactly
(tests/unit/test_reasons.py holds both sides to that), which also lets :func:`parse_reason`
recover the key from verdicts written before the keys existed (``parity report`` on an
old folder, or verdicts from another tool).

Argument kinds a template may use: ``{facts}`` (fact kinds → labels, joined), ``{lag}``
(from ``lag_hours``), ``{rule}`` (an exclusion rule name → its label). Extra arguments
(``shared_words``, ``post_words``, ``confidence``, ``threshold``) feed :func:`rejection`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from parity.report.localfmt import format_number, format_percent


@dataclass(frozen=True)
class Message:
    """One message in both languages (``str.format`` templates)."""

    en: str
    sv: str

    def get(self, lang: str) -> str:
        return self.sv if lang == "sv" else self.en


#: fact kinds (parity.match.facts.KIND_GROUP values) → label; the English ones are FACT_LABELS_EN of the matcher
FACT_LABELS: dict[str, Message] = {
    "date": Message("date", "datum"), "deadline": Message("deadline", "sista dag"),
    "time": Message("time of day", "klockslag"), "place": Message("place", "plats"),
    "amount": Message("amount", "belopp"), "phone": Message("phone number", "telefonnummer"),
    "email": Message("e-mail address", "e-postadress"), "url": Message("web address", "webbadress"),
}
#: built-in exclusion rules (parity.match.classify) → label; configured rules keep their name
RULE_LABELS: dict[str, Message] = {
    "greetings": Message("greetings", "hälsning utan nyckeluppgifter"),
    "engagement": Message("engagement", "uppmaning att gilla eller dela"),
    "empty": Message("empty", "inlägg utan innehåll"),
}

REASONS: dict[str, Message] = {
    "match.linked": Message("linked page found", "länkad sida hittad"),
    "match.linked.facts": Message("linked page found; all key facts present",
                                  "länkad sida hittad; alla nyckeluppgifter finns med"),
    "match.page": Message("page found", "sida hittad"),
    "match.page.facts": Message("page found; all key facts present", "sida hittad; alla nyckeluppgifter finns med"),
    "partial.linked": Message("linked page found; {facts} missing", "länkad sida hittad; {facts} saknas"),
    "partial.page": Message("page found; {facts} missing", "sida hittad; {facts} saknas"),
    "late.linked": Message("linked page found; appeared {lag} after the post",
                           "länkad sida hittad; publicerades {lag} efter inlägget"),
    "late.page": Message("page found; appeared {lag} after the post", "sida hittad; publicerades {lag} efter inlägget"),
    "unverifiable.incomplete_web": Message("no page found, and the web side was not fully collected",
                                           "ingen sida hittades, och webbplatsen kunde inte hämtas fullständigt"),
    "social_only.no_web_items": Message("no web items collected for this organisation",
                                        "inga sidor eller skrifter hämtades för organisationen"),
    "social_only.no_text": Message("no page found (the post has no text and its links match no page)",
                                   "ingen sida hittades (inlägget har ingen text och länkarna leder inte till "
                                   "någon hämtad sida)"),
    "social_only.no_shared_content": Message("no page shares the post's content",
                                             "ingen sida har inläggets innehåll"),
    "social_only.link_not_collected": Message(
        "the linked page is not among the collected web items, and no other page carries the post",
        "den länkade sidan finns inte bland de hämtade sidorna, och ingen annan sida har inläggets innehåll"),
    "social_only.too_weak": Message("no page found; the closest candidate is too weak",
                                    "ingen sida hittades; den närmaste kandidaten liknar inlägget för lite"),
    "social_only.fact_veto": Message(
        "the closest page lacks {missing} of the post's {total} key facts ({facts_text}): another occasion, "
        "not the post's counterpart",
        "den närmaste sidan saknar {missing} av inläggets {total} nyckeluppgifter ({facts_text}): ett annat "
        "tillfälle, inte inläggets motsvarighet"),
    "excluded.reply": Message("reply: not an announcement", "svar: inget meddelande"),
    "excluded.share": Message("share of another account's post", "delning av ett annat kontos inlägg"),
    "excluded.rule": Message("excluded by rule '{rule}'", "undantaget enligt regeln ”{rule}”"),
}

#: why a candidate web item was not chosen (``candidates[].why_key``)
CANDIDATE_REASONS: dict[str, Message] = {
    "candidate.below_threshold": Message("below threshold", "för svag likhet"),
    "candidate.key_facts_missing": Message("key facts missing", "nyckeluppgifter saknas"),
    "candidate.lower_than_chosen": Message("lower score than the chosen page", "lägre poäng än den valda sidan"),
    "candidate.lower_than_best": Message("lower score than the best candidate", "lägre poäng än den bästa kandidaten"),
}

#: why a verdict is marked ``review: true`` (``review_key``, ``review_args``)
REVIEWS: dict[str, Message] = {
    "review.uncertain": Message(
        "uncertain: the match likelihood {confidence} lies in {low}–{high}, where such decisions often err",
        "osäkert: sannolikheten för träff {confidence} ligger mellan {low} och {high}, där sådana beslut ofta blir fel"),
    "review.fact_veto": Message(
        "the closest page lacks {missing} of the post's {total} key facts: check that it is another occasion",
        "den närmaste sidan saknar {missing} av inläggets {total} nyckeluppgifter: kontrollera att det gäller "
        "ett annat tillfälle"),
}

#: the plain-words explanation of a rejected best candidate (:func:`rejection`)
EXPLAIN: dict[str, Message] = {
    "shares_of": Message("the page shares {shared} of the post's {total} words",
                         "sidan delar {shared} av inläggets {total} ord"),
    "shares": Message("the page shares {shared} words with the post", "sidan delar {shared} ord med inlägget"),
    "needs_threshold": Message("needs a link to the page or a match likelihood of at least {threshold} "
                               "(this page: {confidence})",
                               "kräver en länk till sidan eller en sannolikhet för träff på minst {threshold} "
                               "(den här sidan: {confidence})"),
    "needs": Message("needs a link to the page, or more of the post's words and key facts on it",
                     "kräver en länk till sidan, eller fler av inläggets ord och nyckeluppgifter på den"),
}


def english_lag(hours: float) -> str:
    """The matcher's spelling of a lag in its English reason (``30 h``, ``4 days``)."""
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def swedish_lag(hours: float) -> str:
    """The same rounding in Swedish (``30 timmar``, ``4 dagar``)."""
    if hours < 48:
        return f"{hours:.0f} {'timme' if round(hours) == 1 else 'timmar'}"
    return f"{hours / 24:.0f} dagar"


def render_reason(key: str, args: dict[str, Any] | None, lang: str) -> str | None:
    """The message ``key`` with ``args`` in ``lang``; None for a key the catalogue does not know."""
    message = REASONS.get(key) or CANDIDATE_REASONS.get(key)
    if message is None:
        return None
    args = args or {}
    values: dict[str, str] = {}
    if "facts" in args:
        labels = [FACT_LABELS[k].get(lang) if k in FACT_LABELS else str(k) for k in args["facts"] or []]
        values["facts"] = ", ".join(labels)
    if args.get("lag_hours") is not None:
        hours = float(args["lag_hours"])
        values["lag"] = swedish_lag(hours) if lang == "sv" else english_lag(hours)
    if "rule" in args:
        rule = str(args["rule"])
        values["rule"] = RULE_LABELS[rule].get(lang) if rule in RULE_LABELS and lang == "sv" else rule
    for name in ("missing", "total", "facts_text"):
        if name in args:
            values[name] = str(args[name])
    try:
        return message.get(lang).format(**values)
    except (KeyError, IndexError, ValueError):
        return None


# -- keys of verdicts written before the keys existed ------------------------------------------------

_EN_FACT_KINDS = {m.en: kind for kind, m in FACT_LABELS.items()}
_FIXED = {m.en: key for key, m in REASONS.items() if "{" not in m.en}
_PATTERNS = (
    (re.compile(r"^(linked page found|page found); (.+) missing$"), "partial"),
    (re.compile(r"^(linked page found|page found); appeared .+ after the post$"), "late"),
    (re.compile(r"^excluded by rule '(.*)'$"), "excluded.rule"),
)


def parse_reason(reason: str, verdict: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """``(reason_key, reason_args)`` recovered from the English ``reason`` of ``verdict``; None if unknown."""
    if reason in _FIXED:
        return _FIXED[reason], {}
    for pattern, kind in _PATTERNS:
        found = pattern.match(reason)
        if not found:
            continue
        if kind == "excluded.rule":
            return kind, {"rule": found.group(1)}
        how = "linked" if found.group(1).startswith("linked") else "page"
        if kind == "late":
            return f"late.{how}", {"lag_hours": verdict.get("lag_hours")}
        labels = found.group(2).split(", ")
        if all(label in _EN_FACT_KINDS for label in labels):
            return f"partial.{how}", {"facts": [_EN_FACT_KINDS[label] for label in labels]}
    return None


def key_and_args(verdict: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The verdict's own key, else the key parsed from its English reason."""
    key = verdict.get("reason_key")
    if isinstance(key, str) and key in REASONS:
        args = verdict.get("reason_args")
        return key, args if isinstance(args, dict) else {}
    return parse_reason(str(verdict.get("reason") or ""), verdict)


def reason_text(verdict: dict[str, Any], lang: str) -> str | None:
    """The verdict's reason in ``lang``; None when neither a key nor a known English reason is there
    (the report then explains the verdict kind instead of showing text in another language)."""
    if lang == "en" and verdict.get("reason"):
        return str(verdict["reason"])
    found = key_and_args(verdict)
    return render_reason(found[0], found[1], lang) if found else None


def review_text(verdict: dict[str, Any], lang: str) -> str | None:
    """Why the verdict should be checked by a person, in ``lang`` (None: no review, or an unknown key)."""
    key, args = verdict.get("review_key"), verdict.get("review_args")
    if not verdict.get("review") or not isinstance(key, str) or key not in REVIEWS:
        return None
    args = args if isinstance(args, dict) else {}
    values = {name: str(args[name]) for name in ("missing", "total") if name in args}
    for name in ("confidence", "low", "high"):
        if name in args:
            values[name] = format_percent(float(args[name]), lang)
    try:
        return REVIEWS[key].get(lang).format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def candidate_reason(candidate: dict[str, Any], lang: str) -> str | None:
    """Why a candidate lost, in ``lang`` (its ``why_key``, else its English ``why_rejected`` looked up)."""
    key = candidate.get("why_key")
    english = candidate.get("why_rejected") or candidate.get("why")
    if not isinstance(key, str) or key not in CANDIDATE_REASONS:
        key = next((k for k, m in CANDIDATE_REASONS.items() if m.en == english), None)
    if key is None:
        return str(english) if english and lang == "en" else None
    return CANDIDATE_REASONS[key].get(lang)


def rejection(verdict: dict[str, Any], lang: str) -> str | None:
    """In plain words why the best web candidate of a gap was not accepted ("sidan delar 7 av inläggets 15 ord;
    kräver …").

    From ``reason_args`` (``shared_words``, ``post_words``, ``confidence``, ``threshold``) when the
    matcher gave them, else from ``evidence`` (``nshared``, ``p_counterpart``); None without a candidate.
    """
    if verdict.get("verdict") not in ("social_only", "unverifiable") or not verdict.get("candidates"):
        return None
    args = verdict.get("reason_args") if isinstance(verdict.get("reason_args"), dict) else {}
    evidence = verdict.get("evidence") if isinstance(verdict.get("evidence"), dict) else {}
    shared = args.get("shared_words", evidence.get("nshared"))
    total = args.get("post_words")
    parts = []
    if shared is not None:
        shared_text = format_number(float(shared), lang, 0)
        if total:
            parts.append(EXPLAIN["shares_of"].get(lang).format(shared=shared_text,
                                                               total=format_number(float(total), lang, 0)))
        else:
            parts.append(EXPLAIN["shares"].get(lang).format(shared=shared_text))
    confidence = args.get("confidence", evidence.get("p_counterpart"))
    threshold = args.get("threshold")
    if threshold is not None and confidence is not None:
        parts.append(EXPLAIN["needs_threshold"].get(lang).format(threshold=format_percent(float(threshold), lang),
                                                                 confidence=format_percent(float(confidence), lang)))
    else:
        parts.append(EXPLAIN["needs"].get(lang))
    return "; ".join(parts)
