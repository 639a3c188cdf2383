"""``python -m parity.match --posts P.jsonl --web W.jsonl --out V.jsonl`` (the engine behind ``parity match``).

Options: ``--grace-hours``, ``--incomplete-org ORG`` (repeatable), ``--exclude RULE``
(repeatable: built-in names or ``name=regex``), ``--embeddings auto|on|off``,
``--embedding-cache DIR|none``. Progress goes to stderr; exit 0, or 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

from parity.match.options import ExcludeRule, MatchOptions


def _rules(values: Sequence[str]) -> tuple:
    out: list = []
    for v in values:
        if "=" in v:
            name, pattern = v.split("=", 1)
            out.append(ExcludeRule(name.strip(), pattern))
        else:
            out.append(v.strip())
    return tuple(out)


def _read(path: str, model):
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                items.append(model.model_validate_json(line))
            except Exception as exc:  # pydantic.ValidationError, JSON errors
                raise SystemExit(f"{path}:{n}: {str(exc).splitlines()[0]}") from None
    return items


def main(argv: Sequence[str] | None = None) -> int:
    from parity.match import match_posts
    from parity.records import Post, WebItem

    ap = argparse.ArgumentParser(prog="python -m parity.match", description="Match posts to web items.")
    ap.add_argument("--posts", required=True)
    ap.add_argument("--web", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--grace-hours", type=float, default=24.0)
    ap.add_argument("--incomplete-org", action="append", default=[])
    ap.add_argument("--exclude", action="append", default=[])
    ap.add_argument("--embeddings", choices=["auto", "on", "off"], default="auto")
    ap.add_argument("--embedding-cache", default="default")
    args = ap.parse_args(argv)
    try:
        opts = MatchOptions(
            grace_hours=args.grace_hours,
            incomplete_orgs=frozenset(args.incomplete_org),
            exclude_rules=_rules(args.exclude),
            use_embeddings=args.embeddings,
            embedding_cache=None if args.embedding_cache == "none" else args.embedding_cache,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        posts = _read(args.posts, Post)
        web = _read(args.web, WebItem)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    print(f"read {len(posts)} posts, {len(web)} web items in {t1 - t0:.1f}s", file=sys.stderr)
    verdicts = match_posts(posts, web, opts)
    t2 = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as fh:
        for v in verdicts:
            fh.write(json.dumps(v.to_json_dict(), ensure_ascii=False) + "\n")
    print(f"matched in {t2 - t1:.1f}s, wrote {len(verdicts)} verdicts in {time.perf_counter() - t2:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
