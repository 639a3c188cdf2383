"""The streamed path of `parity match` (parity.match.stream.match_files): the same bytes as
match_posts on everything, verdicts in input order, bad lines reported as before."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.core.jsonl import RecordError, read_records, write_records
from parity.match import MatchOptions, match_posts
from parity.match import stream as stream_mod
from parity.match.stream import match_files
from parity.core.records import Post, WebItem

WORDS = (
    "vatten avstängning storgatan biblioteket öppettider snöröjning budget skola förskola återvinning "
    "sophämtning parkering cykelväg bygglov badhus simhall konsert marknad torget vägarbete omledning buss "
    "val röstning nämnd beslut fritidsgård sommarlov läger avgift ansökan stipendium kultur museum"
).split()
ORGS = ("uppsala-kommun", "knivsta-kommun", "enkoping-kommun", "tierp-kommun")
OPTS = MatchOptions(use_embeddings="off", incomplete_orgs=frozenset({"tierp-kommun"}), exclude_rules=("greetings",))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _world(tmp: Path, seed: int = 3, n_web: int = 60, n_posts: int = 50) -> tuple[Path, Path, list[dict]]:
    """posts.jsonl and web.jsonl with the organisations interleaved line by line, a blank
    line, a duplicated page id, and an organisation with pages but no posts."""
    rng = random.Random(seed)
    web = []
    for i in range(n_web):
        org = ORGS[i % len(ORGS)] if i % 7 else "heby-kommun"  # heby: pages only
        web.append({"id": f"w{i % 50}", "org": org, "source": "feed", "url": f"https://www.{org}.se/nyheter/{i}",
                    "title": _sentence(rng, 3), "text": _sentence(rng, 25) + " Den 12 mars kl. 8–16.",
                    "published_at": rng.choice(["2026-03-10T08:00:00Z", "2026-03-14T12:00:00Z", None]),
                    "lang": rng.choice(["sv", None])})
    posts = []
    for i in range(n_posts):
        org = ORGS[rng.randrange(len(ORGS))]
        same = [w for w in web if w["org"] == org]
        links = [rng.choice(same)["url"] + "?utm_source=facebook"] if same and rng.random() < 0.3 else []
        base = rng.choice(same)["text"][:90] if same and rng.random() < 0.6 else _sentence(rng, 8)
        posts.append({"id": f"p{i % 45}", "org": org, "platform": "mastodon",
                      "text": base + rng.choice(["", " kl. 8–16", " God jul!"]), "links": links,
                      "kind": rng.choice(["post", "post", "post", "reply"]),
                      "published_at": rng.choice(["2026-03-10T09:00:00Z", "2026-03-12T09:30:00Z", None])})
    posts_path, web_path = tmp / "posts.jsonl", tmp / "web.jsonl"
    lines = [json.dumps(p, ensure_ascii=False) for p in posts]
    lines.insert(10, "")  # a blank line is skipped, as read_records does
    posts_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    web_path.write_text("".join(json.dumps(w, ensure_ascii=False) + "\n" for w in web), encoding="utf-8")
    return posts_path, web_path, posts


def _old(posts_path: Path, web_path: Path, out: Path, opts: MatchOptions = OPTS) -> bytes:
    write_records(out, match_posts(read_records(posts_path, Post), read_records(web_path, WebItem), opts))
    return out.read_bytes()


@pytest.mark.parametrize("chunk_bytes,workers", [(1, 1), (1, 2), (4000, None), (1 << 26, None)],
                         ids=["org-per-chunk", "org-per-chunk-2-processes", "small-chunks", "one-chunk"])
def test_streamed_verdicts_are_the_bytes_of_match_posts(tmp_path: Path, chunk_bytes: int, workers) -> None:
    posts_path, web_path, _ = _world(tmp_path)
    expected = _old(posts_path, web_path, tmp_path / "old.jsonl")
    opts = MatchOptions(**{**OPTS.__dict__, "workers": workers})
    stats = match_files(posts_path, web_path, tmp_path / "new.jsonl", opts, stream=True, chunk_bytes=chunk_bytes)
    assert (tmp_path / "new.jsonl").read_bytes() == expected
    assert stats["verdicts"] == stats["posts"] == 50
    if chunk_bytes == 1:
        assert stats["chunks"] == len(ORGS) + 1  # one organisation per chunk (heby: pages only)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no spill files left


def test_streamed_verdicts_follow_the_posts_file(tmp_path: Path) -> None:
    posts_path, web_path, posts = _world(tmp_path, seed=11)
    posts_path.write_bytes(b"\xef\xbb\xbf" + posts_path.read_bytes())  # a BOM, as read_records accepts
    match_files(posts_path, web_path, tmp_path / "v.jsonl", OPTS, stream=True, chunk_bytes=1)
    verdicts = [json.loads(x) for x in (tmp_path / "v.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(v["post_id"], v["org"]) for v in verdicts] == [(p["id"], p["org"]) for p in posts]
    assert len({p["org"] for p in posts[:8]}) > 1  # the organisations really are interleaved


def test_streamed_sources_mark_orgs_incomplete(tmp_path: Path) -> None:
    posts_path, web_path, _ = _world(tmp_path, seed=5)
    sources = tmp_path / "sources.jsonl"
    sources.write_text(json.dumps({"org": "knivsta-kommun", "kind": "feed", "status": "failed"}) + "\n", encoding="utf-8")
    opts = MatchOptions(**{**OPTS.__dict__, "incomplete_orgs": OPTS.incomplete_orgs | {"knivsta-kommun"}})
    expected = _old(posts_path, web_path, tmp_path / "old.jsonl", opts)
    match_files(posts_path, web_path, tmp_path / "new.jsonl", OPTS, sources_path=sources, stream=True, chunk_bytes=1)
    assert (tmp_path / "new.jsonl").read_bytes() == expected


def _break(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("which,line,text,field", [
    ("posts", 30, '{"id": "p-x", "org": "uppsala-kommun", "platform": "mastodon", "published_at": "igår"}',
     "published_at"),
    ("posts", 25, '{"id": "p-x", "org": "uppsala-', "(line)"),
    ("posts", 20, '{"id": "p-x", "platform": "mastodon"}', "org"),
    ("web", 14, '{"id": "w-x", "org": "heby-kommun", "source": "nonsense"}', "source"),  # an org without posts
])
def test_broken_line_in_the_middle_one_line_error_nothing_written(tmp_path: Path, which: str, line: int, text: str,
                                                                  field: str) -> None:
    posts_path, web_path, _ = _world(tmp_path)
    path = posts_path if which == "posts" else web_path
    _break(path, line, text)
    out = tmp_path / "v.jsonl"
    out.write_text("earlier verdicts\n", encoding="utf-8")
    for opts in (OPTS, MatchOptions(**{**OPTS.__dict__, "workers": 2})):
        with pytest.raises(RecordError) as err:
            match_files(posts_path, web_path, out, opts, stream=True, chunk_bytes=1)
        message = str(err.value)
        assert message.startswith(f"{path}:{line}: {field}: ") and "\n" not in message
        assert out.read_text(encoding="utf-8") == "earlier verdicts\n"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_first_broken_line_wins_across_files_and_chunks(tmp_path: Path) -> None:
    """Posts are reported before web, and an earlier line before a later one in another chunk."""
    posts_path, web_path, posts = _world(tmp_path)
    _break(web_path, 3, "not json")
    i = next(i for i in range(20, 35) if posts[i]["org"] != posts[0]["org"])
    later = i + 2  # file line of posts[i]: line 11 is blank
    _break(posts_path, 40, '{"id": "p-x", "org": "' + posts[0]["org"] + '", "platform": 5}')
    _break(posts_path, later, '{"id": "p-y", "org": "' + posts[i]["org"] + '", "platform": "x", "kind": "thread"}')
    with pytest.raises(RecordError, match=rf"^{posts_path}:{later}: kind: "):
        match_files(posts_path, web_path, tmp_path / "v.jsonl", OPTS, stream=True, chunk_bytes=1)


def test_cli_streams_big_inputs_and_reports_a_broken_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parity.cli import app

    monkeypatch.setattr(stream_mod, "STREAM_MIN_BYTES", 0)  # every input counts as big
    monkeypatch.setattr(stream_mod, "CHUNK_BYTES", 1)
    posts_path, web_path, _ = _world(tmp_path, seed=8)
    expected = _old(posts_path, web_path, tmp_path / "old.jsonl", MatchOptions(use_embeddings="off"))
    out = tmp_path / "v.jsonl"
    args = ["match", "--posts", str(posts_path), "--web", str(web_path), "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected
    _break(web_path, 7, '{"id": "w-x", "org": "uppsala-kommun", "source": "feed", "published_at": "igår"}')
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert out.read_bytes() == expected  # untouched
