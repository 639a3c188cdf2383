"""The fault server does what each fault kind promises (raw sockets, no Scrapy, < 1 s each)."""

from __future__ import annotations

import gzip
import json
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.fault_plan import Plan, Rule, SitePlan, page_path, page_token, permanent_faults, transient_faults
from tests.support.faults import FAULT_KINDS
from tests.support.faultserver import FaultServer, FaultServerProcess

pytestmark = pytest.mark.timeout(60)


def raw_get(base: str, target: str, timeout: float = 5.0, read_limit: int | None = None) -> bytes:
    host, port = base.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        total = 0
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            chunks.append(data)
            total += len(data)
            if read_limit is not None and total >= read_limit:
                break
        return b"".join(chunks)


def one_site(**kwargs: object) -> Plan:
    return Plan(sites={"main": SitePlan(**kwargs)})  # type: ignore[arg-type]


def test_generated_site_pages_sitemap_feed_robots() -> None:
    with FaultServer(one_site(pages=5, seed=3)) as server:
        base = server.url()
        page = urllib.request.urlopen(base + page_path(2)).read().decode()
        sitemap = urllib.request.urlopen(base + "/sitemap.xml").read().decode()
        feed = urllib.request.urlopen(base + "/feed.xml").read().decode()
        robots = urllib.request.urlopen(base + "/robots.txt").read().decode()
    assert page_token(2, 3) in page and page_token(1, 3) not in page
    assert sitemap.count("<loc>") == 5 and feed.count("<item>") == 5
    assert "Allow: /" in robots


def test_seeded_plans_are_reproducible_and_sized() -> None:
    paths = [page_path(i) for i in range(200)]
    a = transient_faults(7, paths, 0.2)
    b = transient_faults(7, paths, 0.2)
    c = transient_faults(8, paths, 0.2)
    assert [r.path for r in a] == [r.path for r in b] and len(a) == 40
    assert [r.path for r in a] != [r.path for r in c]
    assert {r.kind for r in a} == {"status", "drop", "hang"}
    assert len(permanent_faults(1, paths, 10)) == 10


def test_transient_fault_hits_only_first_attempt_and_log_counts() -> None:
    path = page_path(0)
    plan = one_site(pages=1, faults=[Rule("status", path=path, attempts=[1], params={"status": 503})])
    with FaultServer(plan) as server:
        first = raw_get(server.url(), path)
        second = raw_get(server.url(), path)
        log = server.log()
    assert first.startswith(b"HTTP/1.1 503") and second.startswith(b"HTTP/1.1 200")
    assert [(e["attempt"], e["status"], e["fault"]) for e in log] == [(1, 503, "status"), (2, 200, None)]


def test_drop_hang_and_hang_after_headers() -> None:
    p = page_path(0)
    plan = one_site(pages=1, faults=[
        Rule("drop", path=p + "?d"), Rule("drop", path=p + "?rst", params={"abort": True}),
        Rule("hang", path=p + "?h", params={"seconds": 0.5}),
        Rule("hang_after_headers", path=p + "?hh", params={"seconds": 0.5}),
    ])
    with FaultServer(plan) as server:
        base = server.url()
        assert raw_get(base, p + "?d") == b""
        assert raw_get(base, p + "?rst") == b""
        started = time.monotonic()
        assert raw_get(base, p + "?h") == b""
        assert time.monotonic() - started >= 0.45
        partial = raw_get(base, p + "?hh")
    head, _, body = partial.partition(b"\r\n\r\n")
    declared = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert head.startswith(b"HTTP/1.1 200") and 0 < len(body) < declared


def test_malformed_framings() -> None:
    p = page_path(0)
    plan = one_site(pages=1, faults=[
        Rule("truncated_chunked", path=p + "?c"), Rule("short_content_length", path=p + "?s"),
        Rule("long_content_length", path=p + "?l"), Rule("bad_header", path=p + "?b"),
        Rule("empty", path=p + "?e"), Rule("wrong_charset", path=p + "?w"),
    ])
    with FaultServer(plan) as server:
        base = server.url()
        chunked = raw_get(base, p + "?c")
        short = raw_get(base, p + "?s")
        long = raw_get(base, p + "?l")
        bad = raw_get(base, p + "?b")
        empty = raw_get(base, p + "?e")
        wrong = raw_get(base, p + "?w")
    assert b"Transfer-Encoding: chunked" in chunked and not chunked.endswith(b"0\r\n\r\n")
    head, _, body = short.partition(b"\r\n\r\n")
    assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) == len(body) + 5000
    head, _, body = long.partition(b"\r\n\r\n")
    assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) < len(body)
    assert b"this line is not a header" in bad
    assert empty.endswith(b"Content-Length: 0\r\n\r\n")
    head, _, body = wrong.partition(b"\r\n\r\n")
    assert b"charset=utf-8" in head
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Österå" in body.decode("cp1252")


