"""The stress cases of benchmarks/sv_stress.py, built from a split's posts, pages and truth.

The facts a deletion case removes are found by this module's own small patterns, not by
the engine's extractors: a case must not exist only where the engine already sees a fact,
or a fact kind the engine misses (a place written in two words, a week number) would never
be tested. Patterns (Swedish, as the benchmark's partial facts are: "a clock time, a date,
a street or place, a phone number or an amount"):

* date: ``14 april``, ``8–30 april``, ``23/12``, ``vecka 36``;
* time: ``kl 18``, ``kl. 9–12``, ``10.30–11.30``, ``08:00``;
* phone: ``0480-45 00 00``, ``114 14``; amount: ``250 kr``, ``1 200 kronor``;
* place: a capitalised word inside a sentence after a place preposition (``i``, ``på``,
  ``vid``, ``till``, ``från``, ``utanför``), or ending in a street/place word
  (``-gatan``, ``-vägen``, ``-skolan``, ``-torget``…), with a following lower-case place noun
  (``Lyckeby torg``, ``Höganäs hamn``) taken into the fact.

A page sentence *holds* a fact when it has the fact's numbers as whole numbers (and the
month, for a date) or, for a place, a word starting with the name's first five letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from parity.core.records import Post, WebItem

MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_PLACE_NOUN = (r"torg|torget|hamn|hamnen|park|parken|strand|stranden|kyrka|kyrkan|station|stationen|skola|skolan"
               r"|bibliotek|biblioteket|centrum|gård|gården|sporthall|simhall|ishall|badplats|camping|hus|idrottsplats")
_CAP = "A-ZÅÄÖÉ"
_LOW = "a-zåäöé"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phone", re.compile(r"(?<![\d/])(?:0\d{1,3}[-–]\s?\d{2,3}(?:\s?\d{2,3}){1,3}|\d{3}\s\d{2}(?=\D|$))")),
    ("date", re.compile(rf"(?<!\d)\d{{1,2}}(?:\s?[–-]\s?\d{{1,2}})?\s(?:{MONTHS})\b|(?<![\d/])\d{{1,2}}/\d{{1,2}}(?![\d/])"
                        r"|\bvecka\s\d{1,2}\b", re.IGNORECASE)),
    ("time", re.compile(r"\b(?:kl\.?|klockan)\s?\d{1,2}(?:[.:]\d\d)?(?:\s?[–-]\s?\d{1,2}(?:[.:]\d\d)?)?"
                        r"|(?<![\d.,])\d{1,2}[.:]\d\d(?:\s?[–-]\s?\d{1,2}[.:]\d\d)?(?![\d.,])")),
    ("amount", re.compile(r"(?<![\d,.])\d{1,3}(?:\s\d{3})*\s?(?:kr|kronor|:-)(?!\w)")),
    ("place", re.compile(
        rf"(?:(?<=\b[iI]\s)|(?<=\bpå\s)|(?<=\bvid\s)|(?<=\btill\s)|(?<=\bfrån\s)|(?<=\butanför\s))[{_CAP}][{_LOW}]+"
        rf"(?:\s(?:{_PLACE_NOUN})\b)?"
        rf"|(?<=[{_LOW},]\s)[{_CAP}][{_LOW}]+(?:gatan|vägen|gränd|torget|skolan|parken|badet|hallen|huset|kyrkan)"
        rf"(?:\s\d{{1,3}})?\b"
        rf"|(?<=[{_LOW},]\s)[{_CAP}][{_LOW}]+s\s(?:{_PLACE_NOUN})\b")),
)
_NOT_PLACES = frozenset("Sverige Mina Min Mitt Vår Vårt Våra Din Ditt Dina".split())
_SENT = re.compile(r"(?<=[.!?])\s+(?=[" + _CAP + r"0-9•\-])|\n+")
_NUM = re.compile(r"\d+")


@dataclass(frozen=True)
class DeletionCase:
    """One post whose counterpart page lost every sentence carrying ``fact``."""

    post: Post
    page_id: str
    fact: str
    kind: str
    text: str  # the page text without those sentences


def post_facts(text: str) -> list[tuple[str, str]]:
    """(kind, surface) of each fact in ``text``, earlier patterns first, no overlaps."""
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, str, str]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((m.start(), kind, m.group(0).strip()))
    return [(k, s) for _, k, s in sorted(out)]


def holds(sentence: str, kind: str, fact: str) -> bool:
    """Whether ``sentence`` carries ``fact`` (see the module doc: loose on purpose, so a deletion
    removes every spelling of the fact, never leaves one behind)."""
    low = sentence.lower()
    if kind == "place":
        stem = fact.split()[0].lower()[:5]
        return re.search(rf"(?<!\w){re.escape(stem)}", low) is not None
    if kind == "phone":
        digits = re.sub(r"\D", "", fact)
        return digits in re.sub(r"\D", "", low)
    nums = [int(n) for n in _NUM.findall(fact) if int(n) != 0]
    if not nums or not all(re.search(rf"(?<!\d)0*{n}(?!\d)", low) for n in nums):
        return False
    if kind == "date":
        month = re.search(MONTHS, fact.lower())
        if month:
            return month.group(0) in low or re.search(r"\d/\d", low) is not None
    return True


def _sentences(text: str) -> list[str]:
    parts = _SENT.split(text)
    out: list[str] = []
    for p in parts:
        if out and re.search(r"\b(?:kl|ca|t\.ex|bl\.a|s\.k)\.$", out[-1]):
            out[-1] = out[-1] + " " + p  # "kl. 18" is not a sentence end
        else:
            out.append(p)
    return [s for s in out if s.strip()]


def delete_fact(title: str, text: str, kind: str, fact: str, others: list[tuple[str, str]]) -> str | None:
    """``text`` without the sentences holding ``fact``, or None when the case would not be a clean
    partial: the fact is not on the page, or is in its title, or another fact of the post goes
    with it, or less than half the page is left."""
    sents = _sentences(text)
    if holds(title, kind, fact) or not any(holds(s, kind, fact) for s in sents):
        return None
    kept = [s for s in sents if not holds(s, kind, fact)]
    new = "\n".join(kept)
    if len(new) < len(text) / 2:
        return None
    for k, f in others:
        before = holds(title, k, f) or any(holds(s, k, f) for s in sents)
        if before and not (holds(title, k, f) or any(holds(s, k, f) for s in kept)):
            return None
    return new


#: the sentence an inserted fact is added in, per kind (the benchmark's partial recipe: the post
#: states its page's information plus one concrete fact the page lacks)
TEMPLATES = {"date": "Gäller från {}.", "time": "Vi finns på plats {}.", "phone": "Frågor? Ring {}.",
             "amount": "Avgiften är {}.", "place": "Samling vid {}."}


@dataclass(frozen=True)
class InsertionCase:
    """A ``match`` post with one fact of another page added: its page lacks ``fact``."""

    post: Post
    page_id: str
    fact: str
    kind: str


def insertion_cases(posts: list[Post], web: list[WebItem], truth: list[dict]) -> Iterator[InsertionCase]:
    """Per ``match`` post and fact kind, one fact found on *another* page of the split, absent from
    this post's page and post, added in :data:`TEMPLATES`' sentence (chosen by a fixed rule: the
    n-th such fact, n from the post's position, so a run is repeatable)."""
    by_post = {p.id: p for p in posts}
    by_web = {w.id: w for w in web}
    pool: dict[str, list[str]] = {}
    for w in web:
        for kind, fact in post_facts(w.text or ""):
            if kind == "place" and (fact in _NOT_PLACES or (" " not in fact and fact.endswith("s"))):
                continue  # "i Sveriges …", "på Mina sidor": a genitive or a possessive, not a place
            if fact not in pool.setdefault(kind, []):
                pool[kind].append(fact)
    for n, t in enumerate(truth):
        if t["verdict"] != "match" or t["post_id"] not in by_post or t.get("web_id") not in by_web:
            continue
        post, page = by_post[t["post_id"]], by_web[t["web_id"]]
        here = f"{page.title}\n{page.text}"
        for kind in sorted(pool):
            facts = [f for f in pool[kind] if not holds(here, kind, f) and not holds(post.text or "", kind, f)]
            if not facts:
                continue
            fact = facts[(7 * n) % len(facts)]
            text = f"{(post.text or '').rstrip()} {TEMPLATES[kind].format(fact)}"
            yield InsertionCase(post.model_copy(update={"id": f"{post.id}+{kind}", "text": text}), page.id, fact, kind)


_ONES = "noll en två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton sjutton arton nitton".split()
_TENS = {20: "tjugo", 30: "trettio", 40: "fyrtio", 50: "femtio"}


def number_word(n: int) -> str:
    """A Swedish cardinal in words, 0–59 ("fjorton", "tjugotre")."""
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens * 10] + (_ONES[ones] if ones else "")


