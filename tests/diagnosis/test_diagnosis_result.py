"""The diagnosis as a house-style result: one-line repr, summary, tidy frame, HTML."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from iedereen_doet_mee.analysis.estimators import UnregisteredEstimatorError
from iedereen_doet_mee.analysis.results import TIDY_COLUMNS
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.design_diagnosis import diagnose_design
from iedereen_doet_mee.diagnosis.diagnosands import DIAGNOSANDS
from iedereen_doet_mee.diagnosis.results import (
    DIAGNOSIS_COLUMNS,
    TARGET_MET_DIAGNOSAND,
    Diagnosis,
)


@pytest.fixture(scope="module")
def diagnosis() -> Diagnosis:
    return diagnose_design(TrialDesign(allocation="randomised"), sims=300, seed=5)


def test_repr_is_one_line_with_design_trials_estimators_and_target(diagnosis):
    text = repr(diagnosis)
    share = diagnosis.target_met[0]
    assert "\n" not in text
    assert text == (f"Diagnosis(Iedereen doet mee: 300 simulated trials; "
                    f"{len(diagnosis.estimators)} estimators; P(target met)={share:.2f})")


def test_summary_is_the_terminal_text(diagnosis):
    assert diagnosis.summary() == diagnosis.to_text()
    assert diagnosis.summary().startswith("Design diagnosis of 'Iedereen doet mee': 300 "
                                          "simulated trials, seed 5")


def test_to_frame_holds_the_tidy_columns_one_row_per_key(diagnosis):
    frame = diagnosis.to_frame()
    assert tuple(frame.columns) == DIAGNOSIS_COLUMNS
    assert DIAGNOSIS_COLUMNS[:len(TIDY_COLUMNS)] == TIDY_COLUMNS
    assert frame.set_index(["term", "estimator", "diagnosand"]).index.is_unique
    # every estimator x diagnosand of the table, plus the target row
    assert len(frame) == len(diagnosis.table) + 1
    assert frame[["statistic", "p_value", "conf_low", "conf_high"]].isna().all().all()
    assert frame["n"].dtype == np.int64
    assert not frame["estimator"].str.contains(r"\||\s").any()  # names, not labels
    for row in diagnosis.table.itertuples(index=False):
        term, estimator = row.estimator_key.rsplit("|", 1)
        hit = frame[(frame["term"] == term) & (frame["estimator"] == estimator)
                    & (frame["diagnosand"] == row.diagnosand)].iloc[0]
        assert (hit["estimate"] == row.value) or (math.isnan(hit["estimate"])
                                                  and math.isnan(row.value))
        assert hit["label"] == row.estimator and hit["inquiry"] == row.inquiry


def test_to_frame_n_is_the_trials_each_diagnosand_is_taken_over(diagnosis):
    frame = diagnosis.to_frame().set_index(["term", "estimator", "diagnosand"])
    answered = diagnosis.estimators.set_index("estimator_key")["answered"]
    fisher = frame.loc[("pooled", "fisher_exact_two_sided", "power")]
    assert fisher["n"] == answered["pooled|fisher_exact_two_sided"]
    # the Monte Carlo SE of a share is sqrt(p (1 - p) / n) over those trials
    assert fisher["std_error"] == pytest.approx(
        math.sqrt(fisher["estimate"] * (1 - fisher["estimate"]) / fisher["n"]))
    assert frame.loc[("pooled", "fisher_exact_two_sided", "coverage"), "n"] == 0  # no interval
    assert (frame.xs("mean_estimand", level="diagnosand")["n"] == 300).all()


def test_probability_of_meeting_the_target_is_a_row_of_the_overall_share(diagnosis):
    frame = diagnosis.to_frame()
    row = frame[frame["diagnosand"] == TARGET_MET_DIAGNOSAND]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row["term"], row["estimator"], row["n"]) == ("overall",
                                                         "proportion_clopper_pearson", 300)
    assert (row["estimate"], row["std_error"]) == diagnosis.target_met


def test_html_shows_every_estimator_and_the_target(diagnosis):
    page = diagnosis._repr_html_()
    assert page.startswith("<h4>Design diagnosis of Iedereen doet mee")
    assert "meets its 40% target" in page
    for key in diagnosis.estimators["estimator_key"]:
        assert key.replace(">", "&gt;") in page


def test_an_unregistered_estimator_or_diagnosand_is_refused(diagnosis):
    estimators = diagnosis.estimators.copy()
    estimators.loc[0, "estimator_key"] = "overall|proportion_guessed"
    with pytest.raises(UnregisteredEstimatorError, match="proportion_guessed"):
        dataclasses.replace(diagnosis, estimators=estimators)
    table = diagnosis.table.copy()
    table.loc[0, "diagnosand"] = "elegance"
    with pytest.raises(ValueError, match="elegance"):
        dataclasses.replace(diagnosis, table=table)
    with pytest.raises(ValueError, match="lacks columns"):
        dataclasses.replace(diagnosis, table=diagnosis.table.drop(columns="n"))
    assert set(diagnosis.table["diagnosand"]) == set(DIAGNOSANDS)


def test_a_design_without_target_has_no_probability_of_meeting_one(diagnosis):
    """Same seed and settings: the shares and effects are diagnosed as with the target;
    the tests against a target and the probability of meeting it are absent, and the
    text, JSON, repr and records say so or leave it out."""
    from iedereen_doet_mee.reporting.document.limitations import limitations
    from iedereen_doet_mee.reporting.records import design_records

    design = TrialDesign(allocation="randomised", target_outflow=None)
    untargeted = diagnose_design(design, sims=300, seed=5)
    assert untargeted.target_met is None and untargeted.settings["target"] is None
    keys = list(untargeted.estimators["estimator_key"])
    assert not any("target" in key for key in keys)
    kept = diagnosis.table[diagnosis.table["estimator_key"].isin(keys)].reset_index(drop=True)
    np.testing.assert_array_equal(untargeted.table["value"].to_numpy(), kept["value"].to_numpy())
    assert TARGET_MET_DIAGNOSAND not in set(untargeted.to_frame()["diagnosand"])
    assert "probability_target_met" not in untargeted.to_dict()
    assert "No outflow target declared" in untargeted.summary()
    assert "no target" in repr(untargeted) and "P(target met)" not in repr(untargeted)
    assert "No outflow target declared" in untargeted._repr_html_()
    records = design_records(untargeted, None)
    assert list(records["estimator"]) == ["risk_difference_block_weighted:power",
                                          "fisher_exact_two_sided:power"]
    for lang in ("nl", "en"):
        text = " ".join(limitations(untargeted, None, design, lang))
        assert "doel" not in text and "target" not in text


def test_closed_forms_and_steering_without_a_target():
    from iedereen_doet_mee.analysis.steering import steering_forecast
    from iedereen_doet_mee.diagnosis.design_grid import closed_form_mde, closed_form_power
    from iedereen_doet_mee.simulation import simulate_trial

    design = TrialDesign(allocation="randomised", target_outflow=None)
    power, method = closed_form_power(design, np.full((2, 2), 0.3),
                                      estimator="overall|binomial_exact_one_sided_target_met")
    assert math.isnan(power) and method == ""
    mde, _ = closed_form_mde(design, [0.1, 0.2],
                             estimator="overall|binomial_exact_one_sided_target_met")
    assert math.isnan(mde)
    with pytest.raises(ValueError, match="declares no outflow target"):
        steering_forecast(simulate_trial(design, seed=1), "2015-07-01", draws=50)
