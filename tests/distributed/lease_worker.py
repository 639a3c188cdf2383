"""A worker process for the host-lease tests: takes leases like a crawler would, logs every grant.

``python -m tests.distributed.lease_worker REDIS_URL OUT --hosts a,b --count N --delay S
[--concurrency C] [--hold S] [--hold-forever]``: one JSON line per request to OUT
(``host``, ``at_us`` = grant time on the Redis clock, ``end_us`` = wall time just before release).
``--hold-forever`` takes one lease, prints ``held`` and sleeps: the test SIGKILLs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import redis

from parity.distributed.hostlease import HostLeases, HostPolicy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("redis_url")
    parser.add_argument("out")
    parser.add_argument("--hosts", default="site.example")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--hold-forever", action="store_true")
    args = parser.parse_args(argv)
    client = redis.Redis.from_url(args.redis_url)
    leases = HostLeases(client, HostPolicy(args.delay, args.concurrency, lease_seconds=args.lease))
    hosts = args.hosts.split(",")
    with open(args.out, "a", encoding="utf-8") as out:
        for i in range(args.count):
            host = hosts[i % len(hosts)]
            grant = leases.acquire(host, timeout=60)
            if args.hold_forever:
                out.write(json.dumps({"host": host, "at_us": grant.at_us, "end_us": None}) + "\n")
                out.flush()
                print("held", flush=True)
                time.sleep(3600)
            time.sleep(args.hold)
            end_us = int(time.time() * 1_000_000)
            leases.release(host, grant.token)
            out.write(json.dumps({"host": host, "at_us": grant.at_us, "end_us": end_us}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
