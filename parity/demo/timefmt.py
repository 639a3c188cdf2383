"""Time in the demo world: Swedish wording for people, wire formats for machines.

Every date the demo shows is derived from one ``now`` so the audit window always
fits; this module is the single place that turns those instants into the exact
strings the real systems emit (Mastodon's ``…000Z``, RSS's RFC 822, Sitevision's
``12 mars 2026``) and into the Swedish phrases the posts and pages share
(``tisdag 12 mars``), because a fact only matches when both sides spell it the same.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from parity.core.calendar import MONTH_NAMES_SV, WEEKDAY_NAMES_SV

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.timezone.utc


def utc_now() -> dt.datetime:
    """The default anchor of the demo world (aware UTC, whole seconds)."""
    return dt.datetime.now(UTC).replace(microsecond=0)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC; naive input is read as UTC like the record models do."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_date(value: dt.datetime) -> dt.date:
    """The calendar day in Sjöbacka (Swedish local time) of an instant."""
    return as_utc(value).astimezone(STOCKHOLM).date()


def at_local(day: dt.date, hhmm: str) -> dt.datetime:
    """A Swedish wall-clock time on a day, as aware UTC (DST handled by zoneinfo)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


# --- Swedish phrases -------------------------------------------------------------------


def day_month(day: dt.date) -> str:
    """``12 mars``."""
    return f"{day.day} {MONTH_NAMES_SV[day.month - 1]}"


def weekday_day_month(day: dt.date) -> str:
    """``tisdag 12 mars``: how Swedish announcements name a day."""
    return f"{WEEKDAY_NAMES_SV[day.weekday()]} {day_month(day)}"


def long_date(day: dt.date) -> str:
    """``12 mars 2026``: Sitevision's visible publication date."""
    return f"{day_month(day)} {day.year}"


def weekday(day: dt.date) -> str:
    return WEEKDAY_NAMES_SV[day.weekday()]


def next_weekday(day: dt.date, wanted: int) -> dt.date:
    """The first day on or after ``day`` that falls on ``wanted`` (0 = Monday)."""
    return day + dt.timedelta(days=(wanted - day.weekday()) % 7)


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# --- wire formats ------------------------------------------------------------------------


def iso_ms_z(value: dt.datetime) -> str:
    """``2026-03-12T08:00:00.000Z``: Mastodon and Bluesky timestamps."""
    value = as_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def iso_local(value: dt.datetime) -> str:
    """``2026-03-12T09:00:00+01:00``: what Sitevision puts in ``<time datetime>``."""
    return as_utc(value).astimezone(STOCKHOLM).replace(microsecond=0).isoformat()


def rfc822(value: dt.datetime) -> str:
    """``Tue, 12 Mar 2026 08:00:00 +0000``: RSS pubDate as Mastodon writes it."""
    return format_datetime(as_utc(value))


def rfc822_gmt(value: dt.datetime) -> str:
    """``Tue, 12 Mar 2026 08:00:00 GMT``: RSS pubDate as Sitevision writes it."""
    return format_datetime(as_utc(value), usegmt=True)


def http_date(value: dt.datetime) -> str:
    """IMF-fixdate for ``Last-Modified`` and ``Date``."""
    return format_datetime(as_utc(value).replace(microsecond=0), usegmt=True)


def w3c_datetime(value: dt.datetime) -> str:
    """Sitemap ``lastmod`` (W3C datetime with zone)."""
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")
