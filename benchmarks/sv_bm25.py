"""Plain BM25 baseline for the Swedish benchmark: the floor the matcher must clear.

bm25s (Lucene BM25, k1 = 1.5, b = 0.75) over the page text as stored, Swedish Snowball
stemming (PyStemmer) and bm25s's Swedish stop words; each post's top-1 page is linked
when its BM25 score reaches one absolute cut-off, else the post is ``social_only``.
No facts, no dates: a linked post is always ``match``. The title is not added:
in sv-municipal the text already starts with the heading (175 of 189 pages), so adding
it would count the title twice; the title stands in only for a page without text. The cut-off is chosen on the
dev split only (:func:`tune_cutoff`) and then applied unchanged to the split being
scored — a cut-off chosen on test is not a result.

Deliberately independent of ``parity.match`` (own tokeniser, own index): a baseline
that shares the engine's text code would hide a bug in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import bm25s
import Stemmer

from benchmarks.sv_metrics import sv_scores


@dataclass(frozen=True)
class Top1:
    """A post's best page under BM25 and its raw score."""

    post_id: str
    web_id: str | None
    score: float


def _tokens(texts: list[str], stemmer: Stemmer.Stemmer) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="sv", stemmer=stemmer, return_ids=False, show_progress=False)


def top1(posts: Sequence[Mapping[str, Any]], web: Sequence[Mapping[str, Any]]) -> list[Top1]:
    """Every post's top-ranked page (ties: bm25s's order) with its BM25 score."""
    stemmer = Stemmer.Stemmer("swedish")
    docs = [w.get("text") or w.get("title") or "" for w in web]
    retriever = bm25s.BM25()
    retriever.index(_tokens(docs, stemmer), show_progress=False)
    queries = _tokens([p.get("text") or "" for p in posts], stemmer)
    out = []
    for post, query in zip(posts, queries, strict=True):
        if not query:
            out.append(Top1(post["id"], None, 0.0))
            continue
        ids, scores = retriever.retrieve([query], k=1, show_progress=False)
        out.append(Top1(post["id"], web[int(ids[0][0])]["id"], float(scores[0][0])))
    return out


def verdicts_at(tops: Sequence[Top1], cutoff: float) -> list[dict[str, Any]]:
    """Verdict dicts of the baseline at ``cutoff`` (score ≥ cutoff → ``match`` to the top-1 page)."""
    out = []
    for t in tops:
        linked = t.web_id is not None and t.score >= cutoff
        out.append({
            "post_id": t.post_id,
            "verdict": "match" if linked else "social_only",
            "web_id": t.web_id if linked else None,
            "score": round(t.score, 4),
            "missing_facts": [],
        })
    return out


def _objective(tops: Sequence[Top1], truth: Sequence[Mapping[str, Any]], cutoff: float) -> float:
    s = sv_scores(verdicts_at(tops, cutoff), truth)
    return s.link_accuracy + s.social_only_f1


def tune_cutoff(tops: Sequence[Top1], truth: Sequence[Mapping[str, Any]]) -> float:
    """The cut-off maximising link accuracy + social_only F1 on these (dev) posts.

    Candidates are the midpoints between consecutive distinct top-1 scores (and one
    below the lowest, one above the highest); among equally good cut-offs the middle
    one of the best run is taken, so the choice does not sit on a dev post's score.
    """
    scores = sorted({round(t.score, 6) for t in tops})
    if not scores:
        return 0.0
    candidates = [scores[0] - 1.0] + [(a + b) / 2 for a, b in pairwise(scores)] + [scores[-1] + 1.0]
    values = [_objective(tops, truth, c) for c in candidates]
    best = max(values)
    best_idx = [i for i, v in enumerate(values) if v >= best - 1e-12]
    # the longest run of consecutive best candidates, then its middle
    runs: list[list[int]] = []
    for i in best_idx:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = max(runs, key=len)
    return candidates[run[len(run) // 2]]
