"""The report's parts: announcements, ranking, strings, local formats, evidence lines, triage, to-check, history."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report import summarise, write_audit_outputs
from parity.report.announce import group_posts
from parity.report.localfmt import format_date, format_hours, format_number, format_percent
from parity.report.ranking import RANKING_COLUMNS, ranking_table
from parity.report.strings import STRINGS
from parity.report.tabular import read_csv


def post(pid: str, platform: str, text: str, when: str, org: str = "o", **extra) -> Post:
    return Post(id=pid, org=org, platform=platform, text=text, published_at=when, **extra)


WATER = "💧 Vattnet stängs av på Storgatan 10–24 tisdag 1 december kl. 8–16. Vattentank vid Storgatan 15."
WATER_2 = "Vattnet stängs av på Storgatan 10–24 tisdag 1 december kl. 8–16, en vattentank står vid Storgatan 15!"


def test_the_same_announcement_on_two_platforms_is_one() -> None:
    posts = [post("m1", "mastodon", WATER, "2026-11-25T06:30:00Z"),
             post("b1", "bluesky", WATER_2, "2026-11-25T06:40:00Z"),
             post("b2", "bluesky", WATER_2, "2026-11-28T06:40:00Z"),  # 72 h later: a reminder, not the same post
             post("x1", "mastodon", "Simhallen stänger för underhåll", "2026-11-25T07:00:00Z"),
             post("l1", "mastodon", "Läs mer", "2026-11-25T09:00:00Z", links=["https://o.se/a?utm_source=x"]),
             post("l2", "mastodon", "Mer info här", "2026-11-25T10:00:00Z", links=["https://www.o.se/a"]),
             post("o1", "bluesky", WATER, "2026-11-25T06:35:00Z", org="other"),
             post("r1", "bluesky", WATER, "2026-11-25T06:45:00Z", kind="reply")]
    verdicts = [Verdict(post_id=p.id, org=p.org, verdict=v) for p, v in zip(posts, (
        "match", "social_only", "social_only", "social_only", "partial", "social_only", "match", "excluded"))]
    groups = {a.post_ids: a for a in group_posts(posts, verdicts)}
    assert set(groups) == {("m1", "b1"), ("b2",), ("x1",), ("l1", "l2"), ("o1",), ("r1",)}
    assert groups["m1", "b1"].verdict == "match" and groups["m1", "b1"].platforms == ("mastodon", "bluesky")
    assert groups["l1", "l2"].verdict == "partial"  # the same link on one platform: one announcement
    summary = summarise(posts, verdicts, [], {"o": "Orten", "other": "Annan"})
    org = summary["orgs"][0]
    assert org["posts"] == 7 and org["announcements"]["total"] == 5
    assert org["announcements"]["counts"]["social_only"] == 2 and org["announcements"]["parity_rate"] == 1 / 4


def test_ranking_best_first_with_ties_and_unrated_last() -> None:
    summary = {"orgs": [
        {"id": "a", "name": "A", "parity_percent": 50.0, "posts": 4, "counts": {"social_only": 2},
         "image_only_share": 0.25, "median_lag_hours": 3.0, "announcements": {"total": 3, "parity_rate": 0.5}},
        {"id": "b", "name": "B", "parity_percent": None, "posts": 1, "counts": {"excluded": 1}},
        {"id": "c", "name": "C", "parity_percent": 90.0, "posts": 10, "counts": {"social_only": 1}},
        {"id": "d", "name": "D", "parity_percent": 50.0, "posts": 2, "counts": {}}]}
    table = ranking_table(summary)
    assert list(table.columns) == RANKING_COLUMNS
    assert list(table["org"]) == ["c", "a", "d", "b"]
    assert [None if pd.isna(r) else int(r) for r in table["rank"]] == [1, 2, 2, None]
    assert table.loc[1, "image_only_percent"] == 25.0 and table.loc[1, "social_only"] == 2


def test_both_languages_have_the_same_labels_and_none_shadows_a_dict_method() -> None:
    assert STRINGS["sv"].keys() == STRINGS["en"].keys()
    assert [key for key in STRINGS["sv"] if hasattr(dict, key)] == []  # "items" was dict.items in a template
    same = [k for k in STRINGS["sv"] if STRINGS["sv"][k] == STRINGS["en"][k] and len(STRINGS["sv"][k]) > 6]
    assert same == ["org"]  # "Organisation" is both Swedish and English


def test_dates_and_numbers_in_the_readers_format() -> None:
    assert format_date("2026-12-04T14:00:00Z", "sv") == "4 december 2026 kl. 15.00"
    assert format_date("2026-12-04T14:00:00Z", "en") == "4 December 2026, 15:00"
    assert format_date("2026-07-01T10:05:00Z", "sv", short=True) == "1 juli 2026 12.05"  # summer time
    assert format_date("2026-03-02T10:05:00Z", "en", short=True) == "2 Mar 2026 11:05"
    assert format_number(-1.5, "sv") == "\u22121,5" and format_number(1234.5, "en") == "1,234.5"
    assert format_percent(0.456, "sv") == "46\u00a0%" and format_percent(None, "en") == "–"
    assert format_hours(1.0, "sv") == "1 timme" and format_hours(95, "en") == "4 days"


def build(tmp_path: Path, verdicts: list[Verdict], posts: list[Post], **kwargs) -> str:
    summary = summarise(posts, verdicts, [SourceStatus(org="o", kind="feed", status="ok", items=1)], {"o": "Orten"},
                        meta={"generated_at": "2026-12-04T14:00:00Z", "window_days": 30, "grace_hours": 24})
    write_audit_outputs(tmp_path, posts, [WebItem(id="w", org="o", source="feed", url="https://o.se/a", title="Sida")],
                        verdicts, [SourceStatus(org="o", kind="feed", status="ok", items=1)], summary, **kwargs)
    return (tmp_path / "report.html").read_text(encoding="utf-8")


def test_names_not_ids_to_check_and_triage(tmp_path: Path) -> None:
    posts = [post("p1", "mastodon", "Vattnet stängs av", "2026-12-01T08:00:00Z"),
             post("p2", "bluesky", "Simhallen stänger", "2026-12-02T08:00:00Z")]
    verdicts = [Verdict(post_id="p1", org="o", verdict="social_only", reason="no page shares the post's content",
                        review=True),
                Verdict(post_id="p2", org="o", verdict="social_only", reason="no page shares the post's content")]
    marks = [{"post_id": "p2", "org": "o", "label": "confirmed-gap", "note": "kollat i telefon",
              "updated_at": "2026-12-03T08:00:00Z"}]
    html = build(tmp_path, verdicts, posts, triage=marks)
    sv = html[html.index('<div data-lang="sv" lang="sv">'):html.index('<div data-lang="en" lang="en">')]
    assert "Orten" in sv and ">o<" not in sv
    assert "Att kontrollera (1)" in sv and "Granskad: bekräftad lucka" in sv and "kollat i telefon" in sv
    assert "To check (1)" in html and "Reviewed: confirmed gap" in html
    assert "ingen sida har inläggets innehåll" in sv and "no page shares" not in sv
    assert "4 december 2026 kl. 15.00" in sv and "4 December 2026, 15:00" in html
    assert "built-in method" not in html
    rows = read_csv(tmp_path / "verdicts.csv")
    assert list(rows["triage"].fillna("")) == ["", "confirmed-gap"] and bool(rows["review"][0]) is True
    assert (tmp_path / "triage.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_evidence_lines_name_the_warc_records(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = b"<html><body>Vattnet stangs av</body></html>"
    answer = b'[{"id": "113000000000001", "content": "Vattnet"}]'
    with open(tmp_path / "crawl.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in (("https://o.se/a", page), ("http://127.0.0.1:9/api/v1/accounts/1/statuses", answer)):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    posts = [post("mastodon:o@social.demo:113000000000001", "mastodon", "Vattnet stängs av", "2026-12-01T08:00:00Z")]
    verdicts = [Verdict(post_id=posts[0].id, org="o", verdict="social_only", candidates=[{"web_id": "w"}])]
    html = build(tmp_path, verdicts, posts)
    import hashlib

    assert f"SHA-256 {hashlib.sha256(page).hexdigest()}" in html
    assert f"SHA-256 {hashlib.sha256(answer).hexdigest()}" in html
    assert len(re.findall(r"&lt;urn:uuid:[0-9a-f-]{36}&gt;", html)) == 4  # two lines in each language


def test_history_shows_what_the_store_remembers(tmp_path: Path) -> None:
    from parity.report.history import history_block, store_history
    from parity.store import SqliteStore

    clock = dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc)
    page = WebItem(id="w", org="o", source="feed", url="https://o.se/a", title="Sida")
    first, gap = post("p1", "mastodon", "Vattnet", "2026-11-30T08:00:00Z"), post("p2", "mastodon", "Simhall",
                                                                                 "2026-11-30T09:00:00Z")
    with SqliteStore(tmp_path / "s.sqlite") as store:
        store.upsert_web_item(page, seen_at=clock)
        for night in range(3):
            run = f"r{night}"
            store.begin_run(run, "audit")
            if night == 0:
                store.upsert_post(first, seen_at=clock)
                store.upsert_post(gap, seen_at=clock)
            store.save_verdicts(run, [Verdict(post_id="p1", org="o", verdict="match" if night < 2 else "social_only",
                                              web_id="w" if night < 2 else None),
                                      Verdict(post_id="p2", org="o", verdict="social_only")])
            if night == 1:
                store.upsert_post(first.model_copy(update={"text": "Vattnet, rättad"}))
                store.mark_web_removed("w")
            store.finish_run(run, "finished", 0, {"orgs": [{"id": "o", "parity_percent": 50.0 - 25 * night}],
                                                  "generated_at": f"2026-12-0{night + 1}T02:00:00Z"})
        block = history_block(store, "r2", ["o"])
        everything = store_history(store, 30, 3)
    assert [r["run_id"] for r in block["runs"]] == ["r0", "r1"]
    assert [(c["post_id"], c["from"], c["to"]) for c in block["changes"]] == [("p1", "match", "social_only")]
    removed = block["removed_after_match"]
    assert [(r["web_id"], r["post_id"], r["matched_in_run"]) for r in removed] == [("w", "p1", "r1")]
    assert [p["post_id"] for p in block["edited"]] == ["p1"]
    assert [(g["post_id"], g["nights"]) for g in block["open_gaps"]] == [("p2", 3)]
    assert [(g["post_id"], g["nights"]) for g in everything["open_gaps"]] == [("p2", 3)]
    assert [p["parity_percent"] for p in everything["trend"]["o"]] == [50.0, 25.0, 0.0]


@pytest.mark.parametrize("label", ["not-an-announcement", "confirmed-gap", "wrong-match"])
def test_triage_marks_are_kept_per_post(tmp_path: Path, label: str) -> None:
    from parity.store import SqliteStore

    with SqliteStore(tmp_path / "s.sqlite") as store:
        store.upsert_post(post("p1", "mastodon", "a", "2026-12-01T08:00:00Z"))
        store.upsert_post(post("p2", "mastodon", "b", "2026-12-01T08:00:00Z"))
        first = store.set_triage("p1", "o", "confirmed-gap", "först")
        again = store.set_triage("p1", "o", label, "sedan", "social_only", "r1")
        assert again["created_at"] == first["created_at"] and again["label"] == label and again["note"] == "sedan"
        with pytest.raises(ValueError):
            store.set_triage("p2", "o", "maybe")
    with SqliteStore(tmp_path / "s.sqlite") as store:  # kept across runs (another connection)
        assert [(m["post_id"], m["label"]) for m in store.triage_marks()] == [("p1", label)]
        assert store.triage_marks(post_ids=["p2"]) == [] and store.post_org("p2") == "o"
        assert store.clear_triage("p1") and store.triage_marks() == []


def test_charts_keep_their_labels_and_dated_axes() -> None:
    from parity.report.charts import lag_bins, trend_chart, verdict_bars

    series = [("Orten", [("2026-12-01T01:00:00Z", 50.0), ("2026-12-01T13:00:00Z", 60.0)])]
    same_day = trend_chart(series, "sv", "Paritet över tid")
    assert 'aria-label="Paritet över tid"' in same_day and "1 dec. 14.00" in same_day  # hours tell runs apart
    week = trend_chart([("Orten", [("2026-12-01T01:00:00Z", 50.0), ("2026-12-08T01:00:00Z", None),
                                   ("2026-12-09T01:00:00Z", 70.0)])], "en", "Parity over time")
    assert ">1 Dec<" in week and ">9 Dec<" in week and week.count("<circle") == 2
    assert trend_chart([("Orten", [("2026-12-01T01:00:00Z", 50.0)])], "sv", "x") == ""  # one run: no line
    bars = verdict_bars([("Orten · <Mastodon>", {"match": 3, "social_only": 1})], ("match", "social_only"),
                        {"match": "finns", "social_only": "bara i sociala medier"}, "Bedömningar")
    assert 'width="75.00%"' in bars and "&lt;Mastodon&gt;" in bars and "<Mastodon>" not in bars
    assert lag_bins([-3, 2, 30, 100, 200, 1000], "sv") == [("webben först", 1), ("0–6 timmar", 1),
                                                          ("6–24 timmar", 0), ("1–3 dagar", 1), ("3–7 dagar", 1),
                                                          ("mer än 7 dagar", 2)]
