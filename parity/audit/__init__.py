"""An audit run from start to finish; the command line only parses arguments and calls one of these.

Entry points (each returns a result or raises an :class:`AuditError` whose ``exit_code`` is the
contract's; ConfigError / RecordError / StoreError are input errors too, see ``INPUT_ERRORS``):

* :func:`run_audit` (``parity audit``): crawl → collect → match → save → history → summary → files
* :func:`run_crawl_only` (``parity crawl``): crawl → collect → posts/web/sources.jsonl
* :func:`run_demo` (``parity demo``): the demo world, audited by ``run_audit``
* :func:`match_only` (``parity match``), :func:`rebuild_outputs` (``parity report``),
  :func:`load_history` (``parity history``), :func:`triage_post` (``parity triage``),
  :func:`run_discover` (``parity discover``),
  :func:`run_worker` (``parity worker``: a distributed crawl's worker on another machine)

Modules: ``request`` (requests, results, defaults), ``errors``, ``child`` (the crawler's child
processes), ``crawl`` (the crawl step), ``collect`` (records back from the store), ``matching``,
``run`` (the audit and the report rebuild), ``demo``, ``history``. Heavy layers (the matcher,
the report, the demo world) are imported when a run needs them, so ``parity --help`` stays fast.
"""

from parity.audit.child import run_discover, run_worker, take_back_ctrl_c
from parity.audit.crawl import run_crawl_only
from parity.audit.demo import run_demo
from parity.audit.errors import (
    INPUT_ERRORS,
    AuditError,
    CrawlCrashed,
    InputError,
    Interrupted,
)
from parity.audit.history import History, load_history, triage_post
from parity.audit.matching import match_only
from parity.audit.request import (
    AuditRequest,
    AuditResult,
    CrawlRequest,
    CrawlResult,
    LogProgress,
    Progress,
)
from parity.audit.run import rebuild_outputs, run_audit

__all__ = [
    "INPUT_ERRORS",
    "AuditError",
    "AuditRequest",
    "AuditResult",
    "CrawlCrashed",
    "CrawlRequest",
    "CrawlResult",
    "History",
    "InputError",
    "Interrupted",
    "LogProgress",
    "Progress",
    "load_history",
    "match_only",
    "rebuild_outputs",
    "run_audit",
    "run_crawl_only",
    "run_demo",
    "run_discover",
    "run_worker",
    "take_back_ctrl_c",
    "triage_post",
]
