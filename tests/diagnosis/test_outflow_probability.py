"""Large-trial diagnosis: the closed-form chance of observed outflow per cell and the
cell-count draws, against the person-level simulator within Monte Carlo error."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from scipy.stats import chi2_contingency, fisher_exact

from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis import design_diagnosis as diagnose
from iedereen_doet_mee.diagnosis.design_diagnosis import diagnose_design
from iedereen_doet_mee.diagnosis.estimators import yates_two_sided
from iedereen_doet_mee.diagnosis.outflow_probability import (
    draw_cell_counts,
    enrolled_share,
    observed_outflow_probability,
)
from iedereen_doet_mee.diagnosis.simulate_many import simulate_outcomes
from iedereen_doet_mee.simulation.parameters import SimulationParameters

PARAMS = SimulationParameters()
UNEQUAL = {"40-60": {"no": 150, "yes": 350}, "60-80": {"no": 250, "yes": 250}}


@pytest.mark.parametrize("allocation", ["randomised", "assigned"])
@pytest.mark.parametrize("changes, parameters, full", [
    ({}, PARAMS, False),
    ({}, PARAMS, True),
    # cut-off long after enrolment: exits after 24 months are observed too
    ({"enrolment_months": 12, "cutoff": dt.date(2017, 12, 1)}, PARAMS, False),
    # cut-off before enrolment ends (some not enrolled), no loss to follow-up
    ({"cutoff": dt.date(2015, 9, 1)},
     dataclasses.replace(PARAMS, loss_to_follow_up_24m=0.0), False),
    ({"n_per_cell": UNEQUAL}, PARAMS, False),
])
def test_closed_form_outflow_matches_the_person_level_simulation(allocation, changes,
                                                                  parameters, full):
    design = TrialDesign(allocation=allocation, n_per_cell=250).replace(**changes)
    q = observed_outflow_probability(design, parameters, full_follow_up=full)
    out = simulate_outcomes(design, parameters, 200, np.random.default_rng(11),
                            full_follow_up=full)
    events, sizes = out.cell_counts(2, 2)
    share = events.sum(axis=0) / sizes.sum(axis=0)
    se = np.sqrt(q * (1 - q) / sizes.sum(axis=0))
    assert np.all(np.abs(share - q) <= 4 * se), (share, q)
    assert enrolled_share(design) == pytest.approx(out.enrolled.mean(), abs=0.01)


def test_cell_count_draws_have_the_planned_sizes_and_binomial_events():
    design = TrialDesign(n_per_cell=UNEQUAL, cutoff=dt.date(2015, 9, 1))
    events, sizes = draw_cell_counts(design, PARAMS, 4000, np.random.default_rng(3))
    planned = np.array([[150, 350], [250, 250]])
    share = enrolled_share(design)
    np.testing.assert_allclose(sizes.mean(axis=0), planned * share,
                               atol=4 * np.sqrt(planned * share * (1 - share) / 4000).max())
    q = observed_outflow_probability(design, PARAMS)
    np.testing.assert_allclose(events.sum(axis=0) / sizes.sum(axis=0), q,
                               atol=4 * np.sqrt(q * (1 - q) / sizes.sum(axis=0)).max())
    full, sizes = draw_cell_counts(TrialDesign(n_per_cell=25_000), PARAMS, 2,
                                   np.random.default_rng(3))
    assert (sizes == 25_000).all() and full.dtype == np.int64


@pytest.mark.parametrize("allocation", ["randomised", "assigned"])
def test_large_trial_diagnosis_agrees_with_the_person_level_one(allocation, monkeypatch):
    # just above the threshold (2,400 participants): the two paths diagnose the same
    # design; every power and mean estimate agrees within 4 Monte Carlo SEs
    design = TrialDesign(allocation=allocation, n_per_cell=600)
    assert design.n_total > diagnose.SIMULATED_TRIAL_MAX_PARTICIPANTS
    params = diagnose.with_outflow(PARAMS, design, [0.10, 0.13, 0.15, 0.19])
    large = diagnose_design(design, parameters=params, sims=1000, seed=5)
    monkeypatch.setattr(diagnose, "SIMULATED_TRIAL_MAX_PARTICIPANTS", 10**9)
    person = diagnose_design(design, parameters=params, sims=1000, seed=5)
    assert "method" in large.settings and "method" not in person.settings
    assert "Large trial:" in large.to_text() and "Large trial:" not in person.to_text()
    merged = large.table.merge(person.table, on=["estimator_key", "diagnosand"])
    rows = merged[merged["diagnosand"].isin(["power", "mean_estimate", "coverage"])
                  & merged["value_x"].notna()]
    se = np.sqrt(rows["mc_se_x"] ** 2 + rows["mc_se_y"] ** 2)
    assert len(rows) > 20
    assert (np.abs(rows["value_x"] - rows["value_y"]) <= 4 * se + 1e-9).all(), rows


def test_yates_chi_square_stands_in_for_fisher_in_large_tables():
    x1, n1 = np.array([300, 1210, 0]), np.array([1000, 5000, 4000])
    x0, n0 = np.array([250, 1100, 0]), np.array([1000, 5000, 4000])
    p = yates_two_sided(x1, n1, x0, n0)
    for k in range(2):
        table = [[x1[k], n1[k] - x1[k]], [x0[k], n0[k] - x0[k]]]
        assert p[k] == pytest.approx(chi2_contingency(table).pvalue, rel=1e-10)
        assert p[k] == pytest.approx(fisher_exact(table).pvalue, rel=0.05)
    assert p[2] == 1.0  # no events: a margin of 0
