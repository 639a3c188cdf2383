"""Issue 12 §3: server-side request forgery through social paging, WebFinger and redirects.

Hosts named in the config are trusted (that is how these tests run on 127.0.0.1). A host
reached only because a server named it — a Mastodon ``Link: rel="next"``, Graph's
``paging.next``, a WebFinger answer, a redirect — is held to the configured host for API
paging, and refused when it resolves to a loopback/private address unless
``allow_private_addresses = true``. ``127.0.0.2`` stands in for an internal address; a
second app on ``localhost`` is reached only through DNS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.harness import ORG, jsonl, run_config
from tests.reliability.hostile_apis import (
    Request,
    Scripted,
    graph_post,
    json_answer,
    mastodon_status,
    serving,
)
from tests.support.config import config_toml

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

INTERNAL = "127.0.0.2"
TOKEN = "EAAHOSTCANARY0123456789abcdef0123"


def internal_app() -> Scripted:
    """The internal service: any request that reaches it is a failure of the crawler."""
    secret = {"*": lambda r: json_answer({"data": [graph_post("666_1", "INTERNAL SECRET PAGE")],
                                          "paging": {}}), "/": lambda r: json_answer({"admin": True})}
    return Scripted("internal", {"/*": secret["*"]})


def mastodon_app(where: dict[str, str]) -> Scripted:
    """Lookup works; the first statuses page links "next" to the internal host."""
    def statuses(request: Request) -> object:
        link = f'<{where["internal"]}/api/v1/accounts/1/statuses?max_id=1>; rel="next"'
        return json_answer([mastodon_status("2", "Vattnet stängs av på Storgatan")], headers={"Link": link})

    return Scripted("mastodon", {"/api/v1/accounts/lookup": lambda r: json_answer({"id": "1", "acct": "felby"}),
                                 "/api/v1/accounts/1/statuses": statuses})


def webfinger_app(where: dict[str, str]) -> Scripted:
    """The lookup misses; WebFinger names the internal host as the account's instance."""
    jrd = lambda r: json_answer({"subject": "acct:felby@felby.example", "links": [
        {"rel": "self", "type": "application/activity+json", "href": f"{where['internal']}/users/felby"},
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"{where['internal']}/@felby"}]})
    return Scripted("finger", {"/api/v1/accounts/lookup": lambda r: json_answer({"error": "Record not found"}, 404),
                               "/.well-known/webfinger": jrd})


def graph_app(where: dict[str, str]) -> Scripted:
    """Page 4711 pages on to the internal host (with the token in the link); page 4712 redirects there."""
    def posts(request: Request) -> object:
        following = f"{where['internal']}/v21.0/4711/posts?access_token={TOKEN}&after=QVFI"
        return json_answer({"data": [graph_post("4711_1", "Simhallen stänger 3 april")], "paging": {"next": following}})

    def moved(request: Request) -> object:
        return json_answer({}, status=302, headers={"Location": f"{where['internal']}/v21.0/4712/posts"})

    return Scripted("graph", {"/v21.0/4711/posts": posts, "/v21.0/4712/posts": moved})


def test_api_paging_webfinger_and_redirects_stay_on_the_configured_host(tmp_path: Path) -> None:
    where: dict[str, str] = {}
    internal, mastodon, finger, graph = internal_app(), mastodon_app(where), webfinger_app(where), graph_app(where)
    with serving((internal, INTERNAL), (mastodon, "127.0.0.1"), (finger, "127.0.0.1"), (graph, "127.0.0.1")) as base:
        where["internal"] = base["internal"]
        config = config_toml([{"id": ORG, "social": [
            {"platform": "mastodon", "account": "felby@social.example", "api": base["mastodon"]},
            {"platform": "mastodon", "account": "felby@felby.example", "api": base["finger"]},
            {"platform": "facebook", "page_id": "4711", "token_env": "FB_TOKEN", "api": base["graph"]},
            {"platform": "facebook", "page_id": "4712", "token_env": "FB_TOKEN", "api": base["graph"]},
        ]}], retries=0, timeout_seconds=10.0)
        result = run_config(tmp_path, config, "--warc", command="crawl", env={"FB_TOKEN": TOKEN})
    assert internal.seen == []  # 0 requests reached the internal host: no paging, WebFinger or redirect hop
    assert [s.authorization for s in graph.seen] == [f"Bearer {TOKEN}"] * 2  # the token went to the API only
    assert result.code == 4, result.stderr[-3000:]
    by_url = {s["url"]: s for s in result.sources()}
    assert len(by_url) == 4
    paging = by_url[f"{base['mastodon']}/@felby"]
    assert paging["status"] == "partial" and paging["items"] == 1 and "offsite" in paging["error"]
    fingered = by_url[f"{base['finger']}/@felby"]
    assert fingered["status"] == "partial" and "webfinger_offsite" in fingered["error"]
    graph_paging = by_url["https://www.facebook.com/4711"]
    assert graph_paging["status"] == "partial" and graph_paging["items"] == 1 and "offsite" in graph_paging["error"]
    redirected = by_url["https://www.facebook.com/4712"]
    assert redirected["status"] == "failed" and "offsite_redirect" in redirected["error"]
    posts = jsonl(result.out / "posts.jsonl")
    assert len(posts) == 2 and not any("INTERNAL SECRET" in p["text"] for p in posts)
    assert "INTERNAL SECRET" not in (result.out / "crawl.warc.gz").read_bytes().decode("latin-1")


