"""``parity demo``: the bundled demo world on 127.0.0.1, audited by the same run as any config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from parity.audit.request import AuditRequest, AuditResult, LogProgress, Progress
from parity.audit.run import run_audit


def run_demo(out: Path, fail_under: float | None = None, warc: bool = False, verbose: bool = False,
             progress: Progress | None = None, csv_dialect: str | None = None) -> AuditResult:
    """Start the world, write its config to ``out/demo.toml``, audit it, stop the servers."""
    from parity.demo.world import DemoWorld

    progress = progress or LogProgress()
    out.mkdir(parents=True, exist_ok=True)
    store_path = out / "parity.sqlite"
    # A fresh world each time: yesterday's store and evidence archive would describe other servers.
    for stale in (store_path, out / "parity.sqlite-wal", out / "parity.sqlite-shm", out / "crawl.warc.gz"):
        stale.unlink(missing_ok=True)
    clock = dt.datetime.now(dt.timezone.utc)
    with DemoWorld(now=clock) as world:
        config_path = out / "demo.toml"
        config_path.write_text(world.config_toml(), encoding="utf-8")
        progress.stage("crawl", f"demo world: web {world.web_base}, mastodon {world.mastodon_base}, "
                                f"bluesky {world.bluesky_base}")
        return run_audit(AuditRequest(config=config_path, out=out, store=store_path, clock=clock,
                                      fail_under=fail_under, warc=warc, verbose=verbose, progress=progress,
                                      csv_dialect=csv_dialect))
