"""Feasibility of scrapy-redis on this project's Scrapy: 3 worker processes, one Redis, one site.

Checks what issue 14's distributed mode builds on: every URL fetched exactly once across the
workers (shared queue and duplicate filter), the work really shared, every worker closing by
itself when the crawl is done, and the per-host gap at the *site* never below the configured delay
(the shared limiter in parity.distributed.hostlease). The faults (a worker SIGKILLed, Redis
restarted) are not handled by this prototype: docs/distributed.md says what they do to it and
what the real worker needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import redis

from tests.distributed.site import serve_site
from tests.support.servers import RedisServer, redis_srv  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
DELAY = 0.05
WORKERS = 3


@pytest.mark.slow
def test_three_workers_fetch_every_url_once_and_keep_the_host_delay(redis_srv: RedisServer, tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_srv.url)
    with serve_site(pages=40, latency=0.01) as site:
        start = f"{site.origins[0]}/p/0"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.distributed.sr_worker", redis_srv.url, "run1", start,
                 str(tmp_path / f"items{i}.jsonl"), "--worker", f"w{i}", "--delay", str(DELAY)],
                cwd=ROOT, stderr=open(tmp_path / f"worker{i}.log", "wb"))
            for i in range(WORKERS)
        ]
        try:
            deadline = time.monotonic() + 90
            while client.scard("parity:run1:workers") < WORKERS:
                assert time.monotonic() < deadline, "workers did not start"
                assert all(p.poll() is None for p in procs), "a worker died while starting"
                time.sleep(0.05)
            client.set("parity:run1:go", 1)  # all listening: now the crawl can be shared
            codes = [p.wait(timeout=120) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        hits = list(site.hits)
        expected = site.expected()
        origin_of = {host: origin for host, origin in zip(("127.0.0.1", "127.0.0.2", "127.0.0.3"), site.origins)}

    logs = [(tmp_path / f"worker{i}.log").read_text(errors="replace") for i in range(WORKERS)]
    assert codes == [0] * WORKERS, logs
    fetched = Counter(f"{origin_of[h.host]}{h.path}" for h in hits)
    assert set(fetched) == expected
    assert max(fetched.values()) == 1, [url for url, n in fetched.items() if n > 1]

    items = [json.loads(line) for i in range(WORKERS)
             for line in (tmp_path / f"items{i}.jsonl").read_text().splitlines()]
    assert Counter(item["url"] for item in items) == Counter(expected)
    assert len({item["worker"] for item in items}) >= 2  # really shared

    by_host: dict[str, list[float]] = defaultdict(list)
    for hit in hits:
        by_host[hit.host].append(hit.at)
    for host, times in by_host.items():
        times.sort()
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= DELAY - 0.001, (host, min(gaps))

    assert int(client.get("parity:run1:pending") or 0) == 0
    assert client.zcard("parity:run1:site:requests") == 0
