"""Dates, numbers and durations the way a Swedish or an English reader writes them.

Times are shown in Swedish time (Europe/Stockholm, the audited bodies' clock; the page
says so), dates with month names rather than digits so that "03/04" is never ambiguous:

* Swedish: ``4 december 2026 kl. 15.00``, short ``4 dec. 2026 15.00``, ``46 %``, ``1,5``
* English: ``4 December 2026, 15:00``, short ``4 Dec 2026 15:00``, ``46%``, ``1.5``

Month names come from :mod:`parity.core.calendar` (Swedish) and the table here (English).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from parity.core.calendar import MONTH_NAMES_SV
from parity.core.timeutil import LOCAL_ZONE, parse_time

LANGS = ("sv", "en")
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
_SHORT_SV = ("jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec.")


def local_time(value: Any) -> dt.datetime | None:
    """An ISO time (or datetime) in Swedish time; None for nothing or for text that is not a time."""
    try:
        moment = parse_time(value)
    except (ValueError, TypeError):
        return None
    return moment.astimezone(LOCAL_ZONE) if moment else None


def format_date(value: Any, lang: str, *, short: bool = False, with_time: bool = True) -> str:
    """``4 december 2026 kl. 15.00`` / ``4 December 2026, 15:00`` (short: abbreviated month)."""
    moment = local_time(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if lang == "sv":
        month = (_SHORT_SV if short else MONTH_NAMES_SV)[moment.month - 1]
        day = f"{moment.day} {month} {moment.year}"
        clock = f"{moment:%H.%M}"
        return f"{day} {clock}" if short and with_time else f"{day} kl. {clock}" if with_time else day
    month = MONTH_NAMES_EN[moment.month - 1]
    day = f"{moment.day} {month[:3] if short else month} {moment.year}"
    clock = f"{moment:%H:%M}"
    return f"{day} {clock}" if short and with_time else f"{day}, {clock}" if with_time else day


def format_day(value: Any, lang: str) -> str:
    """A date without the time: ``4 dec.`` / ``4 Dec`` (axis labels)."""
    moment = local_time(value)
    if moment is None:
        return ""
    return f"{moment.day} {_SHORT_SV[moment.month - 1]}" if lang == "sv" else f"{moment.day} {MONTH_NAMES_EN[moment.month - 1][:3]}"


def format_number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """``1,5`` / ``1.5``; a minus sign, not a hyphen; an en dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}" if digits else f"{value:,.0f}"
    text = text.replace(",", "\u202f" if lang == "sv" else ",")
    if lang == "sv":
        text = text.replace(".", ",")
    return text.replace("-", "\u2212")


def format_percent(rate: float | None, lang: str) -> str:
    """A rate 0–1 as ``46 %`` (Swedish writes a space) / ``46%``."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "–"
    number = f"{100 * rate:.0f}"
    return f"{number}\u00a0%" if lang == "sv" else f"{number}%"


def format_hours(hours: float | None, lang: str) -> str:
    """A lag in words: ``3 timmar``, ``4 dagar``, ``−1,5 timmar`` / ``3 hours``, ``4 days``."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "–"
    if abs(hours) >= 48:
        days = hours / 24
        unit = ("dag", "dagar") if lang == "sv" else ("day", "days")
        return f"{format_number(days, lang, 0)} {unit[round(abs(days)) != 1]}"
    unit = ("timme", "timmar") if lang == "sv" else ("hour", "hours")
    digits = 0 if abs(hours) >= 10 or float(hours).is_integer() else 1
    return f"{format_number(hours, lang, digits)} {unit[abs(hours) != 1]}"
