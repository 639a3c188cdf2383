"""An audit run: crawl (child process) → export from the store → match → report.

The CLI calls these steps; they hold the logic so the CLI stays argument
handling and exit codes only, and so the demo and the audit share one path.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.config import LoadedConfig
from parity.core.exitcodes import ExitCode
from parity.core.sources import incomplete_web_orgs
from parity.core.jsonl import write_records
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.core.timeutil import format_time
from parity.store import SqliteStore

log = logging.getLogger("parity")



class CrawlFailed(RuntimeError):
    """The crawl process ended abnormally (not an interruption, not a config error)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"the crawl process exited with status {code}")
        self.code = code


def new_run_id(now: dt.datetime) -> str:
    """Unique per run, from the wall clock: two replays with the same ``--now`` are still two runs
    (the same id would overwrite the first run's sources and make the ledger think its pages were done)."""
    del now
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def default_out_dir(loaded: LoadedConfig, now: dt.datetime) -> Path:
    """``reports/<config-stem>/<UTC date>/`` (contracts.md §1)."""
    return Path("reports") / loaded.stem / now.astimezone(dt.timezone.utc).strftime("%Y-%m-%d")


def default_store_path(loaded: LoadedConfig) -> Path:
    """One store per audit target, kept across nightly runs: history and incremental state live here."""
    return Path("reports") / loaded.stem / "parity.sqlite"


@dataclass
class Collected:
    """What an audit works on, read back from the store for this run."""

    posts: list[Post]
    web: list[WebItem]
    sources: list[SourceStatus]
    incomplete_orgs: frozenset[str] = field(default_factory=frozenset)


def warc_path(out_dir: Path) -> Path:
    """Where ``[crawl] warc = true`` / ``--warc`` puts the evidence archive (appended to by a rerun)."""
    return out_dir / "crawl.warc.gz"


def run_crawl(config_path: Path, store_path: Path, run_id: str, now: dt.datetime,
              orgs: list[str] | None = None, verbose: bool = False, warc: Path | None = None) -> int:
    """Run ``python -m crawler.run`` and return its exit status.

    ``warc``: the WARC file the crawl appends every downloaded response to (None: no archive).

    The child shares our process group, so Ctrl-C reaches it directly and it
    stops gracefully; we only wait. A second Ctrl-C while waiting is passed on.
    """
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config_path), "--store", str(store_path),
           "--run-id", run_id, "--now", format_time(now) or ""]
    for org in orgs or []:
        cmd += ["--org", org]
    if verbose:
        cmd.append("--verbose")
    if warc is not None:
        cmd += ["--warc", str(warc)]
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    child = subprocess.Popen(cmd, env=env)
    interrupted = False
    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:
            interrupted = True
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
    if interrupted and code in (0, ExitCode.INTERRUPTED, -signal.SIGINT):
        return ExitCode.INTERRUPTED
    return code


def collect_from_store(store: SqliteStore, loaded: LoadedConfig, run_id: str, now: dt.datetime,
                       orgs: list[str] | None = None) -> Collected:
    """Posts in the audit window, live web items and this run's source lines, for the selected orgs."""
    org_ids = [o.id for o in loaded.config.org if not orgs or o.id in orgs]
    since = now - dt.timedelta(days=loaded.config.crawl.window_days)
    posts = store.posts(org_ids, since=since)
    web = store.web_items(org_ids)
    sources = [_with_access(status, detail) for _, status, detail in store.sources(run_id)]
    return Collected(posts=posts, web=web, sources=sources, incomplete_orgs=incomplete_web_orgs(sources))


def _with_access(status: SourceStatus, detail: dict[str, Any]) -> SourceStatus:
    """A social source's access path (``api``, ``rss``, ``webfinger+api``…) as an extra sources.jsonl field."""
    access = (detail or {}).get("access")
    return status.model_copy(update={"access": access}) if access else status


def match_collected(collected: Collected, loaded: LoadedConfig) -> list[Verdict]:
    from parity.match import MatchOptions, match_posts

    options = MatchOptions.from_config(loaded.config, collected.incomplete_orgs)
    return match_posts(collected.posts, collected.web, options)


def export_crawl(folder: Path, collected: Collected) -> None:
    """The files of ``parity crawl``: posts.jsonl, web.jsonl, sources.jsonl."""
    folder.mkdir(parents=True, exist_ok=True)
    write_records(folder / "posts.jsonl", collected.posts)
    write_records(folder / "web.jsonl", collected.web)
    write_records(folder / "sources.jsonl", collected.sources)


def audit_meta(loaded: LoadedConfig, run_id: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "generated_at": format_time(now),
        "config": str(loaded.path),
        "window_days": loaded.config.crawl.window_days,
        "grace_hours": loaded.config.crawl.grace_hours,
    }
