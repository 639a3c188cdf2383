"""How each feature is computed: pure, vectorised functions over one organisation's pairs or posts.

These functions know no feature names: :mod:`parity.match.features` is the registry that
names them, says what each one reads (its ``needs``, passed in as arrays) and in which
order they run. Nothing here loops over pairs in Python.

* pair and post features read a :class:`Comparison` (the candidate pairs and what the
  earlier stages built: link evidence, the BM25 index, the posts as queries, dense vectors,
  times);
* ranker transforms read the :class:`~parity.match.prepare.OrgBatch`;
* abstainer inputs read a :class:`TopView` (each post's best candidate and runner-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from parity.match.dense import OrgVectors
from parity.match.factcheck import DEFAULT_TZ, FactView, pair_checks
from parity.match.index import BM25Index, PostQueries
from parity.match.links import LinkEvidence
from parity.match.prepare import OrgBatch


@dataclass
class Comparison:
    """One organisation's candidate pairs (``keys`` = post · max(n_docs, 1) + doc, grouped by
    post) with the outputs of the earlier stages they are compared with."""

    batch: OrgBatch
    keys: np.ndarray
    pair_post: np.ndarray
    pair_doc: np.ndarray
    links: LinkEvidence
    index: BM25Index
    queries: PostQueries
    vectors: OrgVectors | None
    post_ts: np.ndarray  # POSIX seconds, NaN when unknown
    doc_ts: np.ndarray
    tz: str = DEFAULT_TZ  # the organisation's time zone: year-less dates resolve in it

    @cached_property
    def fact_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Per pair: facts of the post the page contradicts, share of its facts missing — read
        for each post's :data:`FACT_TOP_K` best candidates by BM25 and its linked pages (a page
        costs ~0.3 ms to read; the others are never chosen), 0 for the other pairs."""
        rank = _group_rank(self.pair_post, bm25(self), len(self.batch.posts))
        wanted = (rank < FACT_TOP_K) | (link(self) > 0)
        return pair_checks(FactView.of(self.batch, self.tz), self.pair_post, self.pair_doc, wanted)

    @cached_property
    def lag_days(self) -> np.ndarray:
        return (self.doc_ts[self.pair_doc] - self.post_ts[self.pair_post]) / 86400.0

    @cached_property
    def distinctive(self) -> sp.csr_matrix:
        """P × V: idf of each post's *distinctive* words (see :func:`distinctive_mask`), else 0
        (number fragments are left to the key facts)."""
        mask = distinctive_mask(self.index.df, self.index.weights.shape[0])
        out = self.queries.words.weighted.multiply(mask[None, :]).tocsr()
        out.eliminate_zeros()
        return out


#: candidates per post whose page facts are read (fact_pairs)
FACT_TOP_K = 5


# --------------------------------------------------------------------------- per pair (non-empty)
def link(c: Comparison) -> np.ndarray:
    if not c.links.pairs:
        return np.zeros(len(c.pair_post))
    n = max(len(c.batch.docs), 1)
    lk = np.array([a * n + b for a, b in c.links.pairs], dtype=np.int64)
    return np.isin(c.keys, lk).astype(np.float64)


def bm25(c: Comparison) -> np.ndarray:
    return _pair_dot(c.queries.counts, c.index.weights, c.pair_post, c.pair_doc)


def bm25_over_attainable(c: Comparison, bm: np.ndarray) -> np.ndarray:
    upper = c.queries.upper[c.pair_post]
    return np.where(upper > 0, bm / np.maximum(upper, 1e-9), 0.0)


def bm25_over_best(c: Comparison, bm: np.ndarray) -> np.ndarray:
    best = np.zeros(len(c.batch.posts))
    np.maximum.at(best, c.pair_post, bm)
    return np.where(best[c.pair_post] > 0, bm / np.maximum(best[c.pair_post], 1e-9), 0.0)


def containment(c: Comparison) -> np.ndarray:
    return _containment(c.queries.weighted, c.index.present, c.pair_post, c.pair_doc, c.queries.oov_mass)


