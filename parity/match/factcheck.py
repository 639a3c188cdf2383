"""The key facts of one organisation's posts against its pages: collected once, read by the
comparison features (contradictions, share missing) and by the verdicts (``missing_facts``).

A page's written form includes the documents it links to that were collected (a notice's
PDF, the agenda of a meeting): their text is read with the page's
(:func:`~parity.match.links.linked_documents`), so a post whose facts are all in the PDF a
news page links to is ``match``, not ``partial``.

Page facts are computed once per page for every fact kind any of the organisation's posts
has; that gives each kind the same keys as computing it alone (extractors run in a fixed
priority order, a later kind never removes an earlier one's facts).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from parity.match.facts import KIND_GROUP, Fact, FactCheck, PageFacts, check_facts, extract_facts, page_facts
from parity.match.links import linked_documents
from parity.match.prepare import OrgBatch

DEFAULT_TZ = "Europe/Stockholm"


class FactView:
    """Post facts, page facts and their checks for one organisation, each computed once."""

    def __init__(self, batch: OrgBatch, tz: str = DEFAULT_TZ) -> None:
        self.batch = batch
        self.tz = tz
        self._posts: dict[int, list[Fact]] = {}
        self._pages: dict[int, PageFacts] = {}

    def post_facts(self, i: int) -> list[Fact]:
        """Key facts of post ``i`` as the verdict reports them."""
        facts = self._posts.get(i)
        if facts is None:
            p = self.batch.posts[i]
            facts = extract_facts(p.text or "", p.published_at, self.batch.post_langs[i], self.tz)
            self._posts[i] = facts
        return facts

    @classmethod
    def of(cls, batch: OrgBatch, tz: str = DEFAULT_TZ) -> FactView:
        """The organisation's view, made once and kept on the batch: the comparison features
        and the verdicts read the same facts."""
        view = vars(batch).get("_fact_view")
        if view is None or view.tz != tz:
            view = cls(batch, tz)
            vars(batch)["_fact_view"] = view
        return view

    @cached_property
    def kinds(self) -> frozenset[str]:
        """Every fact kind of the organisation's posts (``town`` when one names a town)."""
        facts = [f for i in range(len(self.batch.posts)) for f in self.post_facts(i)]
        return frozenset(f.kind for f in facts) | ({"town"} if any(f.role == "town" for f in facts) else set())

    @cached_property
    def documents(self) -> dict[int, list[int]]:
        return linked_documents(self.batch.docs)

    def page(self, j: int) -> PageFacts:
        """Facts of page ``j`` with those of the documents it links to."""
        pf = self._pages.get(j)
        if pf is None:
            docs = self.batch.docs
            d = docs[j]
            texts = [f"{docs[k].title}\n{docs[k].body}" for k in self.documents.get(j, ())]
            pf = page_facts(d.title, d.item.text or "", d.item.url, d.appeared, d.lang, self.tz,
                            {KIND_GROUP.get(k, k) for k in self.kinds}, texts, d.item.org)
            self._pages[j] = pf
        return pf

    def check(self, i: int, j: int) -> FactCheck:
        """Post ``i``'s facts on page ``j``: missing and contradicted."""
        facts = self.post_facts(i)
        if not facts:
            return FactCheck(0, (), ())
        return check_facts(facts, self.page(j))


def pair_checks(view: FactView, pair_post: np.ndarray, pair_doc: np.ndarray,
                wanted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate pair: how many of the post's facts the page contradicts, and the share of
    the post's facts it does not carry (0 for posts without facts, and for pairs not
    ``wanted``; pages are read only for posts that have facts)."""
    n = len(pair_post)
    conflicts = np.zeros(n)
    missing = np.zeros(n)
    for k in range(n) if wanted is None else np.flatnonzero(wanted):
        i = int(pair_post[k])
        if not view.post_facts(i):
            continue
        c = view.check(i, int(pair_doc[k]))
        conflicts[k] = len(c.conflicts)
        missing[k] = c.missing_share
    return conflicts, missing
