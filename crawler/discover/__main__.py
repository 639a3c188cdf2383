"""``python -m crawler.discover URL``: what ``parity discover`` runs (Scrapy needs a process of its own).

stdout is the config block; exit 2 for a URL that is not http(s), 4 when the
start page cannot be read.
"""

from __future__ import annotations

import argparse
import logging
import sys
from urllib.parse import urlsplit

from crawler.discover.render import render_toml
from crawler.discover.run import NOISY, discover
from parity.core.logs import log_to_stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.discover", description="Source discovery: from a site's start URL to a ready config block.")
    parser.add_argument("url")
    parser.add_argument("--id", dest="org_id", default=None, help="organisation id (default: from the site name)")
    parser.add_argument("--name", default=None, help="organisation name (default: the site's name)")
    parser.add_argument("--user-agent", default="reach-parity/1.0 (+https://example.org/contact)")
    parser.add_argument("--no-robots", action="store_true", help="do not obey robots.txt (not recommended)")
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    log_to_stderr(logging.INFO, quiet=NOISY)
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        print(f"URL: expected an http(s) start URL, got {args.url!r}", file=sys.stderr)
        return 2
    home, found, notes, error = discover(args.url, user_agent=args.user_agent, obey_robots=not args.no_robots,
                                         delay=args.delay, timeout=args.timeout)
    if home is None:
        print(f"{args.url}: the start page could not be read ({error or 'no answer'})", file=sys.stderr)
        return 4
    sys.stdout.write(render_toml(args.url, home, found, args.org_id, args.name, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