def title_containment(c: Comparison) -> np.ndarray:
    return _containment(c.queries.weighted, c.index.title_present, c.pair_post, c.pair_doc, c.queries.oov_mass)


def title_coverage(c: Comparison) -> np.ndarray:
    """How much of the title the post repeats (idf-weighted)."""
    t_w = c.index.title_present.multiply(c.index.idf[None, :]).tocsr()
    t_num = _pair_dot(t_w, c.queries.binary, c.pair_doc, c.pair_post)
    t_den = np.asarray(t_w.sum(axis=1)).ravel()[c.pair_doc]
    return np.where(t_den > 0, t_num / np.maximum(t_den, 1e-9), 0.0)


def title_fuzz(c: Comparison) -> np.ndarray:
    """rapidfuzz token-set similarity of the post and the title (0 without a title)."""
    lowered_posts = [t.lower() for t in c.batch.post_texts]
    lowered_titles = [d.title.lower() for d in c.batch.docs]
    out = (
        process.cpdist(
            [lowered_posts[i] for i in c.pair_post], [lowered_titles[j] for j in c.pair_doc],
            scorer=fuzz.token_set_ratio, workers=1,
        ).astype(np.float64)
        / 100.0
    )
    out[np.array([not lowered_titles[j] for j in c.pair_doc], dtype=bool)] = 0.0
    return out


def shared_words(c: Comparison) -> np.ndarray:
    return _pair_dot(c.queries.binary, c.index.present, c.pair_post, c.pair_doc)


def specifics_containment(c: Comparison) -> np.ndarray:
    q = c.queries
    return _containment(q.spec_weighted, c.index.present, c.pair_post, c.pair_doc, q.spec_oov_mass)


def distinctive_coverage(c: Comparison) -> np.ndarray:
    """idf-weighted share of the post's distinctive content found on the page: its terms
    rare in the pool (:func:`distinctive_mask`) and its names and numbers no page has
    (those count as missing: a town or a year the pool never mentions)."""
    return _containment(c.distinctive, c.index.present, c.pair_post, c.pair_doc, c.queries.spec_oov_mass)


def shared_distinctive(c: Comparison) -> np.ndarray:
    """How many of the post's distinctive terms the page carries."""
    d = c.distinctive.copy()
    d.data = np.ones_like(d.data)
    return _pair_dot(d, c.index.present, c.pair_post, c.pair_doc)


def informative_title_coverage(c: Comparison, tcov: np.ndarray) -> np.ndarray:
    """Title coverage discounted for short titles: a title of one or two topic words
    ("Badvatten", "Halka") is covered by any post on the topic, so it counts for
    ``n / TITLE_FULL_WORDS`` of its coverage."""
    n_title = np.asarray(c.index.title_present.sum(axis=1)).ravel()[c.pair_doc]
    return tcov * np.minimum(1.0, n_title / TITLE_FULL_WORDS)


def has_specifics(c: Comparison) -> np.ndarray:
    return c.queries.has_spec[c.pair_post].astype(np.float64)


def dense_cosine(c: Comparison) -> np.ndarray:
    """The best cosine between the post and any passage of the item (0 without the model)."""
    if c.vectors is None:
        return np.zeros(len(c.pair_post))
    v = c.vectors
    counts = np.diff(np.r_[v.starts, len(v.pas_vec)])
    out = np.empty(len(c.pair_post))
    step = 20_000
    for a in range(0, len(c.pair_post), step):
        pp, pd = c.pair_post[a : a + step], c.pair_doc[a : a + step]
        rep = counts[pd]
        first = np.repeat(v.starts[pd], rep)
        offs = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
        dots = np.einsum("ij,ij->i", v.post_vec[np.repeat(pp, rep)], v.pas_vec[first + offs])
        out[a : a + step] = np.maximum.reduceat(dots, np.r_[0, np.cumsum(rep)[:-1]])
    return out


