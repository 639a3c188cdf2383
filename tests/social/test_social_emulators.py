"""The new emulators against real clients and the platforms' documented shapes.

* Graph: python-facebook-api (``pyfacebook``) pages the emulator to the end with
  ``get_full_connections`` (it stops when ``paging.next`` is absent), and every
  field the emulator sends is one of the documented Post / StoryAttachment /
  IG Media fields (docs list below, cross-checked with pyfacebook's models).
* X: tweepy's ``Paginator`` walks ``/2/users/:id/tweets`` by ``meta.next_token``.
* YouTube and RSS-Bridge: feedparser reads them; the shapes follow the recorded samples.

pyfacebook and tweepy are optional test dependencies: without them those two
checks are skipped and the documented-shape checks still run.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import requests

from parity.demo.httpmsg import Request
from parity.demo.httpserver import DemoServer
from tests.social import worlds
from tests.support.graph_emulator import GraphEmulator
from tests.support.graph_query import parse_fields
from tests.support.x_emulator import TweetSpec, XApiEmulator, XUserSpec

#: developers.facebook.com/docs/graph-api/reference/post (fields not deprecated in v3.3) and
#: …/reference/story-attachment; …/instagram-platform/reference/instagram-media.
DOC_POST_FIELDS = {"id", "message", "story", "created_time", "updated_time", "permalink_url", "status_type",
                   "parent_id", "full_picture", "attachments", "is_published"}
DOC_ATTACHMENT_FIELDS = {"media_type", "type", "url", "unshimmed_url", "title", "description", "media", "target",
                         "subattachments", "description_tags"}
DOC_IG_MEDIA_FIELDS = {"id", "caption", "media_type", "media_product_type", "media_url", "permalink", "timestamp",
                       "username", "alt_text", "thumbnail_url", "children", "shortcode", "is_comment_enabled",
                       "comments_count", "like_count", "owner"}
DEPRECATED_POST_FIELDS = {"link", "type", "caption", "name", "object_id", "source", "description"}


def graph_get(app: GraphEmulator, target: str, token: str | None = worlds.GRAPH_TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.handle(Request.get(target, headers=headers, base_url="http://127.0.0.1:9"))


def test_graph_pages_until_next_is_absent_through_short_and_empty_pages() -> None:
    app = worlds.graph_world(hidden_every=2)
    everything = "id,message,created_time,attachments{media_type,url,unshimmed_url}"
    target = f"/v21.0/{worlds.PAGE_ID}/posts?limit=3&fields={everything}"
    pages: list[dict[str, Any]] = []
    while target:
        body = graph_get(app, target).json_body()
        pages.append(body)
        nxt = (body.get("paging") or {}).get("next")
        if nxt:
            assert "access_token=" + worlds.GRAPH_TOKEN in nxt  # Graph writes the token into its links
        target = urlsplit(nxt).path + "?" + urlsplit(nxt).query if nxt else ""
        assert len(pages) < 50
    visible = [p for p in app.pages[worlds.PAGE_ID].posts if not p.hidden]
    total = len(app.pages[worlds.PAGE_ID].posts)
    assert sum(len(p["data"]) for p in pages) == len(visible)
    assert len(pages) == math.ceil(total / 3)
    assert any(len(p["data"]) < 3 and "next" in p["paging"] for p in pages)  # short page, not the end
    assert "next" not in pages[-1]["paging"] and "previous" in pages[-1]["paging"]
    assert set(pages[0]["paging"]["cursors"]) == {"before", "after"}


def test_graph_fields_are_the_documented_ones() -> None:
    app = worlds.graph_world()
    from crawler.pages.social.graph import MEDIA_FIELDS, POST_FIELDS

    posts = graph_get(app, f"/v21.0/{worlds.PAGE_ID}/posts?limit=100&fields={POST_FIELDS}").json_body()["data"]
    for post in posts:
        assert set(post) <= DOC_POST_FIELDS and not set(post) & DEPRECATED_POST_FIELDS, set(post)
        for att in (post.get("attachments") or {}).get("data", []):
            assert set(att) <= DOC_ATTACHMENT_FIELDS
            for sub in (att.get("subattachments") or {}).get("data", []):
                assert set(sub) <= DOC_ATTACHMENT_FIELDS
        assert post["created_time"].endswith("+0000")
        assert post["id"].startswith(worlds.PAGE_ID + "_")
    media = graph_get(app, f"/v21.0/{worlds.IG_USER}/media?fields={MEDIA_FIELDS}").json_body()["data"]
    for item in media:
        assert set(item) <= DOC_IG_MEDIA_FIELDS, set(item)
        assert ("alt_text" not in item) or item["media_type"] == "IMAGE"
    # Only what was asked for, plus id:
    only = graph_get(app, f"/v21.0/{worlds.PAGE_ID}/posts?fields=message").json_body()["data"]
    assert all(set(p) <= {"id", "message"} for p in only)
    assert parse_fields("a,b{c,d{e}},f.limit(3)") == {"a": {}, "b": {"c": {}, "d": {"e": {}}}, "f": {}}


def test_graph_field_names_agree_with_pyfacebook_models() -> None:
    models = pytest.importorskip("pyfacebook.models.post")
    attachment = pytest.importorskip("pyfacebook.models.attachment")
    post_fields = {f.metadata.get("dataclasses_json", {}).get("letter_case") or f.name.lstrip("_")
                   for f in dataclasses.fields(models.Post)}
    attachment_fields = {f.name for f in dataclasses.fields(attachment.StoryAttachment)}
    assert DOC_POST_FIELDS <= post_fields
    assert DOC_ATTACHMENT_FIELDS - {"description_tags"} <= attachment_fields


def test_graph_errors_in_graph_envelope() -> None:
    app = worlds.graph_world()
    missing = graph_get(app, f"/v21.0/{worlds.PAGE_ID}/posts", token=None)
    assert missing.status == 400 and missing.json_body()["error"]["code"] == 104
    bad = graph_get(app, f"/v21.0/{worlds.PAGE_ID}/posts", token="nope")
    assert bad.json_body()["error"]["code"] == 190 and bad.json_body()["error"]["type"] == "OAuthException"
    unknown = graph_get(app, "/v21.0/424242/posts").json_body()["error"]
    assert unknown["code"] == 100 and unknown["error_subcode"] == 33 and "fbtrace_id" in unknown
    limited = GraphEmulator(app.pages.values(), tokens=(worlds.GRAPH_TOKEN,), rate_limit=1, rate_period=3600)
    assert graph_get(limited, f"/v21.0/{worlds.PAGE_ID}/posts").status == 200
    throttled = graph_get(limited, f"/v21.0/{worlds.PAGE_ID}/posts")
    assert throttled.status == 400 and throttled.json_body()["error"]["code"] == 32
    usage = json.loads(throttled.headers["X-Business-Use-Case-Usage"])[worlds.PAGE_ID][0]
    assert usage["call_count"] == 100 and usage["estimated_time_to_regain_access"] >= 1
    assert "Retry-After" not in throttled.headers
    fault = app.error_response(Request.get("/v21.0/1/posts"), 500).json_body()["error"]
    assert fault["is_transient"] is True and fault["code"] == 1


def test_pyfacebook_pages_the_graph_emulator_to_the_end() -> None:
    graph = pytest.importorskip("pyfacebook")
    app = worlds.graph_world(hidden_every=3)
    server = DemoServer("graph", GraphEmulator(app.pages.values(), app.instagram.values(), tokens=(worlds.GRAPH_TOKEN,),
                                               max_limit=4))
    server.start()
    try:
        api = graph.GraphAPI(access_token=worlds.GRAPH_TOKEN, base_url=server.base_url + "/", version="v21.0",
                             sleep_on_rate_limit=False, timeout=5)
        data = api.get_full_connections(object_id=worlds.PAGE_ID, connection="posts", count=None, limit=10,
                                        fields="id,message,created_time,permalink_url")
        visible = [p for p in app.pages[worlds.PAGE_ID].posts if not p.hidden]
        assert len(data["data"]) == len(visible)
        assert {p["id"] for p in data["data"]} == {f"{worlds.PAGE_ID}_{p.post_id}" for p in visible}
        pages = server.access_log.count(f"/v21.0/{worlds.PAGE_ID}/posts")
        assert pages == math.ceil(len(app.pages[worlds.PAGE_ID].posts) / 4)
        media = api.get_full_connections(object_id=worlds.IG_USER, connection="media", count=None,
                                         fields="id,caption,media_type,alt_text,timestamp")
        assert len(media["data"]) == len(app.instagram[worlds.IG_USER].media)
    finally:
        server.stop()


# --- X -------------------------------------------------------------------------------------------
def x_get(app: XApiEmulator, target: str, token: str | None = worlds.X_TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.handle(Request.get(target, headers=headers))


def test_x_envelope_errors_and_rate_headers() -> None:
    app = worlds.x_world()
    unauth = x_get(app, f"/2/users/{worlds.X_USER}/tweets", token=None)
    assert unauth.status == 401 and unauth.json_body() == {"title": "Unauthorized", "type": "about:blank",
                                                           "status": 401, "detail": "Unauthorized"}
    bad = x_get(app, f"/2/users/{worlds.X_USER}/tweets?max_results=3")
    assert bad.status == 400 and bad.json_body()["errors"][0]["parameters"] == {"max_results": ["3"]}
    default = x_get(app, f"/2/users/{worlds.X_USER}/tweets")
    body = default.json_body()
    assert len(body["data"]) == 10 and set(body["data"][0]) == {"id", "text", "edit_history_tweet_ids"}
    assert set(body["meta"]) == {"result_count", "newest_id", "oldest_id", "next_token"}
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= {k for k, _ in default.headers.items()}
    empty = x_get(app, f"/2/users/{worlds.X_USER}/tweets?since_id=9999999999999999999999").json_body()
    assert empty == {"meta": {"result_count": 0}}  # no "data" key at all
    limited = XApiEmulator(app.users.values(), bearer_tokens=(worlds.X_TOKEN,), rate_limit=1, rate_period=900)
    x_get(limited, f"/2/users/{worlds.X_USER}/tweets")
    over = x_get(limited, f"/2/users/{worlds.X_USER}/tweets")
    assert over.status == 429 and over.json_body()["title"] == "Too Many Requests"
    assert over.headers["x-rate-limit-remaining"] == "0"


def test_x_timeline_cap() -> None:
    tweets = [TweetSpec(str(1000 + i), worlds.ago(i / 24), f"t{i}") for i in range(40)]
    app = XApiEmulator([XUserSpec("7", "u", "U", tweets)], bearer_tokens=(worlds.X_TOKEN,), timeline_cap=25)
    seen, token = [], None
    while True:
        body = x_get(app, "/2/users/7/tweets?max_results=10" + (f"&pagination_token={token}" if token else "")).json_body()
        seen += [t["id"] for t in body.get("data", [])]
        token = body["meta"].get("next_token")
        if not token:
            break
    assert len(seen) == 25 and seen[0] == "1039" and seen[-1] == "1015"  # the newest 25 only


class _Redirect(requests.adapters.HTTPAdapter):
    """Sends a client's https://api.twitter.com requests to the emulator."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        request.url = f"{self.base}{parts.path}?{parts.query}"
        return super().send(request, **kwargs)


