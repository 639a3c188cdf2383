"""Scoring verdicts against a benchmark's ``truth.jsonl``.

    python -m parity.match.evaluate --data ../shared/data/claims-en/dev [--embeddings auto|on|off (default off)]

Link accuracy: among posts whose truth is a match, the share that got ``match``,
``partial`` or ``late`` with the right ``web_id``. social_only F1: verdict
``social_only`` against truth ``social_only`` (``unverifiable`` is not counted as a
social_only prediction). P@1: among truth matches, the share whose best candidate
(chosen or rejected) is the right page, i.e. the ranking before abstention.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, asdict
from pathlib import Path
from typing import Iterable, Sequence

from parity.core.embeddings import DEFAULT_EMBEDDINGS, EMBEDDING_MODES
from parity.core.records import LINKED_VERDICTS, Post, Verdict, WebItem
from parity.match.engine import match_posts
from parity.match.options import MatchOptions
from parity.match.prepare import post_text, to_doc
from parity.match.retrieve import dense_passages
from parity.match.text import clean_social


@dataclass
class Scores:
    n_posts: int
    n_truth_match: int
    n_truth_social_only: int
    link_accuracy: float
    social_only_precision: float
    social_only_recall: float
    social_only_f1: float
    p_at_1: float
    accuracy: float

    def line(self) -> str:
        return (
            f"link_accuracy={self.link_accuracy:.3f} social_only_f1={self.social_only_f1:.3f} "
            f"(P={self.social_only_precision:.3f} R={self.social_only_recall:.3f}) p@1={self.p_at_1:.3f} "
            f"accuracy={self.accuracy:.3f} n={self.n_posts}"
        )


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_split(directory: str | Path) -> tuple[list[Post], list[WebItem], list[dict]]:
    d = Path(directory)
    posts = [Post.model_validate(r) for r in read_jsonl(d / "posts.jsonl")]
    web = [WebItem.model_validate(r) for r in read_jsonl(d / "web.jsonl")]
    truth = read_jsonl(d / "truth.jsonl") if (d / "truth.jsonl").exists() else []
    return posts, web, truth


def score(verdicts: Sequence[Verdict] | Iterable[dict], truth: Sequence[dict]) -> Scores:
    """Scores of ``verdicts`` (models or dicts) against truth rows ``{post_id, web_id, verdict}``."""
    by_post = {}
    for v in verdicts:
        d = v if isinstance(v, dict) else v.model_dump()
        by_post[d["post_id"]] = d
    n_match = link_ok = p1 = 0
    tp = fp = fn = 0
    correct = 0
    for t in truth:
        v = by_post.get(t["post_id"], {"verdict": "social_only", "web_id": None})
        truth_so = t["verdict"] == "social_only"
        pred_so = v["verdict"] == "social_only"
        if t["verdict"] in LINKED_VERDICTS:
            n_match += 1
            ok = v["verdict"] in LINKED_VERDICTS and v.get("web_id") == t["web_id"]
            link_ok += ok
            correct += ok
            cands = v.get("candidates") or []
            best = v.get("web_id") or (cands[0]["web_id"] if cands else None)
            p1 += best == t["web_id"]
        else:
            correct += pred_so and truth_so
        tp += truth_so and pred_so
        fp += pred_so and not truth_so
        fn += truth_so and not pred_so
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    n = len(truth)
    return Scores(
        n_posts=n,
        n_truth_match=n_match,
        n_truth_social_only=n - n_match,
        link_accuracy=link_ok / n_match if n_match else 0.0,
        social_only_precision=prec,
        social_only_recall=rec,
        social_only_f1=f1,
        p_at_1=p1 / n_match if n_match else 0.0,
        accuracy=correct / n if n else 0.0,
    )


def evaluate_split(directory: str | Path, opts: MatchOptions | None = None) -> tuple[Scores, float]:
    posts, web, truth = load_split(directory)
    start = time.perf_counter()
    verdicts = match_posts(posts, web, opts or MatchOptions())
    return score(verdicts, truth), time.perf_counter() - start


def dense_texts_for_split(directory: str | Path) -> tuple[list[str], list[str]]:
    """The query and passage texts the dense path would embed for a benchmark split
    (lets the quality gate tell whether the vector cache is warm)."""
    posts, web, _ = load_split(directory)
    return [clean_social(post_text(p)) for p in posts], dense_passages([to_doc(w) for w in web])[0]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m parity.match.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, action="append", help="a split directory (posts/web/truth.jsonl); repeatable")
    ap.add_argument("--embeddings", default=DEFAULT_EMBEDDINGS, choices=EMBEDDING_MODES)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", action="store_true", help="print one JSON object per split")
    args = ap.parse_args(argv)
    opts = MatchOptions(use_embeddings=args.embeddings, threshold=args.threshold)
    for data in args.data:
        s, secs = evaluate_split(data, opts)
        if args.json:
            print(json.dumps({"data": data, "seconds": round(secs, 2), **asdict(s)}))
        else:
            print(f"{data}: {s.line()} time={secs:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
