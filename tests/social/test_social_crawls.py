"""Crawls of the emulators in a subprocess (``python -m crawler.run`` / ``parity audit``), never in pytest.

Request counts come from the emulators' access logs: they prove what the
crawler actually did (retries, waits, pages), not what it believes it did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest

from parity.demo.mastodon_entities import snowflake_id
from tests.demo.test_bluesky_emulator import make_appview
from tests.demo.test_mastodon_emulator import ACCOUNT_ID, T0, make_instance
from tests.social import worlds
from tests.social.test_exports_import import META_FB
from tests.support.config import config_toml
from tests.support.faults import Fault
from tests.support.graph_emulator import GraphEmulator
from tests.support.run import run_parity
from tests.support.x_emulator import XApiEmulator
from tests.support.youtube_emulator import YoutubeFeedEmulator

pytestmark = pytest.mark.slow

STATUSES = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bluesky_pages(count: int) -> int:
    """How many getAuthorFeed pages the crawler's walk takes (limit 100, its filter), read off the emulator."""
    from parity.demo.httpmsg import Request

    app, pages, cursor = make_appview(count=count), 0, None
    while True:
        target = f"{FEED}?actor=kommun.bsky.demo&limit=100&filter=posts_and_author_threads"
        body = app.handle(Request.get(target + (f"&cursor={cursor}" if cursor else ""))).json_body()
        pages += 1
        cursor = body.get("cursor")
        if not cursor:
            return pages


def test_every_platform_collects_kinds_links_dates_and_media(tmp_path: Path) -> None:
    graph = GraphEmulator(worlds.graph_world(hidden_every=3).pages.values(),
                          worlds.graph_world().instagram.values(), tokens=(worlds.GRAPH_TOKEN,), max_limit=5)
    export = tmp_path / "meta.csv"
    export.write_text(META_FB.replace("03/11/2026", worlds.ago(2).strftime("%m/%d/%Y"))
                      .replace("03/10/2026", worlds.ago(3).strftime("%m/%d/%Y")), encoding="utf-8-sig")
    with worlds.serving(graph=graph, x=worlds.x_world(), yt=worlds.youtube_world(flaky=(404, 500)),
                        bridge=worlds.bridge_world()) as (servers, log):
        base = {name: server.base_url for name, server in servers.items()}
        config = worlds.config([
            worlds.source("facebook", base["graph"]),
            worlds.source("instagram", base["graph"]),
            worlds.source("x", base["x"]),
            worlds.source("youtube", base["yt"]),
            worlds.source("rss", url="https://bridge.example/?action=display&bridge=FacebookBridge&u=sjobacka"
                          "&format=Atom", as_platform="facebook", api=base["bridge"]),
            worlds.source("file", path=str(export)),
        ])
        result = worlds.crawl(tmp_path, config, env={"FB_TOKEN": worlds.GRAPH_TOKEN, "X_TOKEN": worlds.X_TOKEN})
        counts = {name: log.counts(name) for name in servers}
        statuses = log.statuses("yt")
    assert result.code == 0, result.stderr[-2000:]
    sources = result.by_kind()
    assert {k: s["status"] for k, s in sources.items()} == dict.fromkeys(
        ("facebook", "instagram", "x", "youtube", "rss", "file"), "ok")
    assert sources["facebook"]["detail"]["access"] == "graph" and sources["youtube"]["detail"]["access"] == "feed"
    # Graph: 18 posts since the window start, 5 per page (the server caps `limit`): 4 pages, some short.
    fb_in_window = [p for p in graph.pages[worlds.PAGE_ID].posts if p.created >= worlds.ago(30)]
    assert counts["graph"][f"/v21.0/{worlds.PAGE_ID}/posts"] == math.ceil(len(fb_in_window) / 5) == 4
    assert sources["facebook"]["items"] == len([p for p in fb_in_window if not p.hidden]) == 14
    # YouTube: a transient 404, then a 500, then the feed: three requests, 15 videos.
    assert counts["yt"]["/feeds/videos.xml"] == 3 and statuses[404] >= 1 and statuses[500] == 1
    assert sources["youtube"]["items"] == 15
    posts = result.posts()
    by_platform: dict[str, list[dict[str, Any]]] = {}
    for post in posts.values():
        by_platform.setdefault(post["platform"], []).append(post)
    assert set(by_platform) == {"facebook", "instagram", "x", "youtube"}
    water = posts[f"facebook:{worlds.PAGE_ID}:{worlds.PAGE_ID}_900001"]
    assert water["links"] == ["https://www.sjobacka.se/nyheter/vatten"]  # unshimmed, utm_* and fbclid dropped
    assert water["published_at"] == worlds.ago(1, 2).isoformat().replace("+00:00", "Z")
    assert posts[f"facebook:{worlds.PAGE_ID}:{worlds.PAGE_ID}_900005"]["kind"] == "share"
    assert posts[f"instagram:{worlds.IG_USER}:17900000000000002"]["media"] == [
        {"type": "image", "alt": None, "url": "https://scontent.cdninstagram.com/v/t51.29350-15/17900000000000002.jpg"}]
    x_posts = {p["id"].rsplit(":", 1)[1]: p for p in by_platform["x"]}
    assert {p["kind"] for p in x_posts.values()} == {"post", "reply", "share"}
    assert x_posts["1760000000000000020"]["links"] == ["https://www.sjobacka.se/nyheter/vatten"]
    assert len(by_platform["youtube"]) == 15 and all(p["links"] for p in by_platform["youtube"])
    bridged = [p for p in by_platform["facebook"] if p["id"].startswith("rss:")]
    assert len(bridged) == 4 and sum(p["published_at"] is None for p in bridged) == 1
    assert {p["id"] for p in by_platform["facebook"] if "1827720132094663" in p["id"]} == {
        f"facebook:{worlds.PAGE_ID}:{worlds.PAGE_ID}_1827720132094663"}  # the file import uses the Graph id scheme
    assert all(p["published_at"] is None or p["published_at"].endswith("Z") for p in posts.values())


