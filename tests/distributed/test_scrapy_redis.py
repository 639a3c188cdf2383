"""Feasibility of scrapy-redis on this project's Scrapy: 3 worker processes, one Redis, one site.

Checks what issue 14's distributed mode builds on: every URL fetched exactly once across the
workers (shared queue and duplicate filter), the work really shared, every worker closing by
itself when the crawl is done, and the per-host gap at the *site* never below the configured delay
(the shared limiter in parity.distributed.hostlease). Then the faults, on the acknowledged queue
(parity.distributed.workqueue): a worker SIGKILLed mid-crawl (the others finish its work; only
what it had in flight is fetched twice, each item stored once) and Redis restarted or killed
mid-crawl (the crawl resumes; nothing lost, nothing fetched twice).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.distributed.site import HOSTS, Hit, Site, serve_site
from tests.support.servers import RedisServer, redis_srv  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
DELAY = 0.05
WORKERS = 3
PAGES = 40  # per host, 3 hosts


@dataclass
class Crawl:
    codes: list[int | str]
    hits: list[Hit]
    expected: set[str]
    fetched: Counter[str]
    deliveries: Counter[str]
    stored: dict[str, str]
    logs: list[str]


def _crawl(server: RedisServer, tmp_path: Path, queue: str,
           fault: Callable[[Site, list[subprocess.Popen[bytes]]], None] | None = None) -> Crawl:
    client = redis.Redis.from_url(server.url)
    with serve_site(pages=PAGES, latency=0.01) as site:
        start = f"{site.origins[0]}/p/0"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.distributed.sr_worker", server.url, "run1", start,
                 "--worker", f"w{i}", "--delay", str(DELAY), "--queue", queue],
                cwd=ROOT, stderr=open(tmp_path / f"worker{i}.log", "wb"))
            for i in range(WORKERS)
        ]
        codes: list[int | str] = []
        try:
            deadline = time.monotonic() + 90
            while client.scard("parity:run1:ready") < WORKERS:
                assert time.monotonic() < deadline, "workers did not start"
                assert all(p.poll() is None for p in procs), "a worker died while starting"
                time.sleep(0.05)
            client.set("parity:run1:go", 1)  # all listening: now the crawl can be shared
            if fault is not None:
                fault(site, procs)
            for p in procs:
                try:
                    codes.append(p.wait(timeout=120))
                except subprocess.TimeoutExpired:
                    codes.append("hung")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        hits = list(site.hits)
        origin_of = dict(zip(HOSTS, site.origins))
        expected = site.expected()
    client = redis.Redis.from_url(server.url, decode_responses=True)
    return Crawl(
        codes=codes, hits=hits, expected=expected,
        fetched=Counter(f"{origin_of[h.host]}{h.path}" for h in hits),
        deliveries=Counter(client.lrange("parity:run1:items:deliveries", 0, -1)),
        stored=client.hgetall("parity:run1:items"),
        logs=[(tmp_path / f"worker{i}.log").read_text(errors="replace")[-3000:] for i in range(WORKERS)],
    )


def _min_gap_per_host(hits: list[Hit]) -> float:
    by_host: dict[str, list[float]] = defaultdict(list)
    for hit in hits:
        by_host[hit.host].append(hit.at)
    gaps = []
    for times in by_host.values():
        times.sort()
        gaps += [b - a for a, b in zip(times, times[1:])]
    return min(gaps)


def _after_hits(site: Site, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(site.hits) < count:
        assert time.monotonic() < deadline, "the crawl stalled before the fault"
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.parametrize("queue", ["counting", "reliable"])
def test_three_workers_fetch_every_url_once_and_keep_the_host_delay(
        redis_srv: RedisServer, tmp_path: Path, queue: str) -> None:
    crawl = _crawl(redis_srv, tmp_path, queue)
    assert crawl.codes == [0] * WORKERS, crawl.logs
    assert set(crawl.fetched) == crawl.expected
    assert max(crawl.fetched.values()) == 1, [u for u, n in crawl.fetched.items() if n > 1]
    assert crawl.deliveries == Counter(crawl.expected)
    assert len(set(crawl.stored.values())) >= 2  # really shared
    assert _min_gap_per_host(crawl.hits) >= DELAY - 0.001


@pytest.mark.slow
def test_sigkilled_worker_work_is_finished_by_the_others(redis_srv: RedisServer, tmp_path: Path) -> None:
    def kill_one(site: Site, procs: list[subprocess.Popen[bytes]]) -> None:
        _after_hits(site, len(site.expected()) // 3)
        procs[0].send_signal(signal.SIGKILL)

    crawl = _crawl(redis_srv, tmp_path, "reliable", kill_one)
    assert crawl.codes == [-signal.SIGKILL, 0, 0], crawl.logs
    assert set(crawl.fetched) == crawl.expected  # nothing lost
    assert set(crawl.stored) == crawl.expected  # each item stored (once: one row per URL)
    repeats = [u for u, n in crawl.fetched.items() if n > 1]
    assert len(repeats) <= 8 + 1, repeats  # at most what the killed worker had in flight
    assert max(crawl.fetched.values()) <= 2
    assert _min_gap_per_host(crawl.hits) >= DELAY - 0.001


@pytest.mark.slow
@pytest.mark.parametrize("how", ["restart", "kill"])
def test_redis_restarted_mid_crawl_the_crawl_resumes(redis_srv: RedisServer, tmp_path: Path, how: str) -> None:
    def restart_redis(site: Site, procs: list[subprocess.Popen[bytes]]) -> None:
        _after_hits(site, len(site.expected()) // 3)
        if how == "kill":
            redis_srv.kill()
            time.sleep(1.0)  # down for a second: workers retry, nothing fails
            redis_srv.start()
        else:
            redis_srv.restart()

    crawl = _crawl(redis_srv, tmp_path, "reliable", restart_redis)
    assert crawl.codes == [0] * WORKERS, crawl.logs
    assert set(crawl.fetched) == crawl.expected
    assert max(crawl.fetched.values()) == 1, [u for u, n in crawl.fetched.items() if n > 1]
    assert set(crawl.stored) == crawl.expected
