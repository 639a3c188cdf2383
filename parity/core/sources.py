"""Kinds of sources, and the one rule for "this organisation's web side was not fully collected".

The rule decides between ``social_only`` (an accusation) and ``unverifiable``, so
``parity audit`` and ``parity match --sources`` must apply the same one: an organisation's
web side is incomplete when any of its *web* sources (anything that yields written items:
feeds, sitemaps, lists, notice boards, pages, discovered sites, documents, registers) ended
other than ``ok``. A failed social source loses posts, not written items, so it does not
make the web side incomplete.
"""

from __future__ import annotations

from typing import Iterable, Literal, Protocol, get_args

#: the ``source`` of a web.jsonl record (../shared/contracts.md, "Records")
WebItemSource = Literal["feed", "sitemap", "listing", "notice_board", "document", "page", "register"]
WEB_ITEM_SOURCES: tuple[str, ...] = get_args(WebItemSource)

#: the ``type`` of a ``web = [...]`` source in the config (../shared/contracts.md, "Config"): items' sources,
#: less documents (found through pages, not configured), plus ``site`` (a start URL whose feeds are discovered)
CONFIG_WEB_TYPES: tuple[str, ...] = ("feed", "sitemap", "listing", "notice_board", "page", "site", "register")

#: every ``kind`` a web source can have in sources.jsonl
WEB_SOURCE_KINDS: frozenset[str] = frozenset(WEB_ITEM_SOURCES) | frozenset(CONFIG_WEB_TYPES)


class _Status(Protocol):
    org: str
    kind: str
    status: str


def is_web_kind(kind: str) -> bool:
    return kind in WEB_SOURCE_KINDS


def incomplete_web_orgs(statuses: Iterable[_Status]) -> frozenset[str]:
    """Organisations with a web source that did not end ``ok`` (see the module docstring)."""
    return frozenset(s.org for s in statuses if s.status != "ok" and is_web_kind(s.kind))
