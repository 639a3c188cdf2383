"""Places: streets with or without a number ("Storgatan 12", "Drottning Kristinas väg"), named
places ("Stadsbiblioteket", "Stora torget", "Kulturhuset Fyren", "Grönkullaskolans aula"),
English ones ("123 Main Street", "Central Library"). Towns, districts and villages are in
:mod:`.towns`.

A place suffix must end the word ("Fastighetsägare" holds no "Fastig"); a genitive -s is
read through ("Ekbackens skolbad" is at Ekbacken), and the place is found on the page in any
inflection (:func:`~parity.match.facts.swedish.inflected`), a compound also written apart
("Ekbacksskolan" = "Ekbackens skola", :func:`~parity.match.facts.swedish.compound_parts`). A single capitalised word that
starts a sentence and is built like a common noun ("Badhuset", "Simskolan", "Lekplatsen") is
not a place unless the post also writes it capitalised inside a sentence; followed by a
name it is one ("Kulturhuset Fyren", "Lekplatsen Åkerspöket": the name is the fact).
"""

from __future__ import annotations

import re
from typing import Callable

from parity.match.facts.base import Alt, Hit, literal, normalise, overlaps
from parity.match.facts.dates import MONTH_RE
from parity.match.facts.towns import NOT_DISTRICTS
from parity.match.facts.swedish import (
    capitalised_inside,
    compound_parts,
    inflected,
    is_generic,
    lower_elsewhere,
    sentence_initial,
)

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
_MODIFIER = r"(?:Sankt|S:t|Norra|Södra|Östra|Västra|Stora|Lilla|Gamla|Nya)\s+"
_END = rf"(?![{_LOW}\w]|-[{_LOW}])"  # the suffix ends the word

_RX_STREET = re.compile(
    rf"\b((?:{_MODIFIER})?[{_CAP}][{_LOW}]+(?:-[{_CAP}]?[{_LOW}]+)?({_STREET_SUFFIX})(?=s?{_END})"
    rf"|[{_CAP}][{_LOW}]+(?:\s[{_CAP}][{_LOW}]+)?s\s(?:väg|gata|gränd|plan|torg|allé|backe|stig){_END})"
    rf"(s{_END})?"
    rf"(?:\s+(?!(?:19|20)\d\d\b)(\d{{1,4}}(?:\s?[A-Ha-h](?![\w]))?)(?!\d|[.:/,]\d|\s*(?:{MONTH_RE})\b))?",
)
_RX_PLACE_SV = re.compile(
    rf"\b((?:Stora|Lilla|Gamla|Nya|Norra|Södra|Östra|Västra)\s+(?:torget|torg|parken|kyrkan|bron|skolan|badet)"
    rf"|(?:({_MODIFIER}))?[{_CAP}][{_LOW}-]*[{_LOW}]({_PLACE_SUFFIX}))(?=s?{_END})(s{_END})?"
)
_RX_PLACE_EN = re.compile(
    rf"\b(\d{{1,5}}\s+)?((?:[A-Z][a-z]+\.?\s){{1,3}}(?:{_EN_PLACE_SUFFIX}))(?!\w)"
)
#: a capitalised name right after a generic place noun: "Kulturhuset Fyren", "Förskolan Solstrålen"
_RX_NAME_AFTER = re.compile(rf"[ \u00a0]([{_CAP}][{_LOW}]+(?:-[{_CAP}]?[{_LOW}]+)?){_END}")
#: what follows a genitive place and belongs to it: "Grönkullaskolans aula", "Ekbackens skolbad"
_RX_HEAD_AFTER = re.compile(
    rf"[ \u00a0]((?:aula|matsal|entré|entrén|reception|receptionen|foajé|foajén|lokaler|gymnastiksal|gympasal"
    rf"|skolgård|parkering|parkeringen|[{_LOW}]*(?:{_PLACE_SUFFIX}|{_STREET_SUFFIX}))){_END}"
)
_NOT_NAMES = frozenset("Vi Du Ni Den Det De Alla Välkommen Tack Ring Läs Kom Boka Obs Nu Här Där Från Till".split()) | NOT_DISTRICTS

