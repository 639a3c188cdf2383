"""Crawl + extraction speed on loopback: our crawler vs bare Scrapy + trafilatura, and peak RSS.

    .venv/bin/python benchmarks/crawl_throughput.py [--pages 5000] [--rounds 1]

Both arms crawl the same generated site (benchmarks/crawl_site.py) from its
sitemap index, in their own process, one after the other, with the same
concurrency and robots.txt obeyed:

* **ours** — ``python -m crawler.run`` with a ``sitemap`` source: robots (RFC 9309),
  ledger + conditional-GET middleware, ``extract_article`` (trafilatura plus
  dates, links, documents, language), the store pipeline (SQLite upserts with
  the ledger in one transaction);
* **bare** — a plain ``scrapy.spiders.SitemapSpider`` whose callback runs
  ``trafilatura.extract`` and yields a dict (no pipeline).

Pages/s = pages extracted / wall time of the child process (start-up included
in both); CPU per page from ``os.wait4`` (children included); peak RSS of the
child's whole process tree (our extraction workers included) sampled from
/proc. Goals: ours ≥ 0.8× bare, peak RSS < 500 MB. On a shared machine the
wall-clock ratio moves with other load: use ``--rounds 3`` (median of the
rounds' ratios; each round runs both arms back to back).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from crawl_site import start  # noqa: E402

CONCURRENCY = 16
CPU_SECONDS: list[float] = []
TREE_RSS: list[int] = []
CONFIG = """[crawl]
delay_seconds = 0
concurrency_per_host = {concurrency}
autothrottle = false
follow_documents = true
max_pages_per_source = {max_pages}

[[org]]
id = "benchby-kommun"
web = [ {{ type = "sitemap", url = "{base}/sitemapindex.xml" }} ]
"""


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants (bytes), from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


class TreeRss(threading.Thread):
    """Samples the summed RSS of a process tree (the crawl process and its extraction workers)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, _tree_rss(self.pid))


@dataclass
class ChildRun:
    """One measured child process: wall and CPU seconds (its whole tree, waited for), peak RSS of the tree and of
    the process itself, exit code and its stderr."""

    wall: float
    cpu: float
    tree_rss: int
    rss: int
    code: int
    stderr: bytes

    def tail(self, n: int = 3000) -> str:
        return self.stderr[-n:].decode("utf-8", "replace")


def measure_child(cmd: list[str]) -> ChildRun:
    """Run ``cmd`` from the repository root, sampling its process tree's RSS every 0.2 s."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeRss(child.pid)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        sampler.stopped.set()
        err.seek(0)
        text = err.read()
    rss = usage.ru_maxrss * 1024
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, max(sampler.peak, rss), rss,
                    os.waitstatus_to_exitcode(status), text)


def run_child(cmd: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS bytes, stderr tail) of one child process (CPU seconds in CPU_SECONDS,
    peak RSS of its whole process tree in TREE_RSS)."""
    run = measure_child(cmd)
    TREE_RSS.append(run.tree_rss)
    CPU_SECONDS.append(run.cpu)
    if run.code != 0:
        sys.stderr.write(run.tail())
        raise SystemExit(f"{cmd[:3]} exited {run.code}")
    return run.wall, run.rss, run.tail()


def ours(base: str, pages: int, folder: Path) -> dict[str, float]:
    config = folder / "bench.toml"
    config.write_text(CONFIG.format(base=base, concurrency=CONCURRENCY, max_pages=pages + 100), encoding="utf-8")
    store = folder / "store.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    seconds, rss, _ = run_child([sys.executable, "-m", "crawler.run", "--config", str(config), "--store", str(store),
                                 "--run-id", "bench"])
    cpu, tree = CPU_SECONDS[-1], TREE_RSS[-1]
    with sqlite3.connect(store) as db:
        extracted = db.execute("SELECT count(*) FROM web_items WHERE json_extract(record, '$.text_origin') = 'page'"
                               ).fetchone()[0]
    return {"pages": extracted, "seconds": seconds, "rss": rss, "cpu": cpu, "tree_rss": tree}


