"""instrument_effects: the right estimators for the allocation, labels, and no crashes.

Each estimator is pinned to its reference in test_effects_risk.py, test_effects_logistic.py,
test_effects_exact.py, test_randomisation_inference.py and test_effects_adjusted.py; here
the entry point is checked to choose, label and combine them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.analysis.effects import instrument_effects
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import simulate_trial

REF = Path(__file__).resolve().parents[1] / "reference"
TRIAL = pd.read_csv(REF / "data" / "effects_trial.csv", parse_dates=["enrolled_on"])
SYNTHETIC = pd.read_csv(REF / "data" / "effects_synthetic.csv", parse_dates=["enrolled_on"])
RANDOMISED = TrialDesign(allocation="randomised")


@pytest.fixture(scope="module")
def randomised_frame() -> pd.DataFrame:
    return derive_outcomes(simulate_trial(RANDOMISED, seed=12)).frame


def test_assigned_reports_only_adjusted_estimates_labelled_non_experimental():
    result = instrument_effects(SYNTHETIC, allocation="assigned", design=TrialDesign())
    labelled = set(result.table["estimator"])
    assert all(e.endswith("_non_experimental") for e in labelled)  # in every output
    estimators = {e.removesuffix("_non_experimental") for e in labelled}
    # adjusted and IPW estimates, plus exact tests that answer with an empty cell
    assert all(e.endswith(("_adjusted", "_ipw")) or e.startswith(("fisher_exact_",
                                                                  "boschloo_exact_"))
               for e in estimators)
    assert "risk_difference_hc2" not in estimators
    exact = result.table[result.table["estimator"] == "fisher_exact_two_sided_non_experimental"]
    assert exact["p_value"].notna().all()
    assert result.notes[0].startswith("Allocation 'assigned'")
    assert any(note.startswith("Non-experimental comparison") for note in result.notes)
    # interaction on both scales is part of the answer (NaN here: cell 60-80/no has no
    # events, so the outcome model is separated, but the rows stay)
    assert {"risk_difference_interaction_gcomputation_adjusted",
            "ratio_of_odds_ratios_logit_adjusted", "risk_difference_interaction_ipw"} <= estimators
    assert list(result.extras["cells"]["n"]) == [25, 25, 25, 25]


def test_randomised_reports_every_estimator_and_both_interaction_scales(randomised_frame):
    result = instrument_effects(randomised_frame, allocation="randomised", design=RANDOMISED,
                                n_draws=50)
    expected = {"risk_difference_hc2", "risk_ratio_poisson_hc2", "risk_difference_block_weighted",
                "odds_ratio_mantel_haenszel", "logit_coefficient", "average_marginal_effect_logit",
                "risk_difference_interaction_hc2", "ratio_of_odds_ratios_logit",
                "fisher_exact_two_sided", "boschloo_exact_two_sided",
                "randomisation_test_block_weighted_risk_difference"}
    assert expected == set(result.table["estimator"])
    assert result.notes[0].startswith("Allocation 'randomised'")
    assert "randomisation_distribution" in result.extras and "cells" in result.extras
    again = instrument_effects(randomised_frame, allocation="randomised", design=RANDOMISED,
                               n_draws=50)
    pd.testing.assert_frame_equal(result.table, again.table)


def test_without_design_or_enrolment_dates_the_randomisation_test_says_why(randomised_frame):
    result = instrument_effects(randomised_frame, allocation="randomised", n_draws=20)
    assert any("No design given" in note for note in result.notes)
    bare = instrument_effects(randomised_frame.drop(columns="enrolled_on"),
                              allocation="randomised")
    row = bare.estimate("overall", "randomisation_test_block_weighted_risk_difference")
    assert pd.isna(row["p_value"])
    assert any("enrolment order" in item.reason for item in bare.not_estimable)


def test_options_are_checked_with_the_value_and_what_is_allowed():
    with pytest.raises(ValueError, match="option allocation='random' is not allowed; use one "
                                         "of 'randomised', 'assigned'"):
        instrument_effects(TRIAL, allocation="random")
    with pytest.raises(ValueError, match="the design declares allocation 'assigned'"):
        instrument_effects(TRIAL, allocation="randomised", design=TrialDesign())
    with pytest.raises(ValueError, match="option level=0"):
        instrument_effects(TRIAL, allocation="assigned", level=0)


@pytest.mark.parametrize("allocation", ["randomised", "assigned"])
def test_empty_and_tiny_frames_do_not_crash(allocation):
    design = TrialDesign(allocation=allocation)
    empty = instrument_effects(TRIAL.iloc[:0], allocation=allocation, design=design, n_draws=5)
    assert empty.n == 0 and empty.table["estimate"].isna().all() and empty.not_estimable
    one_per_cell = TRIAL.groupby(["band", "instruments"]).head(1)
    tiny = instrument_effects(one_per_cell, allocation=allocation, design=design, n_draws=5)
    assert tiny.n == 4 and len(tiny.table) > 0
    no_instruments = TRIAL[~((TRIAL["band"] == "60-80") & (TRIAL["instruments"] == "yes"))]
    partial = instrument_effects(no_instruments, allocation=allocation, design=design,
                                 n_draws=5)
    assert any("60-80" in item.term for item in partial.not_estimable)
