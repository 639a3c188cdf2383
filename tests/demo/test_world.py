"""DemoWorld, FaultWorld and ``python -m tests.support.serve``: lifecycle, config, faults, access log, concurrency."""

from __future__ import annotations

import json
import signal
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from parity.demo.scenario import BLUESKY_HANDLE, MASTODON_ACCOUNT, ORG_ID
from parity.demo.world import DemoWorld
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.support.run import start_module, stop

from .conftest import FIXED_NOW


def test_addresses_exist_only_while_running() -> None:
    world = DemoWorld(FIXED_NOW)
    with pytest.raises(RuntimeError):
        _ = world.web_base
    with world:
        urls = world.urls()
        assert len({u.rsplit(":", 1)[1] for u in urls.values()}) == 3
        assert all(u.startswith("http://127.0.0.1:") for u in urls.values())
        assert requests.get(urls["web"] + "/robots.txt", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(urls["web"] + "/robots.txt", timeout=2)


def test_config_is_in_contract_format_and_reachable(world: DemoWorld) -> None:
    config = tomllib.loads(world.config_toml())
    assert config["crawl"]["delay_seconds"] == 0 and config["crawl"]["obey_robots"] is True
    assert set(config["crawl"]) == {"delay_seconds", "concurrency_per_host", "obey_robots", "user_agent",
                                    "grace_hours", "window_days"}
    (org,) = config["org"]
    assert org["id"] == ORG_ID and org["name"] == "Sjöbacka kommun"
    assert [w["type"] for w in org["web"]] == ["feed", "sitemap", "listing", "notice_board"]
    assert next(w for w in org["web"] if w["type"] == "listing")["follow"] == "/nyheter/"
    assert org["social"] == [
        {"platform": "mastodon", "account": MASTODON_ACCOUNT, "api": world.mastodon_base},
        {"platform": "bluesky", "account": BLUESKY_HANDLE, "api": world.bluesky_base},
    ]
    for source in org["web"]:
        assert requests.get(source["url"], timeout=5).status_code == 200, source
    lookup = requests.get(f"{world.mastodon_base}/api/v1/accounts/lookup", params={"acct": MASTODON_ACCOUNT}, timeout=5)
    assert lookup.status_code == 200
    resolve = requests.get(f"{world.bluesky_base}/xrpc/com.atproto.identity.resolveHandle",
                           params={"handle": BLUESKY_HANDLE}, timeout=5)
    assert resolve.json()["did"].startswith("did:plc:")
    custom = tomllib.loads(world.config_toml(delay_seconds=0.5, obey_robots=False, window_days=7))
    assert custom["crawl"]["delay_seconds"] == 0.5 and custom["crawl"]["window_days"] == 7


def test_concurrent_requests_and_access_log() -> None:
    with DemoWorld(FIXED_NOW) as world:
        targets = [world.web_base + "/nyheter/", world.feed_url, world.web_base + "/sitemap.xml",
                   f"{world.mastodon_base}/api/v1/accounts/lookup?acct=sjobacka",
                   f"{world.bluesky_base}/xrpc/app.bsky.feed.getAuthorFeed?actor={BLUESKY_HANDLE}"] * 8
        barrier = threading.Barrier(8)

        def get(url: str) -> int:
            try:
                barrier.wait(timeout=0.5)
            except threading.BrokenBarrierError:
                pass
            return requests.get(url, timeout=10).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(get, targets))
        assert statuses == [200] * 40
        log = world.access_log
        assert log.count("/nyheter/", "web") == 8 and log.count("/sitemap.xml") == 8
        assert log.counts("bluesky") == {"/xrpc/app.bsky.feed.getAuthorFeed": 8}
        assert log.count("/api/v1/accounts/", "mastodon", prefix=True) == 8
        assert len(log.entries) == 40
        control = requests.get(world.web_base + "/__demo__/log", timeout=5).json()
        assert control["total"] == 24 and control["paths"]["/nyheter/"] == 8
        assert len(world.access_log.entries) == 40  # control calls are not logged


