"""Stage 5, decide: which candidate is the post's counterpart, and is it one at all.

* the **ranker** of the post's :class:`~parity.match.features.Group` (Swedish, or any other
  language), a conditional logit (softmax over each post's candidates), orders the
  candidates by the linear model of :data:`~parity.match.features.RANKER_INPUTS`;
* the group's **abstainer**, a logistic model over the top candidate against the runner-up and the rest
  (:data:`~parity.match.features.ABSTAINER_INPUTS`), mapped through its group's Platt
  calibration (fitted on 5-fold cross-validated dev predictions) to P(the top candidate is
  the post's counterpart) — the verdict's ``score``;
* a hard **evidence gate** zeroes that probability unless there is a link, or at least
  ``MIN_SHARED`` shared content words of which the group's ``min_distinctive`` are rare in
  the pool (a Swedish match needs a name, place or specific noun in common, never only
  common words), or a strong dense cosine — and, for a ``conflict_free`` group (Swedish),
  unless the page contradicts none of the post's facts (a page giving another date, year
  or town is another occasion; the group's ranker prior has already put every candidate
  without a contradiction first);
* the group's **threshold** turns it into linked / not linked, and its **review band** marks
  the verdicts a person should check. A post that links a page of its own organisation is
  always linked to it.

Coefficients, calibrations, thresholds and bands are in the generated :mod:`parity.match.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parity.match import calibration as cal
from parity.match.features import F, Group, Mode, abstainer_inputs, group_of, ranker_inputs
from parity.match.options import MatchOptions
from parity.match.prepare import OrgBatch


@dataclass
class Decision:
    post: int
    doc: int | None  # chosen doc (or best rejected candidate) index
    linked: bool
    prob: float  # P(post has a counterpart and it is `doc`), calibrated
    rank_order: list[int]  # pair indices of this post, best first
    review: str | None = None  # why a person should check this decision (None: no need)
    vetoed: bool = False  # linked by the probability, then rejected by the key facts (verdicts.fact_veto)
    #: the review reason in the report's catalogue (parity/report/reasons.py): key and values
    review_key: str | None = None
    review_args: dict[str, Any] = field(default_factory=dict)


def decision_threshold(batch: OrgBatch, opts: MatchOptions, post: int) -> float:
    """The probability post ``post``'s best candidate needs to be linked: the option, else its group's."""
    models = cal.MODELS[Mode.DENSE if batch.dense_used else Mode.LEXICAL]
    model = models["groups"][group_of(batch.post_langs[post])]
    return opts.threshold if opts.threshold is not None else float(model["threshold"])


def decide(batch: OrgBatch, opts: MatchOptions) -> tuple[list[Decision], np.ndarray, np.ndarray]:
    """Ranker + abstainer. Returns decisions and per-pair ranker logits/probabilities."""
    models = cal.MODELS[Mode.DENSE if batch.dense_used else Mode.LEXICAL]
    inputs = ranker_inputs(batch)
    n_pairs = len(batch.pair_post)
    n_posts = len(batch.posts)
    groups = [group_of(lang) for lang in batch.post_langs]
    post_group = np.array([list(Group).index(g) for g in groups], dtype=np.int64)
    pair_group = post_group[batch.pair_post] if n_pairs else np.zeros(0, dtype=np.int64)
    present = [(code, g) for code, g in enumerate(Group) if (post_group == code).any()]
    logit = np.zeros(n_pairs)
    for code, g in present:
        mask = pair_group == code
        logit[mask] = linear(models["groups"][g]["ranker"], inputs, n_pairs)[mask]
    tie = np.array([batch.docs[int(j)].item.id for j in batch.pair_doc], dtype=object)
    tie_rank = np.unique(tie, return_inverse=True)[1] if n_pairs else np.zeros(0, dtype=np.int64)
    order, starts = rank_pairs(batch.pair_post, logit, tie_rank, n_posts)
    ab, _ = abstainer_inputs(inputs, logit, order, starts, batch.post_features)
    prob_post = np.zeros(n_posts)
    for code, g in present:
        model = models["groups"][g]
        mask = post_group == code
        raw = linear(model["abstainer"], ab, n_posts)
        gate = evidence_gate(ab, model["min_distinctive"], model["conflict_free"])
        prob_post[mask] = (platt(model["platt"], raw) * gate)[mask]
    decisions: list[Decision] = []
    link = inputs[F.LINK]
    for pi in range(n_posts):
        a, b = int(starts[pi]), int(starts[pi + 1])
        if a == b:
            decisions.append(Decision(pi, None, False, 0.0, []))
            continue
        model = models["groups"][groups[pi]]
        idxs = [int(x) for x in order[a:b]]
        p = float(prob_post[pi])
        linked_pairs = [j for j in idxs if link[j] > 0]
        if linked_pairs:
            # link evidence decides: the post points at this page of its own organisation
            idxs.remove(linked_pairs[0])
            idxs.insert(0, linked_pairs[0])
            p = max(p, cal.LINK_PROB)
        linked = p >= decision_threshold(batch, opts, pi)
        review = review_reason(p, linked, model["review"], groups[pi])
        decisions.append(Decision(pi, int(batch.pair_doc[idxs[0]]), linked, p, idxs, review,
                                  review_key="review.uncertain" if review else None,
                                  review_args=review_values(p, linked, model["review"]) if review else {}))
    return decisions, logit, candidate_shares(logit, order, starts)


def review_reason(p: float, linked: bool, band: tuple[float, float], group: Group) -> str | None:
    """Why a person should check the decision, or None: its probability lies in the band
    where the 5-fold cross-validated dev decisions of its group were often wrong."""
    lo, hi = band
    if not lo <= p < hi:
        return None
    kept = "the page was kept as the counterpart" if linked else "the closest page was rejected"
    return f"uncertain: P(counterpart) {p:.2f} lies in {lo:.2f}–{hi:.2f}, where {group.value} decisions often err; {kept}"


def review_values(p: float, linked: bool, band: tuple[float, float]) -> dict[str, Any]:
    """The values of :func:`review_reason`'s message, for the report's catalogue."""
    return {"confidence": round(p, 4), "low": band[0], "high": band[1], "kept": linked}


def evidence_gate(ab: dict[str, np.ndarray], min_distinctive: int = 0, conflict_free: bool = False) -> np.ndarray:
    """1.0 where the top candidate has hard evidence (a link, at least ``MIN_SHARED``
    content words in common of which ``min_distinctive`` are rare in the pool, or a dense
    cosine ≥ ``DENSE_GATE``) and, with ``conflict_free``, contradicts none of the post's
    facts (another date, year or town: another occasion), else 0.0."""
    dcos = ab[F.DCOS]
    words = (ab[F.NSHARED] >= cal.MIN_SHARED) & (ab[F.NDIST] >= min_distinctive)
    ok = (ab[F.LINK] > 0) | words | ((dcos > 0) & (dcos >= cal.DENSE_GATE))
    if conflict_free:
        ok &= ab[F.FCONF] <= 0
    return ok.astype(np.float64)


def platt(ab: tuple[float, float], raw: np.ndarray) -> np.ndarray:
    """The calibrated probability of an abstainer's linear score: sigmoid(a · raw + b)."""
    return sigmoid(ab[0] * raw + ab[1])


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
