"""Real client libraries against the emulators: if Mastodon.py or the atproto SDK cannot read
what the emulators send, the emulators are wrong, whatever our own parsers think."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest
import requests

from parity.demo.httpserver import DemoServer
from parity.demo.scenario import BLUESKY_HANDLE, MASTODON_ACCOUNT
from parity.demo.world import DemoWorld

from .test_mastodon_emulator import ACCOUNT_ID, make_instance

mastodon = pytest.importorskip("mastodon")
atproto = pytest.importorskip("atproto")
from atproto_client import models  # noqa: E402
from atproto_client.exceptions import BadRequestError  # noqa: E402
from atproto_client.models.app.bsky.feed import get_author_feed  # noqa: E402
from atproto_client.models.utils import get_or_create  # noqa: E402


@pytest.fixture()
def mastodon_server() -> Iterator[DemoServer]:
    server = DemoServer("mastodon", make_instance(count=45))
    server.start()
    yield server
    server.stop()


def client(base: str, **kwargs: Any) -> Any:
    return mastodon.Mastodon(api_base_url=base, version_check_mode="none", **kwargs)


def test_mastodon_py_pages_to_the_end(mastodon_server: DemoServer) -> None:
    api = client(mastodon_server.base_url)
    account = api.account_lookup("kommun")
    first = api.account_statuses(account["id"], limit=7)
    everything = api.fetch_remaining(first)
    ids = [str(s["id"]) for s in everything]
    emulator = mastodon_server.app
    public = [s.id for s in emulator.statuses.values() if s.account == "kommun" and s.visibility == "public"]
    assert len(ids) == len(set(ids)) == len(public)
    assert set(ids) == set(public)
    assert str(account["id"]) == ACCOUNT_ID
    assert api.ratelimit_limit == 300 and api.ratelimit_remaining < 300
    assert api.ratelimit_reset > time.time()
    requests_made = mastodon_server.access_log.count(f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert requests_made == -(-len(public) // 7) + (1 if len(public) % 7 == 0 else 0)


def test_mastodon_py_reads_the_demo_account(world: DemoWorld) -> None:
    api = client(world.mastodon_base)
    account = api.account_lookup(MASTODON_ACCOUNT)
    statuses = api.fetch_remaining(api.account_statuses(account["id"], limit=5))
    ids = {f"mastodon:{MASTODON_ACCOUNT}:{s['id']}" for s in statuses}
    expected = {post_id for post_id, e in world.expectations.items() if e.platform == "mastodon"}
    assert ids == expected
    boosts = [s for s in statuses if s["reblog"]]
    assert len(boosts) == 2 and all(s["reblog"]["account"]["acct"] == "raddningstjansten" for s in boosts)
    with_alt = [m["description"] for s in statuses for m in s["media_attachments"]]
    assert None in with_alt and any(with_alt)


def test_mastodon_py_sees_429_and_401() -> None:
    limited = DemoServer("m", make_instance(count=3, rate_limit=1))
    locked = DemoServer("m2", make_instance(count=3, require_auth=True))
    for server in (limited, locked):
        server.start()
    try:
        api = client(limited.base_url, ratelimit_method="throw")
        api.account_statuses(ACCOUNT_ID)
        with pytest.raises(mastodon.MastodonRatelimitError):
            api.account_statuses(ACCOUNT_ID)
        with pytest.raises(mastodon.MastodonUnauthorizedError):
            client(locked.base_url).account_statuses(ACCOUNT_ID)
        with pytest.raises(mastodon.MastodonNotFoundError):
            client(locked.base_url, access_token="x").account_lookup("nobody")
    finally:
        for server in (limited, locked):
            server.stop()


def _walk_raw(base: str, limit: int) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"actor": BLUESKY_HANDLE, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = requests.get(f"{base}/xrpc/app.bsky.feed.getAuthorFeed", params=params, timeout=5).json()
        pages.append(body)
        cursor = body.get("cursor")
        if not cursor:
            return pages


def test_atproto_models_parse_every_page_strictly(world: DemoWorld) -> None:
    pages = _walk_raw(world.bluesky_base, 6)
    reasons, embeds = set(), set()
    for body in pages:
        parsed = get_or_create(body, get_author_feed.Response, strict=True, strict_string_format=True)
        assert isinstance(parsed, get_author_feed.Response)
        for item in parsed.feed:
            assert isinstance(item.post.record, models.AppBskyFeedPost.Record)
            if item.reason is not None:
                reasons.add(type(item.reason).__name__)
            if item.post.embed is not None:
                embeds.add(item.post.embed.py_type)
    assert reasons == {"ReasonRepost"}
    assert embeds == {"app.bsky.embed.images#view", "app.bsky.embed.external#view"}
    profile = requests.get(f"{world.bluesky_base}/xrpc/app.bsky.actor.getProfile",
                           params={"actor": BLUESKY_HANDLE}, timeout=5).json()
    parsed_profile = get_or_create(profile, models.AppBskyActorDefs.ProfileViewDetailed, strict=True,
                                   strict_string_format=True)
    assert parsed_profile.pinned_post is not None


def test_atproto_client_pages_the_demo_feed(world: DemoWorld) -> None:
    sdk = atproto.Client(base_url=f"{world.bluesky_base}/xrpc")
    did = sdk.com.atproto.identity.resolve_handle({"handle": BLUESKY_HANDLE}).did
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        page = sdk.app.bsky.feed.get_author_feed({"actor": did, "limit": 4, "cursor": cursor,
                                                 "filter": "posts_and_author_threads"})  # as the crawler asks
        for item in page.feed:
            if item.reason is not None:
                seen.append(item.reason.uri)
            else:
                seen.append(item.post.uri)
        cursor = page.cursor
        if not cursor:
            break
    rkeys = {f"bluesky:{BLUESKY_HANDLE}:{uri.rsplit('/', 1)[1]}" for uri in seen}
    expected = {post_id for post_id, e in world.expectations.items() if e.platform == "bluesky"}
    assert rkeys == expected and len(seen) == len(expected)
    with pytest.raises(BadRequestError) as failure:
        sdk.app.bsky.feed.get_author_feed({"actor": "saknas.bsky.demo"})
    assert failure.value.response.content.error == "InvalidRequest"
    assert failure.value.response.content.message == "Profile not found"
