"""An emulated Meta Graph API: Facebook Page posts and Instagram professional-account media.

Reproduces what an adapter depends on (social-apis.md §4, developers.facebook.com
reference pages for Post, StoryAttachment, IG Media and "Paginated results"):

* ``GET /vNN.N/{page-id}/posts|feed|published_posts`` and ``/vNN.N/{ig-user-id}/media``;
  ``fields`` with nested field expansion (``attachments{media,url}``), fields
  absent from an object are omitted, ``limit`` (default 25, max 100),
  ``since``/``until`` (unix time or a date), cursor paging
  ``{"data":[…],"paging":{"cursors":{"before","after"},"previous","next"}}``;
* ``paging.next`` only while more items follow — and pages may be *short or
  empty* with a ``next`` (items the viewer may not see are dropped after the
  page is cut: ``hidden=True`` on a spec);
* ``next``/``previous`` URLs carry ``access_token=…`` whenever the request had
  a token, in the query or the header (the trap an adapter must not log);
* the token in ``Authorization: Bearer|OAuth`` or ``access_token``; errors in
  Graph's envelope ``{"error":{"message","type","code","fbtrace_id"}}``:
  104 (no token), 190 (bad token), 100/33 (unknown object);
* ``X-App-Usage`` and ``X-Business-Use-Case-Usage`` on every answer; over the
  limit an error 32 (Page) or 80002 (Instagram) with ``estimated_time_to_regain_access``
  in minutes and no ``Retry-After``; injected 5xx faults answer code 1/2 ``is_transient``;
* Graph's times: ``2026-03-11T07:30:00+0000``; Page post ids ``<page id>_<post id>``;
  attachment ``url`` shimmed through ``l.facebook.com/l.php?u=…``, ``unshimmed_url`` the real one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlencode

from parity.demo.httpmsg import Request, Response
from parity.demo.ratelimit import FixedWindowLimiter
from tests.support.graph_query import cursor, cursor_index, graph_time, parse_fields, select, time_arg

API_VERSION = "v21.0"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
DEFAULT_POST_FIELDS = ("created_time", "message", "story", "id")
DEFAULT_MEDIA_FIELDS = ("id",)


@dataclass(frozen=True)
class GraphPostSpec:
    post_id: str  # the part after "<page id>_"
    created: dt.datetime
    message: str = ""
    link: str | None = None  # a shared link (attachment type "share")
    link_title: str = ""
    photos: tuple[str, ...] = ()  # image URLs; 2+ make an album
    video: bool = False
    parent_id: str | None = None  # a share of another post
    story: str | None = None
    updated: dt.datetime | None = None
    hidden: bool = False  # dropped after the page is cut (privacy filtering): short pages


@dataclass
class GraphPageSpec:
    page_id: str
    name: str
    posts: list[GraphPostSpec] = field(default_factory=list)


@dataclass(frozen=True)
class InstagramMediaSpec:
    media_id: str
    timestamp: dt.datetime
    caption: str = ""
    media_type: str = "IMAGE"  # IMAGE, VIDEO, CAROUSEL_ALBUM
    alt_texts: tuple[str | None, ...] = (None,)  # one per image (a carousel: one per child)
    child_types: tuple[str, ...] = ()  # carousel children's media types (default all IMAGE)
    product_type: str = "FEED"  # FEED, REELS, STORY
    hidden: bool = False


@dataclass
class InstagramUserSpec:
    user_id: str
    username: str
    media: list[InstagramMediaSpec] = field(default_factory=list)


class GraphError(Exception):
    def __init__(self, status: int, code: int, message: str, kind: str = "OAuthException",
                 subcode: int | None = None, transient: bool = False,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind
        self.subcode, self.transient, self.headers = subcode, transient, headers or {}


class GraphEmulator:
    """``graph.facebook.com`` for Page posts and IG media, over specs given at construction."""

    def __init__(
        self,
        pages: Iterable[GraphPageSpec] = (),
        instagram: Iterable[InstagramUserSpec] = (),
        *,
        tokens: Iterable[str] = ("demo-page-token",),
        rate_limit: int = 4800,
        rate_period: int = 86400,
        max_limit: int = MAX_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``max_limit`` below 100 imitates Graph quietly returning fewer items than ``limit`` asked for."""
        self.pages = {p.page_id: p for p in pages}
        self.instagram = {u.user_id: u for u in instagram}
        self.tokens = set(tokens)
        self.limits: dict[str, FixedWindowLimiter] = {}
        self.rate = (rate_limit, rate_period)
        self.max_limit = max_limit
        self.clock = clock

    # --- envelope ------------------------------------------------------------------------
    @staticmethod
    def _trace(request: Request) -> str:
        return base64.b64encode(hashlib.sha1(request.target.encode()).digest()[:8]).decode().rstrip("=")

    def _error_body(self, request: Request, error: GraphError) -> Response:
        body: dict[str, Any] = {"message": error.message, "type": error.kind, "code": error.code}
        if error.subcode is not None:
            body["error_subcode"] = error.subcode
        if error.transient:
            body["is_transient"] = True
        body["fbtrace_id"] = self._trace(request)
        response = Response.json({"error": body}, status=error.status)
        response.headers["Content-Type"] = "application/json; charset=UTF-8"
        response.headers["WWW-Authenticate"] = f'OAuth "Facebook Platform" "invalid_request" "{error.message}"'
        response.headers.update(self._common_headers(request))
        response.headers.update(error.headers)
        return response

    def _common_headers(self, request: Request) -> dict[str, str]:
        return {"facebook-api-version": API_VERSION, "x-fb-trace-id": self._trace(request),
                "x-fb-rev": "1018828497", "Cache-Control": "private, no-cache, no-store, must-revalidate",
                "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"}

    def error_response(self, request: Request, status: int) -> Response:
        """Injected faults in Graph's own format."""
        if status >= 500:
            code, message = (2, "An unexpected error has occurred. Please retry your request later.") \
                if status == 503 else (1, "An unknown error has occurred.")
            return self._error_body(request, GraphError(status, code, message, transient=True))
        return self._error_body(request, GraphError(status, 100, "Invalid parameter", kind="GraphMethodException"))

    # --- routing -------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            token = self._token(request)
            match = re.fullmatch(r"/(?:(v\d+\.\d+)/)?([A-Za-z0-9_]+)(?:/([a-z_]+))?/?", request.path)
            if not match:
                raise GraphError(400, 2500, "Unknown path components: " + request.path, kind="OAuthException")
            _version, object_id, edge = match.groups()
            usage = self._count(object_id)
            data = self._dispatch(request, object_id, edge, token)
        except GraphError as error:
            return self._error_body(request, error)
        response = Response.json(data)
        response.headers["Content-Type"] = "application/json; charset=UTF-8"
        response.headers["ETag"] = '"' + hashlib.sha1(response.body).hexdigest() + '"'
        response.headers.update(self._common_headers(request))
        response.headers.update(usage)
        return response

    def _token(self, request: Request) -> str:
        auth = request.headers.get("Authorization") or ""
        token = ""
        for scheme in ("bearer ", "oauth "):
            if auth.lower().startswith(scheme):
                token = auth[len(scheme):].strip()
        token = token or (request.arg("access_token") or "")
        if not token:
            raise GraphError(400, 104, "An access token is required to request this resource.")
        if token not in self.tokens:
            raise GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token")
        return token

    def _count(self, object_id: str) -> dict[str, str]:
        limiter = self.limits.setdefault(object_id, FixedWindowLimiter(self.rate[0], self.rate[1], self.clock))
        quota = limiter.hit()
        used = min(100, math.ceil(100 * (quota.limit - quota.remaining) / max(1, quota.limit)))
        regain = 0 if quota.allowed and quota.remaining > 0 else max(1, math.ceil((quota.reset_at - quota.now) / 60))
        kind = "instagram" if object_id in self.instagram else "pages"
        headers = {
            "X-App-Usage": json.dumps({"call_count": min(used, 99), "total_cputime": 1, "total_time": 1}),
            "X-Business-Use-Case-Usage": json.dumps({object_id: [{
                "type": kind, "call_count": used, "total_cputime": 1, "total_time": 1,
                "estimated_time_to_regain_access": regain}]}),
        }
        if not quota.allowed:
            if kind == "instagram":
                raise GraphError(400, 80002, "There have been too many calls to this Instagram account. "
                                 "Wait a bit and try again.", headers=headers)
            raise GraphError(400, 32, "(#32) Page request limit reached", headers=headers)
        return headers

    def _dispatch(self, request: Request, object_id: str, edge: str | None, token: str) -> dict[str, Any]:
        if object_id in self.pages:
            page = self.pages[object_id]
            if edge is None:
                return select({"id": page.page_id, "name": page.name}, parse_fields(request.arg("fields") or "name"))
            if edge in ("posts", "feed", "published_posts"):
                items = [(p.created, p.hidden, self.post_json(page, p)) for p in page.posts]
                return self._paged(request, items, DEFAULT_POST_FIELDS, object_id, edge, token)
        elif object_id in self.instagram:
            user = self.instagram[object_id]
            if edge is None:
                return select({"id": user.user_id, "username": user.username},
                              parse_fields(request.arg("fields") or "username"))
            if edge == "media":
                items = [(m.timestamp, m.hidden, self.media_json(user, m)) for m in user.media]
                return self._paged(request, items, DEFAULT_MEDIA_FIELDS, object_id, edge, token)
        else:
            raise GraphError(400, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist, "
                             "cannot be loaded due to missing permissions, or does not support this operation. "
                             "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                             kind="GraphMethodException", subcode=33)
        raise GraphError(400, 100, f"(#100) Tried accessing nonexisting field ({edge}) on node type "
                         f"({'Page' if object_id in self.pages else 'IGUser'})")

    def _paged(self, request: Request, items: list[tuple[dt.datetime, bool, dict[str, Any]]],
               default_fields: tuple[str, ...], object_id: str, edge: str, token: str) -> dict[str, Any]:
        raw_limit = request.arg("limit")
        try:
            limit = DEFAULT_LIMIT if raw_limit in (None, "") else int(raw_limit or 0)
        except ValueError:
            raise GraphError(400, 100, "(#100) The parameter limit must be an integer") from None
        limit = max(1, min(limit, MAX_LIMIT, self.max_limit))
        since, until = time_arg(request.arg("since")), time_arg(request.arg("until"))
        ordered = sorted(items, key=lambda t: t[0], reverse=True)
        ordered = [t for t in ordered if (since is None or t[0] >= since) and (until is None or t[0] <= until)]
        salt = f"{object_id}/{edge}"
        start = 0
        if request.arg("after"):
            index = cursor_index(request.arg("after") or "")
            if index is None:
                raise GraphError(400, 100, "(#100) The after cursor is not valid")
            start = index + 1
        elif request.arg("before"):
            index = cursor_index(request.arg("before") or "")
            if index is None:
                raise GraphError(400, 100, "(#100) The before cursor is not valid")
            start = max(0, index - limit)
        window = ordered[start:start + limit]
        fields = parse_fields(request.arg("fields") or ",".join(default_fields))
        data = [select(obj, fields) for _, hidden, obj in window if not hidden]
        body: dict[str, Any] = {"data": data}
        if window:
            first, last = start, start + len(window) - 1
            paging: dict[str, Any] = {"cursors": {"before": cursor(first, salt), "after": cursor(last, salt)}}
            keep = {k: v for k, v in request.query.items() if k not in ("after", "before", "access_token")}
            params = [(k, v[0]) for k, v in sorted(keep.items())]
            params.append(("access_token", token))  # Graph writes the caller's token into its links
            base = f"{request.base_url}/{API_VERSION}/{object_id}/{edge}"
            if start + limit < len(ordered):
                paging["next"] = f"{base}?{urlencode(params + [('after', paging['cursors']['after'])])}"
            if start > 0:
                paging["previous"] = f"{base}?{urlencode(params + [('before', paging['cursors']['before'])])}"
            body["paging"] = paging
        return body

    # --- objects -------------------------------------------------------------------------
    @staticmethod
    def _image(src: str) -> dict[str, Any]:
        return {"image": {"height": 720, "src": src, "width": 960}}

    def post_json(self, page: GraphPageSpec, post: GraphPostSpec) -> dict[str, Any]:
        full_id = f"{page.page_id}_{post.post_id}"
        pfbid = "pfbid0" + hashlib.sha1(full_id.encode()).hexdigest()[:30]
        data: dict[str, Any] = {
            "id": full_id,
            "created_time": graph_time(post.created),
            "updated_time": graph_time(post.updated or post.created),
            "permalink_url": f"https://www.facebook.com/{page.page_id}/posts/{pfbid}",
            "is_published": True,
        }
        if post.message:
            data["message"] = post.message
        if post.story:
            data["story"] = post.story
        if post.parent_id:
            data["parent_id"] = post.parent_id
        attachments: list[dict[str, Any]] = []
        if post.link:
            shim = f"https://l.facebook.com/l.php?u={quote(post.link, safe='')}&h=AT0{hashlib.sha1(post.link.encode()).hexdigest()[:20]}"
            attachments.append({"media_type": "link", "type": "share", "url": shim, "unshimmed_url": post.link,
                                "title": post.link_title, "description": "", "target": {"url": shim},
                                "media": self._image(f"https://external.xx.fbcdn.net/emg1/v/t13/{post.post_id}.jpg")})
            data["status_type"] = "shared_story"
        elif len(post.photos) == 1:
            fbid = str(int(post.post_id) + 1) if post.post_id.isdigit() else post.post_id + "1"
            attachments.append({"media_type": "photo", "type": "photo",
                                "url": f"https://www.facebook.com/photo.php?fbid={fbid}",
                                "media": self._image(post.photos[0]),
                                "target": {"id": fbid, "url": f"https://www.facebook.com/photo.php?fbid={fbid}"}})
            data["status_type"] = "added_photos"
            data["full_picture"] = post.photos[0]
        elif len(post.photos) > 1:
            subs = [{"media_type": "photo", "type": "photo", "media": self._image(src),
                     "url": f"https://www.facebook.com/photo.php?fbid={post.post_id}{i}",
                     "target": {"id": f"{post.post_id}{i}"}} for i, src in enumerate(post.photos)]
            attachments.append({"media_type": "album", "type": "album", "title": "Foton",
                                "url": f"https://www.facebook.com/media/set/?set=a.{post.post_id}",
                                "subattachments": {"data": subs}})
            data["status_type"] = "added_photos"
            data["full_picture"] = post.photos[0]
        elif post.video:
            attachments.append({"media_type": "video", "type": "video_inline",
                                "url": f"https://www.facebook.com/{page.page_id}/videos/{post.post_id}/",
                                "media": {**self._image(f"https://scontent.xx.fbcdn.net/v/{post.post_id}.jpg"),
                                          "source": f"https://video.xx.fbcdn.net/v/{post.post_id}.mp4"}})
            data["status_type"] = "added_video"
        elif post.parent_id:
            data["status_type"] = "shared_story"
        else:
            data["status_type"] = "mobile_status_update"
        if attachments:
            data["attachments"] = {"data": attachments}
        return data

    def media_json(self, user: InstagramUserSpec, media: InstagramMediaSpec) -> dict[str, Any]:
        shortcode = base64.urlsafe_b64encode(hashlib.sha1(media.media_id.encode()).digest()[:8]).decode().rstrip("=")
        data: dict[str, Any] = {
            "id": media.media_id,
            "media_type": media.media_type,
            "media_product_type": media.product_type,
            "permalink": f"https://www.instagram.com/{'reel' if media.product_type == 'REELS' else 'p'}/{shortcode}/",
            "shortcode": shortcode,
            "timestamp": graph_time(media.timestamp),
            "username": user.username,
            "is_comment_enabled": True,
        }
        if media.caption:
            data["caption"] = media.caption
        cdn = "https://scontent.cdninstagram.com/v/t51.29350-15"
        if media.media_type == "CAROUSEL_ALBUM":
            types = media.child_types or tuple("IMAGE" for _ in media.alt_texts)
            children = []
            for i, kind in enumerate(types):
                child: dict[str, Any] = {"id": f"{media.media_id}{i + 1}", "media_type": kind,
                                         "media_url": f"{cdn}/{media.media_id}_{i}.{'mp4' if kind == 'VIDEO' else 'jpg'}"}
                alt = media.alt_texts[i] if i < len(media.alt_texts) else None
                if kind == "IMAGE" and alt:
                    child["alt_text"] = alt
                children.append(child)
            data["children"] = {"data": children}
            data["media_url"] = children[0]["media_url"] if children else None
        elif media.media_type == "VIDEO":
            data["media_url"] = f"{cdn}/{media.media_id}.mp4"
            data["thumbnail_url"] = f"{cdn}/{media.media_id}_thumb.jpg"
        else:
            data["media_url"] = f"{cdn}/{media.media_id}.jpg"
            if media.alt_texts and media.alt_texts[0]:
                data["alt_text"] = media.alt_texts[0]
        return data
