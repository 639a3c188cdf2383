"""Text helpers shared by every page object: HTML to text, language, dates.

The matcher compares words, dates and times across a social post and a page,
so the text must keep what a reader sees (paragraphs, list items, table
cells) and lose what they don't (scripts, styles, icons).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

from crawler.pages.dates import STOCKHOLM, find_date_in_text, parse_datetime, to_utc

__all__ = [
    "ASSISTIVE_CLASSES",
    "LANGUAGES",
    "STOCKHOLM",
    "detect_lang",
    "find_date_in_text",
    "html_to_text",
    "label_text",
    "normalize_lang",
    "normalize_space",
    "parse_datetime",
    "to_utc",
]

#: Elements whose content is never shown as text.
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
        "input",
        "textarea",
        "map",
        "math",
    }
)
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "section",
        "article",
        "blockquote",
        "pre",
        "header",
        "footer",
        "main",
        "aside",
        "figure",
        "form",
        "address",
        "nav",
        "fieldset",
        "details",
        "hr",
    }
)
_LINE_TAGS = frozenset(
    {
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "summary",
        "legend",
        "label",
        "time",
    }
)
_CELL_TAGS = frozenset({"td", "th"})


def normalize_space(text: str | None) -> str:
    """Collapse every run of whitespace (incl. NBSP and soft hyphens' neighbours) to one space."""
    if not text:
        return ""
    return " ".join(text.replace("\u00ad", "").split())


#: Classes of text meant for screen readers only ("Pdf, 233.1 kB."): kept in
#: body text, dropped from labels such as link titles.
ASSISTIVE_CLASSES = frozenset(
    {
        "env-assistive-text",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "hidden",
    }
)


def label_text(tag: Tag) -> str:
    """A link's or heading's text as sighted readers see it: no screen-reader-only spans."""

    def hidden(node: NavigableString) -> bool:
        for parent in node.parents:
            if set(parent.get("class") or []) & ASSISTIVE_CLASSES or parent.name in DROP_TAGS:
                return True
            if parent is tag:
                return False
        return False

    parts = [
        str(node)
        for node in tag.descendants
        if isinstance(node, NavigableString) and type(node) is NavigableString and not hidden(node)
    ]
    return normalize_space(" ".join(parts))


def _walk(node: Tag, out: list[Any]) -> None:
    for child in node.children:
        if isinstance(child, Comment) or not isinstance(child, (NavigableString, Tag)):
            continue
        if isinstance(child, NavigableString):
            if type(child) is not NavigableString:  # CData, Doctype, ProcessingInstruction, …
                continue
            out.append(str(child))
            continue
        name = child.name
        if name in DROP_TAGS:
            continue
        if child.get("aria-hidden") == "true" or child.has_attr("hidden"):
            continue
        if name == "br":
            out.append(1)
            continue
        if name == "time":
            # inline in prose ("Publicerad <time>12 mars</time>"): keep it inline
            _walk(child, out)
            continue
        level = 2 if name in _PARAGRAPH_TAGS else 1 if name in _LINE_TAGS else 0
        if level:
            out.append(level)
        elif name in _CELL_TAGS:
            out.append(" \t ")
        _walk(child, out)
        if level:
            out.append(level)


def html_to_text(html: str | Tag | BeautifulSoup | None) -> str:
    """Visible text with paragraph breaks (blank line) and line breaks kept.

    Inline whitespace is collapsed, so markup indentation never reaches the
    matcher; scripts, styles, forms' widgets and ``aria-hidden`` icons are dropped.
    """
    if html is None:
        return ""
    if isinstance(html, str):
        if "<" not in html and "&" not in html:
            return "\n".join(normalize_space(line) for line in html.splitlines() if normalize_space(line))
        root: Tag = BeautifulSoup(html, "lxml")
    else:
        root = html
    parts: list[Any] = []
    if isinstance(root, Tag) and root.name in DROP_TAGS:
        return ""
    _walk(root, parts)
    blocks: list[str] = []
    current: list[str] = []
    pending = 0  # strongest break seen since the last written line

    for part in [*parts, 0]:
        if not isinstance(part, int):
            current.append(part)
            continue
        line = normalize_space("".join(current).replace(" \t ", " "))
        current.clear()
        if line:
            if blocks:
                blocks.append("\n\n" if pending >= 2 else "\n" if pending == 1 else " ")
            blocks.append(line)
            pending = part
        else:
            pending = max(pending, part)
    text = "".join(blocks)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- language -----------------------------------------------------------------

#: Languages a Swedish public body plausibly publishes in. Restricting the
#: classifier keeps short Swedish texts from being called Norwegian or Danish.
LANGUAGES: tuple[str, ...] = (
    "sv",
    "en",
    "fi",
    "ar",
    "so",
    "fa",
    "ku",
    "tr",
    "pl",
    "bs",
    "hr",
    "sr",
    "ru",
    "uk",
    "es",
    "de",
    "fr",
    "se",
    "et",
    "zh",
)
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([lang for lang in LANGUAGES if lang in ident.labels])
    return ident


def detect_lang(text: str | None) -> str | None:
    """ISO 639-1 code of ``text``, or None when it is too short or unclear to say."""
    if not text:
        return None
    sample = normalize_space(text)[:5000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < _MIN_LETTERS or len(sample.split()) < 3:
        return None
    lang, confidence = _identifier().classify(sample)
    if confidence < _MIN_CONFIDENCE:
        return None
    return str(lang)


def normalize_lang(value: str | None) -> str | None:
    """``sv-SE``/``sv_SE``/``SV`` → ``sv``; junk → None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
