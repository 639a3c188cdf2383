"""Deadlines a page gives in other words, and deadline times.

Why: a deadline the page gives differently ("Sista dagen för att svara är den 29 oktober",
"Sista dag inför sommarlovet är 30 april" — sv-municipal dev-41's own wording) was read as a
plain date, so the rule "another deadline on the page is another occasion" (facts/conflicts.py)
never fired; and a clock time after "senast" ("ställ ut kärlet senast kl 06.00", dev's "ställ ut
allt senast kl 07") was no deadline at all, so last year's page with "senast kl. 6.30" looked
like the counterpart with the time missing (a ``partial``). Phrasings in the style of municipal
posts and pages, not copied from any benchmark split.
"""

from __future__ import annotations

import pytest

from parity.match.facts import check_facts, extract_facts, page_facts


def check(post: str, page: str):
    return check_facts(extract_facts(post, None, "sv"), page_facts("", page, None, None, "sv"))


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.role) for f in extract_facts(text, None, "sv")]


@pytest.mark.parametrize("page", [
    "Sista dagen för att svara är den 29 oktober om du svarar på papper.",
    "Sista dag att lämna synpunkter är 29 oktober.",
    "Sista ansökningsdag är den 29 oktober.",
])
def test_another_deadline_in_other_words_is_a_contradiction(page: str) -> None:
    c = check("Svara på enkäten om stadsplaneringen senast 30 november!", page)
    assert c.conflicts == ("senast 30 november",), c


def test_the_same_deadline_in_other_words_is_present() -> None:
    c = check("Föreningar kan söka bidrag. Sista dag inför sommarlovet är 30 april.",
              "Ansökan om bidrag för lovaktiviteter ska vara inne senast 30 april.")
    assert c.missing == () and c.conflicts == ()
    assert kinds("Sista dag inför sommarlovet är 30 april.") == [("deadline", "")]


def test_a_time_after_senast_is_a_deadline() -> None:
    assert kinds("Ställ ut kärlet senast kl 06.00 på hämtningsdagen.") == [("time", "deadline")]
    assert kinds("Vi hämtar kl 06.00 på hämtningsdagen.") == [("time", "")]


def test_another_deadline_time_is_a_contradiction_not_a_missing_detail() -> None:
    post = "Julveckan: ställ ut kärlet senast kl 06.00 dagen före din vanliga hämtdag."
    c = check(post, "Sophämtning i jul. Ställ fram kärlet senast kl. 6.30 den 21 december.")
    assert c.missing == ("kl 06.00",) and c.conflicts == ("kl 06.00",)
    c = check(post, "Ställ fram kärlet senast klockan 06.00 dagen före ordinarie hämtning.")
    assert c.missing == () and c.conflicts == ()


def test_a_page_without_a_deadline_time_only_misses_it() -> None:
    c = check("Julveckan: ställ ut kärlet senast kl 06.00 dagen före din vanliga hämtdag.",
              "Sophämtning i jul: vi hämtar en dag tidigare än vanligt, ÅVC har öppet kl 8–13.")
    assert c.missing == ("kl 06.00",) and c.conflicts == ()
