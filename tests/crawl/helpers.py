"""Crawl the demo world in a subprocess (never Scrapy's reactor inside pytest) and read the store."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from parity.demo import DemoWorld
from tests.support.config import config_toml
from tests.support.run import Run, run_crawl

ORG = "sjobacka-kommun"
#: The crawl tests' settings: the product's defaults (timeouts, retries) but no politeness delay.
CRAWL: dict[str, Any] = {"delay_seconds": 0, "concurrency_per_host": 4}


def web_config(sources: list[dict[str, Any]], **crawl: Any) -> str:
    """A config of one org (:data:`ORG`) with web sources only; ``crawl`` overrides :data:`CRAWL`."""
    return config_toml([{"id": ORG, "web": sources}], base=CRAWL, **crawl)


def source(kind: str, url: str, **options: Any) -> dict[str, Any]:
    """One web source of ``web_config``: ``{ type = kind, url = url, options… }``."""
    return {"type": kind, "url": url, **options}


def crawl(tmp: Path, config: str, run_id: str, store: str = "store.sqlite", timeout: float = 120) -> Run:
    """Write ``config`` to ``tmp/config.toml`` and crawl it into ``tmp/store`` to the end; it must exit 0."""
    path = tmp / "config.toml"
    path.write_text(config, encoding="utf-8")
    result = run_crawl("--config", path, "--store", tmp / store, "--run-id", run_id, timeout=timeout)
    assert result.code == 0, result.stderr[-4000:]
    return result


def hits(world: DemoWorld, clear: bool = True) -> list[tuple[int, str]]:
    """(status, path with query) of every web request since the last call."""
    entries = [(e.status, e.target) for e in world.access_log.entries if e.server == "web"]
    if clear:
        world.access_log.clear()
    return entries


def statuses(entries: list[tuple[int, str]]) -> Counter[int]:
    return Counter(status for status, _target in entries)


class Store:
    """Read-only look at the crawl's SQLite store."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)

    def close(self) -> None:
        self.db.close()

    def items(self) -> dict[str, dict[str, Any]]:
        out = {}
        for record, first_seen, last_seen, removed in self.db.execute(
                "SELECT record, first_seen_at, last_seen_at, removed_at FROM web_items"):
            data = json.loads(record)
            data.update(first_seen_at=first_seen, last_seen_at=last_seen, removed_at=removed)
            out[data["url"]] = data
        return out

    def sources(self, run_id: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT kind, url, status, items, error, detail FROM sources WHERE run_id=?", (run_id,))
        return {f"{kind}:{url}": {"kind": kind, "url": url, "status": status, "items": items, "error": error,
                                  "detail": json.loads(detail) if detail else {}}
                for kind, url, status, items, error, detail in rows}

    def ledger(self, run_id: str | None = None) -> list[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM crawl_ledger" + (" WHERE run_id=?" if run_id else ""),
                              (run_id,) if run_id else ())
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]
