"""The Graph API's request vocabulary, for the emulator: field expansion, cursors, time arguments, times.

``fields=attachments{media,url},message`` selects nested fields; paging
cursors are opaque base64 strings; ``since``/``until`` take unix seconds or
dates; Graph writes times as ``2026-03-11T07:30:00+0000``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Any


def graph_time(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def parse_fields(spec: str) -> dict[str, Any]:
    """``a,b{c,d{e}},f`` → ``{"a": {}, "b": {"c": {}, "d": {"e": {}}}, "f": {}}``; modifiers like ``.limit(5)`` dropped."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    skip = 0
    for char in spec:
        if skip:
            skip += char == "("
            skip -= char == ")"
            continue
        if char == "(":
            skip = 1
        elif char == "{":
            node: dict[str, Any] = {}
            stack[-1][name.strip().split(".")[0]] = node
            stack.append(node)
            name = ""
        elif char in ",}":
            if name.strip():
                stack[-1].setdefault(name.strip().split(".")[0], {})
            name = ""
            if char == "}" and len(stack) > 1:
                stack.pop()
        else:
            name += char
    if name.strip():
        stack[-1].setdefault(name.strip().split(".")[0], {})
    return tree


def select(obj: dict[str, Any], tree: dict[str, Any]) -> dict[str, Any]:
    """Graph field selection: only requested fields (``id`` always), nested edges and objects too."""
    out: dict[str, Any] = {}
    if "id" in obj:
        out["id"] = obj["id"]
    for name, sub in tree.items():
        if name not in obj or obj[name] is None:
            continue
        value = obj[name]
        if sub and isinstance(value, dict) and isinstance(value.get("data"), list):
            value = {**value, "data": [select(v, sub) for v in value["data"]]}
        elif sub and isinstance(value, dict):
            value = select(value, sub)
        out[name] = value
    return out


def cursor(index: int, salt: str) -> str:
    """An opaque cursor like Graph's (``QVFI…``) that still encodes the item index."""
    raw = f"{salt}:{index}".encode()
    return base64.urlsafe_b64encode(b"QVFI" + hashlib.sha1(raw).digest()[:6] + str(index).encode()).decode().rstrip("=")


def cursor_index(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError):
        return None
    if not raw.startswith(b"QVFI") or len(raw) < 11:
        return None
    try:
        return int(raw[10:].decode())
    except ValueError:
        return None


def time_arg(value: str | None) -> dt.datetime | None:
    """``since``/``until``: unix seconds or an ISO date/time (UTC unless it says otherwise)."""
    if not value:
        return None
    if re.fullmatch(r"-?\d+", value):
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
