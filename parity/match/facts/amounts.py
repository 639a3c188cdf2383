"""Amounts: "500 kr", "1 500 kronor", "50:-", "2,5 miljoner kronor", "$25" → keys ``a:<value>``
(scale words applied; the currency is matched literally)."""

from __future__ import annotations

import re

from parity.match.facts.base import FLAGS, Hit, literal, overlaps

_SCALE = {
    "miljoner": 1e6, "miljon": 1e6, "mkr": 1e6, "mnkr": 1e6, "miljarder": 1e9, "miljard": 1e9,
    "mdkr": 1e9, "tkr": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
    "trillion": 1e12, "thousand": 1e3, "k": 1e3, "m": 1e6, "bn": 1e9,
}

_NUM = r"\d{1,3}(?:[ \u00a0](?=\d{3}\b)\d{3})+|\d{1,3}(?:,\d{3})+(?![\d])|\d+"
_RX_AMOUNT_POST = re.compile(
    rf"(?<![\w.,$€£])({_NUM})(?:[.,](\d{{1,2}}))?\s*(miljoner|miljon|miljarder|miljard|mkr|mnkr|mdkr|tkr|million|billion|trillion|thousand)?"
    rf"\s*(kronor|krona|kr\b\.?|sek\b|:-|euro\b|eur\b|€|dollars?\b|usd\b|pounds?\b)",
    FLAGS,
)
_RX_AMOUNT_PRE = re.compile(
    rf"(\$|€|£|\bSEK\b|\bUSD\b|\bEUR\b)\s?({_NUM})(?:\.(\d{{1,2}}))?(?:\s*(million|billion|trillion|thousand|bn|k|m)\b)?",
    FLAGS,
)


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


def amount_hits(text: str, lang: str | None) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _RX_AMOUNT_PRE.finditer(text):
        try:
            value = _number(m.group(2), m.group(3))
        except ValueError:
            continue
        scale = (m.group(4) or "").lower()
        value *= _SCALE.get(scale, 1.0)
        taken.append((m.start(), m.end()))
        hits.append(Hit("amount", m.start(), m.end(), [(_amount_key(value), literal(m.group(0)))]))
    for m in _RX_AMOUNT_POST.finditer(text):
        if overlaps(taken, m.start(), m.end()):
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
        hits.append(Hit("amount", m.start(), m.end(), [(_amount_key(value), literal(m.group(0)))]))
    return hits
