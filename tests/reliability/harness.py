"""Helpers for reliability tests: one audit in a temporary folder, records to feed it, the store to read back.

Configs come from ``tests/support/config.py`` (fast, bounded crawl settings by
default) and every ``parity`` run goes through ``tests/support/run.py``: crawls
always run in a child process, never in pytest.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from tests.support import run

__all__ = ["NOW", "ORG", "Result", "jsonl", "latest_source_details", "post", "run_config", "start_config",
           "store_rows", "web_rows", "write_jsonl"]

NOW = "2026-03-10T12:00:00Z"
ORG = "felby-kommun"


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


def parity_args(tmp: Path, config_text: str, command: str, out_name: str,
          extra: tuple[str, ...]) -> tuple[list[Any], Path, Path]:
    """Write the config to ``tmp/audit.toml``; the arguments of ``parity COMMAND`` on it, its out folder and store."""
    config = tmp / "audit.toml"
    config.write_text(config_text, encoding="utf-8")
    out, store = tmp / out_name, tmp / "store.sqlite"
    fmt = ("--format", "json") if command == "audit" else ()
    return [command, config, "--out", out, "--store", store, "--now", NOW, *fmt, *extra], out, store


def run_config(tmp: Path, config_text: str, *extra: str, command: str = "audit", timeout: float = 120,
               env: Mapping[str, str | None] | None = None, out_name: str = "out",
               allow_traceback: bool = False) -> Result:
    """``parity audit CONFIG --format json`` (or ``crawl``) at :data:`NOW`, in a subprocess; asserts no traceback."""
    args, out, store = parity_args(tmp, config_text, command, out_name, extra)
    done = run.run_parity(*args, env=env, timeout=timeout, allow_traceback=allow_traceback)
    return Result(done.code, done.stdout, done.stderr, done.seconds, out, store)


def start_config(tmp: Path, config_text: str, *extra: str, command: str = "audit",
                 out_name: str = "out") -> tuple[subprocess.Popen[str], Path, Path]:
    """Start ``parity`` on the config in its own session (so a test can signal the whole group, as Ctrl-C does)."""
    args, out, store = parity_args(tmp, config_text, command, out_name, extra)
    return run.start_parity(*args), out, store


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
