"""A deliberately simple Swedish key-fact extractor, used only to check the demo's own consistency.

It is not the matcher's extractor (that lives in parity.match): it spells out the
facts the demo promises to keep consistent between posts and pages, so a change
to a page that silently breaks an expected verdict fails here first.
"""

from __future__ import annotations

import re

from parity.core.calendar import MONTH_NAMES_SV, WEEKDAY_NAMES_SV

_MONTH = "|".join(MONTH_NAMES_SV)
_WEEKDAY = "|".join(WEEKDAY_NAMES_SV)
DATE_RE = re.compile(rf"(?:(?:{_WEEKDAY}) )?(\d{{1,2}} (?:{_MONTH}))", re.IGNORECASE)
TIME_RE = re.compile(r"kl\. \d{1,2}(?:\.\d{2})?(?:–\d{1,2}(?:\.\d{2})?)?")
PHONE_RE = re.compile(r"0\d{2}-\d{3} \d{2} \d{2}")
AMOUNT_RE = re.compile(r"\d[\d ]*\d kr|\d kr")
PLACE_RE = re.compile(r"[A-ZÅÄÖ][a-zåäö]+(?:gatan|vägen|torget)(?: \d+(?:–\d+)?)?")


def facts(text: str) -> dict[str, set[str]]:
    """Facts by kind; dates are normalised to ``12 mars`` (the weekday is implied by the date)."""
    return {
        "date": {m.group(1).lower() for m in DATE_RE.finditer(text)},
        "time": set(TIME_RE.findall(text)),
        "phone": set(PHONE_RE.findall(text)),
        "amount": set(AMOUNT_RE.findall(text)),
        "place": set(PLACE_RE.findall(text)),
    }


def all_facts(text: str) -> set[str]:
    return {f"{kind}:{value}" for kind, values in facts(text).items() for value in values}


def specific_facts(text: str) -> set[str]:
    """Facts that identify a matter: dates, time ranges, phones, amounts, numbered addresses.

    A bare ``kl. 15`` or an unnumbered street name is shared by many unrelated notices.
    """
    found = facts(text)
    out = {f"date:{d}" for d in found["date"]}
    out |= {f"time:{t}" for t in found["time"] if "–" in t}
    out |= {f"phone:{p}" for p in found["phone"]}
    out |= {f"amount:{a}" for a in found["amount"]}
    out |= {f"place:{p}" for p in found["place"] if any(ch.isdigit() for ch in p)}
    return out
