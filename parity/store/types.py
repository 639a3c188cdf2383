"""The values that cross the store interface for crawl state: ledger rows, plans, outcomes, runs.

They are plain dataclasses with no database in them, so the crawl policy
(``crawler/ledger.py``), the SQLite back end and any later back end share one
definition. Field meanings: docs/ledger.md.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

#: The states of a ledger row within a run (docs/ledger.md, "States of a row within a run").
STATES = ("todo", "doing", "done", "failed")
#: Rows whose children live in the ledger: a 304 on them replays the children.
CONTAINER_KINDS = frozenset({"entry", "sitemap", "list"})
#: Rows that stand for one web item.
ITEM_KINDS = frozenset({"page", "document", "notice"})
#: Crawl statuses a run may have; the first two mean "stopped before the end".
UNFINISHED = ("running", "interrupted")

LEDGER_COLUMNS = ("source_key", "url", "kind", "parent", "state", "run_id", "attempts", "http_status", "etag",
                  "last_modified", "sitemap_lastmod", "item_id", "body_sha256", "context", "first_seen_at",
                  "updated_at", "error")


def context_of(value: Any) -> dict[str, Any] | None:
    """A stored context as a dict; None when it is not a JSON object (damage, see parity/store/repair.py)."""
    if value is None or value == "":
        return {}
    if not isinstance(value, str):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row: what we know about one URL of one source."""

    source_key: str
    url: str
    kind: str
    parent: str | None
    state: str
    run_id: str
    attempts: int
    http_status: int | None
    etag: str | None
    last_modified: str | None
    sitemap_lastmod: str | None
    item_id: str | None
    body_sha256: str | None
    context: dict[str, Any]
    first_seen_at: str
    updated_at: str
    error: str | None

    @classmethod
    def from_values(cls, values: tuple[Any, ...]) -> "LedgerRow":
        """From a result row in ``LEDGER_COLUMNS`` order (an unreadable context reads as empty)."""
        data = dict(zip(LEDGER_COLUMNS, values))
        data["context"] = context_of(data["context"]) or {}
        return cls(**data)

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)

    @property
    def removed(self) -> bool:
        """A 404/410 on a URL that had produced an item: the item is marked removed."""
        return self.error == "removed"


@dataclass(frozen=True)
class Planned:
    """A URL a spider is about to request (or account for): becomes a ``todo`` row."""

    url: str
    kind: str
    parent: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a successful fetch leaves in the row (validators of the 200, the body's hash).

    ``http_status`` 304 (or None) means "unchanged": stored validators and hash are kept.
    """

    http_status: int | None = 200
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    sitemap_lastmod: str | None = None
    error: str | None = None

    @property
    def unchanged(self) -> bool:
        return self.http_status in (304, None)


@dataclass(frozen=True)
class CrawlRun:
    """A run as the crawl sees it in the run registry (the ``runs`` table)."""

    run_id: str
    started_at: dt.datetime | None  # None: not a readable time (such a run is never resumed)
    crawl_status: str | None  # running | finished | interrupted | resumed; None: no crawl in this run
    status: str  # the run as a whole (the CLI's view): running | finished | interrupted | failed
    resumed_from: str | None = None

    @property
    def effective_status(self) -> str | None:
        """The crawl's status, corrected by what the CLI knows.

        The crawl process says ``running`` forever after a SIGKILL; the CLI may know
        better (``interrupted`` after Ctrl-C, or still ``running`` when it was killed
        while matching). Either saying unfinished makes the run unfinished.
        """
        if self.crawl_status == "finished" and self.status in UNFINISHED:
            return "interrupted"
        return self.crawl_status
