"""Key facts of a post (Swedish first, English second) and their presence in a web item.

A *key fact* is something a resident acts on: a date or deadline, a clock time, a
place, an amount, a phone number, an e-mail or web address. ``extract_facts`` finds
them in a post and keeps each one *as the post wrote it* (``Fact.surface``, e.g.
``"kl. 8–16"``) together with normalised keys; ``missing_facts`` checks them against
a page. A fact is present when every one of its ``groups`` is satisfied by the page,
a group being satisfied by any of its alternatives: a normalised key the page also
yields (``md:03-12`` for "12 mars", "2026-03-12", "12/3", "March 12"…), or a
pattern found in the page's normalised text (street names, e-mail addresses, digits
of a phone number written with other separators).

Relative dates ("i morgon", "tisdag", "tomorrow") are resolved against the post's
publication time read in the organisation's time zone (``Europe/Stockholm`` by
default, never the process's TZ) and compared as dates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Pattern, Sequence, Union
from zoneinfo import ZoneInfo

from parity.core.calendar import MONTHS as _MONTHS
from parity.core.calendar import WEEKDAYS as _WEEKDAYS
from parity.core.calendar import alternation
from parity.core.urls import canonical_url

Alt = Union[str, Pattern[str]]

# ---------------------------------------------------------------------------- vocab
_MONTH_RE = alternation(_MONTHS)

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

_DASH = "[-–—]"
_SPACE_CHARS = "\u00a0\u202f\u2009\u2007"

# Street suffixes (Swedish) and named-place suffixes.
_STREET_SUFFIX = (
    "gatan|vägen|gränden|gränd|torget|allén|backen|stigen|leden|platsen|esplanaden|kajen|stranden"
    "|promenaden|gata|väg|plan|torg|allé|backe|stig|kaj|strand"
)
_PLACE_SUFFIX = (
    "skolan|biblioteket|hallen|parken|torget|badet|kyrkan|huset|gården|centrum|centret|stationen|salen"
    "|teatern|museet|arenan|platsen|slottet|sjukhuset|vårdcentralen|förskolan|gymnasiet|rådhuset"
    "|stadshuset|kommunhuset|återvinningscentralen|kyrka|slott|park|bad|hall|skola"
)
_EN_PLACE_SUFFIX = (
    "Street|St\\.|Avenue|Ave\\.|Road|Rd\\.|Boulevard|Blvd\\.|Lane|Drive|Square|Library|Park|Hall|Centre"
    "|Center|School|Church|Station|Museum|Arena|Stadium|Hospital"
)
_CAP = "A-ZÅÄÖÉÜ"
_LOW = "a-zåäöéü"
_SOCIAL_HOSTS = {
    "t.co", "bit.ly", "pic.twitter.com", "twitter.com", "x.com", "facebook.com", "fb.me", "instagram.com",
    "youtube.com", "youtu.be", "tiktok.com", "linkedin.com", "lnkd.in", "ow.ly", "buff.ly", "tinyurl.com",
}
_CURRENCY = {
    "kr": "sek", "kronor": "sek", "krona": "sek", "sek": "sek", ":-": "sek", "euro": "eur", "eur": "eur",
    "€": "eur", "dollar": "usd", "dollars": "usd", "usd": "usd", "$": "usd", "pound": "gbp", "pounds": "gbp",
    "£": "gbp",
}
_SCALE = {
    "miljoner": 1e6, "miljon": 1e6, "mkr": 1e6, "mnkr": 1e6, "miljarder": 1e9, "miljard": 1e9,
    "mdkr": 1e9, "tkr": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
    "trillion": 1e12, "thousand": 1e3, "k": 1e3, "m": 1e6, "bn": 1e9,
}


# ---------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Fact:
    """One key fact of a post: ``surface`` as written, ``groups`` to satisfy."""

    kind: str  # date | deadline | time | place | amount | phone | email | url
    surface: str
    groups: tuple[tuple[Alt, ...], ...]
    start: int = 0
    end: int = 0

    def __str__(self) -> str:  # pragma: no cover
        return self.surface


@dataclass
class PageFacts:
    """What a web item offers for fact checking (built once per item, lazily)."""

    text: str  # normalised (lower-case, one space, ascii dashes)
    keys: set[str] = field(default_factory=set)
    url: str | None = None  # canonical URL host+path, no scheme


def normalise(text: str) -> str:
    """Lower-case, NFC, NBSP → space, all dashes → '-', runs of space → one."""
    text = unicodedata.normalize("NFC", text or "")
    for ch in _SPACE_CHARS:
        text = text.replace(ch, " ")
    text = re.sub("[–—−‒]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


# ---------------------------------------------------------------------------- regexes
_F = re.IGNORECASE | re.UNICODE
_RX_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", _F)
_RX_URL = re.compile(
    r"(?<![@\w./-])(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+(?:se|nu|com|org|net|eu|gov|info|io|fi|no|dk|de|uk|edu)"
    r"(?![\w-])(?:/[^\s,;)\]>\"']*)?",
    _F,
)
_RX_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")
_RX_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
_RX_DATE_DM_RANGE = re.compile(
    rf"(?<![\d:.,])(\d{{1,2}})(?::?[ae]|\.)?\s*(?:{_DASH}|och|and|to|till)\s*(\d{{1,2}})(?::?[ae]|st|nd|rd|th)?\.?\s+"
    rf"(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?",
    _F,
)
_RX_DATE_DM = re.compile(
    rf"(?<![\d:.,])(\d{{1,2}})(?::?[ae]|st|nd|rd|th)?\.?\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?", _F
)
_RX_DATE_MD = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:{_DASH}|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"(?![\d:])(?:,?\s+(\d{{4}}))?",
    _F,
)
_RX_DATE_SLASH = re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?:(?:[-/]|\s)(\d{4}|\d{2}(?![\d:.])))?(?![\d/])")
_RX_WEEKDAY = re.compile(rf"\b(?:(?:på|nästa|next|on|this)\s+)?({_WEEKDAY_LONG})(en|ar|s)?\b", _F)
_RX_RELATIVE = re.compile(rf"\b({_RELATIVE_RE})\b", _F)
_RX_DEADLINE_BEFORE = re.compile(rf"(?:{_DEADLINE_RE})\s*(?:den\s+|the\s+|on\s+)?$", _F)

_T = r"(\d{1,2})(?:[.:](\d{2}))?"
_RX_TIME_KL = re.compile(
    rf"\b(?:kl(?:ockan)?\.?|kl\.)\s*{_T}(?:\s*(?:{_DASH}|till|och)\s*(?:kl(?:ockan)?\.?\s*)?{_T})?(?![\d.,:]?\d)",
    _F,
)
_RX_TIME_HM = re.compile(
    rf"(?<![\d.,:$€£])(\d{{1,2}})([.:])(\d{{2}})(?:\s*{_DASH}\s*(\d{{1,2}})(?:[.:](\d{{2}}))?)?"
    rf"(?![\d]|[.,:]\d|\s*(?:kr|kronor|sek|%|procent|miljon|miljard|million|billion|euro|dollar|:-))",
    _F,
)
_AMPM = r"([ap])\.?\s?m\b\.?"
_RX_TIME_AMPM = re.compile(
    rf"(?<![\d.,:$])(\d{{1,2}})(?::(\d{{2}}))?\s*(?:{_AMPM})?\s*(?:{_DASH}|to|until|till)\s*(\d{{1,2}})(?::(\d{{2}}))?\s*{_AMPM}"
    rf"|(?<![\d.,:$])(\d{{1,2}})(?::(\d{{2}}))?\s*{_AMPM}",
    _F,
)
_NUM = r"\d{1,3}(?:[ \u00a0](?=\d{3}\b)\d{3})+|\d{1,3}(?:,\d{3})+(?![\d])|\d+"
_RX_AMOUNT_POST = re.compile(
    rf"(?<![\w.,$€£])({_NUM})(?:[.,](\d{{1,2}}))?\s*(miljoner|miljon|miljarder|miljard|mkr|mnkr|mdkr|tkr|million|billion|trillion|thousand)?"
    rf"\s*(kronor|krona|kr\b\.?|sek\b|:-|euro\b|eur\b|€|dollars?\b|usd\b|pounds?\b)",
    _F,
)
_RX_AMOUNT_PRE = re.compile(
    rf"(\$|€|£|\bSEK\b|\bUSD\b|\bEUR\b)\s?({_NUM})(?:\.(\d{{1,2}}))?(?:\s*(million|billion|trillion|thousand|bn|k|m)\b)?",
    _F,
)
_RX_PHONE_SV = re.compile(
    r"(?<![\d+])(?:\+46|0046)\s?(?:\(0\)\s?)?\d{1,3}(?:[\s-]?\d{1,4}){2,4}(?![\d])"
    r"|(?<![\d+./:-])0\d{1,3}\s?[-–]\s?\d{2,3}(?:\s?\d{2,3}){1,3}(?![\d])"
    r"|(?<![\d+./:-])0\d{2,3}(?:\s\d{2,3}){2,4}(?![\d])"
)
_RX_PHONE_EN = re.compile(r"(?<![\d])(?:\+1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\d])")
_RX_PHONE_SHORT = re.compile(r"\b(?:ring|ringa|telefon(?:nummer)?|tel\.?|tfn\.?|call|phone|sms:?a?)\s*(?:på|oss på|us at|at)?\s*:?\s*(\d{3,4}(?:\s\d{2,3})?)\b", _F)
_RX_STREET = re.compile(
    rf"\b((?:(?:Sankt|S:t|Norra|Södra|Östra|Västra|Stora|Lilla|Gamla|Nya)\s+)?[{_CAP}][{_LOW}]+(?:-[{_CAP}]?[{_LOW}]+)?(?:{_STREET_SUFFIX})"
    rf"|[{_CAP}][{_LOW}]+(?:\s[{_CAP}][{_LOW}]+)?s\s(?:väg|gata|gränd|plan|torg|allé|backe|stig))"
    rf"(?:\s+(\d{{1,4}}(?:\s?[A-Ha-h](?![\w]))?)(?!\d|[.:/,]\d|\s*(?:{_MONTH_RE})\b))?",
)
_RX_PLACE_SV = re.compile(
    rf"\b((?:Stora|Lilla|Gamla|Nya|Norra|Södra|Östra|Västra)\s+(?:torget|torg|parken|kyrkan|bron|skolan|badet)"
    rf"|(?:(?:Stora|Lilla|Gamla|Nya|Norra|Södra|Östra|Västra)\s+)?[{_CAP}][{_LOW}-]*[{_LOW}](?:{_PLACE_SUFFIX}))\b"
)
_RX_PLACE_EN = re.compile(
    rf"\b(\d{{1,5}}\s+)?((?:[A-Z][a-z]+\.?\s){{1,3}}(?:{_EN_PLACE_SUFFIX}))(?!\w)"
)


# ---------------------------------------------------------------------------- helpers
def _md(month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"md:{month:02d}-{day:02d}"
    return None


def _hm(hour: int, minute: int) -> str | None:
    if hour == 24 and minute == 0:
        hour = 0
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return f"t:{hour:02d}:{minute:02d}"
    return None


def _number(num: str, dec: str | None) -> float:
    compact = num.replace(" ", "").replace("\u00a0", "")
    if "," in compact:
        compact = compact.replace(",", "")
    value = float(compact)
    if dec:
        value += float("0." + dec)
    return value


def _amount_key(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"a:{int(round(value))}"
    return f"a:{value:.2f}".rstrip("0").rstrip(".")


def _digits(text: str) -> str:
    d = re.sub(r"\D", "", text)
    if text.strip().startswith("+46"):
        d = "0" + d[2:]
    elif text.strip().startswith("0046"):
        d = "0" + d[4:]
    if d.startswith("00"):
        d = d[1:]
    return d


@lru_cache(maxsize=4096)
def _digits_pattern(digits: str) -> Pattern[str]:
    body = r"[\s-]?".join(re.escape(c) for c in digits[1:]) if digits.startswith("0") else ""
    alts = [r"[\s-]?".join(re.escape(c) for c in digits)]
    if body:
        alts.append(r"\+\s?46\s?(?:\(0\)\s?)?" + body)
    return re.compile(r"(?<!\d)(?:" + "|".join(alts) + r")(?!\d)")


@lru_cache(maxsize=8192)
def _literal(text: str) -> Pattern[str]:
    words = normalise(text.strip(" .,;:!?")).split(" ")
    return re.compile(r"(?<!\w)" + r"\s?".join(re.escape(w) for w in words) + r"(?!\w)")


def _url_key(raw: str) -> str | None:
    canon = canonical_url(raw.rstrip(".,:;!?"))
    if not canon:
        return None
    return canon.split("://", 1)[1].rstrip("/").lower()


def _local_date(when: dt.datetime | None, tz: str) -> dt.date | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(_zone(tz)).date()


@lru_cache(maxsize=8)
def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:  # pragma: no cover - missing tzdata
        return dt.timezone.utc


# ---------------------------------------------------------------------------- extraction
@dataclass
class _Hit:
    kind: str
    start: int
    end: int
    groups: list[tuple[Alt, ...]]


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _date_hits(text: str, anchor: dt.date | None, lang: str | None) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, groups: list[tuple[Alt, ...]]) -> None:
        if not groups or _overlaps(taken, start, end):
            return
        taken.append((start, end))
        hits.append(_Hit(kind, start, end, groups))

    numeric = _HAS_DIGIT.search(text) is not None

    for m in _RX_DATE_ISO.finditer(text) if numeric else ():
        k = _md(int(m.group(2)), int(m.group(3)))
        if k:
            add("date", m.start(), m.end(), [(k,)])
    for m in _RX_DATE_DOTTED.finditer(text) if numeric else ():
        k = _md(int(m.group(2)), int(m.group(1)))
        if k:
            add("date", m.start(), m.end(), [(k,)])
    for m in _RX_DATE_DM_RANGE.finditer(text) if numeric else ():
        month = _MONTHS[m.group(3).lower()]
        a, b = _md(month, int(m.group(1))), _md(month, int(m.group(2)))
        if a and b:
            add("date", m.start(), m.end(), [(a,), (b,)])
    for m in _RX_DATE_DM.finditer(text) if numeric else ():
        k = _md(_MONTHS[m.group(2).lower()], int(m.group(1)))
        if k:
            add("date", m.start(), m.end(), [(k,)])
    for m in _RX_DATE_MD.finditer(text) if numeric else ():
        month = _MONTHS[m.group(1).lower()]
        a = _md(month, int(m.group(2)))
        if not a:
            continue
        groups: list[tuple[Alt, ...]] = [(a,)]
        if m.group(3):
            b = _md(month, int(m.group(3)))
            if b:
                groups.append((b,))
        add("date", m.start(), m.end(), groups)
    for m in _RX_DATE_SLASH.finditer(text) if numeric else ():
        x, y = int(m.group(1)), int(m.group(2))
        if (x, y) == (24, 7):
            continue
        alts = [k for k in ((_md(y, x), _md(x, y)) if lang == "en" else (_md(y, x), _md(x, y))) if k]
        if m.group(3) is None and not (1 <= y <= 12 and 1 <= x <= 31):
            continue
        if alts:
            add("date", m.start(), m.end(), [tuple(dict.fromkeys(alts))])
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
            glued.start = m.start()
            glued.groups = [g + (f"wd:{wd}",) if i == 0 else g for i, g in enumerate(glued.groups)]
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
    # deadlines: a date right after "senast", "sista anmälningsdag", "by", "no later than" …
    for h in hits:
        before = text[max(0, h.start - 60) : h.start]
        m = _RX_DEADLINE_BEFORE.search(before)
        if m:
            h.kind = "deadline"
            h.start = h.start - (len(before) - m.start())
    return hits


def _time_hits(text: str, lang: str | None) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, keys: Iterable[str | None]) -> None:
        groups = [(k,) for k in keys if k]
        if groups and not _overlaps(taken, start, end):
            taken.append((start, end))
            hits.append(_Hit("time", start, end, groups))

    for m in _RX_TIME_KL.finditer(text):
        keys = [_hm(int(m.group(1)), int(m.group(2) or 0))]
        if m.group(3):
            keys.append(_hm(int(m.group(3)), int(m.group(4) or 0)))
        add(m.start(), m.end(), keys)
    for m in _RX_TIME_AMPM.finditer(text):
        if m.group(7):  # single "8 pm"
            h, mi, ap = int(m.group(7)), int(m.group(8) or 0), m.group(9).lower()
            if h > 12:
                continue
            add(m.start(), m.end(), [_hm(h % 12 + (12 if ap == "p" else 0), mi)])
            continue
        h1, m1, ap1 = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        h2, m2, ap2 = int(m.group(4)), int(m.group(5) or 0), m.group(6).lower()
        if h1 > 12 or h2 > 12:
            continue
        ap1 = ap1 or ap2
        add(m.start(), m.end(), [_hm(h1 % 12 + (12 if ap1 == "p" else 0), m1), _hm(h2 % 12 + (12 if ap2 == "p" else 0), m2)])
    for m in _RX_TIME_HM.finditer(text):
        if m.group(2) == "." and lang == "en":
            continue
        keys = [_hm(int(m.group(1)), int(m.group(3)))]
        if m.group(4):
            keys.append(_hm(int(m.group(4)), int(m.group(5) or 0)))
        add(m.start(), m.end(), keys)
    return hits


def _amount_hits(text: str, lang: str | None) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _RX_AMOUNT_PRE.finditer(text):
        try:
            value = _number(m.group(2), m.group(3))
        except ValueError:
            continue
        scale = (m.group(4) or "").lower()
        value *= _SCALE.get(scale, 1.0)
        taken.append((m.start(), m.end()))
        hits.append(_Hit("amount", m.start(), m.end(), [(_amount_key(value), _literal(m.group(0)))]))
    for m in _RX_AMOUNT_POST.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        num, dec = m.group(1), m.group(2)
        if "," in num and lang != "en" and re.fullmatch(r"\d{1,3},\d{3}", num) and not dec:
            num, dec = num.split(",")[0], None  # Swedish decimal comma "1,500 kr" is rare; keep the integer part
        try:
            value = _number(num, dec)
        except ValueError:
            continue
        value *= _SCALE.get((m.group(3) or "").lower(), 1.0)
        taken.append((m.start(), m.end()))
        hits.append(_Hit("amount", m.start(), m.end(), [(_amount_key(value), _literal(m.group(0)))]))
    return hits


def _phone_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for rx in (_RX_PHONE_SV, _RX_PHONE_EN):
        for m in rx.finditer(text):
            digits = _digits(m.group(0))
            if not 7 <= len(digits) <= 13 or _overlaps(taken, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            hits.append(_Hit("phone", m.start(), m.end(), [(f"ph:{digits}", _digits_pattern(digits))]))
    for m in _RX_PHONE_SHORT.finditer(text):
        if _overlaps(taken, m.start(1), m.end(1)):
            continue
        digits = re.sub(r"\D", "", m.group(1))
        taken.append((m.start(1), m.end(1)))
        hits.append(_Hit("phone", m.start(1), m.end(1), [(f"ph:{digits}", _digits_pattern(digits))]))
    return hits


_PLACE_HINTS = tuple(
    sorted({h.lower().replace("\\", "") for h in (_STREET_SUFFIX + "|" + _PLACE_SUFFIX + "|" + _EN_PLACE_SUFFIX).split("|")})
)


def _place_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    if not any(h in low for h in _PLACE_HINTS):
        return hits  # every place pattern ends in one of these words
    for m in _RX_STREET.finditer(text):
        name = m.group(1)
        if m.group(2):
            end = m.end()
            number = normalise(m.group(2)).replace(" ", "")
            pat = re.compile(
                r"(?<!\w)" + r"\s?".join(re.escape(w) for w in normalise(name).split(" "))
                + r"\s?" + re.escape(number[:-1]) + (r"\s?" + re.escape(number[-1]) if number[-1].isalpha() else re.escape(number[-1]))
                + r"(?!\d)"
            )
            groups: list[tuple[Alt, ...]] = [(pat,)]
        else:
            end = m.end(1)
            groups = [(_literal(name),)]
        taken.append((m.start(), end))
        hits.append(_Hit("place", m.start(), end, groups))
    for rx in (_RX_PLACE_SV,):
        for m in rx.finditer(text):
            if _overlaps(taken, m.start(1), m.end(1)):
                continue
            taken.append((m.start(1), m.end(1)))
            hits.append(_Hit("place", m.start(1), m.end(1), [(_literal(m.group(1)),)]))
    for m in _RX_PLACE_EN.finditer(text):
        start = m.start(1) if m.group(1) else m.start(2)
        if _overlaps(taken, start, m.end()):
            continue
        first = m.group(2).split()[0]
        if first in ("The", "A", "On", "In", "At", "This", "Our", "Den", "Det"):
            continue
        taken.append((start, m.end()))
        hits.append(_Hit("place", start, m.end(), [(_literal(text[start : m.end()]),)]))
    return hits


_URL_HINT = re.compile(r"\.(?:se|nu|com|org|net|eu|gov|info|io|fi|no|dk|de|uk|edu)\b", re.IGNORECASE)


def _contact_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    if "@" not in text and _URL_HINT.search(text) is None:
        return hits
    for m in _RX_EMAIL.finditer(text) if "@" in text else ():
        taken.append((m.start(), m.end()))
        hits.append(_Hit("email", m.start(), m.end(), [(_literal(m.group(0)),)]))
    for m in _RX_URL.finditer(text):
        raw = m.group(0).rstrip(".,:;!?")
        if _overlaps(taken, m.start(), m.start() + len(raw)):
            continue
        key = _url_key(raw)
        if not key:
            continue
        host = key.split("/", 1)[0]
        if host in _SOCIAL_HOSTS or any(host.endswith("." + h) for h in _SOCIAL_HOSTS):
            continue
        taken.append((m.start(), m.start() + len(raw)))
        hits.append(_Hit("url", m.start(), m.start() + len(raw), [("u:" + key,)]))
    return hits


_EXTRACTORS = (
    ("contact", lambda text, anchor, lang: _contact_hits(text)),
    ("date", _date_hits),
    ("phone", lambda text, anchor, lang: _phone_hits(text)),
    ("time", lambda text, anchor, lang: _time_hits(text, lang)),
    ("amount", lambda text, anchor, lang: _amount_hits(text, lang)),
    ("place", lambda text, anchor, lang: _place_hits(text)),
)
#: which extractor yields each fact kind
KIND_GROUP = {
    "email": "contact", "url": "contact", "date": "date", "deadline": "date", "phone": "phone",
    "time": "time", "amount": "amount", "place": "place",
}


_HAS_DIGIT = re.compile(r"\d")


def _all_hits(text: str, anchor: dt.date | None, lang: str | None, groups: frozenset[str] | None = None) -> list[_Hit]:
    """Facts in priority order, later kinds dropped where they overlap earlier ones.

    ``groups`` limits extraction to some extractors (pages are only searched for the
    kinds the post has); earlier groups still run when a later one is wanted, since
    they decide overlaps (a date is not also a phone number)."""
    out: list[_Hit] = []
    spans: list[tuple[int, int]] = []
    last = len(_EXTRACTORS) if groups is None else max(
        (i for i, (name, _) in enumerate(_EXTRACTORS) if name in groups), default=-1
    ) + 1
    digits = _HAS_DIGIT.search(text) is not None
    for name, fn in _EXTRACTORS[:last]:
        if not digits and name in ("phone", "time", "amount"):
            continue  # every pattern of these needs a digit
        group = fn(text, anchor, lang)
        for h in group:
            if _overlaps(spans, h.start, h.end):
                continue
            spans.append((h.start, h.end))
            out.append(h)
    out.sort(key=lambda h: (h.start, h.end))
    return out


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    for ch in _SPACE_CHARS:
        text = text.replace(ch, " ")
    return text


def extract_facts(
    text: str,
    published_at: dt.datetime | None = None,
    lang: str | None = None,
    tz: str = "Europe/Stockholm",
) -> list[Fact]:
    """Key facts of a post, in text order, each once (by surface)."""
    text = _prepare(text)
    anchor = _local_date(published_at, tz)
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
    full = _prepare(f"{title or ''}\n{text or ''}")
    anchor = _local_date(published_at, tz)
    keys: set[str] = set()
    groups = None if kinds is None else frozenset(KIND_GROUP.get(k, k) for k in kinds)
    for h in _all_hits(full, anchor, lang, groups):
        for g in h.groups:
            for alt in g:
                if isinstance(alt, str):
                    keys.add(alt)
    # page side: also read "5/3" as 5 March and as May 3 (the page's convention is unknown)
    for m in _RX_DATE_SLASH.finditer(full):
        for k in (_md(int(m.group(2)), int(m.group(1))), _md(int(m.group(1)), int(m.group(2)))):
            if k:
                keys.add(k)
    canon = canonical_url(url) if url else None
    return PageFacts(text=normalise(full), keys=keys, url=canon.split("://", 1)[1].rstrip("/").lower() if canon else None)


def fact_present(fact: Fact, page: PageFacts) -> bool:
    if _literal(fact.surface).search(page.text):
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
