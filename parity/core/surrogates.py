"""Lone surrogates: text no UTF-8 writer accepts, repaired to U+FFFD and counted.

JSON may escape half of a surrogate pair (``"\\ud800"``); Python decodes it to a ``str``
that ``json.dumps(..., ensure_ascii=False)``, SQLite and every UTF-8 file refuse
(``UnicodeEncodeError``). One such character in a post or a JSON Feed item used to lose
the record with a traceback and leave the source saying ``ok``. Every reader of outside
JSON (API answers, feeds, JSONL files) and the crawl's item pipeline put text through
:func:`repair` first: the character becomes U+FFFD (visible, so nobody mistakes the text
for intact) and the caller reports how many were replaced. A valid pair (``\\ud83d\\ude00``)
is one character after decoding and is never touched.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
REPLACEMENT = "\ufffd"
_LONE = re.compile("[\ud800-\udfff]")


def repair_text(value: str) -> tuple[str, int]:
    """``value`` with every lone surrogate replaced by U+FFFD, and how many there were."""
    if value.isascii():
        return value, 0
    return _LONE.subn(REPLACEMENT, value)


def repair(data: Any) -> tuple[Any, int]:
    """Strings inside ``data`` (dict keys and values, list items; any depth) repaired in place.

    Returns ``data`` itself (a new object only for a bare string) and the count. Iterative, so
    JSON nested as deep as the decoder allows cannot exhaust the stack here.
    """
    if isinstance(data, str):
        return repair_text(data)
    count = 0
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(value, str):
                    fixed, n = repair_text(value)
                    if n:
                        node[key], count = fixed, count + n
                elif isinstance(value, (dict, list)):
                    stack.append(value)
                if isinstance(key, str):
                    fixed, n = repair_text(key)
                    if n:
                        node[fixed], count = node.pop(key), count + n
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    fixed, n = repair_text(value)
                    if n:
                        node[index], count = fixed, count + n
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return data, count


def repair_model(record: M) -> tuple[M, int]:
    """A record (Post, WebItem…) with its text repaired; the same object when nothing needed it."""
    data, count = repair(record.model_dump())
    return (type(record).model_validate(data) if count else record), count
