"""Caps on the sitemaps and feeds a server names: a mixin of crawler.spiders.web.WebSourceSpider.

Kept apart from web.py only for size; the decision itself (``_plan``: claimed, over a quota,
planned) is the web spider's, so the caps hold across the workers of a distributed crawl
exactly as the page budget does (crawler/spiders/coordination.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crawler.spiders.base import log
from crawler.spiders.coordination import OVER, Quota

if TYPE_CHECKING:
    import scrapy

    from crawler.spiders.coordination import Coordination
    from crawler.tracking import SourceTracker


class ContainerCaps:
    """``follow_containers``: requests for named sitemaps and feeds, within their caps."""

    if TYPE_CHECKING:
        coord: Coordination
        settings: Any
        spec: Any
        tracker: SourceTracker
        max_pages: int | None

        def canon(self, url: str) -> str: ...

        def _plan(self, url: str, kind: str, parent: str | None, quotas: tuple[Quota | None, ...],
                  context: dict[str, Any]) -> tuple[str, scrapy.Request | None]: ...

    def follow_containers(self, urls: Iterable[str], parent: str | None, depth: int = 0, kind: str = "entry",
                          **context: Any) -> list[scrapy.Request]:
        """Requests for sitemaps or feeds a server named (an index's children, a start page's feeds).

        A hostile or broken site can name them without end (an index whose children are indexes,
        10,000 feed links): they are capped by depth (``max_sitemap_depth``), by number
        (``max_sitemaps_per_source``) and count against the page budget (``max_pages_per_source``),
        both shared by every worker of a distributed crawl. What is left out is an error row on
        ``parent`` with the reason, so the source is ``partial``.
        """
        urls = list(urls)
        if depth > self.settings.getint("PARITY_MAX_SITEMAP_DEPTH", 3):
            self._containers_refused(parent, "sitemap_depth", urls)
            return []
        if depth:
            context["sitemap_depth"] = depth
        cap = Quota("sitemaps", self.settings.getint("PARITY_MAX_SITEMAPS", 200))
        quotas = (cap, Quota("pages", self.max_pages))
        requests, refused = [], []
        for url in urls:
            if refused:  # quotas only ever shrink: the rest is refused too
                refused.append(url)
                continue
            verdict, request = self._plan(url, kind, parent, quotas, dict(context))
            if verdict == OVER:
                refused.append(url)
            elif request is not None:
                requests.append(request)
        if refused:
            self._containers_refused(parent, "sitemap_cap" if self.coord.spent(cap) else "page_budget", refused)
        return requests

    def _containers_refused(self, parent: str | None, reason: str, urls: list[str]) -> None:
        unseen = [u for u in urls if not self.coord.claimed(self.canon(u))]
        if not unseen:
            return
        self.tracker.notes[f"{reason}_refused"] = int(self.tracker.notes.get(f"{reason}_refused", 0)) + len(unseen)
        self.tracker.failure(parent or unseen[0], reason, False)
        log.warning("%s: %d sitemaps/feeds named by %s not read (%s)", self.spec.key, len(unseen), parent, reason)
