"""Dates and deadlines: "12 mars", "1:a april 2026", "2026-03-12", "12/3", "12.3.2026",
"tisdag 17 mars", "på torsdag", "i morgon", "12–14 juni", "March 12", "tomorrow"; a date
right after "senast", "sista anmälningsdag", "by", "no later than" is a deadline.

Keys: ``md:MM-DD``; a weekday on its own ("på torsdag") adds ``wd:N`` (N = 0 for Monday), a
weekday glued to a date ("tisdag 12 mars") is kept on the hit to resolve the year. Relative
dates resolve against the post's local date (``anchor``). Week numbers ("vecka 36") and the
year of an occasion ("Medborgarundersökningen 2017") come from :mod:`.years` (Swedish only).
"""

from __future__ import annotations

import datetime as dt
import re

from parity.core.calendar import MONTHS as _MONTHS
from parity.core.calendar import WEEKDAYS as _WEEKDAYS
from parity.core.calendar import alternation
from parity.match.facts.base import DASH, FLAGS, HAS_DIGIT, Alt, Hit, md, overlaps
from parity.match.facts.years import full_year, week_hits, year_hits

MONTH_RE = alternation(_MONTHS)

_WEEKDAY_LONG = alternation(_WEEKDAYS, min_len=5)

_RELATIVE = {
    "idag": 0, "i dag": 0, "ikväll": 0, "i kväll": 0, "i eftermiddag": 0, "i förmiddag": 0,
    "inatt": 0, "i natt": 0, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "imorgon": 1, "i morgon": 1, "imorn": 1, "i morn": 1, "tomorrow": 1,
    "i övermorgon": 2, "iövermorgon": 2, "day after tomorrow": 2,
}
_RELATIVE_RE = "|".join(re.escape(k).replace(r"\ ", r"\s?") for k in sorted(_RELATIVE, key=len, reverse=True))

#: substrings one of which every weekday or relative-day expression contains
_DAY_HINTS = ("dag", "day", "morgon", "morn", "kväll", "natt", "tonight", "tomorrow", "this ")

_DEADLINE_RE = (
    r"senast(?:\s+den)?|sista\s+(?:anmälnings|ansöknings|svars)?dag(?:en)?(?:\s+(?:för|att)\s+\w+)?(?:\s+är)?"
    r"|deadline(?:\s+is)?|no\s+later\s+than|by|before|före|innan|till\s+och\s+med|t\.\s?o\.\s?m\.|tom\.?"
)

_RX_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")
_RX_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
_RX_DATE_DM_RANGE = re.compile(
    rf"(?<![\d:.,])(\d{{1,2}})(?::?[ae]|\.)?\s*(?:{DASH}|och|and|to|till)\s*(\d{{1,2}})(?::?[ae]|st|nd|rd|th)?\.?\s+"
    rf"(?:of\s+)?({MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?",
    FLAGS,
)
_RX_DATE_DM = re.compile(
    rf"(?<![\d:.,])(\d{{1,2}})(?::?[ae]|st|nd|rd|th)?\.?\s+(?:of\s+)?({MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?", FLAGS
)
_RX_DATE_MD = re.compile(
    rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:{DASH}|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"(?![\d:])(?:,?\s+(\d{{4}}))?",
    FLAGS,
)
RX_DATE_SLASH = re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?:(?:[-/]|\s)(\d{4}|\d{2}(?![\d:.])))?(?![\d/])")
_RX_WEEKDAY = re.compile(rf"\b(?:(?:på|nästa|next|on|this)\s+)?({_WEEKDAY_LONG})(en|ar|s)?\b", FLAGS)
_RX_RELATIVE = re.compile(rf"\b({_RELATIVE_RE})\b", FLAGS)
_RX_DEADLINE_BEFORE = re.compile(rf"(?:{_DEADLINE_RE})\s*(?:den\s+|the\s+|on\s+)?$", FLAGS)


