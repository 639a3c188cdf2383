"""Parsers of the new sources on real recorded input (../shared/reference) and on emulator output; no network.

YouTube and RSS-Bridge are replayed from recorded/upstream samples; Graph and
X payloads from the emulators (checked against the official field names in
test_social_emulators.py); the token and error helpers on every envelope.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.middlewares.ratelimit import graph_usage_wait, wait_from_response
from crawler.pages.page_input import PageInput
from crawler.pages.social.graph import facebook_post_to_post, graph_time, instagram_media_to_post, next_page, unshim
from crawler.pages.social.mastodon import rss_to_posts, webfinger_target
from crawler.pages.social.social_feed import feed_key, feed_post_to_post, parse_social_feed
from crawler.pages.social.x_api import includes_index, tweet_to_post
from crawler.pages.social.youtube import parse_youtube_feed, video_to_post
from crawler.spiders.social import api_error_message, strip_secrets
from parity.core.records import Media, Post
from parity.demo.httpmsg import Request
from parity.report.summary import image_without_alt, summarise
from tests.social import worlds

FEEDS = "reference/feeds"


# --- YouTube: the two recorded channel feeds ---------------------------------------------------
@pytest.mark.parametrize("name, channel, first, first_published", [
    ("capyreader-atom-feed-youtube-digitalfoundry-2025.xml", "UC9PBzalIcEQCsiIkq36PyUA", "W_S7iKZZdHw",
     "2025-01-01T16:07:24Z"),
    ("feedjira-youtube_atom-google-2015.xml", "UCK8sQmJBp8GCxrOtXWBpyEA", "5shykyfmb28", "2015-05-04T00:01:27Z"),
])
def test_youtube_recorded_feeds(shared_dir: Path, name: str, channel: str, first: str, first_published: str) -> None:
    path = shared_dir / FEEDS / "youtube" / name
    title, videos = parse_youtube_feed(PageInput(str(path), None, path.read_bytes()))
    assert len(videos) == 15 and title
    assert {v.channel_id for v in videos} == {channel}  # entries carry the UC prefix even where the feed lacks it
    post = video_to_post(videos[0], "o", channel, title)
    assert post.id == f"youtube:{channel}:{first}" and post.kind == "post" and post.platform == "youtube"
    assert post.to_json_dict()["published_at"] == first_published
    assert post.url == f"https://www.youtube.com/watch?v={first}"
    assert post.media and post.media[0].type == "video" and not image_without_alt(post.media[0])
    assert post.text.startswith(videos[0].title)


def test_youtube_description_links(shared_dir: Path) -> None:
    path = shared_dir / FEEDS / "youtube" / "capyreader-atom-feed-youtube-digitalfoundry-2025.xml"
    _, videos = parse_youtube_feed(PageInput(str(path), None, path.read_bytes()))
    post = video_to_post(videos[0], "o", "UC9PBzalIcEQCsiIkq36PyUA")
    assert post.links == ["https://store.digitalfoundry.net", "https://bit.ly/3jEGjvx", "http://bit.ly/DFSubscribe"]


# --- RSS-Bridge: the upstream expected outputs of its three formats ------------------------------
@pytest.mark.parametrize("name", ["expectedAtomFormat-feed.common.xml", "expectedMrssFormat-feed.common.xml",
                                  "expectedJsonFormat-feed.common.json"])
def test_rss_bridge_formats(shared_dir: Path, name: str) -> None:
    path = shared_dir / FEEDS / "rss-bridge" / name
    url = "https://bridge.example/?action=display&bridge=Test&format=x"
    items = parse_social_feed(PageInput(url, {}, path.read_bytes()))
    posts = [feed_post_to_post(i, "o", feed_key(url), "facebook", None) for i in items]
    assert len(posts) == 4 and {p.platform for p in posts} == {"facebook"}
    by_url = {p.url: p for p in posts}
    first = by_url["http://example.com/blog/test-entry"]
    assert first.id == f"rss:{feed_key(url)}:http://example.com/blog/test-entry"
    assert first.to_json_dict()["published_at"] == "2018-12-01T12:00:00Z"  # JSON Feed: date_modified only
    assert "Hello world, this is a test entry." in first.text
    json_feed = by_url["https://jsonfeed.org/2017/05/17/announcing_json_feed"]
    assert "https://jsonfeed.org/version/1" in json_feed.links and "http://cyber.harvard.edu/rss/rss.html" in json_feed.links
    star = by_url["http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"]
    assert star.links == ["http://howe.iki.rssi.ru/GCTC/gctc_e.htm"]
    if "Mrss" not in name:
        atom = by_url["http://example.org/2005/04/02/atom"]
        assert atom.media and atom.media[0].url == "http://example.org/audio/ph34r_my_podcast.mp3"


def test_bridge_quirks_missing_title_date_and_empty_content() -> None:
    app = worlds.bridge_world()
    for fmt in ("Atom", "Json", "Mrss"):
        url = f"http://bridge/?action=display&bridge=FacebookBridge&u=sjobacka&format={fmt}"
        body = app.handle(Request.get(url.removeprefix("http://bridge"), base_url="http://bridge")).body
        posts = [feed_post_to_post(i, "o", "k", "facebook", None) for i in parse_social_feed(PageInput(url, {}, body))]
        by_url = {p.url.rsplit("/", 1)[1]: p for p in posts}
        assert by_url["pfbid03"].published_at is None  # no timestamp: null, never "now"
        assert by_url["pfbid03"].text == "Inlägg utan datum"
        assert by_url["pfbid04"].text == "Bara en rubrik"  # empty content (a single space): the title
        assert by_url["pfbid02"].text == "Ny busslinje från måndag"  # no title: content only
        assert by_url["pfbid01"].links == ["https://www.sjobacka.se/simhall?utm_source=fb"]
        if fmt != "Mrss":
            assert by_url["pfbid01"].media and by_url["pfbid01"].media[0].alt is None


# --- Mastodon: RSS fallback and WebFinger ---------------------------------------------------------
def test_mastodon_rss_fallback_keeps_api_ids_and_alt_text() -> None:
    from tests.demo.test_mastodon_emulator import BASE, get, make_instance

    app = make_instance(count=12)
    rss = get(app, "/@kommun.rss?limit=200")
    api = get(app, "/api/v1/accounts/109348713215804416/statuses?limit=40").json_body()
    posts = rss_to_posts(PageInput(f"{BASE}/@kommun.rss", None, rss.body), "o", "kommun@social.demo")
    api_ids = {f"mastodon:kommun@social.demo:{s['id']}" for s in api if not s["reblog"]
               and (not s["in_reply_to_id"] or s["in_reply_to_account_id"] == s["account"]["id"])}
    assert {p.id for p in posts} == api_ids
    with_media = [p for p in posts if p.media]
    assert with_media and all(p.kind == "post" and p.published_at for p in posts)
    assert {m.alt for p in with_media for m in p.media or []} <= {None, "Karta"}


def test_webfinger_target() -> None:
    jrd = {"subject": "acct:kommun@kommun.se", "links": [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "https://social.kommun.se/@kommun"},
        {"rel": "self", "type": "application/activity+json", "href": "https://social.kommun.se/users/kommun"}]}
    assert webfinger_target(jrd) == ("https://social.kommun.se", "kommun@kommun.se")
    assert webfinger_target({"subject": "acct:x@y", "links": []}) is None


# --- Graph ------------------------------------------------------------------------------------------
def _graph_page(path: str) -> dict:
    app = worlds.graph_world()
    request = Request.get(path, headers={"Authorization": f"Bearer {worlds.GRAPH_TOKEN}"}, base_url="http://g")
    return app.handle(request).json_body()


def test_facebook_posts_from_graph_payloads() -> None:
    from crawler.pages.social.graph import POST_FIELDS

    page = _graph_page(f"/v21.0/{worlds.PAGE_ID}/posts?limit=100&fields={POST_FIELDS}")
    posts = {p.id.rsplit("_", 1)[1]: p for p in (facebook_post_to_post(i, "o", worlds.PAGE_ID) for i in page["data"])}
    link = posts["900001"]
    assert link.id == f"facebook:{worlds.PAGE_ID}:{worlds.PAGE_ID}_900001"
    assert link.links == ["https://www.sjobacka.se/nyheter/vatten?utm_source=facebook&fbclid=abc"]  # unshimmed
    assert link.url.startswith(f"https://www.facebook.com/{worlds.PAGE_ID}/posts/pfbid0")
    assert posts["900005"].kind == "share"
    assert [m.type for m in posts["900003"].media or []] == ["image", "image"]
    assert all(m.model_extra.get("alt_unknown") for m in posts["900002"].media or [])
    assert posts["900006"].links == ["https://www.sjobacka.se/pask"]
    assert graph_time("2026-03-11T07:30:00+0000") == dt.datetime(2026, 3, 11, 7, 30, tzinfo=dt.timezone.utc)
    assert unshim("https://l.facebook.com/l.php?u=https%3A%2F%2Fa.se%2Fx%3Fy%3D1&h=AT1") == "https://a.se/x?y=1"


def test_instagram_media_alt_text_and_carousel() -> None:
    from crawler.pages.social.graph import MEDIA_FIELDS

    page = _graph_page(f"/v21.0/{worlds.IG_USER}/media?fields={MEDIA_FIELDS}")
    posts = {p.id.rsplit(":", 1)[1]: p for p in (instagram_media_to_post(i, "o", worlds.IG_USER) for i in page["data"])}
    assert posts["17900000000000001"].media[0].alt == "Plogbil på Storgatan i snöfall"
    assert posts["17900000000000002"].media[0].alt is None and image_without_alt(posts["17900000000000002"].media[0])
    assert [m.alt for m in posts["17900000000000003"].media] == ["Barn vid skolans entré", None]
    assert posts["17900000000000004"].media[0].type == "video"
    assert posts["17900000000000001"].account == "sjobackakommun"
    assert posts["17900000000000001"].url.startswith("https://www.instagram.com/p/")


# --- X --------------------------------------------------------------------------------------------
def test_x_timeline_payload() -> None:
    from crawler.pages.social.x_api import EXPANSIONS, MEDIA_FIELDS, TWEET_FIELDS, USER_FIELDS

    app = worlds.x_world()
    target = (f"/2/users/{worlds.X_USER}/tweets?max_results=100&tweet.fields={TWEET_FIELDS}&expansions={EXPANSIONS}"
              f"&media.fields={MEDIA_FIELDS}&user.fields={USER_FIELDS}")
    page = app.handle(Request.get(target, headers={"Authorization": f"Bearer {worlds.X_TOKEN}"})).json_body()
    index = includes_index(page)
    posts = {t["text"][:12]: tweet_to_post(t, "o", worlds.X_USER, index) for t in page["data"]}
    water = posts["Vattnet stän"]
    assert water.links == ["https://www.sjobacka.se/nyheter/vatten?utm_medium=social"]
    assert "t.co" not in water.text and water.url == f"https://x.com/sjobackakommun/status/{water.id.rsplit(':', 1)[1]}"
    bike = posts["Så här ser d"]
    assert [m.alt for m in bike.media] == ["Cykelbana längs ån", None] and bike.links == [] and "t.co" not in bike.text
    retweet = posts["RT @raddning"]
    assert retweet.kind == "share" and retweet.text.startswith("Brandrisken är hög i hela länet")  # the full original
    assert posts["@lena Tack f"].kind == "reply"
    thread = posts["Fortsättning"]
    assert thread.kind == "post" and thread.model_extra["thread_reply"] is True
    assert water.to_json_dict()["published_at"].endswith("Z")


# --- helpers: tokens, error bodies, rate-limit headers -------------------------------------------
def test_strip_secrets_and_error_bodies() -> None:
    url = "https://graph.facebook.com/v21.0/1/posts?limit=5&access_token=EAAsecret&after=QVFI&appsecret_proof=ab"
    assert strip_secrets(url) == "https://graph.facebook.com/v21.0/1/posts?limit=5&after=QVFI"
    assert api_error_message(b'{"error":"Record not found"}') == "Record not found"
    assert api_error_message(b'{"error":"InvalidRequest","message":"Profile not found"}') == \
        "InvalidRequest: Profile not found"
    assert api_error_message(b'{"error":{"message":"(#32) Page request limit reached","type":"OAuthException",'
                             b'"code":32}}') == "code 32: (#32) Page request limit reached"
    assert api_error_message(b'{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}') \
        == "Unauthorized"
    assert api_error_message(b'{"errors":[{"code":88,"message":"Rate limit exceeded"}]}') == "Rate limit exceeded"
    assert api_error_message(b"<html>500</html>") is None


def _response(status: int, headers: dict[str, str]) -> SimpleNamespace:
    encoded = {k: v.encode() for k, v in headers.items()}
    return SimpleNamespace(status=status, headers=SimpleNamespace(get=lambda name: next(
        (v for k, v in encoded.items() if k.lower() == name.lower()), None)))


def test_rate_limit_headers_of_x_and_graph() -> None:
    now = 1_800_000_000.0
    x = _response(429, {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(now) + 42)})
    assert wait_from_response(x, now) == pytest.approx(42)
    usage = json.dumps({"104": [{"type": "pages", "call_count": 100, "total_cputime": 3, "total_time": 4,
                                 "estimated_time_to_regain_access": 2}]})
    assert graph_usage_wait(usage) == 120
    assert wait_from_response(_response(400, {"X-Business-Use-Case-Usage": usage}), now) == 120
    assert graph_usage_wait(json.dumps({"104": [{"call_count": 12, "estimated_time_to_regain_access": 0}]})) is None


def test_report_counts_images_without_alt_not_videos_or_unknown() -> None:
    posts = [
        Post(id="a", org="o", platform="instagram", media=[Media(type="image", alt=None)]),
        Post(id="b", org="o", platform="instagram", media=[Media(type="image", alt="Karta")]),
        Post(id="c", org="o", platform="youtube", media=[Media(type="video", alt=None)]),
        Post(id="d", org="o", platform="facebook", media=[Media(type="image", alt=None, alt_unknown=True)]),
        Post(id="e", org="o", platform="x", kind="share", media=[Media(type="image", alt="")]),
    ]
    summary = summarise(posts, [], [], {"o": "O"})
    assert summary["orgs"][0]["images_without_alt"] == 1


def test_next_page_only_from_paging_next() -> None:
    assert next_page({"data": [], "paging": {"cursors": {"after": "x"}, "next": "https://g/next"}}) == "https://g/next"
    assert next_page({"data": [1], "paging": {"cursors": {"after": "x"}}}) is None
