"""Language of a text, and language tags as records and feeds spell them.

One detector for the crawler (a page's or feed item's ``lang`` when the source does not
say) and the matcher (which stemmer reads a record without ``lang``). Its candidates are
the languages a Swedish public body publishes in — Swedish, English, the national minority
languages and the largest immigrant languages. Leaving Norwegian and Danish out is
deliberate: unrestricted, the classifier calls short Swedish texts Norwegian or Danish.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: candidate languages of :func:`detect_lang` (ISO 639-1)
LANGUAGES: tuple[str, ...] = (
    "sv", "en", "fi", "ar", "so", "fa", "ku", "tr", "pl", "bs",
    "hr", "sr", "ru", "uk", "es", "de", "fr", "se", "et", "zh",
)
#: below this many letters (or three words) a text is too short to tell
MIN_LETTERS = 20
#: the classifier reads at most this many characters of the whitespace-normalised text ...
SAMPLE_CHARS = 5000
#: ... taken from a head of the raw text long enough to hold them, most of the time
_SAMPLE_HEAD = 4 * SAMPLE_CHARS
#: default confidence below which the answer is None
MIN_CONFIDENCE = 0.5


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([lang for lang in LANGUAGES if lang in ident.labels])
    return ident


def load_detector() -> None:
    """Read the classifier's model now (about 2 s, several under load) rather than inside the first
    :func:`detect_lang` call: a document worker loads it before it says it is ready, so the cost is not
    charged to its first document's time budget (which it once exceeded: a 20-page PDF in a fresh worker
    was stopped as ``document_too_costly`` on a loaded machine)."""
    _identifier()


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def _sample(text: str) -> str:
    # normalising only a head of a long text is enough: the normalised head is a prefix
    # of the normalised whole
    sample = _normalise(text[:_SAMPLE_HEAD])
    if len(sample) < SAMPLE_CHARS and len(text) > _SAMPLE_HEAD:
        sample = _normalise(text)
    return sample[:SAMPLE_CHARS]


def detect_lang(text: str | None, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """ISO 639-1 code of ``text``, or None when it is too short or the classifier is less
    sure than ``min_confidence`` (the matcher asks for more certainty before it lets a
    detection override what the rest of the organisation's records say)."""
    if not text:
        return None
    sample = _sample(text)
    letters = sum(ch.isalpha() for ch in sample)
    if letters < MIN_LETTERS or len(sample.split()) < 3:
        return None
    lang, confidence = _identifier().classify(sample)
    if confidence < min_confidence:
        return None
    return str(lang)


def normalize_lang(value: str | None) -> str | None:
    """``sv-SE`` / ``sv_SE`` / ``SV`` → ``sv``; ``nb``/``nn`` → ``no``; junk or empty → None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if code in ("nb", "nn"):
        return "no"
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
