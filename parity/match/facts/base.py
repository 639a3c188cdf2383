"""What every kind of key fact shares: the :class:`Fact` model, a page's :class:`PageFacts`,
the normalisation both sides are compared in, and the small helpers of the extractors
(keys ``md:MM-DD`` and ``t:HH:MM``, literal patterns, overlap of spans, the post's local date).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Pattern, Sequence, Union
from zoneinfo import ZoneInfo

Alt = Union[str, Pattern[str]]

FLAGS = re.IGNORECASE | re.UNICODE
DASH = "[-–—]"
SPACE_CHARS = "\u00a0\u202f\u2009\u2007"
HAS_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Fact:
    """One key fact of a post: ``surface`` as written, ``groups`` to satisfy."""

    kind: str  # date | deadline | time | place | amount | phone | email | url
    surface: str
    groups: tuple[tuple[Alt, ...], ...]
    start: int = 0
    end: int = 0
    #: what the fact identifies, for contradictions: ``event`` (a date with its weekday), ``week``,
    #: ``year``, ``town`` (a locality of the gazetteer), ``district`` (a name after "i"/"på"), else ""
    role: str = ""
    #: the calendar dates a date fact means, its year resolved (explicit, else from the post's
    #: time and weekday); empty when it cannot be resolved
    dates: tuple[dt.date, ...] = ()
    #: the weekday the post gives with the date (Monday = 0), if any
    weekday: int | None = None
    #: years the fact names or resolves to
    years: tuple[int, ...] = ()
    #: False when the weekday given fits the date in no year near the post's time ("söndag 24/12"
    #: posted in December 2025) or not its explicit year: the post may be about another year
    weekday_fits: bool = True

    def __str__(self) -> str:  # pragma: no cover
        return self.surface


@dataclass
class PageFacts:
    """What a web item offers for fact checking (built once per item, lazily).

    Besides the text and keys, what a contradiction is read from: the years the page's
    dates fall in, the weekdays it gives them, its deadlines and weekday-dated events, the
    years it names and the towns of the gazetteer it names (see :mod:`.conflicts`)."""

    text: str  # normalised (lower-case, one space, ascii dashes)
    keys: set[str] = field(default_factory=set)
    url: str | None = None  # canonical URL host+path, no scheme (extract.page_url fills it from raw_url)
    raw_url: str | None = None
    md_years: dict[str, set[int]] = field(default_factory=dict)  # md key → years it is dated in
    md_weekdays: dict[str, set[int]] = field(default_factory=dict)  # md key → weekdays it is given with
    deadlines: set[str] = field(default_factory=set)  # md keys of "senast …" dates
    events: set[str] = field(default_factory=set)  # md keys given with a weekday ("tisdag 21 mars")
    years: set[int] = field(default_factory=set)  # years the page names or is dated in
    towns: set[str] = field(default_factory=set)  # gazetteer towns the page names (lower case)
    implied: str = ""  # host and organisation of the page: a town they name needs no mention


def normalise(text: str) -> str:
    """Lower-case, NFC, NBSP → space, all dashes → '-', runs of space → one."""
    text = unicodedata.normalize("NFC", text or "")
    for ch in SPACE_CHARS:
        text = text.replace(ch, " ")
    text = re.sub("[–—−‒]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def md(month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"md:{month:02d}-{day:02d}"
    return None


def hm(hour: int, minute: int) -> str | None:
    if hour == 24 and minute == 0:
        hour = 0
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return f"t:{hour:02d}:{minute:02d}"
    return None


@lru_cache(maxsize=8192)
def literal(text: str) -> Pattern[str]:
    words = normalise(text.strip(" .,;:!?")).split(" ")
    return re.compile(r"(?<!\w)" + r"\s?".join(re.escape(w) for w in words) + r"(?!\w)")


def local_date(when: dt.datetime | None, tz: str) -> dt.date | None:
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


@dataclass
class Hit:
    kind: str
    start: int
    end: int
    groups: list[tuple[Alt, ...]]
    role: str = ""
    year: int | None = None  # explicit year of a date
    weekday: int | None = None  # weekday given with a date
    surface: str | None = None  # when the fact is written otherwise than its span (a genitive's head)


def overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def prepare_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    for ch in SPACE_CHARS:
        text = text.replace(ch, " ")
    return text
