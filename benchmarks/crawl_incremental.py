"""Re-audit of an unchanged site: requests made vs the full crawl (goal ≤ 1/20).

    .venv/bin/python benchmarks/crawl_incremental.py [--pages 5000]

Serves a generated 5,000-page municipal site on 127.0.0.1 (benchmarks/crawl_site.py:
robots.txt → sitemap index → gzipped sitemaps with lastmod → pages, ETag/304),
runs ``parity audit`` on it twice with the same store — a full crawl, then a
re-audit of the unchanged site — and prints the requests each made, their
ratio, and (third run) what editing 1 % of the pages costs. The site's access
log is the count; every run is a fresh process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from crawl_site import start  # noqa: E402

CONFIG = """[crawl]
delay_seconds = 0
concurrency_per_host = 16
autothrottle = false
max_pages_per_source = {max_pages}
window_days = 30

[[org]]
id = "benchby-kommun"
name = "Benchby kommun"
web = [
  {{ type = "sitemap", url = "{base}/sitemapindex.xml" }},
  {{ type = "feed", url = "{base}/rss.xml" }},
]
"""


def audit(folder: Path, config: Path, run: str) -> tuple[float, int]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "parity.cli", "audit", str(config), "--store", str(folder / "store.sqlite"),
         "--out", str(folder / run), "--format", "json"],
        capture_output=True, text=True, cwd=ROOT,
    )
    if result.returncode not in (0, 3):
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"audit {run} exited {result.returncode}")
    return time.monotonic() - started, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server, site = start(args.pages)
    try:
        with tempfile.TemporaryDirectory(prefix="crawl-incremental-") as tmp:
            folder = Path(tmp)
            config = folder / "benchby.toml"
            config.write_text(CONFIG.format(base=server.base_url, max_pages=args.pages + 100), encoding="utf-8")
            runs = []
            for name, change in (("full", 0), ("unchanged", 0), ("1% edited", max(1, args.pages // 100))):
                for number in range(1, change + 1):
                    site.touch(number * 97 % args.pages + 1)
                server.access_log.clear()
                seconds, code = audit(folder, config, name.replace(" ", "-").replace("%", "pct"))
                entries = server.access_log.entries
                statuses = Counter(e.status for e in entries)
                pages = sum(1 for e in entries if e.path.startswith("/nyheter/"))
                runs.append({"run": name, "requests": len(entries), "page_requests": pages,
                             "statuses": dict(sorted(statuses.items())), "seconds": round(seconds, 1)})
    finally:
        server.stop()
    full, unchanged, edited = runs
    ratio = unchanged["requests"] / full["requests"]
    report = {"pages": args.pages, "runs": runs, "unchanged_over_full": round(ratio, 5),
              "goal": "<= 0.05", "met": ratio <= 0.05}
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"site: {args.pages} pages (sitemap index → {-(-args.pages // 1000)} gzipped sitemaps, RSS feed)")
    for run in runs:
        print(f"  {run['run']:>10}: {run['requests']:6d} requests ({run['page_requests']} page URLs), "
              f"statuses {run['statuses']}, {run['seconds']} s")
    print(f"re-audit of the unchanged site / full crawl = {unchanged['requests']}/{full['requests']} = {ratio:.4f} "
          f"(1/{1 / ratio:.0f}); goal ≤ 1/20: {'met' if ratio <= 0.05 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
