"""The fitting arithmetic of the matcher's decision (used by benchmarks/match_fit.py).

* :func:`collect` — the candidate features ``parity.match.engine.build_batch`` computes for
  every post of a benchmark split (or of a resampled pool, benchmarks/match_pools.py);
* :func:`fit_ranker` — conditional logit (softmax over each post's candidates), label = the
  candidate is the true web item (posts whose truth is social_only add no pairs);
* :func:`fit_abstainer` — logistic regression on each post's top-ranked candidate, label =
  the top candidate is the post's counterpart; one per :class:`~parity.match.features.Group`;
* :func:`choose_threshold` — the probability threshold maximising the mean over benchmarks of
  link accuracy + social_only F1, never below pinned floors when any threshold meets them.

Every fit weighs benchmarks equally (``weight`` on each data set: a pool's share of its
benchmark), so claims-en's 800 posts and 10k items do not drown sv-municipal's 118 posts.
Feature names come only from ``parity.match.features``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from parity.core.records import Post, WebItem
from parity.match.decide import evidence_gate, rank_pairs
from parity.match.engine import build_batch
from parity.match.features import RANKER_PRIORS, F, Group, Mode, abstainer_inputs, group_of, ranker_inputs
from parity.match.options import MatchOptions


def collect(bench: str, posts: list[Post], web: list[WebItem], truth: list[dict], mode: Mode,
            weight: float = 1.0, pool: str = "") -> dict:
    """Candidate features of every post of one pool (one organisation)."""
    opts = MatchOptions(use_embeddings="on" if mode is Mode.DENSE else "off")
    truth_by = {t["post_id"]: t for t in truth}
    orgs = sorted({p.org for p in posts})
    assert len(orgs) == 1, "a pool is one organisation"
    batch = build_batch(orgs[0], sorted(posts, key=lambda p: p.id),
                        sorted((w for w in web if w.org == orgs[0]), key=lambda w: w.id), opts)
    inputs = ranker_inputs(batch)
    web_ids = np.array([batch.docs[j].item.id for j in batch.pair_doc], dtype=object)
    truth_web = np.array([truth_by[p.id]["web_id"] for p in batch.posts], dtype=object)
    groups = [group_of(lang) for lang in batch.post_langs]
    assert len(set(groups)) == 1, "a benchmark's posts are of one abstainer group"
    return {
        "bench": bench, "pool": pool or bench, "weight": weight, "n_items": len(batch.docs), "group0": groups[0],
        "inputs": inputs,
        "pair_post": batch.pair_post.copy(),
        "web": web_ids,
        "tie": np.unique(web_ids, return_inverse=True)[1] if len(web_ids) else np.zeros(0, dtype=np.int64),
        "label": np.array([float(truth_web[i] == w) for i, w in zip(batch.pair_post, web_ids)]),
        "post_feats": {k: v.copy() for k, v in batch.post_features.items()},
        "truth_web": truth_web,
        "near_miss": np.array([truth_by[p.id].get("near_miss_web_id") for p in batch.posts], dtype=object),
        "group": np.array(groups, dtype=object),
        "post_ids": np.array([p.id for p in batch.posts], dtype=object),
        "n_posts": len(batch.posts),
    }


def restrict(d: dict, keep_posts: np.ndarray) -> dict:
    """The same data for a subset of posts (boolean mask over posts), posts renumbered."""
    new_id = np.cumsum(keep_posts) - 1
    pm = keep_posts[d["pair_post"]]
    out = {k: d[k] for k in ("bench", "pool", "weight", "n_items", "group0")}
    out.update({
        "inputs": {k: v[pm] for k, v in d["inputs"].items()},
        "pair_post": new_id[d["pair_post"][pm]],
        "web": d["web"][pm], "tie": d["tie"][pm], "label": d["label"][pm],
        "post_feats": {k: v[keep_posts] for k, v in d["post_feats"].items()},
        "n_posts": int(keep_posts.sum()),
    })
    for k in ("truth_web", "near_miss", "group", "post_ids"):
        out[k] = d[k][keep_posts]
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float = 1.0) -> tuple[np.ndarray, float]:
    if len(np.unique(y)) < 2:
        return np.zeros(x.shape[1]), -5.0
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit(x, y, sample_weight=w)
    return lr.coef_[0], float(lr.intercept_[0])


def fit_softmax(x: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Conditional logit: maximise log P(true candidate | the post's candidates).

    ``groups`` = post of each pair, ``w`` = weight of each pair's group (same within a
    group). Features are standardised for the optimiser and mapped back."""
    order = np.argsort(groups, kind="stable")
    x, y, groups, w = x[order], y[order], groups[order], w[order]
    starts = np.r_[0, np.nonzero(np.diff(groups))[0] + 1]
    sizes = np.diff(np.r_[starts, len(groups)])
    gw = w[starts]
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mu) / sd
    pos = y > 0

    def loss(wv: np.ndarray):
        z = xs @ wv
        zmax = np.maximum.reduceat(z, starts)
        e = np.exp(z - np.repeat(zmax, sizes))
        se = np.add.reduceat(e, starts)
        ztrue = np.add.reduceat(np.where(pos, z, 0.0), starts)
        val = float(np.sum(gw * (zmax + np.log(se) - ztrue))) + 0.5 * l2 * float(wv @ wv)
        gpair = np.repeat(gw, sizes) * (e / np.repeat(se, sizes) - pos)
        return val, xs.T @ gpair + l2 * wv

    res = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return res.x / sd, -float(np.sum(res.x * mu / sd))


