"""Helpers for reliability tests: configs pointing at the fault server, running ``parity`` in a subprocess.

Crawls always run in a child process (``python -m parity.cli …`` starts
``python -m crawler.run``): Scrapy's reactor never starts inside pytest.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

NOW = "2026-03-10T12:00:00Z"
ORG = "felby-kommun"

#: Fast, bounded crawl settings: faults must end in seconds, not minutes.
FAST_CRAWL: dict[str, Any] = {
    "delay_seconds": 0,
    "concurrency_per_host": 8,
    "obey_robots": True,
    "autothrottle": False,
    "timeout_seconds": 1.0,
    "retries": 3,
    "max_retry_after_seconds": 5,
    "window_days": 30,
}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def config_toml(orgs: list[dict[str, Any]], **crawl: Any) -> str:
    """A contract-format config: ``orgs`` = [{"id", "web": [...], "social": [...]}]."""
    settings = {**FAST_CRAWL, **crawl}
    lines = ["[crawl]"] + [f"{k} = {toml_value(v)}" for k, v in settings.items()]
    for org in orgs:
        lines += ["", "[[org]]", f"id = {toml_value(org['id'])}", f"name = {toml_value(org.get('name', org['id']))}"]
        for group in ("web", "social"):
            entries = org.get(group, [])
            lines.append(f"{group} = [")
            lines += [f"  {toml_value(e)}," for e in entries]
            lines.append("]")
    return "\n".join(lines) + "\n"


def post(n: int, text: str, links: list[str] | None = None, org: str = ORG, hour: int = 9) -> dict[str, Any]:
    return {"id": f"mastodon:felby@social.example:{n}", "org": org, "platform": "mastodon",
            "account": "felby@social.example", "url": f"https://social.example/@felby/{n}",
            "published_at": f"2026-03-0{1 + n % 8}T{hour:02d}:00:00Z", "text": text, "links": links or [],
            "lang": "sv", "kind": "post"}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float
    out: Path
    store: Path

    def sources(self) -> list[dict[str, Any]]:
        return jsonl(self.out / "sources.jsonl")

    def verdicts(self) -> dict[str, str]:
        return {v["post_id"]: v["verdict"] for v in jsonl(self.out / "verdicts.jsonl")}


def parity_cmd(command: str, config: Path, out: Path, store: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "parity.cli", command, str(config), "--out", str(out), "--store", str(store),
            "--now", NOW, *extra]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_DEBUG"}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_parity(tmp: Path, config_text: str, *extra: str, command: str = "audit", timeout: float = 120,
               env: dict[str, str] | None = None, out_name: str = "out", allow_traceback: bool = False) -> Result:
    """``parity audit CONFIG --format json`` (or ``crawl``) in a subprocess; asserts no traceback."""
    config = tmp / "audit.toml"
    config.write_text(config_text, encoding="utf-8")
    out = tmp / out_name
    store = tmp / "store.sqlite"
    fmt = ("--format", "json") if command == "audit" else ()
    started = time.monotonic()
    proc = subprocess.run(parity_cmd(command, config, out, store, *fmt, *extra), capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env=child_env(env))
    seconds = time.monotonic() - started
    if not allow_traceback:
        assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    return Result(proc.returncode, proc.stdout, proc.stderr, seconds, out, store)


def start_parity(tmp: Path, config_text: str, *extra: str, command: str = "audit",
                 out_name: str = "out") -> tuple[subprocess.Popen[str], Path, Path]:
    """Start ``parity`` in its own session (so a test can signal the whole group, as Ctrl-C does)."""
    config = tmp / "audit.toml"
    config.write_text(config_text, encoding="utf-8")
    out, store = tmp / out_name, tmp / "store.sqlite"
    fmt = ("--format", "json") if command == "audit" else ()
    proc = subprocess.Popen(parity_cmd(command, config, out, store, *fmt, *extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=child_env(), start_new_session=True)
    return proc, out, store


def signal_group(proc: subprocess.Popen[str], signum: int = signal.SIGINT) -> None:
    os.killpg(proc.pid, signum)


def store_rows(store: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the store without taking part in its writes (read-only URI connection)."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def latest_source_details(store: Path) -> list[dict[str, Any]]:
    """The latest run's source rows from the store, with their ``detail`` (stats, monitors, failed URLs)."""
    run = store_rows(store, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    rows = store_rows(store, "SELECT source_key, kind, status, items, error, detail FROM sources WHERE run_id=?"
                      " ORDER BY rowid", (run,))
    return [{"key": k, "kind": kind, "status": s, "items": i, "error": e, "detail": json.loads(d) if d else {}}
            for k, kind, s, i, e, d in rows]


def web_rows(store: Path) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in store_rows(store, "SELECT record FROM web_items ORDER BY id")]
