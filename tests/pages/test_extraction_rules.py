"""The general rules of issue 11 §1, one small page each: what they take and what they leave.

The fixture cases (tests/fixtures/*/sv-real-*) are whole pages in the structures of real sites;
these are the rules' edges, written so that a rule that over- or under-reaches fails here first.
"""

from __future__ import annotations

import datetime as dt

from crawler.pages import PageInput, extract_article, parse_listing
from crawler.pages.dates import leading_date

UTC = dt.timezone.utc
URL = "https://www.exempelby.se/nyheter/en-nyhet"
BODY = "<p>Här står sidans egen text, lång nog att vara innehåll och inte en etikett på sidan.</p>"


def _article(body: str, head: str = "") -> object:
    html = f"<html lang='sv'><head><title>T</title>{head}</head><body>{body}</body></html>"
    return extract_article(PageInput(URL, {"Content-Type": "text/html; charset=utf-8"}, html.encode()))


def _day(value: dt.datetime | None) -> str | None:
    return value.date().isoformat() if value else None


# --- (b) labels, not verbs ---------------------------------------------------------------


def test_a_label_opening_a_short_line_dates_the_page_and_a_verb_in_a_sentence_does_not() -> None:
    prose = "<main><h1>Om webbplatsen</h1><p>Webbplatsen publicerades 18 juni 2019 och byggdes om 2023.</p>" + BODY
    assert _article(prose + "</main>").published_at is None
    assert _day(_article(prose + "<p>Publicerad 4 mars 2026</p></main>").published_at) == "2026-03-04"
    assert _day(_article(prose + "<p>Publicerad: 2026-03-12</p></main>").published_at) == "2026-03-12"
    # a label must be followed by its date, not by other words
    assert _article(prose + "<p>Publicerad av Kundcenter den 4 mars 2026</p></main>").published_at is None


def test_leading_date_reads_only_a_date_that_opens_the_text() -> None:
    assert leading_date("den 12 mars 2026") == dt.datetime(2026, 3, 12, tzinfo=UTC)
    assert leading_date(": 2026-03-12 14:05") == dt.datetime(2026, 3, 12, 13, 5, tzinfo=UTC)
    assert leading_date("i Nyheter 12 mars 2026") is None


# --- (a) the page's own signals outrank dates of other items --------------------------------


def test_times_of_a_list_of_other_items_never_date_the_page() -> None:
    teasers = ("<ul><li><a href='/nyheter/a'>En annan nyhet</a> <time datetime='2025-01-10'>10 jan</time></li>"
               "<li><a href='/nyheter/b'>En tredje nyhet</a> <time datetime='2025-01-05'>5 jan</time></li></ul>")
    page = _article(f"<main><h1>Nyhet</h1>{teasers}{BODY}</main>")
    assert page.published_at is None
    page = _article(f"<main><h1>Nyhet</h1>{teasers}{BODY}</main>",
                    "<meta property='article:published_time' content='2026-02-01T08:00:00+01:00'>")
    assert page.published_at == dt.datetime(2026, 2, 1, 7, 0, tzinfo=UTC)


def test_a_single_dated_reference_is_another_item_too_and_a_deadline_is_no_publication() -> None:
    body = ("<main><h1>Remiss</h1><p>Sista dag att svara: <time datetime='2026-05-28'>28 maj 2026</time></p>"
            "<ul><li><time datetime='2026-01-15'>15 januari 2026</time><p><a href='/sou-2026-4'>SOU 2026:4</a></p></li></ul>"
            f"{BODY}<p>Publicerad <time datetime='05 februari 2026'>05 februari 2026</time></p></main>")
    assert _day(_article(body).published_at) == "2026-02-05"  # Swedish text in the datetime attribute


def test_a_link_at_the_start_of_a_sentence_is_not_a_teaser() -> None:
    body = ("<main><h1>Budget</h1>"
            "<p><a href='/ks'>Kommunstyrelsen</a> behandlar förslaget den 2 mars 2026 i Stadshuset.</p>"
            "<p><a href='/kf'>Kommunfullmäktige</a> sammanträder den 16 mars 2026 kl. 18.</p>" + BODY + "</main>")
    text = _article(body).text
    assert "behandlar förslaget den 2 mars 2026" in text and "sammanträder den 16 mars 2026" in text


