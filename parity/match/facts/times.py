"""Clock times: "kl. 8–16", "08.00–16.00", "klockan 18.30", "mellan 7–16", "kl. 10,30–11,30",
"7:30 pm", "10am-2pm" → keys ``t:HH:MM``.

A page writes the same hours in more ways than a post is read with: "stängt mellan 9 – 12",
"öppet vardagar 8-16", "telefontid 10,30-11,30". On the page side (``page=True``) a bare hour
range after such a word counts too, so "kl 7–16" in the post is found in "mellan 7-16".
"""

from __future__ import annotations

import re
from typing import Iterable

from parity.match.facts.base import DASH, FLAGS, Hit, hm, overlaps

_T = r"(\d{1,2})(?:[.:,](\d{2}))?"
_RX_TIME_KL = re.compile(
    rf"\b(?:kl(?:ockan)?\.?|kl\.)\s*{_T}(?:\s*(?:{DASH}|till|och)\s*(?:kl(?:ockan)?\.?\s*)?{_T})?(?![\d.,:]?\d)",
    FLAGS,
)
#: an hour range after "mellan" (post and page): "mellan 7-16", "mellan 9 – 12"
_RANGE = rf"{_T}\s*(?:{DASH}|till|och)\s*{_T}(?![\d.,:]?\d|\s*(?:år|kr|kronor|%|procent|meter|m\b|km|dagar|veckor|timmar|st\b))"
_RX_TIME_MELLAN = re.compile(rf"\bmellan\s+{_RANGE}", FLAGS)
#: page side: an hour range after a word about opening or service hours
_RX_TIME_PAGE = re.compile(
    rf"\b(?:öppet|öppen|öppna|öppettid(?:er(?:na)?)?|stängt|stängd|stänger|tid|tider|telefontid|telefontider"
    rf"|vardagar|helger|helgdagar|(?:mån|tis|ons|tors|fre|lör|sön)(?:dag(?:ar)?)?(?:\s*{DASH}\s*(?:mån|tis|ons|tors|fre|lör|sön)(?:dag(?:ar)?)?)?"
    rf"|dagligen|alla\s+dagar)\s*:?\s*(?:kl(?:ockan)?\.?\s*)?{_RANGE}",
    FLAGS,
)
_RX_TIME_HM = re.compile(
    rf"(?<![\d.,:$€£])(\d{{1,2}})([.:])(\d{{2}})(?:\s*{DASH}\s*(\d{{1,2}})(?:[.:](\d{{2}}))?)?"
    rf"(?![\d]|[.,:]\d|\s*(?:kr|kronor|sek|%|procent|miljon|miljard|million|billion|euro|dollar|:-))",
    FLAGS,
)
_AMPM = r"([ap])\.?\s?m\b\.?"
_RX_TIME_AMPM = re.compile(
    rf"(?<![\d.,:$])(\d{{1,2}})(?::(\d{{2}}))?\s*(?:{_AMPM})?\s*(?:{DASH}|to|until|till)\s*(\d{{1,2}})(?::(\d{{2}}))?\s*{_AMPM}"
    rf"|(?<![\d.,:$])(\d{{1,2}})(?::(\d{{2}}))?\s*{_AMPM}",
    FLAGS,
)


def time_hits(text: str, lang: str | None, page: bool = False) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, keys: Iterable[str | None]) -> None:
        groups = [(k,) for k in keys if k]
        if groups and not overlaps(taken, start, end):
            taken.append((start, end))
            hits.append(Hit("time", start, end, groups))

    for m in _RX_TIME_KL.finditer(text):
        keys = [hm(int(m.group(1)), int(m.group(2) or 0))]
        if m.group(3):
            keys.append(hm(int(m.group(3)), int(m.group(4) or 0)))
        add(m.start(), m.end(), keys)
    for rx in (_RX_TIME_MELLAN, _RX_TIME_PAGE) if page else (_RX_TIME_MELLAN,):
        for m in rx.finditer(text):
            a, b = int(m.group(1)), int(m.group(3))
            if a < b <= 24:  # an hour range runs forward within a day; the cue word is not the time
                add(m.start(1) if page else m.start(), m.end(), [hm(a, int(m.group(2) or 0)), hm(b, int(m.group(4) or 0))])
    for m in _RX_TIME_AMPM.finditer(text):
        if m.group(7):  # single "8 pm"
            h, mi, ap = int(m.group(7)), int(m.group(8) or 0), m.group(9).lower()
            if h > 12:
                continue
            add(m.start(), m.end(), [hm(h % 12 + (12 if ap == "p" else 0), mi)])
            continue
        h1, m1, ap1 = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        h2, m2, ap2 = int(m.group(4)), int(m.group(5) or 0), m.group(6).lower()
        if h1 > 12 or h2 > 12:
            continue
        ap1 = ap1 or ap2
        add(m.start(), m.end(), [hm(h1 % 12 + (12 if ap1 == "p" else 0), m1), hm(h2 % 12 + (12 if ap2 == "p" else 0), m2)])
    for m in _RX_TIME_HM.finditer(text):
        if m.group(2) == "." and lang == "en":
            continue
        keys = [hm(int(m.group(1)), int(m.group(3)))]
        if m.group(4):
            keys.append(hm(int(m.group(4)), int(m.group(5) or 0)))
        add(m.start(), m.end(), keys)
    return hits