def test_tweepy_paginates_the_x_emulator_to_the_end() -> None:
    tweepy = pytest.importorskip("tweepy")
    app = worlds.x_world()
    server = DemoServer("x", app)
    server.start()
    try:
        client = tweepy.Client(bearer_token=worlds.X_TOKEN, wait_on_rate_limit=False)
        client.session.mount("https://api.twitter.com", _Redirect(server.base_url))
        tweets = list(tweepy.Paginator(client.get_users_tweets, worlds.X_USER, max_results=5,
                                       tweet_fields=["created_at", "entities", "referenced_tweets", "lang"],
                                       expansions=["attachments.media_keys", "referenced_tweets.id"],
                                       media_fields=["alt_text", "url"]).flatten())
        expected = app.users[worlds.X_USER].tweets
        assert {t.id for t in tweets} == {int(t.tweet_id) for t in expected}
        assert server.access_log.count(f"/2/users/{worlds.X_USER}/tweets") == math.ceil(len(expected) / 5)
        assert all(t.created_at is not None for t in tweets)
        with pytest.raises(tweepy.Unauthorized):
            _unauthorized(tweepy, server.base_url)
    finally:
        server.stop()


def _unauthorized(tweepy: Any, base: str) -> None:
    client = tweepy.Client(bearer_token="wrong")
    client.session.mount("https://api.twitter.com", _Redirect(base))
    client.get_users_tweets(worlds.X_USER)


