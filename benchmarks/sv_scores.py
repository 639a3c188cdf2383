"""Scores on the Swedish benchmark (../shared/data/sv-municipal), TEST split by default (issue 11 §2).

    .venv/bin/python benchmarks/sv_scores.py                 # test split
    .venv/bin/python benchmarks/sv_scores.py --split dev
    .venv/bin/python benchmarks/sv_scores.py --json          # one JSON object on stdout
    .venv/bin/python benchmarks/sv_scores.py --check-cli     # also run `parity match` and require equal bytes
    .venv/bin/python benchmarks/sv_scores.py --verdicts V.jsonl   # score a verdict file instead of matching

The engine runs in-process exactly as ``parity match --embeddings off`` does
(``match_posts`` with ``MatchOptions(use_embeddings="off")``, every other option at
the CLI's default); ``--check-cli`` proves it by running the CLI in a subprocess on
the same split and comparing the verdict files byte for byte. Beside the engine the
plain-BM25 baseline (:mod:`benchmarks.sv_bm25`) is scored in the same run, with its
cut-off tuned on dev whatever split is scored, so the engine/baseline ratio is
visible. The figures and their definitions: :mod:`benchmarks.sv_metrics`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import sv_bm25
from benchmarks.sv_metrics import SvScores, sv_scores, unmet_targets

DATA = ROOT.parent / "shared" / "data" / "sv-municipal"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def engine_verdict_lines(split_dir: Path) -> list[str]:
    """The verdict lines ``parity match --embeddings off`` writes for this split, computed in-process."""
    from parity.core.jsonl import record_line
    from parity.match import MatchOptions, match_posts
    from parity.match.evaluate import load_split

    posts, web, _ = load_split(split_dir)
    return [record_line(v) for v in match_posts(posts, web, MatchOptions(use_embeddings="off"))]


def cli_verdict_bytes(split_dir: Path) -> bytes:
    """The verdict file of ``parity match --embeddings off`` run as a subprocess from the repo root."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "verdicts.jsonl"
        cmd = [sys.executable, "-m", "parity.cli", "match", "--posts", str(split_dir / "posts.jsonl"),
               "--web", str(split_dir / "web.jsonl"), "--out", str(out), "--embeddings", "off"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"parity match exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        return out.read_bytes()


def baseline(split_dir: Path, dev_dir: Path) -> tuple[SvScores, float]:
    """BM25 baseline scores on ``split_dir`` with the cut-off tuned on ``dev_dir``."""
    dev_tops = sv_bm25.top1(read_jsonl(dev_dir / "posts.jsonl"), read_jsonl(dev_dir / "web.jsonl"))
    cutoff = sv_bm25.tune_cutoff(dev_tops, read_jsonl(dev_dir / "truth.jsonl"))
    if split_dir.resolve() == dev_dir.resolve():
        tops = dev_tops
    else:
        tops = sv_bm25.top1(read_jsonl(split_dir / "posts.jsonl"), read_jsonl(split_dir / "web.jsonl"))
    return sv_scores(sv_bm25.verdicts_at(tops, cutoff), read_jsonl(split_dir / "truth.jsonl")), cutoff


def _ratio(engine: float, base: float) -> float | None:
    return round(engine / base, 3) if base else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    split_dir = Path(args.data) if args.data else DATA / args.split
    dev_dir = Path(args.dev) if args.dev else DATA / "dev"
    for d in (split_dir, dev_dir):
        if not (d / "truth.jsonl").is_file():
            raise FileNotFoundError(f"{d}: no truth.jsonl (is ../shared next to the checkout?)")
    truth = read_jsonl(split_dir / "truth.jsonl")
    start = time.perf_counter()
    if args.verdicts:
        lines = Path(args.verdicts).read_text(encoding="utf-8").splitlines(keepends=True)
        source = str(args.verdicts)
    else:
        lines = engine_verdict_lines(split_dir)
        source = "match_posts(use_embeddings='off')"
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"split": str(split_dir), "verdicts": source, "seconds": round(seconds, 2)}
    if args.check_cli:
        same = cli_verdict_bytes(split_dir) == "".join(lines).encode("utf-8")
        result["cli_identical"] = same
    engine = sv_scores([json.loads(line) for line in lines if line.strip()], truth)
    base, cutoff = baseline(split_dir, dev_dir)
    result["engine"] = engine.as_dict()
    result["engine_unmet_targets"] = unmet_targets(engine)
    result["bm25"] = {"cutoff_tuned_on_dev": round(cutoff, 4), **base.as_dict()}
    result["engine_over_bm25"] = {
        k: _ratio(getattr(engine, k), getattr(base, k))
        for k in ("link_accuracy", "social_only_precision", "social_only_recall", "social_only_f1")
    }
    result["_engine"], result["_bm25"] = engine, base
    return result


def print_human(result: dict[str, Any]) -> None:
    print(f"sv-municipal {result['split']}  ({result['verdicts']}, {result['seconds']} s)")
    if "cli_identical" in result:
        print(f"verdicts identical to `parity match --embeddings off`: {result['cli_identical']}")
    print("engine:")
    for line in result["_engine"].lines():
        print("  " + line)
    unmet = result["engine_unmet_targets"]
    print("  targets not met: " + ("; ".join(unmet) if unmet else "none"))
    print(f"plain BM25 (Swedish stemming, top-1, cut-off {result['bm25']['cutoff_tuned_on_dev']} tuned on dev):")
    for line in result["_bm25"].lines():
        print("  " + line)
    ratios = ", ".join(f"{k} {v}" for k, v in result["engine_over_bm25"].items())
    print(f"engine / BM25: {ratios}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks/sv_scores.py", description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--data", help="a split folder other than ../shared/data/sv-municipal/<split>")
    ap.add_argument("--dev", help="the folder the BM25 cut-off is tuned on (default: the dev split)")
    ap.add_argument("--verdicts", help="score this verdicts.jsonl instead of running the matcher")
    ap.add_argument("--check-cli", action="store_true", help="run `parity match` too; report whether bytes are equal")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    try:
        result = run(args)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"sv_scores: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, ensure_ascii=False))
    else:
        print_human(result)
    return 1 if result.get("cli_identical") is False else 0


if __name__ == "__main__":
    sys.exit(main())
