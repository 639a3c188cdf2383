"""Sources read from files instead of the network: paper registers and social exports.

They run before the crawl starts, in the same process, and write to the same
store. A bad row fails the source with a one-line reason naming file and line;
rows already imported in earlier runs stay in the store.
"""

from __future__ import annotations

import logging

from crawler.exports_import import read_export
from crawler.pages.types import PageError
from crawler.pages.web.register import read_register
from crawler.sources import SourceSpec
from parity.core.jsonl import RecordError
from parity.core.records import SourceStatus, WebItem, web_item_id
from parity.core.surrogates import repair_model
from parity.store import Store

log = logging.getLogger(__name__)


def import_register_source(spec: SourceSpec, store: Store) -> SourceStatus:
    """Rows of what was published on paper become ``register`` web items."""
    try:
        entries = read_register(spec.target)
    except PageError as exc:
        return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed", error=str(exc))
    fixed = 0
    with store.transaction():
        for entry in entries:
            key = entry.id or entry.url or f"register:{entry.channel}:{entry.published_at}:{entry.title}"
            item, n = repair_model(WebItem(
                id=web_item_id(spec.org, f"register:{key}"), org=spec.org, source="register", url=entry.url,
                title=entry.title, text=entry.text or "", published_at=entry.published_at,
                channel=entry.channel, text_origin="page",
            ))
            fixed += n
            store.upsert_web_item(item, source_key=spec.key)
    _repaired(spec, fixed)
    return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="ok", items=len(entries))


def import_file_source(spec: SourceSpec, store: Store) -> SourceStatus:
    """Posts from an export file (formats and column mapping: ``crawler.exports_import``).

    The whole file is checked first; a bad row fails the source with
    ``file:line: field: message`` and nothing is written, so what earlier runs
    stored stays as it was.
    """
    options = spec.options
    try:
        posts, fmt = read_export(
            spec.target, org=spec.org, fmt=getattr(options, "format", "auto") or "auto",
            columns=getattr(options, "columns", None), as_platform=getattr(options, "as_platform", None),
            timezone=getattr(options, "timezone", None),
        )
    except RecordError as exc:  # ExportError and the posts.jsonl lines it reads
        return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="failed", error=str(exc))
    fixed = 0
    with store.transaction():
        for post in posts:
            record, n = repair_model(post.model_copy(update={"org": spec.org}))
            fixed += n
            store.upsert_post(record, source_key=spec.key)
    _repaired(spec, fixed)
    return SourceStatus(org=spec.org, kind=spec.kind, url=spec.target, status="ok", items=len(posts), format=fmt)


def _repaired(spec: SourceSpec, count: int) -> None:
    """Say how many lone surrogates (``"\\ud800"`` in JSON) were replaced by U+FFFD (parity/core/surrogates.py)."""
    if count:
        log.warning("%s: %d invalid character%s (lone surrogates) replaced by U+FFFD", spec.target, count,
                    "s" if count != 1 else "")
