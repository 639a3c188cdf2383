"""Mastodon accounts and statuses: the specs tests write, the JSON the API returns.

The JSON follows what a Mastodon 4.6 server sends to an anonymous client (field
set and order taken from recorded traffic in ``shared/reference/social/mastodon``):
viewer-only fields (``favourited``, ``reblogged``, ``muted``, ``bookmarked``,
``pinned``, ``filtered``) are absent because the crawler never logs in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from parity.demo.mastodon_html import Formatted, Mention, format_status
from parity.demo.timefmt import as_utc, iso_ms_z

#: Fields only a logged-in viewer gets; the emulator serves anonymous clients.
VIEWER_ONLY_STATUS_FIELDS = frozenset({"favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered"})
PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})


def snowflake_id(when: dt.datetime, sequence: int = 0) -> str:
    """A Mastodon-style id: milliseconds since the epoch shifted 16 bits, plus a sequence."""
    millis = int(as_utc(when).timestamp() * 1000)
    return str((millis << 16) + (sequence & 0xFFFF))


def id_sort_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are opaque strings: order by length, then lexically (never cast to int)."""
    return (len(status_id), status_id)


@dataclass(frozen=True)
class MastodonAccountSpec:
    """A local account on the emulated instance."""

    id: str
    username: str
    display_name: str = ""
    note: str = ""
    created_at: dt.datetime = dt.datetime(2022, 11, 7, tzinfo=dt.timezone.utc)
    bot: bool = False
    locked: bool = False
    group: bool = False
    discoverable: bool | None = True
    indexable: bool = True
    fields: tuple[tuple[str, str], ...] = ()
    followers_count: int = 0
    following_count: int = 0


@dataclass(frozen=True)
class MastodonMediaSpec:
    """An attachment; ``description`` None is the common "no alt text" case."""

    description: str | None = None
    type: str = "image"
    id: str | None = None
    width: int = 1200
    height: int = 800
    blurhash: str = "UKO2?U%2Tw=w]~RBVZRi};RPxuwH%3s8tLOtxZ%g"


@dataclass(frozen=True)
class MastodonCardSpec:
    """The link preview the server fetched for the first link of a status."""

    url: str
    title: str
    description: str = ""
    type: str = "link"
    provider_name: str = ""
    language: str | None = "sv"
    image: str | None = None