def dense_gap(c: Comparison, dcos: np.ndarray) -> np.ndarray:
    if c.vectors is None:
        return np.zeros(len(c.pair_post))
    dbest = np.full(len(c.batch.posts), -1.0)
    np.maximum.at(dbest, c.pair_post, dcos)
    return dbest[c.pair_post] - dcos


def both_dated(c: Comparison) -> np.ndarray:
    return np.isfinite(c.lag_days).astype(np.float64)


def log_lag_days(c: Comparison) -> np.ndarray:
    lag_days = c.lag_days
    return np.where(np.isfinite(lag_days), np.log1p(np.abs(np.nan_to_num(lag_days))), 0.0)


def fact_conflicts(c: Comparison) -> np.ndarray:
    """How many of the post's identifying facts the page gives another value for (another
    date of the same role, another year, another town: parity/match/facts/conflicts.py)."""
    return c.fact_pairs[0]


def facts_missing_share(c: Comparison) -> np.ndarray:
    """Share of the post's key facts the page (with the documents it links) does not carry."""
    return c.fact_pairs[1]


# --------------------------------------------------------------------------- per post
def own_link_unmatched(c: Comparison) -> np.ndarray:
    return c.links.own_unmatched


def has_link(c: Comparison) -> np.ndarray:
    return c.links.has_link


def query_length(c: Comparison) -> np.ndarray:
    return c.queries.length.astype(np.float64)


def dense_mean(c: Comparison) -> np.ndarray:
    return c.vectors.mean if c.vectors is not None else np.zeros(len(c.batch.posts))


def dense_std(c: Comparison) -> np.ndarray:
    return c.vectors.std if c.vectors is not None else np.zeros(len(c.batch.posts))


def attainable_bm25(c: Comparison) -> np.ndarray:
    return c.queries.upper


def fact_count(c: Comparison) -> np.ndarray:
    """How many key facts the post states (what a share of missing facts is a share of)."""
    view = FactView.of(c.batch, c.tz)
    return np.array([len(view.post_facts(i)) for i in range(len(c.batch.posts))], dtype=np.float64)


# --------------------------------------------------------------------------- ranker transforms
def reciprocal_rank(batch: OrgBatch, values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + _group_rank(batch.pair_post, values, len(batch.posts)))


def dense_reciprocal_rank(batch: OrgBatch, dcos: np.ndarray) -> np.ndarray:
    if not batch.dense_used:
        return np.zeros(len(batch.pair_post))
    return reciprocal_rank(batch, dcos)


def log_query_length(batch: OrgBatch, qlen: np.ndarray) -> np.ndarray:
    pp = batch.pair_post
    return np.log1p(qlen[pp]) if len(pp) else np.zeros(0)


# --------------------------------------------------------------------------- abstainer
@dataclass
class TopView:
    """Each post's ranked candidates as the abstainer sees them: the pairs in rank order
    (``order``, ``starts`` = each post's first), its top pair and runner-up (−1: none), and
    the ranker's logits."""

    logit: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    top_pair: np.ndarray
    sec_pair: np.ndarray

    @classmethod
    def of(cls, logit: np.ndarray, order: np.ndarray, starts: np.ndarray) -> TopView:
        has = starts[1:] > starts[:-1]
        first = np.where(has, starts[:-1], 0)
        second_ok = (starts[1:] - starts[:-1]) > 1
        second = np.where(second_ok, starts[:-1] + 1, 0)
        top_pair = np.where(has, order[first] if len(order) else 0, -1)
        sec_pair = np.where(second_ok, order[second] if len(order) else 0, -1)
        return cls(logit, order, starts, top_pair, sec_pair)

    def top(self, pair_values: np.ndarray, default: float = 0.0) -> np.ndarray:
        return _pick(pair_values, self.top_pair, default)

    def second(self, pair_values: np.ndarray, default: float = 0.0) -> np.ndarray:
        return _pick(pair_values, self.sec_pair, default)


