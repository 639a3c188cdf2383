"""The message catalogue (parity/report/reasons.py) against the matcher that emits its keys.

Issue 13's check: a test lists the reason strings of every verdict kind in both languages. Here every key is
rendered in Swedish and English, every verdict kind has keys, the Swedish text holds none of the English
words the matcher writes, the English template reproduces the matcher's ``reason`` byte for byte on real
verdicts, and each social_only / unverifiable / excluded path of the matcher is driven to emit its key.
"""

from __future__ import annotations

import re

import pytest

from parity.core.records import VERDICT_KINDS, Post, Verdict, WebItem
from parity.report.reasons import (
    CANDIDATE_REASONS,
    FACT_LABELS,
    REASONS,
    REVIEWS,
    candidate_reason,
    parse_reason,
    reason_text,
    rejection,
    render_reason,
    review_text,
)

#: sample arguments per key, so that every template renders
ARGS = {"partial.linked": {"facts": ["time", "date"]}, "partial.page": {"facts": ["place"]},
        "late.linked": {"lag_hours": 30.2}, "late.page": {"lag_hours": 95.0}, "excluded.rule": {"rule": "greetings"},
        "social_only.fact_veto": {"missing": 2, "total": 3, "facts_text": "tisdag 1 oktober, Alvesta"}}
ENGLISH_WORDS = re.compile(r"\b(page|found|missing|post|rule|reply|share|web side|collected|candidate|threshold|"
                           r"appeared|after|weak|linked|content|items|organisation|key facts|present|score|lower)\b")


def every_reason() -> list[tuple[str, str, str, str]]:
    """(verdict kind, key, Swedish, English) for every reason the catalogue knows."""
    rows = []
    for key in REASONS:
        sv, en = render_reason(key, ARGS.get(key), "sv"), render_reason(key, ARGS.get(key), "en")
        assert sv and en, key
        rows.append((key.split(".")[0], key, sv, en))
    return rows


def test_every_verdict_kind_has_its_reasons_in_both_languages() -> None:
    rows = every_reason()
    for kind, key, sv, en in rows:
        print(f"{kind:13} {key:32} sv: {sv}\n{'':47}en: {en}")
    assert {kind for kind, *_ in rows} == set(VERDICT_KINDS)
    assert len(rows) == 18


@pytest.mark.parametrize("kind,key,sv,en", every_reason())
def test_swedish_reason_has_no_english(kind: str, key: str, sv: str, en: str) -> None:
    assert sv != en
    assert ENGLISH_WORDS.findall(sv) == [], (key, sv)


def test_candidate_reasons_and_fact_labels_in_both_languages() -> None:
    from parity.match.facts import FACT_LABELS_EN, FACT_LABELS_SV

    assert {kind: label.en for kind, label in FACT_LABELS.items()} == FACT_LABELS_EN
    assert {kind: label.sv for kind, label in FACT_LABELS.items()} == FACT_LABELS_SV
    for key, message in CANDIDATE_REASONS.items():
        assert candidate_reason({"why_key": key}, "sv") == message.sv != message.en
        assert candidate_reason({"why_rejected": message.en}, "sv") == message.sv  # verdicts without keys
    assert render_reason("late.page", {"lag_hours": 30.4}, "en") == "page found; appeared 30 h after the post"
    assert render_reason("late.page", {"lag_hours": 95.0}, "sv") == "sida hittad; publicerades 4 dagar efter inlägget"
    assert render_reason("nope", {}, "sv") is None


def match(posts: list[Post], web: list[WebItem], **options) -> list[Verdict]:
    from parity.match import MatchOptions, match_posts

    return match_posts(posts, web, MatchOptions(**options))


POST_TIME = "2026-03-10T08:00:00Z"


def post(pid: str, text: str, **extra) -> Post:
    return Post(id=pid, org="o", platform="mastodon", text=text, published_at=POST_TIME, **extra)


PAGE = WebItem(id="web:o:1", org="o", source="feed", url="https://o.se/nyheter/vatten", title="Vattenavstängning",
               text="Vattnet stängs av på Storgatan tisdag 12 mars kl. 8–16.", published_at="2026-03-09T08:00:00Z")


