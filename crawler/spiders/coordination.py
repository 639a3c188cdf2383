"""A web spider's decisions that must be made once per source: URLs claimed, budgets, hosts, boards.

In the single-process crawl one spider instance crawls a source and keeps these in
memory (:class:`LocalCoordination`). In the distributed crawl every worker holds an
instance of the spider and any of them may parse any page of the source; the same
calls then go to Redis (crawler/distributed/coordination.py over
parity/distributed/sourcestate.py), so a URL is planned by one worker, a budget is
spent once, and a notice board's count covers every page whoever read it. The
spiders only ever call this interface, so both modes run the same spider code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from crawler.tracking import SourceTracker

NEW, SEEN, OVER = "new", "seen", "over"


@dataclass(frozen=True)
class Quota:
    """A budget a followed URL counts against: its name, its size, and the tracker note when spent."""

    name: str
    limit: int | None  #: None: count, never refuse
    note: str = ""


class Coordination(Protocol):
    #: True when several workers share the source (some decisions then wait for the others).
    shared: bool

    def admit(self, key: str, token: str, *quotas: Quota | None) -> str:
        """NEW: the caller plans the URL; SEEN: planned already; OVER: a quota is spent (not claimed).

        ``token`` names what led to the URL (its parent): the same parent asking again is
        admitted again (a re-queued parent's children must be planned again). A URL counting
        against several quotas (a child sitemap: the sitemap cap and the page budget) takes
        a unit of each, or of none.
        """

    def claimed(self, key: str) -> bool:
        """Whether the URL was planned in this run (by anyone)."""

    def spent(self, quota: Quota) -> bool:
        """Whether ``quota`` has no unit left."""

    def allow_host(self, host: str) -> None: ...

    def hosts(self) -> set[str]:
        """Hosts added by ``allow_host`` anywhere (the spider's own set holds its local additions)."""

    def board_total(self, root: str, total: int | None) -> int | None:
        """The largest total the board's pages announced so far (``total`` included); None if none did."""

    def board_seen(self, root: str, identities: list[str]) -> int:
        """Record notices read on the board ``root``; how many distinct ones were read in all."""

    def board_truncated(self, root: str) -> None: ...

    def boards(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        """(announced totals, notices read, roots known truncated) of every board."""

    def first(self, flag: str) -> bool:
        """True for exactly one caller per flag (one worker; the first call when not shared)."""

    def done_first(self, flag: str) -> None:
        """The caller that got ``first(flag)`` has finished what it did with it."""

    def first_done(self, flag: str) -> bool:
        """Whether the holder of ``flag`` has finished (or can no longer: its worker died)."""

    def tracker_view(self, own: SourceTracker) -> SourceTracker:
        """The source's tracker as a whole: ``own`` merged with what the other workers counted."""

    def resumable(self, url: str) -> bool:
        """Whether a pending ledger row was adopted from an interrupted run (not planned in this one).

        One spider reads the pending rows before it plans anything; with several workers, a
        late one would also see rows the others planned moments ago.
        """


class LocalCoordination:
    """The single-process crawl: everything in the spider's own memory."""

    shared = False

    def __init__(self) -> None:
        self.claims: dict[str, str] = {}
        self.used: Counter[str] = Counter()
        self.extra_hosts: set[str] = set()
        self.totals: dict[str, int] = {}
        self.seen: dict[str, set[str]] = {}
        self.truncated: set[str] = set()
        self.flags: set[str] = set()

    def admit(self, key: str, token: str, *quotas: Quota | None) -> str:
        if key in self.claims:
            return SEEN  # one spider never needs a parent's children planned twice
        counted = [q for q in quotas if q is not None]
        if any(self.spent(q) for q in counted):
            return OVER
        for quota in counted:
            self.used[quota.name] += 1
        self.claims[key] = token
        return NEW

    def claimed(self, key: str) -> bool:
        return key in self.claims

    def spent(self, quota: Quota) -> bool:
        return quota.limit is not None and self.used[quota.name] >= quota.limit

    def allow_host(self, host: str) -> None:
        self.extra_hosts.add(host)

    def hosts(self) -> set[str]:
        return set(self.extra_hosts)

    def board_total(self, root: str, total: int | None) -> int | None:
        if total is not None:
            self.totals[root] = max(total, self.totals.get(root, 0))
        return self.totals.get(root)

    def board_seen(self, root: str, identities: list[str]) -> int:
        seen = self.seen.setdefault(root, set())
        seen.update(identities)
        return len(seen)

    def board_truncated(self, root: str) -> None:
        self.truncated.add(root)

    def boards(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        return dict(self.totals), {root: len(ids) for root, ids in self.seen.items()}, set(self.truncated)

    def first(self, flag: str) -> bool:
        if flag in self.flags:
            return False
        self.flags.add(flag)
        return True

    def done_first(self, flag: str) -> None:
        return None

    def first_done(self, flag: str) -> bool:
        return True

    def tracker_view(self, own: SourceTracker) -> SourceTracker:
        return own

    def resumable(self, url: str) -> bool:
        return True
