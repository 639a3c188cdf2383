"""Key facts of a post and their presence on a page: the extractors run in priority order
(a date is not also a phone number), a fact is kept as the post wrote it, and a page
carries it when it yields the same keys or contains its pattern."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from parity.core.urls import canonical_url
from parity.match.facts.amounts import amount_hits
from parity.match.facts.base import (
    HAS_DIGIT,
    Fact,
    Hit,
    PageFacts,
    literal,
    local_date,
    md,
    normalise,
    overlaps,
    prepare_text,
)
from parity.match.facts.conflicts import contradictions, date_elsewhere
from parity.match.facts.contacts import contact_hits, phone_hits
from parity.match.facts.dates import RX_DATE_SLASH, date_hits
from parity.match.facts.places import place_hits
from parity.match.facts.swedish import ascii_fold
from parity.match.facts.times import time_hits
from parity.match.facts.towns import district_hits, implied, page_towns, town_hits
from parity.match.facts.years import page_weeks, page_years, resolve

def _places(text: str, lang: str | None) -> list[Hit]:
    """Towns of the gazetteer first, then streets and named places, then districts after "i"/"på"."""
    hits = town_hits(text, lang)
    spans = [(h.start, h.end) for h in hits]
    for h in place_hits(text, lang):
        if not overlaps(spans, h.start, h.end):
            hits.append(h)
            spans.append((h.start, h.end))
    return hits + district_hits(text, lang, spans)


_EXTRACTORS = (
    ("contact", lambda text, anchor, lang, page: contact_hits(text)),
    ("date", lambda text, anchor, lang, page: date_hits(text, anchor, lang)),
    ("phone", lambda text, anchor, lang, page: phone_hits(text)),
    ("time", lambda text, anchor, lang, page: time_hits(text, lang, page)),
    ("amount", lambda text, anchor, lang, page: amount_hits(text, lang)),
    ("place", lambda text, anchor, lang, page: _places(text, lang)),
)
#: which extractor yields each fact kind
KIND_GROUP = {
    "email": "contact", "url": "contact", "date": "date", "deadline": "date", "phone": "phone",
    "time": "time", "amount": "amount", "place": "place",
}


def _all_hits(text: str, anchor: dt.date | None, lang: str | None, groups: frozenset[str] | None = None,
              page: bool = False) -> list[Hit]:
    """Facts in priority order, later kinds dropped where they overlap earlier ones.

    ``groups`` limits extraction to some extractors (pages are only searched for the
    kinds the post has); earlier groups still run when a later one is wanted, since
    they decide overlaps (a date is not also a phone number). ``page``: read a page (more
    spellings of a time count)."""
    out: list[Hit] = []
    spans: list[tuple[int, int]] = []
    last = len(_EXTRACTORS) if groups is None else max(
        (i for i, (name, _) in enumerate(_EXTRACTORS) if name in groups), default=-1
    ) + 1
    digits = HAS_DIGIT.search(text) is not None
    for name, fn in _EXTRACTORS[:last]:
        if not digits and name in ("phone", "time", "amount"):
            continue  # every pattern of these needs a digit
        group = fn(text, anchor, lang, page)
        for h in group:
            if overlaps(spans, h.start, h.end):
                continue
            spans.append((h.start, h.end))
            out.append(h)
    out.sort(key=lambda h: (h.start, h.end))
    return out


def extract_facts(
    text: str,
    published_at: dt.datetime | None = None,
    lang: str | None = None,
    tz: str = "Europe/Stockholm",
) -> list[Fact]:
    """Key facts of a post, in text order, each once (by surface); dates with their year
    resolved from the post's time and weekday (:func:`~parity.match.facts.years.resolve`)."""
    text = prepare_text(text)
    anchor = local_date(published_at, tz)
    facts: list[Fact] = []
    seen: set[str] = set()
    for h in _all_hits(text, anchor, lang):
        surface = (h.surface or text[h.start : h.end]).strip(" ,.;:")
        if not surface or surface.lower() in seen:
            continue
        seen.add(surface.lower())
        dates, weekday, fits = _dates_of(h, anchor)
        years = tuple(sorted({d.year for d in dates} | ({h.year} if h.year else set())))
        facts.append(Fact(h.kind, surface, tuple(tuple(g) for g in h.groups), h.start, h.end, h.role, dates,
                          weekday, years, fits))
    return facts


