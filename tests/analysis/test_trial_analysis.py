"""analyse_trial: every question answered, absent tables skipped with a warning, and the
whole analysis reproducible, at the cut-off and at an interim date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.analysis import TIDY_COLUMNS, analyse_trial
from iedereen_doet_mee.analysis.chain import no_chain
from iedereen_doet_mee.analysis.estimators import estimator_info
from iedereen_doet_mee.analysis.outcome_shares import nothing_to_add
from iedereen_doet_mee.analysis.programme_money import no_money_declared
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.errors import MissingTableWarning
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic"
QUESTIONS = {"target", "survival", "effects", "wage_value", "wage_value_within", "ladder",
             "multiplicity",
             "ladder_ordinal", "missing", "instruments", "employers", "costs"}


@pytest.fixture(scope="module")
def bundled():
    return load_trial(SYNTHETIC)


def test_every_question_is_answered_with_tidy_tables(bundled):
    analysis = analyse_trial(bundled, n_draws=200, n_bootstrap=200)
    # the default design declares no outcome beyond regular work and no chain: those
    # questions do not apply, and say why; every other question is answered
    assert set(analysis.results) == QUESTIONS
    assert analysis.skipped == {"outcomes": nothing_to_add(bundled.design),
                                "money": no_money_declared(bundled.design),
                                "chain": no_chain(bundled.design)}
    frame = analysis.to_frame()
    assert list(frame.columns) == ["question", "outcome", *TIDY_COLUMNS]
    assert set(frame["question"]) == set(analysis.results)
    assert set(frame["question"]) >= {"target", "effects", "costs"}
    # the default design is 'assigned': the effects say they are non-experimental
    notes = " ".join(analysis.results["effects"].notes).lower()
    assert "non-experimental" in notes or "not randomised" in notes
    assert "Iedereen" not in repr(analysis) and repr(analysis).endswith(
        "skipped outcomes, money, chain)")


def test_same_seed_same_numbers(bundled):
    first = analyse_trial(bundled, seed=5, n_draws=100, n_bootstrap=100).to_frame()
    second = analyse_trial(bundled, seed=5, n_draws=100, n_bootstrap=100).to_frame()
    pd.testing.assert_frame_equal(first, second)


def test_interim_analysis_uses_only_what_was_known(bundled):
    interim = analyse_trial(bundled, as_of="2015-07-01", n_draws=100, n_bootstrap=100)
    assert interim.outcomes.not_yet_enrolled > 0
    n = interim.results["target"].estimate("overall", "proportion_wilson")["n"]
    assert n == len(interim.outcomes.frame) < 100


def test_a_municipality_with_only_participants_gets_the_rest(tmp_path, bundled):
    shutil.copy(SYNTHETIC / "participants.csv", tmp_path / "participants.csv")
    trial = load_trial(tmp_path)
    with pytest.warns(MissingTableWarning):
        analysis = analyse_trial(trial, n_draws=100, n_bootstrap=100)
    assert set(analysis.skipped) == {"wage_value", "wage_value_within", "instruments",
                                     "employers", "outcomes", "money", "chain"}
    assert {"target", "survival", "effects", "costs"} <= set(analysis.results)
    assert "no measurements table" in analysis.summary()


def test_single_arm_caseload_answers_what_it_can():
    design = TrialDesign(name="caseload", strata=("all",), arms=("kompas",), n_per_cell=120,
                         instrument_kinds=("job_coach",))
    params = SimulationParameters(regular_work_24m=0.2, subsidised_work_24m=0.05,
                                  wage_value_growth_per_month=0.4, ladder_up_per_month=0.05,
                                  employer_view_by_arm=0.0)
    analysis = analyse_trial(simulate_trial(design, parameters=params, seed=3), n_draws=50,
                             n_bootstrap=50)
    assert "effects" not in analysis.results and "comparison" in analysis.skipped["effects"]
    assert analysis.results["target"].estimate("overall", "proportion_wilson")["n"] == 120
    # one arm is described, never compared: no row of an estimator that compares arms
    table = analysis.to_frame()
    assert not any(estimator_info(e).row_compares_arms(t)
                   for e, t in zip(table["estimator"], table["term"], strict=True))
    assert analysis.results["survival"].table["term"].eq("instruments=kompas").all()
    assert analysis.results["missing"].table["estimator"].str.startswith("share_").all()
    # instruments within the arm (docs/methods.md: everyone, for a single-arm design)
    instruments = analysis.results["instruments"]
    assert 0 < instruments.n <= 120
    assert set(instruments.table["term"]) == {"job_coach"}


def test_secondary_comparisons_are_holm_adjusted_together():
    from iedereen_doet_mee.analysis.common import holm_p_values

    trial = simulate_trial(TrialDesign(allocation="randomised", n_per_cell=50), seed=4)
    analysis = analyse_trial(trial, n_draws=50, n_bootstrap=50)
    family = analysis.results["multiplicity"]
    members = (("wage_value", "growth_difference[instruments=yes - no]",
                "lmm_reml_satterthwaite"),
               ("ladder_ordinal", "instruments=yes vs no", "proportional_odds_logit"),
               ("employers", "scale_score:60-80 - 40-60", "difference_in_means_welch"))
    raw = [analysis.results[key].estimate(term, estimator)["p_value"]
           for key, term, estimator in members]
    assert family.table["p_value"].tolist() == pytest.approx(holm_p_values(raw).tolist())
    assert family.table["estimator"].tolist() == [f"{e}_holm" for _, _, e in members]
    # the family holds the small-sample (Satterthwaite t) row, not the normal-quantile one
    normal = analysis.results["wage_value"].estimate(members[0][1], "lmm_reml")["p_value"]
    assert raw[0] > normal
    assert not any("non-experimental" in n for n in family.notes)


@pytest.mark.parametrize("allocation", ["assigned", "randomised"])
@pytest.mark.parametrize("n_per_cell", [1, 2, 5])
def test_tiny_trials_never_crash(n_per_cell, allocation):
    trial = simulate_trial(TrialDesign(n_per_cell=n_per_cell, allocation=allocation), seed=1)
    analysis = analyse_trial(trial, n_draws=20, n_bootstrap=20)
    assert "target" in analysis.results and "multiplicity" in analysis.results
    reasons = [i.reason for r in analysis.results.values() for i in r.not_estimable]
    assert all(isinstance(r, str) and r for r in reasons)


def test_under_assigned_allocation_every_arm_comparison_is_labelled(bundled):
    frame = analyse_trial(bundled, n_draws=50, n_bootstrap=50).to_frame()
    labelled = frame["estimator"].str.endswith("_non_experimental")
    assert frame.loc[frame["question"] == "effects", "estimator"].str.endswith(
        "_non_experimental").all()
    comparisons = (frame["estimator"].str.startswith(("log_rank", "cox_ph", "rmst_difference",
                                                      "risk_difference"))
                   | frame["term"].str.startswith(("growth_difference[instruments",
                                                   "instruments=yes vs")))
    assert labelled[comparisons].all()
    # descriptive rows keep their names; exact tests still answer with an empty cell
    assert not labelled[frame["estimator"] == "proportion_wilson"].any()
    exact = frame[frame["estimator"] == "fisher_exact_two_sided_non_experimental"]
    assert exact["p_value"].notna().all() and len(exact) == 3
    randomised = analyse_trial(simulate_trial(TrialDesign(allocation="randomised"), seed=2),
                               n_draws=50, n_bootstrap=50).to_frame()
    assert not randomised["estimator"].str.endswith("_non_experimental").any()
