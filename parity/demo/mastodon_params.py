"""What Mastodon's Rails controllers do with request parameters, for the emulator.

``limit=abc`` is 0, ``exclude_replies=off`` is false and ``min_id`` walks
forward: a crawler that assumes otherwise pages wrongly, so the emulator
parses parameters the way Rails and ``paginate_by_id`` do.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from parity.demo.mastodon_entities import MastodonStatusSpec, id_sort_key
from parity.demo.ratelimit import Quota

DEFAULT_STATUSES_LIMIT = 20
_FALSE_VALUES = frozenset({"0", "f", "F", "false", "FALSE", "off", "OFF"})
_TO_I = re.compile(r"^\s*([+-]?\d+)")


def active_model_boolean(value: str | None) -> bool | None:
    """``ActiveModel::Type::Boolean``: blank is nil, a fixed set is false, anything else true."""
    if value is None or value == "":
        return None
    return value not in _FALSE_VALUES


def ruby_to_i(value: str | None) -> int:
    """``String#to_i``: the leading integer, or 0."""
    if value is None:
        return 0
    match = _TO_I.match(value)
    return int(match.group(1)) if match else 0


def limit_param(raw: str | None, default: int = DEFAULT_STATUSES_LIMIT) -> int:
    """``Api::BaseController#limit_param``: default when absent, else ``min(|to_i|, 2 * default)``."""
    if raw is None:
        return default
    return min(abs(ruby_to_i(raw)), default * 2)


def iso_reset(quota: Quota) -> str:
    """``X-RateLimit-Reset``: ISO 8601 with microseconds, seconds on the window boundary."""
    return dt.datetime.fromtimestamp(quota.reset_at, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_query(params: dict[str, str]) -> str:
    """Rails ``Hash#to_query``: keys sorted, CGI-escaped."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(params.items()))


def paginate(
    statuses: list[MastodonStatusSpec],
    *,
    limit: int,
    max_id: str | None,
    since_id: str | None,
    min_id: str | None,
) -> list[MastodonStatusSpec]:
    """``paginate_by_id``: newest first; ``min_id`` walks forward from just above it."""
    ordered = sorted(statuses, key=lambda s: id_sort_key(s.id), reverse=True)
    if max_id:
        ordered = [s for s in ordered if id_sort_key(s.id) < id_sort_key(max_id)]
    if min_id:
        ascending = [s for s in reversed(ordered) if id_sort_key(s.id) > id_sort_key(min_id)]
        return list(reversed(ascending[:limit]))
    if since_id:
        ordered = [s for s in ordered if id_sort_key(s.id) > id_sort_key(since_id)]
    return ordered[:limit]
