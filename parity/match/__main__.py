"""``python -m parity.match --posts P.jsonl --web W.jsonl --out V.jsonl`` (the engine behind ``parity match``).

Options: ``--grace-hours``, ``--incomplete-org ORG`` (repeatable), ``--exclude RULE``
(repeatable: built-in names or ``name=regex``), ``--embeddings auto|on|off``,
``--embedding-cache DIR|none``. Progress goes to stderr; exit 0, or 2 on bad input (one line,
``file:line: field: message``; the output file is then left as it was).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

from parity.core.embeddings import DEFAULT_EMBEDDINGS, EMBEDDING_MODES
from parity.match.options import MatchOptions, parse_exclude_args


def build_parser() -> argparse.ArgumentParser:
    """The command line (a function so that tests can read its defaults)."""
    ap = argparse.ArgumentParser(prog="python -m parity.match", description="Match posts to web items.")
    ap.add_argument("--posts", required=True)
    ap.add_argument("--web", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--grace-hours", type=float, default=24.0)
    ap.add_argument("--incomplete-org", action="append", default=[])
    ap.add_argument("--exclude", action="append", default=[], help="a built-in rule name or name=regex (repeatable)")
    ap.add_argument("--embeddings", choices=EMBEDDING_MODES, default=DEFAULT_EMBEDDINGS)
    ap.add_argument("--embedding-cache", default="default")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    from parity.core.jsonl import RecordError
    from parity.match.stream import match_files

    args = build_parser().parse_args(argv)
    try:
        opts = MatchOptions(
            grace_hours=args.grace_hours,
            incomplete_orgs=frozenset(args.incomplete_org),
            exclude_rules=parse_exclude_args(args.exclude),
            use_embeddings=args.embeddings,
            embedding_cache=None if args.embedding_cache == "none" else args.embedding_cache,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        # streamed organisation group by organisation group when the input is big (parity.match.stream)
        stats = match_files(args.posts, args.web, args.out, opts)
    except RecordError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"matched {stats['posts']} posts against {stats['web']} web items in {time.perf_counter() - t0:.1f}s "
          f"({stats['chunks']} chunks, {stats['workers']} processes), wrote {stats['verdicts']} verdicts",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
