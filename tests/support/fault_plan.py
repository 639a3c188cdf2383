"""Plans for the fault server: sites of generated pages, with seeded per-URL faults.

A *plan* describes one or more sites ("hosts"): how many generated news pages
they have (``/news/nyhet-0000`` …), a sitemap and an RSS feed listing them, a
robots.txt policy, canned custom responses, and **fault rules** per URL. A
:class:`Rule` names a fault *kind* (``tests/support/faults.py: FAULT_KINDS``)
and which attempts at that URL it hits (``attempts=[1]`` is a transient fault
on the first try, ``None`` a permanent one). Plans are built by seeded helpers
(:func:`transient_faults`, :func:`permanent_faults`), so a test knows exactly
which URL fails how, and a rerun with the same seed fails the same URLs.

Plans may name a host's base URL as ``{host:LABEL}`` in custom bodies, sitemap
entries and redirect targets; it is filled in once the ports are bound. Plans
are JSON so the server can run in its own process (``tests/support/faultserver.py``).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from tests.support.faults import FAULT_KINDS, Fault

PAGE_PREFIX = "/news/nyhet-"


def page_path(i: int, prefix: str = PAGE_PREFIX) -> str:
    return f"{prefix}{i:04d}"


def page_token(i: int, seed: int = 0) -> str:
    """A token that appears only on page ``i``: proves the stored text is that page's."""
    return f"FS{seed}X{i:04d}"


@dataclass
class Rule:
    """A fault on one URL target (path + query, exact) or on every target under ``prefix``."""

    kind: str
    path: str | None = None
    prefix: str | None = None
    attempts: list[int] | None = None  # None: every attempt (permanent)
    params: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None  # fire for at most this many requests in all (e.g. 1: whichever page comes first)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if (self.path is None) == (self.prefix is None):
            raise ValueError("a rule needs exactly one of path or prefix")

    def to_fault(self, expand: Callable[[str], str] = str, seed: int = 0) -> Fault:
        """The server-side rule; ``expand`` fills ``{host:LABEL}`` in a redirect target, ``seed`` seeds garbage."""
        params = dict(self.params)
        if "to" in params:
            params["to"] = expand(str(params["to"]))
        if self.kind == "garbage":
            params.setdefault("seed", seed)
        return Fault(kind=self.kind, status=int(params.get("status", 503)), target=self.path,
                     pattern=None if self.prefix is None else "^" + re.escape(self.prefix),
                     attempts=None if self.attempts is None else list(self.attempts), limit=self.limit, params=params)


@dataclass
class SitePlan:
    """One host: generated pages, sitemap/feed, robots.txt, custom responses, fault rules."""

    bind: str = "127.0.0.1"
    pages: int = 0
    page_prefix: str = PAGE_PREFIX
    seed: int = 0
    robots: str | None = "allow"  # "allow", "disallow:/prefix", or None (404)
    latency: float = 0.0  # seconds added to every normal answer
    sitemap_extra: list[str] = field(default_factory=list)  # more <loc>s (absolute or path)
    custom: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> {status, body, content_type, headers}
    faults: list[Rule] = field(default_factory=list)
    title_prefix: str = "Nyhet"

    def page_paths(self) -> list[str]:
        return [page_path(i, self.page_prefix) for i in range(self.pages)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["faults"] = [asdict(r) for r in self.faults]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SitePlan:
        data = dict(data)
        data["faults"] = [Rule(**r) for r in data.get("faults", [])]
        return cls(**data)


@dataclass
class Plan:
    sites: dict[str, SitePlan] = field(default_factory=lambda: {"main": SitePlan()})

    def to_json(self) -> str:
        return json.dumps({"sites": {k: v.to_dict() for k, v in self.sites.items()}}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(sites={k: SitePlan.from_dict(v) for k, v in data["sites"].items()})


def transient_faults(seed: int, paths: list[str], rate: float,
                     kinds: tuple[str, ...] = ("status", "drop", "hang"), hang_seconds: float = 3.0,
                     attempts: tuple[int, ...] = (1,)) -> list[Rule]:
    """``round(rate × len(paths))`` seeded paths fail on ``attempts`` (default the first), kinds in turn."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(paths, round(rate * len(paths))))
    rules = []
    for n, path in enumerate(chosen):
        kind = kinds[n % len(kinds)]
        params: dict[str, Any] = {}
        if kind == "status":
            params = {"status": 503}
        elif kind in ("hang", "hang_after_headers"):
            params = {"seconds": hang_seconds}
        rules.append(Rule(kind=kind, path=path, attempts=list(attempts), params=params))
    return rules


def permanent_faults(seed: int, paths: list[str], count: int, status: int = 500) -> list[Rule]:
    """``count`` seeded paths answer ``status`` on every attempt."""
    rng = random.Random(seed)
    return [Rule(kind="status", path=p, params={"status": status}) for p in sorted(rng.sample(paths, count))]
