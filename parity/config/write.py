"""Writing audit configs as TOML: the one writer behind every config the product or the tests generate.

The standard library reads TOML (``tomllib``) but does not write it, and the configs we generate
(``parity demo``'s world, the block ``parity discover`` prints, the tests' configs) need only
scalars, arrays and inline tables — not worth a dependency. Quoting is the part that goes wrong
when each writer does its own, so it is done here once: a JSON string's escapes are all valid in
a TOML basic string, so ``json.dumps`` writes a TOML string (non-ASCII kept as it is).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: A key TOML accepts unquoted.
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_string(text: str) -> str:
    """A TOML basic string: ``"…"`` with JSON's escapes, UTF-8 kept."""
    return json.dumps(text, ensure_ascii=False)


def toml_key(key: str) -> str:
    """A key, bare where TOML allows it, else quoted."""
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """One TOML value: booleans, numbers, inline tables (mappings), arrays (lists, tuples); anything else a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_string(str(value))


def config_text(crawl: Mapping[str, Any], orgs: Iterable[Mapping[str, Any]]) -> str:
    """A config in the contract format: ``[crawl]``, then one ``[[org]]`` per org.

    An org is plain data: ``id``, ``name`` (written when given), ``web`` and ``social`` (lists of
    source tables, written one source a line, also when empty).
    """
    lines = ["[crawl]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in crawl.items()]
    for org in orgs:
        lines += ["", "[[org]]", f"id = {toml_value(org['id'])}"]
        if org.get("name") is not None:
            lines.append(f"name = {toml_value(org['name'])}")
        for group in ("web", "social"):
            lines.append(f"{group} = [")
            lines += [f"  {toml_value(source)}," for source in org.get(group, [])]
            lines.append("]")
    return "\n".join(lines) + "\n"
