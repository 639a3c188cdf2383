"""The Bluesky AppView emulator against the lexicons and a recorded real response (in process)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from parity.demo.bluesky_emulator import BlueskyEmulator
from parity.demo.bluesky_entities import (
    BlueskyActorSpec,
    BlueskyExternalSpec,
    BlueskyImageSpec,
    BlueskyPostSpec,
    BlueskyRepostSpec,
    did_for,
    tid,
)
from parity.demo.bluesky_richtext import RichText, detect_facets
from parity.demo.httpmsg import Request, Response
from parity.demo.scenario import BLUESKY_HANDLE, Scenario
from tests.support.fault_http import FaultyServer
from tests.support.faults import Fault

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"


def facet_text(text: str, item: dict[str, Any]) -> str:
    """The substring a facet covers: proves offsets are bytes, not characters."""
    raw = text.encode("utf-8")
    return raw[item["index"]["byteStart"] : item["index"]["byteEnd"]].decode("utf-8")


def make_appview(count: int = 30, **kwargs: Any) -> BlueskyEmulator:
    """``count`` own posts, a reply to someone else, a self-thread reply, a repost and hidden reposts."""
    actors = [
        BlueskyActorSpec(handle="kommun.bsky.demo", display_name="Kommunen", pinned_rkey=tid(5_000_000_000, 1)),
        BlueskyActorSpec(handle="granne.bsky.demo", display_name="Granne"),
        BlueskyActorSpec(handle="privat.bsky.demo", display_name="Privat", no_unauthenticated=True),
    ]
    posts = [
        BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(1_000_000_000 * (i + 5), 1),
                        created_at=T0 + dt.timedelta(hours=i), text=f"Inlägg {i}",
                        images=(BlueskyImageSpec(alt="" if i % 2 else "Bild"),) if i % 7 == 0 else ())
        for i in range(count)
    ]
    question = BlueskyPostSpec(author="granne.bsky.demo", rkey=tid(900_000_000, 2), created_at=T0, text="Fråga?")
    hidden = [BlueskyPostSpec(author="privat.bsky.demo", rkey=tid(800_000_000 + i, 3), created_at=T0, text="dolt")
              for i in range(6)]
    later = T0 + dt.timedelta(hours=count)
    posts += [question, *hidden,
              BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(10**15, 1), created_at=later,
                              text="Svar", reply_to=question.ref),
              BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(10**15 + 1, 1), created_at=later,
                              text="Tråd 2/2", reply_to=posts[0].ref)]
    reposts = [BlueskyRepostSpec(by="kommun.bsky.demo", rkey=tid(98_000_000_000, 4), subject=question.ref,
                                 created_at=T0 + dt.timedelta(minutes=90))]
    reposts += [BlueskyRepostSpec(by="kommun.bsky.demo", rkey=tid(97_000_000_000 + i, 4), subject=h.ref,
                                  created_at=T0 + dt.timedelta(hours=2 * i + 3, minutes=30))
                for i, h in enumerate(hidden)]
    return BlueskyEmulator(actors, posts, reposts, **kwargs)


def call(appview: BlueskyEmulator, target: str, **headers: str) -> Response:
    return appview.handle(Request.get(target, headers=headers))


def walk(appview: BlueskyEmulator, query: str, **headers: str) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        target = f"{FEED}?{query}" + (f"&cursor={cursor}" if cursor else "")
        response = call(appview, target, **headers)
        assert response.status == 200, response.text
        body = response.json_body()
        pages.append(body)
        cursor = body.get("cursor")
        if not cursor:
            return pages
        assert len(pages) < 200


def test_resolve_handle() -> None:
    appview = make_appview(count=1)
    ok = call(appview, "/xrpc/com.atproto.identity.resolveHandle?handle=kommun.bsky.demo")
    assert ok.json_body() == {"did": did_for("kommun.bsky.demo")}
    missing = call(appview, "/xrpc/com.atproto.identity.resolveHandle?handle=saknas.bsky.demo")
    assert missing.status == 400
    assert missing.json_body() == {"error": "HandleNotFound", "message": "Unable to resolve handle"}
    bad = call(appview, "/xrpc/com.atproto.identity.resolveHandle")
    assert bad.json_body()["error"] == "InvalidRequest" and set(bad.json_body()) == {"error", "message"}


def test_author_feed_by_handle_or_did_and_unknown_actor() -> None:
    appview = make_appview(count=3)
    by_handle = call(appview, f"{FEED}?actor=kommun.bsky.demo").json_body()
    by_did = call(appview, f"{FEED}?actor={did_for('kommun.bsky.demo')}").json_body()
    assert by_handle == by_did and by_handle["feed"]
    unknown = call(appview, f"{FEED}?actor=saknas.bsky.demo")
    assert (unknown.status, unknown.json_body()) == (400, {"error": "InvalidRequest", "message": "Profile not found"})


@pytest.mark.parametrize(("limit", "message"), [("0", "Error: limit can not be less than 1"),
                                                ("101", "Error: limit can not be greater than 100"),
                                                ("tio", "Error: limit must be an integer")])
def test_limit_validation(limit: str, message: str) -> None:
    response = call(make_appview(count=1), f"{FEED}?actor=kommun.bsky.demo&limit={limit}")
    assert response.status == 400 and response.json_body() == {"error": "InvalidRequest", "message": message}


def test_default_limit_is_fifty_and_hundred_is_allowed() -> None:
    appview = make_appview(count=120)
    assert len(call(appview, f"{FEED}?actor=kommun.bsky.demo").json_body()["feed"]) <= 50
    assert len(call(appview, f"{FEED}?actor=kommun.bsky.demo&limit=100").json_body()["feed"]) > 50


def test_paging_to_the_end_gets_every_visible_item_once_and_short_pages_keep_a_cursor() -> None:
    appview = make_appview(count=30)
    pages = walk(appview, "actor=kommun.bsky.demo&limit=5")
    items = [item for page in pages for item in page["feed"]]
    keys = [(item["post"]["uri"], (item.get("reason") or {}).get("uri")) for item in items]
    assert len(keys) == len(set(keys)) == 30 + 2 + 1  # own posts, two replies, one visible repost
    short_with_cursor = [p for p in pages[:-1] if len(p["feed"]) < 5]
    assert short_with_cursor, "hidden reposts must make some pages short while a cursor is still given"
    assert all("cursor" in p for p in pages[:-1]) and "cursor" not in pages[-1]
    assert pages[-1]["feed"] == []  # the end is an empty page without cursor
    assert all(re.fullmatch(r"\d{13}__b[a-z2-7]+", p["cursor"]) for p in pages[:-1])
    times = [item.get("reason", {}).get("indexedAt") or item["post"]["indexedAt"] for item in items]
    assert times == sorted(times, reverse=True)


def test_logged_in_viewers_see_the_hidden_reposts() -> None:
    appview = make_appview(count=10)
    anonymous = sum(len(p["feed"]) for p in walk(appview, "actor=kommun.bsky.demo&limit=4"))
    signed_in = sum(len(p["feed"]) for p in walk(appview, "actor=kommun.bsky.demo&limit=4", Authorization="Bearer x"))
    assert signed_in - anonymous == 6


def test_fill_fetches_backfill_short_pages() -> None:
    appview = make_appview(count=10, fill_fetches=10)
    pages = walk(appview, "actor=kommun.bsky.demo&limit=4")
    assert all(len(p["feed"]) == 4 for p in pages[:-2])


def test_cursor_edge_cases() -> None:
    appview = make_appview(count=3)
    assert call(appview, f"{FEED}?actor=kommun.bsky.demo&cursor=1::2").json_body() == {"feed": []}
    bad = call(appview, f"{FEED}?actor=kommun.bsky.demo&cursor=nonsense")
    assert bad.status == 400 and bad.json_body()["message"] == "Malformed cursor"


def test_filters() -> None:
    appview = make_appview(count=14)

    def texts(filter_name: str) -> list[tuple[str, bool]]:
        feed = call(appview, f"{FEED}?actor=kommun.bsky.demo&limit=100&filter={filter_name}").json_body()["feed"]
        return [(item["post"]["record"]["text"], "reason" in item) for item in feed]

    with_replies = texts("posts_with_replies")
    no_replies = texts("posts_no_replies")
    threads = texts("posts_and_author_threads")
    media = texts("posts_with_media")
    assert ("Svar", False) in with_replies and ("Tråd 2/2", False) in with_replies
    assert ("Svar", False) not in no_replies and ("Tråd 2/2", False) not in no_replies
    assert ("Fråga?", True) in no_replies  # posts_no_replies still returns reposts
    assert ("Tråd 2/2", False) in threads and ("Svar", False) not in threads
    assert media and all(not reposted for _, reposted in media) and len(media) == 2
    assert texts("posts_with_video") == []
    invalid = call(appview, f"{FEED}?actor=kommun.bsky.demo&filter=everything")
    assert invalid.status == 400 and invalid.json_body()["message"].startswith("Error: filter must be one of (")


def test_include_pins() -> None:
    actors = [BlueskyActorSpec(handle="k.bsky.demo", pinned_rkey=tid(5, 1))]
    posts = [BlueskyPostSpec(author="k.bsky.demo", rkey=tid(i, 1), created_at=T0 + dt.timedelta(hours=i), text=str(i))
             for i in range(3, 8)]
    appview = BlueskyEmulator(actors, posts)
    feed = call(appview, f"{FEED}?actor=k.bsky.demo&includePins=true").json_body()["feed"]
    assert feed[0]["reason"] == {"$type": "app.bsky.feed.defs#reasonPin"} and feed[0]["post"]["record"]["text"] == "5"
    assert len(feed) == 6
    assert "reason" not in call(appview, f"{FEED}?actor=k.bsky.demo").json_body()["feed"][0]


def test_rate_limit_headers_and_429() -> None:
    clock = [1_773_000_100.0]
    appview = make_appview(count=1, rate_limit=2, rate_period=300, clock=lambda: clock[0])
    ok = call(appview, f"{FEED}?actor=kommun.bsky.demo")
    assert ok.headers["RateLimit-Limit"] == "2" and ok.headers["RateLimit-Remaining"] == "1"
    assert ok.headers["RateLimit-Policy"] == "2;w=300"
    assert int(ok.headers["RateLimit-Reset"]) % 300 == 0 and int(ok.headers["RateLimit-Reset"]) > clock[0]
    call(appview, f"{FEED}?actor=kommun.bsky.demo")
    limited = call(appview, f"{FEED}?actor=kommun.bsky.demo")
    assert limited.status == 429
    assert limited.json_body()["error"] == "RateLimitExceeded" and "message" in limited.json_body()
    assert int(limited.headers["Retry-After"]) == 1773000300 - 1773000100
    assert limited.headers["RateLimit-Remaining"] == "0"


def test_injected_upstream_failure() -> None:
    server = FaultyServer("bsky", make_appview(count=2))
    try:
        server.faults.add(Fault(status=502, nth=2))
        target = f"{FEED}?actor=kommun.bsky.demo"
        responses = [server.dispatch(Request.get(target)) for _ in range(3)]
        assert [r.status for r in responses] == [200, 502, 200]
        assert responses[1].json_body() == {"error": "UpstreamFailure", "message": "Upstream Failure"}
        assert "RateLimit-Limit" in responses[1].headers
    finally:
        server.stop()


def test_unknown_method_and_path() -> None:
    appview = make_appview(count=1)
    assert call(appview, "/xrpc/app.bsky.feed.searchPosts?q=x").json_body()["error"] == "MethodNotImplemented"
    assert call(appview, "/").status == 404


def test_byte_offset_facets() -> None:
    text, facets = (RichText().text("💧 Vattnet på Storgatan 🚰 ").link("sjobacka.se/nyheter/va...",
                                                                       "https://sjobacka.se/nyheter/vatten")
                    .text(" ").tag("Sjöbacka").build())
    link, tag = facets
    assert facet_text(text, link) == "sjobacka.se/nyheter/va..."
    assert facet_text(text, tag) == "#Sjöbacka"
    assert link["index"]["byteStart"] != text.index("sjobacka.se")  # bytes, not characters
    assert tag["index"]["byteEnd"] - tag["index"]["byteStart"] == len("#Sjöbacka".encode("utf-8"))
    detected = detect_facets("Läs mer på https://sjöbacka.se/ä?x=1 #Sjöbacka 🎉")
    assert [f["features"][0]["$type"].split("#")[1] for f in detected] == ["link", "tag"]
    assert facet_text("Läs mer på https://sjöbacka.se/ä?x=1 #Sjöbacka 🎉", detected[0]) == "https://sjöbacka.se/ä?x=1"


def test_demo_feed_facets_and_embeds(scenario: Scenario) -> None:
    appview = BlueskyEmulator(scenario.bluesky_actors, scenario.bluesky_posts, scenario.bluesky_reposts)
    feed = call(appview, f"{FEED}?actor={BLUESKY_HANDLE}&limit=100").json_body()["feed"]
    link_facets = 0
    for item in feed:
        record = item["post"]["record"]
        for facet in record.get("facets", []):
            covered = facet_text(record["text"], facet)
            feature = facet["features"][0]
            if feature["$type"].endswith("#link"):
                link_facets += 1
                assert covered.endswith("...") and feature["uri"].split("://", 1)[1].startswith(covered[:-3])
                before = record["text"].encode("utf-8")[: facet["index"]["byteStart"]].decode("utf-8")
                assert len(before.encode("utf-8")) > len(before)  # non-ASCII precedes the link
            elif feature["$type"].endswith("#tag"):
                assert covered == "#" + feature["tag"]
            else:
                assert covered.startswith("@")
    assert link_facets >= 4
    alts = [img["alt"] for item in feed for img in item["post"].get("embed", {}).get("images", [])]
    assert "" in alts and any(alts)
    external = [item for item in feed if item["post"].get("embed", {}).get("$type") == "app.bsky.embed.external#view"]
    assert external and all(e["post"]["record"]["embed"]["$type"] == "app.bsky.embed.external" for e in external)
    reposts = [item for item in feed if "reason" in item]
    assert len(reposts) == 2  # the three opted-out reposts are hidden from logged-out viewers
    for item in reposts:
        reason = item["reason"]
        assert reason["$type"] == "app.bsky.feed.defs#reasonRepost"
        assert reason["by"]["handle"] == BLUESKY_HANDLE and item["post"]["author"]["handle"] != BLUESKY_HANDLE
        assert re.fullmatch(r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.repost/[a-z2-7]{13}", reason["uri"])
    replies = [item for item in feed if "reply" in item["post"]["record"]]
    assert {item["reply"]["parent"]["$type"] for item in replies} == {
        "app.bsky.feed.defs#postView", "app.bsky.feed.defs#notFoundPost"}


def test_shapes_match_the_recorded_appview_response(bluesky_reference: dict[str, Any]) -> None:
    actors = [BlueskyActorSpec(handle="kommun.bsky.demo"), BlueskyActorSpec(handle="granne.bsky.demo")]
    question = BlueskyPostSpec(author="granne.bsky.demo", rkey=tid(1, 2), created_at=T0, text="Fråga?",
                               images=(BlueskyImageSpec(alt="Bild"),))
    posts = [
        question,
        BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(2, 1), created_at=T0, text="Svar", reply_to=question.ref),
        BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(3, 1), created_at=T0, text="Länk https://a.se/x",
                        external=BlueskyExternalSpec(uri="https://a.se/x", title="A", description="B")),
    ]
    reposts = [BlueskyRepostSpec(by="kommun.bsky.demo", rkey=tid(4, 1), subject=question.ref, created_at=T0)]
    ours = call(BlueskyEmulator(actors, posts, reposts), f"{FEED}?actor=kommun.bsky.demo").json_body()
    real = bluesky_reference["feed"]

    def keys(items: list[dict[str, Any]], pick: Any) -> set[str]:
        found: set[str] = set()
        for item in items:
            value = pick(item)
            if isinstance(value, dict):
                found |= set(value)
        return found

    optional = {"associated", "viewer"}
    assert set(ours) == set(bluesky_reference)
    assert keys(real, lambda i: i) == keys(ours["feed"], lambda i: i) == {"post", "reply", "reason"}
    assert keys(real, lambda i: i["post"]) <= keys(ours["feed"], lambda i: i["post"])
    assert keys(real, lambda i: i["post"]["author"]) - optional <= keys(ours["feed"], lambda i: i["post"]["author"])
    assert keys(real, lambda i: i.get("reason")) <= keys(ours["feed"], lambda i: i.get("reason"))

    def parent_view(item: dict[str, Any]) -> Any:
        parent = (item.get("reply") or {}).get("parent") or {}
        return parent if parent.get("$type") == "app.bsky.feed.defs#postView" else None

    assert keys(real, parent_view) <= keys(ours["feed"], parent_view)
    real_record_keys = keys(real, lambda i: i["post"]["record"])
    assert keys(ours["feed"], lambda i: i["post"]["record"]) <= real_record_keys
    for embed_type in ("app.bsky.embed.images#view", "app.bsky.embed.external#view"):
        real_embed = next(i["post"]["embed"] for i in real if i["post"].get("embed", {}).get("$type") == embed_type)
        our_embed = next(i["post"]["embed"] for i in ours["feed"]
                         if i["post"].get("embed", {}).get("$type") == embed_type)
        assert set(real_embed) == set(our_embed)
        inner = "images" if "images" in real_embed else "external"
        real_inner = real_embed[inner][0] if inner == "images" else real_embed[inner]
        our_inner = our_embed[inner][0] if inner == "images" else our_embed[inner]
        assert set(real_inner) - {"aspectRatio"} <= set(our_inner)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ours["feed"][0]["post"]["indexedAt"])


def test_reply_to_a_deleted_post_shows_not_found(bluesky_reference: dict[str, Any]) -> None:
    actors = [BlueskyActorSpec(handle="kommun.bsky.demo"), BlueskyActorSpec(handle="granne.bsky.demo")]
    gone = BlueskyPostSpec(author="granne.bsky.demo", rkey=tid(1, 2), created_at=T0, text="borta", deleted=True)
    reply = BlueskyPostSpec(author="kommun.bsky.demo", rkey=tid(2, 1), created_at=T0, text="Svar", reply_to=gone.ref)
    feed = call(BlueskyEmulator(actors, [gone, reply]), f"{FEED}?actor=kommun.bsky.demo").json_body()["feed"]
    real = next(i["reply"]["parent"] for i in bluesky_reference["feed"]
                if (i.get("reply") or {}).get("parent", {}).get("notFound"))
    assert set(feed[0]["reply"]["parent"]) == set(real)
    assert feed[0]["reply"]["parent"]["notFound"] is True
    assert feed[0]["post"]["record"]["reply"]["parent"]["uri"] == feed[0]["reply"]["parent"]["uri"]
