"""When a page contradicts a post: it gives another value for the same identifying fact.

Why: a page that lacks one of the post's facts may be the post's counterpart with a detail
missing (``partial``); a page that gives *another* date for the same role, another year or
another town is about another occasion — last year's holiday collection, the consultation
in the next village, the walk that took place in spring. Calling that ``partial`` hides the
gap the audit exists to find. On sv-municipal dev no truth-``partial`` post has a
contradicting page, and every near miss linked as ``partial`` has one (docs/sv-analysis.md,
class 4).

What counts (each rule needs the page to say something of the same role, never only to lack
the fact):

* the same day and month in **another year** (the page's dates resolved against its own
  publication time and weekdays) or with **another weekday** ("torsdag 24/12" vs "tisdag
  24/12");
* a **deadline** the page does not give while it gives another ("senast 15 april" vs
  "SENAST den 30 april");
* a date **with its weekday** ("Tisdag 1 oktober") the page does not give while it dates
  another event so ("Onsdag 22 maj");
* a **year** of the post (named, "Medborgarundersökningen 2017", or of its dates) when every
  year the page names or is published in is another;
* a **town** of the post the page does not name (nor its host) while it names another town.
"""

from __future__ import annotations

from typing import Sequence

from parity.match.facts.base import Fact, PageFacts, md


def _md_keys(fact: Fact) -> set[str]:
    """The day-month keys of a date fact, every reading of "5/3" included (a relative day's
    group, which a weekday alone satisfies, gives none)."""
    return {a for g in fact.groups if all(isinstance(a, str) and a.startswith("md:") for a in g) for a in g}


def date_elsewhere(fact: Fact, page: PageFacts) -> bool:
    """The page gives the fact's day and month, but in another year or on another weekday (and
    not also in the post's)."""
    for d in fact.dates:
        key = md(d.month, d.day)
        if key is None or key not in page.keys:
            continue
        years = page.md_years.get(key)
        if years and d.year not in years:
            return True
        weekdays = page.md_weekdays.get(key)
        if weekdays and d.weekday() not in weekdays:
            return True
    if not fact.dates and fact.weekday is not None and fact.groups:
        first = fact.groups[0][0]
        if isinstance(first, str) and first in page.keys:
            weekdays = page.md_weekdays.get(first)
            if weekdays and fact.weekday not in weekdays:
                return True
    return False


def contradictions(facts: Sequence[Fact], page: PageFacts, present: Sequence[bool]) -> list[str]:
    """Surfaces of the post's facts the page contradicts (``present``: whether the page
    carries each fact, as :func:`~parity.match.facts.extract.fact_present` says)."""
    out: list[str] = []
    post_towns = {f.surface.lower() for f in facts if f.role == "town"}
    for fact, here in zip(facts, present):
        if fact.kind in ("date", "deadline"):
            if _date_conflict(fact, page, here):
                out.append(fact.surface)
        elif fact.role == "town" and not here and page.towns - post_towns:
            out.append(fact.surface)
    return out


def _date_conflict(fact: Fact, page: PageFacts, here: bool) -> bool:
    if fact.role == "week":
        return False
    if fact.role == "year":
        return not here and bool(page.years) and not set(fact.years) & page.years
    if (fact.dates or fact.weekday is not None) and date_elsewhere(fact, page):
        return True
    keys = _md_keys(fact)
    if not keys or here or keys & page.keys:
        return False
    if fact.kind == "deadline" and page.deadlines - keys:
        return True
    if fact.role == "event" and page.events - keys:
        return True
    return bool(fact.years) and bool(page.years) and not set(fact.years) & page.years