def test_tokens_never_reach_outputs_logs_or_store(tmp_path: Path) -> None:
    canary_fb = "EAAcanaryFB0000SECRET7f3c9"
    canary_x = "AAAAcanaryX0000SECRET19d2"
    graph = GraphEmulator(worlds.graph_world().pages.values(), worlds.graph_world().instagram.values(),
                          tokens=(canary_fb,), max_limit=5)  # short pages: next links carry the token
    x = XApiEmulator(worlds.x_world().users.values(), bearer_tokens=(canary_x,))
    locked = make_instance(count=8, require_auth=True)
    with worlds.serving(graph=graph, x=x, mastodon=locked) as (servers, log):
        base = {name: server.base_url for name, server in servers.items()}
        config = worlds.config([
            worlds.source("facebook", base["graph"]),
            worlds.source("instagram", base["graph"]),
            worlds.source("x", base["x"]),
            worlds.source("x", user_id="4242", token_env="X_TOKEN_NOT_SET"),
            worlds.source("mastodon", base["mastodon"]),
        ], window_days=400)
        (tmp_path / "audit.toml").write_text(config, encoding="utf-8")
        env = {"X_TOKEN_NOT_SET": None, "FB_TOKEN": canary_fb, "X_TOKEN": canary_x}
        out = tmp_path / "out"
        result = run_parity("audit", tmp_path / "audit.toml", "--out", out, "--store", tmp_path / "store.sqlite",
                            "--format", "json", "--verbose", "--warc", timeout=180, env=env)
        graph_pages = log.count(f"/v21.0/{worlds.PAGE_ID}/posts", "graph")
    assert result.code == 4, result.stderr[-3000:]  # one source failed ⇒ incomplete
    assert graph_pages >= 4  # several pages, each following a `next` that carried the token
    sources = {(s["kind"], s["url"]): s for s in jsonl(out / "sources.jsonl")}
    missing = sources[("x", "https://x.com/i/user/4242")] if ("x", "https://x.com/i/user/4242") in sources else next(
        s for s in sources.values() if s["kind"] == "x" and s["status"] == "failed")
    assert missing["status"] == "failed" and missing["error"] == "environment variable X_TOKEN_NOT_SET is not set"
    by_kind = {s["kind"]: s for s in sources.values() if s["status"] == "ok"}
    assert {"facebook", "instagram", "x", "mastodon"} <= set(by_kind)
    assert by_kind["mastodon"]["access"] == "rss" and by_kind["facebook"]["access"] == "graph"
    posts = jsonl(out / "posts.jsonl")
    assert {p["platform"] for p in posts} == {"facebook", "instagram", "x", "mastodon"}
    assert all(p["kind"] in ("post", "reply", "share") and p["published_at"].endswith("Z") for p in posts)
    assert {p["id"].split(":", 1)[0] for p in posts} == {"facebook", "instagram", "x", "mastodon"}
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in [*tmp_path.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            texts[str(path)] = (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("latin-1")
    assert len(texts) >= 9
    warc = texts[str(out / "crawl.warc.gz")]  # the evidence archive holds the API answers, tokens redacted
    # request + response record per page fetched
    assert warc.count(f"WARC-Target-URI: {base['graph']}/v21.0/{worlds.PAGE_ID}/posts") == 2 * graph_pages
    assert "access_token=[redacted]" in warc and "Authorization: [redacted]" in warc
    for where, text in texts.items():
        for canary in (canary_fb, canary_x, canary_fb[:12], canary_x[:12]):
            assert canary not in text, f"token leaked into {where}"


def test_rate_limits_429_and_5xx_with_request_counts(tmp_path: Path) -> None:
    apps: dict[str, Any] = {
        "m429": make_instance(count=45, rate_period=3),
        "mgone": make_instance(count=45, rate_limit=1, rate_period=3600),
        "b429": make_appview(count=120, rate_period=3),
        "berr": make_appview(count=3),
        "x429": XApiEmulator(worlds.x_world().users.values(), bearer_tokens=(worlds.X_TOKEN,), rate_period=4),
        "xgone": XApiEmulator(worlds.x_world().users.values(), bearer_tokens=(worlds.X_TOKEN,), rate_limit=0),
        "g500": GraphEmulator(worlds.graph_world().pages.values(), tokens=(worlds.GRAPH_TOKEN,), max_limit=5),
        "g503": GraphEmulator(worlds.graph_world().pages.values(), tokens=(worlds.GRAPH_TOKEN,), max_limit=5),
        "gthrottle": GraphEmulator(worlds.graph_world().pages.values(), tokens=(worlds.GRAPH_TOKEN,), max_limit=5,
                                   rate_limit=2, rate_period=3600),
        "ygone": YoutubeFeedEmulator([]),
    }
    with worlds.serving(**apps) as (servers, log):
        servers["m429"].faults.add(Fault(status=429, path=STATUSES, nth=2, times=1))
        servers["b429"].faults.add(Fault(status=429, path=FEED, nth=1, times=1))
        servers["x429"].faults.add(Fault(status=429, path="/2/users/", nth=1, times=1))
        servers["g500"].faults.add(Fault(status=500, path=f"/v21.0/{worlds.PAGE_ID}/posts", nth=2, times=1))
        servers["g503"].faults.add(Fault(status=503, path=f"/v21.0/{worlds.PAGE_ID}/posts"))
        base = {name: server.base_url for name, server in servers.items()}
        sources = {
            "m429": worlds.source("mastodon", base["m429"]),
            "mgone": worlds.source("mastodon", base["mgone"]),
            "b429": worlds.source("bluesky", base["b429"], account="kommun.bsky.demo"),
            "berr": worlds.source("bluesky", base["berr"], account="saknas.bsky.demo"),
            "x429": worlds.source("x", base["x429"]),
            "xgone": worlds.source("x", base["xgone"]),
            "g500": worlds.source("facebook", base["g500"]),
            "g503": worlds.source("facebook", base["g503"]),
            "gthrottle": worlds.source("facebook", base["gthrottle"]),
            "ygone": worlds.source("youtube", base["ygone"], channel_id="UCwrongChannelId000000000"),
        }
        config = config_toml([{"id": org, "social": [source]} for org, source in sources.items()],
                             base=worlds.SOCIAL_CRAWL, concurrency_per_host=2, max_retry_after_seconds=5,
                             window_days=400)
        (tmp_path / "limits.toml").write_text(config, encoding="utf-8")
        out = tmp_path / "out"
        result = run_parity("audit", tmp_path / "limits.toml", "--out", out, "--store", tmp_path / "store.sqlite",
                            "--format", "json", timeout=180,
                            env={"FB_TOKEN": worlds.GRAPH_TOKEN, "X_TOKEN": worlds.X_TOKEN})
        entries = {name: [e for e in log.entries if e.server == name and e.path != "/robots.txt"] for name in apps}
    assert result.code == 4, result.stderr[-3000:]
    sources = {s["org"]: s for s in jsonl(out / "sources.jsonl")}

    def hits(name: str, path: str) -> list[Any]:
        return [e for e in entries[name] if e.path.startswith(path)]

    # Mastodon: a 429 without Retry-After; the retry waits for X-RateLimit-Reset (3-second windows).
    m = hits("m429", STATUSES)
    assert [e.status for e in m] == [200, 429, 200] and sources["m429"]["status"] == "ok"
    assert m[2].at >= (int(m[1].at) // 3 + 1) * 3 - 0.05  # not before the window boundary the server named
    # Mastodon: the reset is an hour away (> max_retry_after_seconds): no waiting, 1 + 2 retries, then give up.
    assert [e.status for e in hits("mgone", STATUSES)] == [429, 429, 429]
    assert sources["mgone"]["status"] in ("partial", "failed") and "http_429" in sources["mgone"]["error"]
    # Bluesky: 429 with Retry-After, then every page; short pages with a cursor did not stop the walk.
    b = hits("b429", FEED)
    assert b[0].status == 429 and all(e.status == 200 for e in b[1:]) and len(b) == 1 + bluesky_pages(120)
    assert b[1].at - b[0].at >= 0.5 and sources["b429"]["status"] == "ok"
    assert sources["berr"]["status"] == "failed" and "InvalidRequest: Profile not found" in sources["berr"]["error"]
    assert len(hits("berr", FEED)) == 1  # a 400 is not retried
    # X: a 429 waits for x-rate-limit-reset (epoch) and succeeds; an exhausted quota gives up after 1 + 2.
    x = hits("x429", "/2/users/")
    assert [e.status for e in x] == [429, 200] and x[1].at >= (int(x[0].at) // 4 + 1) * 4 - 0.05
    assert [e.status for e in hits("xgone", "/2/users/")] == [429, 429, 429]
    assert sources["xgone"]["status"] == "failed" and "Too Many Requests" in sources["xgone"]["error"]
    # Graph: a transient 500 is retried once; a lasting 503 gives up after 1 + 2 with Graph's own message.
    assert [e.status for e in hits("g500", "/v21.0/")] == [200, 500, 200, 200, 200]  # 19 posts, 5 a page
    assert sources["g500"]["status"] == "ok"
    assert [e.status for e in hits("g503", "/v21.0/")] == [503, 503, 503]
    assert sources["g503"]["status"] == "failed" and "code 2: An unexpected error" in sources["g503"]["error"]
    # Graph throttling (code 32, an hour to regain access): stop at once, source incomplete.
    assert [e.status for e in hits("gthrottle", "/v21.0/")] == [200, 200, 400]
    assert sources["gthrottle"]["status"] == "partial" and "rate_limited (code 32" in sources["gthrottle"]["error"]
    # YouTube: a wrong channel id answers 404 every time: 1 + 2 tries, then failed.
    assert [e.status for e in hits("ygone", "/feeds/")] == [404, 404, 404]
    assert sources["ygone"]["status"] == "failed" and "404" in sources["ygone"]["error"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exit_code"] == 4 and summary["sources"]["ok"] == 4


def test_incremental_runs_detect_new_edited_and_deleted_posts(tmp_path: Path) -> None:
    app = make_instance(count=45)
    now = T0 + dt.timedelta(days=3)
    ids = sorted((s.id for s in app.statuses.values() if s.account == "kommun" and not s.in_reply_to_id
                  and not s.reblog_of_id and s.visibility == "public"), key=lambda i: (len(i), i))
    with worlds.serving(m=app) as (servers, log):
        config = worlds.config([worlds.source("mastodon", servers["m"].base_url)], recheck_days=2)
        first = worlds.crawl(tmp_path, config, now=now, run_id="r1")
        first_pages = log.count(STATUSES, "m")
        state1 = first.state("mastodon")
        # Overnight: a new post, an edit, a deletion inside the re-check range, one far older.
        newest = dataclasses.replace(app.statuses[ids[-1]], id=snowflake_id(T0 + dt.timedelta(hours=50)),
                                     created_at=T0 + dt.timedelta(hours=50), text="Helt nytt inlägg")
        app.statuses[newest.id] = newest
        edited = app.statuses[ids[42]]
        app.statuses[edited.id] = dataclasses.replace(edited, text="Rättad tid: kl. 9–17",
                                                      edited_at=T0 + dt.timedelta(hours=51))
        del app.statuses[ids[40]]
        del app.statuses[ids[5]]
        log.clear()
        second = worlds.crawl(tmp_path, config, now=now, run_id="r2")
        second_pages = log.count(STATUSES, "m")
        state2 = second.state("mastodon")
        # A third night fails half-way: nothing may be marked deleted, the cursor stays.
        del app.statuses[ids[41]]
        servers["m"].faults.add(Fault(status=503, path=STATUSES))
        third = worlds.crawl(tmp_path, config, now=now + dt.timedelta(hours=1), run_id="r3")
    assert first_pages == 2 and second_pages == 1  # the second night stops at the re-check horizon
    assert state1["complete"] and state1["since_id"] and state2["since_id"] == newest.id
    posts = third.posts()
    key = "mastodon:kommun@social.demo:"
    assert posts[key + newest.id]["text"] == "Helt nytt inlägg"
    assert posts[key + edited.id]["edited_at"] is not None and "kl. 9–17" in posts[key + edited.id]["text"]
    assert posts[key + ids[40]]["deleted_at"] is not None  # gone inside the re-checked range
    assert posts[key + ids[5]]["deleted_at"] is None  # older than the horizon: not re-read, not judged
    assert posts[key + ids[41]]["deleted_at"] is None  # the failed night proves nothing
    assert second.sources()["sjobacka-kommun:social:mastodon:kommun@social.demo"]["detail"]["deleted"] == 1
    third_source = third.sources()["sjobacka-kommun:social:mastodon:kommun@social.demo"]
    assert third_source["status"] in ("partial", "failed") and third_source["detail"]["walk"] == "partial"
    assert third.state("mastodon") == state2
