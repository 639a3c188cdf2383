"""The matching pipeline, one organisation at a time: this module only composes the stages.

    prepare    records → documents, post texts, languages              prepare.py
    links      canonical link equality (the strongest evidence)        links.py
    retrieve   BM25 top-k (all items, and ±45 days of a dated post)
               ∪ link pairs ∪ dense top-k (optional)                   retrieve.py (index.py, dense.py)
    compare    the registry of named features, per pair and per post   features.py
    decide     ranker, abstainer, evidence gate, threshold             decide.py (calibration.py)
    verdict    partial / late / match / social_only / unverifiable     verdicts.py (facts/)

Posts excluded by a rule (replies, shares, configured rules; classify.py) skip the stages.
Organisations are independent: :func:`match_posts` runs them one after the other, or in
forked processes (parallel.py), with the same verdicts either way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from parity.core.lang import normalize_lang
from parity.core.records import Post, Verdict, WebItem
from parity.match import parallel
from parity.match.classify import exclusion_rule, resolve_rules
from parity.match.decide import decide
from parity.match.facts import extract_facts
from parity.match.comparisons import Comparison
from parity.match.features import pair_features, post_features
from parity.match.links import link_evidence
from parity.match.options import MatchOptions
from parity.match.prepare import OrgBatch, prepare, timestamps
from parity.match.retrieve import bm25_candidates, candidate_pairs, dense_candidates, lexical_side, want_dense
from parity.match.verdicts import excluded_verdict, round_evidence, verdict_for

__all__ = ["OrgBatch", "build_batch", "match_org", "match_posts", "workers_for"]


def build_batch(org: str, posts: list[Post], web: list[WebItem], opts: MatchOptions) -> OrgBatch:
    """Prepare one organisation and compute its candidate pairs with their features
    (records in id order; also what ``benchmarks/match_fit.py`` fits on)."""
    batch = prepare(org, posts, web)
    if not batch.posts:
        return batch
    links = link_evidence(batch.posts, batch.docs)
    index, queries = lexical_side(batch)
    post_ts, doc_ts = timestamps(batch)
    rows, cols = bm25_candidates(index, queries, post_ts, doc_ts, opts)
    if links.pairs:
        lp = np.array(links.pairs, dtype=np.int64)
        rows.append(lp[:, 0])
        cols.append(lp[:, 1])
    vectors = None
    if want_dense(opts) and batch.docs:
        vectors, dense_rows, dense_cols = dense_candidates(batch.docs, batch.post_texts, opts)
        rows += dense_rows
        cols += dense_cols
        batch.dense_used = True
    cand = candidate_pairs(rows, cols, len(batch.docs))
    batch.pair_post, batch.pair_doc = cand.pair_post, cand.pair_doc
    comparison = Comparison(batch, cand.keys, cand.pair_post, cand.pair_doc, links, index, queries, vectors,
                            post_ts, doc_ts, opts.timezone)
    batch.features = pair_features(comparison)
    batch.post_features = post_features(comparison)
    return batch


def match_org(org: str, posts: list[Post], web: list[WebItem], opts: MatchOptions) -> list[Verdict]:
    """Verdicts for the posts of one organisation (web items of that organisation only)."""
    rules = resolve_rules(opts.exclude_rules)
    out: list[Verdict | None] = [None] * len(posts)
    todo: list[int] = []
    for i, p in enumerate(posts):
        rule = exclusion_rule(
            p, rules,
            lambda p=p: bool(extract_facts(p.text or "", p.published_at, normalize_lang(p.lang), opts.timezone)),
        )
        if rule:
            out[i] = excluded_verdict(p, rule)
        else:
            todo.append(i)
    if todo:
        batch = build_batch(org, [posts[i] for i in todo], web, opts)
        decisions, _, prob = decide(batch, opts)
        round_evidence(batch)
        for local, dec in enumerate(decisions):
            out[todo[local]] = verdict_for(batch, dec, prob, opts)
    return [v for v in out if v is not None]


def match_posts(posts: Sequence[Post], web: Sequence[WebItem], opts: MatchOptions | None = None) -> list[Verdict]:
    """One verdict per post, in the order of ``posts`` (see :mod:`parity.match`)."""
    opts = opts or MatchOptions()
    posts = list(posts)
    by_org_posts: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(posts):
        by_org_posts[p.org].append(i)
    by_org_web: dict[str, dict[str, WebItem]] = defaultdict(dict)
    for w in web:
        if w.org not in by_org_posts:
            continue  # no post of this organisation: its items cannot be chosen
        slot = by_org_web[w.org]
        prev = slot.get(w.id)
        if prev is None or _web_rank(w) > _web_rank(prev):
            slot[w.id] = w
    jobs: list[_Job] = []
    for org in sorted(by_org_posts):
        # posts and items in a canonical order so verdicts never depend on input order
        idxs_sorted = sorted(by_org_posts[org], key=lambda i: (posts[i].id, i))
        org_web = [by_org_web[org][k] for k in sorted(by_org_web.get(org, {}))]
        jobs.append((org, idxs_sorted, org_web))
    sizes = [len(idxs) + len(org_web) for _, idxs, org_web in jobs]
    workers = workers_for(opts, sum(len(j[2]) for j in jobs) + len(posts), len(jobs))
    out: list[Verdict | None] = [None] * len(posts)
    for j, verdicts in parallel.run(_match_job, (jobs, posts, opts), range(len(jobs)), workers, sizes):
        for i, v in zip(jobs[j][1], verdicts):
            out[i] = v
    return [v for v in out if v is not None]


_Job = tuple[str, list[int], list[WebItem]]  # organisation, its posts' indices, its web items


def _match_job(shared: tuple[list[_Job], list[Post], MatchOptions], j: int) -> tuple[int, list[Verdict]]:
    jobs, posts, opts = shared
    org, idxs, org_web = jobs[j]
    return j, match_org(org, [posts[i] for i in idxs], org_web, opts)


def workers_for(opts: MatchOptions, n_records: int, n_orgs: int) -> int:
    """Processes for matching ``n_orgs`` organisations (see :func:`parallel.worker_count`;
    a loaded dense model is never forked)."""
    return parallel.worker_count(opts.workers, n_records, n_orgs, forkable=lambda: not want_dense(opts))


def _web_rank(w: WebItem) -> tuple:
    """Deterministic preference between two records with the same id (the fuller one wins)."""
    return (len(w.text or ""), w.title or "", w.url or "", w.published_at.timestamp() if w.published_at else 0.0)
