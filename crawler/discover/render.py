"""The config block ``parity discover`` prints: TOML that ``parity check-config`` accepts.

The format is the contract's (../shared/contracts.md, "Config"); the values are written by the
config's one TOML writer (parity/config/write.py).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from crawler.discover.readers import Found, Home, fold
from parity.config.write import toml_string, toml_value


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
    return value if value and value[0].isalnum() else f"org-{value}".strip("-")


def render_toml(start_url: str, home: Home | None, found: list[Found], org_id: str | None = None,
                name: str | None = None, notes: list[str] | None = None) -> str:
    """The config block (../shared/contracts.md, "Config") that ``parity check-config`` accepts."""
    host = urlsplit(start_url).hostname or "site"
    display = name or (home.site_name if home else None) or host
    ident = org_id or slug(display if name or (home and home.site_name) else host.removeprefix("www."))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    lines = [f"# Discovered by `parity discover {start_url}` on {stamp}; review before use."]
    if home is not None:
        lines.append(f"# CMS: {home.cms}.")
    lines += [f"# {note}" for note in notes or []]
    lines += ["[[org]]", f"id = {toml_string(ident)}", f"name = {toml_string(display)}", "web = ["]
    sources = found or [Found("site", start_url, "nothing specific found: the crawl discovers at run time")]
    for item in sources:
        table = {"type": item.type, "url": item.url, **item.options}
        comment = item.note
        if item.blocked == "robots":
            comment = "robots.txt disallows this URL: the audit reports it as robots_blocked" + (
                f"; {comment}" if comment else "")
        lines.append(f"  {toml_value(table)}," + (f"  # {comment}" if comment else ""))
    lines += ["]", "social = []", ""]
    return "\n".join(lines)
