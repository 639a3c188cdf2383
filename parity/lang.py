"""Language of a text, restricted to the languages a Swedish public body publishes in.

Unrestricted detectors call short Swedish posts Norwegian or Danish; limiting
the candidates to the languages that occur (Swedish, English, the national
minority languages and the largest immigrant languages) makes short texts
usable for choosing a stemmer.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LANGS = ["sv", "en", "fi", "de", "ar", "so", "fa", "pl", "es", "fr", "no", "da"]
_WORD = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(_LANGS)
    return identifier


def detect_lang(text: str, min_words: int = 3) -> str | None:
    """ISO 639-1 code, or None when the text is too short to tell."""
    if not text or len(_WORD.findall(text)) < min_words:
        return None
    lang, prob = _identifier().classify(text[:2000])
    if lang in ("no", "da"):
        lang = "sv" if prob < 0.99 else lang
    return str(lang)
