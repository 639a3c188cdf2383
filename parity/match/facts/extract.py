"""Key facts of a post and their presence on a page: the extractors run in priority order
(a date is not also a phone number), a fact is kept as the post wrote it, and a page
carries it when it yields the same keys or contains its pattern."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

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
from parity.match.facts.contacts import contact_hits, phone_hits
from parity.match.facts.dates import RX_DATE_SLASH, date_hits
from parity.match.facts.places import place_hits
from parity.match.facts.times import time_hits

_EXTRACTORS = (
    ("contact", lambda text, anchor, lang: contact_hits(text)),
    ("date", date_hits),
    ("phone", lambda text, anchor, lang: phone_hits(text)),
    ("time", lambda text, anchor, lang: time_hits(text, lang)),
    ("amount", lambda text, anchor, lang: amount_hits(text, lang)),
    ("place", lambda text, anchor, lang: place_hits(text)),
)
#: which extractor yields each fact kind
KIND_GROUP = {
    "email": "contact", "url": "contact", "date": "date", "deadline": "date", "phone": "phone",
    "time": "time", "amount": "amount", "place": "place",
}


def _all_hits(text: str, anchor: dt.date | None, lang: str | None, groups: frozenset[str] | None = None) -> list[Hit]:
    """Facts in priority order, later kinds dropped where they overlap earlier ones.

    ``groups`` limits extraction to some extractors (pages are only searched for the
    kinds the post has); earlier groups still run when a later one is wanted, since
    they decide overlaps (a date is not also a phone number)."""
    out: list[Hit] = []
    spans: list[tuple[int, int]] = []
    last = len(_EXTRACTORS) if groups is None else max(
        (i for i, (name, _) in enumerate(_EXTRACTORS) if name in groups), default=-1
    ) + 1
    digits = HAS_DIGIT.search(text) is not None
    for name, fn in _EXTRACTORS[:last]:
        if not digits and name in ("phone", "time", "amount"):
            continue  # every pattern of these needs a digit
        group = fn(text, anchor, lang)
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
    """Key facts of a post, in text order, each once (by surface)."""
    text = prepare_text(text)
    anchor = local_date(published_at, tz)
    facts: list[Fact] = []
    seen: set[str] = set()
    for h in _all_hits(text, anchor, lang):
        surface = text[h.start : h.end].strip(" ,.;:")
        if not surface or surface.lower() in seen:
            continue
        seen.add(surface.lower())
        facts.append(Fact(h.kind, surface, tuple(tuple(g) for g in h.groups), h.start, h.end))
    return facts


def page_facts(
    title: str | None,
    text: str,
    url: str | None = None,
    published_at: dt.datetime | None = None,
    lang: str | None = None,
    tz: str = "Europe/Stockholm",
    kinds: Iterable[str] | None = None,
) -> PageFacts:
    """Index a web item for fact checks: normalised text plus the keys its facts yield
    (only for the fact ``kinds`` asked for, all by default)."""
    full = prepare_text(f"{title or ''}\n{text or ''}")
    anchor = local_date(published_at, tz)
    keys: set[str] = set()
    groups = None if kinds is None else frozenset(KIND_GROUP.get(k, k) for k in kinds)
    for h in _all_hits(full, anchor, lang, groups):
        for g in h.groups:
            for alt in g:
                if isinstance(alt, str):
                    keys.add(alt)
    # page side: also read "5/3" as 5 March and as May 3 (the page's convention is unknown)
    for m in RX_DATE_SLASH.finditer(full):
        for k in (md(int(m.group(2)), int(m.group(1))), md(int(m.group(1)), int(m.group(2)))):
            if k:
                keys.add(k)
    canon = canonical_url(url) if url else None
    return PageFacts(text=normalise(full), keys=keys, url=canon.split("://", 1)[1].rstrip("/").lower() if canon else None)


def fact_present(fact: Fact, page: PageFacts) -> bool:
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
                    if key in page.text or (page.url and (page.url == key or page.url.startswith(key + "/") or page.url.startswith(key + "?"))):
                        ok = True
            elif alt.search(page.text):
                ok = True
            if ok:
                break
        if not ok:
            return False
    return True


def missing_facts(facts: Sequence[Fact], page: PageFacts) -> list[str]:
    """Surfaces of the facts the page does not carry, in post order."""
    return [f.surface for f in facts if not fact_present(f, page)]


FACT_LABELS_SV = {
    "date": "datum", "deadline": "sista dag", "time": "klockslag", "place": "plats", "amount": "belopp",
    "phone": "telefonnummer", "email": "e-postadress", "url": "webbadress",
}
FACT_LABELS_EN = {
    "date": "date", "deadline": "deadline", "time": "time of day", "place": "place", "amount": "amount",
    "phone": "phone number", "email": "e-mail address", "url": "web address",
}
