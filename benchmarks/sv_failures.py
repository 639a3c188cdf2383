"""Every wrong verdict on the sv-municipal DEV split, with the evidence needed to say why.

    .venv/bin/python benchmarks/sv_failures.py                    # runs the matcher (--embeddings off)
    .venv/bin/python benchmarks/sv_failures.py --verdicts V.jsonl # or reads a verdict file of the dev split
    .venv/bin/python benchmarks/sv_failures.py --json             # one JSON object per wrong verdict

Dev only, on purpose: patterns are looked for on dev and the test split is scored once
(benchmarks/sv_scores.py). Each wrong verdict gets a mechanical tag (which way it is
wrong); *why* it is wrong is a human judgement recorded in docs/sv-analysis.md, which
this listing lets anyone re-check after a change to the matcher.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sv_metrics import LINKED, fact_named
from benchmarks.sv_scores import DATA, engine_verdict_lines, read_jsonl

EVIDENCE_KEYS = ("p_counterpart", "bm25", "cont", "tcov", "tcont", "nshared", "facts", "facts_missing")


def tag(truth: dict[str, Any], verdict: dict[str, Any]) -> str | None:
    """Which way the verdict is wrong (None when it is right)."""
    best = verdict.get("web_id") or next((c["web_id"] for c in verdict.get("candidates") or []), None)
    linked = verdict["verdict"] in LINKED
    if truth["verdict"] == "social_only":
        if not linked:
            return None
        if truth.get("near_miss_web_id") == verdict["web_id"]:
            return f"near-miss page linked as {verdict['verdict']}"
        return f"other page linked as {verdict['verdict']}"
    if best != truth["web_id"]:
        return "wrong page " + ("linked" if linked else "ranked first, then rejected")
    if not linked:
        return "right page rejected"
    if truth["verdict"] == "match" and verdict["verdict"] == "partial":
        return "false partial"
    if truth["verdict"] == "partial" and not fact_named(truth.get("missing_fact") or "", verdict.get("missing_facts") or []):
        return "missing fact not named"
    return None


def rows(verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    split = DATA / "dev"
    posts = {p["id"]: p for p in read_jsonl(split / "posts.jsonl")}
    web = {w["id"]: w for w in read_jsonl(split / "web.jsonl")}
    by_post = {v["post_id"]: v for v in verdicts}
    out = []
    for t in read_jsonl(split / "truth.jsonl"):
        v = by_post.get(t["post_id"], {"verdict": "social_only", "web_id": None, "candidates": [], "evidence": {}})
        why = tag(t, v)
        if why is None:
            continue
        ev = v.get("evidence") or {}
        out.append({
            "post_id": t["post_id"],
            "tag": why,
            "truth": {k: t.get(k) for k in ("verdict", "web_id", "missing_fact", "near_miss_web_id")},
            "verdict": {k: v.get(k) for k in ("verdict", "web_id", "score", "missing_facts", "reason")},
            "evidence": {k: ev[k] for k in EVIDENCE_KEYS if k in ev},
            "candidates": v.get("candidates") or [],
            "post": posts[t["post_id"]]["text"],
            "titles": {wid: web[wid]["title"] for wid in {t.get("web_id"), t.get("near_miss_web_id"), v.get("web_id")} if wid},
        })
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks/sv_failures.py", description=__doc__.splitlines()[0])
    ap.add_argument("--verdicts", help="a verdicts.jsonl of the dev split (default: run the matcher)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    try:
        if args.verdicts:
            verdicts = read_jsonl(Path(args.verdicts))
        else:
            verdicts = [json.loads(line) for line in engine_verdict_lines(DATA / "dev")]
        found = rows(verdicts)
    except (OSError, ValueError, KeyError) as exc:
        print(f"sv_failures: {exc}", file=sys.stderr)
        return 2
    for r in found:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
            continue
        print(f"{r['post_id']}: {r['tag']}")
        print(f"  post: {r['post']}")
        print(f"  truth {r['truth']}  verdict {r['verdict']}")
        print(f"  titles {r['titles']}")
        print(f"  evidence {r['evidence']}")
        print(f"  candidates {[(c['web_id'], c['score']) for c in r['candidates']]}")
    if not args.json:
        tags: dict[str, int] = {}
        for r in found:
            tags[r["tag"]] = tags.get(r["tag"], 0) + 1
        print(f"{len(found)} wrong verdicts: " + ", ".join(f"{k} {n}" for k, n in sorted(tags.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
