"""Sitevision ``AppRegistry.registerInitialState('12.x', {...})`` states.

Newer Sitevision apps (news lists, notice boards, file shares, event
showcases) render in the browser; the server only ships their data as the
second argument of ``registerInitialState``. That JSON is often the only
place a news item's date or a notice's "tas ned" date exists in the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crawler.pages.jsobject import JSParseError, parse_js_value

_CALL = re.compile(r"AppRegistry\s*\.\s*registerInitialState\s*\(\s*")
#: Bound on one state; larger ones are skipped rather than parsed.
MAX_STATE_CHARS = 20_000_000


def iter_states(text: str) -> Iterator[tuple[str, Any, int, int]]:
    """``(portlet_id, state, start, end)`` for every call in ``text``; bad ones are skipped."""
    for match in _CALL.finditer(text):
        pos = match.end()
        try:
            portlet, pos = parse_js_value(text, pos)
        except JSParseError:
            continue
        if not isinstance(portlet, str):
            continue
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if not text.startswith(",", pos):
            continue
        try:
            state, end = parse_js_value(text, pos + 1)
        except JSParseError:
            continue
        if end - pos > MAX_STATE_CHARS:
            continue
        yield portlet, state, match.start(), end


def app_registry_states(html: str) -> dict[str, Any]:
    """Portlet id → parsed state, for every ``registerInitialState`` call in the page.

    Parsed as data (JSON, or a JavaScript literal read without evaluation);
    a portlet registered twice keeps its first non-empty state.
    """
    states: dict[str, Any] = {}
    for portlet, state, _start, _end in iter_states(html):
        if portlet not in states or (not states[portlet] and state):
            states[portlet] = state
    return states


def find_lists(state: Any, names: tuple[str, ...], max_depth: int = 4) -> Iterator[tuple[str, list[Any]]]:
    """``(name, list)`` for every list of dicts under one of ``names``, searched a few levels deep.

    Apps nest their data differently (``{"news": [...]}``,
    ``{"data": {"pages": [...]}}``); the names are what identifies the data.
    """

    def walk(node: Any, depth: int) -> Iterator[tuple[str, list[Any]]]:
        if depth > max_depth:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                if key in names and isinstance(value, list) and any(isinstance(v, dict) for v in value):
                    yield key, [v for v in value if isinstance(v, dict)]
                elif isinstance(value, (dict, list)):
                    yield from walk(value, depth + 1)
        elif isinstance(node, list):
            for value in node[:50]:
                if isinstance(value, (dict, list)):
                    yield from walk(value, depth + 1)

    yield from walk(state, 0)


def first(item: dict[str, Any], *keys: str) -> Any:
    """The first present, non-empty value among ``keys``."""
    for key in keys:
        value = item.get(key)
        if value not in (None, "", [], {}):
            return value
    return None
