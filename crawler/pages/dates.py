"""Reading the dates Swedish public sites print, into aware UTC datetimes.

A time without a zone is read by the one rule of :mod:`parity.core.timeutil`
(time of day: Europe/Stockholm; bare date or padded midnight: 00:00 UTC of that date).
Month and weekday names come from :mod:`parity.core.calendar`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from parity.core.calendar import MONTHS, WEEKDAYS, alternation
from parity.core.timeutil import LOCAL_ZONE as STOCKHOLM
from parity.core.timeutil import UTC, to_utc

#: Plausible publication years; anything outside is a placeholder (0001-01-01) or junk.
MIN_YEAR, MAX_YEAR = 1970, 2100

_MONTH_RE = alternation(MONTHS)
_WEEKDAY_RE = rf"(?:(?:{alternation(WEEKDAYS)})\.?,?\s+)?"
#: optional ", kl. 08.00[:ss][ +01:00]" after a date; groups: hour, minute, second, zone
_TIME_RE = (
    r"(?:,?\s*(?:kl\.?|klockan|at|,)?\s*(\d{1,2})[:.](\d{2})(?![\d.]*\d{4})"
    r"(?::(\d{2}))?(?:\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)\b)?)?"
)

#: "12 mars 2026", "tis 12 mars 2026 kl. 08.00", "12:e mars 2026"
_SV_TEXT = re.compile(
    rf"\b{_WEEKDAY_RE}(\d{{1,2}})(?::e|:a|e)?\.?\s+({_MONTH_RE})\.?,?\s+(\d{{4}}){_TIME_RE}",
    re.IGNORECASE,
)
#: "March 12, 2026" / "March 12 2026 at 08:00"
_EN_TEXT = re.compile(
    rf"\b{_WEEKDAY_RE}({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME_RE}",
    re.IGNORECASE,
)
#: "2026-03-12", "2026-03-12 08:00", "2026-03-12 kl. 8.00", "2026-03-12T08:00:00+01:00"
_ISO_LIKE = re.compile(
    r"\b(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:T|\s+|\s*,\s*)(?:kl\.?\s*|klockan\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?(?![\d])",
    re.IGNORECASE,
)
#: "12.03.2026" (day first, as everywhere in Europe)
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME_RE)
#: "12 mars" (no year): only with a default year
_SV_NO_YEAR = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH_RE})\b(?!\.?,?\s+\d{{4}}){_TIME_RE}", re.IGNORECASE)


def _build(
    year: int,
    month: int,
    day: int,
    hour: str | None,
    minute: str | None,
    second: str | None = None,
    zone: str | None = None,
    default_tz: dt.tzinfo = STOCKHOLM,
) -> dt.datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        # "2026-03-24 00:00:00" without a zone is a date padded by a CMS, not a midnight event
        if hour is None or (zone is None and int(hour) == 0 and int(minute or 0) == 0 and int(second or 0) == 0):
            return dt.datetime(year, month, day, tzinfo=UTC)
        tz = _zone(zone) if zone else default_tz
        local = dt.datetime(year, month, day, int(hour), int(minute or 0), int(second or 0), tzinfo=tz)
    except ValueError:
        return None
    return local.astimezone(UTC)


def _zone(text: str) -> dt.tzinfo:
    text = text.upper()
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _from_epoch(number: float) -> dt.datetime | None:
    seconds = number / 1000.0 if abs(number) > 1e11 else number
    try:
        value = dt.datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return value.replace(microsecond=0) if MIN_YEAR <= value.year <= MAX_YEAR else None


def parse_datetime(value: Any, *, default_tz: dt.tzinfo = STOCKHOLM) -> dt.datetime | None:
    """Read one date value (ISO 8601, RFC 2822, Swedish text, epoch s/ms) or None.

    The whole value must be a date (surrounding words are tolerated only for
    the textual forms); use :func:`find_date_in_text` to search prose.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return to_utc(value, default_tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.fullmatch(r"-?\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    iso = _ISO_LIKE.match(text)
    if iso and not text[iso.end() :].strip(" ."):
        return _build(int(iso[1]), int(iso[2]), int(iso[3]), iso[4], iso[5], iso[6], iso[7], default_tz)
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text) or re.match(
        r"^\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text
    ):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR:
            return to_utc(parsed, UTC if parsed.tzinfo is None else default_tz)
    return find_date_in_text(text, default_tz=default_tz)


def find_date_in_text(
    text: str, *, default_year: int | None = None, default_tz: dt.tzinfo = STOCKHOLM
) -> dt.datetime | None:
    """The first date written anywhere in ``text`` (ISO, Swedish or English words, d.m.yyyy).

    ``default_year`` lets "12 mars" be read on pages that only print day and
    month; without it such dates are ignored rather than guessed.
    """
    found = _first_date(text, default_year=default_year, default_tz=default_tz)
    return found[1] if found else None


def leading_date(text: str, *, max_offset: int = 4, default_tz: dt.tzinfo = STOCKHOLM) -> dt.datetime | None:
    """A date that opens ``text`` (at most ``max_offset`` characters in, after "den"/"on"), else None.

    For labels: "Publicerad 12 mars 2026" dates the page, "Publicerad av Kundcenter … 12 mars"
    does not (the label is followed by something else).
    """
    rest = text.lstrip(" :\u00a0\t")
    lowered = rest[:4].lower()
    if lowered.startswith(("den ", "on ")):
        rest = rest.split(" ", 1)[1]
    found = _first_date(rest[: max_offset + 60], default_tz=default_tz)
    return found[1] if found and found[0] <= max_offset else None


def _first_date(
    text: str, *, default_year: int | None = None, default_tz: dt.tzinfo = STOCKHOLM
) -> tuple[int, dt.datetime] | None:
    """``(position, value)`` of the first date written in ``text``."""
    if not text:
        return None
    found: list[tuple[int, dt.datetime]] = []
    for match in _ISO_LIKE.finditer(text):
        value = _build(int(match[1]), int(match[2]), int(match[3]), match[4], match[5], match[6], match[7], default_tz)
        if value:
            found.append((match.start(), value))
            break
    for match in _SV_TEXT.finditer(text):
        value = _build(
            int(match[3]), MONTHS[match[2].lower()], int(match[1]), match[4], match[5], match[6], match[7], default_tz
        )
        if value:
            found.append((match.start(), value))
            break
    for match in _EN_TEXT.finditer(text):
        value = _build(
            int(match[3]), MONTHS[match[1].lower()], int(match[2]), match[4], match[5], match[6], match[7], default_tz
        )
        if value:
            found.append((match.start(), value))
            break
    for match in _DOTTED.finditer(text):
        value = _build(int(match[3]), int(match[2]), int(match[1]), match[4], match[5], match[6], match[7], default_tz)
        if value:
            found.append((match.start(), value))
            break
    if not found and default_year is not None:
        for match in _SV_NO_YEAR.finditer(text):
            value = _build(
                default_year,
                MONTHS[match[2].lower()],
                int(match[1]),
                match[3],
                match[4],
                match[5],
                match[6],
                default_tz,
            )
            if value:
                found.append((match.start(), value))
                break
    if not found:
        return None
    return min(found, key=lambda item: item[0])