@dataclass(frozen=True)
class MastodonStatusSpec:
    """A status; a boost is a status with ``reblog_of_id`` and no text of its own."""

    id: str
    account: str
    created_at: dt.datetime
    text: str = ""
    visibility: str = "public"
    language: str | None = "sv"
    in_reply_to_id: str | None = None
    reblog_of_id: str | None = None
    media: tuple[MastodonMediaSpec, ...] = ()
    card: MastodonCardSpec | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    pinned: bool = False
    edited_at: dt.datetime | None = None
    replies_count: int = 0
    reblogs_count: int = 0
    favourites_count: int = 0
    application: str | None = "Web"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _id_path(account_id: str) -> str:
    """``117/020/565/966/271/181``: how Paperclip shards attachment paths by id."""
    padded = account_id.zfill(-(-len(account_id) // 3) * 3)
    return "/".join(padded[i : i + 3] for i in range(0, len(padded), 3))


def _hex(*parts: str) -> str:
    return hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:16]


class MastodonRenderer:
    """Turns specs into API JSON for one request's base URL (the instance's web domain)."""

    def __init__(
        self,
        accounts: dict[str, MastodonAccountSpec],
        statuses: dict[str, MastodonStatusSpec],
        *,
        base_url: str,
        local_domain: str,
    ) -> None:
        self.accounts = accounts
        self.statuses = statuses
        self.base_url = base_url.rstrip("/")
        self.local_domain = local_domain
        self._by_username = {a.username.lower(): a for a in accounts.values()}

    # --- urls ----------------------------------------------------------------------------

    def account_url(self, account: MastodonAccountSpec) -> str:
        return f"{self.base_url}/@{account.username}"

    def account_uri(self, account: MastodonAccountSpec) -> str:
        return f"{self.base_url}/ap/users/{account.id}"

    def status_url(self, status: MastodonStatusSpec) -> str | None:
        if status.reblog_of_id:
            return None
        return f"{self.account_url(self.account_of(status))}/{status.id}"

    def status_uri(self, status: MastodonStatusSpec) -> str:
        uri = f"{self.account_uri(self.account_of(status))}/statuses/{status.id}"
        return f"{uri}/activity" if status.reblog_of_id else uri

    def avatar(self, account: MastodonAccountSpec) -> str:
        return f"{self.base_url}/system/accounts/avatars/{_id_path(account.id)}/original/{_hex(account.id, 'a')}.png"

    def header(self, account: MastodonAccountSpec) -> str:
        return f"{self.base_url}/system/accounts/headers/{_id_path(account.id)}/original/{_hex(account.id, 'h')}.jpg"

    # --- lookups -------------------------------------------------------------------------

    def account_of(self, status: MastodonStatusSpec) -> MastodonAccountSpec:
        return self.by_username(status.account)

    def by_username(self, username: str) -> MastodonAccountSpec:
        account = self._by_username.get(username.lower())
        if account is None:
            raise KeyError(f"unknown Mastodon account {username!r}")
        return account

    def find_username(self, username: str) -> MastodonAccountSpec | None:
        return self._by_username.get(username.lower())

    def _resolve_mention(self, username: str, domain: str | None) -> Mention | None:
        if domain and domain.lower() != self.local_domain.lower():
            return None
        account = self._by_username.get(username.lower())
        if account is None:
            return None
        return Mention(account.id, account.username, account.username, self.account_url(account))

    def format(self, status: MastodonStatusSpec) -> Formatted:
        return format_status(status.text, base_url=self.base_url, resolve_mention=self._resolve_mention)

    # --- entities ------------------------------------------------------------------------

    def account_json(self, account: MastodonAccountSpec) -> dict[str, Any]:
        own = [s for s in self.statuses.values() if s.account.lower() == account.username.lower()]
        last = max((s.created_at for s in own), default=None)
        note = format_status(account.note, base_url=self.base_url).html if account.note else ""
        fields = [{"name": name, "value": value, "verified_at": None} for name, value in account.fields]
        return {
            "id": account.id,
            "username": account.username,
            "acct": account.username,
            "display_name": account.display_name,
            "locked": account.locked,
            "bot": account.bot,
            "discoverable": account.discoverable,
            "indexable": account.indexable,
            "group": account.group,
            "created_at": iso_ms_z(account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
            "note": note,
            "url": self.account_url(account),
            "uri": self.account_uri(account),
            "avatar": self.avatar(account),
            "avatar_static": self.avatar(account),
            "avatar_description": "",
            "header": self.header(account),
            "header_static": self.header(account),
            "header_description": "",
            "followers_count": account.followers_count,
            "following_count": account.following_count,
            "statuses_count": len(own),
            "last_status_at": as_utc(last).date().isoformat() if last else None,
            "hide_collections": False,
            "show_media": True,
            "show_media_replies": True,
            "show_featured": True,
            "noindex": False,
            "feature_approval": {"automatic": [], "manual": [], "current_user": "missing"},
            "emojis": [],
            "roles": [],
            "fields": fields,
        }

    def media_json(self, status: MastodonStatusSpec, index: int, media: MastodonMediaSpec) -> dict[str, Any]:
        if media.id:
            media_id = media.id
        elif status.id.isdigit():
            media_id = str(int(status.id) + index + 1)
        else:
            media_id = f"{status.id}{index}"
        shard = _id_path(media_id)
        name = _hex(status.id, str(index))
        ext = {"image": "jpg", "gifv": "mp4", "video": "mp4", "audio": "mp3"}.get(media.type, "bin")
        small_w = 640
        small_h = max(1, round(media.height * small_w / media.width))
        return {
            "id": media_id,
            "type": media.type,
            "url": f"{self.base_url}/system/media_attachments/files/{shard}/original/{name}.{ext}",
            "preview_url": f"{self.base_url}/system/media_attachments/files/{shard}/small/{name}.jpg",
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {
                "original": {"width": media.width, "height": media.height,
                             "size": f"{media.width}x{media.height}", "aspect": media.width / media.height},
                "small": {"width": small_w, "height": small_h,
                          "size": f"{small_w}x{small_h}", "aspect": small_w / small_h},
            },
            "description": media.description,
            "blurhash": media.blurhash,
        }

    @staticmethod
    def card_json(card: MastodonCardSpec) -> dict[str, Any]:
        return {
            "url": card.url,
            "title": card.title,
            "description": card.description,
            "language": card.language,
            "type": card.type,
            "author_name": "",
            "author_url": "",
            "provider_name": card.provider_name,
            "provider_url": "",
            "html": "",
            "width": 400 if card.image else 0,
            "height": 210 if card.image else 0,
            "image": card.image,
            "image_description": "",
            "embed_url": "",
            "blurhash": None,
            "published_at": None,
            "authors": [],
        }

    def status_json(self, status: MastodonStatusSpec) -> dict[str, Any]:
        account = self.account_of(status)
        reblog = self.statuses.get(status.reblog_of_id) if status.reblog_of_id else None
        formatted = self.format(status) if not reblog else Formatted("", (), (), ())
        parent = self.statuses.get(status.in_reply_to_id) if status.in_reply_to_id else None
        in_reply_to_account_id = self.account_of(parent).id if parent else None
        data: dict[str, Any] = {
            "id": status.id,
            "created_at": iso_ms_z(status.created_at),
            "in_reply_to_id": status.in_reply_to_id,
            "in_reply_to_account_id": in_reply_to_account_id,
            "sensitive": status.sensitive,
            "spoiler_text": status.spoiler_text,
            "visibility": status.visibility,
            "language": None if reblog else status.language,
            "uri": self.status_uri(status),
            "url": self.status_url(status),
            "replies_count": status.replies_count,
            "reblogs_count": status.reblogs_count,
            "favourites_count": status.favourites_count,
            "quotes_count": 0,
            "edited_at": iso_ms_z(status.edited_at) if status.edited_at else None,
            "content": formatted.html,
            "reblog": self.status_json(reblog) if reblog else None,
            "application": {"name": status.application, "website": None} if status.application and not reblog else None,
            "account": self.account_json(account),
            "media_attachments": [] if reblog else [self.media_json(status, i, m) for i, m in enumerate(status.media)],
            "mentions": [
                {"id": m.id, "username": m.username, "url": m.url, "acct": m.acct} for m in formatted.mentions
            ],
            "tags": [{"name": t.lower(), "url": f"{self.base_url}/tags/{quote(t.lower())}"} for t in formatted.tags],
            "emojis": [],
            "tagged_collections": [],
            "quote": None,
            "card": self.card_json(status.card) if status.card and not reblog else None,
            "poll": None,
            "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "unknown"},
        }
        if data["application"] is None:
            del data["application"]
        data.update(status.extra)
        return data
