"""Swedish word forms the place facts need: a name in any inflection, where a sentence starts,
and which capitalised words are common nouns rather than names.

Why: Swedish inflects names. "Ekbackens skolbad" is Ekbacken in the genitive,
"Stadsbiblioteket"/"stadsbiblioteket"/"Stadsbibliotekets" are one place, and "Grönkullaskolans
aula" is in Grönkullaskolan. A fact written in one form is on the page when the page has any
form of the same name. And a capital letter marks a name only inside a sentence: at the
start of one, "Badhuset", "Simskolan" or "Lekplatsen" are common nouns ("the swimming
hall"), while "Grönkullaskolan" or "Stenviksbadet" are names whatever their position.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Pattern

from parity.match.facts.base import normalise

_LETTERS = "a-zåäöéü"

#: definite and plural endings, longest first; a name ending in one is also written without it
_DEFINITE = ("arna", "erna", "orna", "na", "en", "et", "an", "n", "t")


@lru_cache(maxsize=8192)
def inflected(name: str) -> Pattern[str]:
    """A pattern for ``name`` in any inflection of its last word, on word boundaries and in
    the page's normalised text: definite/indefinite ("Stadsbiblioteket" ~ "stadsbibliotek"),
    genitive ("Ekbackens"), case folded. The stem keeps at least four letters so a short
    word does not turn into a prefix of everything."""
    words = normalise(name.strip(" .,;:!?")).split(" ")
    last = words[-1]
    if len(last) > 1 and last.endswith("s") and not last.endswith("ss"):
        base = last[:-1]
        if genitive_base(last) == base:
            last = base
    stems = {last}
    for end in _DEFINITE:
        if last.endswith(end) and len(last) - len(end) >= 4:
            stems.add(last[: -len(end)])
            break
    if last.endswith("a") and len(last) > 4:  # skola → skolan; gata → gatan
        stems.add(last[:-1])
    stems_alt = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    head = r"\s?".join(re.escape(w) for w in words[:-1])
    body = (head + r"\s?" if head else "") + rf"(?:{stems_alt})(?:a|e|en|et|an|n|t|na|er|ar|or)?s?"
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


def _stem(word: str) -> str:
    """``word`` without a definite ending, keeping at least four letters."""
    for end in _DEFINITE:
        if word.endswith(end) and len(word) - len(end) >= 4:
            return word[: -len(end)]
    return word


def _generic_stem(suffix: str) -> str:
    """The place word without its definite ending: skolan → skol, badet → bad, huset → hus."""
    for end in ("an", "en", "et"):
        if suffix.endswith(end) and len(suffix) - 2 >= 3:
            return suffix[:-2]
    return suffix[:-1] if suffix.endswith(("n", "t")) and len(suffix) > 4 else suffix


@lru_cache(maxsize=4096)
def compound_parts(word: str, suffix: str) -> Pattern[str] | None:
    """A compound place name written apart: "Ekbacksskolan" is on a page that says "Ekbackens
    skola" or "skolan i Ekbacken", "Grönkullaskolan" on one that says "Grönkulla skola". The
    specific part (linking -s and definite ending dropped, four letters at least) and the
    generic part (its stem) within three words of each other, in either order."""
    low = word.lower()
    if not low.endswith(suffix) or len(low) == len(suffix):
        return None
    specific = low[: -len(suffix)].rstrip("-")
    if specific.endswith("s") and len(specific) > 5:
        specific = specific[:-1]
    specific = _stem(specific)
    generic = _generic_stem(suffix)
    if len(specific) < 4 or len(generic) < 3:
        return None
    a, b = re.escape(specific), re.escape(generic)
    gap = r"[^\w]+(?:[\w-]+[^\w]+){0,2}"
    return re.compile(rf"(?<![\w-]){a}[{_LETTERS}]*{gap}{b}[{_LETTERS}]*|(?<![\w-]){b}[{_LETTERS}]*{gap}{a}[{_LETTERS}]*(?![\w-])")


def genitive_base(word: str) -> str | None:
    """``word`` without a genitive -s when it has one that Swedish would write ("Ekbackens" →
    "Ekbacken", "Tingsryds" → "Tingsryd"), else None ("Borås", "Kramfors" end in s anyway:
    their genitive is written the same)."""
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "xs", "zs")):
        return None
    return word[:-1]


_SENTENCE_END = ".!?:;…\n"


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins a sentence: nothing before it but space, emoji,
    quotes or dashes back to the text's start, a newline or a sentence-ending mark."""
    j = start - 1
    while j >= 0:
        ch = text[j]
        if ch in _SENTENCE_END:
            return True
        if ch.isspace():
            j -= 1
            continue
        cat = unicodedata.category(ch)
        if ch != "," and (cat.startswith("S") or cat in ("Pd", "Pi", "Pf", "Ps", "Po", "Cf", "Mn")):
            j -= 1
            continue
        return False
    return True


#: first elements of Swedish compounds that name a *kind* of place, not one place:
#: "Simhallen", "Badhuset", "Lekplatsen", "Förskolan", "Kulturhuset" are common nouns
GENERIC_FIRST = frozenset("""
sim bad lek kultur för fritid fritids idrott idrotts sport is ishall musik konst dans teater bio stad stads
kommun råd grund gymnasie hög mellan låg sjuk vård tand folk medborgar kontakt samling samlings aktivitet
aktivitets allaktivitets ungdom ungdoms åter återvinning återvinnings återbruk återbruks miljö arbet arbets
familj familje tennis bowling padel fotboll fotbolls motion motions frilufts natur skol sommar vinter
utomhus inomhus kyrk församling församlings förvaltning förvaltnings bibliotek biblioteks central buss tåg
rese vatten vattenverk avlopp avlopps reningsverk värme hälso barn äldre öppna camping hamn gäst station
stations marknad parkering parkerings skate
""".split())
#: the same for streets, which are nearly always names ("Storgatan", "Torggatan"): only these are not
GENERIC_STREET_FIRST = frozenset("cykel gång gc bil infart infarts genomfart genomfarts om gen sido grus".split())
_STREET_WORDS = ("gatan", "vägen", "gränden", "gränd", "leden", "gata", "väg", "stigen", "stig")
#: a whole word that is a generic noun with no first element ("Skolan", "Torget", "Badet")
_MIN_NAME_PREFIX = 3


def is_generic(word: str, suffix: str) -> bool:
    """Whether ``word`` (ending in the place word ``suffix``) is a common noun: no first
    element, or a first element from :data:`GENERIC_FIRST` (with or without the linking -s)."""
    low = word.lower()
    prefix = low[: len(low) - len(suffix)] if low.endswith(suffix) else low
    prefix = prefix.rstrip("-")
    if len(prefix) < _MIN_NAME_PREFIX:
        return True
    generic = GENERIC_STREET_FIRST if suffix in _STREET_WORDS else GENERIC_FIRST
    return prefix in generic or (prefix.endswith("s") and prefix[:-1] in generic)


def lower_elsewhere(text: str, word: str) -> bool:
    """``word`` also occurs in lower case in ``text`` (then it is a common noun here too)."""
    return re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text) is not None


def capitalised_inside(text: str, word: str) -> bool:
    """``word`` also occurs capitalised inside a sentence of ``text`` (then the author writes
    it as a name)."""
    for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
        if not sentence_initial(text, m.start()):
            return True
    return False


def ascii_fold(text: str) -> str:
    """Lower case without diacritics, as hosts write Swedish names ("Strömsund" → "stromsund")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
