"""The decision on Swedish announcements (issue 11 §3): failure classes of sv-municipal dev, rephrased.

* a post that shares only common words with a page ("nya", "boka tid") is social_only, whatever
  the page's title — the issue's building-permit post linked to "Biblioteket får nya
  öppettider" with p 0.54;
* a right page with a generic one-word title the post never repeats is still linked
  (class 1: "Halkbekämpning", "Hushåll", "Ansökan om bygglov" rejected);
* a one-word title equal to the post's topic does not beat the page carrying the post's
  names and figures (class 2: "Badvatten" over "Resultat prover badvatten");
* a page of another occasion (other date, time, place) is not the counterpart (classes 3–4);
* every verdict says whether a person should check it (``review``, ``review_reason``).
"""

from __future__ import annotations

import pytest

from match_helpers import web, post
from parity.match import MatchOptions, match_posts
from parity.match.features import Group, group_of
from parity.match.verdicts import fact_veto

OFF = MatchOptions(use_embeddings="off")
LINKED = ("match", "partial", "late")

POOL = [
    web("w-lib", "Biblioteket får nya öppettider",
        "Från 1 september ändras öppettiderna på Stadsbiblioteket: måndag–torsdag 10–19, fredag 10–17 och "
        "lördag 11–15. De nya tiderna gäller också meröppet. Du kan som vanligt boka tid för datorhjälp och "
        "släktforskning hos en bibliotekarie."),
    web("w-halka", "Halkbekämpning",
        "Kommunen sandar gång- och cykelvägar, busshållplatser och övergångsställen när det är halt. "
        "Fastighetsägare ansvarar för trottoaren utanför sin tomt. Från 1 november kan du hämta gratis sand "
        "för privat bruk vid Sörby återvinningscentral och vid brandstationen på Industrigatan. Ta med egen "
        "hink eller säck, spade finns på plats."),
    web("w-badvatten", "Badvatten",
        "Under badsäsongen tar miljöförvaltningen prover på vattnet vid kommunens strandbad. Proverna visar "
        "om vattnet är tjänligt, tjänligt med anmärkning eller otjänligt. Vid otjänligt prov sätter vi upp "
        "skyltar på badplatsen."),
    web("w-prover", "Resultat prover badvatten",
        "Badsäsongen 2024. Lindsjön: tjänligt i juni, juli och augusti. Skogstjärn: otjänligt i juli, tjänligt "
        "i augusti efter omprovtagning. Norrbadet: tjänligt hela säsongen. Prover tas var fjärde vecka."),
    web("w-trygg", "Trygghetsvandringar",
        "Tisdag 12 mars kl. 18 går vi en trygghetsvandring i Västby tillsammans med kommunpolisen och "
        "fastighetsbolaget. Samling vid Västby skola, Skolvägen 4. Vi tittar på belysning, buskage och "
        "gångvägar."),
    web("w-water", "Vattenavstängning på Storgatan",
        "Den 12 mars mellan klockan 08.00 och 16.00 stängs vattnet av på Storgatan 12 på grund av "
        "ledningsarbete. Fyll gärna på vatten i förväg. Frågor: ring kundservice 018-727 00 00."),
    web("w-snow", "Snöröjning i centrum under natten",
        "Under natten till onsdag plogar vi gator och cykelvägar i centrum. Flytta bilen från gatan så att "
        "plogbilarna kommer fram."),
    web("w-vote", "Förtidsröstning öppnar",
        "Förtidsröstningen i valet öppnar den 20 augusti. Du kan rösta i Stadshuset och på biblioteken. "
        "Ta med id-handling och röstkort."),
    web("w-budget", "Kommunfullmäktige beslutade om budget",
        "Kommunfullmäktige har fattat beslut om budget för nästa år. Skattesatsen är oförändrad och "
        "satsningar görs på skola och äldreomsorg."),
]


def decide_one(text: str, pool=POOL):
    (v,) = match_posts([post("p", text)], pool, OFF)
    return v


def test_common_words_and_a_covered_title_are_not_a_match() -> None:
    v = decide_one("Nu kan du boka tid för bygglovsrådgivning i vår nya e-tjänst! Handläggarna svarar på "
                   "frågor om tillbyggnad, attefallshus och altaner.")
    assert v.verdict == "social_only", (v.verdict, v.web_id, v.score, v.evidence)
    assert v.score < 0.5


def test_generic_one_word_title_right_page_is_linked() -> None:
    v = decide_one("Halt ute? Från 1 november finns gratis sand att hämta vid Sörby återvinningscentral och "
                   "brandstationen på Industrigatan – ta med egen hink!")
    assert v.verdict in LINKED and v.web_id == "w-halka", (v.verdict, v.web_id, v.score)
    assert v.evidence["tcov"] == 0.0  # the post never repeats the title: content decides


@pytest.mark.parametrize("text", [
    "Så blev badsommaren 2024: Lindsjön och Norrbadet tjänliga hela tiden, Skogstjärn hade ett otjänligt prov i "
    "juli men var tjänligt igen i augusti. #badvatten",
    "Badvattnet i sommar: Skogstjärn otjänligt i juli. #badvatten",  # the English-fitted model rejected it (p 0.24)
])
def test_topic_word_title_does_not_beat_the_page_with_the_names(text: str) -> None:
    v = decide_one(text)
    assert v.verdict in LINKED and v.web_id == "w-prover", (v.verdict, v.web_id, v.candidates)


def test_page_of_another_occasion_is_not_the_counterpart() -> None:
    v = decide_one("Onsdag 16 oktober kl. 17 går vi en trygghetsvandring i Östby med kommunpolisen. Samling vid "
                   "Östby bibliotek, Kyrkvägen 8. Alla är välkomna!")
    assert v.verdict == "social_only", (v.verdict, v.web_id, v.score, v.reason)


@pytest.mark.parametrize(("n_facts", "n_missing", "vetoed"), [(1, 1, False), (3, 1, False), (4, 2, False),
                                                              (3, 2, True), (4, 4, True), (2, 2, True)])
def test_fact_veto_needs_most_of_at_least_two_facts_missing(n_facts: int, n_missing: int, vetoed: bool) -> None:
    assert fact_veto(Group.SV, n_facts, n_missing) is vetoed
    assert not fact_veto(Group.OTHER, n_facts, n_missing)  # tweets about fact checks carry facts claims lack


def test_every_verdict_says_whether_to_review_it() -> None:
    posts = [post("a", "Vattnet stängs av på Storgatan 12 mars kl. 8–16, fyll på vatten i förväg."),
             post("b", "Grattis till alla som tog studenten i dag!"),
             post("c", "Halt ute? Hämta gratis sand vid brandstationen på Industrigatan.")]
    for v in match_posts(posts, POOL, OFF):
        dumped = v.model_dump()
        assert isinstance(dumped["review"], bool)
        assert (dumped["review_reason"] is None) is (not dumped["review"])
        assert v.score is None or 0.0 <= v.score <= 1.0


def test_swedish_and_english_posts_are_decided_by_their_own_group() -> None:
    assert group_of("sv") is Group.SV and group_of("en") is Group.OTHER and group_of(None) is Group.OTHER
