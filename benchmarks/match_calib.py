"""From an abstainer's score to a probability that means what it says (benchmarks/match_fit.py).

* :func:`fit_platt` — sigmoid(a · score + b) fitted on cross-validated dev scores (never on
  the scores of the model that saw the post), each benchmark weighted equally;
* :func:`reliability` / :func:`ece` — the reliability curve (10 equal-width bins: mean
  predicted probability against the observed share of right top candidates) and the
  expected calibration error, Σ_bins (n_bin / n) · |observed − predicted|;
* :func:`review_figures` — the share of posts a review band flags and the error rate of the
  decisions inside and outside it.
"""

from __future__ import annotations

import numpy as np

from benchmarks.match_models import fit_logistic

BINS = 10


def fit_platt(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """(a, b) of sigmoid(a · score + b) by weighted logistic regression on one feature, barely
    regularised (C = 100: two parameters, hundreds of posts)."""
    coef, bias = fit_logistic(scores.reshape(-1, 1), labels, weights, c=100.0)
    return float(coef[0]), float(bias)


def reliability(p: np.ndarray, y: np.ndarray) -> list[tuple[float, float, int, float, float]]:
    """Per non-empty bin: (low edge, high edge, posts, mean predicted, observed share)."""
    edges = np.linspace(0.0, 1.0, BINS + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, BINS - 1)
    rows = []
    for b in range(BINS):
        m = idx == b
        if m.any():
            rows.append((float(edges[b]), float(edges[b + 1]), int(m.sum()), float(p[m].mean()), float(y[m].mean())))
    return rows


def ece(p: np.ndarray, y: np.ndarray) -> float:
    """Expected calibration error over :data:`BINS` equal-width bins."""
    n = len(p)
    return float(sum(cnt / n * abs(obs - mean) for _, _, cnt, mean, obs in reliability(p, y))) if n else 0.0


def decision_wrong(p: np.ndarray, label: np.ndarray, has: np.ndarray, threshold: float) -> np.ndarray:
    """A decision is wrong when it links a page that is not the counterpart, or rejects a post
    that has one."""
    linked = p >= threshold
    return (linked & (label <= 0)) | (~linked & (has > 0))


def review_figures(p: np.ndarray, label: np.ndarray, has: np.ndarray, threshold: float,
                   band: tuple[float, float]) -> dict:
    """Flagged share and error rates inside / outside the band ``[lo, hi)``."""
    wrong = decision_wrong(p, label, has, threshold)
    inside = (p >= band[0]) & (p < band[1])
    return {
        "flagged": int(inside.sum()), "posts": len(p), "flagged_share": float(inside.mean()) if len(p) else 0.0,
        "errors_inside": int(wrong[inside].sum()), "error_rate_inside": float(wrong[inside].mean()) if inside.any() else 0.0,
        "errors_outside": int(wrong[~inside].sum()),
        "error_rate_outside": float(wrong[~inside].mean()) if (~inside).any() else 0.0,
    }


def markdown_reliability(name: str, p: np.ndarray, y: np.ndarray) -> str:
    """A reliability table for benchmarks/RESULTS.md."""
    lines = [f"{name}: ECE {ece(p, y):.3f} (n = {len(p)})", "",
             "| p bin | posts | mean p | observed |", "|---|---|---|---|"]
    for lo, hi, cnt, mean, obs in reliability(p, y):
        lines.append(f"| {lo:.1f}–{hi:.1f} | {cnt} | {mean:.3f} | {obs:.3f} |")
    return "\n".join(lines)
