"""Audit configs for tests, as TOML text: the one config writer of the test suite.

Tests describe organisations as plain data (``{"id", "name", "web": [...],
"social": [...]}``, each source a dict) and get the contract's config format
back, so no test hand-writes TOML (and its quoting) again. Crawl settings
default to :data:`FAST_CRAWL`: a test's faults must end in seconds, not minutes.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

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


def toml_value(value: Any) -> str:
    """One TOML value: booleans, numbers, strings (JSON escapes are valid TOML), inline tables, arrays."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def config_toml(orgs: list[dict[str, Any]], *, base: Mapping[str, Any] = FAST_CRAWL, **crawl: Any) -> str:
    """A contract-format config: ``[crawl]`` = ``base`` updated with ``crawl``, then one ``[[org]]`` per org.

    An org's ``name`` defaults to its id; ``web`` and ``social`` are written (empty or not) one source a line.
    """
    settings = {**base, **crawl}
    lines = ["[crawl]"] + [f"{k} = {toml_value(v)}" for k, v in settings.items()]
    for org in orgs:
        lines += ["", "[[org]]", f"id = {toml_value(org['id'])}", f"name = {toml_value(org.get('name', org['id']))}"]
        for group in ("web", "social"):
            lines.append(f"{group} = [")
            lines += [f"  {toml_value(e)}," for e in org.get(group, [])]
            lines.append("]")
    return "\n".join(lines) + "\n"
