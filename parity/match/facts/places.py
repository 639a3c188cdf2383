"""Places: streets with or without a number ("Storgatan 12", "Drottning Kristinas väg"), named
places ("Stadsbiblioteket", "Stora torget"), English ones ("123 Main Street", "Central
Library"). Matched on the page as written (case and spacing folded)."""

from __future__ import annotations

import re

from parity.match.facts.base import Alt, Hit, literal, normalise, overlaps
from parity.match.facts.dates import MONTH_RE

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

_RX_STREET = re.compile(
    rf"\b((?:(?:Sankt|S:t|Norra|Södra|Östra|Västra|Stora|Lilla|Gamla|Nya)\s+)?[{_CAP}][{_LOW}]+(?:-[{_CAP}]?[{_LOW}]+)?(?:{_STREET_SUFFIX})"
    rf"|[{_CAP}][{_LOW}]+(?:\s[{_CAP}][{_LOW}]+)?s\s(?:väg|gata|gränd|plan|torg|allé|backe|stig))"
    rf"(?:\s+(\d{{1,4}}(?:\s?[A-Ha-h](?![\w]))?)(?!\d|[.:/,]\d|\s*(?:{MONTH_RE})\b))?",
)
_RX_PLACE_SV = re.compile(
    rf"\b((?:Stora|Lilla|Gamla|Nya|Norra|Södra|Östra|Västra)\s+(?:torget|torg|parken|kyrkan|bron|skolan|badet)"
    rf"|(?:(?:Stora|Lilla|Gamla|Nya|Norra|Södra|Östra|Västra)\s+)?[{_CAP}][{_LOW}-]*[{_LOW}](?:{_PLACE_SUFFIX}))\b"
)
_RX_PLACE_EN = re.compile(
    rf"\b(\d{{1,5}}\s+)?((?:[A-Z][a-z]+\.?\s){{1,3}}(?:{_EN_PLACE_SUFFIX}))(?!\w)"
)


_PLACE_HINTS = tuple(
    sorted({h.lower().replace("\\", "") for h in (_STREET_SUFFIX + "|" + _PLACE_SUFFIX + "|" + _EN_PLACE_SUFFIX).split("|")})
)


def place_hits(text: str) -> list[Hit]:
    hits: list[Hit] = []
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
            groups = [(literal(name),)]
        taken.append((m.start(), end))
        hits.append(Hit("place", m.start(), end, groups))
    for rx in (_RX_PLACE_SV,):
        for m in rx.finditer(text):
            if overlaps(taken, m.start(1), m.end(1)):
                continue
            taken.append((m.start(1), m.end(1)))
            hits.append(Hit("place", m.start(1), m.end(1), [(literal(m.group(1)),)]))
    for m in _RX_PLACE_EN.finditer(text):
        start = m.start(1) if m.group(1) else m.start(2)
        if overlaps(taken, start, m.end()):
            continue
        first = m.group(2).split()[0]
        if first in ("The", "A", "On", "In", "At", "This", "Our", "Den", "Det"):
            continue
        taken.append((start, m.end()))
        hits.append(Hit("place", start, m.end(), [(literal(text[start : m.end()]),)]))
    return hits