_PLACE_HINTS = tuple(
    sorted({h.lower().replace("\\", "") for h in (_STREET_SUFFIX + "|" + _PLACE_SUFFIX + "|" + _EN_PLACE_SUFFIX).split("|")})
)
_RX_HINT = re.compile("|".join(re.escape(h) for h in _PLACE_HINTS))


def _number_pattern(name: str, number: str) -> re.Pattern[str]:
    number = normalise(number).replace(" ", "")
    return re.compile(
        r"(?<!\w)" + r"\s?".join(re.escape(w) for w in normalise(name).split(" "))
        + r"\s?" + re.escape(number[:-1]) + (r"\s?" + re.escape(number[-1]) if number[-1].isalpha() else re.escape(number[-1]))
        + r"(?!\d)"
    )


def _common_noun(text: str, start: int, word: str, suffix: str, modified: bool) -> bool:
    """A single generic word at a sentence start, not written as a name elsewhere in the post."""
    if modified or " " in word:
        return False
    if lower_elsewhere(text, word):
        return True
    if not sentence_initial(text, start):
        return False
    return is_generic(word, suffix) and not capitalised_inside(text, word)


def place_hits(text: str, lang: str | None = None) -> list[Hit]:
    """Streets and named places; a generic noun followed by its name ("Kulturhuset Fyren") only
    in Swedish text (in English, "Marshall Peterson" is a person)."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    if _RX_HINT.search(text.lower()) is None:
        return hits  # every place pattern ends in one of these words

    def add(start: int, end: int, groups: list[tuple[Alt, ...]], surface: str | None = None) -> None:
        taken.append((start, end))
        hits.append(Hit("place", start, end, groups, surface=surface))

    for m in _RX_STREET.finditer(text):
        name, suffix, gen, number = m.group(1), m.group(2), m.group(3), m.group(4)
        if number:
            add(m.start(), m.end(), [(_number_pattern(name, number),)])
            continue
        if suffix and _common_noun(text, m.start(), name, suffix, " " in name):
            continue
        _add_named(text, m.start(), m.end(1), m.end(), name, gen, add)
    for m in _RX_PLACE_SV.finditer(text):
        if overlaps(taken, m.start(1), m.end(1)):
            continue
        word, modifier, suffix, gen = m.group(1), m.group(2), m.group(3), m.group(4)
        after = _RX_NAME_AFTER.match(text, m.end()) if not gen and lang != "en" else None
        if (after and after.group(1) not in _NOT_NAMES and not sentence_initial(text, after.start(1))
                and not overlaps(taken, after.start(1), after.end(1))):
            # "Kulturhuset Fyren": the name says which one
            add(m.start(1), after.end(1), [(inflected(after.group(1)),)])
            continue
        if suffix and _common_noun(text, m.start(1), word, suffix, bool(modifier)):
            continue
        _add_named(text, m.start(1), m.end(1), m.end(), word, gen, add, compound_parts(word, suffix) if suffix else None)
    for m in _RX_PLACE_EN.finditer(text):
        start = m.start(1) if m.group(1) else m.start(2)
        if overlaps(taken, start, m.end()):
            continue
        first = m.group(2).split()[0]
        if first in ("The", "A", "On", "In", "At", "This", "Our", "Den", "Det"):
            continue
        add(start, m.end(), [(literal(text[start : m.end()]),)])
    return hits


def _add_named(text: str, start: int, name_end: int, end: int, name: str, gen: str | None,
               add: Callable[..., None], parts: re.Pattern[str] | None = None) -> None:
    """A named place, in the genitive with the noun it qualifies ("Grönkullaskolans aula");
    ``parts``: the compound written apart ("Grönkulla skola"), found on a page too."""
    groups: list[tuple[Alt, ...]] = [(inflected(name),) if parts is None else (inflected(name), parts)]
    if gen:
        head = _RX_HEAD_AFTER.match(text, end)
        if head:
            add(start, head.end(1), groups, text[start : head.end(1)])
            return
        add(start, end, groups)
        return
    add(start, name_end, groups)
