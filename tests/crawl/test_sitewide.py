"""Blocks a site repeats on most of its pages leave the pages' texts (issue 11 §1 d, crawler/sitewide.py)."""

from __future__ import annotations

from parity.core.records import WebItem
from crawler.sitewide import MIN_PAGES, fingerprints, strip_repeated

FOOTER = "Kundcenter har öppet vardagar kl. 8–16, telefon 0123-45 00 00."
TEASER = "Vattnet är avstängt på Ringvägen under eftermiddagen."


def _page(n: int, text: str, url: str | None = None, origin: str = "page") -> WebItem:
    return WebItem(id=f"web:x:{n}", org="x", source="sitemap", url=url or f"https://www.exempelby.se/tjanster/sida-{n}",
                   title=f"Sida {n}", text=text, text_origin=origin)


def _own(n: int) -> str:
    return f"Sidan {n} handlar om tjänst nummer {n}.\nSå ansöker du om tjänst nummer {n} i e-tjänsten."


def _site(pages: int) -> list[WebItem]:
    """Pages of their own text, then an "Aktuellt" teaser's summary and a footer line (as on every page)."""
    return [_page(n, f"{_own(n)}\n{TEASER}\n{FOOTER}") for n in range(pages)]


def test_a_block_on_most_pages_of_a_host_leaves_every_page_and_unique_lines_stay() -> None:
    out = strip_repeated(_site(6))
    for n, item in enumerate(out):
        assert FOOTER not in item.text and TEASER not in item.text
        assert item.text == _own(n)


def test_the_page_a_teaser_leads_to_keeps_its_lead() -> None:
    own = _page(99, f"{TEASER}\nVi lagar en läcka i ledningen vid Ringvägen 12.\n{FOOTER}",
                url="https://www.exempelby.se/nyheter/vattenlacka-pa-ringvagen")
    out = strip_repeated([*_site(6), own])
    assert out[-1].text == f"{TEASER}\nVi lagar en läcka i ledningen vid Ringvägen 12."
    assert all(TEASER not in item.text for item in out[:-1])


def test_small_sites_short_labels_documents_and_other_hosts_are_left_alone() -> None:
    few = _site(MIN_PAGES - 1)
    assert strip_repeated(few) == few
    labels = [_page(n, f"Berört område\nGata nummer {n} i centrum av staden.\nPublicerad:") for n in range(6)]
    assert strip_repeated(labels) == labels
    documents = [_page(n, f"Protokoll {n} från nämndens sammanträde.\n{FOOTER}").model_copy(update={"source": "document"})
                 for n in range(6)]
    summaries = [_page(n, f"Sammanfattning {n} i flödet.\n{FOOTER}", origin="summary") for n in range(6)]
    other = [_page(n, f"Annan sida {n} på en annan webbplats.\n{FOOTER}", url=f"https://www.norrvik.se/a/{n}")
             for n in range(3)]
    items = [*documents, *summaries, *other]
    assert strip_repeated(items) == items


def test_a_section_s_side_box_goes_although_the_host_has_many_other_pages() -> None:
    news = [_page(n, f"Nyhet {n} om något som hänt i kommunen.\nLäs fler nyheter i vårt nyhetsarkiv på webben.",
                  url=f"https://www.exempelby.se/nyheter/nyhet-{n}") for n in range(5)]
    others = [_page(100 + n, f"Tjänst {n} beskriven i en egen text utan ruta.") for n in range(20)]
    out = strip_repeated([*news, *others])
    assert all("nyhetsarkiv" not in item.text for item in out[:5])
    counts = fingerprints([*news, *others])
    assert counts.pages["exempelby.se"] == 25 and counts.pages["exempelby.se/nyheter"] == 5
