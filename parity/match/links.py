"""Stage 2, links: the strongest evidence — a post that links a page of its own organisation.

A link counts when the post's URL and one of a web item's URLs (its ``url``, or the
``canonical_url`` / ``final_url`` / ``aliases`` / ``urls`` a crawler recorded) are equal
after :func:`parity.core.urls.canonical_url` (tracking parameters dropped, ``www.`` and
scheme folded). ``canonical_url`` costs ~0.2 ms, so a plain-string pre-key
(:func:`url_prekey`) first narrows a post's links to the few items that can be equal.

Only a link to a **specific item** is evidence (:func:`is_specific_link`): a post that links
the organisation's start page or a general section ("/nyheter", "/category/trafik", a path
under which many of the organisation's items live) says where to look, not which page
carries the post; such a link makes no link pair and does not count as "links its own site,
no page collected" either.

Also here, because it is URL equality too: which collected documents a page links to
(:func:`linked_documents`), whose text counts as the page's written form for key facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np
from courlan.filters import is_navigation_page

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


#: a path with at least this many of the organisation's items under it is a section, not an item
SECTION_MIN_ITEMS = 3
#: last path segments that name a start or index page ("/sv", "/index.html", "/default.aspx")
_INDEX_SEGMENTS = frozenset({"index", "default", "home", "start", "startsida", "hem", "sv", "en", "se", "sv-se",
                             "en-gb", "en-us"})


def section_counts(docs: list[Doc]) -> dict[str, int]:
    """How many of the organisation's items (documents excluded) live under each path prefix
    (pre-keys, host included): "kommun.se/nyheter" → 40 means /nyheter is a section."""
    counts: dict[str, int] = defaultdict(int)
    for d in docs:
        if d.item.source == "document":
            continue
        seen: set[str] = set()
        for u in doc_urls(d):
            pk = url_prekey(u)
            if not pk:
                continue
            parts = pk.split("/")
            for i in range(1, len(parts)):
                prefix = "/".join(parts[:i])
                if prefix not in seen:
                    seen.add(prefix)
                    counts[prefix] += 1
    return counts


def is_specific_link(url: str, sections: dict[str, int] | None = None) -> bool:
    """Whether ``url`` points at one item rather than a start page or a section.

    Not specific: no path (the start page), a language root or index file ("/sv",
    "/index.html"), courlan's navigation pages (tag, category, archive, page-N listings), and
    — with ``sections`` from :func:`section_counts` — a path that at least
    :data:`SECTION_MIN_ITEMS` of the organisation's items live under. Why: such a link proves
    nothing about which page carries the post (issue 11 §5: a start-page link got 0.99)."""
    pk = url_prekey(url)
    if not pk:
        return False
    host, _, path = pk.partition("/")
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    last = segments[-1].rsplit(".", 1)[0] if "." in segments[-1] else segments[-1]
    if len(segments) == 1 and last in _INDEX_SEGMENTS:
        return False
    if is_navigation_page("/" + path):
        return False
    return not (sections and sections.get(pk, 0) >= SECTION_MIN_ITEMS)


def linked_documents(docs: list[Doc]) -> dict[int, list[int]]:
    """For each page (index into ``docs``), the documents (``source`` = ``document``) it links
    to: those whose ``linked_from`` is one of the page's URLs — how the crawler records a PDF
    it followed from a page (crawler/spiders/build.py ``document_item``) — and those whose URL
    the page lists under ``document_links`` (a field a crawler may add: a PDF linked from two
    pages is recorded with the first one only)."""
    parents: dict[str, list[int]] = defaultdict(list)
    by_url: dict[str, int] = {}
    for i, d in enumerate(docs):
        if d.item.source != "document":
            continue
        for u in doc_urls(d):
            pk = url_prekey(u)
            if pk:
                by_url.setdefault(pk, i)
        parent = (d.item.__pydantic_extra__ or {}).get("linked_from")
        pk = url_prekey(parent) if isinstance(parent, str) else None
        if pk:
            parents[pk].append(i)
    if not by_url:
        return {}
    out: dict[int, list[int]] = {}
    for j, d in enumerate(docs):
        found = {i for u in doc_urls(d) for i in parents.get(url_prekey(u) or "", ())}
        listed = (d.item.__pydantic_extra__ or {}).get("document_links")
        for link in listed if isinstance(listed, list) else ():
            href = link.get("url") if isinstance(link, dict) else link
            i = by_url.get(url_prekey(href) or "") if isinstance(href, str) else None
            if i is not None:
                found.add(i)
        found.discard(j)
        if found:
            out[j] = sorted(found)
    return out


def link_evidence(posts: list[Post], docs: list[Doc]) -> LinkEvidence:
    """Link pairs of one organisation's posts and documents (see :class:`LinkEvidence`);
    links to a start page or a section (:func:`is_specific_link`) are no evidence."""
    n_posts = len(posts)
    has_link = np.zeros(n_posts)
    own_unmatched = np.zeros(n_posts)
    post_links: list[list[tuple[str, str | None]]] = []
    wanted: set[str] = set()
    sections: dict[str, int] | None = None
    for pi, p in enumerate(posts):
        items = []
        for link in p.links or []:
            pk = url_prekey(link)
            if not pk:
                continue
            if sections is None:
                sections = section_counts(docs)
            if not is_specific_link(link, sections):
                has_link[pi] = 1.0  # a link, but to no item in particular
                continue
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
