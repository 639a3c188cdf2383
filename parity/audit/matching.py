"""The matching step of a run, and ``parity match`` (offline, on files in the record format).

Both build ``MatchOptions`` from what the user gave (the config's ``[match]`` table, or
the command's flags) and leave the rest to ``parity.match``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parity.audit.collect import Collected
from parity.audit.errors import InputError
from parity.audit.request import check_embeddings
from parity.config import LoadedConfig
from parity.core.embeddings import EMBEDDING_MODES
from parity.core.records import Verdict


def match_collected(collected: Collected, loaded: LoadedConfig) -> list[Verdict]:
    from parity.match import MatchOptions, match_posts

    options = MatchOptions.from_config(loaded.config, collected.incomplete_orgs)
    return match_posts(collected.posts, collected.web, options)


def match_only(posts: Path, web: Path, out: Path, *, sources: Path | None, grace_hours: float,
               incomplete_org: list[str] | None, exclude: list[str] | None, embeddings: str) -> dict[str, Any]:
    """``parity match``: verdicts.jsonl from posts.jsonl and web.jsonl; returns the stream's counts.

    No defaults here: the command line's are the only ones (the same as ``MatchOptions``').

    A broken input line raises RecordError (``file:line: field: message``), a bad flag InputError.
    """
    from parity.match import MatchOptions
    from parity.match.options import parse_exclude_args
    from parity.match.stream import check_files, match_files

    if embeddings not in EMBEDDING_MODES:
        raise InputError(f"--embeddings: expected auto, on or off, got {embeddings!r}")
    check_embeddings(embeddings, "--embeddings")
    try:
        rules = parse_exclude_args(exclude or [], origin="cli")
    except ValueError as exc:
        check_files(posts, web, sources)  # a broken input line is reported first, as always
        raise InputError(f"--exclude: {exc}") from None
    options = MatchOptions(grace_hours=grace_hours, incomplete_orgs=frozenset(incomplete_org or []),
                           exclude_rules=rules, use_embeddings=embeddings)  # type: ignore[arg-type]
    # big inputs are streamed organisation group by group (parity.match.stream); same verdicts
    return match_files(posts, web, out, options, sources_path=sources)