def bare(base: str, pages: int, folder: Path) -> dict[str, float]:
    counter = folder / "bare.count"
    seconds, rss, _ = run_child([sys.executable, __file__, "--bare-child", base, "--count-file", str(counter)])
    return {"pages": int(counter.read_text()), "seconds": seconds, "rss": rss, "cpu": CPU_SECONDS[-1],
            "tree_rss": TREE_RSS[-1]}


def bare_child(base: str, count_file: str) -> int:
    """The baseline: Scrapy's own SitemapSpider + trafilatura, nothing else."""
    import scrapy
    import trafilatura
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    extracted = 0

    class Bare(SitemapSpider):
        name = "bare"
        sitemap_urls = [f"{base}/sitemapindex.xml"]

        def parse(self, response: scrapy.http.Response):  # type: ignore[override]
            nonlocal extracted
            text = trafilatura.extract(response.text, url=response.url)
            extracted += 1
            yield {"url": response.url, "text": text}

    process = CrawlerProcess({
        "LOG_LEVEL": os.environ.get("BARE_LOG", "WARNING"), "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": max(16, CONCURRENCY * 8), "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_DELAY": 0, "COOKIES_ENABLED": False, "USER_AGENT": "bare-bench",
        "DOWNLOAD_TIMEOUT": float(os.environ.get("BARE_TIMEOUT", "30")),
    })
    process.crawl(Bare)
    process.start()
    Path(count_file).write_text(str(extracted))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run bare then ours this many times; the ratio is the median of the rounds' ratios")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--bare-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--count-file", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        return bare_child(args.bare_child, args.count_file)
    server, _site = start(args.pages)
    rounds: list[dict[str, dict[str, float]]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="crawl-throughput-") as tmp:
            folder = Path(tmp)
            for _ in range(args.rounds):
                pair = {"bare": bare(server.base_url, args.pages, folder)}
                pair["ours"] = ours(server.base_url, args.pages, folder)
                rounds.append(pair)
    finally:
        server.stop()

    def summary(run: dict[str, float]) -> dict[str, float]:
        return {"pages": run["pages"], "seconds": round(run["seconds"], 1),
                "pages_per_s": round(run["pages"] / run["seconds"], 1),
                "cpu_ms_per_page": round(1000 * run["cpu"] / max(1, run["pages"]), 1),
                "peak_rss_mb": round(run["rss"] / 2**20), "peak_tree_rss_mb": round(run["tree_rss"] / 2**20)}

    table = [{arm: summary(run) for arm, run in pair.items()} for pair in rounds]
    ratios = sorted((p["ours"]["pages"] / p["ours"]["seconds"]) / (p["bare"]["pages"] / p["bare"]["seconds"])
                    for p in rounds)
    ratio = statistics.median(ratios)
    peak_tree = max(p["ours"]["tree_rss"] for p in rounds)
    report = {"pages": args.pages, "rounds": table, "ratio_median": round(ratio, 3),
              "ratios": [round(r, 3) for r in ratios], "ours_peak_tree_rss_mb": round(peak_tree / 2**20),
              "goals": {"ratio": ">= 0.8", "rss_mb": "< 500"}, "cpus": os.cpu_count(),
              "load_average": os.getloadavg()}
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.pages} pages, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    for number, row in enumerate(table, 1):
        for arm in ("bare", "ours"):
            r = row[arm]
            print(f"  round {number} {arm:>4}: {r['pages']} pages in {r['seconds']} s = {r['pages_per_s']} pages/s, "
                  f"{r['cpu_ms_per_page']} ms CPU/page, peak RSS {r['peak_rss_mb']} MB "
                  f"(process tree {r['peak_tree_rss_mb']} MB)")
    print(f"ours / bare pages/s = {ratio:.2f} (median of {[round(r, 2) for r in ratios]}; goal ≥ 0.8: "
          f"{'met' if ratio >= 0.8 else 'NOT met'}); our peak RSS, crawl process + extraction workers: "
          f"{round(peak_tree / 2**20)} MB (goal < 500 MB: {'met' if peak_tree < 500 * 2**20 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
