"""Design diagnosis: diagnosands against exact enumeration, reproducibility across
executors, counting of trials in which an estimator did not answer."""

from __future__ import annotations

import dataclasses
import itertools
import json
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import pytest
from scipy import stats

from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.design_diagnosis import diagnose_design, with_outflow
from iedereen_doet_mee.diagnosis.estimators import binomial_rows, effect_rows
from iedereen_doet_mee.simulation.parameters import SimulationParameters

OUTFLOW = (0.20, 0.30, 0.35, 0.50)
N = 25
# caseworker assignment without selection on prognosis: fixed cell sizes, arms
# independent of prognosis, so each cell's count is exactly Binomial(25, p)
KNOWN = TrialDesign(allocation="assigned")
PARAMS = with_outflow(dataclasses.replace(SimulationParameters(), assignment_selection=0.0),
                      KNOWN, OUTFLOW)


@pytest.fixture(scope="module")
def exact():
    """Exact sampling distribution of the four cell counts and each estimator on it."""
    grid = np.array(list(itertools.product(range(N + 1), repeat=4)))
    prob = np.prod([stats.binom.pmf(grid[:, k], N, OUTFLOW[k]) for k in range(4)], axis=0)
    events = grid.reshape(-1, 2, 2)
    sizes = np.full_like(events, N)
    draws = binomial_rows(events, sizes, target=0.4)
    draws += effect_rows(events, sizes, control=0, treated=1, strata=KNOWN.strata,
                         arm_label="instrumentsyes")
    return prob, {d.key: d for d in draws}, events


@pytest.fixture(scope="module")
def simulated():
    return diagnose_design(KNOWN, parameters=PARAMS, sims=4000, seed=11, full_follow_up=True)


def _exact_diagnosands(prob, d, estimand, alpha=0.05):
    ok = d.estimable
    w = prob[ok] / prob[ok].sum()
    out = {}
    if np.isfinite(d.p_value[ok]).all():
        out["power"] = float(w @ (d.p_value[ok] <= alpha))
    if np.isfinite(d.estimate[ok]).all() and np.isfinite(d.estimate[ok]).any():
        out["mean_estimate"] = float(w @ d.estimate[ok])
        out["bias"] = out["mean_estimate"] - estimand
        covered = (d.conf_low[ok] <= estimand) & (estimand <= d.conf_high[ok])
        out["coverage"] = float(w @ covered)
    return out


@pytest.mark.parametrize("key", [
    "overall|risk_difference_block_weighted", "overall|risk_difference_hc2",
    "pooled|fisher_exact_two_sided", "band=40-60|risk_difference_hc2",
    "band=60-80|fisher_exact_two_sided",
    "band=60-80 - band=40-60|risk_difference_interaction_hc2",
    "overall|binomial_exact_one_sided_target_met", "overall|proportion_clopper_pearson"])
def test_diagnosands_match_exact_enumeration(key, exact, simulated):
    prob, draws, _ = exact
    estimand = float(simulated.estimators.set_index("estimator_key").loc[key, "estimand"])
    for name, value in _exact_diagnosands(prob, draws[key], estimand).items():
        row = simulated.table[(simulated.table["estimator_key"] == key)
                              & (simulated.table["diagnosand"] == name)].iloc[0]
        assert abs(row["value"] - value) <= 4 * row["mc_se"] + 1e-12, (key, name, row, value)


def test_estimands_are_the_assumed_effects(simulated):
    estimand = simulated.estimators.set_index("estimator_key")["estimand"]
    assert estimand["band=40-60|risk_difference_hc2"] == pytest.approx(0.10)
    assert estimand["band=60-80|risk_difference_hc2"] == pytest.approx(0.15)
    assert estimand["overall|risk_difference_block_weighted"] == pytest.approx(0.125)
    assert estimand["band=60-80 - band=40-60|risk_difference_interaction_hc2"] == \
        pytest.approx(0.05)
    assert estimand["overall|proportion_clopper_pearson"] == pytest.approx(np.mean(OUTFLOW))
    log_odds = np.log(np.array(OUTFLOW) / (1 - np.array(OUTFLOW)))
    assert estimand["instrumentsyes:band60-80|logit_coefficient"] == pytest.approx(
        log_odds[3] - log_odds[2] - log_odds[1] + log_odds[0])


