"""Reading a site's start page and sitemaps for ``parity discover`` and the ``site`` spider (pure; no network).

Where a Swedish public body publishes in writing, and how it is recognised:

* feeds — ``<link rel=alternate type=application/rss+xml>`` in the start page's ``<head>``
  (Sitevision's portlet RSS URL lives only there);
* sitemaps — ``Sitemap:`` lines of robots.txt, else ``/sitemap.xml``; ``include`` patterns keep
  the news-like sections (``/nyheter/``, ``/driftinformation/``, ``/anslagstavla/`` …);
* news listings — start-page links named "Nyheter", "Aktuellt", "Pressmeddelanden",
  "Driftinformation" …;
* the notice board — links named "Anslagstavla" (Sitevision boards, an embedded Netpublicator
  board, MeetingsPlus' digital bulletin board).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.pages.links import same_site
from crawler.pages.text import fold_accents as fold
from crawler.pages.web.home import Home, home_findings

__all__ = ["Found", "Home", "fold", "follow_prefix", "home_findings", "include_patterns", "sitemap_probes"]

#: Path segments of news-like sections on Swedish public sites (one list: discovery's sitemap ``include``
#: patterns and the ``site`` spider's sitemap filter are both built from it).
NEWS_SECTION_WORDS = ("nyheter|nyhetsarkiv|aktuellt|press|pressmeddelanden|pressrum|driftinformation|driftstorningar|"
                      "storningar|störningar|anslagstavla|anslagstavlan|kungorelser|kungörelser|news|meddelanden")
#: A first path segment that names a news-like section.
NEWS_SECTIONS = re.compile(f"^({NEWS_SECTION_WORDS})$", re.IGNORECASE)
#: A path with a news-like section anywhere in it: what a ``site`` source keeps from a whole-site sitemap.
NEWS_PATH = re.compile(f"/({NEWS_SECTION_WORDS})(/|\\.|$)", re.IGNORECASE)
SITEMAP_PROBES = ("/sitemap.xml", "/sitemapindex.xml", "/sitemap_index.xml")
MAX_CHILD_SITEMAPS = 10


@dataclass
class Found:
    """One verified (or robots-blocked) source for the config block."""

    type: str
    url: str
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    blocked: str | None = None  # "robots" when robots.txt disallows it


def sitemap_probes(start_url: str) -> list[str]:
    root = f"{urlsplit(start_url).scheme}://{urlsplit(start_url).netloc}"
    return [root + path for path in SITEMAP_PROBES]


def include_patterns(urls: list[str]) -> list[str]:
    """``include`` regexes for the news-like sections present among a sitemap's page URLs."""
    sections: Counter[str] = Counter()
    for url in urls:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        for depth, part in enumerate(parts[:-1][:3]):  # /nyheter/x, /sv/nyheter/x, /kommun/anslagstavla/x
            name = re.sub(r"\.(html?|aspx?)$", "", part, flags=re.IGNORECASE)
            if NEWS_SECTIONS.match(fold(name)):
                sections["/" + "/".join(parts[: depth + 1]) + "/"] += 1
                break
    return [f"^{re.escape(prefix)}".replace("\\/", "/") for prefix, _n in sorted(sections.items())]


def follow_prefix(list_url: str, entry_urls: list[str]) -> str | None:
    """The ``follow`` path prefix shared by a list's entries (None if they share none)."""
    paths = [urlsplit(u).path for u in entry_urls if same_site(u, list_url)]
    if not paths:
        return None
    common = posixpath.commonpath(paths) if len(paths) > 1 else posixpath.dirname(paths[0])
    if not common or common == "/":
        return None
    return common.rstrip("/") + "/"
