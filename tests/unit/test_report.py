"""Summary figures, exit codes (4 beats 3), CSV, and the HTML report's escaping."""

from __future__ import annotations

import json
from pathlib import Path

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report import rebuild_report, summarise, write_audit_outputs
from parity.report.tabular import read_csv

POSTS = [
    Post(id=f"p{i}", org="o", platform="mastodon" if i < 3 else "bluesky", text=f"post {i}",
         published_at="2026-03-01T08:00:00Z") for i in range(6)
]
VERDICTS = [
    Verdict(post_id="p0", org="o", verdict="match", web_id="w1", web_url="https://x.se/1"),
    Verdict(post_id="p1", org="o", verdict="partial", web_id="w1", missing_facts=["kl. 8–16"]),
    Verdict(post_id="p2", org="o", verdict="late", web_id="w1", lag_hours=49.0),
    Verdict(post_id="p3", org="o", verdict="social_only"),
    Verdict(post_id="p4", org="o", verdict="excluded", rule="reply"),
    Verdict(post_id="p5", org="o", verdict="match", web_id="w1"),
]
WEB = [WebItem(id="w1", org="o", source="feed", url="https://x.se/1", title="Rubrik")]
OK = [SourceStatus(org="o", kind="feed", url="https://x.se/rss", status="ok", items=1)]


def test_parity_rate_and_platform_split() -> None:
    summary = summarise(POSTS, VERDICTS, OK, {"o": "Orten"})
    (org,) = summary["orgs"]
    assert org["parity_rate"] == 2 / 5  # excluded is not rated
    assert org["name"] == "Orten"
    assert org["platforms"]["mastodon"]["match"] == 1 and org["platforms"]["bluesky"]["match"] == 1
    assert org["platforms"]["bluesky"]["parity_rate"] == 1 / 2
    assert summary["exit_code"] == 0


def test_exit_code_3_below_threshold_and_4_wins() -> None:
    assert summarise(POSTS, VERDICTS, OK, fail_under=40)["exit_code"] == 0
    assert summarise(POSTS, VERDICTS, OK, fail_under=41)["exit_code"] == 3
    failed = [SourceStatus(org="o", kind="sitemap", url="u", status="failed", error="http_503")]
    assert summarise(POSTS, VERDICTS, OK + failed, fail_under=41)["exit_code"] == 4
    assert summarise(POSTS, VERDICTS, OK + failed)["exit_code"] == 4


def test_no_rated_posts_is_not_zero_percent() -> None:
    summary = summarise(POSTS[:1], [Verdict(post_id="p0", org="o", verdict="excluded")], OK, fail_under=90)
    assert summary["orgs"][0]["parity_rate"] is None
    assert summary["exit_code"] == 0


def test_outputs_and_escaping(tmp_path: Path) -> None:
    hostile = Post(id="evil", org="o", platform="mastodon", url="javascript:alert(1)",
                   text='<script>alert("x")</script><img src=x onerror=alert(1)>', published_at="2026-03-01T08:00:00Z")
    hostile_web = WebItem(id="w2", org="o", source="page", url="javascript:alert(2)", title="<b>rubrik</b>")
    verdicts = VERDICTS + [Verdict(post_id="evil", org="o", verdict="partial", web_id="w2",
                                   missing_facts=["<i>12 mars</i>"], reason="<u>why</u>")]
    summary = summarise(POSTS + [hostile], verdicts, OK, {"o": "<Orten>"})
    write_audit_outputs(tmp_path, POSTS + [hostile], WEB + [hostile_web], verdicts, OK, summary)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "<b>rubrik</b>" not in html and "<i>12 mars</i>" not in html
    assert "javascript:" not in html
    assert "&lt;Orten&gt;" in html
    assert "<link " not in html and "src=\"http" not in html  # self-contained
    assert 'lang="sv"' in html and 'lang="en"' in html
    table = read_csv(tmp_path / "verdicts.csv")  # the default dialect: excel-sv
    assert len(table) == len(verdicts)
    assert table.loc[table.post_id == "p1", "missing_facts"].item() == "kl. 8–16"
    assert table.loc[table.post_id == "p0", "web_title"].item() == "Rubrik"
    assert json.loads((tmp_path / "summary.json").read_text())["posts"] == len(verdicts)
    for name in ("posts.jsonl", "web.jsonl", "verdicts.jsonl", "sources.jsonl"):
        assert (tmp_path / name).stat().st_size > 0


def test_rebuild_report_recomputes_from_jsonl(tmp_path: Path) -> None:
    summary = summarise(POSTS, VERDICTS, OK, {"o": "Orten"}, meta={"run_id": "r1", "window_days": 30})
    write_audit_outputs(tmp_path, POSTS, WEB, VERDICTS, OK, summary)
    (tmp_path / "report.html").unlink()
    rebuilt = rebuild_report(tmp_path, fail_under=50)
    assert rebuilt["run_id"] == "r1" and rebuilt["orgs"][0]["name"] == "Orten"
    assert rebuilt["exit_code"] == 3
    assert (tmp_path / "report.html").exists()
