"""``platform = "file"`` imports: Meta Business Suite CSV, generic CSV/JSON, posts.jsonl; errors per row.

The importer runs without Scrapy (before the crawl), so these tests call it in process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.exports_import import ExportError, read_export
from crawler.imports import import_file_source
from crawler.sources import SourceSpec
from parity.config import FileSource
from parity.store import SqliteStore

# Columns and quoting as Meta's per-post exports (multi-line captions, "MM/DD/YYYY HH:MM" local time).
META_FB = '''"Post ID","Page ID","Page name",Title,Description,"Duration (sec)","Publish time","Caption type",Permalink,"Is crosspost","Is share","Post type",Languages,"Custom labels","Funded content status","Data comment",Date,Views,Reach,"Reactions, Comments and Shares",Reactions,Comments,Shares,"Total clicks","Other Clicks","Matched Audience Targeting Consumption (Photo Click)"
1827720132094663,104729384756102,"Sjöbacka kommun",,"Vattnet stängs av på Storgatan 12 mars kl. 8–16.
Läs mer: https://www.sjobacka.se/nyheter/vatten?utm_source=fb",0,"03/11/2026 07:30",N/A,https://www.facebook.com/sjobacka/posts/pfbid0abc,0,0,Photos,sv,,,,Lifetime,27,20,4,4,0,0,2,1,1
1823209189212424,104729384756102,"Sjöbacka kommun",,"Räddningstjänsten informerar",0,"03/10/2026 15:30",N/A,https://www.facebook.com/sjobacka/posts/pfbid0def,0,1,Links,,,,,Lifetime,63,45,6,5,0,1,2,1,1
'''
META_IG = '''"Post ID","Account ID","Account username","Account name",Description,"Duration (sec)","Publish time",Permalink,"Post type","Data comment",Date,Views,Reach,Likes,Shares,Follows,Comments,Saves
18182686576415017,17841405822304914,sjobackakommun,"Sjöbacka kommun","Snöröjningen är igång ❄️",0,"01/24/2026 15:30",https://www.instagram.com/p/Ddr9jGEmLMp/,"IG carousel",,Lifetime,99,40,4,0,0,0,0
'''


def spec(path: Path, **options: object) -> SourceSpec:
    source = FileSource(platform="file", path=str(path), **options)
    return SourceSpec("sjobacka-kommun", "social", "file", str(path), source, f"sjobacka-kommun:social:file:{path}")


def test_meta_facebook_export(tmp_path: Path) -> None:
    path = tmp_path / "fb.csv"
    path.write_text(META_FB, encoding="utf-8-sig")  # Excel's "CSV UTF-8" writes a BOM
    posts, fmt = read_export(path, org="o")
    assert fmt == "meta_csv" and len(posts) == 2
    water, share = posts
    assert water.id == "facebook:104729384756102:104729384756102_1827720132094663"  # = the Graph adapter's id
    assert water.platform == "facebook" and water.kind == "post" and share.kind == "share"
    assert water.to_json_dict()["published_at"] == "2026-03-11T06:30:00Z"  # Stockholm (CET) → UTC
    assert water.text.startswith("Vattnet stängs av") and "\nLäs mer" in water.text
    assert water.links == ["https://www.sjobacka.se/nyheter/vatten?utm_source=fb"]
    assert water.url == "https://www.facebook.com/sjobacka/posts/pfbid0abc" and water.lang == "sv"
    assert water.media and water.media[0].model_extra["alt_unknown"] is True


def test_meta_instagram_export_with_timezone(tmp_path: Path) -> None:
    path = tmp_path / "ig.csv"
    path.write_text(META_IG, encoding="utf-8")
    posts, _ = read_export(path, org="o", timezone="UTC")
    assert posts[0].id == "instagram:17841405822304914:18182686576415017"
    assert posts[0].platform == "instagram" and posts[0].account == "sjobackakommun"
    assert posts[0].to_json_dict()["published_at"] == "2026-01-24T15:30:00Z"


def test_generic_csv_semicolons_cp1252_and_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "hootsuite.csv"
    text = ("Meddelande;Skickat;Nätverk;Länk till inlägg;Bild;Alt-text\r\n"
            "Öppet hus på Åskolan 14 mars;2026-03-09 10:00;Twitter;https://x.com/s/status/1;https://i/1.jpg;\r\n"
            "Simhallen stänger;2026-03-08 09:00;LinkedIn;https://linkedin.com/p/2;;\r\n")
    path.write_bytes(text.encode("cp1252"))
    columns = {"text": "Meddelande", "published_at": "Skickat", "platform": "Nätverk", "url": "Länk till inlägg",
               "image": "Bild", "alt": "Alt-text"}
    posts, fmt = read_export(path, org="o", columns=columns)
    assert fmt == "generic_csv"
    assert [p.platform for p in posts] == ["x", "linkedin"]
    assert posts[0].text == "Öppet hus på Åskolan 14 mars"
    assert posts[0].media and posts[0].media[0].alt is None and posts[0].media[0].url == "https://i/1.jpg"
    assert posts[0].id.startswith("x:hootsuite:h") and posts[0].id == read_export(path, org="o", columns=columns)[0][0].id


def test_json_array_and_our_jsonl(tmp_path: Path) -> None:
    array = tmp_path / "buffer.json"
    array.write_text(json.dumps([
        {"id": "b1", "text": "Ny cykelväg", "date": "2026-03-02T08:00:00Z", "service": "linkedin",
         "link": "https://www.sjobacka.se/cykel"},
        {"id": "b2", "text": "Retweet", "date": "2026-03-03T08:00:00Z", "service": "twitter", "type": "retweet"},
    ], indent=2), encoding="utf-8")
    posts, fmt = read_export(array, org="o", as_platform="linkedin")
    assert fmt == "json" and [p.id for p in posts] == ["linkedin:buffer:b1", "x:buffer:b2"]
    assert posts[0].links == ["https://www.sjobacka.se/cykel"] and posts[1].kind == "share"
    ours = tmp_path / "posts.jsonl"
    ours.write_text(json.dumps({"id": "mastodon:a@b:1", "org": "x", "platform": "mastodon", "text": "Hej",
                                "published_at": "2026-03-01T08:00:00Z"}) + "\n", encoding="utf-8")
    posts, fmt = read_export(ours, org="o")
    assert fmt == "posts_jsonl" and posts[0].org == "o" and posts[0].id == "mastodon:a@b:1"


@pytest.mark.parametrize("content, name, expected", [
    ("text,date\nHej,2026-03-01\nDå,igår\n", "a.csv", "a.csv:3: published_at: not a date: 'igår'"),
    ("text,date\nHej,03/04/2026\n", "b.csv", "b.csv:2: published_at: ambiguous date '03/04/2026'"),
    ("message\nHej\n", "c.csv", "c.csv:1: published_at: no column for it (the file has: message)"),
    ('[\n {"text": "a", "date": "2026-03-01"},\n {"text": "b", "date": "x"}\n]', "d.json",
     "d.json:3: published_at: not a date: 'x'"),
    ("text,date,url\nHej,2026-03-01,www.sjobacka.se\n", "e.csv", "e.csv:2: url: not an http(s) URL"),
])
def test_bad_row_names_file_line_and_field(tmp_path: Path, content: str, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError) as failure:
        read_export(path, org="o")
    assert str(failure.value).startswith(str(tmp_path / expected.split(":", 1)[0]) + ":" + expected.split(":", 1)[1])


def test_bad_file_fails_the_source_and_keeps_what_was_stored(tmp_path: Path) -> None:
    path = tmp_path / "fb.csv"
    path.write_text(META_FB, encoding="utf-8")
    with SqliteStore(tmp_path / "s.sqlite") as store:
        first = import_file_source(spec(path), store)
        assert first.status == "ok" and first.items == 2 and first.model_extra["format"] == "meta_csv"
        broken = META_FB.replace('"03/10/2026 15:30"', '"förra veckan"')
        path.write_text(broken, encoding="utf-8")
        second = import_file_source(spec(path), store)
        assert second.status == "failed"
        assert second.error and second.error.startswith(f"{path}:4: Publish time: not a date")
        assert len(store.posts(["sjobacka-kommun"])) == 2  # nothing lost, nothing half-written