def _md_keys(h: Hit) -> list[str | None]:
    """The day-month key of each group of a date hit (None for a group without one)."""
    return [next((a for a in g if isinstance(a, str) and a.startswith("md:")), None) for g in h.groups]


def _dates_of(h: Hit, anchor: dt.date | None) -> tuple[tuple[dt.date, ...], int | None, bool]:
    """The calendar dates of a date hit: its explicit year, else resolved near ``anchor``
    (the weekday, given with the first date, choosing among the adjacent years); a weekday
    that fits no candidate year leaves the date unresolved. Also: whether the weekday fits
    (False: "tisdag 24 december 2025", or no year near the anchor has that weekday)."""
    if h.kind not in ("date", "deadline") or h.role in ("week", "year"):
        return (), None, True
    out: list[dt.date] = []
    fits_all = True
    for i, key in enumerate(_md_keys(h)):
        if key is None or not all(isinstance(a, str) and a.startswith("md:") for a in h.groups[i]):
            continue  # a relative day ("på torsdag"): no calendar date of its own
        # "5/3" is read both ways for presence; its year follows the language's reading (first)
        month, day = int(key[3:5]), int(key[6:8])
        if h.year:
            try:
                d = dt.date(h.year, month, day)
            except ValueError:
                continue
            out.append(d)
            fits_all = fits_all and (i > 0 or h.weekday is None or d.weekday() == h.weekday)
            continue
        d, fits = resolve(month, day, h.weekday if i == 0 else None, anchor)
        fits_all = fits_all and fits
        if d is not None and fits:
            out.append(d)
    return tuple(out), h.weekday, fits_all


def page_facts(
    title: str | None,
    text: str,
    url: str | None = None,
    published_at: dt.datetime | None = None,
    lang: str | None = None,
    tz: str = "Europe/Stockholm",
    kinds: Iterable[str] | None = None,
    documents: Sequence[str] = (),
    org: str | None = None,
) -> PageFacts:
    """Index a web item for fact checks: normalised text plus the keys its facts yield
    (only for the fact ``kinds`` asked for, all by default), and what contradictions are read
    from (years, weekdays, deadlines, events, towns: see :class:`PageFacts`).

    ``documents``: texts of the documents the page links to that were collected (a notice's
    PDF): the written form includes them. ``kinds`` may also name ``town``: the page's
    gazetteer towns are read only then (or for all kinds). ``org``: the organisation, whose name may imply a town."""
    full = prepare_text("\n".join([title or "", text or "", *documents]))
    anchor = local_date(published_at, tz)
    keys: set[str] = set()
    groups = None if kinds is None else frozenset(KIND_GROUP.get(k, k) for k in kinds)
    pf = PageFacts(text=normalise(full), keys=keys)
    for h in _all_hits(full, anchor, lang, groups, page=True):
        for g in h.groups:
            for alt in g:
                if isinstance(alt, str):
                    keys.add(alt)
        if h.kind in ("date", "deadline") and h.role not in ("week", "year"):
            _index_date(pf, h, anchor)
    # page side: also read "5/3" as 5 March and as May 3 (the page's convention is unknown)
    for m in RX_DATE_SLASH.finditer(full):
        for k in (md(int(m.group(2)), int(m.group(1))), md(int(m.group(1)), int(m.group(2)))):
            if k:
                keys.add(k)
    if groups is None or "date" in groups:
        keys.update(page_weeks(full))
        pf.years = page_years(full) | ({published_at.year} if published_at else set())
        keys.update(f"y:{y}" for y in pf.years)
    pf.raw_url = url
    if groups is None or "place" in groups:
        if kinds is None or "town" in kinds:  # towns are only compared with a post's towns
            pf.towns = page_towns(full)
        host = urlsplit(url).hostname or "" if url and "://" in url else ""
        pf.implied = ascii_fold(" ".join(x for x in (host, org or "") if x))
    return pf


