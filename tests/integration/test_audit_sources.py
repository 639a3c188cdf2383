"""Audits of the demo world with broken sources: incomplete evidence never becomes an accusation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parity.demo import DemoWorld
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.support.run import run_parity

pytestmark = pytest.mark.slow


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def audit(world: DemoWorld, tmp_path: Path, *extra: str) -> tuple[int, Path, str]:
    config = tmp_path / "demo.toml"
    config.write_text(world.config_toml(), encoding="utf-8")
    out = tmp_path / "out"
    result = run_parity("audit", config, "--out", out, "--store", tmp_path / "store.sqlite", "--format", "json",
                        *extra, timeout=180)
    return result.code, out, result.stderr


def by_kind(out: Path) -> dict[str, dict[str, Any]]:
    return {s["kind"]: s for s in jsonl(out / "sources.jsonl")}


def verdicts(out: Path) -> dict[str, str]:
    return {v["post_id"]: v["verdict"] for v in jsonl(out / "verdicts.jsonl")}


def test_failed_feed_turns_social_only_into_unverifiable(tmp_path: Path) -> None:
    with FaultWorld(feed_down=True) as world:
        code, out, _ = audit(world, tmp_path)
        expected = world.expected_verdicts()
    assert code == 4
    sources = by_kind(out)
    assert sources["feed"]["status"] == "failed" and "http_503" in sources["feed"]["error"]
    assert all(sources[k]["status"] == "ok" for k in ("sitemap", "listing", "notice_board", "mastodon", "bluesky"))
    got = verdicts(out)
    social_only = [p for p, v in expected.items() if v == "social_only"]
    assert social_only and all(got[p] == "unverifiable" for p in social_only)
    assert "social_only" not in got.values()
    # Pages still reachable through the sitemap and the listing keep their verdicts.
    linked = [p for p, v in expected.items() if v in ("match", "partial", "late")]
    assert all(got[p] == expected[p] for p in linked)


def test_robots_blocked_feed_is_reported_as_such(tmp_path: Path) -> None:
    with DemoWorld(robots_block_feed=True) as world:
        code, out, _ = audit(world, tmp_path)
        feed_hits = [e for e in world.access_log.entries if e.server == "web" and "portlet" in e.path]
    assert code == 4
    feed = by_kind(out)["feed"]
    assert feed["status"] == "robots_blocked" and feed["items"] == 0
    assert "robots.txt" in feed["error"]
    assert feed_hits == []  # never fetched
    assert "social_only" not in verdicts(out).values()


def test_unreachable_robots_txt_means_disallow_all(tmp_path: Path) -> None:
    with FaultWorld() as world:
        world.inject("web", Fault(status=503, path="/robots.txt"))
        code, out, _ = audit(world, tmp_path)
        web_paths = [e.path for e in world.access_log.entries if e.server == "web"]
    assert code == 4
    sources = by_kind(out)
    for kind in ("feed", "sitemap", "listing", "notice_board"):
        assert sources[kind]["status"] == "failed", sources[kind]
        assert "robots_unreachable" in sources[kind]["error"]
    assert set(web_paths) == {"/robots.txt"}  # RFC 9309: 5xx robots.txt ⇒ no page fetched
    got = verdicts(out)
    assert set(got.values()) <= {"unverifiable", "excluded"}


def test_fail_under_gives_exit_3_when_sources_are_complete(tmp_path: Path) -> None:
    with DemoWorld() as world:
        code, out, _ = audit(world, tmp_path, "--fail-under", "90")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["orgs"][0]["parity_percent"] < 90
    assert code == 3 and summary["exit_code"] == 3
