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


def test_a_block_on_fewer_than_half_of_a_host_s_pages_stays_and_at_half_it_goes() -> None:
    notice = "Tjänsten är stängd för underhåll natten mot lördag mellan 22 och 02."
    ten = [_page(n, _own(n) + (f"\n{notice}" if n < 4 else "")) for n in range(10)]
    assert strip_repeated(ten) == ten  # 4 of 10 pages: MIN_PAGES reached, but not half of the host
    half = [_page(n, _own(n) + (f"\n{notice}" if n < 5 else "")) for n in range(10)]
    assert [item.text for item in strip_repeated(half)] == [_own(n) for n in range(10)]


def test_a_host_s_single_page_is_untouched_although_other_hosts_repeat_its_lines() -> None:
    lone = _page(50, f"Norrviks enda sida om evenemang i hamnen.\n{FOOTER}", url="https://www.norrvik.se/evenemang/hamnen")
    assert strip_repeated([lone]) == [lone]
    out = strip_repeated([*_site(6), lone])
    assert out[-1] == lone and FOOTER in out[-1].text  # the footer is exempelby.se's, not norrvik.se's
    assert all(FOOTER not in item.text for item in out[:-1])


def test_content_that_only_resembles_the_site_s_boilerplate_stays() -> None:
    variants = [
        f"{FOOTER} Under julhelgen har kundcenter stängt.",  # the footer inside a longer block of the page
        FOOTER.replace("8–16", "8–15"),  # a page's own opening hours, one figure apart
        "Kundcenter har öppet vardagar kl. 8–16.",  # a shorter sentence with the same words
    ]
    pages = [_page(n, f"{_own(n)}\n{FOOTER}") for n in range(6)]
    pages += [_page(10 + n, f"Sommaröppet {n}: ändrade tider för kundcenter.\n{line}", url=f"https://www.exempelby.se/tjanster/sommar-{n}")
              for n, line in enumerate(variants)]
    out = strip_repeated(pages)
    assert [item.text for item in out[:6]] == [_own(n) for n in range(6)]
    for item, line in zip(out[6:], variants):
        assert item.text.endswith(line), item.text
    # the same block in another case, spacing or with a list bullet is still the same block
    respelled = [_page(n, f"{_own(n)}\n{'- ' if n % 2 else ''}{FOOTER.upper() if n % 3 == 0 else '  '.join(FOOTER.split())}")
                 for n in range(6)]
    assert [item.text for item in strip_repeated(respelled)] == [_own(n) for n in range(6)]


def test_the_pass_is_deterministic_order_free_and_idempotent() -> None:
    own = _page(99, f"{TEASER}\nVi lagar en läcka i ledningen vid Ringvägen 12.\n{FOOTER}",
                url="https://www.exempelby.se/nyheter/vattenlacka-pa-ringvagen")
    items = [*_site(7), own, _page(200, f"Annan sida.\n{FOOTER}", url="https://www.norrvik.se/a/b")]
    once = strip_repeated(items)
    shuffled = list(reversed(items[:4])) + items[4:][::-1]
    assert {i.id: i.text for i in strip_repeated(shuffled)} == {i.id: i.text for i in once}
    assert [i.id for i in once] == [i.id for i in items]  # records keep their order
    assert strip_repeated(once) == once
