"""``parity audit``: the whole run, crawl → collect → match → save → history → summary → files.

One function does it for the command line, the demo and tests alike, so the demo's
verdicts are the audit's verdicts. ``rebuild_outputs`` is the same last step from the
files of an earlier run (``parity report DIR``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from parity.audit.crawl import crawled
from parity.audit.errors import InputError
from parity.audit.matching import match_collected
from parity.audit.request import AuditRequest, AuditResult
from parity.config import LoadedConfig
from parity.core.timeutil import format_time


def run_audit(request: AuditRequest) -> AuditResult:
    """Crawl, match, report; the result's ``exit_code`` is the contract's (0, 3 or 4).

    Raises ConfigError / InputError before anything is written when the config or a flag is
    wrong, Interrupted on Ctrl-C during the crawl, CrawlCrashed when the crawl process dies.
    """
    from parity.report import summarise, write_audit_outputs
    from parity.report.history import history_block, removed_items

    with crawled(request, "audit") as done:
        run, run_id, store, collected = done.run, done.run_id, done.store, done.collected
        request.progress.stage("match", f"matching {len(collected.posts)} posts against {len(collected.web)} "
                                        "web items")
        verdicts = match_collected(collected, run.loaded)
        store.save_verdicts(run_id, verdicts)
        names = {o.id: o.name for o in run.loaded.config.org if not run.orgs or o.id in run.orgs}
        meta = audit_meta(run.loaded, run_id, run.clock)
        meta["history"] = history_block(store, run_id, list(names))
        meta["removed"] = removed_items(store, list(names))
        summary = summarise(collected.posts, verdicts, collected.sources, names, request.fail_under, meta)
        audited = {p.id for p in collected.posts}
        marks = [m for m in store.triage_marks(list(names)) if m["post_id"] in audited]
        write_audit_outputs(run.out, collected.posts, collected.web, verdicts, collected.sources, summary,
                            triage=marks, csv_dialect=request.csv_dialect)
        store.finish_run(run_id, "finished", summary["exit_code"], summary)
    request.progress.stage("report", f"report written to {run.out / 'report.html'}")
    return AuditResult(summary=summary, out_dir=run.out, run_id=run_id, store=run.store)


def audit_meta(loaded: LoadedConfig, run_id: str, now: dt.datetime) -> dict[str, Any]:
    """The run's facts at the top of summary.json (kept when the report is rebuilt)."""
    return {
        "run_id": run_id,
        "generated_at": format_time(now),
        "config": str(loaded.path),
        "window_days": loaded.config.crawl.window_days,
        "grace_hours": loaded.config.crawl.grace_hours,
    }


def rebuild_outputs(folder: Path, fail_under: float | None = None, csv_dialect: str | None = None) -> AuditResult:
    """``parity report DIR``: summary, CSV and HTML again from the JSONL files of an earlier run."""
    from parity.report import rebuild_report

    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    summary = rebuild_report(folder, fail_under, csv_dialect)
    return AuditResult(summary=summary, out_dir=folder, run_id=summary.get("run_id"))
