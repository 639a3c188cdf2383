"""Key facts of a post (Swedish first, English second) and their presence in a web item.

A *key fact* is something a resident acts on: a date or deadline, a clock time, a
place, an amount, a phone number, an e-mail or web address. ``extract_facts`` finds
them in a post and keeps each one *as the post wrote it* (``Fact.surface``, e.g.
``"kl. 8–16"``) together with normalised keys; ``missing_facts`` checks them against
a page. A fact is present when every one of its ``groups`` is satisfied by the page,
a group being satisfied by any of its alternatives: a normalised key the page also
yields (``md:03-12`` for "12 mars", "2026-03-12", "12/3", "March 12"…), or a
pattern found in the page's normalised text (street names, e-mail addresses, digits
of a phone number written with other separators).

Relative dates ("i morgon", "tisdag", "tomorrow") are resolved against the post's
publication time read in the organisation's time zone (``Europe/Stockholm`` by
default, never the process's TZ) and compared as dates.

One module per kind of fact (``dates``, ``times``, ``places``, ``amounts``, ``contacts``), what
they share in ``base``, and the order they run in and the page check in ``extract``.
"""

from parity.match.facts.base import Fact, PageFacts, normalise
from parity.match.facts.extract import (
    FACT_LABELS_EN,
    FACT_LABELS_SV,
    KIND_GROUP,
    FactCheck,
    check_facts,
    extract_facts,
    fact_present,
    missing_facts,
    page_facts,
)

__all__ = [
    "FACT_LABELS_EN", "FACT_LABELS_SV", "KIND_GROUP", "Fact", "FactCheck", "PageFacts", "check_facts", "extract_facts",
    "fact_present", "missing_facts", "normalise", "page_facts",
]
