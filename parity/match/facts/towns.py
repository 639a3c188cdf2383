"""Towns, districts and villages: "i Tingsryd", "Grönkullaskolans aula, Alvesta", "Tingsryds
kommun", "på Brynäs", "i Hägerneholm".

Why: in a municipality's announcements the town or village often *is* what identifies the
occasion ("Avloppsinventering i Järvsö", "invånardialog … Alvesta"); a page about the same
kind of matter elsewhere is another occasion, and a page on the same matter that does not
name the village misses a fact. Two rules, both for Swedish text only:

* a **town** is a capitalised word (or two) of the gazetteer (:mod:`.gazetteer`: the 290
  municipalities and GeoNames' localities of ≥ 500 inhabitants), in the genitive too
  ("Tingsryds kommun"); names that are also common words ("Vara", "Kil", "Bro", "Vi") count
  only after a place word ("i Vara") or before "kommun";
* a **district** is a capitalised word inside a sentence right after a place preposition
  ("i", "på", "vid", "utanför", "nära"), unless it is a brand, a country, a month or day, or
  written in capitals (an acronym).

A town is on a page when the page names it in any inflection, or when the page's host or
organisation names it (a municipality's pages need not name their own town).
"""

from __future__ import annotations

import re

from parity.match.facts.base import Hit, overlaps
from parity.match.facts.gazetteer import NAMES
from parity.match.facts.swedish import ascii_fold, genitive_base, inflected, sentence_initial

_CAP = "A-ZÅÄÖÉÜ"
_LOW = "a-zåäöéü"
_WORD = rf"[{_CAP}][{_LOW}]+(?:-[{_CAP}][{_LOW}]+)?"
_RX_CAPS = re.compile(rf"(?<![\w-])({_WORD}(?:[ ]{_WORD})?)(?![\w-])")
_RX_CUE = re.compile(
    rf"(?<![\w-])(?:i|på|vid|utanför|nära|I|På|Vid|Utanför|Nära)[ \u00a0]+({_WORD}(?:[ \u00a0]{_WORD})?)(?![\w-])"
)
_RX_KOMMUN_AFTER = re.compile(r"[ \u00a0]+(?:kommun|stad|tätort)\b", re.IGNORECASE)

#: gazetteer names that are also everyday words, first names or surnames
AMBIGUOUS = frozenset("""
Vi Bara Bor Or Rot Lit Vara Kil Ed Bro Berg Backe Backa Fors Holm Horn Ryd Vika Viken Ås Åsa Göta Tving Roma
Ljung Valla Mark Nora Boden Kista Skruv Brunn Kärna Lagan Tidan Bua Hede Sand Tobo Bie Kode Medle Selja Sylta
Ale Alby Alvik Gustav Boo Hova Arild Husum Duved Vrena Sälen Tofta Torup Lund Enhagen-Ekbacken
""".split())
#: capitalised words after "i"/"på" that are not places
NOT_DISTRICTS = frozenset("""
Facebook Instagram Youtube YouTube Twitter Tiktok TikTok Linkedin LinkedIn Mastodon Bluesky Snapchat Messenger
Google Spotify Swish Teams Zoom Appen Sverige Norden Europa Världen Mina Min Mitt Vår Vårt Våra Din Ditt Dina
Kommunens Kommunen Regionen Region Länsstyrelsen Polisen Skatteverket Försäkringskassan Anslagstavlan
Januari Februari Mars April Maj Juni Juli Augusti September Oktober November December Måndag Tisdag Onsdag
Torsdag Fredag Lördag Söndag Jul Julen Påsk Påsken Midsommar Sommar Hösten Våren Vintern Sommaren
Du Ni Vi De Den Det Dag Morgon Kväll Helgen Tid Hela Alla
""".split())


def town_of(word: str) -> str | None:
    """The gazetteer name ``word`` writes, in the nominative or the genitive, else None."""
    if word in NAMES:
        return word
    base = genitive_base(word)
    if base and base in NAMES:
        return base
    return None


def _town_hits(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _RX_CAPS.finditer(text):
        span = m.group(1)
        words = span.split(" ")
        candidates = [(span, m.start(1), m.end(1))] if len(words) == 2 else []
        candidates.append((words[0], m.start(1), m.start(1) + len(words[0])))
        if len(words) == 2:
            candidates.append((words[1], m.end(1) - len(words[1]), m.end(1)))
        for word, start, end in candidates:
            town = town_of(word)
            if town is None or any(s < end and start < e for s, e, _ in out):
                continue
            cued = _cued(text, start) or _RX_KOMMUN_AFTER.match(text, end) is not None
            if town in AMBIGUOUS and not cued:
                continue
            if not cued and _after_name(text, start):
                continue  # "Lars Berg", "Anna Lund": a person
            out.append((start, end, town))
    return out


def _cued(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start]
    return re.search(r"(?<![\w-])(?:i|på|vid|utanför|nära|från|till|mot|kring|runt)[ \u00a0]+$", before,
                     re.IGNORECASE) is not None


def _after_name(text: str, start: int) -> bool:
    m = re.search(rf"({_WORD})[ \u00a0]+$", text[max(0, start - 30) : start])
    return m is not None and not sentence_initial(text, start - len(m.group(0)))


def town_hits(text: str, lang: str | None) -> list[Hit]:
    """Gazetteer towns of a Swedish post (nothing for English: the gazetteer is Swedish)."""
    if lang == "en":
        return []
    return [Hit("place", start, end, [(inflected(town),)], role="town", surface=town)
            for start, end, town in _town_hits(text)]


def district_hits(text: str, lang: str | None, taken: list[tuple[int, int]]) -> list[Hit]:
    """Capitalised names after a place preposition that no other place rule took (``taken``)."""
    if lang == "en":
        return []
    hits: list[Hit] = []
    for m in _RX_CUE.finditer(text):
        word = m.group(1)
        start, end = m.start(1), m.end(1)
        if word.split()[0] in NOT_DISTRICTS or word.split()[0].isupper():
            continue
        if overlaps(taken, start, end):
            first = word.split()[0]  # "i Stadshuset Vasa": the place rules took the first word
            if " " not in word or overlaps(taken, start + len(first) + 1, end):
                continue
            word, start = word[len(first) + 1 :], start + len(first) + 1
        hits.append(Hit("place", start, end, [(inflected(word),)], role="district"))
    return hits


def page_towns(text: str) -> set[str]:
    """The gazetteer towns a page names (lower case), for contradictions."""
    return {town.lower() for _, _, town in _town_hits(text)}


def implied(town: str, implied_text: str) -> bool:
    """Whether the page's host or organisation (``implied_text``, ascii-folded words) names the
    town: "hejastromsund.se" names Strömsund, "tingsryd-kommun" Tingsryd."""
    folded = ascii_fold(town).replace(" ", "")
    if len(folded) < 4:
        return re.search(rf"(?<![a-z]){re.escape(folded)}(?![a-z])", implied_text) is not None
    return folded in implied_text
