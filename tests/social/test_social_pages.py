"""Recorded real API responses (../shared/reference/social) through the post parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from crawler.pages.social.bluesky import expand_link_text, facet_links, facet_text, feed_item_to_post
from crawler.pages.social.mastodon import mastodon_html_to_text, next_link, status_to_post


def cassette_responses(path: Path, needle: str) -> list[tuple[str, dict, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        if interaction["request"]["method"] == "GET" and needle in interaction["request"]["uri"]:
            headers = {k.lower(): v[0] for k, v in interaction["response"]["headers"].items()}
            out.append((interaction["request"]["uri"], headers, interaction["response"]["body"]["string"]))
    return out


def test_mastodon_recorded_timeline_pages(shared_dir: Path) -> None:
    pages = cassette_responses(shared_dir / "reference/social/mastodon/test_fetch_next_previous.yaml", "/statuses?limit=5")
    uri, headers, body = pages[0]
    statuses = json.loads(body)
    posts = [status_to_post(s, "o", "mastodonpy_test@localhost") for s in statuses]
    assert [p.text for p in posts] == [f"Toot number {n}!" for n in range(9, 4, -1)]
    assert posts[0].id == "mastodon:mastodonpy_test@localhost:117020580518794573"
    assert posts[0].url == "http://localhost:3000/@mastodonpy_test/117020580518794573"
    assert posts[0].to_json_dict()["published_at"] == "2026-08-01T13:52:34.108000Z"
    assert all(p.kind == "post" and p.lang == "en" for p in posts)
    # The Link header of the real server carries max_id for the next (older) page.
    assert next_link(headers["link"]) == (
        "http://localhost:3000/api/v1/accounts/117020565966271181/statuses?limit=5&max_id=117020580489281910")
    # The following recorded page starts right below that max_id.
    _, _, second = pages[1]
    assert json.loads(second)[0]["id"] < "117020580489281910"


def test_mastodon_boost_reply_and_self_thread() -> None:
    original = {"id": "1", "content": "<p>Original</p>", "account": {"id": "9"}, "url": "https://m/@a/1",
                "created_at": "2026-03-01T08:00:00.000Z", "media_attachments": []}
    boost = {"id": "2", "reblog": original, "content": "", "account": {"id": "5"},
             "created_at": "2026-03-02T08:00:00.000Z", "in_reply_to_id": None}
    reply = {"id": "3", "content": "<p>@anna Tack!</p>", "in_reply_to_id": "77", "in_reply_to_account_id": "8",
             "account": {"id": "5"}, "created_at": "2026-03-02T09:00:00.000Z"}
    thread = {"id": "4", "content": "<p>Forts.</p>", "in_reply_to_id": "3", "in_reply_to_account_id": "5",
              "account": {"id": "5"}, "created_at": "2026-03-02T09:01:00.000Z"}
    assert status_to_post(boost, "o", "a@m").kind == "share"
    assert status_to_post(boost, "o", "a@m").text == "Original"
    assert status_to_post(reply, "o", "a@m").kind == "reply"
    assert status_to_post(thread, "o", "a@m").kind == "post"


def test_mastodon_links_from_href_not_display_text() -> None:
    html = ('<p>Vattnet stängs av. Läs mer: <a href="https://www.uppsala.se/nyheter/vatten?utm_source=masto" '
            'rel="nofollow noopener" target="_blank"><span class="invisible">https://www.</span>'
            '<span class="ellipsis">uppsala.se/nyheter/vat</span><span class="invisible">ten?utm_source=masto</span></a>'
            ' <a href="https://m.example/tags/vatten" class="mention hashtag" rel="tag">#<span>vatten</span></a></p>'
            '<p>Andra stycket<br>ny rad</p>')
    status = {"id": "1", "content": html, "account": {"id": "1"}, "created_at": "2026-03-01T08:00:00Z",
              "card": {"url": "https://www.uppsala.se/nyheter/vatten"},
              "media_attachments": [{"type": "image", "description": None, "url": "https://m/i.png"}]}
    post = status_to_post(status, "o", "a@m")
    assert post.links == ["https://www.uppsala.se/nyheter/vatten?utm_source=masto", "https://www.uppsala.se/nyheter/vatten"]
    assert "#vatten" in post.text and "Andra stycket\nny rad" in post.text
    assert post.media[0].alt is None
    assert mastodon_html_to_text("") == ""


@pytest.fixture(scope="module")
def chriskenny(shared_dir: Path) -> dict:
    path = shared_dir / "reference/social/bluesky/getAuthorFeed-chriskenny.bsky.social-2025-05-19.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_bluesky_recorded_feed(chriskenny: dict) -> None:
    posts = [feed_item_to_post(item, "o", "chriskenny.bsky.social") for item in chriskenny["feed"]]
    kinds = [p.kind for p in posts]
    assert kinds.count("share") == 7  # seven reasonRepost items in the recording
    assert len({p.id for p in posts}) == 50
    first = posts[0]
    assert first.id == "bluesky:chriskenny.bsky.social:3lof7sovfok2h"
    assert first.url == "https://bsky.app/profile/chriskenny.bsky.social/post/3lof7sovfok2h"
    assert all(p.published_at is not None for p in posts)
    # Replies to other people are replies; replies in the author's own thread are posts.
    for item, post in zip(chriskenny["feed"], posts):
        if item.get("reason"):
            continue
        if item["post"]["record"].get("reply"):
            parent_did = item["post"]["record"]["reply"]["parent"]["uri"].split("/")[2]
            own = parent_did == item["post"]["author"]["did"]
            assert post.kind == ("post" if own else "reply")


def test_bluesky_facet_offsets_are_bytes(chriskenny: dict) -> None:
    item = next(i for i in chriskenny["feed"] if "dissertation" in i["post"]["record"]["text"])
    record = item["post"]["record"]
    assert "’" in record["text"]  # a multi-byte character before the link facet
    assert facet_links(record) == ["https://github.com/christopherkenny/harvard-diss"]
    link_facet = record["facets"][-1]
    assert facet_text(record, link_facet) == "github.com/christopherk..."
    assert expand_link_text(record).endswith("https://github.com/christopherkenny/harvard-diss")


def test_bluesky_swedish_and_emoji_offsets() -> None:
    text = "Vattenavstängning på Storgatan 🚰 läs mer: uppsala.se/vatten…"
    raw = text.encode()
    start = raw.index(b"uppsala.se")
    record = {"text": text, "createdAt": "2026-03-01T08:00:00Z", "facets": [
        {"index": {"byteStart": start, "byteEnd": len(raw)},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://www.uppsala.se/vatten"}]}]}
    item = {"post": {"uri": "at://did:plc:x/app.bsky.feed.post/abc", "author": {"did": "did:plc:x", "handle": "u.se"},
                     "record": record}}
    post = feed_item_to_post(item, "o", "u.se")
    assert post.links == ["https://www.uppsala.se/vatten"]
    assert post.text == "Vattenavstängning på Storgatan 🚰 läs mer: https://www.uppsala.se/vatten"
    assert facet_text(record, record["facets"][0]) == "uppsala.se/vatten…"


def test_bluesky_external_embed_and_image_alt() -> None:
    item = {"post": {"uri": "at://did:plc:x/app.bsky.feed.post/k1", "author": {"did": "did:plc:x", "handle": "u.se"},
                     "record": {"text": "Se kartan", "createdAt": "2026-03-01T08:00:00Z", "langs": ["sv"]},
                     "embed": {"$type": "app.bsky.embed.recordWithMedia#view",
                               "media": {"$type": "app.bsky.embed.images#view",
                                         "images": [{"alt": "", "thumb": "t", "fullsize": "f"}]},
                               "record": {}}}}
    post = feed_item_to_post(item, "o", "u.se")
    assert post.lang == "sv"
    assert post.media and post.media[0].alt == ""
    external = {"post": {"uri": "at://did:plc:x/app.bsky.feed.post/k2", "author": {"did": "did:plc:x", "handle": "u.se"},
                         "record": {"text": "Nyhet", "createdAt": "2026-03-01T08:00:00Z"},
                         "embed": {"$type": "app.bsky.embed.external#view",
                                   "external": {"uri": "https://u.se/n", "title": "Rubrik", "description": "Ingress"}}}}
    post = feed_item_to_post(external, "o", "u.se")
    assert post.links == ["https://u.se/n"]
    assert post.model_extra["embed_text"] == "Rubrik Ingress"