def test_microdata_dates_of_teasers_are_theirs_and_the_page_s_own_microdata_counts() -> None:
    teaser = ("<article itemscope itemtype='http://schema.org/BlogPosting'><h3><a href='/nyheter/{0}'>Nyhet {0} om "
              "något annat</a></h3><meta itemprop='datePublished' content='2026-01-{0:02d}'></article>")
    loop = "<section><h2>Nyheter</h2>" + "".join(teaser.format(n) for n in (10, 11, 12)) + "</section>"
    page = _article(f"<main><h1>Parkering</h1>{BODY}{loop}</main>")
    assert page.published_at is None and "Nyhet 10" not in page.text
    own = "<meta itemprop='datePublished' content='2026-03-02T09:00:00+01:00'>"
    page = _article(f"<main>{loop}<article itemscope itemtype='http://schema.org/BlogPosting'>{own}<h1>Parkering</h1>"
                    f"{BODY}</article></main>")
    assert _day(page.published_at) == "2026-03-02"


# --- (c) updated is not published -------------------------------------------------------------


def test_an_update_date_fills_modified_only() -> None:
    page = _article(f"<main><h1>Tjänst</h1>{BODY}<p>Senast uppdaterad: <time datetime='2025-09-18'>18 sep</time></p></main>",
                    "<meta name='DC.modified' content='2025-09-19'>")
    assert page.published_at is None and _day(page.modified_at) == "2025-09-18"
    page = _article(f"<main><h1>Tjänst</h1>{BODY}</main>", "<meta name='DC.Date.Modified' content='2025-11-03'>")
    assert page.published_at is None and _day(page.modified_at) == "2025-11-03"


def test_update_labels_in_their_usual_wordings_fill_modified_only() -> None:
    for line in ("Sidan senast granskad: 10 januari 2026", "Senaste ändring: 2026-01-10",
                 "Sidan uppdaterades senast 10 januari 2026", "Senast reviderad 2026-01-10"):
        page = _article(f"<main><h1>Tjänst</h1>{BODY}<p>{line}</p></main>")
        assert (page.published_at, _day(page.modified_at)) == (None, "2026-01-10"), line
    # "Senaste uppdateringar" heads a teaser block: no label
    assert _article(f"<main><h1>Tjänst</h1>{BODY}<h2>Senaste uppdateringar</h2><p>12 mars 2026</p></main>").modified_at is None


def test_a_metadata_line_s_second_label_counts_and_a_verb_after_it_does_not() -> None:
    for line in ("Uppdaterad: 14 mars 2026<br>Publicerad: 12 mars 2026",
                 "<strong>Publicerad:</strong> 12 mars 2026 <strong>Uppdaterad:</strong> 14 mars 2026"):
        page = _article(f"<main><h1>Tjänst</h1>{BODY}<p>{line}</p></main>")
        assert (_day(page.published_at), _day(page.modified_at)) == ("2026-03-12", "2026-03-14"), line
    page = _article(f"<main><h1>Tjänst</h1>{BODY}<p>Uppdaterad 14 mars 2026: beslutet publicerades 12 mars 2026.</p></main>")
    assert (page.published_at, _day(page.modified_at)) == (None, "2026-03-14")


# --- (d) boilerplate by structure -----------------------------------------------------------


def test_a_cookie_dialog_gives_neither_title_nor_text_but_a_page_about_cookies_keeps_its_own() -> None:
    dialog = ("<div role='dialog'><h1>Den här webbplatsen använder kakor</h1><p>Vi använder kakor.</p>"
              "<button>Godkänn alla kakor</button></div>")
    page = _article(f"{dialog}<div id='innehall'><h1>Enskilt avlopp</h1>{BODY}</div>")
    assert page.title == "Enskilt avlopp" and "använder kakor" not in page.text
    about = ("<main><h1>Om kakor</h1><p>Vi använder kakor för besöksstatistik, som sparas i 13 månader hos oss.</p>"
             "<p><button>Ändra inställningar för kakor</button></p>" + BODY + "</main>")
    assert "sparas i 13 månader" in _article(about).text
    # an accept-like button in a page about cookies, with and without a landmark around the content
    paragraphs = "".join(f"<p>Stycke {n} om hur kommunen använder kakor och vad de sparar om dig.</p>" for n in range(4))
    settings = "<p><button>Hantera kakor</button></p>"
    assert "Stycke 3 om hur" in _article(f"<main><h1>Om kakor</h1>{paragraphs}{settings}</main>").text
    assert "Stycke 3 om hur" in _article(f"<div><h1>Om kakor</h1><div>{paragraphs}{settings}</div></div>").text


