"""Stage 6, verdicts: a decision becomes a contract verdict with its reason and evidence.

Linked: key facts of the post missing from the page → ``partial`` (``missing_facts`` as
the post wrote them); else appeared more than ``grace_hours`` after the post → ``late``;
else ``match``. Not linked: ``unverifiable`` when the organisation's web side was not
fully collected, else ``social_only`` (../shared/contracts.md, "Records").

Every verdict also carries ``evidence`` (the :data:`~parity.match.features.EVIDENCE`
features of the chosen or best candidate, ``p_counterpart``, the facts found and
missing), ``candidates`` (the top few with their ranker share and why they lost) and
``rule`` (for ``excluded``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from parity.core.records import Post, Verdict
from parity.core.timeutil import to_utc
from parity.match.decide import Decision
from parity.match.factcheck import FactView
from parity.match.facts import FACT_LABELS_EN, Fact
from parity.match.features import EVIDENCE, EVIDENCE_LEXICAL, F
from parity.match.options import MatchOptions
from parity.match.prepare import OrgBatch


def round_evidence(batch: OrgBatch) -> None:
    """Round the evidence features of every pair once (not once per verdict)."""
    batch.rounded = {
        name: np.round(np.asarray(batch.features[name], dtype=np.float64), 4).tolist() for name in EVIDENCE
    }


def verdict_for(batch: OrgBatch, dec: Decision, prob: np.ndarray, opts: MatchOptions) -> Verdict:
    """The verdict of one decided post (``prob``: each pair's share of the ranker's belief); the
    key facts are read through the organisation's :class:`~parity.match.factcheck.FactView`,
    shared with the comparison features, so each post's and page's facts are computed once."""
    post = batch.posts[dec.post]
    extra: dict[str, Any] = {"evidence": _evidence(batch, dec), "candidates": _candidates(batch, dec, prob, opts),
                             "rule": None}
    evidence = extra["evidence"]
    score = round(min(1.0, max(0.0, dec.prob)), 4)
    if not dec.linked or dec.doc is None:
        if post.org in opts.incomplete_orgs:
            verdict, reason = "unverifiable", "no page found, and the web side was not fully collected"
        else:
            verdict, reason = "social_only", _social_reason(batch, dec)
        return Verdict(
            post_id=post.id, org=post.org, verdict=verdict, web_id=None, web_url=None, score=score,
            missing_facts=[], lag_hours=None, reason=reason, **extra,
        )
    d = batch.docs[dec.doc]
    lag = None
    if post.published_at is not None and d.appeared is not None:
        lag = round(_hours(d.appeared, post.published_at), 2)
    missing: list[str] = []
    contradicted: list[str] = []
    facts: list[Fact] = []
    if opts.check_facts:
        view = FactView.of(batch, opts.timezone)
        facts = view.post_facts(dec.post)
        if facts:
            check = view.check(dec.post, dec.doc)
            missing = list(check.missing)
            contradicted = list(check.conflicts)
    evidence["facts"] = [f.surface for f in facts]
    evidence["facts_missing"] = list(missing)
    if contradicted:  # the page gives another date, year or town for these (facts/conflicts.py)
        evidence["facts_contradicted"] = contradicted
    how = "linked page found" if evidence.get(F.LINK.value) else "page found"
    if missing:
        labels = []
        for f in facts:
            if f.surface in missing:
                label = FACT_LABELS_EN.get(f.kind, f.kind)
                if label not in labels:
                    labels.append(label)
        verdict, reason = "partial", f"{how}; {', '.join(labels)} missing"
    elif lag is not None and lag > opts.grace_hours:
        verdict, reason = "late", f"{how}; appeared {_fmt_lag(lag)} after the post"
    else:
        verdict, reason = "match", f"{how}; all key facts present" if facts else how
    return Verdict(
        post_id=post.id, org=post.org, verdict=verdict, web_id=d.item.id, web_url=d.item.url, score=score,
        missing_facts=missing, lag_hours=lag, reason=reason, **extra,
    )


def excluded_verdict(post: Post, rule: str) -> Verdict:
    reasons = {"reply": "reply: not an announcement", "share": "share of another account's post"}
    return Verdict(
        post_id=post.id, org=post.org, verdict="excluded", web_id=None, web_url=None, score=None,
        missing_facts=[], lag_hours=None, reason=reasons.get(rule, f"excluded by rule '{rule}'"),
        evidence={}, candidates=[], rule=rule,
    )


def _evidence(batch: OrgBatch, dec: Decision) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    if dec.rank_order:
        top = dec.rank_order[0]
        rounded = batch.rounded
        for name in EVIDENCE if batch.dense_used else EVIDENCE_LEXICAL:
            evidence[name.value] = rounded[name][top]
        evidence[F.OWN_LINK_UNMATCHED.value] = bool(batch.post_features[F.OWN_LINK_UNMATCHED][dec.post])
        evidence["p_counterpart"] = round(dec.prob, 4)
        evidence["lang"] = batch.post_langs[dec.post]
    return evidence


def _candidates(batch: OrgBatch, dec: Decision, prob: np.ndarray, opts: MatchOptions) -> list[dict[str, Any]]:
    candidates = []
    for rank, j in enumerate(dec.rank_order[: opts.max_candidates_reported]):
        d = batch.docs[int(batch.pair_doc[j])]
        why = None
        if rank == 0 and not dec.linked:
            why = "below threshold"
        elif rank > 0:
            why = "lower score than the chosen page" if dec.linked else "lower score than the best candidate"
        candidates.append({"web_id": d.item.id, "score": round(float(prob[j]), 4), "why_rejected": why})
    return candidates


def _social_reason(batch: OrgBatch, dec: Decision) -> str:
    if not batch.docs:
        return "no web items collected for this organisation"
    if dec.doc is None:
        if not batch.post_texts[dec.post].strip():
            return "no page found (the post has no text and its links match no page)"
        return "no page shares the post's content"
    if batch.post_features[F.OWN_LINK_UNMATCHED][dec.post]:
        return "the linked page is not among the collected web items, and no other page carries the post"
    return "no page found; the closest candidate is too weak"


def _hours(a: dt.datetime, b: dt.datetime) -> float:
    return (to_utc(a) - to_utc(b)).total_seconds() / 3600.0


def _fmt_lag(hours: float) -> str:
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"