def emitted() -> list[Verdict]:
    """Verdicts down every path of parity/match/verdicts.py that has its own key."""
    verdicts = match([post("a", "Vattnet stängs av på Storgatan tisdag 12 mars kl. 8–16.",
                           links=["https://o.se/nyheter/vatten"]),
                      post("b", "Simhallen i Kvarnby håller stängt för underhåll hela veckan."),
                      post("c", "", links=["https://o.se/nyheter/saknas"]),
                      post("d", "Glad påsk önskar vi alla!"), post("e", "@anna Ja, det stämmer.", kind="reply"),
                      post("f", "Läs om brandövningen", links=["https://o.se/nyheter/brandovning"]),
                      post("i", "Cykelbanan på Storgatan öppnar i maj", links=["https://o.se/nyheter/cykel"])],
                     [PAGE], exclude_rules=("greetings",))
    verdicts += match([post("g", "Biblioteket stänger tidigt fredag.")], [])
    verdicts += match([post("h", "Biblioteket stänger tidigt fredag.")], [PAGE], incomplete_orgs=frozenset({"o"}))
    return verdicts


def test_the_matcher_emits_catalogue_keys_whose_english_is_its_reason() -> None:
    verdicts = emitted()
    keys = {v.post_id: (v.model_extra or {}).get("reason_key") for v in verdicts}
    assert keys["a"].startswith("match.linked") and keys["d"] == "excluded.rule" and keys["e"] == "excluded.reply"
    assert keys["g"] == "social_only.no_web_items" and keys["h"] == "unverifiable.incomplete_web"
    assert (keys["b"], keys["c"], keys["f"], keys["i"]) == ("social_only.too_weak", "social_only.no_text",
                                                            "social_only.no_shared_content",
                                                            "social_only.link_not_collected")
    for verdict in verdicts:
        record = verdict.to_json_dict()
        assert record["reason_key"] in REASONS, record
        assert render_reason(record["reason_key"], record["reason_args"], "en") == verdict.reason
        assert parse_reason(verdict.reason, record) == (record["reason_key"], record["reason_args"]) or \
            record["reason_key"].startswith("social_only") or record["verdict"] == "unverifiable"
        sv = reason_text(record, "sv")
        assert sv and verdict.reason not in sv and ENGLISH_WORDS.findall(sv) == []
        for candidate in record["candidates"]:
            assert (candidate["why_key"] is None) == (candidate["why_rejected"] is None)


def test_a_rejected_candidate_is_explained_in_plain_words() -> None:
    verdict = {"verdict": "social_only", "candidates": [{"web_id": "w"}],
               "reason_args": {"shared_words": 2, "post_words": 14, "confidence": 0.12, "threshold": 0.325}}
    assert rejection(verdict, "sv") == ("sidan delar 2 av inläggets 14 ord; kräver en länk till sidan eller en "
                                        "sannolikhet för träff på minst 32\u00a0% (den här sidan: 12\u00a0%)")
    assert rejection(verdict, "en") == ("the page shares 2 of the post's 14 words; needs a link to the page or a "
                                        "match likelihood of at least 32% (this page: 12%)")
    old = {"verdict": "social_only", "candidates": [{"web_id": "w"}], "evidence": {"nshared": 7.0}}
    assert rejection(old, "sv").startswith("sidan delar 7 ord med inlägget; kräver en länk")
    assert rejection({"verdict": "match", "candidates": [{"web_id": "w"}]}, "sv") is None


def test_review_reasons_in_both_languages() -> None:
    """Verdicts marked review: true say why in the reader's language (the report's "to check" list)."""
    samples = {"review.uncertain": {"confidence": 0.52, "low": 0.1, "high": 0.9, "kept": True},
               "review.fact_veto": {"missing": 2, "total": 3, "facts_text": "1 oktober, Alvesta"}}
    assert set(samples) == set(REVIEWS)
    for key, args in samples.items():
        verdict = {"review": True, "review_key": key, "review_args": args}
        sv, en = review_text(verdict, "sv"), review_text(verdict, "en")
        assert sv and en and sv != en and ENGLISH_WORDS.findall(sv) == [], (key, sv)
    assert review_text({"review": True, "review_key": "review.uncertain",
                        "review_args": samples["review.uncertain"]}, "sv").startswith("osäkert: sannolikheten för träff 52")
    assert review_text({"review": False, "review_key": "review.uncertain"}, "sv") is None
    assert review_text({"review": True, "review_key": "nope"}, "en") is None
