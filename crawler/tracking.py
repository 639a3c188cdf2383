"""How completely a source was collected — the evidence behind ``unverifiable``.

Each spider owns one tracker. A source is ``ok`` only if its primary requests
(the feed, the sitemap, the first list page, the account's timeline) succeeded
and nothing it should have followed failed; anything less must stop the
matcher from concluding ``social_only`` for that organisation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.secrets import process_redactor
from parity.core.records import SourceStatus

#: Error rows kept per source (the counts in ``reasons`` are never capped).
MAX_FAILED_URLS = 1000


@dataclass
class SourceTracker:
    org: str
    kind: str
    url: str | None
    primary_ok: int = 0
    primary_failed: int = 0
    secondary_ok: int = 0
    secondary_failed: int = 0
    items: int = 0
    robots_blocked: int = 0
    first_error: str | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    notes: dict[str, object] = field(default_factory=dict)
    #: url → reason of its last failure: the error rows (bounded; kept in the store's source detail)
    failed_urls: dict[str, str] = field(default_factory=dict)

    def success(self, primary: bool) -> None:
        if primary:
            self.primary_ok += 1
        else:
            self.secondary_ok += 1

    def failure(self, url: str, reason: str, primary: bool) -> None:
        """Record a failed request; ``reason`` is short and stable (``http_503``, ``timeout``, ``robots``).

        Both are redacted first (crawler/secrets.py): a reason may quote an API's error body, and APIs
        echo the token they were sent.
        """
        redactor = process_redactor()
        url, reason = redactor.text(url), redactor.text(reason)
        self.reasons[reason] += 1
        if reason == "robots":
            self.robots_blocked += 1
        if primary:
            self.primary_failed += 1
        else:
            self.secondary_failed += 1
        if url in self.failed_urls or len(self.failed_urls) < MAX_FAILED_URLS:
            self.failed_urls[url] = reason
        if self.first_error is None or (primary and not self.first_error.startswith("primary")):
            self.first_error = f"{'primary' if primary else 'item'} {reason}: {url}"

    def status(self, finish_reason: str = "finished") -> SourceStatus:
        """Fold the counts into the sources.jsonl line."""
        error: str | None = None
        if self.primary_ok == 0 and self.robots_blocked and self.primary_failed == self.robots_blocked:
            state = "robots_blocked"
            error = f"robots.txt disallows {self.url}"
        elif self.primary_ok == 0 and (self.primary_failed or self.items == 0) and self.kind not in ("register", "file"):
            state = "failed"
            error = self._describe() or "nothing could be fetched"
        elif self.primary_failed or self.secondary_failed or finish_reason != "finished":
            state = "partial"
            error = self._describe()
            if finish_reason != "finished":
                error = f"crawl ended early ({finish_reason})" + (f"; {error}" if error else "")
        else:
            state = "ok"
        return SourceStatus(org=self.org, kind=self.kind, url=self.url, status=state, items=self.items, error=error)

    def _describe(self) -> str | None:
        if not self.reasons:
            return None
        counts = ", ".join(f"{reason}×{count}" for reason, count in sorted(self.reasons.items()))
        return f"{self.first_error} ({counts})"


# -- a source crawled by several workers (distributed mode) -------------------------------------

_COUNTS = ("primary_ok", "primary_failed", "secondary_ok", "secondary_failed", "items", "robots_blocked")


def tracker_to_dict(tracker: SourceTracker) -> dict[str, Any]:
    """What a worker publishes of its tracker (JSON-ready)."""
    return {"org": tracker.org, "kind": tracker.kind, "url": tracker.url, "first_error": tracker.first_error,
            "reasons": dict(tracker.reasons), "notes": tracker.notes, "failed_urls": tracker.failed_urls,
            **{name: getattr(tracker, name) for name in _COUNTS}}


def merge_trackers(snapshots: list[dict[str, Any]], org: str, kind: str, url: str | None) -> SourceTracker:
    """One tracker for a source several workers crawled: counts added, notes combined.

    Deterministic whatever order the workers finished in: lists are sorted, the first
    error is the smallest primary one (else the smallest), as the single-process crawl's
    "first" depends on timing anyway.
    """
    # The spider may name the source better than the config did (a Mastodon account's profile URL).
    url = next((str(s["url"]) for s in snapshots if s.get("url")), url)
    merged = SourceTracker(org=org, kind=kind, url=url)
    errors: list[str] = []
    for snap in snapshots:
        for name in _COUNTS:
            setattr(merged, name, getattr(merged, name) + int(snap.get(name) or 0))
        merged.reasons.update({k: int(v) for k, v in (snap.get("reasons") or {}).items()})
        for failed_url, reason in sorted((snap.get("failed_urls") or {}).items()):
            if failed_url in merged.failed_urls or len(merged.failed_urls) < MAX_FAILED_URLS:
                merged.failed_urls[failed_url] = reason
        if snap.get("first_error"):
            errors.append(str(snap["first_error"]))
        merged.notes = _merge_notes(merged.notes, snap.get("notes") or {})
    primary = sorted(e for e in errors if e.startswith("primary"))
    merged.first_error = (primary or sorted(errors) or [None])[0]
    return merged


def _merge_notes(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    out = dict(into)
    for key, value in other.items():
        have = out.get(key)
        if have is None:
            out[key] = value
        elif isinstance(have, bool) or isinstance(value, bool):
            out[key] = bool(have) or bool(value)
        elif isinstance(have, (int, float)) and isinstance(value, (int, float)):
            out[key] = have + value
        elif isinstance(have, list) and isinstance(value, list):
            out[key] = sorted(set(map(str, have)) | set(map(str, value)))
        elif isinstance(have, dict) and isinstance(value, dict):
            out[key] = _merge_notes(have, value)
    return out
