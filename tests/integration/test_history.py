"""Nightly history: a second audit on the same store shows the first run and what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.support.run import Run, run_parity

pytestmark = pytest.mark.slow


def run(*args: str) -> Run:
    return run_parity(*args, timeout=180)


def test_two_nightly_runs_build_history(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    with FaultWorld() as world:
        config = tmp_path / "demo.toml"
        config.write_text(world.config_toml(), encoding="utf-8")
        first = run("audit", str(config), "--out", str(tmp_path / "night1"), "--store", str(store), "--format", "json")
        assert first.code == 0, first.stderr[-2000:]
        # Night two: the feed is down, so yesterday's social-only posts can no longer be concluded.
        world.inject("web", Fault(status=503, pattern=r"portlet\?state=rss"))
        second = run("audit", str(config), "--out", str(tmp_path / "night2"), "--store", str(store), "--format", "json")
        expected = world.expected_verdicts()
    assert second.code == 4, second.stderr[-2000:]
    summary = json.loads(second.stdout)
    history = summary["history"]
    assert [r["run_id"] for r in history["runs"]] == [json.loads(first.stdout)["run_id"]]
    social_only = {p for p, v in expected.items() if v == "social_only"}
    changed = {c["post_id"] for c in history["changes"]}
    assert changed == social_only
    assert all(c["from"] == "social_only" and c["to"] == "unverifiable" for c in history["changes"])
    html = (tmp_path / "night2" / "report.html").read_text(encoding="utf-8")
    assert "Historik" in html and "<polyline" in html  # one earlier point + today: a 2-point line
    listing = run("history", str(store), "--format", "json")
    assert listing.code == 0, listing.stderr
    runs = json.loads(listing.stdout)["runs"]
    assert [r["exit_code"] for r in runs] == [0, 4]
    assert runs[0]["orgs"]["sjobacka-kommun"] > 0
