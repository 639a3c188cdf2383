"""Month and weekday names as Swedish public bodies (and their English pages) write them.

One table for the crawler's date parser (page dates such as "tis 12 mars 2026") and the
matcher's key facts (post dates such as "tisdag 12 mars kl. 8–16"): a name read by one and
not by the other would make a fact the page shows look missing.
"""

from __future__ import annotations

#: month name or abbreviation (lower case) → month number 1–12; Swedish first, English where it differs
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("mars", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augusti", "august", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

#: weekday name or abbreviation (lower case) → ``date.weekday()`` (Monday = 0)
WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("måndag", "monday", "mån", "mon"),
            ("tisdag", "tuesday", "tis", "tue"),
            ("onsdag", "wednesday", "ons", "wed"),
            ("torsdag", "thursday", "tors", "tor", "thu"),
            ("fredag", "friday", "fre", "fri"),
            ("lördag", "saturday", "lör", "sat"),
            ("söndag", "sunday", "sön", "sun"),
        ]
    )
    for name in names
}

#: Swedish month names, January first, for writing dates the way Swedish pages do
MONTH_NAMES_SV: tuple[str, ...] = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
#: Swedish weekday names, Monday first (``date.weekday()`` order)
WEEKDAY_NAMES_SV: tuple[str, ...] = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def alternation(names: dict[str, int] | list[str], min_len: int = 1) -> str:
    """A regex alternation of ``names``, longest first so "mars" wins over "mar"."""
    return "|".join(n for n in sorted(names, key=len, reverse=True) if len(n) >= min_len)
