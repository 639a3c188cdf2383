"""Which year a date is in, week numbers and the year of an occasion.

Why: a municipality writes the same announcement every year ("Sophämtning i jul: torsdag
24/12 hämtar vi måndag 28/12", "Luciafirande fredag 13 december"). Day and month alone match
last year's page as well as this year's, and a resident reading last year's page gets the
wrong days. The year follows from the post's time and, when one is given, from the weekday:
:func:`resolve` takes the candidate year nearest the post's time whose calendar puts that
weekday on that date (trying the adjacent years when the nearest does not fit). A weekday
that fits none of them is itself a signal (the post or the page is of another year).

Also here: week numbers ("vecka 36", "v. 36", "veckorna 35–36") → keys ``w:36``, present on a
page that gives the week or, when the post's year is known, a date inside it; and the year
that names an occasion ("Medborgarundersökningen 2017", "Skräpplockardagarna 2021", "hösten
2024") → key ``y:2017``.
"""

from __future__ import annotations

import datetime as dt
import re

from parity.match.facts.base import DASH, Alt, Hit, literal

#: how far from the anchor's year a year-less date may be read (the adjacent years)
YEAR_SPAN = 1

_RX_WEEK = re.compile(
    rf"(?<![\w.])(?:[Vv]eck(?:a|an|orna)|[Vv]\.|[Vv](?=\s?\d))\s?(\d{{1,2}})"
    rf"(?:\s*(?:{DASH}|och|till)\s*(?:[Vv](?:ecka)?\.?\s?)?(\d{{1,2}}))?(?![\d.,:/-]?\d)"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_RX_YEAR_AFTER_WORD = re.compile(
    rf"(?<![\w-])([^\W\d_]{{3,}})[ \u00a0]({_YEAR})(?![\d/.,:%]?\d|[-–/]\d|\s*(?:kr|kronor|st|personer|meter|km)\b)"
)
#: words after which a year is a time, not the name of an occasion ("sedan 2015", "i 2024 års budget")
_NOT_OCCASION = frozenset("""
i år året åren sedan från till under efter före innan inför mellan och eller om per vid på med den sen senast
tom in of since by for from to until before after during the and or year hela av än runt cirka ca omkring
född född födda födde
""".split())
_RX_ANY_YEAR = re.compile(rf"(?<![\d.,:/-]){_YEAR}(?![\d.,:/-]?\d)")


def full_year(text: str | None) -> int | None:
    """A year as dates write it: "2026" → 2026, "26" → 2026 (two digits are this century)."""
    if not text:
        return None
    year = int(text)
    return 2000 + year if year < 100 else year


def resolve(month: int, day: int, weekday: int | None, anchor: dt.date | None) -> tuple[dt.date | None, bool]:
    """The date "day/month" means, written near ``anchor`` (a post's or page's local date), and
    whether the weekday given with it fits that date.

    Candidates are the same day in the anchor's year and the adjacent ones, nearest to the
    anchor first; with a weekday the nearest candidate on that weekday wins. No anchor: no date
    (the weekday alone still tells two readings of "24/12" apart, see :mod:`.conflicts`)."""
    if anchor is None:
        return None, True
    candidates = []
    for year in range(anchor.year - YEAR_SPAN, anchor.year + YEAR_SPAN + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 29 February, 31 April
            continue
    if not candidates:
        return None, True
    candidates.sort(key=lambda d: (abs((d - anchor).days), d))
    if weekday is None:
        return candidates[0], True
    for d in candidates:
        if d.weekday() == weekday:
            return d, True
    return candidates[0], False


def week_days(year: int, week: int) -> list[dt.date]:
    """The seven days of ISO week ``week`` of ``year`` (none when the year has no such week)."""
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return []
    return [monday + dt.timedelta(days=i) for i in range(7)]


def week_hits(text: str, anchor: dt.date | None) -> list[Hit]:
    """Week numbers: each week one group, satisfied by ``w:N`` or (year known) a date in it."""
    hits: list[Hit] = []
    if "v" not in text.lower():
        return hits
    for m in _RX_WEEK.finditer(text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if not 1 <= a <= 53 or not a <= b <= 53 or b - a > 10:
            continue
        groups: list[tuple[Alt, ...]] = []
        for week in range(a, b + 1) if b - a <= 1 else (a, b):
            alts: list[Alt] = [f"w:{week}"]
            if anchor is not None:
                year = anchor.year if week >= 10 or anchor.month < 10 else anchor.year + 1
                alts += [f"md:{d.month:02d}-{d.day:02d}" for d in week_days(year, week)]
            groups.append(tuple(alts))
        hits.append(Hit("date", m.start(), m.end(), groups, role="week"))
    return hits


def page_weeks(text: str) -> set[str]:
    """Every week key a page's text yields, ranges expanded ("vecka 28-31" → w:28 … w:31)."""
    keys: set[str] = set()
    for m in _RX_WEEK.finditer(text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if 1 <= a <= b <= 53 and b - a <= 10:
            keys.update(f"w:{w}" for w in range(a, b + 1))
    return keys


def year_hits(text: str) -> list[Hit]:
    """The year that names an occasion: right after a word that is not a preposition."""
    hits: list[Hit] = []
    for m in _RX_YEAR_AFTER_WORD.finditer(text):
        if m.group(1).lower() in _NOT_OCCASION:
            continue
        year = m.group(2)
        hits.append(Hit("date", m.start(2), m.end(2), [(literal(year), f"y:{year}")], role="year", year=int(year)))
    return hits


def page_years(text: str) -> set[int]:
    """Every year a page's text names."""
    return {int(y) for y in _RX_ANY_YEAR.findall(text)}
