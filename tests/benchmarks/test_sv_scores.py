"""The Swedish scorer's arithmetic on a hand-made truth/verdicts set (benchmarks/sv_metrics.py, sv_bm25.py).

Every expected number below is counted by hand from the rows in this file, so a change
in a definition (what counts as a near-miss link, which posts the false-partial rate
is over, when a missing fact is "named") fails here before it moves a reported figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.sv_bm25 import Top1, tune_cutoff, verdicts_at
from benchmarks.sv_metrics import fact_named, normalise_fact, sv_scores, unmet_targets

TRUTH = [
    # linked truth: 4 match + 2 partial (+1 late)
    {"post_id": "p1", "web_id": "w1", "verdict": "match"},
    {"post_id": "p2", "web_id": "w2", "verdict": "match"},
    {"post_id": "p3", "web_id": "w3", "verdict": "match"},
    {"post_id": "p4", "web_id": "w4", "verdict": "match"},
    {"post_id": "p5", "web_id": "w5", "verdict": "partial", "missing_fact": "kl. 13–15"},
    {"post_id": "p6", "web_id": "w6", "verdict": "partial", "missing_fact": "20 april kl 17"},
    {"post_id": "p7", "web_id": "w7", "verdict": "late"},
    # social_only: three near misses, one without a similar page
    {"post_id": "s1", "web_id": None, "verdict": "social_only", "near_miss_web_id": "w8"},
    {"post_id": "s2", "web_id": None, "verdict": "social_only", "near_miss_web_id": "w9"},
    {"post_id": "s3", "web_id": None, "verdict": "social_only", "near_miss_web_id": "w10"},
    {"post_id": "s4", "web_id": None, "verdict": "social_only", "near_miss_web_id": None},
]

VERDICTS = [
    {"post_id": "p1", "verdict": "match", "web_id": "w1", "missing_facts": []},
    {"post_id": "p2", "verdict": "partial", "web_id": "w2", "missing_facts": ["Ekbacken"]},  # false partial
    {"post_id": "p3", "verdict": "match", "web_id": "w9", "missing_facts": []},  # wrong page
    {"post_id": "p4", "verdict": "social_only", "web_id": None, "missing_facts": []},  # missed
    {"post_id": "p5", "verdict": "partial", "web_id": "w5", "missing_facts": ["kl 13-15"]},  # named
    {"post_id": "p6", "verdict": "partial", "web_id": "w6", "missing_facts": ["20 april", "kl. 17"]},  # named, split
    # p7 has no verdict at all: counts as social_only
    {"post_id": "s1", "verdict": "match", "web_id": "w8", "missing_facts": []},  # near-miss page linked
    {"post_id": "s2", "verdict": "partial", "web_id": "w1", "missing_facts": ["x"]},  # another page linked
    {"post_id": "s3", "verdict": "social_only", "web_id": None, "missing_facts": []},
    {"post_id": "s4", "verdict": "unverifiable", "web_id": None, "missing_facts": []},  # not a social_only prediction
]


def test_counts_and_rates_by_hand() -> None:
    s = sv_scores(VERDICTS, TRUTH)
    assert s.n_posts == 11
    # linked truth p1..p7; right page and linked: p1, p2, p5, p6
    assert (s.n_link_ok, s.n_linked_truth) == (4, 7)
    assert s.link_accuracy == pytest.approx(4 / 7)
    # predicted social_only: p4, p7 (absent), s3 -> 3; right: s3 -> 1; truth social_only 4
    assert (s.n_pred_social_only, s.n_social_only_ok, s.n_truth_social_only) == (3, 1, 4)
    assert s.social_only_precision == pytest.approx(1 / 3)
    assert s.social_only_recall == pytest.approx(1 / 4)
    assert s.social_only_f1 == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    # s1 and s2 are linked; only s1 to its own near-miss page; s4 (unverifiable) is not linked
    assert s.n_social_only_linked == 2
    assert (s.n_near_miss, s.n_near_miss_linked_to_near_miss, s.n_near_miss_linked_any) == (3, 1, 2)
    assert (s.n_truth_partial, s.n_partial_verdict, s.n_missing_fact_named) == (2, 2, 2)
    assert s.missing_fact_named == 1.0
    # false partial is over truth-match posts linked to the right page: p1, p2 -> 1 of 2
    assert (s.n_false_partial, s.n_match_linked_right) == (1, 2)
    assert s.false_partial_rate == 0.5


def test_targets_listed_when_missed() -> None:
    unmet = " ".join(unmet_targets(sv_scores(VERDICTS, TRUTH)))
    for name in ("link_accuracy", "social_only_precision", "social_only_recall", "n_near_miss_linked_to_near_miss",
                 "false_partial_rate"):
        assert name in unmet
    assert "missing_fact_named" not in unmet
    perfect = [{"post_id": t["post_id"], "verdict": t["verdict"], "web_id": t["web_id"],
                "missing_facts": [t["missing_fact"]] if t.get("missing_fact") else []} for t in TRUTH]
    assert unmet_targets(sv_scores(perfect, TRUTH)) == []


def test_empty_inputs_give_zero_not_division_errors() -> None:
    s = sv_scores([], [])
    assert s.link_accuracy == s.social_only_f1 == s.missing_fact_named == s.false_partial_rate == 0.0


@pytest.mark.parametrize(("raw", "norm"), [
    ("kl. 13–15", "kl 13-15"),
    ("Klockan 13 – 15", "kl 13-15"),
    ("kl 13.00", "kl 13:00"),
    ("08-523 010 00", "08-523 010 00"),
    ("  Ekbackens\u00a0skolbad ", "ekbackens skolbad"),
])
def test_normalise_fact(raw: str, norm: str) -> None:
    assert normalise_fact(raw) == norm


@pytest.mark.parametrize(("truth", "named", "expected"), [
    ("kl. 8–12", ["kl 8-12"], True),
    ("31 mars", ["senast 31 mars"], True),  # inside a longer named fact
    ("20 april kl 17", ["20 april", "kl 17"], True),  # spans consecutive named facts
    ("08-523 010 00", ["08-52301000"], True),  # same phone digits
    ("Skolgatan 3", ["skolgatan 3"], True),
    ("1 mars", ["31 mars"], False),  # word boundaries: "1 mars" is not inside "31 mars"
    ("14 december", ["14 januari", "3 december"], False),
    ("350 kr", [], False),
    ("Järntorget", ["Järntorgets"], False),  # a different word form is not the recorded fact
    ("vecka 36", ["vecka 35"], False),
])
def test_fact_named(truth: str, named: list[str], expected: bool) -> None:
    assert fact_named(truth, named) is expected


def test_baseline_cutoff_is_the_middle_of_the_best_run() -> None:
    tops = [Top1("p1", "w1", 20.0), Top1("p2", "w2", 16.0), Top1("s1", "w3", 8.0), Top1("s2", "w4", 4.0)]
    truth = [
        {"post_id": "p1", "web_id": "w1", "verdict": "match"},
        {"post_id": "p2", "web_id": "w2", "verdict": "match"},
        {"post_id": "s1", "web_id": None, "verdict": "social_only"},
        {"post_id": "s2", "web_id": None, "verdict": "social_only"},
    ]
    # only the midpoint between 8 and 16 separates the two classes perfectly
    cutoff = tune_cutoff(tops, truth)
    assert cutoff == 12.0
    verdicts = verdicts_at(tops, cutoff)
    assert [v["verdict"] for v in verdicts] == ["match", "match", "social_only", "social_only"]
    assert verdicts[2]["web_id"] is None
    s = sv_scores(verdicts, truth)
    assert s.link_accuracy == s.social_only_precision == s.social_only_recall == 1.0


def test_cli_flags_bad_folder_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.sv_scores import main

    assert main(["--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "truth.jsonl" in err[0]


@pytest.mark.slow
def test_in_process_verdicts_equal_the_cli_on_dev(shared_dir: Path) -> None:
    """The scorer's in-process run gives the bytes `parity match --embeddings off` writes."""
    from benchmarks.sv_scores import cli_verdict_bytes, engine_verdict_lines

    split = shared_dir / "data" / "sv-municipal" / "dev"
    lines = engine_verdict_lines(split)
    assert len(lines) == len((split / "posts.jsonl").read_text(encoding="utf-8").splitlines())
    assert "".join(lines).encode("utf-8") == cli_verdict_bytes(split)
    assert all(json.loads(line)["post_id"] for line in lines)
