"""Spidermon-style checks at the end of each source's crawl; they feed sources.jsonl and the exit code.

Spidermon's monitors alert, but never change a crawl's exit status; an audit
must instead *know* that a source came back thin, so a failed check with
severity ``error`` downgrades an ``ok`` source to ``partial`` (its
organisation's unmatched posts become ``unverifiable``, the audit exits 4).
``warning`` checks are recorded in the store's source detail only.

Every check is a pure function of Scrapy's stats dict and the source's
:class:`~crawler.tracking.SourceTracker`; tests feed them made-up stats
(spidermon's ``tests/contrib/scrapy/monitors``), no crawl, no network.

| check | fails when | severity |
|---|---|---|
| ``item_count`` | a web source stored fewer than ``min_items`` records | error |
| ``error_rate`` | failed / (succeeded + failed) requests above ``max_error_rate`` | error |
| ``finish_reason`` | the spider closed for another reason than ``finished`` | error |
| ``spider_exceptions`` | a callback raised (``spider_exceptions/*``) | error |
| ``rate_limited`` | more than ``max_rate_limited`` 429 answers, even if retries got through | warning |
| ``retries_exhausted`` | some request gave up after all retries (``retry/max_reached``) | warning |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from parity.core.records import SourceStatus

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Thresholds:
    min_items: int = 1
    max_error_rate: float = 0.0
    finish_reasons: tuple[str, ...] = ("finished",)
    max_spider_exceptions: int = 0
    max_rate_limited: int = 10
    #: item_count applies to web sources only: an account that posted nothing is not a collection failure
    web: bool = True

    @classmethod
    def from_settings(cls, settings: Any, web: bool = True) -> "Thresholds":
        def get(name: str, default: Any) -> Any:
            value = settings.get(name) if settings is not None else None
            return default if value is None else value

        return cls(
            min_items=int(get("PARITY_MONITOR_MIN_ITEMS", cls.min_items)),
            max_error_rate=float(get("PARITY_MONITOR_MAX_ERROR_RATE", cls.max_error_rate)),
            finish_reasons=tuple(get("PARITY_MONITOR_FINISH_REASONS", cls.finish_reasons)),
            max_spider_exceptions=int(get("PARITY_MONITOR_MAX_SPIDER_EXCEPTIONS", cls.max_spider_exceptions)),
            max_rate_limited=int(get("PARITY_MONITOR_MAX_RATE_LIMITED", cls.max_rate_limited)),
            web=web,
        )


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Stats = Mapping[str, Any]


def _sum_prefix(stats: Stats, prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, (int, float)))


def item_count(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    items = int(getattr(tracker, "items", 0) or 0)
    if not t.web:
        return Check("item_count", True, "error", f"{items} items (not checked for social sources)")
    passed = items >= t.min_items
    return Check("item_count", passed, "error",
                 f"{items} items" + ("" if passed else f", expected at least {t.min_items}"))


def error_rate(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    ok = int(getattr(tracker, "primary_ok", 0)) + int(getattr(tracker, "secondary_ok", 0))
    failed = int(getattr(tracker, "primary_failed", 0)) + int(getattr(tracker, "secondary_failed", 0))
    total = ok + failed
    rate = failed / total if total else 0.0
    passed = rate <= t.max_error_rate
    return Check("error_rate", passed, "error",
                 f"{failed} of {total} requests failed ({100 * rate:.1f} %, allowed {100 * t.max_error_rate:.1f} %)")


def finish_reason(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    reason = str(stats.get("finish_reason") or "unknown")
    passed = reason in t.finish_reasons
    return Check("finish_reason", passed, "error",
                 f"finished with {reason!r}" + ("" if passed else f", expected one of {list(t.finish_reasons)}"))


def spider_exceptions(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    count = _sum_prefix(stats, "spider_exceptions/")
    passed = count <= t.max_spider_exceptions
    kinds = sorted(k.split("/", 1)[1] for k in stats if k.startswith("spider_exceptions/"))
    return Check("spider_exceptions", passed, "error",
                 f"{count} spider exceptions" + (f" ({', '.join(kinds)})" if kinds else ""))


def rate_limited(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    count = int(stats.get("downloader/response_status_count/429", 0) or 0)
    passed = count <= t.max_rate_limited
    return Check("rate_limited", passed, "warning", f"{count} answers with status 429 (allowed {t.max_rate_limited})")


def retries_exhausted(stats: Stats, tracker: Any, t: Thresholds) -> Check:
    count = int(stats.get("retry/max_reached", 0) or 0)
    return Check("retries_exhausted", count == 0, "warning", f"{count} requests gave up after all retries")


CHECKS: tuple[Callable[[Stats, Any, Thresholds], Check], ...] = (
    item_count, error_rate, finish_reason, spider_exceptions, rate_limited, retries_exhausted,
)


def run_checks(stats: Stats, tracker: Any, thresholds: Thresholds) -> list[Check]:
    return [check(stats, tracker, thresholds) for check in CHECKS]


def apply_checks(status: SourceStatus, checks: list[Check]) -> SourceStatus:
    """Failed ``error`` checks downgrade ``ok`` to ``partial`` and are named in ``error``."""
    failed = [c for c in checks if not c.passed and c.severity == "error"]
    if not failed:
        return status
    note = "; ".join(f"monitor {c.name}: {c.message}" for c in failed)
    if status.status == "ok":
        return status.model_copy(update={"status": "partial", "error": note})
    if status.status == "partial":
        # the tracker already explains the failures; add only what it cannot know
        extra = [c for c in failed if c.name not in ("error_rate",)]
        if extra and not (status.error or "").endswith(note):
            more = "; ".join(f"monitor {c.name}: {c.message}" for c in extra)
            return status.model_copy(update={"error": f"{status.error}; {more}" if status.error else more})
    return status


#: Stats worth keeping in the store's source detail (the rest is noise for an audit).
_KEPT_PREFIXES = ("downloader/response_status_count/", "retry/", "spider_exceptions/", "robotstxt/", "parity/")
_KEPT_KEYS = ("item_scraped_count", "downloader/request_count", "downloader/response_count",
              "downloader/exception_count", "finish_reason", "elapsed_time_seconds", "log_count/ERROR")


def kept_stats(stats: Stats) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if key in _KEPT_KEYS or key.startswith(_KEPT_PREFIXES):
            out[key] = value if isinstance(value, (int, float, str)) else str(value)
    return out


def review(status: SourceStatus, stats: Stats, tracker: Any, settings: Any = None,
           web: bool = True) -> tuple[SourceStatus, dict[str, Any]]:
    """Run every check; return the (possibly downgraded) status and what goes into the source detail."""
    checks = run_checks(stats, tracker, Thresholds.from_settings(settings, web=web))
    detail = {
        "stats": kept_stats(stats),
        "monitors": [c.to_dict() for c in checks if not c.passed],
    }
    return apply_checks(status, checks), detail
