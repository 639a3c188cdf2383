"""Issue 12 §6: two audits on one store. One run at a time; a failed store write is never ``ok``.

Before the fix, two ``parity audit`` runs on the same ``--store`` started 3 s apart: one hit
``database is locked`` 13 times, dropped 13 of 50 pages and still said ``ok`` (exit 0); the
other "resumed" the first while it was running and took over its rows.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from crawler.pipelines import StorePipeline
from crawler.tracking import SourceTracker
from parity.core.records import Post
from parity.store import SqliteStore, StoreBusy
from tests.conftest import ROOT
from tests.reliability.harness import ORG, jsonl, run_config, start_config, store_rows
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan, page_token
from tests.support.faultserver import FaultServerProcess
from tests.support.run import child_env, signal_group

PAGES = 40


def wait_for_holder(store: Path, proc: subprocess.Popen[str], timeout: float = 30) -> dict[str, Any]:
    """The lock file's holder, once the run has taken the lock."""
    lock = store.with_name(store.name + ".lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        if lock.exists() and lock.read_text().strip():
            return json.loads(lock.read_text())
        time.sleep(0.05)
    raise AssertionError("the first run never took the store lock")


def slow_site() -> Plan:
    return Plan(sites={"main": SitePlan(pages=PAGES, seed=71, latency=0.12)})


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_second_run_on_a_busy_store_is_refused_and_the_first_completes(tmp_path: Path) -> None:
    with FaultServerProcess(slow_site(), tmp_path / "srv") as server:
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": server.url() + "/sitemap.xml"}]}],
                             concurrency_per_host=1, timeout_seconds=10.0)
        first, out, store = start_config(tmp_path, config)
        holder = wait_for_holder(store, first)
        second = run_config(tmp_path, config, out_name="out2", timeout=60)
        crawl_alone = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--config", str(tmp_path / "audit.toml"), "--store", str(store),
             "--run-id", "manual"], capture_output=True, text=True, cwd=ROOT, timeout=60, env=child_env(), check=False)
        still_running = first.poll() is None
        stdout, stderr = first.communicate(timeout=120)
    assert still_running  # the refusals happened while the first run was crawling
    # The second run: refused at once with exit 2, one line naming the first run and its pid; nothing written.
    assert second.code == 2 and second.seconds < 10, second.stderr[-2000:]
    message = f"store is in use by run {holder['run_id']} (pid {first.pid})"
    assert second.stderr.strip().splitlines() == [f"{store}: {message}"]
    assert not (tmp_path / "out2").exists()
    assert crawl_alone.returncode == 2 and message in crawl_alone.stderr  # the crawl process on its own too
    # The first run: complete and ok; every page fetched once, no run of anyone else in the store.
    assert first.returncode == 0, stderr[-3000:]
    summary = json.loads(stdout)
    assert summary["run_id"] == holder["run_id"]
    [source] = jsonl(out / "sources.jsonl")
    assert source["status"] == "ok" and source["items"] == PAGES
    web = jsonl(out / "web.jsonl")
    texts = " ".join(w["text"] for w in web)
    assert len(web) == PAGES and all(page_token(i, 71) in texts for i in range(PAGES))  # each page's own text
    hits = [e["target"] for e in server.log() if e["target"].startswith("/news/")]
    assert len(hits) == len(set(hits)) == PAGES
    assert [r[0] for r in store_rows(store, "SELECT run_id FROM runs")] == [holder["run_id"]]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_lock_dies_with_its_run(tmp_path: Path) -> None:
    """SIGKILL of the holder (and its crawl): the kernel drops the lock; the next run resumes, no stale lock."""
    with FaultServerProcess(slow_site(), tmp_path / "srv") as server:
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": server.url() + "/sitemap.xml"}]}],
                             concurrency_per_host=1, timeout_seconds=10.0)
        first, _, store = start_config(tmp_path, config)
        wait_for_holder(store, first)
        time.sleep(1.0)
        signal_group(first, signal.SIGKILL)
        first.communicate(timeout=30)
        rerun = run_config(tmp_path, config, out_name="out2")
    assert rerun.code == 0, rerun.stderr[-2000:]
    assert [s["items"] for s in rerun.sources()] == [PAGES]


def test_the_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite"
    with SqliteStore(store_path) as store, store.lock_run("run-a") as lock:
        assert lock.inheritable_fds()
        with SqliteStore(store_path) as other, pytest.raises(StoreBusy, match=r"store is in use by run run-a \(pid \d+\)"):
            other.lock_run("run-b")
    with SqliteStore(store_path) as store, store.lock_run("run-c"):
        pass  # released on exit: the next run takes it


class FailingStore:
    """A store whose every write fails the way SQLite does when another writer holds the file."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> None:
            raise sqlite3.OperationalError("database is locked")
        return fail


def test_a_failed_store_write_makes_the_source_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crawler.pipelines.shared_store", lambda path: FailingStore())
    tracker = SourceTracker(org=ORG, kind="mastodon", url="https://social.example/@felby")
    tracker.success(True)  # the timeline itself was fetched
    spider = SimpleNamespace(spec=SimpleNamespace(key="k"), tracker=tracker)
    pipeline = StorePipeline("unused.sqlite")
    post = Post(id="mastodon:felby@social.example:1", org=ORG, platform="mastodon", text="Vattnet stängs av",
                url="https://social.example/@felby/1")
    with pytest.raises(DropItem, match="store_write_failed"):
        pipeline.process_item(post, spider)
    status = tracker.status()
    assert (status.status, status.items) == ("partial", 0)
    assert "store_write_failed (OperationalError: database is locked)" in (status.error or "")