def site_app(where: dict[str, str]) -> Scripted:
    page = ("<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{t}</title></head><body><main>"
            "<article><h1>{t}</h1><p>{t}. Kommunen informerar alla invånare om ändringen i god tid, "
            "läs mer på webbplatsen eller ring kontaktcenter.</p></article></main></body></html>")

    def html(title: str) -> object:
        return lambda r: type(json_answer({})).html(page.format(t=title))

    return Scripted("site", {
        "/robots.txt": lambda r: type(json_answer({})).make(200, "User-agent: *\nAllow: /\n", "text/plain"),
        "/flyttad": lambda r: json_answer({}, status=302, headers={"Location": f"{where['internal']}/nyhet"}),
        "/via-dns": lambda r: json_answer({}, status=302, headers={"Location": f"{where['byname']}/nyhet"}),
        "/egen": html("Vattnet stängs av på Storgatan"),
    })


def internal_site() -> Scripted:
    return Scripted("internal", {
        "/robots.txt": lambda r: type(json_answer({})).make(200, "User-agent: *\nAllow: /\n", "text/plain"),
        "/nyhet": lambda r: type(json_answer({})).html(
            "<html><head><title>INTERNAL ADMIN</title></head><body><main><article><h1>INTERNAL ADMIN</h1>"
            "<p>Intern sida som aldrig ska hämtas av granskningen, oavsett vad en server säger.</p>"
            "</article></main></body></html>")})


@pytest.mark.parametrize("allow_private", [False, True], ids=["private-refused", "private-allowed"])
def test_redirects_to_private_addresses_need_the_setting(tmp_path: Path, allow_private: bool) -> None:
    """``allow_offsite_redirects = true`` no longer reaches 127.0.0.2 or ``localhost`` (resolved by DNS)."""
    where: dict[str, str] = {}
    site, internal, byname = site_app(where), internal_site(), internal_site()
    byname.name = "byname"
    with serving((site, "127.0.0.1"), (internal, INTERNAL), (byname, "127.0.0.1")) as base:
        where["internal"] = base["internal"]
        where["byname"] = base["byname"].replace("127.0.0.1", "localhost")
        config = config_toml([{"id": ORG, "web": [{"type": "page", "url": base["site"] + "/flyttad"},
                                                  {"type": "page", "url": base["site"] + "/via-dns"},
                                                  {"type": "page", "url": base["site"] + "/egen"}]}],
                             allow_offsite_redirects=True, allow_private_addresses=allow_private, retries=0, timeout_seconds=10.0)
        result = run_config(tmp_path, config, command="crawl")
    pages = {s["url"].rsplit("/", 1)[1]: s for s in result.sources()}
    assert pages["egen"]["status"] == "ok" and pages["egen"]["items"] == 1  # the configured host is trusted
    titles = sorted(w["title"] for w in jsonl(result.out / "web.jsonl"))
    if allow_private:
        assert result.code == 0, result.stderr[-2000:]
        assert sorted(s.target for s in internal.seen) == ["/nyhet", "/robots.txt"]
        assert sorted(s.target for s in byname.seen) == ["/nyhet", "/robots.txt"]
        assert titles == ["INTERNAL ADMIN", "INTERNAL ADMIN", "Vattnet stängs av på Storgatan"]
    else:
        assert result.code == 4
        assert internal.seen == [] and byname.seen == []  # 0 requests, not even robots.txt
        for name in ("flyttad", "via-dns"):
            assert pages[name]["status"] == "failed" and "private_address" in pages[name]["error"], pages[name]
        assert titles == ["Vattnet stängs av på Storgatan"]