def fit_ranker(datas: list[dict], feats: tuple[F, ...], group: Group, c: float = 1.0) -> dict:
    """A ranker over the given data sets (each benchmark and each post weighs the same), with the
    group's hand priors added."""
    xs, ys, ws, gs = [], [], [], []
    offset = 0
    for d in datas:
        pos_posts = np.zeros(d["n_posts"], dtype=bool)
        pos_posts[d["pair_post"][d["label"] > 0]] = True
        keep = pos_posts[d["pair_post"]]
        xs.append(np.column_stack([d["inputs"][n][keep] for n in feats]))
        ys.append(d["label"][keep])
        ws.append(np.full(int(keep.sum()), 1000.0 * d["weight"] / max(1, pos_posts.sum())))
        gs.append(d["pair_post"][keep] + offset)
        offset += d["n_posts"]
    coef, bias = fit_softmax(np.vstack(xs), np.concatenate(ys), np.concatenate(gs), np.concatenate(ws), l2=1.0 / c)
    return {"_bias": bias, **{n: float(v) for n, v in zip(feats, coef)}, **RANKER_PRIORS[group]}


def ranker_logit(d: dict, ranker: dict) -> np.ndarray:
    z = np.full(len(d["label"]), ranker["_bias"])
    for name, w in ranker.items():
        if not name.startswith("_") and name in d["inputs"]:
            z = z + w * d["inputs"][name]
    return z


def post_table(d: dict, ranker: dict) -> dict:
    """Per post: the abstainer's inputs of its top candidate, the gate's inputs and the labels."""
    order, starts = rank_pairs(d["pair_post"], ranker_logit(d, ranker), d["tie"], d["n_posts"])
    ab, top_pair = abstainer_inputs(d["inputs"], ranker_logit(d, ranker), order, starts, d["post_feats"])
    pred = np.array([d["web"][t] if t >= 0 else None for t in top_pair], dtype=object)
    ab["pred_web"] = pred
    ab["label"] = np.array([float(t is not None and t == p) for t, p in zip(d["truth_web"], pred)])
    ab["has"] = np.array([float(t is not None) for t in d["truth_web"]])
    for k in ("truth_web", "near_miss", "group", "post_ids", "bench", "pool", "weight"):
        ab[k] = d[k]
    return ab


