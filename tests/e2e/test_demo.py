"""``parity demo`` end to end in a subprocess: contract files, expected verdicts per post, speed."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from parity.demo.scenario import build_scenario
from parity.report.tabular import read_csv
from tests.support.run import Run, run_parity

pytestmark = pytest.mark.slow


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, float]:
    out = tmp_path_factory.mktemp("demo")
    result = run_parity("demo", "--out", out, "--format", "json", timeout=180, allow_traceback=True)
    return result, out, result.seconds


def test_demo_exits_0_quickly_with_json_summary(demo_run) -> None:
    result, out, seconds = demo_run
    assert result.code == 0, result.stderr[-3000:]
    assert seconds < 60
    summary = json.loads(result.stdout)  # stdout is exactly one JSON object
    assert summary == json.loads((out / "summary.json").read_text())
    assert "Traceback" not in result.stderr


def test_contract_files_exist(demo_run) -> None:
    _, out, _ = demo_run
    for name in ("posts.jsonl", "web.jsonl", "verdicts.jsonl", "sources.jsonl", "summary.json", "report.html",
                 "verdicts.csv"):
        assert (out / name).stat().st_size > 0, name


def test_verdicts_cover_posts_one_to_one_and_link_to_web(demo_run) -> None:
    _, out, _ = demo_run
    posts, web, verdicts = jsonl(out / "posts.jsonl"), jsonl(out / "web.jsonl"), jsonl(out / "verdicts.jsonl")
    assert sorted(p["id"] for p in posts) == sorted(v["post_id"] for v in verdicts)
    assert len({v["post_id"] for v in verdicts}) == len(verdicts)
    web_ids = {w["id"] for w in web}
    for verdict in verdicts:
        if verdict["verdict"] in ("match", "partial", "late"):
            assert verdict["web_id"] in web_ids
        else:
            assert verdict["web_id"] is None
    assert {p["platform"] for p in posts} == {"mastodon", "bluesky"}
    assert {v["verdict"] for v in verdicts} >= {"match", "partial", "late", "social_only", "excluded"}
    assert len(read_csv(out / "verdicts.csv")) == len(verdicts)


def test_every_post_gets_its_expected_verdict(demo_run) -> None:
    _, out, _ = demo_run
    scenario = build_scenario()
    verdicts = {v["post_id"]: v for v in jsonl(out / "verdicts.jsonl")}
    assert set(verdicts) == set(scenario.expectations)
    wrong = []
    for post_id, expected in scenario.expectations.items():
        got = verdicts[post_id]
        if got["verdict"] != expected.verdict:
            wrong.append((post_id, expected.verdict, got["verdict"], got["reason"]))
            continue
        if expected.verdict in ("match", "partial", "late"):
            path = urlsplit(got["web_url"]).path
            assert path in (expected.path, *expected.also_paths), (post_id, path, expected.path)
        if expected.verdict == "partial":
            assert sorted(got["missing_facts"]) == sorted(expected.missing_facts), post_id
        if expected.verdict == "late":
            assert got["lag_hours"] > 24
    assert wrong == []


def test_sources_all_ok(demo_run) -> None:
    _, out, _ = demo_run
    sources = jsonl(out / "sources.jsonl")
    assert {s["kind"] for s in sources} == {"feed", "sitemap", "listing", "notice_board", "mastodon", "bluesky"}
    assert all(s["status"] == "ok" and s["items"] > 0 and s["error"] is None for s in sources), sources


def test_report_shows_gaps_in_both_languages(demo_run) -> None:
    _, out, _ = demo_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Luckor" in html and "Gaps" in html
    assert "Ekbacksvägen" in html  # a social-only post's text is in the gap list
    assert "bara i sociala medier" in html and "social only" in html
