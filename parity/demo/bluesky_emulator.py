"""An emulated public Bluesky AppView: handle resolution, profiles and author feeds.

What a crawler must get right, and what this emulator therefore does: the cursor
is opaque; a page may be short (items dropped while hydrating, e.g. reposts of
accounts hidden from logged-out viewers) and still carry a cursor, so only a
missing cursor means the end; ``posts_no_replies`` still returns reposts; errors
are ``{"error","message"}``; every response carries ``RateLimit-*`` headers and a
429 adds ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from parity.demo.bluesky_entities import (
    BlueskyActorSpec,
    BlueskyPostSpec,
    BlueskyRenderer,
    BlueskyRepostSpec,
)
from parity.demo.httpmsg import Request, Response
from parity.demo.ratelimit import FixedWindowLimiter, Quota
from parity.demo.timefmt import as_utc

FEED_FILTERS = (
    "posts_with_replies",
    "posts_no_replies",
    "posts_with_media",
    "posts_and_author_threads",
    "posts_with_video",
)
DEFAULT_FEED_LIMIT = 50
MAX_FEED_LIMIT = 100
_HANDLE_RE = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
_DID_RE = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
_CURSOR_RE = re.compile(r"^(\d+)__([a-z0-9]+)$")

XRPC_ERRORS = {
    400: ("InvalidRequest", "Invalid Request"),
    401: ("AuthMissing", "Authentication Required"),
    403: ("Forbidden", "Forbidden"),
    404: ("NotFound", "Not Found"),
    413: ("PayloadTooLarge", "Payload Too Large"),
    429: ("RateLimitExceeded", "Rate Limit Exceeded"),
    500: ("InternalServerError", "Internal Server Error"),
    501: ("MethodNotImplemented", "Method Not Implemented"),
    502: ("UpstreamFailure", "Upstream Failure"),
    503: ("NotEnoughResources", "Not Enough Resources"),
    504: ("UpstreamTimeout", "Upstream Timeout"),
}


@dataclass(frozen=True)
class FeedEntry:
    """One row of the author-feed index: a post by the actor, or a repost by them."""

    sort_at: dt.datetime
    cid: str
    post: BlueskyPostSpec
    repost: BlueskyRepostSpec | None = None

    @property
    def cursor(self) -> str:
        return f"{int(self.sort_at.timestamp() * 1000)}__{self.cid}"

    def key(self) -> tuple[int, str]:
        return (int(self.sort_at.timestamp() * 1000), self.cid)


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


class BlueskyEmulator:
    """The read-only AppView methods a crawler needs, over specs given at construction."""

    def __init__(
        self,
        actors: Iterable[BlueskyActorSpec],
        posts: Iterable[BlueskyPostSpec],
        reposts: Iterable[BlueskyRepostSpec] = (),
        *,
        rate_limit: int = 3000,
        rate_period: int = 300,
        fill_fetches: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.actors: dict[str, BlueskyActorSpec] = {}
        for actor in actors:
            self.actors[actor.handle.lower()] = actor
        self.posts: dict[str, BlueskyPostSpec] = {}
        for post in posts:
            self._check_handle(post.author, "post")
            if post.ref in self.posts:
                raise ValueError(f"duplicate post {post.ref}")
            self.posts[post.ref] = post
        self.reposts: dict[str, BlueskyRepostSpec] = {}
        for repost in reposts:
            self._check_handle(repost.by, "repost")
            if repost.subject not in self.posts or self.posts[repost.subject].deleted:
                raise ValueError(f"repost {repost.rkey} of unknown post {repost.subject}")
            self.reposts[f"{repost.by}/{repost.rkey}"] = repost
        for post in self.posts.values():
            if post.reply_to and post.reply_to not in self.posts:
                raise ValueError(f"post {post.ref} replies to unknown post {post.reply_to}")
        self.fill_fetches = max(1, fill_fetches)
        self.limiter = FixedWindowLimiter(rate_limit, rate_period, clock)
        self.renderer = BlueskyRenderer(self.actors, self.posts, self.reposts)

    def _check_handle(self, handle: str, what: str) -> None:
        if handle != handle.lower():
            raise ValueError(f"{what} handle {handle!r} must be lower case")
        if handle not in self.actors:
            raise ValueError(f"{what} by unknown actor {handle!r}")

    # --- responses -----------------------------------------------------------------------

    def _headers(self, quota: Quota) -> dict[str, str]:
        return {
            "X-Powered-By": "Express",
            "Access-Control-Allow-Origin": "*",
            "RateLimit-Limit": str(quota.limit),
            "RateLimit-Remaining": str(quota.remaining),
            "RateLimit-Reset": str(int(quota.reset_at)),
            "RateLimit-Policy": f"{quota.limit};w={self.limiter.period}",
            "atproto-content-labelers": "did:plc:ar7c4by46qjdydhdevvrndac;redact",
            "Vary": "Accept-Encoding",
        }

    def _error(self, status: int, error: str, message: str, quota: Quota) -> Response:
        response = Response.json({"error": error, "message": message}, status=status)
        response.headers.update(self._headers(quota))
        if status == 429:
            response.headers["Retry-After"] = str(quota.retry_after)
        return response

    def error_response(self, request: Request, status: int) -> Response:
        """A failure in XRPC's own format (used for injected faults too)."""
        quota = self.limiter.peek()
        if status == 429:
            quota = Quota(False, quota.limit, 0, quota.now, quota.reset_at)
        error, message = XRPC_ERRORS.get(status, ("InternalServerError", "Internal Server Error"))
        return self._error(status, error, message, quota)

    # --- routing -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        quota = self.limiter.hit()
        if not quota.allowed:
            return self._error(429, "RateLimitExceeded", "Rate Limit Exceeded", quota)
        match = re.fullmatch(r"/xrpc/([A-Za-z0-9.]+)", request.path)
        if not match:
            return self._error(404, "NotFound", "Not Found", quota)
        method = match.group(1)
        handlers = {
            "com.atproto.identity.resolveHandle": self._resolve_handle,
            "app.bsky.feed.getAuthorFeed": self._author_feed,
            "app.bsky.actor.getProfile": self._get_profile,
        }
        handler = handlers.get(method)
        if handler is None:
            return self._error(501, "MethodNotImplemented", "Method Not Implemented", quota)
        if request.method not in ("GET", "HEAD"):
            return self._error(400, "InvalidRequest", "Incorrect HTTP method (POST) expected GET", quota)
        try:
            data = handler(request)
        except XrpcError as exc:
            return self._error(exc.status, exc.error, exc.message, quota)
        response = Response.json(data)
        response.headers.update(self._headers(quota))
        return response

    # --- methods -------------------------------------------------------------------------

    @staticmethod
    def _required(request: Request, name: str) -> str:
        value = request.arg(name)
        if value is None or value == "":
            raise XrpcError(400, "InvalidRequest", f'Error: Params must have the property "{name}"')
        return value

    def _actor(self, identifier: str) -> BlueskyActorSpec:
        if not (_HANDLE_RE.match(identifier) or _DID_RE.match(identifier)):
            raise XrpcError(400, "InvalidRequest", "Error: actor must be a valid did or a handle")
        if identifier.startswith("did:"):
            actor = next((a for a in self.actors.values() if a.did == identifier), None)
        else:
            actor = self.actors.get(identifier.lower())
        if actor is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        return actor

    def _resolve_handle(self, request: Request) -> dict[str, Any]:
        handle = self._required(request, "handle")
        if not _HANDLE_RE.match(handle):
            raise XrpcError(400, "InvalidRequest", "Error: handle must be a valid handle")
        actor = self.actors.get(handle.lower())
        if actor is None:
            raise XrpcError(400, "HandleNotFound", "Unable to resolve handle")
        return {"did": actor.did}

    def _get_profile(self, request: Request) -> dict[str, Any]:
        return self.renderer.profile_detailed(self._actor(self._required(request, "actor")))

    @staticmethod
    def _limit(request: Request) -> int:
        raw = request.arg("limit")
        if raw is None or raw == "":
            return DEFAULT_FEED_LIMIT
        if not re.fullmatch(r"-?\d+", raw):
            raise XrpcError(400, "InvalidRequest", "Error: limit must be an integer")
        value = int(raw)
        if value > MAX_FEED_LIMIT:
            raise XrpcError(400, "InvalidRequest", f"Error: limit can not be greater than {MAX_FEED_LIMIT}")
        if value < 1:
            raise XrpcError(400, "InvalidRequest", "Error: limit can not be less than 1")
        return value

    def feed_entries(self, actor: BlueskyActorSpec, feed_filter: str) -> list[FeedEntry]:
        """The author-feed index for one filter, newest first (before hydration drops anything)."""
        handle = actor.handle.lower()
        entries: list[FeedEntry] = []
        for post in self.posts.values():
            if post.author != handle or post.deleted:
                continue
            is_reply = post.reply_to is not None
            if feed_filter == "posts_no_replies" and is_reply:
                continue
            if feed_filter == "posts_and_author_threads" and is_reply:
                if self.renderer.thread_root(post).author != handle:
                    continue
            if feed_filter == "posts_with_media" and not post.images:
                continue
            if feed_filter == "posts_with_video":
                continue
            sort_at = min(as_utc(post.created_at), post.indexed_at)
            entries.append(FeedEntry(sort_at, self.renderer.post_cid(post), post))
        if feed_filter not in ("posts_with_media", "posts_with_video"):
            for repost in self.reposts.values():
                if repost.by != handle:
                    continue
                entries.append(FeedEntry(as_utc(repost.created_at), self.renderer.repost_cid(repost),
                                         self.posts[repost.subject], repost))
        entries.sort(key=FeedEntry.key, reverse=True)
        return entries

    def _visible(self, entry: FeedEntry, authenticated: bool) -> bool:
        """Hydration: taken-down posts vanish, and logged-out viewers lose opted-out authors."""
        if entry.post.hidden:
            return False
        author = self.actors[entry.post.author]
        return authenticated or not author.no_unauthenticated

    def _feed_item(self, entry: FeedEntry) -> dict[str, Any]:
        item: dict[str, Any] = {"post": self.renderer.post_view(entry.post)}
        reply = self.renderer.reply_ref(entry.post)
        if reply:
            item["reply"] = reply
        if entry.repost is not None:
            item["reason"] = self.renderer.repost_reason(entry.repost)
        return item

    def _author_feed(self, request: Request) -> dict[str, Any]:
        actor = self._actor(self._required(request, "actor"))
        limit = self._limit(request)
        feed_filter = request.arg("filter") or "posts_with_replies"
        if feed_filter not in FEED_FILTERS:
            raise XrpcError(400, "InvalidRequest", f"Error: filter must be one of ({'|'.join(FEED_FILTERS)})")
        cursor = request.arg("cursor") or None
        if cursor and "::" in cursor:
            return {"feed": []}
        position: tuple[int, str] | None = None
        if cursor:
            match = _CURSOR_RE.match(cursor)
            if not match:
                raise XrpcError(400, "InvalidRequest", "Malformed cursor")
            position = (int(match.group(1)), match.group(2))
        authenticated = bool(request.headers.get("Authorization"))
        entries = self.feed_entries(actor, feed_filter)
        items: list[dict[str, Any]] = []
        next_cursor: str | None = None
        for _attempt in range(self.fill_fetches):
            page = [e for e in entries if position is None or e.key() < position][:limit]
            if not page:
                next_cursor = None
                break
            for entry in page:
                if len(items) >= limit:
                    break
                position, next_cursor = entry.key(), entry.cursor
                if self._visible(entry, authenticated):
                    items.append(self._feed_item(entry))
            if len(items) >= limit:
                break
        include_pins = (request.arg("includePins") or "").lower() in ("true", "1")
        if include_pins and not cursor and actor.pinned_rkey:
            pinned = self.posts.get(f"{actor.handle.lower()}/{actor.pinned_rkey}")
            if pinned is not None:
                items.insert(0, {"post": self.renderer.post_view(pinned),
                                 "reason": {"$type": "app.bsky.feed.defs#reasonPin"}})
        body: dict[str, Any] = {"feed": items}
        if next_cursor:
            body["cursor"] = next_cursor
        return body
