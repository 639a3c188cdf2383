"""The Mastodon emulator against the behaviour of a real 4.x server (in process, no sockets)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from parity.demo.httpmsg import Request, Response
from parity.demo.mastodon_emulator import MastodonEmulator
from parity.demo.mastodon_entities import (
    VIEWER_ONLY_STATUS_FIELDS,
    MastodonAccountSpec,
    MastodonMediaSpec,
    MastodonStatusSpec,
    id_sort_key,
    snowflake_id,
)
from parity.demo.mastodon_params import active_model_boolean, limit_param
from tests.support.fault_http import FaultyServer
from tests.support.faults import Fault, FaultInjector

BASE = "http://127.0.0.1:4000"
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
ACCOUNT_ID = "109348713215804416"


def make_instance(count: int = 45, **kwargs: Any) -> MastodonEmulator:
    """An account with ``count`` own posts plus a reply to someone else, a self-reply, a boost and media."""
    accounts = [
        MastodonAccountSpec(id=ACCOUNT_ID, username="kommun", display_name="Kommunen"),
        MastodonAccountSpec(id="109512004466831227", username="lena_b", display_name="Lena"),
    ]
    statuses = [
        MastodonStatusSpec(id=snowflake_id(T0 + dt.timedelta(hours=i)), account="kommun",
                           created_at=T0 + dt.timedelta(hours=i), text=f"Inlägg nummer {i} #Sjöbacka" if i % 5 == 0
                           else f"Inlägg nummer {i}",
                           media=(MastodonMediaSpec(description="Karta" if i % 20 == 3 else None),) if i % 10 == 3 else ())
        for i in range(count)
    ]
    other = MastodonStatusSpec(id=snowflake_id(T0 - dt.timedelta(days=1)), account="lena_b",
                               created_at=T0 - dt.timedelta(days=1), text="En fråga till kommunen")
    later = T0 + dt.timedelta(hours=count)
    statuses += [
        other,
        MastodonStatusSpec(id=snowflake_id(later, 1), account="kommun", created_at=later,
                           text="@lena_b Svar till Lena", in_reply_to_id=other.id),
        MastodonStatusSpec(id=snowflake_id(later, 2), account="kommun", created_at=later,
                           text="Fortsättning i egen tråd", in_reply_to_id=statuses[0].id),
        MastodonStatusSpec(id=snowflake_id(later, 3), account="kommun", created_at=later, reblog_of_id=other.id),
        MastodonStatusSpec(id=snowflake_id(later, 4), account="kommun", created_at=later, text="Bara följare",
                           visibility="private"),
    ]
    return MastodonEmulator(accounts, statuses, **kwargs)


def get(emulator: MastodonEmulator, target: str, **headers: str) -> Response:
    return emulator.handle(Request.get(target, headers=headers, base_url=BASE))


def links(response: Response) -> dict[str, str]:
    header = response.headers.get("Link") or ""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def walk(emulator: MastodonEmulator, first: str) -> list[list[dict[str, Any]]]:
    pages, target = [], first
    while target:
        response = get(emulator, target)
        assert response.status == 200
        pages.append(response.json_body())
        target = links(response).get("next", "").replace(BASE, "")
        assert len(pages) < 100
    return pages


def test_string_ids_sort_by_length_then_lexically() -> None:
    accounts = [MastodonAccountSpec(id="7", username="kort")]
    statuses = [MastodonStatusSpec(id=i, account="kort", created_at=T0, text=i) for i in ("9", "10", "100", "11", "99")]
    body = get(MastodonEmulator(accounts, statuses), "/api/v1/accounts/7/statuses").json_body()
    assert [s["id"] for s in body] == ["100", "99", "11", "10", "9"]
    assert all(isinstance(s["id"], str) for s in body)
    assert sorted(["9", "10"], key=id_sort_key) == ["9", "10"]


def test_paging_with_link_next_returns_every_public_status_once() -> None:
    emulator = make_instance()
    pages = walk(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=7")
    ids = [s["id"] for page in pages for s in page]
    public = [s for s in emulator.statuses.values() if s.account == "kommun" and s.visibility == "public"]
    assert sorted(ids, key=id_sort_key, reverse=True) == ids
    assert len(ids) == len(set(ids)) == len(public) == 48
    assert [len(p) for p in pages][:-1] == [7] * (len(pages) - 1)


def test_link_header_rules() -> None:
    emulator = make_instance(count=10)
    full = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=5&exclude_reblogs=true&only_media=0")
    rel = links(full)
    body = full.json_body()
    assert set(rel) == {"next", "prev"}
    assert rel["next"] == (f"{BASE}/api/v1/accounts/{ACCOUNT_ID}/statuses?exclude_reblogs=true&limit=5"
                           f"&max_id={body[-1]['id']}&only_media=0")
    assert rel["prev"] == (f"{BASE}/api/v1/accounts/{ACCOUNT_ID}/statuses?exclude_reblogs=true&limit=5"
                           f"&min_id={body[0]['id']}&only_media=0")
    # a short page has no next, only prev
    last = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=40")
    assert len(last.json_body()) < 40 and set(links(last)) == {"prev"}
    # an empty page has no Link header at all
    oldest = min(emulator.statuses, key=id_sort_key)
    empty = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses?max_id={oldest}")
    assert empty.json_body() == [] and empty.headers.get("Link") is None
    # limit is only repeated when the client sent it
    default = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert "limit=" not in default.headers["Link"]


def test_prev_link_pages_forward_with_min_id() -> None:
    emulator = make_instance(count=30)
    older = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=5&max_id={snowflake_id(T0 + dt.timedelta(hours=20))}")
    prev = links(older)["prev"].replace(BASE, "")
    newer = get(emulator, prev).json_body()
    assert len(newer) == 5
    assert id_sort_key(newer[-1]["id"]) > id_sort_key(older.json_body()[0]["id"])
    assert newer == sorted(newer, key=lambda s: id_sort_key(s["id"]), reverse=True)


@pytest.mark.parametrize(("raw", "expected"), [(None, 20), ("5", 5), ("40", 40), ("100", 40), ("-7", 7), ("abc", 0),
                                               ("12abc", 12)])
def test_limit_param_like_the_controller(raw: str | None, expected: int) -> None:
    assert limit_param(raw) == expected


def test_limit_is_clamped_to_forty() -> None:
    body = get(make_instance(), f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=100").json_body()
    assert len(body) == 40


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("yes", True), ("t", True),
                                               ("false", False), ("0", False), ("f", False), ("off", False),
                                               ("FALSE", False), ("", None), (None, None)])
def test_boolean_params_parse_like_active_model(raw: str | None, expected: bool | None) -> None:
    assert active_model_boolean(raw) is expected


def test_filters() -> None:
    emulator = make_instance(count=12)
    url = f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=40"
    everything = get(emulator, url).json_body()
    no_replies = get(emulator, url + "&exclude_replies=1").json_body()
    no_reblogs = get(emulator, url + "&exclude_reblogs=true").json_body()
    media = get(emulator, url + "&only_media=true").json_body()
    tagged = get(emulator, url + "&tagged=sjöbacka").json_body()
    not_excluded = get(emulator, url + "&exclude_replies=false").json_body()
    assert not any(s["visibility"] == "private" for s in everything)
    replies = [s for s in everything if s["in_reply_to_id"]]
    assert len(replies) == 2
    kept = [s for s in no_replies if s["in_reply_to_id"]]
    assert [s["content"] for s in kept] == ["<p>Fortsättning i egen tråd</p>"]  # self-thread replies stay
    assert len(everything) - len(no_reblogs) == 1 and all(s["reblog"] is None for s in no_reblogs)
    assert media and all(s["media_attachments"] for s in media)
    assert tagged and all("#<span>Sjöbacka</span>" in s["content"] for s in tagged)
    assert len(not_excluded) == len(everything)


def test_reblog_and_reply_shapes() -> None:
    body = get(make_instance(count=3), f"/api/v1/accounts/{ACCOUNT_ID}/statuses").json_body()
    boost = next(s for s in body if s["reblog"])
    assert boost["content"] == "" and boost["url"] is None and boost["uri"].endswith("/activity")
    assert boost["reblog"]["account"]["username"] == "lena_b" and boost["reblog"]["content"]
    reply = next(s for s in body if s["in_reply_to_id"] and s["mentions"])
    assert reply["in_reply_to_account_id"] == "109512004466831227"
    assert reply["mentions"][0]["acct"] == "lena_b"
    assert '<span class="h-card" translate="no"><a href="http://127.0.0.1:4000/@lena_b" class="u-url mention">' \
           in reply["content"]


def test_content_html_is_shaped_like_mastodon() -> None:
    url = "https://www.sjobacka.se/nyheter/vattenavstangning-pa-storgatan?utm_source=mastodon"
    accounts = [MastodonAccountSpec(id="1", username="k")]
    status = MastodonStatusSpec(id="5", account="k", created_at=T0,
                                text=f"Rad ett & <två>\nrad 'tre'\n\nLäs: {url}. #Vatten")
    content = get(MastodonEmulator(accounts, [status]), "/api/v1/statuses/5").json_body()["content"]
    assert content.startswith("<p>Rad ett &amp; &lt;två&gt;<br />rad &#39;tre&#39;</p><p>Läs: ")
    assert (f'<a href="{url}" target="_blank" rel="nofollow noopener" translate="no">'
            '<span class="invisible">https://www.</span><span class="ellipsis">sjobacka.se/nyheter/vattenavst</span>'
            '<span class="invisible">angning-pa-storgatan?utm_source=mastodon</span></a>.') in content
    assert '<a href="http://127.0.0.1:4000/tags/vatten" class="mention hashtag" rel="tag">#<span>Vatten</span></a>' \
           in content
    short = MastodonStatusSpec(id="6", account="k", created_at=T0, text="https://kort.se/a")
    html = get(MastodonEmulator(accounts, [short]), "/api/v1/statuses/6").json_body()["content"]
    assert '<span class="invisible">https://</span><span class="">kort.se/a</span><span class="invisible"></span>' in html


def test_lookup_and_webfinger() -> None:
    emulator = make_instance(count=1)
    for acct in ("kommun", "kommun@social.demo", "@kommun@social.demo", "KOMMUN", "kommun@127.0.0.1:4000"):
        response = get(emulator, f"/api/v1/accounts/lookup?acct={acct}")
        assert response.status == 200, acct
        assert response.json_body()["id"] == ACCOUNT_ID
    for acct in ("nobody", "kommun@other.example", ""):
        response = get(emulator, f"/api/v1/accounts/lookup?acct={acct}")
        assert (response.status, response.text) == (404, '{"error":"Record not found"}')
    assert get(emulator, "/api/v1/accounts/123/statuses").status == 404
    finger = get(emulator, "/.well-known/webfinger?resource=acct:kommun@social.demo")
    assert finger.status == 200 and finger.headers["Content-Type"].startswith("application/jrd+json")
    data = finger.json_body()
    assert data["subject"] == "acct:kommun@social.demo"
    assert {"rel": "self", "type": "application/activity+json", "href": f"{BASE}/ap/users/{ACCOUNT_ID}"} \
        in data["links"]
    assert get(emulator, "/.well-known/webfinger?resource=acct:nobody@social.demo").status == 404
    assert get(emulator, "/.well-known/webfinger").status == 400


def test_rate_limit_headers_and_429() -> None:
    clock = [1_773_000_123.25]
    emulator = make_instance(count=2, rate_limit=2, rate_period=300, clock=lambda: clock[0])
    first = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert first.headers["X-RateLimit-Limit"] == "2" and first.headers["X-RateLimit-Remaining"] == "1"
    reset = first.headers["X-RateLimit-Reset"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", reset)
    reset_at = dt.datetime.strptime(reset, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert int(reset_at.timestamp()) % 300 == 0 and reset_at.microsecond == 250000
    get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    limited = get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert limited.status == 429
    assert limited.text == '{"error":"Too many requests"}'
    assert limited.headers["Content-Type"].startswith("application/json")
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" not in limited.headers
    assert get(emulator, "/@kommun.rss").status == 200  # RSS is not throttled with the API
    clock[0] += 300
    assert get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses").status == 200


def test_locked_down_instance() -> None:
    emulator = make_instance(count=2, require_auth=True)
    for target in ("/api/v1/accounts/lookup?acct=kommun", f"/api/v1/accounts/{ACCOUNT_ID}/statuses"):
        response = get(emulator, target)
        assert (response.status, response.text) == (401, '{"error":"This API requires an authenticated user"}')
        assert "X-RateLimit-Limit" in response.headers
    assert get(emulator, f"/api/v1/accounts/{ACCOUNT_ID}/statuses", Authorization="Bearer abc").status == 200
    assert get(emulator, "/@kommun.rss").status == 200


def test_status_json_matches_recorded_field_set(mastodon_reference: list[dict[str, Any]]) -> None:
    recorded_status = next(
        r["body"][0] for r in mastodon_reference
        if r["method"] == "GET" and "/statuses" in r["uri"] and isinstance(r["body"], list) and r["body"]
    )
    recorded_account = next(r["body"] for r in mastodon_reference if "/lookup" in r["uri"] and r["status"] == 200)
    body = get(make_instance(count=2), f"/api/v1/accounts/{ACCOUNT_ID}/statuses").json_body()
    plain = next(s for s in body if not s["reblog"] and not s["in_reply_to_id"])
    assert set(plain) == set(recorded_status) - VIEWER_ONLY_STATUS_FIELDS
    assert list(plain)[:3] == list(recorded_status)[:3]
    assert set(plain["account"]) == set(recorded_account)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", plain["created_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", plain["account"]["last_status_at"])


def test_headers_match_recorded_traffic(mastodon_reference: list[dict[str, Any]]) -> None:
    recorded = next(r for r in mastodon_reference if r["uri"].endswith("/statuses?limit=5"))
    response = get(make_instance(count=30), f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=5")
    ours = {name.lower() for name, _ in response.headers.items()}
    wanted = {"cache-control", "content-type", "etag", "link", "vary", "x-ratelimit-limit",
              "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id", "x-runtime"}
    assert wanted <= ours and wanted <= set(recorded["headers"])
    assert response.headers["Content-Type"] == recorded["headers"]["content-type"]
    assert response.headers["Vary"] == recorded["headers"]["vary"]
    # same Link syntax: "<url>; rel=\"next\", <url>; rel=\"prev\"" with limit kept and max_id / min_id
    pattern = r'<[^>]+\?limit=5&max_id=\d+>; rel="next", <[^>]+\?limit=5&min_id=\d+>; rel="prev"'
    assert re.fullmatch(pattern, recorded["headers"]["link"])
    assert re.fullmatch(pattern, response.headers["Link"])
    pinned_recorded = next(r for r in mastodon_reference if r["uri"].endswith("/statuses?pinned=1"))
    accounts = [MastodonAccountSpec(id="7", username="k")]
    pinned = MastodonEmulator(accounts, [MastodonStatusSpec(id="70", account="k", created_at=T0, text="x", pinned=True),
                                         MastodonStatusSpec(id="71", account="k", created_at=T0, text="y")])
    pinned_link = get(pinned, "/api/v1/accounts/7/statuses?pinned=1").headers["Link"]
    pinned_pattern = r'<[^>]+/statuses\?min_id=\d+&pinned=1>; rel="prev"'
    assert re.fullmatch(pinned_pattern, pinned_recorded["headers"]["link"]) and re.fullmatch(pinned_pattern, pinned_link)
    not_found = next(r for r in mastodon_reference if r["status"] == 404)
    assert get(make_instance(count=1), "/api/v1/accounts/lookup?acct=x").json_body() == not_found["body"]


def test_rss_feed_like_mastodon_4() -> None:
    emulator = make_instance(count=230)
    response = get(emulator, "/@kommun.rss")
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.body)
    assert not feed.bozo and len(feed.entries) == 20
    root = ET.fromstring(response.body)
    items = root.findall("./channel/item")
    assert all(item.find("title") is None for item in items)
    for item in items:
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "true" and guid.text == item.findtext("link")
        parsedate_to_datetime(item.findtext("pubDate") or "")
        assert (item.findtext("description") or "").startswith("<p>")
    assert root.findtext("./channel/generator") == "Mastodon v4.6.4"
    contents = " ".join(item.findtext("description") or "" for item in items)
    assert "Svar till Lena" not in contents and "Fortsättning i egen tråd" in contents  # self-replies kept
    big = feedparser.parse(get(emulator, "/@kommun.rss?limit=500").body)
    assert len(big.entries) == 200
    assert len(feedparser.parse(get(emulator, "/@kommun.rss?limit=3").body).entries) == 3
    media = ET.fromstring(get(emulator, "/@kommun.rss?limit=200").body).findall(
        ".//{http://search.yahoo.com/mrss/}content")
    assert media and {m.findtext("{http://search.yahoo.com/mrss/}description") for m in media} == {"Karta", None}
    with_replies = get(emulator, "/@kommun/with_replies.rss?limit=200").text
    assert "Svar till Lena" in with_replies
    assert get(emulator, "/@nobody.rss").status == 404


def test_injected_faults_use_mastodon_error_formats() -> None:
    server = FaultyServer("m", make_instance(count=3), faults=FaultInjector())
    try:
        server.faults.add(Fault(status=503, path="/api/v1/accounts/", nth=2))
        server.faults.add(Fault(status=500, path="/api/v1/statuses/"))
        target = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
        statuses = [server.dispatch(Request.get(target, base_url=BASE)).status for _ in range(3)]
        assert statuses == [200, 503, 200]
        failed = server.dispatch(Request.get("/api/v1/statuses/1", base_url=BASE))
        assert failed.status == 500 and failed.headers["Content-Type"].startswith("text/html")
        server.faults.clear()
        server.faults.add(Fault(status=503, times=1))
        unavailable = server.dispatch(Request.get(target, base_url=BASE))
        assert unavailable.json_body() == {
            "error": "There was a temporary problem serving your request, please try again"}
        assert server.access_log.statuses("m") == {200: 2, 503: 2, 500: 1}
    finally:
        server.stop()


def test_query_of_next_link_is_parseable() -> None:
    response = get(make_instance(), f"/api/v1/accounts/{ACCOUNT_ID}/statuses?limit=3&tagged=sjöbacka")
    query = parse_qs(urlsplit(links(response)["next"]).query)
    assert query["tagged"] == ["sjöbacka"] and query["limit"] == ["3"] and "max_id" in query
