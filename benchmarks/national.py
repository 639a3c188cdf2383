"""National nightly audit, scaled: first crawl and incremental re-audit, single-process vs distributed.

    .venv/bin/python benchmarks/national.py [--orgs 16] [--modes single,w1,w3] [--edit 0.01] [--json OUT]

Serves ``--orgs`` organisations of the generated national config (benchmarks/national_world.py:
650 sites of 50–2,000 pages plus a Mastodon account each; ``--orgs`` of them, an honest
sample of the size distribution) on loopback and audits them with ``parity audit`` in each
mode, each with a fresh store:

* ``single``: one process, SQLite (the default mode);
* ``wN``: ``--redis URL --workers N --store postgresql://…`` (real Redis and PostgreSQL from
  tests/support/servers.py, like the tests).

Per mode: the full first audit, then ``--edit`` of the pages changed, then the nightly re-audit
on the same store. Measured: wall time, requests (the sites' and Mastodon's access log), CPU
(every process of the audit, children included: ``os.wait4``) per page in the site, peak memory
of the whole process tree (sampled from /proc). The distributed modes' verdicts must equal the
single-process run's (same world, same clock). Crawl settings: delay 0, 2 requests per host at
a time (the cost of the work, not of politeness; politeness makes a host's crawl take
pages × delay whatever the machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from crawl_throughput import measure_child
from national_world import CLOCK, NATIONAL, NationalWorld, page_counts


def audit(config: Path, out: Path, store: str, extra: list[str], log: Path | None = None) -> dict[str, Any]:
    """One ``parity audit`` in a child process: wall s, CPU s (whole tree), peak tree RSS, exit code."""
    cmd = [sys.executable, "-m", "parity.cli", "audit", str(config), "--out", str(out), "--store", store,
           "--now", CLOCK.strftime("%Y-%m-%dT%H:%M:%SZ"), *extra]
    run = measure_child(cmd)
    if log is not None:
        log.write_bytes(run.stderr)
    if run.code not in (0, 3, 4):
        sys.stderr.write(run.tail(2000))
        raise SystemExit(f"parity audit exited {run.code}")
    return {"code": run.code, "wall_s": round(run.wall, 1), "cpu_s": round(run.cpu, 1),
            "peak_rss_mb": round(run.tree_rss / 2**20)}


def run_mode(world: NationalWorld, mode: str, folder: Path, redis_url: str | None, pg: Any, edit: float,
             logs: Path | None = None, delay: float = 0.0) -> dict[str, Any]:
    config = folder / "national.toml"
    config.write_text(world.config_toml(delay=delay), encoding="utf-8")
    if mode == "single":
        store, extra = str(folder / f"{mode}.sqlite"), []
    else:
        store, extra = pg.create_database(), ["--redis", str(redis_url), "--workers", mode[1:]]
    world.reset()
    result: dict[str, Any] = {"mode": mode, "store": "sqlite" if mode == "single" else "postgresql"}
    client = None
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
    for phase in ("full", "incremental"):
        if phase == "incremental":
            result["edited_pages"] = world.edit(edit)
        world.log.clear()
        if client is not None:
            client.config_resetstat()
        measured = audit(config, folder / f"{mode}-{phase}", store, extra,
                         logs / f"{mode}-{phase}.log" if logs else None)
        measured["requests"] = len(world.log.entries)
        if client is not None:  # Redis commands (scripts count as one) per request made
            stats = {k[len("cmdstat_"):]: v["calls"] for k, v in client.info("commandstats").items()
                     if k.startswith("cmdstat_")}
            measured["redis_calls_per_request"] = round(sum(stats.values()) / max(1, measured["requests"]), 1)
            measured["redis_top"] = dict(sorted(stats.items(), key=lambda kv: -kv[1])[:6])
        measured["cpu_ms_per_site_page"] = round(1000 * measured["cpu_s"] / world.pages, 2)
        result[phase] = measured
    result["verdicts"] = (folder / f"{mode}-full" / "verdicts.jsonl").read_text(encoding="utf-8")
    return result


#: What the ratios compare (the single-process full audit of this same run is 1.0).
RATIO_KEYS = ("wall_s", "cpu_s", "peak_rss_mb", "requests")


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Each phase's figures over the single-process full audit measured in the same run (the baseline):
    a loaded machine slows every mode alike, so the ratios carry over where the seconds do not."""
    base = next((r["full"] for r in results if r["mode"] == "single"), None) or (results[0]["full"] if results else None)
    if not base:
        return
    for result in results:
        for phase in ("full", "incremental"):
            figures = result[phase]
            figures["vs_baseline"] = {k: round(figures[k] / base[k], 2) if base.get(k) else None for k in RATIO_KEYS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=16, help=f"organisations of the national {NATIONAL} to serve")
    parser.add_argument("--modes", default="single,w1,w3", help="single and/or wN (distributed, N local workers)")
    parser.add_argument("--edit", type=float, default=0.01, help="fraction of the pages edited before the re-audit")
    parser.add_argument("--json", default=None, help="write the figures here")
    parser.add_argument("--logs", default=None, help="keep each audit's stderr in this folder")
    parser.add_argument("--delay", type=float, default=0.0, help="delay_seconds per host (politeness)")
    parser.add_argument("--max-pages", type=int, default=None,
                        help="cap every site at this many pages (a probe of the cost per source, not a sample)")
    args = parser.parse_args()
    modes = args.modes.split(",")
    from tests.support.servers import postgres_server, redis_server

    results = []
    with NationalWorld(args.orgs, max_pages=args.max_pages) as world, tempfile.TemporaryDirectory(prefix="national-") as tmp, \
            contextlib.ExitStack() as stack:
        distributed = any(m != "single" for m in modes)
        redis = stack.enter_context(redis_server()) if distributed else None
        pg = stack.enter_context(postgres_server()) if distributed else None
        print(f"{len(world.sites)} of {NATIONAL} organisations, {world.pages} pages "
              f"(the national {sum(page_counts())}); {os.cpu_count()} CPUs", flush=True)
        for mode in modes:
            logs = Path(args.logs) if args.logs else None
            if logs:
                logs.mkdir(parents=True, exist_ok=True)
            result = run_mode(world, mode, Path(tmp), redis.url if redis else None, pg, args.edit, logs, args.delay)
            results.append(result)
            print(json.dumps({k: v for k, v in result.items() if k != "verdicts"}), flush=True)
    add_ratios(results)
    reference = next((r["verdicts"] for r in results if r["mode"] == "single"), None)
    for result in results:
        result["verdicts_equal_single"] = None if reference is None else result.pop("verdicts") == reference
        result.pop("verdicts", None)
    report = {"orgs": len(world.sites), "sources": 4 * len(world.sites), "max_pages": args.max_pages,
              "delay": args.delay,
              "pages": world.pages, "national_pages": sum(page_counts()),
              "cpus": os.cpu_count(), "load_average_end": [round(x, 1) for x in os.getloadavg()], "modes": results}
    print(json.dumps(report, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r["verdicts_equal_single"] in (True, None) for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