#: other spellings a page may give the same fact in: (name, pattern, replacement)
SPELLINGS: tuple[tuple[str, re.Pattern[str], object], ...] = (
    ("week in words", re.compile(r"\b([Vv]ecka)\s(\d{1,2})(?:(\s?(?:och|till|-|–)\s?)(\d{1,2}))?\b"),
     lambda m: f"{m.group(1)} {number_word(int(m.group(2)))}"
               + (f"{m.group(3)}{number_word(int(m.group(4)))}" if m.group(4) else "")),
    ("klockan", re.compile(r"\bkl\.?\s?(?=\d)"), "klockan "),
    ("hh:mm", re.compile(r"(?<![\d.,])(\d{1,2})\.(\d\d)(?![\d.,])"), r"\1:\2"),
    ("spaced dash", re.compile(r"(?<=\d)\s?[–-]\s?(?=\d)"), " - "),
    ("kronor", re.compile(r"(?<=\d)\s?kr\b\.?"), " kronor"),
    ("ordinal day", re.compile(rf"(?<![\d/])([12]?[12])\s(?=(?:{MONTHS})\b)"), r"\1:a "),
)


@dataclass(frozen=True)
class SpellingCase:
    """A ``match`` post whose page writes some of its facts in another spelling (``rule``)."""

    post: Post
    page_id: str
    rule: str
    text: str


