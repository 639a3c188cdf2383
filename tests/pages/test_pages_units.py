"""Unit and property tests for the page objects' helpers and failure modes.

The fixture tests show what real and realistic pages give; these show the
rules underneath (dates, charsets, JS literals) and that hostile or broken
input only ever ends in a PageError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.pages import (
    Article,
    PageError,
    PageInput,
    announced_total,
    app_registry_states,
    detect_cms,
    detect_lang,
    extract_article,
    extract_document,
    find_date_in_text,
    html_to_text,
    parse_datetime,
    parse_feed,
    parse_listing,
    parse_notice_board,
    parse_sitemap,
    read_register,
)
from crawler.pages.decode import decode_body, get_header
from crawler.pages.jsobject import JSParseError, parse_js_value
from crawler.pages.xmlsafe import gunzip_capped
from tests.pages import make_binary_fixtures

UTC = dt.UTC
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12", dt.datetime(2026, 3, 12, tzinfo=UTC)),  # bare date: 00:00 UTC, same day in Sweden
        ("2026-03-12 08:00", dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)),  # local winter time
        ("2026-07-01 08:00", dt.datetime(2026, 7, 1, 6, 0, tzinfo=UTC)),  # local summer time
        ("2026-03-29 03:30", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # first hour of summer time
        ("2026-03-12T08:00:00Z", dt.datetime(2026, 3, 12, 8, 0, tzinfo=UTC)),
        ("2026-03-12T08:00:00.000+0100", dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)),
        ("2026-03-12 kl. 8.00", dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)),
        ("2026-03-24 00:00:00", dt.datetime(2026, 3, 24, tzinfo=UTC)),  # padded date, not a midnight event
        ("12 mars 2026", dt.datetime(2026, 3, 12, tzinfo=UTC)),
        ("tis 12 mars 2026 kl. 08.00", dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)),
        ("12 okt. 2026", dt.datetime(2026, 10, 12, tzinfo=UTC)),
        ("tors, 14 maj 2026 16:45:00 +0200", dt.datetime(2026, 5, 14, 14, 45, tzinfo=UTC)),
        ("Sat, 01 Dec 2018 12:00:00 +0000", dt.datetime(2018, 12, 1, 12, 0, tzinfo=UTC)),
        ("March 12, 2026", dt.datetime(2026, 3, 12, tzinfo=UTC)),
        ("12.03.2026", dt.datetime(2026, 3, 12, tzinfo=UTC)),
        ("1773136800000", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),  # epoch ms (publishedLong)
        (1773136800, dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),  # epoch s
        ("0001-01-01", None),  # placeholder dates are no dates
        ("2026-02-30", None),
        ("nästa tisdag", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(text: object, expected: dt.datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_find_date_in_text_needs_a_year_unless_given_one() -> None:
    assert find_date_in_text("26 september, 13:00–14:30") is None
    assert find_date_in_text("26 september, 13:00–14:30", default_year=2026) == dt.datetime(
        2026, 9, 26, 11, 0, tzinfo=UTC
    )
    assert find_date_in_text("Publicerad: 12 mars 2026, uppdaterad 2026-03-14") == dt.datetime(2026, 3, 12, tzinfo=UTC)


@PROPERTY
@given(st.text(max_size=200) | st.integers() | st.floats(allow_nan=True))
def test_parse_datetime_never_raises_and_is_utc(value: object) -> None:
    result = parse_datetime(value)
    assert result is None or result.utcoffset() == dt.timedelta(0)


# --- article dates -------------------------------------------------------------------------


def test_time_in_the_only_article_is_the_page_date_and_teaser_times_are_not() -> None:
    html = (
        "<html><body><main><article><h1>Nyhet</h1><time datetime='2026-03-11T08:00:00+01:00'>11 mars</time>"
        "<p>Text om nyheten som är tillräckligt lång.</p></article>"
        "<aside class='related-news'><time datetime='2026-01-01'>1 jan</time></aside></main></body></html>"
    )
    article = extract_article(PageInput("https://x.se/nyhet", None, html.encode()))
    assert article.published_at == dt.datetime(2026, 3, 11, 7, 0, tzinfo=UTC)
    teasers = (
        html.replace("<article>", "<div>")
        .replace("</article>", "</div>")
        .replace("<aside class='related-news'>", "<article class='teaser'>")
        .replace("</aside>", "</article>")
    )
    teasers = teasers.replace("<time datetime='2026-03-11T08:00:00+01:00'>11 mars</time>", "")
    assert extract_article(PageInput("https://x.se/nyhet", None, teasers.encode())).published_at is None


# --- text and language ---------------------------------------------------------------


def test_html_to_text_keeps_structure_and_drops_code() -> None:
    html = (
        "<div><h2>Rubrik</h2><p>Ett  stycke<br>med radbrytning.</p><script>var x = '<p>nej</p>';</script>"
        "<ul><li>ett</li><li>två</li></ul><style>p{}</style><svg><text>ikon</text></svg>"
        "<span aria-hidden='true'>★</span><table><tr><td>a</td><td>b</td></tr></table></div>"
    )
    assert html_to_text(html) == "Rubrik\n\nEtt stycke\nmed radbrytning.\n\nett\ntvå\n\na b"


@PROPERTY
@given(st.text(max_size=300))
def test_html_to_text_never_raises(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vattnet stängs av på Storgatan torsdag 12 mars mellan klockan 8 och 16.", "sv"),
        ("The water will be shut off on Storgatan on Thursday between 8 and 16.", "en"),
        ("Vesi katkaistaan Storgatanilla torstaina kello 8–16 venttiilin vaihdon vuoksi.", "fi"),
        ("Biyaha waa la xirayaa Storgatan maalinta Khamiista saacadda 8 ilaa 16.", "so"),
        ("سيتم قطع المياه في شارع ستورغاتان يوم الخميس من الساعة 8 إلى 16", "ar"),
        ("Hej hej", None),  # too short to tell
        ("", None),
    ],
)
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang


# --- JS literals and AppRegistry -----------------------------------------------------------


def test_js_literal_subset_is_read_as_data() -> None:
    text = "{a: 'x\\'y', \"b\": [1, 2.5, -3e2, 0x1F,], c: undefined, d: !0, e: !1, f: null, /* c */ g: `t`, // x\n}"
    value, end = parse_js_value(text)
    assert value == {"a": "x'y", "b": [1, 2.5, -300.0, 31], "c": None, "d": True, "e": False, "f": None, "g": "t"}
    assert end == len(text)


@pytest.mark.parametrize(
    "code", ["{a: alert(1)}", "{a: window.location}", "{a: `x${document.cookie}`}", "{a: 1 + 2}", "{a: new Date()}"]
)
def test_js_code_is_refused_not_run(code: str) -> None:
    with pytest.raises(JSParseError):
        parse_js_value(code)


def test_js_nesting_is_bounded() -> None:
    with pytest.raises(JSParseError):
        parse_js_value("{a:" * 1000 + "1" + "}" * 1000)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@PROPERTY
@given(st.dictionaries(st.text(max_size=10), JSONISH, max_size=5), st.sampled_from(["'12.ab'", '"12.ab"']))
def test_app_registry_round_trip(state: dict[str, object], portlet: str) -> None:
    """Whatever JSON a state holds (even '});' or '</script>' in strings), it comes back intact."""
    html = f"<script>AppRegistry.registerInitialState({portlet},{json.dumps(state)});</script>"
    assert app_registry_states(html) == {"12.ab": state}


def test_app_registry_skips_the_library_and_broken_calls() -> None:
    html = (
        "<script>var AppRegistry={registerInitialState:function(t,e){n[t]=e}};</script>"
        "<script>AppRegistry.registerInitialState('12.a',{broken: );</script>"
        '<script>AppRegistry.registerInitialState(\'12.b\',{"ok":"}); AppRegistry"});</script>'
    )
    assert app_registry_states(html) == {"12.b": {"ok": "}); AppRegistry"}}


@PROPERTY
@given(st.text(max_size=300))
def test_app_registry_never_raises(text: str) -> None:
    assert isinstance(app_registry_states("AppRegistry.registerInitialState(" + text), dict)


# --- charsets and headers ------------------------------------------------------------------


def test_real_scrapy_headers_are_read() -> None:
    """Spiders pass response.headers as is; tests may import Scrapy, page objects may not."""
    from scrapy.http import Headers

    headers = Headers({"Content-Type": "text/html; charset=ISO-8859-1", "Set-Cookie": ["a=1", "SiteVisionLTM=x"]})
    assert get_header(headers, "content-type") == "text/html; charset=ISO-8859-1"
    assert get_header(headers, "Set-Cookie") == "SiteVisionLTM=x"
    first_cookie = Headers({"Set-Cookie": ["SiteVisionLTM=x", "a=1"]})
    assert detect_cms(PageInput("https://x.se/", first_cookie, b"<html><body>Hej</body></html>")) == "sitevision"


def test_scrapy_style_headers_are_read() -> None:
    headers = {b"Content-Type": [b"text/html; charset=ISO-8859-1"], b"Set-Cookie": [b"a=1", b"SiteVisionLTM=x"]}
    assert get_header(headers, "content-type") == "text/html; charset=ISO-8859-1"
    assert get_header(headers, "set-cookie") == "SiteVisionLTM=x"
    assert get_header(None, "content-type") is None


@pytest.mark.parametrize(
    ("headers", "body", "codec"),
    [
        ({"Content-Type": "text/html; charset=utf-8"}, "<p>Åre</p>".encode("cp1252"), "cp1252"),  # wrong label
        ({"Content-Type": "text/html; charset=iso-8859-1"}, "<p>Åre</p>".encode(), "utf-8"),  # wrong label
        ({}, b'<meta charset="windows-1251"><p>' + "Привет".encode("cp1251"), "cp1251"),  # honest meta
        ({"Content-Type": "text/html; charset=utf-16"}, "<p>Åre</p>".encode("utf-16-le"), "utf-16"),
        ({}, b"\xef\xbb\xbf<p>\xc3\x85re</p>", "utf-8-sig"),
    ],
)
def test_decode_body(headers: dict[str, str], body: bytes, codec: str) -> None:
    text, used = decode_body(headers, body)
    assert used.replace("_", "-").startswith(codec)
    assert "\ufffd" not in text


# --- hostile and broken input ends in PageError ------------------------------------------


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (60 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(PageError, match="inflates to more than 50 MB"):
        parse_sitemap(PageInput("https://x.se/sitemap.xml.gz", None, bomb))
    with pytest.raises(PageError, match="broken gzip"):
        gunzip_capped(b"\x1f\x8b\x08\x00garbage", "x")


def test_feedparser_alone_does_not_expand_entities() -> None:
    """Verified, not assumed: feedparser strips the DOCTYPE's unsafe entities before its SAX parser.

    The pre-check in xmlsafe is a second line (and gives a clear error); this pins the first.
    """
    import time

    import feedparser

    body = (FIXTURES / "feed/billion-laughs/body.xml").read_bytes()
    started = time.monotonic()
    parsed = feedparser.parse(body)
    assert time.monotonic() - started < 2
    assert all(len(entry.get("title", "")) < 100 for entry in parsed.entries)


def test_simple_entity_declarations_are_allowed_in_feeds() -> None:
    feed = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>'
        b"<rss version='2.0'><channel><title>t</title><item><title>A&nbsp;B</title><link>https://x.se/a</link></item></channel></rss>"
    )
    (entry,) = parse_feed(PageInput("https://x.se/rss", None, feed))
    assert entry.title == "A B"


def test_rss_091_public_doctype_is_fine() -> None:
    feed = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
        b"<item><title>A</title><link>https://x.se/a</link></item></channel></rss>"
    )
    assert [e.url for e in parse_feed(PageInput("https://x.se/rss", None, feed))] == ["https://x.se/a"]


@PROPERTY
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_garbage_only_ever_raises_page_error(body: bytes) -> None:
    for parse in (parse_feed, parse_sitemap, parse_notice_board, parse_listing, extract_article):
        try:
            parse(PageInput("https://x.se/", None, body))
        except PageError as exc:
            assert "\n" not in str(exc)


def test_truncated_pdfs_only_ever_raise_page_error() -> None:
    pdf = (FIXTURES / "document/pdf-protokoll/body.pdf").read_bytes()
    for cut in range(0, len(pdf), 37):
        try:
            extract_document(PageInput("https://x.se/a.pdf", None, pdf[:cut] + b"\x00junk"))
        except PageError as exc:
            assert "\n" not in str(exc)


def test_listing_selectors_are_checked() -> None:
    with pytest.raises(PageError, match="selectors: unknown key"):
        parse_listing(PageInput("https://x.se/", None, b"<html><body></body></html>"), selectors={"item": "li", "titel": "h2"})
    with pytest.raises(PageError, match="selectors: item: required"):
        parse_listing(PageInput("https://x.se/", None, b"<html><body></body></html>"), selectors={"title": "h2"})


def test_listing_prefers_real_titles_over_read_more_links() -> None:
    html = (
        "<html><body><main><div><span>12 mars 2026</span><a href='/nyheter/a'>Läs mer</a></div>"
        "<div><a href='/nyheter/b'>Läs mer</a> <a href='/nyheter/b'>Nyhet B</a></div></main></body></html>"
    )
    entries = parse_listing(PageInput("https://x.se/nyheter/", None, html.encode())).entries
    assert [(e.url, e.title) for e in entries] == [
        ("https://x.se/nyheter/a", "Läs mer"),
        ("https://x.se/nyheter/b", "Nyhet B"),
    ]
    assert entries[0].published_at == dt.datetime(2026, 3, 12, tzinfo=UTC)


def test_announced_total_tells_a_partly_rendered_board() -> None:
    state = {"pages": [{"title": f"Anslag {i}", "uri": f"/anslag/{i}"} for i in range(10)], "totalCount": 23}
    html = f"<script>AppRegistry.registerInitialState('12.a',{json.dumps(state)});</script>"
    assert len(parse_notice_board(PageInput("https://x.se/anslagstavla", None, html))) == 10
    assert announced_total(PageInput("https://x.se/anslagstavla", None, html)) == 23
    paged = json.dumps({"data": {"announcements": [], "totalPages": 3, "pageSize": 10}})
    assert announced_total(PageInput("", None, f"<script>AppRegistry.registerInitialState('12.b',{paged});</script>")) == 30
    menu = json.dumps({"items": [{"name": "x"}], "total": 99})
    assert announced_total(PageInput("", None, f"<script>AppRegistry.registerInitialState('12.c',{menu});</script>")) is None


def test_register_missing_file_is_a_page_error(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="cannot read"):
        read_register(tmp_path / "finns-inte.csv")


def test_page_error_is_one_line() -> None:
    error = PageError("https://x.se/\n", "first line\nsecond  line")
    assert str(error) == "https://x.se/: first line second line"
    assert (error.where, error.reason) == ("https://x.se/", "first line second line")


# --- contracts of the module itself -----------------------------------------------------------


def test_results_are_frozen() -> None:
    article = Article("u", None, "", None, None, None, None, None, (), (), ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "x"  # type: ignore[misc]


def test_binary_fixtures_are_reproducible() -> None:
    """The PDF/docx/gzip fixtures are exactly what make_binary_fixtures.py writes."""
    for path, data in make_binary_fixtures.outputs().items():
        assert path.read_bytes() == data, f"{path} differs: rerun python -m tests.pages.make_binary_fixtures"


def test_binary_served_as_html_is_an_error_not_a_page() -> None:
    import random

    import pytest

    from crawler.pages.types import PageError
    from crawler.pages.web.article import extract_article, looks_binary

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(20000))
    with pytest.raises(PageError, match="binary"):
        extract_article(PageInput("https://x.se/a", {"Content-Type": "text/html"}, noise))
    # Mojibake from a wrong declared charset is still a page.
    latin = "<html><body><p>Vattnet stängs av på Storgatan i Österåker.</p></body></html>".encode("cp1252")
    assert not looks_binary(latin.decode("utf-8", errors="replace"))
    assert extract_article(PageInput("https://x.se/b", {"Content-Type": "text/html; charset=utf-8"}, latin)).text


def test_unclosed_title_in_tag_soup_is_not_a_title() -> None:
    from crawler.pages.web.article import extract_article

    soup = "<html><head><title>Nyheter " + "<p>Vattnet stängs av på Storgatan. " * 200 + "</body></html>"
    article = extract_article(PageInput("https://x.se/a", {"Content-Type": "text/html; charset=utf-8"}, soup.encode()))
    assert article.title is None or len(article.title) <= 400
    # A normal page keeps its title.
    page = "<html><head><title>Vattenavstängning | X kommun</title></head><body><p>Text.</p></body></html>"
    assert extract_article(PageInput("https://x.se/b", {}, page.encode())).title == "Vattenavstängning"
