"""The public analysis functions share one spelling for their options, and each takes
a validated trial as well as a tidy frame."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

import iedereen_doet_mee.analysis as analysis
from iedereen_doet_mee.analysis.questions import QUESTIONS as REGISTRY
from iedereen_doet_mee.analysis.trial_inputs import InputSpec, TrialInputs
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import simulate_trial

#: Public function name -> question key, from the question registry.
QUESTIONS = {q.function.__name__: q.key for q in REGISTRY.values() if not q.family}
FAST = {"n_draws": 100, "n_bootstrap": 100}


@pytest.fixture(scope="module")
def trial():
    # the default design with one declared outcome more and a chain of three of its
    # instrument kinds, so that every question applies
    design = TrialDesign(outcomes={
        "regular_work": {"kind": "exit", "reasons": ["regular_work"]},
        "left_benefit": {"kind": "exit", "reasons": ["regular_work", "subsidised_work",
                                                     "education", "moved", "unlawful",
                                                     "other"]}},
        money={"savings_per_outflow_per_year": 15000, "savings_source": "seed 001",
               "fixed_costs": {"staff": {"eur": 100000, "source": "budget"}}},
        chain=("job_coach", "work_experience", "training"))
    return simulate_trial(design, seed=5)


@pytest.fixture(scope="module")
def everything(trial):
    return analysis.analyse_trial(trial, as_of="2016-01-01", **FAST)


def _options(name: str) -> dict:
    parameters = inspect.signature(getattr(analysis, name)).parameters
    return {k: v for k, v in FAST.items() if k in parameters}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_confidence_level_keyword_is_level(name):
    parameters = inspect.signature(getattr(analysis, name)).parameters
    assert parameters["level"].default == 0.95
    assert parameters["level"].kind is inspect.Parameter.KEYWORD_ONLY
    assert not {"conf_level", "confidence", "alpha"} & set(parameters)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_function_refuses_a_level_outside_zero_one(name, trial):
    with pytest.raises(ValueError, match=r"level=1\.5"):
        getattr(analysis, name)(trial, level=1.5)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_a_trial_gives_what_analyse_trial_gives(name, trial, everything):
    # the same table, non-experimental labels included (the trial's allocation is assigned)
    result = getattr(analysis, name)(trial, as_of="2016-01-01", **_options(name))
    pd.testing.assert_frame_equal(result.table, everything.results[QUESTIONS[name]].table)


def test_effects_of_assigned_instruments_are_labelled_from_a_frame_too():
    inputs = TrialInputs(simulate_trial(seed=5))
    args, options = inputs.arguments(analysis.instrument_effects.inputs, seed=1)
    table = analysis.instrument_effects(*args, **{**options, "n_draws": 50}).table
    assert table["estimator"].str.endswith("_non_experimental").all()


def test_explicit_options_win_over_the_design(trial):
    from scipy import stats

    table = analysis.outflow_against_target(trial, target=0.25).table
    row = table[(table["term"] == "overall")
                & (table["estimator"] == "binomial_exact_one_sided_target_met")].iloc[0]
    x = round(row["estimate"] * row["n"])
    expected = stats.binomtest(x, int(row["n"]), 0.25, alternative="greater").pvalue
    assert row["p_value"] == pytest.approx(expected, rel=1e-12)


def test_positional_options_with_a_trial_are_refused(trial):
    with pytest.raises(TypeError, match="by keyword"):
        analysis.instrument_associations(trial, None)


def test_unknown_input_is_named():
    with pytest.raises(ValueError, match="unknown input"):
        InputSpec(("frame", "nope"))


def test_every_question_function_is_public_and_declares_its_inputs():
    assert len(QUESTIONS) == len(REGISTRY) - 1  # all but the Holm family
    for name in QUESTIONS:
        assert name in analysis.__all__
        assert isinstance(getattr(analysis, name).inputs, InputSpec)


def test_results_cannot_be_changed_through_what_they_hand_out(trial):
    result = analysis.outflow_against_target(trial)
    table = result.table
    table.loc[0, "estimate"] = -1.0
    assert result.table.loc[0, "estimate"] != -1.0
    curves = result.extras
    key = next(iter(curves))
    with pytest.raises(TypeError):
        curves[key] = None
    before = result.to_frame()
    given = pd.DataFrame(result.table)
    copy = type(result)(result.question, result.title, given, n=result.n)
    given.loc[0, "estimate"] = -2.0  # changing the frame given does not change the result
    assert copy.table.loc[0, "estimate"] == before.loc[0, "estimate"]
