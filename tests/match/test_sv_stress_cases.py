"""The stress-case generators of benchmarks/sv_stress.py: each case must have the right answer it
claims (a deletion removes the fact and keeps the post's other facts; an insertion adds a fact the
page lacks; a spelling keeps the fact), or the figures measure the generator, not the matcher."""

from __future__ import annotations

from benchmarks.sv_stress_cases import (
    delete_fact,
    holds,
    insertion_cases,
    number_word,
    post_facts,
    removal_cases,
    spelling_cases,
)
from parity.core.records import Post, WebItem

POST = "Vattnet stängs av på Storgatan 14 april kl 8–16. Vattentank finns vid Lyckeby torg. Frågor? Ring 0455-30 30 00."
PAGE = ("Vattenavstängning på Storgatan. Den 14 april stängs vattnet av mellan kl. 8 och 16.\n"
        "En vattentank ställs ut på Lyckeby torg. Vi ber om överseende under arbetet.\n"
        "Har du frågor kan du ringa kundservice på 0455-30 30 00 vardagar.")


def test_post_facts_find_dates_times_places_and_phones() -> None:
    assert post_facts(POST) == [("place", "Storgatan"), ("date", "14 april"), ("time", "kl 8–16"),
                                ("place", "Lyckeby torg"), ("phone", "0455-30 30 00")]


def test_a_deletion_removes_the_fact_and_keeps_the_others() -> None:
    facts = post_facts(POST)
    kind, fact = facts[3]
    new = delete_fact("Vattenavstängning", PAGE, kind, fact, facts[:3] + facts[4:])
    assert new is not None and not holds(new, kind, fact)
    assert all(holds(new, k, f) or holds("Vattenavstängning", k, f) for k, f in facts[:3] + facts[4:])
    # deleting the date would take the time with it (same sentence): no clean case
    assert delete_fact("Vattenavstängning", PAGE, "date", "14 april", facts[2:]) is None


def test_insertion_spelling_and_removal_cases() -> None:
    posts = [Post(id="p1", org="o", platform="facebook", text=POST, lang="sv"),
             Post(id="p2", org="o", platform="facebook", text="Bibliotekets nya tider från vecka 36.", lang="sv")]
    web = [WebItem(id="w1", org="o", source="page", url="https://a.se/1", title="Vattenavstängning", text=PAGE, lang="sv"),
           WebItem(id="w2", org="o", source="page", url="https://b.se/2", title="Öppettider",
                   text="Biblioteket har nya öppettider från vecka 36. Samling vid Ruddalens ishall kl 18.", lang="sv")]
    truth = [{"post_id": "p1", "web_id": "w1", "verdict": "match"}, {"post_id": "p2", "web_id": "w2", "verdict": "match"}]
    added = {(c.post.id, c.fact) for c in insertion_cases(posts, web, truth)}
    assert ("p1+place", "Ruddalens ishall") in added and ("p1+time", "kl 18") in added
    assert all(not holds(PAGE, c.kind, c.fact) for c in insertion_cases(posts, web, truth) if c.page_id == "w1")
    spelled = {c.rule: c.text for c in spelling_cases(posts, web, truth) if c.page_id == "w2"}
    assert "vecka trettiosex" in spelled["week in words"]
    assert [(page, [p.id for p in group]) for page, group in removal_cases(posts, truth)] == [("w1", ["p1"]), ("w2", ["p2"])]
    assert number_word(14) == "fjorton" and number_word(21) == "tjugoen" and number_word(53) == "femtiotre"