def date_hits(text: str, anchor: dt.date | None, lang: str | None) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, groups: list[tuple[Alt, ...]], year: str | None = None,
            role: str = "") -> None:
        if not groups or overlaps(taken, start, end):
            return
        taken.append((start, end))
        hits.append(Hit(kind, start, end, groups, role=role, year=full_year(year)))

    numeric = HAS_DIGIT.search(text) is not None

    for m in _RX_DATE_ISO.finditer(text) if numeric else ():
        k = md(int(m.group(2)), int(m.group(3)))
        if k:
            add("date", m.start(), m.end(), [(k,)], m.group(1))
    for m in _RX_DATE_DOTTED.finditer(text) if numeric else ():
        k = md(int(m.group(2)), int(m.group(1)))
        if k:
            add("date", m.start(), m.end(), [(k,)], m.group(3))
    for m in _RX_DATE_DM_RANGE.finditer(text) if numeric else ():
        month = _MONTHS[m.group(3).lower()]
        a, b = md(month, int(m.group(1))), md(month, int(m.group(2)))
        if a and b:
            add("date", m.start(), m.end(), [(a,), (b,)], m.group(4))
    for m in _RX_DATE_DM.finditer(text) if numeric else ():
        k = md(_MONTHS[m.group(2).lower()], int(m.group(1)))
        if k:
            add("date", m.start(), m.end(), [(k,)], m.group(3))
    for m in _RX_DATE_MD.finditer(text) if numeric else ():
        month = _MONTHS[m.group(1).lower()]
        a = md(month, int(m.group(2)))
        if not a:
            continue
        groups: list[tuple[Alt, ...]] = [(a,)]
        if m.group(3):
            b = md(month, int(m.group(3)))
            if b:
                groups.append((b,))
        add("date", m.start(), m.end(), groups, m.group(4))
    for m in RX_DATE_SLASH.finditer(text) if numeric else ():
        x, y = int(m.group(1)), int(m.group(2))
        if (x, y) == (24, 7):
            continue
        # the reading of the post's language first (day/month in Swedish, month/day in English)
        alts = [k for k in ((md(x, y), md(y, x)) if lang == "en" else (md(y, x), md(x, y))) if k]
        if m.group(3) is None and not (1 <= y <= 12 and 1 <= x <= 31):
            continue
        if alts:
            add("date", m.start(), m.end(), [tuple(dict.fromkeys(alts))], m.group(3))
    low = text.lower()
    words = any(h in low for h in _DAY_HINTS)
    # weekdays, possibly glued to a following date: "tisdag 12 mars", "Tuesday, March 12"
    for m in _RX_WEEKDAY.finditer(text) if words else ():
        wd = _WEEKDAYS[m.group(1).lower()]
        plural = (m.group(2) or "").lower() in ("ar", "s") and lang != "en" or (m.group(2) or "").lower() == "ar"
        glued = None
        for h in hits:
            between = text[m.end() : h.start]
            if h.start >= m.end() and re.fullmatch(r"[\s,]*(?:den|the)?\s*", between, re.IGNORECASE):
                glued = h
                break
        if glued is not None:
            # "tisdag 12 mars": the date carries the fact; the weekday says which year (years.py)
            glued.start = m.start()
            glued.weekday = wd
            glued.role = "event"
            taken.append((m.start(), m.end()))
            continue
        alts: list[Alt] = [f"wd:{wd}"]
        if anchor is not None and not plural:
            delta = (wd - anchor.weekday()) % 7
            if m.group(0).lower().startswith(("nästa", "next")) and delta == 0:
                delta = 7
            d = anchor + dt.timedelta(days=delta)
            alts.append(f"md:{d.month:02d}-{d.day:02d}")
        add("date", m.start(), m.end(), [tuple(alts)])
    for m in _RX_RELATIVE.finditer(text) if words else ():
        if anchor is None:
            continue
        key = re.sub(r"\s+", " ", m.group(1).lower())
        offset = _RELATIVE.get(key, _RELATIVE.get(key.replace(" ", ""), 0))
        d = anchor + dt.timedelta(days=offset)
        add("date", m.start(), m.end(), [(f"md:{d.month:02d}-{d.day:02d}", f"wd:{d.weekday()}")])
    if lang != "en":
        for h in week_hits(text, anchor) + year_hits(text):
            add(h.kind, h.start, h.end, h.groups, str(h.year) if h.year else None, h.role)
    # deadlines: a date right after "senast", "sista anmälningsdag", "by", "no later than" …
    for h in hits:
        before = text[max(0, h.start - 60) : h.start]
        m = _RX_DEADLINE_BEFORE.search(before)
        if m:
            h.kind = "deadline"
            h.start = h.start - (len(before) - m.start())
    return hits
