"""Text preparation: cleaning of social-media text, language detection, tokenising, stemming.

Swedish is the first language of real content, English the second. Every record is
stemmed with the Snowball stemmer of its own language (record ``lang`` when given,
otherwise detected with py3langid restricted to a short list, otherwise the
organisation's dominant language).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import (
    STOPWORDS_DANISH,
    STOPWORDS_EN_PLUS,
    STOPWORDS_FRENCH,
    STOPWORDS_GERMAN,
    STOPWORDS_NORWEGIAN,
    STOPWORDS_SPANISH,
    STOPWORDS_SWEDISH,
)

#: Snowball stemmers by ISO 639-1 code.
_STEMMER_NAMES = {
    "sv": "swedish",
    "en": "english",
    "da": "danish",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "fi": "finnish",
    "de": "german",
    "fr": "french",
    "es": "spanish",
}
_EXTRA_SV = {
    "kommer", "också", "finns", "samt", "the", "ska", "kommer", "får", "även", "idag", "bara",
}
_STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(STOPWORDS_SWEDISH) | frozenset(_EXTRA_SV),
    "en": frozenset(STOPWORDS_EN_PLUS) | frozenset({"s", "t", "via", "amp", "rt"}),
    "da": frozenset(STOPWORDS_DANISH),
    "no": frozenset(STOPWORDS_NORWEGIAN),
    "nb": frozenset(STOPWORDS_NORWEGIAN),
    "nn": frozenset(STOPWORDS_NORWEGIAN),
    "de": frozenset(STOPWORDS_GERMAN),
    "fr": frozenset(STOPWORDS_FRENCH),
    "es": frozenset(STOPWORDS_SPANISH),
}
#: Languages the detector may answer (anything else is folded into the org's default).

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\bt\.co/\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<![\w@])[@.]?@(\w{1,30})")
_HASHTAG_RE = re.compile(r"#(\w+)")
_CAMEL_RE = re.compile(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])|(?<=[A-ZÅÄÖ])(?=[A-ZÅÄÖ][a-zåäö])|(?<=[A-Za-zåäöÅÄÖ])(?=\d)")
# The tail of an embedded tweet: "— Name (@handle) January 6, 2020" (also in other scripts' dashes).
_SIGNATURE_RE = re.compile(
    r"\s*(?:[—–]|--|-)\s*(?P<name>[^()\n]{0,80})\((?P<handle>@\w{1,30})\)\s*"
    r"(?:[A-Za-zåäöÅÄÖ]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-zåäöÅÄÖ]+\.?\s+\d{4}|[A-Za-zåäöÅÄÖ]+\.?)?\s*$"
)
#: what to keep of an embedded tweet's signature: "" (nothing), "name", "name+handle"
SIGNATURE_KEEP = "name"


def strip_signature(text: str, keep: str | None = None) -> str:
    """Rewrite an embedded tweet's signature tail ("— Name (@handle) date").

    The date and dash always go; the author's name stays by default, because posts
    are often *about* their author's claim ("Did Jill Stein endorse Trump?")."""
    keep = SIGNATURE_KEEP if keep is None else keep

    def repl(m: re.Match[str]) -> str:
        if keep == "name":
            return " " + m.group("name").strip()
        if keep == "name+handle":
            return " " + m.group("name").strip() + " " + m.group("handle")
        return ""

    return _SIGNATURE_RE.sub(repl, text)


def _split_camel(word: str) -> str:
    return _CAMEL_RE.sub(" ", word)


def clean_social(text: str) -> str:
    """Social text → plain prose for retrieval.

    Removes URLs and the embedded-tweet signature, turns ``#HashTag`` and
    ``@handle`` into their words ("hash tag"), keeps everything else.
    """
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "(@" in text:
        text = strip_signature(text)
    if "http" in text or "www." in text or "t.co/" in text or "pic.twitter" in text:
        text = _URL_RE.sub(" ", text)
    if "#" in text:
        text = _HASHTAG_RE.sub(lambda m: " " + _split_camel(m.group(1)) + " ", text)
    if "@" in text:
        text = _MENTION_RE.sub(lambda m: " " + _split_camel(m.group(1)).replace("_", " ") + " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=32)
def _stemmer(lang: str):
    name = _STEMMER_NAMES.get(lang)
    return Stemmer.Stemmer(name) if name else None


def stopwords(lang: str | None) -> frozenset[str]:
    return _STOPWORDS.get(lang or "", _STOPWORDS["en"])
