"""Dates as evidence (issue 11 §5): a year-less date's year from the post's time and weekday,
and the contradictions that tell another occasion from a page with a fact missing.

The recurring case: every December a municipality posts its holiday waste collection ("har
du vanligtvis tömning torsdag 24/12 hämtar vi i stället måndag 28/12"), every year it
announces Lucia. This year's post must not be satisfied by last year's page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from parity.match.facts import check_facts, extract_facts, page_facts
from parity.match.facts.years import resolve

UTC = dt.timezone.utc
THIS_DECEMBER = dt.datetime(2025, 12, 10, 9, 0, tzinfo=UTC)  # Wednesday 24/12/2025
LAST_DECEMBER = dt.datetime(2024, 12, 5, 9, 0, tzinfo=UTC)  # Tuesday 24/12/2024
THU, TUE, WED, SAT, SUN = 3, 1, 2, 5, 6


def check(post: str, page: str, post_time: dt.datetime | None, page_time: dt.datetime | None, title: str = ""):
    return check_facts(extract_facts(post, post_time, "sv"), page_facts(title, page, None, page_time, "sv"))


# ------------------------------------------------------------------ resolving the year
def test_year_less_date_is_read_nearest_the_post():
    assert resolve(12, 24, None, dt.date(2025, 12, 10)) == (dt.date(2025, 12, 24), True)
    assert resolve(1, 1, None, dt.date(2025, 12, 20)) == (dt.date(2026, 1, 1), True)  # "1/1" posted before new year
    assert resolve(12, 27, None, dt.date(2026, 1, 3)) == (dt.date(2025, 12, 27), True)  # looking back


def test_weekday_chooses_the_adjacent_year_when_the_nearest_does_not_fit():
    assert resolve(12, 24, WED, dt.date(2025, 12, 10)) == (dt.date(2025, 12, 24), True)
    assert resolve(12, 24, TUE, dt.date(2025, 12, 10)) == (dt.date(2024, 12, 24), True)
    assert resolve(12, 24, THU, dt.date(2025, 12, 10)) == (dt.date(2026, 12, 24), True)


def test_a_weekday_that_fits_no_candidate_year_is_a_signal():
    assert resolve(12, 24, SUN, dt.date(2025, 12, 10)) == (dt.date(2025, 12, 24), False)
    (f,) = extract_facts("Stängt söndag 24/12.", THIS_DECEMBER, "sv")
    assert f.dates == () and f.weekday == SUN and not f.weekday_fits  # left unresolved, the weekday kept
    (g,) = extract_facts("Stängt tisdag 24 december 2025.", THIS_DECEMBER, "sv")
    assert not g.weekday_fits
    (h,) = extract_facts("Stängt onsdag 24/12.", THIS_DECEMBER, "sv")
    assert h.weekday_fits


def test_post_dates_carry_their_resolved_year():
    (f,) = extract_facts("Hämtning onsdag 24/12 i stället.", THIS_DECEMBER, "sv")
    assert f.dates == (dt.date(2025, 12, 24),) and f.role == "event"
    (g,) = extract_facts("Hämtning 2/1 i stället.", THIS_DECEMBER, "sv")
    assert g.dates == (dt.date(2026, 1, 2),)
    (h,) = extract_facts("Mötet hölls 12 mars 2019.", THIS_DECEMBER, "sv")
    assert h.dates == (dt.date(2019, 3, 12),) and h.years == (2019,)


# ------------------------------------------------------------------ last year's page
HOLIDAY_POST = "🎄 Sophämtning i jul: har du tömning onsdag 24/12 hämtar vi i stället tisdag 23/12."
LAST_YEARS_PAGE = ("Ändrade hämtningsdagar i jul. Ordinarie hämtningsdag / ny hämtningsdag: "
                   "Tisdag 24/12 – Måndag 23/12. Onsdag 25/12 – Fredag 27/12.")
THIS_YEARS_PAGE = ("Ändrade hämtningsdagar i jul. Ordinarie hämtningsdag / ny hämtningsdag: "
                   "Onsdag 24/12 – Tisdag 23/12. Torsdag 25/12 – Fredag 26/12.")


def test_this_years_post_is_not_satisfied_by_last_years_page():
    c = check(HOLIDAY_POST, LAST_YEARS_PAGE, THIS_DECEMBER, LAST_DECEMBER)
    assert "onsdag 24/12" in c.missing and "onsdag 24/12" in c.conflicts
    assert "tisdag 23/12" in c.conflicts


def test_this_years_post_on_this_years_page():
    c = check(HOLIDAY_POST, THIS_YEARS_PAGE, THIS_DECEMBER, dt.datetime(2025, 12, 1, tzinfo=UTC))
    assert c.missing == () and c.conflicts == ()


def test_weekdays_tell_the_years_apart_when_nothing_is_dated():
    c = check(HOLIDAY_POST, LAST_YEARS_PAGE, None, None)
    assert "onsdag 24/12" in c.conflicts
    assert check(HOLIDAY_POST, THIS_YEARS_PAGE, None, None).conflicts == ()


def test_lucia_of_last_year():
    post = "Luciafirande på torget lördag 13 december kl 16. Välkommen!"
    last = "Luciafirande på torget fredag 13 december kl 16 med kör och glögg."
    this = "Luciafirande på torget lördag 13 december kl 16 med kör och glögg."
    c = check(post, last, dt.datetime(2025, 12, 1, tzinfo=UTC), dt.datetime(2024, 11, 28, tzinfo=UTC))
    assert c.conflicts == ("lördag 13 december",)
    assert check(post, this, dt.datetime(2025, 12, 1, tzinfo=UTC), dt.datetime(2025, 11, 25, tzinfo=UTC)).conflicts == ()


def test_another_day_on_a_page_of_another_year():
    c = check("Julgransinsamlingen är 7/1 i år.", "Julgransinsamlingen är 9/1.",
              dt.datetime(2025, 12, 28, tzinfo=UTC), dt.datetime(2024, 12, 20, tzinfo=UTC))
    assert c.conflicts == ("7/1",)


# ------------------------------------------------------------------ other contradictions
def test_another_deadline():
    c = check("Sök skolskjuts senast 15 april.", "Ansökan bör inkomma SENAST den 30 april 2022.", None, None)
    assert c.conflicts == ("senast 15 april",)
    assert check("Sök skolskjuts senast 15 april.", "Ansök senast den 15 april.", None, None).conflicts == ()


def test_another_weekday_dated_event():
    post = "Tisdag 1 oktober kl 18.30 är det invånardialog i Grönkullaskolans aula."
    c = check(post, "Invånardialog i Vislanda. Tid: Onsdag 22 maj kl. 18.30. Plats: Vislandaskolans matsal.", None, None)
    assert "Tisdag 1 oktober" in c.conflicts


def test_a_missing_detail_is_no_contradiction():
    # the recipe of a partial post: the page is the counterpart, one fact is simply absent
    post = "Öppet hus på Stenviksbadet lördag 12 april kl 10–14."
    c = check(post, "Välkommen på öppet hus på Stenviksbadet lördag 12 april!", None, None)
    assert c.missing == ("kl 10–14",) and c.conflicts == ()
    assert c.missing_share == pytest.approx(1 / 3)


def test_another_year_of_an_occasion():
    post = "SCB skickar ut Medborgarundersökningen 2017 till tusen invånare."
    assert check(post, "SCB skickar ut en medborgarenkät.", None, dt.datetime(2023, 8, 29, tzinfo=UTC)).conflicts == ("2017",)
    assert check(post, "SCB skickar ut en medborgarenkät.", None, None).conflicts == ()
    assert check(post, "Medborgarundersökningen 2017 skickas ut.", None, dt.datetime(2017, 8, 29, tzinfo=UTC)).conflicts == ()


def test_another_town():
    post = "Föreningar i Tingsryd kan söka bidrag för lovaktiviteter."
    c = check(post, "Föreningar kan söka bidrag från Strömsunds kommun för lovaktiviteter.", None, None)
    assert c.conflicts == ("Tingsryd",)
    assert check(post, "Föreningar kan söka bidrag för lovaktiviteter.", None, None).conflicts == ()