@dataclass
class Abstainer:
    """One group's fitted abstainer: coefficients and its hard evidence gate."""

    coef: dict
    min_distinctive: int = 0
    conflict_free: bool = False

    def logit(self, top: dict) -> np.ndarray:
        z = np.full(len(top["label"]), self.coef["_bias"])
        for n, w in self.coef.items():
            if not n.startswith("_"):
                z = z + w * top[n]
        return z

    def gate(self, top: dict) -> np.ndarray:
        return evidence_gate(top, self.min_distinctive, self.conflict_free)


def fit_abstainer(tops: list[dict], feats: tuple[F, ...], group: Group, c: float = 1.0,
                  min_distinctive: int = 0, conflict_free: bool = False) -> Abstainer:
    """Logistic model over the posts of ``group`` (each data set weighted by its ``weight``)."""
    rows = [(t, t["group"] == group) for t in tops]
    rows = [(t, m) for t, m in rows if m.any()]
    x = np.vstack([np.column_stack([t[n][m] for n in feats]) for t, m in rows])
    y = np.concatenate([t["label"][m] for t, m in rows])
    w = np.concatenate([np.full(int(m.sum()), 1000.0 * t["weight"] / m.sum()) for t, m in rows])
    coef, bias = fit_logistic(x, y, w, c)
    return Abstainer({"_bias": bias, **{n: float(v) for n, v in zip(feats, coef)}}, min_distinctive, conflict_free)


def scores_at(top: dict, linked: np.ndarray) -> dict:
    """Link accuracy, social_only precision/recall/F1 and near-miss links of one data set."""
    truth_match = np.array([t is not None for t in top["truth_web"]])
    right = top["label"] > 0
    pred_so = ~linked
    tp = float((pred_so & ~truth_match).sum())
    fp = float((pred_so & truth_match).sum())
    fn = float((~pred_so & ~truth_match).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    near = np.array([n is not None for n in top["near_miss"]])
    return {
        "link_accuracy": float((linked & right)[truth_match].mean()) if truth_match.any() else 0.0,
        "social_only_precision": p, "social_only_recall": r,
        "social_only_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "near_miss_linked": int((linked & near).sum()),
    }


def choose_threshold(tops: list[dict], probs: list[np.ndarray], floors: dict | None = None) -> float:
    """Threshold maximising the weighted mean (link accuracy + social_only F1) over the data sets —
    the middle of the best plateau, not its edge, so a post just beside the dev posts is not decided
    by where the grid happened to start; with ``floors`` ({bench: {metric: floor}}), only thresholds
    meeting every floor count, unless none does."""
    weights = np.array([t["weight"] for t in tops])
    grid = np.round(np.arange(0.05, 0.951, 0.0025), 4)
    seen = np.unique(np.concatenate([p for p in probs]))
    mids = np.round((seen[1:] + seen[:-1]) / 2, 5)  # every achievable cut, halfway between two posts
    mids = mids[(mids >= 0.05) & (mids <= 0.95)]
    cands = np.unique(np.concatenate([grid, mids]))
    tot = np.zeros(len(cands))
    ok = np.ones(len(cands), dtype=bool)
    for k, thr in enumerate(cands):
        per = [scores_at(t, p >= thr) for t, p in zip(tops, probs)]
        tot[k] = float(np.average([s["link_accuracy"] + s["social_only_f1"] for s in per], weights=weights))
        ok[k] = not floors or all(
            s[m] >= floors.get(t["bench"], {}).get(m, 0) - 1e-9
            for t, s in zip(tops, per) for m in ("link_accuracy", "social_only_f1"))
    if not ok.any():
        ok[:] = True
    best = tot[ok].max()
    on_plateau = cands[ok & (tot >= best - 1e-12)]
    return float(np.round(np.median(on_plateau), 5))


def restrict_top(t: dict, mask: np.ndarray) -> dict:
    """A post table (:func:`post_table`) for a subset of its posts."""
    return {k: (v[mask] if isinstance(v, np.ndarray) and len(v) == len(mask) else v) for k, v in t.items()}