def top_score(t: TopView) -> np.ndarray:
    return t.top(t.logit, -20.0)


def score_margin(t: TopView) -> np.ndarray:
    return np.minimum(t.top(t.logit, -20.0) - t.second(t.logit, -20.0), 10.0)


def margin(t: TopView, values: np.ndarray) -> np.ndarray:
    return t.top(values) - t.second(values)


def dense_margin(t: TopView, dcos: np.ndarray) -> np.ndarray:
    top = t.top(dcos)
    return np.where(top > 0, top - t.second(dcos, 0.7), 0.0)


def log_shared(t: TopView, nshared: np.ndarray) -> np.ndarray:
    return np.log1p(t.top(nshared))


def over_mean(t: TopView, values: np.ndarray) -> np.ndarray:
    """Query-performance predictor: how far the best stands out from the post's candidates."""
    n_posts = len(t.starts) - 1
    if not len(t.order):
        return np.zeros(n_posts)
    n_c = (t.starts[1:] - t.starts[:-1]).astype(np.float64)
    grp = np.maximum(t.starts[:-1], 0)
    ok = n_c > 0
    vals = values[t.order]
    sums = np.add.reduceat(vals, np.minimum(grp, len(vals) - 1)) if len(vals) else np.zeros(n_posts)
    mean = np.where(ok, sums / np.maximum(n_c, 1), 0.0)
    return np.where(ok, t.top(values) - mean, 0.0)


def dense_zscore(t: TopView, dcos: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return np.where(std > 0, (t.top(dcos) - mean) / np.maximum(std, 1e-6), 0.0)


# --------------------------------------------------------------------------- helpers
#: a term is *distinctive* when at most this share of the pool's items carry it …
RARE_SHARE = 0.03
#: … or at most this many items (so that "rare" still means something in a pool of 20)
RARE_MIN_DF = 2
#: titles with fewer content words count for a share of their coverage
TITLE_FULL_WORDS = 3


def distinctive_mask(df: np.ndarray, n_items: int) -> np.ndarray:
    """1.0 for the terms of the pool rare enough to identify a page: df ≤ max(RARE_MIN_DF,
    RARE_SHARE · n_items). Relative to the pool, so it means the same for 20 items and for
    10,000 (unlike raw BM25, whose scale grows with the pool)."""
    return (df <= max(RARE_MIN_DF, RARE_SHARE * n_items)).astype(np.float64)


def _pick(arr: np.ndarray, idx: np.ndarray, default: float) -> np.ndarray:
    out = np.full(len(idx), default, dtype=np.float64)
    ok = idx >= 0
    out[ok] = arr[idx[ok]]
    return out


def _containment(
    q_w: sp.csr_matrix, present: sp.csr_matrix, qi: np.ndarray, di: np.ndarray, extra_mass: np.ndarray
) -> np.ndarray:
    """Σ idf of the post's terms present in the doc / Σ idf of all the post's terms
    (``extra_mass``: idf mass of terms no document has)."""
    num = np.asarray(q_w[qi].multiply(present[di]).sum(axis=1)).ravel()
    den = np.asarray(q_w.sum(axis=1)).ravel()[qi] + extra_mass[qi]
    return np.where(den > 0, num / np.maximum(den, 1e-12), 0.0)


def _pair_dot(a: sp.csr_matrix, b: sp.csr_matrix, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    return np.asarray(a[ai].multiply(b[bi]).sum(axis=1)).ravel()


def _group_rank(pair_post: np.ndarray, values: np.ndarray, n_posts: int) -> np.ndarray:
    """0-based rank of each pair's value among its post's candidates (higher value → 0)."""
    if len(pair_post) == 0:
        return np.zeros(0)
    order = np.lexsort((-values, pair_post))
    starts = np.searchsorted(pair_post[order], np.arange(n_posts))
    rank = np.empty(len(order))
    rank[order] = np.arange(len(order)) - starts[pair_post[order]]
    return rank
