"""Posts that are one announcement on several platforms, grouped.

A municipality posts the same water shutoff on Mastodon and Bluesky, worded a little
differently; counted per post it is two gaps, to a reader it is one. The rule
(README "Report", docs/report.md):

two posts are the same announcement when they belong to the same organisation, are
neither excluded (replies, shares, rule matches) nor more than :data:`WINDOW_HOURS`
apart, and

* they link to the same page (canonical URL), or
* they are on different platforms and their texts are near-duplicates: rapidfuzz
  ``token_set_ratio`` ≥ :data:`MIN_SIMILARITY` on the normalised text (lower case, no
  links, mentions, punctuation or emoji).

Groups are closed under the rule (if A~B and B~C, A, B and C are one announcement). On
the demo world the 16 cross-posted pairs score 70–100 and the closest unrelated pair
within the window 58 (measured when the threshold was chosen).

An announcement's verdict is its best post's: ``match`` > ``late`` > ``partial`` >
``unverifiable`` > ``social_only`` — if one platform's post found the page, the
information exists in writing and the other post's gap is the matcher's to explain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from parity.core.records import Post, Verdict
from parity.core.urls import canonical_url

WINDOW_HOURS = 36.0
MIN_SIMILARITY = 65.0
#: best first: the announcement's verdict is the best of its posts'
VERDICT_ORDER = ("match", "late", "partial", "unverifiable", "social_only", "excluded")

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.@-]+")
_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, links and mentions removed, punctuation and emoji turned into spaces."""
    return " ".join(_NON_WORD.sub(" ", _NOISE.sub(" ", text.lower())).replace("_", " ").split())


@dataclass(frozen=True)
class Announcement:
    """Posts of one organisation that carry one announcement."""

    id: str  #: ``a:`` + the id of its earliest post
    org: str
    post_ids: tuple[str, ...]  #: earliest first
    verdict: str  #: the best verdict of its posts
    platforms: tuple[str, ...]


def _links(post: Post) -> set[str]:
    return {c for c in (canonical_url(link) for link in post.links or []) if c}


def group_posts(posts: Sequence[Post], verdicts: Sequence[Verdict]) -> list[Announcement]:
    """Every audited post in exactly one announcement (most are alone), earliest first."""
    verdict_of = {v.post_id: v.verdict for v in verdicts}
    audited = [p for p in posts if p.id in verdict_of]
    audited.sort(key=lambda p: (p.org, p.published_at.timestamp() if p.published_at else 0.0, p.id))
    parent = {p.id: p.id for p in audited}

    def root(post_id: str) -> str:
        while parent[post_id] != post_id:
            parent[post_id] = parent[parent[post_id]]
            post_id = parent[post_id]
        return post_id

    groupable = [p for p in audited if verdict_of[p.id] != "excluded" and p.published_at is not None]
    texts = {p.id: normalise(p.text or "") for p in groupable}
    links = {p.id: _links(p) for p in groupable}
    for i, first in enumerate(groupable):
        for second in groupable[i + 1:]:
            if second.org != first.org:
                break
            assert first.published_at is not None and second.published_at is not None
            if (second.published_at - first.published_at).total_seconds() > WINDOW_HOURS * 3600:
                break
            if same_announcement(first, second, texts, links):
                parent[root(second.id)] = root(first.id)
    members: dict[str, list[Post]] = {}
    for post in audited:
        members.setdefault(root(post.id), []).append(post)
    out = []
    for group in members.values():
        best = min((verdict_of[p.id] for p in group), key=VERDICT_ORDER.index)
        out.append(Announcement(id=f"a:{group[0].id}", org=group[0].org, post_ids=tuple(p.id for p in group),
                                verdict=best, platforms=tuple(dict.fromkeys(p.platform for p in group))))
    return out


def same_announcement(first: Post, second: Post, texts: dict[str, str], links: dict[str, set[str]]) -> bool:
    """The pair rule of the module docstring (time window and organisation checked by the caller)."""
    if links[first.id] & links[second.id]:
        return True
    if first.platform == second.platform or not texts[first.id] or not texts[second.id]:
        return False
    return fuzz.token_set_ratio(texts[first.id], texts[second.id]) >= MIN_SIMILARITY


def announcement_of(announcements: Sequence[Announcement]) -> dict[str, Announcement]:
    """post id → its announcement."""
    return {post_id: a for a in announcements for post_id in a.post_ids}
