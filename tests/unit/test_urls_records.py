"""URL canonicalisation (link evidence) and the record format's time handling and JSONL errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.core.jsonl import RecordError, read_records, write_records
from parity.core.records import Post, Verdict, WebItem, web_item_id
from parity.core.urls import canonical_url, strip_tracking


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://www.uppsala.se/nyheter/x/?utm_source=facebook&utm_medium=social", "http://uppsala.se/nyheter/x"),
        ("https://uppsala.se/nyheter/x?fbclid=IwAR0abc#kommentarer", "https://uppsala.se/nyheter/x"),
        ("https://www.foxnews.com/politics/a?utm_source=twitter&utm_medium=social", "www.foxnews.com/politics/a"),
        ("https://UPPSALA.se:443/Nyheter", "https://uppsala.se/Nyheter"),
        ("https://x.se/a/index.html", "https://x.se/a"),
        ("https://x.se/s?page=2&q=vatten", "https://x.se/s?q=vatten&page=2"),
    ],
)
def test_same_page_same_key(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://x.se/nyheter/a", "https://x.se/nyheter/b"),
        ("https://x.se/s?page=2", "https://x.se/s?page=3"),
        ("https://x.se/a", "https://y.se/a"),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a"),
    ],
)
def test_different_pages_differ(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_non_web_links_have_no_key() -> None:
    assert canonical_url("mailto:info@x.se") is None
    assert canonical_url("") is None


def test_strip_tracking_keeps_content_parameters() -> None:
    assert strip_tracking("https://x.se/a?id=5&utm_campaign=v&gclid=1") == "https://x.se/a?id=5"


def test_times_are_utc_with_z_and_round_trip(tmp_path: Path) -> None:
    post = Post(id="p", org="o", platform="mastodon", published_at="2026-03-12T09:30:00+01:00", text="x")
    assert post.to_json_dict()["published_at"] == "2026-03-12T08:30:00Z"
    path = tmp_path / "posts.jsonl"
    write_records(path, [post])
    (back,) = read_records(path, Post)
    assert back.published_at == post.published_at


def test_extra_fields_survive(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    write_records(path, [Verdict(post_id="p", org="o", verdict="match", web_id="w", evidence={"link": 1.0})])
    line = json.loads(path.read_text())
    assert line["evidence"] == {"link": 1.0}
    assert read_records(path, Verdict)[0].model_extra["evidence"] == {"link": 1.0}


@pytest.mark.parametrize(
    "line, expected",
    [
        ("{not json", "posts.jsonl:2: (line): not valid JSON"),
        ('{"id": "p", "platform": "x"}', "posts.jsonl:2: org: Field required"),
        ('{"id": "p", "org": "o", "platform": "x", "kind": "story"}', "posts.jsonl:2: kind: "),
        ('{"id": "p", "org": "o", "platform": "x", "published_at": "yesterday"}', "posts.jsonl:2: published_at: "),
        ("[1, 2]", "posts.jsonl:2: (line): expected a JSON object"),
    ],
)
def test_bad_lines_name_file_line_and_field(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "ok", "org": "o", "platform": "x"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RecordError) as info:
        read_records(path, Post)
    message = str(info.value)
    assert message.startswith(str(tmp_path / expected))
    assert "\n" not in message


def test_wrong_encoding_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "web.jsonl"
    path.write_bytes(b'{"id": "w", "org": "o", "source": "page", "title": "G\xe4vle"}\n')
    with pytest.raises(RecordError, match="web.jsonl:1: .*not UTF-8"):
        read_records(path, WebItem)


def test_web_item_id_is_stable_and_org_scoped() -> None:
    assert web_item_id("a", "https://x.se/1") == web_item_id("a", "https://x.se/1")
    assert web_item_id("a", "https://x.se/1") != web_item_id("b", "https://x.se/1")
    assert web_item_id("a", "https://x.se/1").startswith("web:a:")
