"""Audit configs for tests, as TOML text: the one config writer of the test suite.

Tests describe organisations as plain data (``{"id", "name", "web": [...],
"social": [...]}``, each source a dict) and get the contract's config format
back, so no test hand-writes TOML (and its quoting) again; the TOML itself is
written by the product's one writer (``parity/config/write.py``). Crawl settings
default to :data:`FAST_CRAWL`: a test's faults must end in seconds, not minutes.
"""

from __future__ import annotations

from typing import Any, Mapping

from parity.config.write import config_text

#: Fast, bounded crawl settings (a timeout of one second, three retries, short Retry-After waits).
FAST_CRAWL: dict[str, Any] = {
    "delay_seconds": 0,
    "concurrency_per_host": 8,
    "obey_robots": True,
    "autothrottle": False,
    "timeout_seconds": 1.0,
    "retries": 3,
    "max_retry_after_seconds": 5,
    "window_days": 30,
}


def config_toml(orgs: list[dict[str, Any]], *, base: Mapping[str, Any] = FAST_CRAWL, **crawl: Any) -> str:
    """A contract-format config: ``[crawl]`` = ``base`` updated with ``crawl``, then one ``[[org]]`` per org.

    An org's ``name`` defaults to its id; ``web`` and ``social`` are written (empty or not) one source a line.
    """
    return config_text({**base, **crawl}, [{**org, "name": org.get("name", org["id"])} for org in orgs])
