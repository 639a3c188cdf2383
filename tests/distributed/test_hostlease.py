"""The shared per-host limiter (parity.distributed.hostlease) against a real Redis, from several processes.

What a site is promised holds in total, whatever the number of workers: consecutive request
starts to a host at least ``delay`` apart (measured on the Redis clock that decides), never more
than ``concurrency`` in flight, a killed worker's lease freed after its expiry (not before), and
the state survives a Redis crash (append-only file, fsync always).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import redis

from parity.distributed.hostlease import HostLeases, HostPolicy
from tests.support.servers import RedisServer, redis_srv  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


def _workers(url: str, out: Path, n: int, *args: str) -> list[subprocess.Popen[bytes]]:
    cmd = [sys.executable, "-m", "tests.distributed.lease_worker", url, str(out), *args]
    return [subprocess.Popen(cmd, cwd=ROOT) for _ in range(n)]


def _grants(out: Path) -> dict[str, list[dict[str, int]]]:
    by_host: dict[str, list[dict[str, int]]] = defaultdict(list)
    for line in out.read_text().splitlines():
        row = json.loads(line)
        by_host[row["host"]].append(row)
    for rows in by_host.values():
        rows.sort(key=lambda r: r["at_us"])
    return by_host


def _wait_all(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        assert proc.wait(timeout=120) == 0


def test_gap_never_below_delay_across_processes(redis_srv: RedisServer, tmp_path: Path) -> None:
    out = tmp_path / "grants.jsonl"
    _wait_all(_workers(redis_srv.url, out, 4, "--hosts", "a.example,b.example", "--count", "12",
                       "--delay", "0.05", "--hold", "0.005"))
    by_host = _grants(out)
    assert sorted(by_host) == ["a.example", "b.example"]
    assert all(len(rows) == 24 for rows in by_host.values())
    for host, rows in by_host.items():
        gaps = [b["at_us"] - a["at_us"] for a, b in zip(rows, rows[1:])]
        assert min(gaps) >= 50_000, (host, min(gaps))


def test_concurrency_is_a_total_across_processes(redis_srv: RedisServer, tmp_path: Path) -> None:
    out = tmp_path / "grants.jsonl"
    _wait_all(_workers(redis_srv.url, out, 4, "--count", "6", "--delay", "0.01", "--concurrency", "2",
                       "--hold", "0.15"))
    rows = _grants(out)["site.example"]
    assert len(rows) == 24
    in_flight = [sum(1 for o in rows if o["at_us"] <= r["at_us"] < o["end_us"]) for r in rows]
    assert max(in_flight) == 2  # the limit is used, and never exceeded
    gaps = [b["at_us"] - a["at_us"] for a, b in zip(rows, rows[1:])]
    assert min(gaps) >= 10_000


def test_killed_workers_lease_expires_then_host_proceeds(redis_srv: RedisServer, tmp_path: Path) -> None:
    out = tmp_path / "grants.jsonl"
    holder = subprocess.Popen([sys.executable, "-m", "tests.distributed.lease_worker", redis_srv.url, str(out),
                               "--count", "1", "--hold-forever", "--lease", "1.5", "--delay", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    held_at = json.loads(out.read_text())["at_us"]
    leases = HostLeases(redis.Redis.from_url(redis_srv.url), HostPolicy(delay=0.0, lease_seconds=1.5))
    grant = leases.acquire("site.example", timeout=30)
    waited = grant.at_us - held_at
    assert 1_500_000 <= waited < 1_500_000 + 5_000_000, waited


def test_state_survives_a_redis_crash(redis_srv: RedisServer) -> None:
    leases = HostLeases(redis.Redis.from_url(redis_srv.url), HostPolicy(delay=1.0))
    first = leases.acquire("site.example")
    leases.release("site.example", first.token)
    redis_srv.restart(kill=True)  # SIGKILL: the script cache is gone, the keys are not
    early = leases.try_acquire("site.example")
    assert not early.ok and early.wait > 0
    second = leases.acquire("site.example", timeout=10)
    assert second.at_us - first.at_us >= 1_000_000


@pytest.mark.parametrize("bad", [{"delay": -1.0}, {"concurrency": 0}])
def test_policy_arguments_are_clamped_to_safe_values(redis_srv: RedisServer, bad: dict[str, float]) -> None:
    """A negative delay means no delay and concurrency 0 means 1: never a host that can't be crawled."""
    leases = HostLeases(redis.Redis.from_url(redis_srv.url), HostPolicy(**bad))  # type: ignore[arg-type]
    first = leases.acquire("x.example", timeout=5)
    assert first.ok
    leases.release("x.example", first.token)
    t0 = time.monotonic()
    assert leases.acquire("x.example", timeout=5).ok
    assert time.monotonic() - t0 < 2.5
