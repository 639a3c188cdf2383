"""The record format of ../shared/contracts.md ("Records"), as pydantic models.

These models are the only shape in which posts, web items, verdicts and
source statuses travel between the crawler, the store, the matcher and the
reports. Contract fields keep their names and meaning; every model accepts and
keeps extra fields (``extra="allow"``) so later additions never break older
readers, and so a journalist's own export with additional columns survives a
round trip through ``parity match``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from parity.core.sources import WebItemSource
from parity.core.timeutil import format_time, parse_time

PostKind = Literal["post", "reply", "share"]
VerdictKind = Literal["match", "partial", "late", "social_only", "unverifiable", "excluded"]
SourceState = Literal["ok", "partial", "failed", "robots_blocked"]

VERDICT_KINDS: tuple[str, ...] = ("match", "partial", "late", "social_only", "unverifiable", "excluded")
#: Verdicts that count in the parity rate's denominator (../shared/contracts.md, "Records").
RATED_VERDICTS: tuple[str, ...] = ("match", "partial", "late", "social_only")
#: Verdicts whose ``web_id`` must point at a web item.
LINKED_VERDICTS: tuple[str, ...] = ("match", "partial", "late")


class _Record(BaseModel):
    """Common behaviour: extra fields kept, times in and out as ISO 8601 UTC."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON-ready dict written to the ``*.jsonl`` files."""
        return self.model_dump(mode="json", exclude_none=False)


class Media(BaseModel):
    """An attachment of a post; ``alt`` empty or None means no description."""

    model_config = ConfigDict(extra="allow")
    type: str = "image"
    alt: str | None = None
    url: str | None = None


class _Content(_Record):
    """Posts and web items: a text that may arrive as null, and a publication time."""

    @field_validator("published_at", mode="before", check_fields=False)
    @classmethod
    def _parse_time(cls, value: Any) -> dt.datetime | None:
        return parse_time(value)

    @field_serializer("published_at", check_fields=False)
    def _ser_time(self, value: dt.datetime | None) -> str | None:
        return format_time(value)

    @field_validator("text", mode="before", check_fields=False)
    @classmethod
    def _text_str(cls, value: Any) -> Any:
        return "" if value is None else value


class Post(_Content):
    """A social post (posts.jsonl)."""

    id: str
    org: str
    platform: str
    account: str | None = None
    url: str | None = None
    published_at: dt.datetime | None = None
    text: str = ""
    links: list[str] = Field(default_factory=list)
    lang: str | None = None
    kind: PostKind = "post"
    media: list[Media] | None = None

    @field_validator("links", mode="before")
    @classmethod
    def _links_list(cls, value: Any) -> Any:
        return [] if value is None else value


class WebItem(_Content):
    """A written or web item (web.jsonl)."""

    id: str
    org: str
    source: WebItemSource
    url: str | None = None
    title: str | None = None
    text: str = ""
    published_at: dt.datetime | None = None
    lang: str | None = None



class Verdict(_Record):
    """One verdict per post (verdicts.jsonl)."""

    post_id: str
    org: str
    verdict: VerdictKind
    web_id: str | None = None
    web_url: str | None = None
    score: float | None = None
    missing_facts: list[str] = Field(default_factory=list)
    lag_hours: float | None = None
    reason: str = ""


class SourceStatus(_Record):
    """One line per configured source (sources.jsonl)."""

    org: str
    kind: str
    url: str | None = None
    status: SourceState = "ok"
    items: int = 0
    error: str | None = None


def web_item_id(org: str, key: str) -> str:
    """Stable id of a web item from its organisation and canonical URL (or other key).

    Stable across runs so nightly crawls update the same record and history
    can follow an item; short so reports stay readable.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"web:{org}:{digest}"