# --- YouTube and RSS-Bridge --------------------------------------------------------------------------
def test_youtube_feed_emulator_matches_the_recorded_shape(shared_dir: Path) -> None:
    app = worlds.youtube_world(count=20, flaky=(404, 500))
    target = f"/feeds/videos.xml?channel_id={worlds.CHANNEL}"
    assert [app.handle(Request.get(target)).status for _ in range(3)] == [404, 500, 200]
    body = app.handle(Request.get(target)).body
    parsed = feedparser.parse(body)
    recorded = feedparser.parse((shared_dir / "reference/feeds/youtube/"
                                 "capyreader-atom-feed-youtube-digitalfoundry-2025.xml").read_bytes())
    assert len(parsed.entries) == 15 == len(recorded.entries)
    assert set(recorded.entries[0].keys()) <= set(parsed.entries[0].keys())
    assert parsed.entries[0].yt_videoid == "vid00000000" and parsed.entries[0].yt_channelid == worlds.CHANNEL
    assert parsed.feed.yt_channelid == worlds.CHANNEL[2:]  # the feed-level id lacks "UC", as YouTube's does
    assert app.handle(Request.get("/feeds/videos.xml?channel_id=UCnope")).status == 404
    assert app.handle(Request.get("/feeds/videos.xml?user=sjobacka")).status == 200


def test_rss_bridge_emulator_matches_upstream_atom_shape(shared_dir: Path) -> None:
    app = worlds.bridge_world()
    ours = feedparser.parse(app.handle(Request.get(
        "/?action=display&bridge=FacebookBridge&u=sjobacka&format=Atom")).body)
    upstream = feedparser.parse((shared_dir / "reference/feeds/rss-bridge/expectedAtomFormat-feed.common.xml").read_bytes())
    assert ours.version == upstream.version == "atom10"
    assert ours.feed.author == upstream.feed.author == "RSS-Bridge"
    dated = [e for e in ours.entries if "published" in e]
    assert all(e.published == e.updated for e in dated) and len(dated) == 3
    assert sum("title" not in e for e in ours.entries) == 2
    assert app.handle(Request.get("/?action=display&bridge=FacebookBridge&u=other&format=Atom")).status == 404
