"""Times in records: one rule for reading a time that carries no zone, one spelling for writing.

The rule (used by the crawler's page dates, by every record read from JSONL or a store,
and therefore by ``lag_hours`` and ``late``):

* A time of day without a zone ("2026-03-12T08:00:00", "12 mars kl. 8.00") is the audited
  body's local time, Europe/Stockholm: that is the clock its readers and its CMS use.
* A bare date, or a naive midnight ("2026-03-12", "2026-03-12T00:00:00", which is how many
  systems pad a date), is 00:00 UTC of that date — not midnight in Stockholm, which is
  23:00 UTC the day before and would shift every UTC date by one day.

Written times are ISO 8601 UTC with a ``Z`` (../shared/contracts.md, "Records").
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
#: the zone of a time without one (see the module docstring)
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def to_utc(value: dt.datetime | None, default_tz: dt.tzinfo = LOCAL_ZONE) -> dt.datetime | None:
    """Aware UTC. A naive value is read by the module's rule: midnight is a bare date
    (00:00 UTC of that day), any other time of day is local time in ``default_tz``."""
    if value is None:
        return None
    if value.tzinfo is None:
        if value.time() == dt.time(0, 0):
            return value.replace(tzinfo=UTC)
        value = value.replace(tzinfo=default_tz)
    return value.astimezone(UTC)


def format_time(value: dt.datetime | None) -> str | None:
    """ISO 8601 with a ``Z`` suffix, the contract's spelling of UTC."""
    value = to_utc(value)
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def parse_time(value: Any) -> dt.datetime | None:
    """What JSON (or a store) gives for a time field → aware UTC, or None.

    Raises ValueError for text that is not ISO 8601 and for numbers outside the range
    a datetime can hold, so a record reader can name the field.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return to_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"not a time: {value!r} is out of range") from exc
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return to_utc(dt.datetime.fromisoformat(text))
