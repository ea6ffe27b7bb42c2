"""The estimator registry: every name an analysis emits is declared, once, with a kind,
an arms flag, a scale and labels; consumers read it instead of guessing from prefixes."""

from __future__ import annotations

import typing
import warnings
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee import TrialDesign
from iedereen_doet_mee.analysis import analyse_trial, derive_outcomes, outflow_against_target
from iedereen_doet_mee.analysis.effects.exact import Alternative
from iedereen_doet_mee.analysis.effects.randomisation import RandomisationStatistic
from iedereen_doet_mee.analysis.estimators import (
    DISCLOSURE_KINDS,
    ESTIMATORS,
    SCALES,
    UnregisteredEstimatorError,
    disclosure_classes,
    estimator_info,
)
from iedereen_doet_mee.analysis.labels import compares_arms
from iedereen_doet_mee.analysis.results import AnalysisResult, tidy_row, tidy_table
from iedereen_doet_mee.analysis.survival import PhTransform
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.simulation import simulate_trial

ROOT = Path(__file__).resolve().parents[2]
#: Trial directories of other designs: real data sets mapped into the data model (two
#: arms in two or three strata, assigned and randomised, one above the exact-test size
#: limits) and the fuzzer's regressions (one cell; three arms in five strata; no sex).
DIRECTORIES = [ROOT / "data" / "synthetic",
               *sorted((ROOT / "tests" / "reference" / "real_trials").iterdir()),
               *sorted((ROOT / "tests" / "regressions").iterdir())]


#: A design that declares an outcome of every kind the data of the simulator hold.
DECLARED = TrialDesign(primary_outcome="left_benefit", outcomes={
    "left_benefit": {"kind": "exit", "reasons": ["regular_work", "subsidised_work",
                                                 "education", "moved", "unlawful", "other"]},
    "work_16h": {"kind": "job", "min_hours_per_week": 16, "within_months": 6},
    "step_forward": {"kind": "ladder_step", "min_steps": 1, "within_months": 6}})


@pytest.fixture(scope="module")
def emitted() -> pd.DataFrame:
    """Every (design, question, term, estimator) the analyses emit on several designs."""
    frames = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trials = {"simulated, assigned": simulate_trial(TrialDesign(), seed=5),
                  "simulated, randomised": simulate_trial(TrialDesign(allocation="randomised"),
                                                          seed=5),
                  "simulated, declared outcomes": simulate_trial(DECLARED, seed=5)}
        trials.update({path.name: load_trial(path) for path in DIRECTORIES})
        for name, trial in trials.items():
            analysis = analyse_trial(trial, n_draws=50, n_bootstrap=50)
            frames.append(analysis.to_frame().assign(
                design=name, allocation=trial.design.allocation))
    return pd.concat(frames, ignore_index=True)


def test_every_emitted_estimator_is_registered(emitted):
    assert len(set(emitted["design"])) == len(DIRECTORIES) + 3
    declared = emitted[emitted["design"] == "simulated, declared outcomes"]
    assert {"outcomes", "target"} <= set(declared["question"])
    for name in set(emitted["estimator"]):
        info = estimator_info(name)
        assert info.kind in DISCLOSURE_KINDS and info.scale in SCALES
    assert set(ESTIMATORS) >= {estimator_info(n).name for n in emitted["estimator"]}


def test_every_registered_estimator_has_both_labels_and_a_valid_declaration():
    for estimator in ESTIMATORS.values():
        assert estimator.label("nl") and estimator.label("en")
        assert estimator.label("nl") != estimator.label("en"), estimator.name
        # euros and counts whole, months with two decimals (1,51, not 2), the rest three
        assert estimator.digits in (0, 2, 3)
        assert estimator.digits != 0 or estimator.scale in ("eur", "count"), estimator.name


def test_option_variants_cover_every_option_value():
    for side in typing.get_args(Alternative):
        for family in ("fisher_exact", "boschloo_exact"):
            assert f"{family}_{side.replace('-', '_')}" in ESTIMATORS
    for transform in typing.get_args(PhTransform):
        assert f"ph_test_schoenfeld_{transform}" in ESTIMATORS
    for statistic in typing.get_args(RandomisationStatistic):
        assert f"randomisation_test_{statistic}" in ESTIMATORS


def test_an_unregistered_estimator_raises_at_once():
    with pytest.raises(UnregisteredEstimatorError, match="not registered"):
        AnalysisResult("target", "t", tidy_table([tidy_row("overall", 0.2,
                                                           estimator="my_new_share", n=10)]),
                       n=10)
    with pytest.raises(UnregisteredEstimatorError):
        disclosure_classes(["proportion_wilson", "my_new_share"])


def test_suffixes_resolve_to_the_registered_estimator():
    info = estimator_info("proportional_odds_logit_holm_non_experimental")
    assert (info.name, info.holm, info.non_experimental) == ("proportional_odds_logit", True,
                                                               True)
    assert estimator_info("associational_fisher_exact_p_holm").holm is False


def test_disclosure_classes_partition_the_emitted_names(emitted):
    names = set(emitted["estimator"])
    classes = disclosure_classes(names)
    listed = [n for members in classes.values() for n in members]
    assert len(listed) == len(set(listed)), "an estimator in two kinds"
    model = names - set(listed)
    assert all(estimator_info(n).kind == "model" or estimator_info(n).holm for n in model)
    # the kinds the disclosure rules rely on, by example
    assert "proportion_clopper_pearson" in classes["proportion_estimators"]
    assert "mean_t_interval" in classes["mean_estimators"]
    assert "kaplan_meier_outflow" in classes["dependent_estimators"]
    assert ("risk_difference_gcomputation_adjusted_non_experimental"
            in classes["contrast_estimators"])


def test_arm_comparisons_carry_the_label_under_assigned_allocation(emitted):
    assigned = emitted[emitted["allocation"] == "assigned"]
    for row in assigned.itertuples(index=False):
        info = estimator_info(row.estimator)
        assert info.non_experimental == compares_arms(row.estimator, row.term), row
    randomised = emitted[emitted["allocation"] == "randomised"]
    assert not randomised["estimator"].str.endswith("_non_experimental").any()
    bundled = assigned[assigned["design"] == "synthetic"]
    labelled = set(bundled.loc[bundled["estimator"].str.endswith("_non_experimental"),
                               "question"])
    assert labelled == {"effects", "survival", "missing", "wage_value", "wage_value_within",
                        "ladder_ordinal", "multiplicity", "costs"}


def test_the_band_comparison_of_a_model_is_not_labelled():
    assert not compares_arms("lmm_reml_satterthwaite", "growth_difference[band=60-80 - 40-60]")
    assert compares_arms("lmm_reml_satterthwaite", "growth_difference[instruments=yes - no]")
    assert not compares_arms("difference_in_means_welch_holm",
                             "employers: scale_score:60-80 - 40-60")


def test_a_per_question_function_emits_registered_names_on_a_tidy_frame():
    frame = derive_outcomes(simulate_trial(seed=2)).frame
    table = outflow_against_target(frame, target=0.4).table
    assert len(table) > 0
    assert all(estimator_info(n).kind for n in table["estimator"])
