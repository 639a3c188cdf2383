"""Key facts: one test per pattern, Swedish first, English second; presence on pages."""

from __future__ import annotations

import datetime as dt

import pytest

from parity.match.facts import extract_facts, missing_facts, page_facts

# Tuesday 10 March 2026, 08:30 in Stockholm
POST_TIME = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.timezone.utc)


def surfaces(text, lang="sv", when=POST_TIME):
    return [(f.kind, f.surface) for f in extract_facts(text, when, lang)]


def missing(post_text, page_text, lang="sv", title="", page_time=None, url=None):
    facts = extract_facts(post_text, POST_TIME, lang)
    return missing_facts(facts, page_facts(title, page_text, url, page_time, lang))


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Vattnet stängs av 12 mars.", [("date", "12 mars")]),
        ("Mötet hålls den 1:a april 2026.", [("date", "1:a april 2026")]),
        ("Datum: 2026-03-12.", [("date", "2026-03-12")]),
        ("Vi ses 12/3!", [("date", "12/3")]),
        ("Stängt 12.3.2026 hela dagen.", [("date", "12.3.2026")]),
        ("Konserten är tisdag 17 mars.", [("date", "tisdag 17 mars")]),
        ("Konserten är på torsdag.", [("date", "på torsdag")]),
        ("Öppet i morgon som vanligt.", [("date", "i morgon")]),
        ("Marknad 12–14 juni på torget.", [("date", "12–14 juni")]),
    ],
)
def test_swedish_dates(text, expected):
    assert surfaces(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The road closes on March 12.", [("date", "March 12")]),
        ("Meeting on 12 March 2026.", [("date", "12 March 2026")]),
        ("Open again tomorrow.", [("date", "tomorrow")]),
        ("See you on Tuesday, March 17!", [("date", "on Tuesday, March 17")]),
    ],
)
def test_english_dates(text, expected):
    assert surfaces(text, "en") == expected


def test_relative_dates_resolve_against_post_time_in_stockholm():
    # 23:30 UTC on 10 March is already 11 March in Stockholm: "i morgon" is 12 March
    late = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.timezone.utc)
    (f,) = extract_facts("Stängt i morgon.", late, "sv")
    assert "md:03-12" in f.groups[0]
    (f,) = extract_facts("Stängt i morgon.", POST_TIME, "sv")
    assert "md:03-11" in f.groups[0]


def test_weekday_resolves_to_next_occurrence():
    (f,) = extract_facts("Vi ses på torsdag.", POST_TIME, "sv")  # Tue 10 March → Thu 12 March
    assert "md:03-12" in f.groups[0]


def test_date_present_in_other_spelling():
    assert missing("Vattnet stängs av 12 mars.", "Avstängning 2026-03-12 på grund av arbete.") == []
    assert missing("Stängt 12/3.", "Stängt den 12 mars.") == []
    assert missing("Stängt på torsdag.", "Stängt torsdag 12 mars.") == []
    assert missing("Stängt i morgon.", "Stängt onsdag den 11 mars.") == []
    assert missing("Closed March 12.", "The office is closed on 12 March.", "en") == []


def test_date_missing():
    assert missing("Vattnet stängs av 12 mars.", "Vattnet stängs av 13 mars.") == ["12 mars"]
    assert missing("Marknad 12–14 juni.", "Marknad 12 juni.") == ["12–14 juni"]


def test_24_7_is_not_a_date():
    assert surfaces("Open 24/7 for emergencies.", "en") == []


# ------------------------------------------------------------------ deadlines
@pytest.mark.parametrize(
    "text, lang, surface",
    [
        ("Ansök senast 15 april.", "sv", "senast 15 april"),
        ("Sista anmälningsdag är 3 maj.", "sv", "Sista anmälningsdag är 3 maj"),
        ("Apply no later than April 15.", "en", "no later than April 15"),
        ("Deadline is 2026-04-15.", "en", "Deadline is 2026-04-15"),
    ],
)
def test_deadlines(text, lang, surface):
    assert surfaces(text, lang) == [("deadline", surface)]


def test_deadline_present_when_date_present():
    assert missing("Ansök senast 15 april.", "Ansökan ska vara inne den 15 april 2026.") == []


# ------------------------------------------------------------------ times
@pytest.mark.parametrize(
    "text, lang, surface",
    [
        ("Stängt kl. 8–16.", "sv", "kl. 8–16"),
        ("Öppet 08.00–16.00.", "sv", "08.00–16.00"),
        ("Start klockan 18.30.", "sv", "klockan 18.30"),
        ("Öppet kl 10 till 15.", "sv", "kl 10 till 15"),
        ("Doors open at 7:30 pm.", "en", "7:30 pm"),
        ("Open 10am-2pm.", "en", "10am-2pm"),
    ],
)
def test_times(text, lang, surface):
    assert surfaces(text, lang) == [("time", surface)]


def test_time_present_in_other_spelling():
    assert missing("Stängt kl. 8–16.", "Stängt mellan klockan 08.00 och 16.00.") == []
    assert missing("Start 7:30 pm.", "Starts 19:30.", "en") == []


def test_time_missing_as_written():
    assert missing("Vattnet stängs av 12 mars kl. 8–16.", "Vattnet stängs av den 12 mars.") == ["kl. 8–16"]
    assert missing("Stängt kl. 8–16.", "Stängt klockan 8–15.") == ["kl. 8–16"]


