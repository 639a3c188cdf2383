"""Phone numbers ("018-727 00 00", "+46 18 727 00 00", "1177"), e-mail and web addresses.

Phones are keyed by their digits (``ph:0187270000``) and found on a page with any
separators; links to social networks and URL shorteners are not facts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Pattern

from parity.core.urls import canonical_url
from parity.match.facts.base import FLAGS, Hit, literal, overlaps

_SOCIAL_HOSTS = {
    "t.co", "bit.ly", "pic.twitter.com", "twitter.com", "x.com", "facebook.com", "fb.me", "instagram.com",
    "youtube.com", "youtu.be", "tiktok.com", "linkedin.com", "lnkd.in", "ow.ly", "buff.ly", "tinyurl.com",
}

_RX_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", FLAGS)
_RX_URL = re.compile(
    r"(?<![@\w./-])(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+(?:se|nu|com|org|net|eu|gov|info|io|fi|no|dk|de|uk|edu)"
    r"(?![\w-])(?:/[^\s,;)\]>\"']*)?",
    FLAGS,
)
_RX_PHONE_SV = re.compile(
    r"(?<![\d+])(?:\+46|0046)\s?(?:\(0\)\s?)?\d{1,3}(?:[\s-]?\d{1,4}){2,4}(?![\d])"
    r"|(?<![\d+./:-])0\d{1,3}\s?[-–]\s?\d{2,3}(?:\s?\d{2,3}){1,3}(?![\d])"
    r"|(?<![\d+./:-])0\d{2,3}(?:\s\d{2,3}){2,4}(?![\d])"
)
_RX_PHONE_EN = re.compile(r"(?<![\d])(?:\+1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\d])")
_RX_PHONE_SHORT = re.compile(r"\b(?:ring|ringa|telefon(?:nummer)?|tel\.?|tfn\.?|call|phone|sms:?a?)\s*(?:på|oss på|us at|at)?\s*:?\s*(\d{3,4}(?:\s\d{2,3})?)\b", FLAGS)


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


def _url_key(raw: str) -> str | None:
    canon = canonical_url(raw.rstrip(".,:;!?"))
    if not canon:
        return None
    return canon.split("://", 1)[1].rstrip("/").lower()


def phone_hits(text: str) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for rx in (_RX_PHONE_SV, _RX_PHONE_EN):
        for m in rx.finditer(text):
            digits = _digits(m.group(0))
            if not 7 <= len(digits) <= 13 or overlaps(taken, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            hits.append(Hit("phone", m.start(), m.end(), [(f"ph:{digits}", _digits_pattern(digits))]))
    for m in _RX_PHONE_SHORT.finditer(text):
        if overlaps(taken, m.start(1), m.end(1)):
            continue
        digits = re.sub(r"\D", "", m.group(1))
        taken.append((m.start(1), m.end(1)))
        hits.append(Hit("phone", m.start(1), m.end(1), [(f"ph:{digits}", _digits_pattern(digits))]))
    return hits


_URL_HINT = re.compile(r"\.(?:se|nu|com|org|net|eu|gov|info|io|fi|no|dk|de|uk|edu)\b", re.IGNORECASE)


def contact_hits(text: str) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    if "@" not in text and _URL_HINT.search(text) is None:
        return hits
    for m in _RX_EMAIL.finditer(text) if "@" in text else ():
        taken.append((m.start(), m.end()))
        hits.append(Hit("email", m.start(), m.end(), [(literal(m.group(0)),)]))
    for m in _RX_URL.finditer(text):
        raw = m.group(0).rstrip(".,:;!?")
        if overlaps(taken, m.start(), m.start() + len(raw)):
            continue
        key = _url_key(raw)
        if not key:
            continue
        host = key.split("/", 1)[0]
        if host in _SOCIAL_HOSTS or any(host.endswith("." + h) for h in _SOCIAL_HOSTS):
            continue
        taken.append((m.start(), m.start() + len(raw)))
        hits.append(Hit("url", m.start(), m.start() + len(raw), [("u:" + key,)]))
    return hits
