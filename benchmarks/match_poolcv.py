"""Cross-validation across pool sizes (benchmarks/match_fit.py --pools).

For every fold of the posts, the models fitted on the other folds (on the real dev pools)
decide posts of the held-out fold placed in resampled pools of 20 to 10,000 items
(benchmarks/match_pools.py), each post's probability through its group's Platt calibration
and threshold. A decision that transfers across pool sizes keeps its scores and its
calibration (ECE) at every size.
"""

from __future__ import annotations

import numpy as np

from benchmarks import match_calib as mc
from benchmarks import match_models as mm
from benchmarks.match_pools import resample, swedish_mixes
from parity.core.records import WebItem
from parity.match.features import Mode

SIZES = (20, 100, 1000, 10000)
SAMPLES = {20: 6, 100: 3, 1000: 1, 10000: 1}  # pools per fold and size


def pads_for(bench: str, splits: dict[str, tuple], kind: str, n: int, seed: int) -> list[WebItem]:
    """Distractor items from outside the split (see match_pools)."""
    if kind == "sv-mix":
        return swedish_mixes(splits[bench][1], n, seed)
    return [w for b, (_, web, _) in sorted(splits.items()) if b != bench and not b.startswith("sv") for w in web]


def pool_cv(datas: list[dict], splits: dict[str, tuple], mode: Mode, fit_models, scored,
            folds: int = 5, seed: int = 7) -> dict[tuple[str, int, str], list[dict]]:
    """Post tables (with each post's raw abstainer score) per (benchmark, pool size, padding) of posts
    scored by models that never saw them; each table weighs 1 / (tables of its key)."""
    rng = np.random.default_rng(seed)
    fold_of = {}
    for d in datas:
        assign = rng.permutation(d["n_posts"]) % folds
        fold_of[d["bench"]] = dict(zip(d["post_ids"].tolist(), assign.tolist()))
    tables: dict[tuple[str, int, str], list[dict]] = {}
    for k in range(folds):
        train = [mm.restrict(d, np.array([fold_of[d["bench"]][p] != k for p in d["post_ids"]])) for d in datas]
        rankers, absts = fit_models(train, mode)
        for bench, (posts, web, truth) in sorted(splits.items()):
            held = [p for p in posts if fold_of[bench][p.id] == k]
            for n in SIZES:
                kinds = ["-"] if n <= len(web) else (["en", "sv-mix"] if bench.startswith("sv") else ["en"])
                for kind in kinds:
                    for s in range(SAMPLES[n]):
                        pool_seed = 1000 * k + 10 * s + n
                        pad = pads_for(bench, splits, kind, n, pool_seed) if kind != "-" else None
                        p, w, t = resample(held, web, truth, n, pool_seed, pad)
                        if not p:
                            continue
                        d = mm.collect(bench, p, w, t, mode, pool=f"{bench}@{n}{'' if kind == '-' else '+' + kind}")
                        tables.setdefault((bench, n, kind), []).append(scored(d, rankers, absts))
    for parts in tables.values():
        for t in parts:
            t["weight"] = 1.0 / len(parts)
    return tables


def pool_scores(tables: dict[tuple[str, int, str], list[dict]], decided, calib) -> dict[tuple[str, int, str], dict]:
    """Scores, ECE and sizes per (benchmark, pool size, padding)."""
    out = {}
    for key, parts in tables.items():
        probs, linked, labels = [], [], []
        for t in parts:
            p, lk = decided(t, calib)
            probs.append(p)
            linked.append(lk)
            labels.append(t["label"])
        merged = {k: np.concatenate([t[k] for t in parts]) for k in ("label", "truth_web", "near_miss")}
        s = mm.scores_at(merged, np.concatenate(linked))
        s["ece"] = mc.ece(np.concatenate(probs), np.concatenate(labels))
        s["posts"] = len(merged["label"])
        out[key] = s
    return out
