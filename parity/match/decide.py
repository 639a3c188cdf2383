"""Stage 5, decide: which candidate is the post's counterpart, and is it one at all.

* the **ranker**, a conditional logit (softmax over each post's candidates), orders the
  candidates by the linear model of :data:`~parity.match.features.RANKER_INPUTS`;
* the **abstainer**, a logistic model over the top candidate against the runner-up and the
  rest (:data:`~parity.match.features.ABSTAINER_INPUTS`), gives P(the top candidate is the
  post's counterpart);
* a hard **evidence gate** zeroes that probability unless there is a link, at least
  ``MIN_SHARED`` shared content words, or a strong dense cosine — one shared word never
  accuses anybody of anything;
* the **threshold** (chosen on the dev splits, see ``benchmarks/match_fit.py``) turns it into
  linked / not linked. A post that links a page of its own organisation is always linked
  to it.

Coefficients and the threshold are in the generated :mod:`parity.match.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parity.match import calibration as cal
from parity.match.features import F, Mode, abstainer_inputs, ranker_inputs
from parity.match.options import MatchOptions
from parity.match.prepare import OrgBatch


@dataclass
class Decision:
    post: int
    doc: int | None  # chosen doc (or best rejected candidate) index
    linked: bool
    prob: float  # P(post has a counterpart and it is `doc`)
    rank_order: list[int]  # pair indices of this post, best first


def decision_threshold(batch: OrgBatch, opts: MatchOptions) -> float:
    """The probability a post's best candidate needs to be linked (the option, else the calibrated one)."""
    models = cal.MODELS[Mode.DENSE if batch.dense_used else Mode.LEXICAL]
    return opts.threshold if opts.threshold is not None else float(models["threshold"])


def decide(batch: OrgBatch, opts: MatchOptions) -> tuple[list[Decision], np.ndarray, np.ndarray]:
    """Ranker + abstainer. Returns decisions and per-pair ranker logits/probabilities."""
    models = cal.MODELS[Mode.DENSE if batch.dense_used else Mode.LEXICAL]
    inputs = ranker_inputs(batch)
    n_pairs = len(batch.pair_post)
    n_posts = len(batch.posts)
    logit = linear(models["ranker"], inputs, n_pairs)
    tie = np.array([batch.docs[int(j)].item.id for j in batch.pair_doc], dtype=object)
    tie_rank = np.unique(tie, return_inverse=True)[1] if n_pairs else np.zeros(0, dtype=np.int64)
    order, starts = rank_pairs(batch.pair_post, logit, tie_rank, n_posts)
    ab, _ = abstainer_inputs(inputs, logit, order, starts, batch.post_features)
    prob_post = sigmoid(linear(models["abstainer"], ab, n_posts)) * evidence_gate(ab)
    threshold = decision_threshold(batch, opts)
    decisions: list[Decision] = []
    link = inputs[F.LINK]
    for pi in range(n_posts):
        a, b = int(starts[pi]), int(starts[pi + 1])
        if a == b:
            decisions.append(Decision(pi, None, False, 0.0, []))
            continue
        idxs = [int(x) for x in order[a:b]]
        p = float(prob_post[pi])
        linked_pairs = [j for j in idxs if link[j] > 0]
        if linked_pairs:
            # link evidence decides: the post points at this page of its own organisation
            idxs.remove(linked_pairs[0])
            idxs.insert(0, linked_pairs[0])
            p = max(p, cal.LINK_PROB)
        top = idxs[0]
        decisions.append(Decision(pi, int(batch.pair_doc[top]), p >= threshold, p, idxs))
    return decisions, logit, candidate_shares(logit, order, starts)


def evidence_gate(ab: dict[str, np.ndarray]) -> np.ndarray:
    """1.0 where the top candidate has hard evidence (a link, at least ``MIN_SHARED``
    content words in common, or a dense cosine ≥ ``DENSE_GATE``), else 0.0."""
    dcos = ab[F.DCOS]
    return ((ab[F.LINK] > 0) | (ab[F.NSHARED] >= cal.MIN_SHARED) | ((dcos > 0) & (dcos >= cal.DENSE_GATE))).astype(
        np.float64
    )


def candidate_shares(logit: np.ndarray, order: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each candidate's share of the ranker's belief among its post's candidates (softmax)."""
    n_pairs = len(logit)
    share = np.zeros(n_pairs)
    if n_pairs:
        z = logit[order]
        lens = np.diff(starts)
        nz = lens > 0
        zmax = np.repeat(np.maximum.reduceat(z, starts[:-1][nz]), lens[nz])
        e = np.exp(z - zmax)
        share[order] = e / np.repeat(np.add.reduceat(e, starts[:-1][nz]), lens[nz])
    return share


def rank_pairs(pair_post: np.ndarray, logit: np.ndarray, tie: np.ndarray, n_posts: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ordered by (post, −logit, tie key); returns the order and each post's start offset."""
    order = np.lexsort((tie, -np.round(logit, 9), pair_post)) if len(pair_post) else np.zeros(0, dtype=np.int64)
    starts = np.searchsorted(pair_post[order], np.arange(n_posts + 1)) if len(pair_post) else np.zeros(n_posts + 1, dtype=np.int64)
    return order, starts


def linear(model: dict[str, float], inputs: dict[str, np.ndarray], n: int) -> np.ndarray:
    """A calibrated linear model (``_bias`` + Σ coefficient · input, in the model's order)."""
    out = np.full(n, float(model.get("_bias", 0.0)))
    for name, w in model.items():
        if name.startswith("_"):
            continue
        if name in inputs:
            out = out + w * inputs[name]
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
