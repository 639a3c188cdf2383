"""Stage 1, prepare: one organisation's records → documents, post texts and languages.

The later stages never look at a raw record again: a web item becomes a :class:`Doc`
(when it appeared, its language, title, body cut to :data:`MAX_DOC_CHARS`), a post
becomes its retrieval text (text + image alt texts, cleaned by
:func:`parity.match.text.clean_social`) and a language. Everything is gathered in an
:class:`OrgBatch`, which the next stages fill in (candidate pairs, features) and which
``benchmarks/match_fit.py`` reads to fit the decision.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from parity.core.lang import detect_lang
from parity.core.lang import normalize_lang as norm_lang
from parity.core.records import Post, WebItem
from parity.core.timeutil import parse_time, to_utc
from parity.match.text import clean_social

MAX_DOC_CHARS = 40_000  # of a page's body: enough for every fact and term that decides a match


@dataclass
class Doc:
    """A web item as the matcher reads it."""

    item: WebItem
    appeared: dt.datetime | None
    lang: str | None
    title: str
    body: str


@dataclass
class OrgBatch:
    """Everything computed for one organisation (also the training interface).

    ``features`` and ``post_features`` are keyed by :class:`parity.match.features.F`."""

    org: str
    posts: list[Post]
    docs: list[Doc]
    post_langs: list[str | None]
    post_texts: list[str]
    # candidate pairs (flattened), grouped by post in increasing post index
    pair_post: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    features: dict[str, np.ndarray] = field(default_factory=dict)
    post_features: dict[str, np.ndarray] = field(default_factory=dict)
    dense_used: bool = False
    rounded: dict[str, list] = field(default_factory=dict)  # evidence values, rounded once


def prepare(org: str, posts: list[Post], web: list[WebItem]) -> OrgBatch:
    """Documents, post texts and languages of one organisation (records in id order)."""
    docs = [to_doc(item) for item in web]
    default_lang = _org_default_lang(docs, posts)
    for d in docs:
        if d.lang is None:
            d.lang = _lang_of(None, d.title + ". " + d.body[:1000], default_lang)
    post_texts = [clean_social(post_text(p)) for p in posts]
    post_langs: list[str | None] = [_lang_of(p.lang, t, default_lang) for p, t in zip(posts, post_texts)]
    return OrgBatch(org=org, posts=posts, docs=docs, post_langs=post_langs, post_texts=post_texts)


def to_doc(item: WebItem) -> Doc:
    return Doc(
        item=item,
        appeared=appeared(item),
        lang=norm_lang(item.lang),
        title=(item.title or "").strip(),
        body=(item.text or "")[:MAX_DOC_CHARS],
    )


def appeared(item: WebItem) -> dt.datetime | None:
    """When the item became readable: ``published_at``, else when the crawler first saw it."""
    if item.published_at is not None:
        return item.published_at if item.published_at.tzinfo is dt.timezone.utc else to_utc(item.published_at)
    extra = getattr(item, "model_extra", None) or {}
    raw = extra.get("first_seen_at")
    try:
        return parse_time(raw)
    except (TypeError, ValueError):
        return None


def post_text(post: Post) -> str:
    """What a reader of the post reads: its text and the descriptions of its images."""
    parts = [post.text or ""]
    for m in post.media or []:
        if m.alt:
            parts.append(m.alt)
    return "\n".join(p for p in parts if p)


_SPECIFIC_RE = re.compile(r"(?<=[^\W\d_])[ \t]+([A-ZÅÄÖÉÜ][^\W\d_]{1,}|\d[\d:.,/-]*)|(\d[\d:.,/-]*)")


def specifics(text: str) -> str:
    """Names and numbers of a text: capitalised words that do not start a sentence, and
    every number ("Storgatan", "Stadsbiblioteket", "Paladino", "12", "500")."""
    out = []
    for m in _SPECIFIC_RE.finditer(text):
        out.append(m.group(1) or m.group(2))
    return " ".join(out)


def _org_default_lang(docs: list[Doc], posts: list[Post]) -> str:
    """The organisation's majority language: of its records' ``lang``, else detected on a
    sample, else Swedish (the first language of the content this tool audits)."""
    votes: Counter[str] = Counter()
    for d in docs:
        if d.lang:
            votes[d.lang] += 1
    for p in posts:
        lang = norm_lang(p.lang)
        if lang:
            votes[lang] += 1
    if not votes:
        sample = [d.title + ". " + d.body[:400] for d in docs[:: max(1, len(docs) // 25)][:25]]
        sample += [p.text for p in posts[:: max(1, len(posts) // 25)][:25]]
        for s in sample:
            lang = detect_lang(s, min_confidence=0.8)
            if lang:
                votes[lang] += 1
    if not votes:
        return "sv"
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _lang_of(record_lang: str | None, text: str, default: str) -> str:
    """The record's language, else a confident detection, else the organisation's."""
    lang = norm_lang(record_lang)
    if lang:
        return lang
    found = detect_lang(text, min_confidence=0.9)
    if found:
        return found
    return default


def timestamps(batch: OrgBatch) -> tuple[np.ndarray, np.ndarray]:
    """POSIX seconds of every post and doc (NaN when unknown), for blocking on time and lags."""
    post_ts = np.array([p.published_at.timestamp() if p.published_at else np.nan for p in batch.posts],
                       dtype=np.float64)  # aware UTC (records validate times)
    doc_ts = np.array([d.appeared.timestamp() if d.appeared else np.nan for d in batch.docs], dtype=np.float64)
    return post_ts, doc_ts