def test_page_tools_go_and_a_side_box_of_facts_stays() -> None:
    tools = ("<ul><li><button>Lyssna</button></li><li><a href='#'>Skriv ut</a></li>"
             "<li><a href='https://www.facebook.com/sharer.php?u=x'>Dela sidan</a></li></ul>")
    facts = "<aside><h2>Plats</h2><p>Stibyborgsgatan 10, Gärsnäs</p></aside>"
    links = "<aside><h2>Se även</h2><ul><li><a href='/a'>Hemtjänst</a></li><li><a href='/b'>Larm</a></li></ul></aside>"
    text = _article(f"<main>{tools}<h1>Mötesplats</h1>{BODY}{facts}{links}</main>").text
    assert "Lyssna" not in text and "Dela sidan" not in text and "Hemtjänst" not in text
    assert "Stibyborgsgatan 10, Gärsnäs" in text


def test_a_feedback_form_takes_its_question_along_and_a_contact_box_of_lines_comes_once() -> None:
    feedback = "<div class='fb'><h2>Var informationen till hjälp?</h2><form><button>Ja</button><button>Nej</button></form></div>"
    contact = "<div><h2>Kontakt</h2><p>Bygglovsenheten<br>Telefon: 0123-45 67 00<br>E-post: bygglov@exempelby.se</p></div>"
    page = _article(f"<div id='content'><h1>Altan</h1>{BODY}{feedback}{contact}</div>")
    assert "till hjälp" not in page.text
    assert page.text.count("Bygglovsenheten") == 1 and "Telefon: 0123-45 67 00" in page.text
    # a heading above a form and more content keeps its section
    kept = "<div><h2>Anmälan</h2><p>Anmäl dig senast den 3 mars till kursen i simning för vuxna.</p><form><input name='n'></form></div>"
    assert "Anmälan" in _article(f"<div id='content'><h1>Kurs</h1>{BODY}{kept}</div>").text


# --- (e) collapsed sections are content -------------------------------------------------------


def test_a_panel_a_trigger_controls_is_opened_and_an_unreferenced_hidden_element_stays_hidden() -> None:
    body = ("<main><h1>Attefallshus</h1>" + BODY +
            "<h2><button aria-expanded='false' aria-controls='p1'>Läs mer om avgiften</button></h2>"
            "<div id='p1' hidden><p>En anmälan kostar 7 400 kronor.</p></div>"
            "<div class='c' style='display:none'><p>Tack för ditt svar på enkäten!</p></div></main>")
    text = _article(body).text
    assert "Läs mer om avgiften" in text and "7 400 kronor" in text
    assert "Tack för ditt svar" not in text


# --- (f) a teaser's date in its sibling metadata ----------------------------------------------


def test_a_flat_list_gives_each_teaser_its_own_date_never_its_neighbours() -> None:
    html = ("<html><body><main><h1>Nyheter</h1><div class='list'>"
            "<h3><a href='/nyheter/a'>Första</a></h3><p class='meta'>Publicerad 11 mars 2026</p><p>Om den första.</p>"
            "<h3><a href='/nyheter/b'>Andra</a></h3><p>Om den andra, som inte har något datum.</p>"
            "<h3><a href='/nyheter/c'>Tredje</a></h3><p class='meta'>Publicerad 2 mars 2026</p>"
            "</div></main></body></html>")
    listing = parse_listing(PageInput("https://www.exempelby.se/nyheter/", None, html.encode()))
    dates = {e.title: _day(e.published_at) for e in listing.entries}
    assert dates == {"Första": "2026-03-11", "Andra": None, "Tredje": "2026-03-02"}
    summaries = {e.title: e.summary for e in listing.entries}
    assert summaries["Första"] == "Om den första." and summaries["Andra"] == "Om den andra, som inte har något datum."
