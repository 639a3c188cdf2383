"""What a run collected, read back from the store: posts in the window, live web items, source lines.

The crawl process writes into the store; everything after it (matching, reports, the
files of ``parity crawl``) works on this one snapshot, so the audit and the crawl-only
command export the same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.config import LoadedConfig
from parity.core.jsonl import write_records
from parity.core.records import Post, SourceStatus, WebItem
from parity.core.sources import incomplete_web_orgs
from parity.store import Store


@dataclass
class Collected:
    """What an audit works on, read back from the store for this run."""

    posts: list[Post]
    web: list[WebItem]
    sources: list[SourceStatus]
    incomplete_orgs: frozenset[str] = field(default_factory=frozenset)


def collect_from_store(store: Store, loaded: LoadedConfig, run_id: str, now: dt.datetime,
                       orgs: list[str] | None = None) -> Collected:
    """Posts in the audit window, live web items and this run's source lines, for the selected orgs."""
    org_ids = [o.id for o in loaded.config.org if not orgs or o.id in orgs]
    since = now - dt.timedelta(days=loaded.config.crawl.window_days)
    posts = store.posts(org_ids, since=since)
    web = store.web_items(org_ids)
    sources = [_with_access(status, detail) for _, status, detail in store.sources(run_id)]
    return Collected(posts=posts, web=web, sources=sources, incomplete_orgs=incomplete_web_orgs(sources))


def _with_access(status: SourceStatus, detail: dict[str, Any]) -> SourceStatus:
    """A social source's access path (``api``, ``rss``, ``webfinger+api``…) as an extra sources.jsonl field."""
    access = (detail or {}).get("access")
    return status.model_copy(update={"access": access}) if access else status


def export_crawl(folder: Path, collected: Collected) -> None:
    """The files of ``parity crawl``: posts.jsonl, web.jsonl, sources.jsonl."""
    folder.mkdir(parents=True, exist_ok=True)
    write_records(folder / "posts.jsonl", collected.posts)
    write_records(folder / "web.jsonl", collected.web)
    write_records(folder / "sources.jsonl", collected.sources)
