"""``python -m tests.support.serve``: run the demo world (with faults) until SIGTERM/SIGINT.

Crawls run in their own process (Scrapy's reactor cannot restart), so tests
start the world here and read its addresses from the single JSON line printed
on stdout: ``{"web": …, "mastodon": …, "bluesky": …}``. Everything else goes to
stderr. Faults and the access log are also reachable over HTTP at
``/__demo__/faults`` and ``/__demo__/log`` on each server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from parity.demo.world import SERVER_NAMES
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.support.run import announce_and_wait


def _parse_now(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _parse_fault(text: str) -> tuple[str, Fault]:
    server, sep, spec = text.partition("=")
    if not sep or server not in SERVER_NAMES:
        raise argparse.ArgumentTypeError(f"expected SERVER=SPEC with SERVER in {SERVER_NAMES}, got {text!r}")
    try:
        return server, Fault.parse(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bad fault spec {spec!r}: {exc}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.support.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--now", type=_parse_now, help="anchor time (ISO 8601); default: current UTC time")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--web-port", type=int, default=0)
    parser.add_argument("--mastodon-port", type=int, default=0)
    parser.add_argument("--bluesky-port", type=int, default=0)
    parser.add_argument("--feed-down", action="store_true", help="the RSS feed answers 503 permanently")
    parser.add_argument("--robots-block-feed", action="store_true", help="robots.txt disallows the feed URL")
    parser.add_argument("--mastodon-locked", action="store_true", help="Mastodon API answers 401 without a token")
    parser.add_argument("--mastodon-rate-limit", type=int, default=300)
    parser.add_argument("--bluesky-rate-limit", type=int, default=3000)
    parser.add_argument("--fault", type=_parse_fault, action="append", default=[],
                        help="SERVER=STATUS[:PATH[:NTH[:TIMES]]] or SERVER=drop[:PATH…]; repeatable")
    parser.add_argument("--config", type=Path, help="also write the contract-format config TOML here")
    parser.add_argument("--expected", type=Path, help="also write the expected verdicts (JSONL) here")
    parser.add_argument("--access-log", type=Path, help="write the access log (JSON) here on shutdown")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    faults: dict[str, list[Fault]] = {}
    for server, fault in args.fault:
        faults.setdefault(server, []).append(fault)
    world = FaultWorld(
        args.now, host=args.host, web_port=args.web_port, mastodon_port=args.mastodon_port,
        bluesky_port=args.bluesky_port, feed_down=args.feed_down, robots_block_feed=args.robots_block_feed,
        mastodon_locked=args.mastodon_locked, mastodon_rate_limit=args.mastodon_rate_limit,
        bluesky_rate_limit=args.bluesky_rate_limit, faults=faults,
    )
    world.start()
    try:
        if args.config:
            args.config.write_text(world.config_toml(), encoding="utf-8")
        if args.expected and world.scenario is not None:
            args.expected.write_text(world.scenario.expectations_jsonl(), encoding="utf-8")
        print(f"demo world serving {world.urls()}; stop with SIGTERM or Ctrl-C", file=sys.stderr, flush=True)
        announce_and_wait(world.urls())
    finally:
        world.stop()
        if args.access_log:
            args.access_log.write_text(json.dumps(world.access_log.to_json(), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
