"""The demo world's calendar: every instant and event day, derived from one ``now``.

Pages and posts state the same facts ("tisdag 12 mars kl. 8–16") and must agree
to the character, while the dates have to move with ``now`` so a 30-day audit
window always covers the posts. Both sides therefore read their dates from here,
and each date is defined once, relative to the day it was announced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parity.demo.timefmt import (
    as_utc,
    at_local,
    day_month,
    first_of_next_month,
    local_date,
    next_weekday,
    weekday_day_month,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

def next_workday(day: dt.date) -> dt.date:
    while day.weekday() >= SAT:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Moment:
    """An instant stated as "k days before today, at HH:MM Swedish time" (``k >= 1``)."""

    days_ago: int
    hhmm: str

    def offset_minutes(self) -> int:
        """Position on a fixed scale, used for stable ids: later moments give larger numbers."""
        hours, minutes = (int(p) for p in self.hhmm.split(":"))
        return -self.days_ago * 1440 + hours * 60 + minutes


class Timeline:
    """Anchored on the Swedish calendar day of ``now``; nothing it returns lies after ``now``."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = as_utc(now)
        self.today = local_date(self.now)

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def at(self, moment: Moment) -> dt.datetime:
        if moment.days_ago < 1:
            raise ValueError("demo moments lie at least one day back so they are never in the future")
        return at_local(self.day(moment.days_ago), moment.hhmm)

    def on_or_after(self, days_ago: int, ahead: int, weekday: int) -> dt.date:
        """The first ``weekday`` on or after ``ahead`` days past the day ``days_ago`` back."""
        return next_weekday(self.day(days_ago) + dt.timedelta(days=ahead), weekday)

    # --- the event days of the demo's matters (see sjobacka_pages / scenario) ----------------
    # Days that social-only posts name are chosen so that no page ever states the same date:
    # a date shared by accident would give a matcher a reason to link them.

    @property
    def storgatan(self) -> dt.date:
        return self.on_or_after(9, 2, TUE)

    @property
    def kvarnbyskolan(self) -> dt.date:
        return next_workday(self.day(13))

    @property
    def fullmaktige(self) -> dt.date:
        return self.on_or_after(12, 8, THU)

    @property
    def bibliotek_nya_tider(self) -> dt.date:
        return self.on_or_after(20, 7, MON)

    @property
    def sophamtning_ordinarie(self) -> dt.date:
        return self.on_or_after(6, 1, WED)

    @property
    def sophamtning_ny(self) -> dt.date:
        return self.sophamtning_ordinarie + dt.timedelta(days=1)

    @property
    def hamnvagen_start(self) -> dt.date:
        return self.on_or_after(17, 1, MON)

    @property
    def hamnvagen_slut(self) -> dt.date:
        return self.hamnvagen_start + dt.timedelta(days=18)

    @property
    def rostmottagare_mote(self) -> dt.date:
        return self.on_or_after(24, 10, WED)

    @property
    def simhall_stangd(self) -> dt.date:
        return self.on_or_after(4, 3, MON)

    @property
    def simhall_stangd_till(self) -> dt.date:
        return self.simhall_stangd + dt.timedelta(days=6)

    @property
    def simhall_oppnar(self) -> dt.date:
        return self.simhall_stangd + dt.timedelta(days=7)

    @property
    def bjorkvagen(self) -> dt.date:
        return self.on_or_after(3, 1, THU)

    @property
    def kvarnby_bibliotek(self) -> dt.date:
        return self.on_or_after(8, 2, WED)

    @property
    def solbacken_mote(self) -> dt.date:
        return self.on_or_after(10, 5, MON)

    @property
    def kvarnbyvagen_start(self) -> dt.date:
        return self.on_or_after(15, 4, MON)

    @property
    def kvarnbyvagen_slut(self) -> dt.date:
        return self.kvarnbyvagen_start + dt.timedelta(days=4)

    @property
    def farligt_avfall(self) -> dt.date:
        return self.on_or_after(13, 5, SAT)

    @property
    def boendeparkering(self) -> dt.date:
        return first_of_next_month(self.today + dt.timedelta(days=8))

    @property
    def vaxel_stangd(self) -> dt.date:
        return self.on_or_after(7, 8, TUE)

    @property
    def sjobackaloppet(self) -> dt.date:
        return self.on_or_after(16, 1, SAT)

    @property
    def kompassen_oppet_hus(self) -> dt.date:
        return self.on_or_after(21, 1, FRI)

    @property
    def foreningsbidrag_sista_dag(self) -> dt.date:
        return self.day(21) + dt.timedelta(days=30)

    @property
    def protokoll_kf(self) -> dt.date:
        return self.on_or_after(46, 0, THU)


def wd(day: dt.date) -> str:
    """``tisdag 12 mars``."""
    return weekday_day_month(day)


def Wd(day: dt.date) -> str:  # noqa: N802 - reads like the sentence it starts
    """``Tisdag 12 mars``, for the start of a sentence."""
    text = weekday_day_month(day)
    return text[0].upper() + text[1:]


def dm(day: dt.date) -> str:
    """``12 mars``."""
    return day_month(day)
