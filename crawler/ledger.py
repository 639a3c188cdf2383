"""The crawl ledger's policy: what to plan, when a page is unchanged, what to send conditionally, what to resume.

The rows live in the store (parity/store/ledger.py holds their SQL, docs/ledger.md
their meaning); this module decides. As in Scrapy's HTTP cache, where a policy
object answers "is this fresh?" and a storage object keeps responses, the
spiders and the conditional-GET middleware ask :class:`SourceLedger` and the
module functions here, which talk to the store only through its interface
(``parity.store.CrawlStateStore``). No Scrapy here, so it is unit-tested without
a reactor.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any

from parity.core.records import WebItem
from parity.core.surrogates import repair_text
from parity.core.timeutil import format_time
from parity.store import CrawlStateStore
from parity.store.types import UNFINISHED, CrawlRun, LedgerRow, Outcome, Planned

log = logging.getLogger("crawler.ledger")

#: An interrupted run older than this is not resumed: a new night starts afresh.
RESUME_MAX_AGE = dt.timedelta(hours=24)


@dataclass
class Fetched:
    """A record plus the ledger row it completes: the pipeline stores both in one transaction."""

    record: WebItem
    source_key: str
    url: str
    run_id: str
    outcome: Outcome


# -- runs ---------------------------------------------------------------------------------------

def resume_max_age() -> dt.timedelta:
    """``PARITY_RESUME_MAX_AGE_HOURS`` (default 24)."""
    try:
        return dt.timedelta(hours=float(os.environ["PARITY_RESUME_MAX_AGE_HOURS"]))
    except (KeyError, ValueError):
        return RESUME_MAX_AGE


def should_resume(previous: CrawlRun, now: dt.datetime, max_age: dt.timedelta) -> bool:
    """Resume the previous crawl if it stopped before the end (killed or interrupted) and is recent."""
    return (previous.effective_status in UNFINISHED and previous.started_at is not None
            and now - previous.started_at <= max_age)


def begin_run(store: CrawlStateStore, run_id: str, now: dt.datetime | None = None,
              max_age: dt.timedelta | None = None) -> str | None:
    """Repair damaged crawl state (warnings), register the crawl, resume an interrupted one. Returns its id."""
    for warning in store.repair_crawl_state():
        log.warning("%s", warning)
    clock = now or dt.datetime.now(dt.timezone.utc)
    limit = max_age if max_age is not None else resume_max_age()
    return store.begin_crawl(run_id, clock, lambda previous: should_resume(previous, clock, limit))


# -- conditional GET ------------------------------------------------------------------------------

Validators = tuple[str | None, str | None]


def validators_of(row: LedgerRow | None) -> Validators | None:
    """ETag and Last-Modified worth sending: from an earlier 200, and not for a removed item."""
    if row is None or not row.has_validators or row.removed:
        return None
    return row.etag, row.last_modified


def conditional_headers(validators: Validators | None) -> dict[bytes, bytes]:
    """If-None-Match / If-Modified-Since for stored validators (empty when there are none)."""
    if not validators:
        return {}
    etag, last_modified = validators
    headers = {}
    if etag:
        headers[b"If-None-Match"] = etag.encode("latin-1", "replace")
    if last_modified:
        headers[b"If-Modified-Since"] = last_modified.encode("latin-1", "replace")
    return headers


def jsonable(value: Any) -> Any:
    """A row's context as JSON: times in the contract's spelling, empty values left out, lone
    surrogates (a title from a JSON Feed) replaced so the row can be written (parity/core/surrogates.py)."""
    if isinstance(value, str):
        return repair_text(value)[0]
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


# -- one source in one run --------------------------------------------------------------------------

class SourceLedger:
    """One source's ledger during one run: the decisions a web spider asks for, and its writes.

    ``known`` is a snapshot of the source's rows taken when the spider starts (what
    earlier runs learnt), so deciding costs no query per request.
    """

    def __init__(self, store: CrawlStateStore, source_key: str, run_id: str) -> None:
        self.store = store
        self.source_key = source_key
        self.run_id = run_id
        self._known: dict[str, LedgerRow] | None = None
        self._planned: list[Planned] = []

    @property
    def known(self) -> dict[str, LedgerRow]:
        if self._known is None:
            self._known = {row.url: row for row in self.store.ledger_rows(self.source_key)}
        return self._known

    def row(self, url: str) -> LedgerRow | None:
        """The snapshot's row, else the stored one (a URL first seen in this run)."""
        return self.known.get(url) or self.store.ledger_row(self.source_key, url)

    # -- decisions ---------------------------------------------------------------------------
    def validators(self, url: str) -> Validators | None:
        return validators_of(self.known.get(url))

    def done_in_run(self, url: str) -> LedgerRow | None:
        """The row, if this (resumed) run already completed the URL: it is not requested again."""
        row = self.known.get(url)
        return row if row is not None and row.run_id == self.run_id and row.state == "done" else None

    def unchanged_by_lastmod(self, url: str, lastmod: str) -> bool:
        """Fetched successfully before with this very sitemap ``<lastmod>``, and its item is still there."""
        row = self.known.get(url)
        return row is not None and bool(row.item_id) and not row.removed and row.sitemap_lastmod == lastmod

    def unchanged_body(self, url: str | None, sha256: str) -> bool:
        """A 200 whose body is byte-identical to the one extracted last time."""
        row = self.known.get(url) if url else None
        return bool(row and row.item_id and not row.removed and row.body_sha256 and row.body_sha256 == sha256)

    def replay(self, parent: str, from_sitemap: bool) -> tuple[list[LedgerRow], list[LedgerRow]]:
        """A container answered 304: (children to touch without a request, children to request again).

        Pages listed in an unchanged sitemap keep their lastmod, so they are touched;
        notices without a page are touched; everything else is re-requested conditionally.
        """
        touch, request = [], []
        for row in self.store.ledger_children(self.source_key, parent):
            unchanged = row.state == "done" and bool(row.item_id) and not row.removed
            if row.kind == "notice" or (from_sitemap and row.kind == "page" and unchanged):
                touch.append(row)
            else:
                request.append(row)
        return touch, request

    # -- planning ----------------------------------------------------------------------------
    def plan(self, planned: Planned) -> None:
        """Collect a ``todo`` row; ``flush_plan`` writes the batch before its requests go out."""
        self._planned.append(planned)

    def flush_plan(self) -> None:
        if self._planned:
            batch, self._planned = self._planned, []
            self.store.plan(self.source_key, self.run_id, batch)

    def plan_now(self, planned: Planned) -> None:
        self.store.plan(self.source_key, self.run_id, [planned])

    def pending(self) -> list[LedgerRow]:
        """Rows an interrupted run planned but did not finish (adopted by this run)."""
        return self.store.ledger_pending(self.source_key, self.run_id)

    def orphans(self, limit: int) -> list[LedgerRow]:
        """Rows with an item this run has not seen: re-checked for removal at the end of the crawl."""
        return self.store.ledger_orphans(self.source_key, self.run_id, limit)

    # -- outcomes ----------------------------------------------------------------------------
    def fetched(self, record: WebItem, url: str, outcome: Outcome) -> Fetched:
        return Fetched(record=record, source_key=self.source_key, url=url, run_id=self.run_id, outcome=outcome)

    def done(self, url: str, outcome: Outcome) -> None:
        self.store.mark_done(self.source_key, url, self.run_id, outcome)

    def failed(self, url: str, error: str, http_status: int | None) -> None:
        self.store.mark_failed(self.source_key, url, self.run_id, error, http_status)

    def unchanged(self, url: str, outcome: Outcome) -> bool:
        """A 304 or an identical body: the item is still there. True if the URL had an item."""
        row = self.row(url)
        item_id = row.item_id if row is not None else None
        self.store.confirm_unchanged(self.source_key, url, self.run_id, outcome, item_id)
        return bool(item_id)

    def gone(self, url: str, http_status: int) -> bool:
        """A 404/410: if the URL had produced an item, the item is marked removed (True)."""
        row = self.row(url)
        if row is None or not row.item_id:
            return False
        self.store.confirm_removed(self.source_key, url, self.run_id, http_status, row.item_id)
        return True

    def touch(self, urls: list[str]) -> int:
        """Pages known unchanged without a request; returns how many had an item."""
        return self.store.touch_unchanged(self.source_key, self.run_id, urls)

    def annotate(self, url: str, values: dict[str, Any]) -> None:
        self.store.annotate(self.source_key, url, values)