def test_prices_and_decimals_are_not_times():
    assert [k for k, _ in surfaces("Kaffe 12.50 kr och 3.5 procent.")] == ["amount"]


# ------------------------------------------------------------------ places
@pytest.mark.parametrize(
    "text, lang, surface",
    [
        ("Vägarbete på Storgatan 12.", "sv", "Storgatan 12"),
        ("Avstängt på Drottninggatan 5B.", "sv", "Drottninggatan 5B"),
        ("Grävning längs Kungsvägen.", "sv", "Kungsvägen"),
        ("Marknad på Stora torget.", "sv", "Stora torget"),
        ("Sagostund på Stadsbiblioteket.", "sv", "Stadsbiblioteket"),
        ("Trafik på Drottning Kristinas väg.", "sv", "Drottning Kristinas väg"),
        ("Meet us at 123 Main Street.", "en", "123 Main Street"),
        ("Story time at the Central Library.", "en", "Central Library"),
    ],
)
def test_places(text, lang, surface):
    assert surfaces(text, lang) == [("place", surface)]


def test_street_number_not_confused_with_date():
    assert surfaces("Storgatan 12 mars kl. 8–16.") == [("place", "Storgatan"), ("date", "12 mars"), ("time", "kl. 8–16")]


def test_place_presence():
    assert missing("Vägarbete på Storgatan 12.", "Arbetet sker vid storgatan 12 under dagen.") == []
    assert missing("Vägarbete på Storgatan 12.", "Arbetet sker vid Storgatan 120.") == ["Storgatan 12"]
    assert missing("Sagostund på Stadsbiblioteket.", "Sagostund i biblioteket.") == ["Stadsbiblioteket"]


# ------------------------------------------------------------------ amounts
@pytest.mark.parametrize(
    "text, lang, surface, key",
    [
        ("Avgiften är 500 kr.", "sv", "500 kr", "a:500"),
        ("Kostnad 1 500 kronor.", "sv", "1 500 kronor", "a:1500"),
        ("Entré 50:-.", "sv", "50:-", "a:50"),
        ("Bidrag på 2,5 miljoner kronor.", "sv", "2,5 miljoner kronor", "a:2500000"),
        ("Tickets cost $25.", "en", "$25", "a:25"),
        ("A $2 trillion package.", "en", "$2 trillion", "a:2000000000000"),
    ],
)
def test_amounts(text, lang, surface, key):
    (f,) = extract_facts(text, POST_TIME, lang)
    assert (f.kind, f.surface) == ("amount", surface)
    assert key in f.groups[0]


def test_amount_presence():
    assert missing("Avgiften är 500 kr.", "Avgift: 500 kronor per termin.") == []
    assert missing("Avgiften är 500 kr.", "Avgift: 600 kronor per termin.") == ["500 kr"]


# ------------------------------------------------------------------ contacts
@pytest.mark.parametrize(
    "text, surface",
    [
        ("Ring 018-727 00 00 för frågor.", "018-727 00 00"),
        ("Ring +46 18 727 00 00.", "+46 18 727 00 00"),
        ("Sjukvårdsrådgivning: ring 1177.", "1177"),
        ("Ring 08-123 456 78.", "08-123 456 78"),
    ],
)
def test_phones(text, surface):
    assert surfaces(text) == [("phone", surface)]


def test_phone_presence_with_other_separators():
    assert missing("Ring 018-727 00 00.", "Kontakta oss på telefon 018 727 00 00.") == []
    assert missing("Ring 018-727 00 00.", "Kontakta oss på +46 18 727 00 00.") == []
    assert missing("Ring 018-727 00 00.", "Kontakta kundservice.") == ["018-727 00 00"]


def test_english_phone():
    assert surfaces("Call (555) 123-4567 today", "en")[0] == ("phone", "(555) 123-4567")


def test_email_and_web_address():
    assert surfaces("Mejla kontakt@uppsala.se eller läs på uppsala.se/anmalan.") == [
        ("email", "kontakt@uppsala.se"),
        ("url", "uppsala.se/anmalan"),
    ]
    assert missing("Mejla kontakt@uppsala.se.", "Frågor: Kontakt@Uppsala.se") == []
    assert missing("Mejla kontakt@uppsala.se.", "Frågor: info@uppsala.se") == ["kontakt@uppsala.se"]
    # a web address is present when the page is under it
    assert missing("Läs mer på www.uppsala.se/anmalan", "Anmälan", url="https://uppsala.se/anmalan/") == []
    assert missing("Läs mer på uppsala.se", "Text", url="https://www.uppsala.se/nyheter/x") == []


def test_social_links_are_not_facts():
    assert surfaces("Följ oss på facebook.com/uppsalakommun och t.co/abc") == []


def test_no_facts_in_plain_text():
    assert surfaces("Välkommen till en ny vecka i kommunen!") == []
    assert surfaces("Senate passes the relief bill, sending it to the President.", "en") == []


def test_tz_env_does_not_change_resolution(monkeypatch):
    import time

    (a,) = extract_facts("Stängt i morgon.", POST_TIME, "sv")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        (b,) = extract_facts("Stängt i morgon.", POST_TIME, "sv")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert a == b