def test_probability_of_meeting_the_target_is_exact(exact, simulated):
    prob, _, events = exact
    exact_share = float(prob @ (events.sum(axis=(1, 2)) >= 40))
    share, se = simulated.target_met
    assert abs(share - exact_share) <= 4 * se


def test_exact_binomial_power_against_the_target_in_closed_form():
    # every cell flows out at 0.55: the total is Binomial(100, 0.55)
    params = with_outflow(SimulationParameters(), KNOWN, [0.55] * 4)
    d = diagnose_design(KNOWN, parameters=params, sims=3000, seed=5, full_follow_up=True)
    x = np.arange(101)
    reject = stats.binom.sf(x - 1, 100, 0.4) <= 0.05
    power = float(stats.binom.pmf(x, 100, 0.55) @ reject)
    row = d.table[(d.table["estimator_key"] == "overall|binomial_exact_one_sided_target_met")
                  & (d.table["diagnosand"] == "power")].iloc[0]
    assert abs(row["value"] - power) <= 4 * row["mc_se"]
    assert power == pytest.approx(0.897, abs=0.01)


def test_not_answered_trials_are_counted_not_dropped():
    params = with_outflow(SimulationParameters(), KNOWN, [0.02, 0.05, 0.02, 0.05])
    d = diagnose_design(KNOWN.replace(n_per_cell=8), parameters=params, sims=500, seed=3,
                        full_follow_up=True)
    counts = d.estimators.set_index("estimator_key")
    logit = counts.loc["instrumentsyes:band60-80|logit_coefficient"]
    assert logit["not_answered"] > 400
    assert logit["answered"] + logit["not_answered"] == 500
    assert "separation" in logit["why_not"]
    as_json = d.to_dict()
    entry = next(e for e in as_json["estimators"]
                 if e["key"] == "instrumentsyes:band60-80|logit_coefficient")
    assert entry["not_answered"] == logit["not_answered"]


def _as_json(diagnosis) -> str:
    return json.dumps(diagnosis.to_dict(), sort_keys=True)


def test_same_result_serial_and_in_processes():
    kw = dict(sims=2500, seed=7, chunk_size=1000)
    serial = diagnose_design(**kw)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        parallel = diagnose_design(**kw, executor=pool)
    assert _as_json(serial) == _as_json(parallel)
    assert _as_json(serial) == _as_json(diagnose_design(**kw))


def test_same_result_on_a_dask_cluster():
    distributed = pytest.importorskip("dask.distributed")
    kw = dict(sims=2500, seed=7, chunk_size=1000)
    serial = diagnose_design(**kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = diagnose_design(**kw, executor=client.get_executor())
    assert _as_json(serial) == _as_json(on_cluster)


def test_chunks_own_their_streams():
    # the first chunks do not change when more trials are simulated
    a = diagnose_design(sims=1000, seed=2, chunk_size=500)
    b = diagnose_design(sims=1000, seed=2, chunk_size=500)
    c = diagnose_design(sims=1000, seed=3, chunk_size=500)
    assert _as_json(a) == _as_json(b) != _as_json(c)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="sims must be a whole number"):
        diagnose_design(sims=0)
    with pytest.raises(ValueError, match="4 cells"):
        with_outflow(SimulationParameters(), KNOWN, [0.2, 0.3])
    with pytest.raises(ValueError, match="add up to more than 1"):
        with_outflow(SimulationParameters(), KNOWN, [0.95, 0.3, 0.3, 0.3])
    # more than two arms: diagnosed for the overall share only (issue 12), saying why
    three = diagnose_design(TrialDesign(arms=("a", "b", "c")), sims=10)
    assert "more than two arms" in three.settings["comparisons"]


def test_single_arm_design_diagnoses_the_target_only():
    design = TrialDesign(arms=("all",))
    params = with_outflow(SimulationParameters(subsidised_work_24m=0.05), design, [0.3, 0.45])
    d = diagnose_design(design, parameters=params, sims=300, seed=1)
    assert set(d.estimators["estimator_key"]) == {
        "overall|proportion_clopper_pearson", "overall|binomial_exact_one_sided_target_met",
        "overall|binomial_exact_one_sided_target_missed"}