def _match_pairs(posts: list[Post], web: list[WebItem], truth: list[dict]) -> Iterator[tuple[Post, WebItem]]:
    """(post, its page) of every ``match`` label whose post and page are both in the split, in label order."""
    by_post = {p.id: p for p in posts}
    by_web = {w.id: w for w in web}
    for t in truth:
        if t["verdict"] == "match" and t["post_id"] in by_post and t.get("web_id") in by_web:
            yield by_post[t["post_id"]], by_web[t["web_id"]]


def spelling_cases(posts: list[Post], web: list[WebItem], truth: list[dict]) -> Iterator[SpellingCase]:
    """Per ``match`` post and spelling rule that changes its page where the page holds a fact of
    the post: the page with that rule applied. The verdict must stay ``match`` (no false partial)."""
    for post, page in _match_pairs(posts, web, truth):
        facts = post_facts(post.text or "")
        text = page.text or ""
        sents = _sentences(text)
        for rule, rx, repl in SPELLINGS:
            held = [s for s in sents if any(holds(s, k, f) for k, f in facts) and rx.search(s)]
            if not held:
                continue
            new = text
            for s in held:
                new = new.replace(s, rx.sub(repl, s))  # type: ignore[arg-type]
            if new != text:
                yield SpellingCase(post, page.id, rule, new)


def removal_cases(posts: list[Post], truth: list[dict]) -> Iterator[tuple[str, list[Post]]]:
    """(page id, the linked posts whose counterpart it is), in page-id order."""
    by_post = {p.id: p for p in posts}
    groups: dict[str, list[Post]] = {}
    for t in truth:
        if t["verdict"] in ("match", "partial", "late") and t.get("web_id") and t["post_id"] in by_post:
            groups.setdefault(t["web_id"], []).append(by_post[t["post_id"]])
    yield from sorted(groups.items())


def deletion_cases(posts: list[Post], web: list[WebItem], truth: list[dict]) -> Iterator[DeletionCase]:
    """One case per (``match`` post, fact of the post that can be deleted cleanly from its page)."""
    for post, page in _match_pairs(posts, web, truth):
        facts = post_facts(post.text or "")
        for i, (kind, fact) in enumerate(facts):
            new = delete_fact(page.title or "", page.text or "", kind, fact, facts[:i] + facts[i + 1 :])
            if new is not None:
                yield DeletionCase(post, page.id, fact, kind, new)
