"""Stage 2, links: the strongest evidence — a post that links a page of its own organisation.

A link counts when the post's URL and one of a web item's URLs (its ``url``, or the
``canonical_url`` / ``final_url`` / ``aliases`` / ``urls`` a crawler recorded) are equal
after :func:`parity.core.urls.canonical_url` (tracking parameters dropped, ``www.`` and
scheme folded). ``canonical_url`` costs ~0.2 ms, so a plain-string pre-key
(:func:`url_prekey`) first narrows a post's links to the few items that can be equal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np

from parity.core.records import Post
from parity.core.urls import canonical_url
from parity.match.prepare import Doc


@dataclass
class LinkEvidence:
    """(post, doc) index pairs with canonical link equality, sorted; and per post: has a
    link at all, and links its organisation's own site without any collected item matching."""

    pairs: list[tuple[int, int]]
    has_link: np.ndarray
    own_unmatched: np.ndarray


def url_prekey(url: str | None) -> str | None:
    """A cheap key that two URLs with equal :func:`canonical_url` always share.

    Host without ``www.``/port, lower-cased; path percent-decoded, lower-cased, without a
    trailing slash or ``index.html``; query and fragment ignored. ``canonical_url``
    (w3lib, ~0.2 ms) then only runs on the few web items whose pre-key equals a post
    link's. Plain string operations: ~1 µs per URL."""
    if not url:
        return None
    u = url.strip()
    low = u[:8].lower()
    if low.startswith("https://"):
        rest = u[8:]
    elif low.startswith("http://"):
        rest = u[7:]
    elif "://" in u:
        rest = u.split("://", 1)[1]
    else:
        rest = u.lstrip("/")
    for sep in ("?", "#"):
        if sep in rest:
            rest = rest.split(sep, 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower()
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if ":" in host:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    if host.startswith("www."):
        host = host[4:]
    if "%" in path:
        path = unquote(path)
    path = "/" + path.lower()
    for suffix in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return host + path.rstrip("/")


def doc_urls(d: Doc) -> list[str]:
    """Every URL the item is known by: its own and those the crawler recorded (redirects, canonical)."""
    urls = [d.item.url] if d.item.url else []
    extra = d.item.__pydantic_extra__
    if not extra:
        return urls
    for key in ("canonical_url", "final_url", "aliases", "urls"):
        val = extra.get(key)
        for v in val if isinstance(val, list) else [val]:
            if isinstance(v, str) and v:
                urls.append(v)
    return urls


def link_evidence(posts: list[Post], docs: list[Doc]) -> LinkEvidence:
    """Link pairs of one organisation's posts and documents (see :class:`LinkEvidence`)."""
    n_posts = len(posts)
    has_link = np.zeros(n_posts)
    own_unmatched = np.zeros(n_posts)
    post_links: list[list[tuple[str, str | None]]] = []
    wanted: set[str] = set()
    for p in posts:
        items = []
        for link in p.links or []:
            pk = url_prekey(link)
            if pk:
                items.append((link, pk))
                wanted.add(pk)
        post_links.append(items)
    if not wanted:
        return LinkEvidence([], has_link, own_unmatched)
    by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
    hosts: set[str] = set()
    for i, d in enumerate(docs):
        for u in doc_urls(d):
            pk = url_prekey(u)
            if pk is None:
                continue
            hosts.add(pk.split("/", 1)[0])
            if pk in wanted:
                by_key[pk].append((i, u))
    canon_cache: dict[str, str | None] = {}

    def canon(u: str) -> str | None:
        if u not in canon_cache:
            canon_cache[u] = canonical_url(u)
        return canon_cache[u]

    pairs: list[tuple[int, int]] = []
    for pi, items in enumerate(post_links):
        hit = own = False
        for link, pk in items:
            c = canon(link)
            if not c:
                continue
            has_link[pi] = 1.0
            for di, u in by_key.get(pk, ()):
                if canon(u) == c:
                    pairs.append((pi, di))
                    hit = True
            if pk.split("/", 1)[0] in hosts:
                own = True
        if own and not hit:
            own_unmatched[pi] = 1.0
    return LinkEvidence(sorted(set(pairs)), has_link, own_unmatched)
