"""Links and documents as evidence (issue 11 §5).

* A link to the organisation's start page or to a general section proves nothing about which
  page carries the post: it is no link evidence (it once gave p 0.99 with no shared text).
* The written form of a page includes the documents it links to that were collected: a post
  whose facts are all in the PDF a news page links to is ``match``, not ``partial``.
"""

from __future__ import annotations

import pytest

from match_helpers import post, web
from parity.core.records import WebItem
from parity.match import MatchOptions, match_posts
from parity.match.links import is_specific_link, linked_documents, section_counts
from parity.match.prepare import to_doc

OFF = MatchOptions(use_embeddings="off")
SITE = "https://www.kommun.se"


def page(wid: str, title: str, text: str, path: str, **extra) -> WebItem:
    return web(wid, title, text, url=f"{SITE}{path}", **extra)


NEWS = [
    page("n-water", "Vattenavstängning på Storgatan",
         "Den 12 mars stängs vattnet av på Storgatan på grund av ledningsarbete.", "/nyheter/vattenavstangning"),
    page("n-library", "Biblioteket får nya öppettider",
         "Från och med 1 april har biblioteket öppet vardagar 10–19.", "/nyheter/bibliotek-oppettider"),
    page("n-snow", "Snöröjning i natt", "Under natten plogar vi gator och cykelvägar i centrum.", "/nyheter/snorojning"),
    page("n-budget", "Budget för nästa år", "Kommunfullmäktige har beslutat om budget.", "/nyheter/budget"),
]
START = page("start", "Kommunen", "Välkommen till kommunen. Här hittar du nyheter, e-tjänster och kontaktuppgifter.", "/")
SECTION = page("section", "Nyheter", "Alla nyheter från kommunen.", "/nyheter")


# ------------------------------------------------------------------ which links are specific
@pytest.mark.parametrize(
    "url",
    [
        "https://www.kommun.se/", "https://kommun.se", "https://www.kommun.se/index.html", "https://www.kommun.se/sv/",
        "https://www.kommun.se/default.aspx", "https://www.kommun.se/tag/trafik", "https://www.kommun.se/nyheter/page/2",
    ],
)
def test_start_and_navigation_pages_are_not_specific(url):
    assert not is_specific_link(url)


def test_a_path_many_items_live_under_is_a_section():
    sections = section_counts([to_doc(w) for w in NEWS + [START, SECTION]])
    assert not is_specific_link(f"{SITE}/nyheter", sections)
    assert not is_specific_link(f"{SITE}/nyheter/?utm_source=facebook", sections)
    assert is_specific_link(f"{SITE}/nyheter/vattenavstangning", sections)


# ------------------------------------------------------------------ engine
def test_start_page_link_is_no_evidence():
    p = post("p", "Nu är sommarlovet här! Glöm inte solkrämen. Mer på https://www.kommun.se/",
             links=["https://www.kommun.se/"])
    (v,) = match_posts([p], NEWS + [START], OFF)
    assert v.verdict == "social_only", v
    assert v.evidence.get("link", 0.0) == 0.0
    assert v.evidence.get("p_counterpart", 0.0) < 0.5


def test_section_link_is_no_evidence():
    p = post("p", "Nu är sommarlovet här! Glöm inte solkrämen.", links=[f"{SITE}/nyheter"])
    (v,) = match_posts([p], NEWS + [START, SECTION], OFF)
    assert v.verdict == "social_only", v
    assert v.web_id is None


def test_a_link_to_an_item_still_decides():
    p = post("p", "Läs mer här!", links=[f"{SITE}/nyheter/budget?utm_source=facebook"])
    (v,) = match_posts([p], NEWS + [START, SECTION], OFF)
    assert v.web_id == "n-budget" and v.evidence["link"] == 1.0


# ------------------------------------------------------------------ documents the page links to
NOTICE = page("n-plan", "Samråd om ny detaljplan för Ekbacken",
              "Kommunen har tagit fram ett förslag till detaljplan för bostäder vid Ekbacken. Läs kungörelsen "
              "och planhandlingarna.", "/nyheter/samrad-detaljplan-ekbacken")
PDF = WebItem(id="d-plan", org="uppsala-kommun", source="document", url=f"{SITE}/download/kungorelse-ekbacken.pdf",
              title="Kungörelse detaljplan Ekbacken",
              text="Samrådsmöte tisdag 14 april 2026 kl 18.00 i Ekbackens skola. Synpunkter senast 5 maj 2026 "
                   "till samhallsbyggnad@kommun.se.",
              published_at=None, lang="sv", linked_from=f"{SITE}/nyheter/samrad-detaljplan-ekbacken")


def test_linked_documents_follow_linked_from():
    docs = [to_doc(w) for w in NEWS + [NOTICE, PDF]]
    assert linked_documents(docs) == {len(NEWS): [len(NEWS) + 1]}


def test_documents_a_page_lists_count_too():
    # the PDF was first found from another page; this page lists it among its document links
    pdf = WebItem(**{**PDF.model_dump(), "linked_from": f"{SITE}/nyheter/annan-sida"})
    notice = WebItem(**{**NOTICE.model_dump(), "document_links": [{"url": PDF.url, "text": "Kungörelse"}]})
    assert linked_documents([to_doc(notice), to_doc(pdf)]) == {0: [1]}


def test_facts_in_a_linked_pdf_count_for_the_page():
    p = post("p", "Samråd om detaljplanen för Ekbacken: möte tisdag 14 april kl 18 i Ekbackens skola. "
                  "Lämna synpunkter senast 5 maj!", links=[f"{SITE}/nyheter/samrad-detaljplan-ekbacken"])
    (v,) = match_posts([p], NEWS + [NOTICE, PDF], OFF)
    assert v.web_id == "n-plan"
    assert v.verdict == "match", v
    assert v.missing_facts == []


def test_without_the_pdf_the_same_post_is_partial():
    p = post("p", "Samråd om detaljplanen för Ekbacken: möte tisdag 14 april kl 18 i Ekbackens skola. "
                  "Lämna synpunkter senast 5 maj!", links=[f"{SITE}/nyheter/samrad-detaljplan-ekbacken"])
    (v,) = match_posts([p], NEWS + [NOTICE], OFF)
    assert v.verdict == "partial"
    assert "tisdag 14 april" in v.missing_facts and "senast 5 maj" in v.missing_facts
