"""Stress cases made from the sv-municipal DEV split, so that dev gives signal again.

    .venv/bin/python benchmarks/sv_stress.py                     # dev, the real pool
    .venv/bin/python benchmarks/sv_stress.py --pad en:1000       # + 1,000 English dev items as filler
    .venv/bin/python benchmarks/sv_stress.py --pad sv-mix:1000   # + 1,000 Swedish mixes (match_pools)
    .venv/bin/python benchmarks/sv_stress.py --only removal      # one part (removal, deletion, insertion, spelling)
    .venv/bin/python benchmarks/sv_stress.py --show              # list every wrong case
    .venv/bin/python benchmarks/sv_stress.py --json              # one JSON object

Why: the engine is right on every dev post, so dev no longer tells a rule that generalises
from one fitted to dev. Four generators turn each dev post into a case whose right answer is
known without a new label (:mod:`benchmarks.sv_stress_cases`):

* **removal** (near misses): for each page that is a linked post's counterpart, the page
  leaves the pool; its posts' right answer becomes ``social_only``, and the nearest page
  left is a natural near miss (another town's, last year's, the general page on the
  matter). Counted: posts still linked (``false links``), and how many of those went to a
  page of the removed page's own site (which may carry the same facts: listed, not excused).
* **deletion** (missing facts): for each dev ``match`` post and each of its facts (date,
  clock time, phone number, amount, street or place — found by this module's own patterns,
  not the engine's), every page sentence carrying the fact is deleted, provided the post's
  other facts stay on the page and most of the page stays; the right answer is ``partial``
  naming that fact. Counted: linked to the page, verdict ``partial``, fact named
  (:func:`benchmarks.sv_metrics.fact_named`), and facts named missing that the page still
  has (``extra missing``).
* **insertion** (missing facts, the benchmark's own partial recipe): for each dev ``match``
  post and each fact kind, a fact found on *another* dev page (absent from this post's page)
  is added to the post in a short sentence; the right answer is ``partial`` naming it.
* **spelling** (false partials): for each dev ``match`` post, its page writes the post's facts
  in another valid spelling (week number in words, "klockan", "18:30", spaced dashes,
  "kronor", "1:a april"), one rule at a time; the right answer stays ``match``.

Cases run one by one through ``match_posts`` (``--embeddings off``, default options); the
insertion cases share the real pool and run in one call. About 10 s for all four parts at the
real pool, about a minute padded with 1,000 items.

Only dev is read (``--split test`` exists to REPORT, never to choose). The pool padding
(``--pad``) reuses :mod:`benchmarks.match_pools`, so the same checks hold at other sizes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sv_metrics import LINKED, fact_named
from benchmarks.sv_stress_cases import deletion_cases, insertion_cases, removal_cases, spelling_cases

DATA = ROOT.parent / "shared" / "data"
PARTS = ("removal", "deletion", "insertion", "spelling")


def _pad(spec: str | None, web: list, org: str) -> list:
    """Filler items (renamed into the pool's organisation) for ``kind:n``."""
    if not spec:
        return []
    from benchmarks.match_pools import swedish_mixes
    from parity.match.evaluate import load_split

    kind, _, n = spec.partition(":")
    count = int(n or 1000)
    if kind == "sv-mix":
        items = swedish_mixes(web, count, seed=7)
    elif kind == "en":
        items = []
        for bench in ("newsroom-en", "claims-en", "politifact-en"):
            items += load_split(DATA / bench / "dev")[1]
        items = items[:count]
    else:
        raise ValueError(f"--pad {spec!r}: expected en:N or sv-mix:N")
    return [w.model_copy(update={"id": f"pad-{k}-{w.id}", "org": org}) for k, w in enumerate(items)]


def _without(pad: list, page: Any) -> list:
    """``pad`` without the items that carry a sentence of ``page`` (a Swedish mix may hold the
    counterpart's sentences: with the page removed or a fact deleted, such a mix would put it back)."""
    from benchmarks.match_pools import _SENTENCE

    sents = [s.strip() for s in _SENTENCE.split(page.text or "") if len(s.strip()) > 20]
    return [w for w in pad if not any(s in (w.text or "") for s in sents)]


def _run(posts: list, web: list) -> dict[str, dict[str, Any]]:
    from parity.match import MatchOptions, match_posts

    return {v.post_id: v.model_dump() for v in match_posts(posts, web, MatchOptions(use_embeddings="off"))}


def score_removal(posts: list, web: list, truth: list[dict], pad: list) -> dict[str, Any]:
    """Each counterpart page removed in turn; its posts must come out unlinked."""
    by_id = {w.id: w for w in web}
    site = {w.id: (w.url or "").split("/")[2] if (w.url or "").count("/") >= 2 else "" for w in web}
    wrong, n = [], 0
    for page_id, group in removal_cases(posts, truth):
        pool = [w for w in web if w.id != page_id] + _without(pad, by_id[page_id])
        verdicts = _run(group, pool)
        for p in group:
            n += 1
            v = verdicts[p.id]
            if v["verdict"] in LINKED:
                wrong.append({"post_id": p.id, "removed": page_id, "linked": v["web_id"],
                              "verdict": v["verdict"], "score": v["score"], "review": v["review"],
                              "same_site": site.get(v["web_id"]) == site.get(page_id),
                              "missing": v["missing_facts"], "post": p.text})
    return {"cases": n, "false_links": len(wrong), "false_partial_links": sum(w["verdict"] == "partial" for w in wrong),
            "false_links_same_site": sum(w["same_site"] for w in wrong),
            "false_links_unreviewed": sum(not w["review"] for w in wrong), "wrong": wrong}


def score_deletion(posts: list, web: list, truth: list[dict], pad: list) -> dict[str, Any]:
    """Each fact deleted in turn from its counterpart page; the verdict must be ``partial`` naming it."""
    by_id = {w.id: w for w in web}

    def verdicts() -> Iterator[tuple[Any, dict[str, Any]]]:
        for case in deletion_cases(posts, web, truth):
            page = by_id[case.page_id].model_copy(update={"text": case.text})
            pool = [page if w.id == case.page_id else w for w in web] + _without(pad, by_id[case.page_id])
            yield case, _run([case.post], pool)[case.post.id]

    return _tally_partials(verdicts())


def score_insertion(posts: list, web: list, truth: list[dict], pad: list) -> dict[str, Any]:
    """A fact of another page added to each ``match`` post; the verdict must be ``partial`` naming it.
    The pool is the same for every case, so all cases run in one call."""
    cases = list(insertion_cases(posts, web, truth))
    verdicts = _run([c.post for c in cases], web + pad)
    return _tally_partials((c, verdicts[c.post.id]) for c in cases)


def _tally_partials(results: Iterable[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """Deletion and insertion cases scored alike: linked to the case's page, ``partial``, the fact named, and
    facts called missing that are not the case's (``extra_missing``)."""
    linked = partial = named = extra = n = 0
    wrong: list[dict[str, Any]] = []
    kinds: dict[str, list[int]] = {}
    for case, v in results:
        n += 1
        k = kinds.setdefault(case.kind, [0, 0])
        k[0] += 1
        ok_link = v["verdict"] in LINKED and v["web_id"] == case.page_id
        linked += ok_link
        partial += ok_link and v["verdict"] == "partial"
        hit = ok_link and fact_named(case.fact, v["missing_facts"])
        named += hit
        k[1] += hit
        others = [f for f in v["missing_facts"] if not fact_named(case.fact, [f])] if ok_link else []
        extra += bool(others)
        if not hit or others:
            wrong.append({"post_id": case.post.id, "page": case.page_id, "fact": case.fact, "kind": case.kind,
                          "verdict": v["verdict"], "web_id": v["web_id"], "missing": v["missing_facts"],
                          "post": case.post.text})
    return {"cases": n, "linked": linked, "partial": partial, "named": named,
            "named_rate": round(named / n, 3) if n else 0.0, "extra_missing": extra,
            "by_kind": {k: f"{b}/{a}" for k, (a, b) in sorted(kinds.items())}, "wrong": wrong}


def score_spelling(posts: list, web: list, truth: list[dict], pad: list) -> dict[str, Any]:
    """Each spelling rule applied in turn to a ``match`` post's page; the verdict must stay ``match``."""
    by_id = {w.id: w for w in web}
    n = ok = 0
    wrong, rules = [], {}
    for c in spelling_cases(posts, web, truth):
        page = by_id[c.page_id].model_copy(update={"text": c.text})
        v = _run([c.post], [page if w.id == c.page_id else w for w in web] + pad)[c.post.id]
        n += 1
        r = rules.setdefault(c.rule, [0, 0])
        r[0] += 1
        right = v["verdict"] == "match" and v["web_id"] == c.page_id
        ok += right
        r[1] += right
        if not right:
            wrong.append({"post_id": c.post.id, "page": c.page_id, "rule": c.rule, "verdict": v["verdict"],
                          "web_id": v["web_id"], "missing": v["missing_facts"], "post": c.post.text})
    return {"cases": n, "match": ok, "false_partial": sum(w["verdict"] == "partial" for w in wrong),
            "by_rule": {k: f"{b}/{a}" for k, (a, b) in sorted(rules.items())}, "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks/sv_stress.py", description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "test"], help="dev to tune; test only to report")
    ap.add_argument("--pad", help="filler for the pool: en:N or sv-mix:N")
    ap.add_argument("--only", choices=PARTS)
    ap.add_argument("--show", action="store_true", help="print every wrong case")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from parity.match.evaluate import load_split

    try:
        posts, web, truth = load_split(DATA / "sv-municipal" / args.split)
        pad = _pad(args.pad, web, web[0].org if web else "pool")
    except (OSError, ValueError) as exc:
        print(f"sv_stress: {exc}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {"split": args.split, "pad": args.pad or "none", "pool": len(web) + len(pad)}
    if args.only in (None, "removal"):
        out["removal"] = score_removal(posts, web, truth, pad)
    if args.only in (None, "deletion"):
        out["deletion"] = score_deletion(posts, web, truth, pad)
    if args.only in (None, "insertion"):
        out["insertion"] = score_insertion(posts, web, truth, pad)
    if args.only in (None, "spelling"):
        out["spelling"] = score_spelling(posts, web, truth, pad)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"sv-municipal {args.split} stress, pool {out['pool']} items (pad {out['pad']})")
    if "removal" in out:
        r = out["removal"]
        print(f"removal: {r['false_links']} of {r['cases']} posts linked after their page left the pool"
              f" ({r['false_partial_links']} as partial, {r['false_links_same_site']} to the same site,"
              f" {r['false_links_unreviewed']} without review)")
    for part in ("deletion", "insertion"):
        if part not in out:
            continue
        d = out[part]
        print(f"{part}: {d['cases']} cases; linked {d['linked']}, partial {d['partial']}, fact named"
              f" {d['named']} ({d['named_rate']:.3f}); extra missing facts in {d['extra_missing']};"
              f" named by kind {d['by_kind']}")
    if "spelling" in out:
        sp = out["spelling"]
        print(f"spelling: {sp['cases']} cases; still match {sp['match']}, false partial {sp['false_partial']};"
              f" by rule {sp['by_rule']}")
    if args.show:
        for part in PARTS:
            for w in out.get(part, {}).get("wrong", []):
                print(f"[{part}] " + json.dumps(w, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
