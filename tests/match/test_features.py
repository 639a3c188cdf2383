"""The feature registry is the one list every user of a feature reads."""

from __future__ import annotations

import pytest

from match_helpers import PAGES, post
from parity.match import MatchOptions, calibration, match_posts
from parity.match.features import (
    ABSTAINER_INPUTS,
    EVIDENCE,
    EVIDENCE_LEXICAL,
    RANKER_INPUTS,
    RANKER_PRIORS,
    REGISTRY,
    F,
    Group,
    Level,
    Mode,
)


def test_every_name_is_registered_once_with_a_label() -> None:
    assert set(REGISTRY) == set(F)
    assert all(feature.label for feature in REGISTRY.values())


def test_a_feature_only_reads_features_computed_before_it() -> None:
    order = list(REGISTRY)
    levels = list(Level)
    for feature in REGISTRY.values():
        for need in feature.needs:
            earlier = order.index(need) < order.index(feature.name)
            assert earlier or levels.index(REGISTRY[need].level) < levels.index(feature.level), (feature.name, need)


@pytest.mark.parametrize("group", list(Group))
@pytest.mark.parametrize("mode", list(Mode))
def test_calibration_reads_registered_inputs_of_its_model(mode: Mode, group: Group) -> None:
    model = calibration.MODELS[mode]["groups"][group]
    ranker = [k for k in model["ranker"] if not k.startswith("_")]
    abstainer = [k for k in model["abstainer"] if not k.startswith("_")]
    assert ranker == [*RANKER_INPUTS[mode][group], *RANKER_PRIORS[group]]  # coefficient order = summation order
    assert abstainer == list(ABSTAINER_INPUTS[mode][group])
    assert 0.0 < model["threshold"] < 1.0 and model["platt"][0] > 0  # a probability, increasing in the score
    lo, hi = model["review"]
    assert 0.0 <= lo < hi <= 1.0
    assert all(isinstance(k, F) for k in [*ranker, *abstainer])
    assert all(REGISTRY[k].level is not Level.ABSTAINER for k in ranker)
    assert all(REGISTRY[k].level is Level.ABSTAINER or REGISTRY[k].abstainer for k in abstainer)


def test_verdict_evidence_is_the_registry_s_evidence_list() -> None:
    assert list(EVIDENCE) == [F.LINK, F.BM25, F.BM25N, F.BM25REL, F.CONT, F.TCONT, F.TCOV, F.TFUZZ, F.NSHARED,
                              F.DCOV, F.NDIST, F.TCOVI, F.DCOS, F.LAGABS]  # the order of the keys in verdicts.jsonl
    assert F.DCOS not in EVIDENCE_LEXICAL
    (v,) = match_posts([post("p", "Vattnet stängs av på Storgatan 12 mars kl. 8–16.")], PAGES,
                       MatchOptions(use_embeddings="off"))
    keys = list(v.evidence)
    assert keys[: len(EVIDENCE_LEXICAL)] == [f.value for f in EVIDENCE_LEXICAL]
    assert all(type(k) is str for k in keys)  # plain strings in the JSON, not enum members
    assert '"link":' in v.model_dump_json()
