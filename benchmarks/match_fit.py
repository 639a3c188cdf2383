"""Fit the matcher's decision (ranker + abstainer + threshold) on the DEV splits only.

    .venv/bin/python benchmarks/match_fit.py [--write] [--modes lexical,dense]

Collects the candidate features `parity.match.engine.build_batch` computes for every
post of the three dev splits (newsroom-en, claims-en, politifact-en), fits, on the inputs
that `parity.match.features` lists for each model (RANKER_INPUTS, ABSTAINER_INPUTS; the
registry is the only place feature names are written),

* the ranker: conditional logit (softmax over each post's candidates; "pointwise" =
  logistic regression on pairs is the alternative), label = candidate is the true web
  item (posts whose truth is social_only add no pairs);
* the abstainer: logistic regression on each post's top-ranked candidate, label = the
  top candidate is the post's counterpart;
* the threshold on the abstainer's probability that maximises the mean over the
  benchmarks of (link accuracy + social_only F1),

reports 5-fold cross-validated dev scores (posts split by fold, never trained and
scored on the same post) and, with --write, writes parity/match/calibration.py.
Benchmarks are weighted equally whatever their size. test/ is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parity.match import calibration as cal  # noqa: E402
from parity.match.decide import evidence_gate, rank_pairs  # noqa: E402
from parity.match.engine import build_batch  # noqa: E402
from parity.match.evaluate import load_split  # noqa: E402
from parity.match.features import (  # noqa: E402
    ABSTAINER_INPUTS,
    RANKER_INPUTS,
    RANKER_PRIORS,
    F,
    Mode,
    abstainer_inputs,
    ranker_inputs,
)
from parity.match.options import MatchOptions  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
FLOORS = ROOT / "tests" / "match" / "floors.json"
BENCHES = ("newsroom-en", "claims-en", "politifact-en")
RANKER_OBJECTIVE = "softmax"  # or "pointwise" (logistic regression on pairs)
ABSTAIN_LABEL = "label"  # "has": the post has a counterpart; "label": the top candidate is it


def collect(bench: str, split: str, mode: Mode) -> dict:
    """Candidate features of every post of a split (one organisation per benchmark)."""
    posts, web, truth = load_split(DATA / bench / split)
    opts = MatchOptions(use_embeddings="on" if mode is Mode.DENSE else "off")
    truth_by = {t["post_id"]: t for t in truth}
    orgs = sorted({p.org for p in posts})
    assert len(orgs) == 1, "benchmarks hold one organisation"
    org = orgs[0]
    batch = build_batch(
        org, sorted(posts, key=lambda p: p.id), sorted((w for w in web if w.org == org), key=lambda w: w.id), opts
    )
    inputs = ranker_inputs(batch)
    web_ids = np.array([batch.docs[j].item.id for j in batch.pair_doc], dtype=object)
    truth_web = np.array([truth_by[p.id]["web_id"] for p in batch.posts], dtype=object)
    label = np.array([float(truth_web[i] == w) for i, w in zip(batch.pair_post, web_ids)])
    return {
        "bench": bench,
        "inputs": inputs,
        "pair_post": batch.pair_post.copy(),
        "web": web_ids,
        "tie": np.unique(web_ids, return_inverse=True)[1] if len(web_ids) else np.zeros(0, dtype=np.int64),
        "label": label,
        "post_feats": {k: v.copy() for k, v in batch.post_features.items()},
        "truth_web": truth_web,
        "n_posts": len(batch.posts),
    }


def restrict(d: dict, keep_posts: np.ndarray) -> dict:
    """The same data for a subset of posts (boolean mask over posts), posts renumbered."""
    new_id = np.cumsum(keep_posts) - 1
    pm = keep_posts[d["pair_post"]]
    return {
        "bench": d["bench"],
        "inputs": {k: v[pm] for k, v in d["inputs"].items()},
        "pair_post": new_id[d["pair_post"][pm]],
        "web": d["web"][pm],
        "tie": d["tie"][pm],
        "label": d["label"][pm],
        "post_feats": {k: v[keep_posts] for k, v in d["post_feats"].items()},
        "truth_web": d["truth_web"][keep_posts],
        "n_posts": int(keep_posts.sum()),
    }


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
    from scipy.optimize import minimize

    order = np.argsort(groups, kind="stable")
    x, y, groups, w = x[order], y[order], groups[order], w[order]
    starts = np.r_[0, np.nonzero(np.diff(groups))[0] + 1]
    gw = w[starts]
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mu) / sd
    pos = y > 0

    def loss(wv: np.ndarray):
        z = xs @ wv
        zmax = np.maximum.reduceat(z, starts)
        e = np.exp(z - np.repeat(zmax, np.diff(np.r_[starts, len(z)])))
        se = np.add.reduceat(e, starts)
        lse = zmax + np.log(se)
        ztrue = np.add.reduceat(np.where(pos, z, 0.0), starts)
        val = float(np.sum(gw * (lse - ztrue))) + 0.5 * l2 * float(wv @ wv)
        p = e / np.repeat(se, np.diff(np.r_[starts, len(z)]))
        gpair = np.repeat(gw, np.diff(np.r_[starts, len(z)])) * (p - pos)
        grad = xs.T @ gpair + l2 * wv
        return val, grad

    res = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    coef = res.x / sd
    bias = -float(np.sum(res.x * mu / sd))
    return coef, bias


def ranker_logit(d: dict, ranker: dict) -> np.ndarray:
    n = len(d["label"])
    z = np.full(n, ranker["_bias"])
    for name, w in ranker.items():
        if not name.startswith("_") and name in d["inputs"]:
            z = z + w * d["inputs"][name]
    return z


def post_table(d: dict, logit: np.ndarray) -> dict:
    order, starts = rank_pairs(d["pair_post"], logit, d["tie"], d["n_posts"])
    ab, top_pair = abstainer_inputs(d["inputs"], logit, order, starts, d["post_feats"])
    ab["gate"] = evidence_gate(ab)
    pred = np.array([d["web"][t] if t >= 0 else None for t in top_pair], dtype=object)
    ab["label"] = np.array([float(t is not None and t == p) for t, p in zip(d["truth_web"], pred)])
    ab["has"] = np.array([float(t is not None) for t in d["truth_web"]])
    ab["pred_web"] = pred
    ab["truth_web"] = d["truth_web"]
    ab["bench"] = d["bench"]
    return ab


def scores_at(top: dict, prob: np.ndarray, thr: float) -> tuple[float, float]:
    linked = prob >= thr
    truth_match = np.array([t is not None for t in top["truth_web"]])
    right = top["label"] > 0
    link_acc = float((linked & right)[truth_match].mean()) if truth_match.any() else 0.0
    pred_so = ~linked
    tp = float((pred_so & ~truth_match).sum())
    fp = float((pred_so & truth_match).sum())
    fn = float((~pred_so & ~truth_match).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return link_acc, f1


def fit_all(datas: list[dict], ranker_feats: tuple[F, ...], abst_feats: tuple[F, ...], c: float = 1.0):
    # ranker: pairs of posts whose true page is among the candidates; each benchmark and
    # each post weighs the same
    xs, ys, ws, gs = [], [], [], []
    offset = 0
    for d in datas:
        pos_posts = np.zeros(d["n_posts"], dtype=bool)
        pos_posts[d["pair_post"][d["label"] > 0]] = True
        keep = pos_posts[d["pair_post"]]
        counts = np.bincount(d["pair_post"][keep], minlength=d["n_posts"])
        if RANKER_OBJECTIVE == "softmax":
            w = np.full(int(keep.sum()), 1.0 / max(1, pos_posts.sum()))
        else:
            w = 1.0 / np.maximum(counts[d["pair_post"][keep]], 1) / max(1, pos_posts.sum())
        xs.append(np.column_stack([d["inputs"][n][keep] for n in ranker_feats]))
        ys.append(d["label"][keep])
        ws.append(w * 1000.0)
        gs.append(d["pair_post"][keep] + offset)
        offset += d["n_posts"]
    if RANKER_OBJECTIVE == "softmax":
        coef, bias = fit_softmax(np.vstack(xs), np.concatenate(ys), np.concatenate(gs), np.concatenate(ws), l2=1.0 / c)
    else:
        coef, bias = fit_logistic(np.vstack(xs), np.concatenate(ys), np.concatenate(ws), c)
    ranker = {"_bias": bias, **{n: float(v) for n, v in zip(ranker_feats, coef)}, **RANKER_PRIORS}
    tops = [post_table(d, ranker_logit(d, ranker)) for d in datas]
    ax = np.vstack([np.column_stack([t[n] for n in abst_feats]) for t in tops])
    ay = np.concatenate([t[ABSTAIN_LABEL] for t in tops])
    aw = np.concatenate([np.full(len(t["label"]), 1000.0 / len(t["label"])) for t in tops])
    acoef, abias = fit_logistic(ax, ay, aw, c)
    abstainer = {"_bias": abias, **{n: float(v) for n, v in zip(abst_feats, acoef)}}
    return ranker, abstainer, tops


def apply_abstainer(abstainer: dict, top: dict) -> np.ndarray:
    z = np.full(len(top["label"]), abstainer["_bias"])
    for n, w in abstainer.items():
        if not n.startswith("_"):
            z = z + w * top[n]
    return 1 / (1 + np.exp(-z)) * top["gate"]


def choose_threshold(tops: list[dict], probs: list[np.ndarray], floors: dict | None = None) -> tuple[float, float]:
    """Threshold maximising mean (link accuracy + social_only F1) over the benchmarks;
    with ``floors`` ({bench: {metric: floor}}), only thresholds meeting every floor count
    (the quality gate's floors only move up), unless none does."""
    best = (0.5, -1.0)
    best_any = (0.5, -1.0)
    for thr in np.round(np.arange(0.05, 0.951, 0.0025), 4):
        per = [scores_at(t, p, thr) for t, p in zip(tops, probs)]
        tot = float(np.mean([sum(x) for x in per]))
        if tot > best_any[1] + 1e-12:
            best_any = (float(thr), tot)
        if floors:
            ok = all(
                la >= floors.get(t["bench"], {}).get("link_accuracy", 0) - 1e-9
                and f1 >= floors.get(t["bench"], {}).get("social_only_f1", 0) - 1e-9
                for t, (la, f1) in zip(tops, per)
            )
            if not ok:
                continue
        if tot > best[1] + 1e-12:
            best = (float(thr), tot)
    return best if best[1] >= 0 else best_any


def cross_validate(datas, ranker_feats, abst_feats, folds=5, c=1.0):
    """Posts split into folds; every post scored by a model not trained on it."""
    rng = np.random.default_rng(7)
    assign = [rng.permutation(d["n_posts"]) % folds for d in datas]
    results = [{"label": [], "linked": [], "truth_web": [], "p1": []} for _ in datas]
    for k in range(folds):
        train = [restrict(d, a != k) for d, a in zip(datas, assign)]
        test = [restrict(d, a == k) for d, a in zip(datas, assign)]
        ranker, abst, tops = fit_all(train, ranker_feats, abst_feats, c)
        thr, _ = choose_threshold(tops, [apply_abstainer(abst, t) for t in tops])
        for r, d in zip(results, test):
            t = post_table(d, ranker_logit(d, ranker))
            r["label"].append(t["label"])
            r["linked"].append(apply_abstainer(abst, t) >= thr)
            r["truth_web"].append(t["truth_web"])
    out = {}
    for d, r in zip(datas, results):
        merged = {"label": np.concatenate(r["label"]), "truth_web": np.concatenate(r["truth_web"])}
        linked = np.concatenate(r["linked"]).astype(float)
        la, f1 = scores_at(merged, linked, 0.5)
        tm = np.array([t is not None for t in merged["truth_web"]])
        out[d["bench"]] = {"link_accuracy": round(la, 3), "social_only_f1": round(f1, 3),
                           "p@1": round(float(merged["label"][tm].mean()), 3)}
    return out


def write_calibration(models: dict) -> None:
    path = ROOT / "parity" / "match" / "calibration.py"
    path.write_text(calibration_source(models), encoding="utf-8")


def calibration_source(models: dict) -> str:
    """The text of parity/match/calibration.py: the constants as they are, and ``models``
    ({mode: {"ranker": {name: coef}, "abstainer": {...}, "threshold": t}}) keyed by the
    feature registry (an unregistered name fails here)."""
    lines = ["MODELS = {"]
    for mode, model in models.items():
        lines.append(f"    Mode.{Mode(mode).name}: {{")
        for part in ("ranker", "abstainer"):
            lines.append(f"        {part!r}: {{")
            for name, coef in model[part].items():
                key = repr(str(name)) if str(name).startswith("_") else f"F.{F(name).name}"
                lines.append(f"            {key}: {float(coef)!r},")
            lines.append("        },")
        lines.append(f"        'threshold': {float(model['threshold'])!r},")
        lines.append("    },")
    lines.append("}")
    constants = "\n".join(f"{name} = {getattr(cal, name)!r}" for name in CONSTANTS)
    return f'''"""Calibrated parameters of the decision. GENERATED by benchmarks/match_fit.py --write from the
dev splits of ../shared/data (newsroom-en, claims-en, politifact-en); do not edit by hand,
re-run the script. test/ splits are never read by the fit.

ranker: conditional logit (softmax over each post's candidates) over (post, candidate)
        features -> score of the candidate being the post's counterpart (the bias is
        arbitrary); hand prior `lagabs` (log1p of |lag| in days) because the benchmarks
        carry no date signal.
abstainer: logistic model over the top candidate's score, its margins over the runner-up
        and post-level features -> probability that the top candidate is the post's
        counterpart. threshold: on that probability, chosen to maximise the mean of
        (link accuracy + social_only F1) over the benchmarks without going below the
        quality gate's floors (tests/match/floors.json).
Coefficients are keyed by the feature registry (parity.match.features.F); ``_bias`` is the
intercept.
"""

from parity.match.features import F, Mode

{constants}

{chr(10).join(lines)}
'''


#: the hand-set constants of calibration.py, written back as they are
CONSTANTS = ("BM25_K1", "BM25_B", "TITLE_BOOST", "WINDOW_K", "DENSE_K", "DENSE_PASSAGES", "DENSE_LEAD_CHARS",
             "DENSE_CHUNK_CHARS", "DENSE_CHUNK_STEP", "DENSE_MAX_CHUNKS", "MIN_SHARED", "LINK_PROB",
             "RETRIEVAL_MAX_DF", "DENSE_GATE")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--modes", default="lexical,dense")
    ap.add_argument("--c", type=float, default=1.0)
    args = ap.parse_args()
    models = dict(cal.MODELS)
    for mode in map(Mode, args.modes.split(",")):
        t0 = time.time()
        datas = [collect(b, "dev", mode) for b in BENCHES]
        rf, af = RANKER_INPUTS[mode], ABSTAINER_INPUTS[mode]
        cv = cross_validate(datas, rf, af, c=args.c)
        ranker, abst, tops = fit_all(datas, rf, af, args.c)
        floors = json.loads(FLOORS.read_text()).get(mode) if FLOORS.exists() else None
        thr, tot = choose_threshold(tops, [apply_abstainer(abst, t) for t in tops], floors)
        insample = {}
        for d, t in zip(datas, tops):
            la, f1 = scores_at(t, apply_abstainer(abst, t), thr)
            insample[d["bench"]] = (round(la, 3), round(f1, 3))
        print(f"== {mode} ({time.time() - t0:.0f}s) threshold={thr} objective={tot:.3f}")
        print("   5-fold CV on dev:", json.dumps(cv))
        print("   in-sample dev   :", insample)
        print("   ranker:", {str(k): round(v, 3) for k, v in ranker.items()})
        print("   abstainer:", {str(k): round(v, 3) for k, v in abst.items()})
        models[mode] = {
            "ranker": {k: round(v, 5) for k, v in ranker.items()},
            "abstainer": {k: round(v, 5) for k, v in abst.items()},
            "threshold": thr,
        }
    if args.write:
        write_calibration(models)
        print("wrote parity/match/calibration.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