def test_big_bodies_gzip_bomb_and_block_pages() -> None:
    p = page_path(0)
    plan = one_site(pages=1, faults=[
        Rule("big", path=p + "?big", params={"megabytes": 50}),
        Rule("big", path=p + "?bigc", params={"megabytes": 2, "chunked": True}),
        Rule("gzip_bomb", path=p + "?bomb", params={"megabytes": 20}),
        Rule("captcha", path=p + "?cap"), Rule("denied", path=p + "?den"),
        Rule("ratelimit", path=p + "?rl", params={"retry_after": 3}), Rule("ratelimit", path=p + "?rl0"),
        Rule("garbage", path=p + "?g"), Rule("unclosed", path=p + "?u"),
    ])
    with FaultServer(plan) as server:
        base = server.url()
        big = raw_get(base, p + "?big", read_limit=1024)
        bigc = raw_get(base, p + "?bigc")
        bomb = raw_get(base, p + "?bomb")
        cap, den = raw_get(base, p + "?cap"), raw_get(base, p + "?den")
        rl, rl0 = raw_get(base, p + "?rl"), raw_get(base, p + "?rl0")
        garbage, unclosed = raw_get(base, p + "?g"), raw_get(base, p + "?u")
    assert b"Content-Length: 52428800" in big
    assert bigc.endswith(b"0\r\n\r\n") and len(bigc) > 2 * 1024 * 1024
    body = bomb.partition(b"\r\n\r\n")[2]
    assert len(body) < 200_000 and len(gzip.decompress(body)) == 20 * 1024 * 1024
    assert cap.startswith(b"HTTP/1.1 200") and b"g-recaptcha" in cap
    assert den.startswith(b"HTTP/1.1 200") and b"Access Denied" in den
    assert rl.startswith(b"HTTP/1.1 429") and b"Retry-After: 3" in rl and b"Retry-After" not in rl0
    assert len(garbage.partition(b"\r\n\r\n")[2]) == 4096
    assert unclosed.count(b"<div>") == 5000


def test_redirects_robots_and_multi_host() -> None:
    plan = Plan(sites={
        "main": SitePlan(pages=1, robots=None, faults=[
            Rule("redirect_loop", prefix="/loop"), Rule("redirect_loop", path="/self", params={"self": True}),
            Rule("redirect", path="/away", params={"to": "http://127.0.0.2:1/x"}),
            Rule("bad_gzip", path="/bg"), Rule("slow", path="/slow", params={"seconds": 0.3}),
            Rule("status", path="/robots.txt", params={"status": 503}, attempts=[2]),
        ]),
        "other": SitePlan(bind="127.0.0.2", pages=1, robots="disallow:/news"),
    })
    with FaultServer(plan) as server:
        base, other = server.url("main"), server.url("other")
        assert raw_get(base, "/loop").split(b"\r\n")[0].endswith(b"302 Found")
        assert b"Location: /loop-b" in raw_get(base, "/loop")
        assert b"Location: /loop\r\n" in raw_get(base, "/loop-b")
        assert b"Location: /self\r\n" in raw_get(base, "/self")
        assert b"Location: http://127.0.0.2:1/x" in raw_get(base, "/away")
        assert b"Content-Encoding: gzip" in raw_get(base, "/bg")
        started = time.monotonic()
        assert raw_get(base, "/slow").startswith(b"HTTP/1.1 404")  # slow, then the normal answer
        assert time.monotonic() - started >= 0.25
        assert raw_get(base, "/robots.txt").startswith(b"HTTP/1.1 404")
        assert raw_get(base, "/robots.txt").startswith(b"HTTP/1.1 503")
        assert b"Disallow: /news" in raw_get(other, "/robots.txt")
        hosts = {e["host"] for e in server.log()}
    assert other.startswith("http://127.0.0.2:") and hosts == {"main", "other"}


def test_every_fault_kind_is_exercised_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [kind for kind in FAULT_KINDS if f'Rule("{kind}"' not in source]
    assert missing == []


def test_subprocess_server_prints_url_and_writes_access_log(tmp_path: Path) -> None:
    plan = one_site(pages=3, faults=[Rule("status", path=page_path(1), params={"status": 500})])
    with FaultServerProcess(plan, tmp_path) as server:
        base = server.url()
        assert base.startswith("http://127.0.0.1:")
        assert raw_get(base, page_path(0)).startswith(b"HTTP/1.1 200")
        assert raw_get(base, page_path(1)).startswith(b"HTTP/1.1 500")
        control = json.loads(urllib.request.urlopen(base + "/__fault__/log").read())
        log = server.log()
    assert [e["status"] for e in log] == [200, 500] and len(control) == 2
