"""Stage 6, verdicts: a decision becomes a contract verdict with its reason and evidence.

Linked: key facts of the post missing from the page → ``partial`` (``missing_facts`` as
the post wrote them); else appeared more than ``grace_hours`` after the post → ``late``;
else ``match``. Not linked: ``unverifiable`` when the organisation's web side was not
fully collected, else ``social_only`` (../shared/contracts.md, "Records").

Every verdict also carries ``evidence`` (the :data:`~parity.match.features.EVIDENCE`
features of the chosen or best candidate, ``p_counterpart``, the facts found and
missing), ``candidates`` (the top few with their ranker share and why they lost),
``rule`` (for ``excluded``) and ``review`` / ``review_reason``: ``true`` with the reason
when the calibrated probability lies in its group's uncertain band, or when the key facts
overruled it (:func:`fact_veto`) — a person should check the verdict before publishing it —
else ``false`` / ``null``. Reasons also come in a translatable form: ``reason_key`` and
``reason_args`` (candidates: ``why_key``; reviews: ``review_key``, ``review_args``), keys of the
catalogue in parity/report/reasons.py, whose English template reproduces ``reason`` exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from parity.core.records import Post, Verdict
from parity.core.timeutil import to_utc
from parity.match.decide import Decision, decision_threshold
from parity.match.factcheck import FactView
from parity.match.facts import FACT_LABELS_EN, Fact
from parity.match.features import EVIDENCE, EVIDENCE_LEXICAL, F, Group, group_of
from parity.match.options import MatchOptions
from parity.match.prepare import OrgBatch


#: a page missing at least this many of the post's key facts, and more than half of them, is not the
#: post's counterpart but another occasion of the same matter (last year's page, the neighbouring
#: town's) — for the groups whose posts restate their page (sv-municipal dev: a partial post adds one
#: fact; no right page misses two; English fact-check tweets carry facts their claims lack)
FACT_VETO_MIN_MISSING = 2
FACT_VETO_GROUPS = frozenset({Group.SV})


def fact_veto(group: Group, n_facts: int, n_missing: int) -> bool:
    """Whether the missing key facts say the page is another occasion, not the counterpart."""
    return group in FACT_VETO_GROUPS and n_missing >= FACT_VETO_MIN_MISSING and n_missing * 2 > n_facts


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
    facts: list[Fact] = []
    missing: list[str] = []
    contradicted: list[str] = []
    veto = None
    if dec.linked and dec.doc is not None and opts.check_facts:
        view = FactView.of(batch, opts.timezone)
        facts = view.post_facts(dec.post)
        if facts:
            check = view.check(dec.post, dec.doc)
            missing, contradicted = list(check.missing), list(check.conflicts)
        linked_by_url = bool(batch.features[F.LINK][dec.rank_order[0]]) if dec.rank_order else False
        if not linked_by_url and fact_veto(group_of(batch.post_langs[dec.post]), len(facts), len(missing)):
            veto = (f"the closest page lacks {len(missing)} of the post's {len(facts)} key facts"
                    f" ({', '.join(missing)}): another occasion, not the post's counterpart")
            veto_args = {"missing": len(missing), "total": len(facts), "facts_text": ", ".join(missing)}
            dec = Decision(dec.post, dec.doc, False, dec.prob, dec.rank_order, veto, vetoed=True,
                           review_key="review.fact_veto", review_args=veto_args)
    extra: dict[str, Any] = {"evidence": _evidence(batch, dec), "candidates": _candidates(batch, dec, prob, opts),
                             "rule": None, "review": dec.review is not None, "review_reason": dec.review,
                             "review_key": dec.review_key, "review_args": dec.review_args}
    evidence = extra["evidence"]
    score = round(min(1.0, max(0.0, dec.prob)), 4)
    if not dec.linked or dec.doc is None:
        if veto:
            evidence["facts"], evidence["facts_missing"] = [f.surface for f in facts], list(missing)
            if contradicted:
                evidence["facts_contradicted"] = contradicted
        if post.org in opts.incomplete_orgs:
            verdict, reason, key = "unverifiable", "no page found, and the web side was not fully collected", \
                "unverifiable.incomplete_web"
        else:
            verdict, (reason, key) = "social_only", ((veto, "social_only.fact_veto") if veto
                                                     else _social_reason(batch, dec))
        args = _rejection_args(batch, dec, opts)
        extra.update(reason_key=key, reason_args={**args, **dec.review_args} if veto else args)
        return Verdict(
            post_id=post.id, org=post.org, verdict=verdict, web_id=None, web_url=None, score=score,
            missing_facts=[], lag_hours=None, reason=reason, **extra,
        )
    d = batch.docs[dec.doc]
    lag = None
    if post.published_at is not None and d.appeared is not None:
        lag = round(_hours(d.appeared, post.published_at), 2)
    evidence["facts"] = [f.surface for f in facts]
    evidence["facts_missing"] = list(missing)
    if contradicted:  # the page gives another date, year or town for these (facts/conflicts.py)
        evidence["facts_contradicted"] = contradicted
    how = "linked page found" if evidence.get(F.LINK.value) else "page found"
    how_key = "linked" if evidence.get(F.LINK.value) else "page"
    if missing:
        labels, kinds = [], []
        for f in facts:
            if f.surface in missing:
                label = FACT_LABELS_EN.get(f.kind, f.kind)
                if label not in labels:
                    labels.append(label)
                    kinds.append(f.kind)
        verdict, reason = "partial", f"{how}; {', '.join(labels)} missing"
        extra.update(reason_key=f"partial.{how_key}", reason_args={"facts": kinds})
    elif lag is not None and lag > opts.grace_hours:
        verdict, reason = "late", f"{how}; appeared {_fmt_lag(lag)} after the post"
        extra.update(reason_key=f"late.{how_key}", reason_args={"lag_hours": lag})
    else:
        verdict, reason = "match", f"{how}; all key facts present" if facts else how
        extra.update(reason_key=f"match.{how_key}" + (".facts" if facts else ""), reason_args={})
    return Verdict(
        post_id=post.id, org=post.org, verdict=verdict, web_id=d.item.id, web_url=d.item.url, score=score,
        missing_facts=missing, lag_hours=lag, reason=reason, **extra,
    )


def excluded_verdict(post: Post, rule: str) -> Verdict:
    reasons = {"reply": "reply: not an announcement", "share": "share of another account's post"}
    key, args = (f"excluded.{rule}", {}) if rule in reasons else ("excluded.rule", {"rule": rule})
    return Verdict(
        post_id=post.id, org=post.org, verdict="excluded", web_id=None, web_url=None, score=None,
        missing_facts=[], lag_hours=None, reason=reasons.get(rule, f"excluded by rule '{rule}'"),
        evidence={}, candidates=[], rule=rule, reason_key=key, reason_args=args,
        review=False, review_reason=None, review_key=None, review_args={},
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
        why = why_key = None
        if rank == 0 and not dec.linked:
            why, why_key = (("key facts missing", "candidate.key_facts_missing") if dec.vetoed
                            else ("below threshold", "candidate.below_threshold"))
        elif rank > 0:
            why, why_key = (("lower score than the chosen page", "candidate.lower_than_chosen") if dec.linked
                            else ("lower score than the best candidate", "candidate.lower_than_best"))
        candidates.append({"web_id": d.item.id, "score": round(float(prob[j]), 4), "why_rejected": why,
                           "why_key": why_key})
    return candidates


def _rejection_args(batch: OrgBatch, dec: Decision, opts: MatchOptions) -> dict[str, Any]:
    """What the report needs to say why the best candidate was not enough: the content words it shares
    with the post, the post's content words, the match probability and the threshold it missed."""
    if not dec.rank_order:
        return {}
    top = dec.rank_order[0]
    return {"shared_words": int(round(batch.rounded[F.NSHARED][top])),
            "post_words": int(batch.post_features[F.QLEN][dec.post]),
            "confidence": round(dec.prob, 4), "threshold": round(decision_threshold(batch, opts, dec.post), 4)}


def _social_reason(batch: OrgBatch, dec: Decision) -> tuple[str, str]:
    """The reason of a ``social_only`` verdict and its catalogue key."""
    if not batch.docs:
        return "no web items collected for this organisation", "social_only.no_web_items"
    if dec.doc is None:
        if not batch.post_texts[dec.post].strip():
            return "no page found (the post has no text and its links match no page)", "social_only.no_text"
        return "no page shares the post's content", "social_only.no_shared_content"
    if batch.post_features[F.OWN_LINK_UNMATCHED][dec.post]:
        return ("the linked page is not among the collected web items, and no other page carries the post",
                "social_only.link_not_collected")
    return "no page found; the closest candidate is too weak", "social_only.too_weak"


def _hours(a: dt.datetime, b: dt.datetime) -> float:
    return (to_utc(a) - to_utc(b)).total_seconds() / 3600.0


def _fmt_lag(hours: float) -> str:
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"
