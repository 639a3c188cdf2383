"""Requests in the shared queue as JSON: scrapy-redis's ``SCHEDULER_SERIALIZER`` (a module with loads/dumps).

scrapy-redis stores requests with pickle by default; unpickling runs code, so anyone who
can write to the Redis could run code in every worker. JSON cannot: a request is
``Request.to_dict()`` (callbacks by *name*, resolved on the spider when read back) with
the few non-JSON values tagged: bytes (headers, body) as base64, mappings with bytes keys
(headers), datetimes as ISO 8601 (a feed entry's date in ``meta``), tuples (stored validators). Anything else in a
request is refused when it is queued (``TypeError``), never silently turned into text.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

_TAG = "__parity__"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_TAG: "b", "v": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {_TAG: "dt", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {_TAG: "t", "v": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        if all(isinstance(k, bytes) for k in value):  # headers: {b"Accept": [b"…"]}
            return {_TAG: "bd", "v": [[_encode(k), _encode(v)] for k, v in value.items()]}
        raise TypeError(f"cannot queue a mapping with keys {sorted(map(repr, value))[:3]} in a shared request")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in a shared request (JSON only)")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        tag = value.get(_TAG)
        if tag == "b":
            return base64.b64decode(value["v"])
        if tag == "dt":
            return dt.datetime.fromisoformat(value["v"])
        if tag == "t":
            return tuple(_decode(v) for v in value["v"])
        if tag == "bd":
            return {_decode(k): _decode(v) for k, v in value["v"]}
        return {k: _decode(v) for k, v in value.items()}
    return value


def dumps(obj: dict[str, Any]) -> bytes:
    """A request dict (``Request.to_dict``) as compact JSON bytes, keys sorted (one request, one text)."""
    return json.dumps(_encode(obj), separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    decoded = _decode(json.loads(data))
    if not isinstance(decoded, dict):
        raise ValueError("a queued request must be a JSON object")
    return decoded