def test_faults_feed_down_drop_and_control_endpoint() -> None:
    with FaultWorld(FIXED_NOW, feed_down=True) as world:
        down = requests.get(world.feed_url, timeout=5)
        assert down.status_code == 503 and down.headers["Content-Type"].startswith("text/html")
        assert requests.get(world.web_base + "/sitemap.xml", timeout=5).status_code == 200
        world.inject("web", Fault(drop_connection=True, path="/nyheter/", times=1))
        with pytest.raises(requests.ConnectionError):
            requests.get(world.web_base + "/nyheter/", timeout=5)
        assert requests.get(world.web_base + "/nyheter/", timeout=5).status_code == 200
        world.inject("bluesky", Fault(status=502, nth=2))
        feed = f"{world.bluesky_base}/xrpc/app.bsky.feed.getAuthorFeed?actor={BLUESKY_HANDLE}"
        assert [requests.get(feed, timeout=5).status_code for _ in range(3)] == [200, 502, 200]
        added = requests.post(world.mastodon_base + "/__demo__/faults", json={"status": 503, "path": "/api/"}, timeout=5)
        assert added.status_code == 201
        assert requests.get(f"{world.mastodon_base}/api/v1/accounts/lookup?acct=sjobacka", timeout=5).status_code == 503
        assert requests.delete(world.mastodon_base + "/__demo__/faults", timeout=5).status_code == 200
        assert requests.get(f"{world.mastodon_base}/api/v1/accounts/lookup?acct=sjobacka", timeout=5).status_code == 200
        bad = requests.post(world.web_base + "/__demo__/faults", json={"colour": "red"}, timeout=5)
        assert bad.status_code == 400
        world.clear_faults()
        assert requests.get(world.feed_url, timeout=5).status_code == 200


def test_locked_mastodon_and_strict_robots() -> None:
    with DemoWorld(FIXED_NOW, mastodon_locked=True, robots_block_feed=True) as world:
        locked = requests.get(f"{world.mastodon_base}/api/v1/accounts/lookup?acct=sjobacka", timeout=5)
        assert locked.status_code == 401
        assert requests.get(f"{world.mastodon_base}/@sjobacka.rss", timeout=5).status_code == 200
        assert "Disallow: /*&sv*" in requests.get(world.web_base + "/robots.txt", timeout=5).text


def test_serve_subprocess(tmp_path: Path) -> None:
    config, expected, log = tmp_path / "demo.toml", tmp_path / "expected.jsonl", tmp_path / "log.json"
    process = start_module("tests.support.serve", "--now", FIXED_NOW.isoformat(), "--fault", "web=503:/sitemap.xml",
                           "--config", config, "--expected", expected, "--access-log", log)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        urls = json.loads(line)
        assert set(urls) == {"web", "mastodon", "bluesky"}
        assert requests.get(urls["web"] + "/sitemap.xml", timeout=5).status_code == 503
        assert requests.get(urls["web"] + "/robots.txt", timeout=5).status_code == 200
        assert tomllib.loads(config.read_text(encoding="utf-8"))["org"][0]["social"][0]["api"] == urls["mastodon"]
        assert len(expected.read_text(encoding="utf-8").splitlines()) >= 40
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""  # one JSON line, nothing else on stdout
        assert json.loads(log.read_text(encoding="utf-8"))["paths"] == {"/sitemap.xml": 1, "/robots.txt": 1}
    finally:
        stop(process)


@pytest.mark.parametrize(("spec", "failing"), [
    ("503", [1, 2, 3, 4, 5]),          # permanent outage
    ("500::3", [3]),                   # only the third request
    ("502::2:3", [2, 3, 4]),           # three in a row from the second
])
def test_fault_selection(spec: str, failing: list[int]) -> None:
    fault = Fault.parse(spec)
    assert [i for i in range(1, 6) if fault.selects(i)] == failing


def test_fault_parse_details() -> None:
    assert Fault.parse("drop:/nyheter/").drop_connection and Fault.parse("drop:/nyheter/").path == "/nyheter/"
    assert Fault.parse("429:/xrpc/:1:2") == Fault(status=429, path="/xrpc/", nth=1, times=2)
    assert [i for i in range(1, 5) if Fault(times=2).selects(i)] == [1, 2]
    with pytest.raises(ValueError):
        Fault.parse("slow")
    with pytest.raises(ValueError):
        Fault.from_dict({"status": 503, "colour": "red"})
