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
