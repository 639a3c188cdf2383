"""Scraped text made safe to *show*: invisible controls made visible, endless strings clipped.

jinja2's autoescape makes a post harmless as markup; this module handles what escaping
cannot. A post or page title is written by a third party, and a published report is
evidence, so:

* **bidi controls** (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) would reorder the text a
  reader sees ("gnp.exe" shown as "exe.png") and leak into the text around them. They are
  replaced by a visible ``[U+202E]``; every scraped string is also set in an element with
  ``unicode-bidi: isolate`` (the template's ``.u`` class), so right-to-left text that is
  legitimately there cannot reorder its neighbours;
* **other control characters** (C0 except tab and newline, DEL, C1 — an ESC starts a
  terminal sequence) are made visible the same way;
* **length**: a 200,000-character post would make the page unusable; the shown text is
  clipped at :data:`SHOWN_CHARS` with the number of characters left out, and the full text
  stays in verdicts.jsonl / posts.jsonl.

Zero-width joiners and variation selectors are left alone: emoji sequences need them.
"""

from __future__ import annotations

import re

#: Unicode bidirectional formatting characters (UAX #9): marks, embeddings, overrides, isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
#: characters of one scraped text shown in the report (the rest is in the JSONL files)
SHOWN_CHARS = 4000


def visible_controls(text: str) -> str:
    """Every bidi control and control character replaced by ``[U+XXXX]`` (tab, newline, CR kept)."""
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def clip(text: str, limit: int = SHOWN_CHARS) -> tuple[str, int]:
    """``text`` cut at ``limit`` characters, and how many characters were left out (0: none)."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


def shown(value: object, limit: int = SHOWN_CHARS) -> tuple[str, int]:
    """A scraped value as the report shows it: controls visible, clipped; and the count left out."""
    text = "" if value is None else str(value)
    cut, left_out = clip(text, limit)
    return visible_controls(cut), left_out


def safe_href(url: str | None) -> str:
    """Only http(s) links become clickable; a scraped ``javascript:`` or ``data:`` URL becomes ``#``."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return visible_controls(url.strip())
    return "#"
