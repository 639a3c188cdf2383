"""Bluesky actors, posts and reposts: specs, identifiers and lexicon views (rich text: ``bluesky_richtext``).

Shapes follow the lexicons (app.bsky.feed.defs, feed.post, richtext.facet,
embed.images / embed.external) and the recorded AppView response in
``shared/reference/social/bluesky``. Facet offsets are UTF-8 *byte* offsets: a
post with ``å`` or an emoji before a link is exactly where a character-offset
parser cuts the URL wrong, so the demo posts are built to contain both.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from parity.demo.bluesky_richtext import detect_facets
from parity.demo.timefmt import as_utc, iso_ms_z

CDN = "https://cdn.bsky.app"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH_FLOOR = 1_600_000_000_000_000  # µs; keeps generated TIDs in the plausible range


# --- identifiers ---------------------------------------------------------------------------


def tid(micros: int, clock_id: int = 0) -> str:
    """A record key in TID form: 53 bits of microseconds, 10 bits of clock id, base32-sortable."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def stable_tid(micros_offset: int, seed: str) -> str:
    """A TID that depends only on a fixed offset and a seed, never on the wall clock."""
    clock_id = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16) & 0x3FF
    return tid(_TID_EPOCH_FLOOR + 100_000_000_000_000 + micros_offset, clock_id)


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def cid_for(payload: Any, *, raw: bool = False) -> str:
    """A CIDv1 (sha2-256) string: ``bafyrei…`` for records, ``bafkrei…`` for raw blobs."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).digest()
    codec = 0x55 if raw else 0x71
    return "b" + _b32(bytes([0x01, codec, 0x12, 0x20]) + digest)


def did_for(handle: str) -> str:
    """A stable ``did:plc:`` for a handle (24 base32 characters, like the real ones)."""
    return "did:plc:" + _b32(hashlib.sha256(handle.lower().encode("utf-8")).digest())[:24]


# --- specs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlueskyActorSpec:
    """An account; ``no_unauthenticated`` is the self-label that hides posts from logged-out viewers."""

    handle: str
    display_name: str = ""
    description: str = ""
    did: str = ""
    created_at: dt.datetime = dt.datetime(2023, 9, 19, 15, 47, 1, 417000, tzinfo=dt.timezone.utc)
    no_unauthenticated: bool = False
    pinned_rkey: str | None = None
    followers_count: int = 0
    follows_count: int = 0

    def __post_init__(self) -> None:
        if not self.did:
            object.__setattr__(self, "did", did_for(self.handle))


@dataclass(frozen=True)
class BlueskyImageSpec:
    """An image; Bluesky stores a missing description as ``alt: ""``."""

    alt: str = ""
    width: int = 1200
    height: int = 800
    mime_type: str = "image/jpeg"
    size: int = 245_113


@dataclass(frozen=True)
class BlueskyExternalSpec:
    """A link card (``app.bsky.embed.external``)."""

    uri: str
    title: str
    description: str = ""
    thumb: bool = True


@dataclass(frozen=True)
class BlueskyPostSpec:
    """A post; ``reply_to`` and repost subjects are ``"handle/rkey"`` references.

    ``hidden`` posts are taken down (dropped while hydrating a feed); ``deleted`` posts
    only exist as reply targets and show up as ``notFoundPost`` in reply context.
    """

    author: str
    rkey: str
    text: str
    created_at: dt.datetime
    facets: tuple[dict[str, Any], ...] | None = None
    langs: tuple[str, ...] | None = ("sv",)
    images: tuple[BlueskyImageSpec, ...] = ()
    external: BlueskyExternalSpec | None = None
    reply_to: str | None = None
    reply_count: int = 0
    repost_count: int = 0
    like_count: int = 0
    quote_count: int = 0
    indexed_delay_ms: int = 412
    hidden: bool = False
    deleted: bool = False
    tags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def ref(self) -> str:
        return f"{self.author}/{self.rkey}"

    @property
    def indexed_at(self) -> dt.datetime:
        return as_utc(self.created_at) + dt.timedelta(milliseconds=self.indexed_delay_ms)


@dataclass(frozen=True)
class BlueskyRepostSpec:
    """A repost record by ``by`` of the post ``subject``."""

    by: str
    rkey: str
    subject: str
    created_at: dt.datetime

    @property
    def indexed_at(self) -> dt.datetime:
        return as_utc(self.created_at) + dt.timedelta(milliseconds=231)


# --- views -----------------------------------------------------------------------------------


class BlueskyRenderer:
    """Lexicon views of the specs, resolving handles, DIDs and references."""

    def __init__(
        self,
        actors: dict[str, BlueskyActorSpec],
        posts: dict[str, BlueskyPostSpec],
        reposts: dict[str, BlueskyRepostSpec],
    ) -> None:
        self.actors = actors
        self.posts = posts
        self.reposts = reposts

    def actor(self, handle: str) -> BlueskyActorSpec:
        return self.actors[handle.lower()]

    def post_uri(self, post: BlueskyPostSpec) -> str:
        return f"at://{self.actor(post.author).did}/app.bsky.feed.post/{post.rkey}"

    def repost_uri(self, repost: BlueskyRepostSpec) -> str:
        return f"at://{self.actor(repost.by).did}/app.bsky.feed.repost/{repost.rkey}"

    def avatar(self, actor: BlueskyActorSpec) -> str:
        return f"{CDN}/img/avatar/plain/{actor.did}/{cid_for(['avatar', actor.did], raw=True)}@jpeg"

    def _image_blob(self, post: BlueskyPostSpec, index: int, image: BlueskyImageSpec) -> dict[str, Any]:
        return {
            "$type": "blob",
            "ref": {"$link": cid_for(["image", post.ref, index], raw=True)},
            "mimeType": image.mime_type,
            "size": image.size,
        }

    def record(self, post: BlueskyPostSpec) -> dict[str, Any]:
        """The stored ``app.bsky.feed.post`` record (keys in dag-cbor order, ``$type`` first)."""
        body: dict[str, Any] = {"createdAt": iso_ms_z(post.created_at)}
        if post.images:
            body["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": image.alt,
                        "aspectRatio": {"height": image.height, "width": image.width},
                        "image": self._image_blob(post, i, image),
                    }
                    for i, image in enumerate(post.images)
                ],
            }
        elif post.external:
            external: dict[str, Any] = {
                "description": post.external.description,
                "title": post.external.title,
                "uri": post.external.uri,
            }
            if post.external.thumb:
                external["thumb"] = {
                    "$type": "blob",
                    "ref": {"$link": cid_for(["thumb", post.ref], raw=True)},
                    "mimeType": "image/jpeg",
                    "size": 48_211,
                }
            body["embed"] = {"$type": "app.bsky.embed.external", "external": dict(sorted(external.items()))}
        facets = post.facets
        if facets is None:
            facets = detect_facets(post.text, self._did_of_handle)
        if facets:
            body["facets"] = [dict(f) for f in facets]
        if post.langs:
            body["langs"] = list(post.langs)
        if post.reply_to:
            parent = self.posts[post.reply_to]
            root = self.thread_root(post)
            body["reply"] = {
                "parent": {"cid": self.post_cid(parent), "uri": self.post_uri(parent)},
                "root": {"cid": self.post_cid(root), "uri": self.post_uri(root)},
            }
        if post.tags:
            body["tags"] = list(post.tags)
        body["text"] = post.text
        body.update(post.extra)
        return {"$type": "app.bsky.feed.post", **dict(sorted(body.items()))}

    def _did_of_handle(self, handle: str) -> str | None:
        actor = self.actors.get(handle.lower())
        return actor.did if actor else None

    def post_cid(self, post: BlueskyPostSpec) -> str:
        return cid_for({"author": post.author, "rkey": post.rkey, "text": post.text,
                        "createdAt": iso_ms_z(post.created_at)})

    def repost_cid(self, repost: BlueskyRepostSpec) -> str:
        return cid_for({"by": repost.by, "rkey": repost.rkey, "subject": repost.subject})

    def thread_root(self, post: BlueskyPostSpec) -> BlueskyPostSpec:
        seen = set()
        current = post
        while current.reply_to and current.reply_to in self.posts and current.ref not in seen:
            seen.add(current.ref)
            current = self.posts[current.reply_to]
        return current

    def profile_basic(self, actor: BlueskyActorSpec) -> dict[str, Any]:
        view: dict[str, Any] = {
            "did": actor.did,
            "handle": actor.handle,
            "displayName": actor.display_name,
            "avatar": self.avatar(actor),
            "viewer": {"muted": False, "blockedBy": False},
            "labels": self.actor_labels(actor),
            "createdAt": iso_ms_z(actor.created_at),
        }
        return view

    def actor_labels(self, actor: BlueskyActorSpec) -> list[dict[str, Any]]:
        if not actor.no_unauthenticated:
            return []
        profile_uri = f"at://{actor.did}/app.bsky.actor.profile/self"
        return [{"src": actor.did, "uri": profile_uri, "cid": cid_for(["profile", actor.did]),
                 "val": "!no-unauthenticated", "cts": iso_ms_z(actor.created_at)}]

    def profile_detailed(self, actor: BlueskyActorSpec) -> dict[str, Any]:
        own = [p for p in self.posts.values() if p.author.lower() == actor.handle.lower()]
        view = self.profile_basic(actor)
        view.update({
            "description": actor.description,
            "banner": f"{CDN}/img/banner/plain/{actor.did}/{cid_for(['banner', actor.did], raw=True)}@jpeg",
            "followersCount": actor.followers_count,
            "followsCount": actor.follows_count,
            "postsCount": len(own),
            "indexedAt": iso_ms_z(actor.created_at),
            "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
        })
        if actor.pinned_rkey and f"{actor.handle.lower()}/{actor.pinned_rkey}" in self.posts:
            pinned = self.posts[f"{actor.handle.lower()}/{actor.pinned_rkey}"]
            view["pinnedPost"] = {"cid": self.post_cid(pinned), "uri": self.post_uri(pinned)}
        return view

    def embed_view(self, post: BlueskyPostSpec) -> dict[str, Any] | None:
        did = self.actor(post.author).did
        if post.images:
            images = []
            for i, image in enumerate(post.images):
                link = self._image_blob(post, i, image)["ref"]["$link"]
                images.append({
                    "thumb": f"{CDN}/img/feed_thumbnail/plain/{did}/{link}@jpeg",
                    "fullsize": f"{CDN}/img/feed_fullsize/plain/{did}/{link}@jpeg",
                    "alt": image.alt,
                    "aspectRatio": {"height": image.height, "width": image.width},
                })
            return {"$type": "app.bsky.embed.images#view", "images": images}
        if post.external:
            external: dict[str, Any] = {
                "uri": post.external.uri,
                "title": post.external.title,
                "description": post.external.description,
            }
            if post.external.thumb:
                link = cid_for(["thumb", post.ref], raw=True)
                external["thumb"] = f"{CDN}/img/feed_thumbnail/plain/{did}/{link}@jpeg"
            return {"$type": "app.bsky.embed.external#view", "external": external}
        return None

    def post_view(self, post: BlueskyPostSpec) -> dict[str, Any]:
        view: dict[str, Any] = {
            "uri": self.post_uri(post),
            "cid": self.post_cid(post),
            "author": self.profile_basic(self.actor(post.author)),
            "record": self.record(post),
        }
        embed = self.embed_view(post)
        if embed:
            view["embed"] = embed
        view.update({
            "bookmarkCount": 0,
            "replyCount": post.reply_count,
            "repostCount": post.repost_count,
            "likeCount": post.like_count,
            "quoteCount": post.quote_count,
            "indexedAt": iso_ms_z(post.indexed_at),
            "viewer": {"threadMuted": False, "embeddingDisabled": False},
            "labels": [],
        })
        return view

    def reply_ref(self, post: BlueskyPostSpec) -> dict[str, Any] | None:
        """``feedViewPost.reply``: the hydrated root and parent of a reply."""
        if not post.reply_to or post.reply_to not in self.posts:
            return None
        parent = self.posts[post.reply_to]
        root = self.thread_root(post)
        ref: dict[str, Any] = {"root": self._reply_view(root), "parent": self._reply_view(parent)}
        if parent.reply_to and parent.reply_to in self.posts:
            ref["grandparentAuthor"] = self.profile_basic(self.actor(self.posts[parent.reply_to].author))
        return ref

    def _reply_view(self, post: BlueskyPostSpec) -> dict[str, Any]:
        if post.deleted:
            return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": self.post_uri(post), "notFound": True}
        return {**self.post_view(post), "$type": "app.bsky.feed.defs#postView"}

    def repost_reason(self, repost: BlueskyRepostSpec) -> dict[str, Any]:
        return {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": self.profile_basic(self.actor(repost.by)),
            "uri": self.repost_uri(repost),
            "cid": self.repost_cid(repost),
            "indexedAt": iso_ms_z(repost.indexed_at),
        }
