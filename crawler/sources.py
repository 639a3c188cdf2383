"""The configured sources as a flat list with stable keys.

A source key names one configured source across runs (``org:web:feed:URL``);
the store keeps crawl state (cursors, validators, ledgers) and the per-run
status line under it, so renaming nothing in the config keeps its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parity.config import LoadedConfig


@dataclass(frozen=True)
class SourceSpec:
    org: str
    group: str  # "web" or "social"
    kind: str  # web source type, or social platform
    target: str  # URL, path, account or id: what the sources.jsonl line shows
    options: Any  # the validated config model of this source
    key: str

    @property
    def display_kind(self) -> str:
        """``kind`` of the sources.jsonl line: web source type or social platform."""
        return self.kind


def _target(options: Any) -> str:
    for attr in ("url", "path", "account", "channel_id", "page_id", "user_id"):
        value = getattr(options, attr, None)
        if value:
            return str(value)
    return "?"


def source_specs(loaded: LoadedConfig, orgs: set[str] | None = None) -> list[SourceSpec]:
    """Every source of every (selected) org, web first, in config order."""
    specs: list[SourceSpec] = []
    for org in loaded.config.org:
        if orgs and org.id not in orgs:
            continue
        for group, sources in (("web", org.web), ("social", org.social)):
            for options in sources:
                kind = getattr(options, "type", None) or getattr(options, "platform")
                target = _target(options)
                if kind in ("register", "file"):
                    target = str(loaded.resolve(target))
                specs.append(SourceSpec(org.id, group, kind, target, options, f"{org.id}:{group}:{kind}:{target}"))
    return specs


def configured_hosts(loaded: LoadedConfig) -> list[str]:
    """Every host the config names (``url``, ``api``, a Mastodon account's instance): trusted as configured.

    A host reached only because a server named it is checked (crawler/middlewares/egress.py).
    """
    hosts: set[str] = set()
    for org in loaded.config.org:
        for source in [*org.web, *org.social]:
            for attr in ("url", "api"):
                value = getattr(source, attr, None)
                if isinstance(value, str) and "://" in value:
                    hosts.add((urlsplit(value.strip()).hostname or "").lower())
            if getattr(source, "platform", None) == "mastodon":
                hosts.add(source.account.rpartition("@")[2].strip().lower())
    hosts.discard("")
    return sorted(hosts)