def _index_date(pf: PageFacts, h: Hit, anchor: dt.date | None) -> None:
    """Record a page date's year, weekday and role (deadline, weekday-dated event)."""
    dates, weekday, _ = _dates_of(h, anchor)
    keys = [k for k in _md_keys(h) if k]
    for d in dates:
        pf.md_years.setdefault(md(d.month, d.day) or "", set()).add(d.year)
    if weekday is not None and keys:
        pf.md_weekdays.setdefault(keys[0], set()).add(weekday)
        pf.events.add(keys[0])
    if h.kind == "deadline":
        pf.deadlines.update(keys)


def fact_present(fact: Fact, page: PageFacts) -> bool:
    """The page carries the fact: its surface, or every group by a key or pattern; a town also
    when the page's host or organisation names it; never a date the page puts in another year."""
    if fact.dates and date_elsewhere(fact, page):
        return False
    if fact.role == "town" and implied(fact.surface, page.implied):
        return True
    if literal(fact.surface).search(page.text):
        return True
    for group in fact.groups:
        ok = False
        for alt in group:
            if isinstance(alt, str):
                if alt in page.keys:
                    ok = True
                elif alt.startswith("u:"):
                    key = alt[2:]
                    if key in page.text or _under(page_url(page), key):
                        ok = True
            elif alt.search(page.text):
                ok = True
            if ok:
                break
        if not ok:
            return False
    return True


def page_url(page: PageFacts) -> str | None:
    """The page's canonical URL (host + path, no scheme), computed when a web-address fact
    first asks for it (w3lib's canonicalisation costs ~0.2 ms)."""
    if page.url is None and page.raw_url:
        canon = canonical_url(page.raw_url)
        page.url = canon.split("://", 1)[1].rstrip("/").lower() if canon else ""
    return page.url or None


def _under(url: str | None, key: str) -> bool:
    return bool(url) and (url == key or url.startswith(key + "/") or url.startswith(key + "?"))


def missing_facts(facts: Sequence[Fact], page: PageFacts) -> list[str]:
    """Surfaces of the facts the page does not carry, in post order."""
    return [f.surface for f in facts if not fact_present(f, page)]


@dataclass(frozen=True)
class FactCheck:
    """A post's facts against one page: which are missing, which the page contradicts."""

    n_facts: int
    missing: tuple[str, ...]
    conflicts: tuple[str, ...]

    @property
    def missing_share(self) -> float:
        """Share of the post's facts the page does not carry (0 for a post without facts)."""
        return len(self.missing) / self.n_facts if self.n_facts else 0.0


def check_facts(facts: Sequence[Fact], page: PageFacts) -> FactCheck:
    """Missing and contradicted facts (:mod:`.conflicts`) of a post on one page."""
    present = [fact_present(f, page) for f in facts]
    missing = tuple(f.surface for f, ok in zip(facts, present) if not ok)
    return FactCheck(len(facts), missing, tuple(contradictions(facts, page, present)))


FACT_LABELS_SV = {
    "date": "datum", "deadline": "sista dag", "time": "klockslag", "place": "plats", "amount": "belopp",
    "phone": "telefonnummer", "email": "e-postadress", "url": "webbadress",
}
FACT_LABELS_EN = {
    "date": "date", "deadline": "deadline", "time": "time of day", "place": "place", "amount": "amount",
    "phone": "phone number", "email": "e-mail address", "url": "web address",
}
