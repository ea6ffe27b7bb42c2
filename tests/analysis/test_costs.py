"""Costs and savings: exact hand computation, exact bootstrap enumeration, and R boot."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.analysis.costs import RATIO, benefit_months_saved, costs_and_savings
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import simulate_trial

REF = Path(__file__).resolve().parents[1] / "reference"
DAYS = 365.2425 / 12
COST = "mean_cost_difference_eur_bootstrap_percentile"
SHARE = "regular_work_share_difference_bootstrap_percentile"


def _tiny() -> pd.DataFrame:
    """Eight participants, two per band x arm cell, with answers known by hand."""
    d = pd.to_datetime
    return pd.DataFrame({
        "participant_id": ["N1", "N2", "Y1", "Y2", "N3", "N4", "Y3", "Y4"],
        "band": ["40-60"] * 4 + ["60-80"] * 4,
        "instruments": ["no", "no", "yes", "yes"] * 2,
        "exit_on": d([None, "2016-01-01", "2015-07-01", None, "2016-04-01", None,
                      "2015-01-01", "2016-02-01"]),
        "exit_reason": [None, "moved", "regular_work", None, "regular_work", None,
                        "regular_work", "other"],
        # Y1 came back on 2016-01-01; Y4's return lies after the last day known: ignored
        "returned_on": d([None, None, "2016-01-01", None, None, None, None, "2016-05-01"]),
        "known_until": d(["2016-07-01"] * 7 + ["2016-03-01"]),
        "instrument_cost": [0.0, 0.0, 1000.0, 500.0, 0.0, 0.0, 2000.0, 300.0],
        "regular_work": [False, False, True, False, True, False, True, False]})


def _run(frame: pd.DataFrame, **options):
    options = {"benefit_cost_per_month": 1000.0, "benefit_cost_source": "test source",
               "n_bootstrap": 200, "seed": 1} | options
    return costs_and_savings(frame, **options)


def test_point_estimates_by_hand():
    result = _run(_tiny())
    # days off benefit: N2 182, N3 91; Y1 184 (returned), Y3 547, Y4 29 (lost on 2016-03-01)
    no, yes = (182 + 91) / DAYS * 1000, (184 + 547 + 29) / DAYS * 1000
    expected = {
        ("arm:no", "total_benefit_savings_eur"): no,
        ("arm:yes", "mean_benefit_savings_eur"): yes / 4,
        ("arm:yes", "total_instrument_cost_eur"): 3800.0,
        ("arm:yes", "net_savings_eur"): yes - 3800.0,
        ("overall", "mean_net_savings_eur"): (no + yes - 3800.0) / 8,
        ("overall", "mean_benefit_months_saved"): (182 + 91 + 184 + 547 + 29) / DAYS / 8,
        ("arm:no", "regular_work_share"): 0.25,
        ("yes - no", COST): 950.0,
        ("yes - no", "mean_net_savings_difference_eur_bootstrap_percentile"):
            (yes - 3800.0) / 4 - no / 4,
        ("yes - no", SHARE): 0.25,
        ("yes - no", RATIO): 950.0 / 0.25,  # 3800 euros per additional outflow
    }
    for (term, estimator), value in expected.items():
        assert result.estimate(term, estimator)["estimate"] == pytest.approx(value, rel=1e-12)
    assert any("test source" in note for note in result.notes)
    work = _run(_tiny(), exits="work")  # N2 (moved) and Y4 (other) no longer count
    assert work.estimate("arm:no", "total_benefit_savings_eur")["estimate"] == pytest.approx(
        91 / DAYS * 1000)


def test_default_cost_and_its_source_come_from_the_design():
    design = TrialDesign()
    result = costs_and_savings(_tiny(), n_bootstrap=10)
    assert any(design.benefit_cost_source in note for note in result.notes)
    months = benefit_months_saved(_tiny())
    assert result.estimate("overall", "total_benefit_savings_eur")["estimate"] == (
        pytest.approx(months.sum() * design.benefit_cost_per_month))


def test_bootstrap_distribution_matches_exact_enumeration():
    """All 4**4 = 256 equally likely stratified resamples, against B = 20000 draws."""
    frame = _tiny()
    cells = [np.flatnonzero((frame["band"] == b) & (frame["instruments"] == a))
             for b in ("40-60", "60-80") for a in ("no", "yes")]
    cost, work = frame["instrument_cost"].to_numpy(), frame["regular_work"].to_numpy(float)
    exact = []
    for draw in itertools.product(*[list(itertools.product(c, repeat=2)) for c in cells]):
        no = list(draw[0]) + list(draw[2])
        yes = list(draw[1]) + list(draw[3])
        exact.append((cost[yes].mean() - cost[no].mean(), work[yes].mean() - work[no].mean()))
    exact = np.array(exact)
    n_boot = 20000
    reps = _run(frame, n_bootstrap=n_boot, seed=7).extras["bootstrap"]
    checks = [(reps["yes - no:cost"], exact[:, 0], v) for v in (300, 700, 950, 1200, 1500)]
    checks += [(reps["yes - no:outflow"], exact[:, 1], v) for v in (-0.25, 0.0, 0.25, 0.5)]
    for sample, truth, value in checks:
        p = float(np.mean(truth <= value + 1e-9))
        observed = float(np.mean(sample.to_numpy() <= value + 1e-9))
        assert abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n_boot) + 1e-12, value
    summary = _run(frame, n_bootstrap=n_boot, seed=7).extras["bootstrap_summary"]
    p = float(np.mean(exact[:, 1] <= 0))  # no additional outflow: not estimable
    assert abs(summary["not_estimable"].iloc[0] / n_boot - p) <= 4 * math.sqrt(
        p * (1 - p) / n_boot)


def test_same_seed_same_bootstrap_and_generator_accepted():
    first = _run(_tiny(), seed=3)
    again = _run(_tiny(), seed=3)
    other = _run(_tiny(), seed=4)
    pd.testing.assert_frame_equal(first.table, again.table)
    pd.testing.assert_frame_equal(first.extras["bootstrap"], again.extras["bootstrap"])
    assert not first.extras["bootstrap"].equals(other.extras["bootstrap"])
    by_generator = _run(_tiny(), seed=np.random.default_rng(3))
    assert len(by_generator.extras["bootstrap"]) == 200


def test_blocked_bootstrap_of_large_trials_draws_the_same_replicates(monkeypatch):
    # from BLOCKED_BOOTSTRAP_MIN_PARTICIPANTS on, replicates are drawn in blocks and
    # summed per cell: the same resamples, the same means up to the order of summation
    from iedereen_doet_mee.analysis import costs

    frame = derive_outcomes(simulate_trial(seed=5)).frame
    whole = costs_and_savings(frame, n_bootstrap=300, seed=9)
    monkeypatch.setattr(costs, "BLOCKED_BOOTSTRAP_MIN_PARTICIPANTS", 1)
    monkeypatch.setattr(costs, "_BLOCK_INDICES", 77)  # blocks of 3 or 4 replicates
    blocked = costs_and_savings(frame, n_bootstrap=300, seed=9)
    pd.testing.assert_frame_equal(blocked.extras["bootstrap"], whole.extras["bootstrap"],
                                  rtol=1e-12)
    pd.testing.assert_frame_equal(blocked.table, whole.table, rtol=1e-12)


@pytest.fixture(scope="module")
def against_r():
    frame = pd.read_csv(REF / "data" / "costs_input.csv",
                        parse_dates=["exit_on", "returned_on", "known_until"])
    ref = json.loads((REF / "costs_reference.json").read_text())
    result = costs_and_savings(frame, n_bootstrap=ref["R"], seed=11)
    return result, ref


@pytest.mark.parametrize("group", ["no", "yes", "overall"])
def test_group_totals_match_r(against_r, group):
    result, ref = against_r
    r = ref["groups"][group]
    term = "overall" if group == "overall" else f"arm:{group}"
    # R: sums and means of (min(returned_on, known_until) - exit_on) / (365.2425 / 12)
    # months x 1166.67 euros, instrument costs and regular-work shares per arm (costs.R)
    for estimator, key in (("mean_benefit_months_saved", "mean_months"),
                           ("total_benefit_savings_eur", "total_savings"),
                           ("mean_benefit_savings_eur", "mean_savings"),
                           ("total_instrument_cost_eur", "total_cost"),
                           ("mean_instrument_cost_eur", "mean_cost"),
                           ("net_savings_eur", "net"), ("mean_net_savings_eur", "mean_net"),
                           ("regular_work_share", "share")):
        row = result.estimate(term, estimator)
        assert row["estimate"] == pytest.approx(r[key], rel=1e-9, abs=1e-9), estimator
        assert row["n"] == r["n"]


@pytest.mark.parametrize("name", ["cost", "savings", "net", "outflow", "ratio"])
def test_bootstrap_agrees_with_r_boot_within_monte_carlo_error(against_r, name):
    """R: boot(d, stat, R = 20000, strata = interaction(band, instruments)); boot.ci perc.

    Different random streams, so each R percentile limit must be a valid 2.5% / 97.5%
    quantile of our replicates up to Monte Carlo error of both: the share of our
    replicates below it lies within 4 standard errors sqrt(p(1-p)(1/B + 1/R)) of p.
    """
    result, ref = against_r
    r = ref["bootstrap"][name]
    reps = result.extras["bootstrap"][f"yes - no:{name}"].to_numpy()
    n_boot = len(reps)
    estimator = {"cost": COST, "savings": "mean_savings_difference_eur_bootstrap_percentile",
                 "net": "mean_net_savings_difference_eur_bootstrap_percentile",
                 "outflow": SHARE, "ratio": RATIO}[name]
    row = result.estimate("yes - no", estimator)
    assert row["estimate"] == pytest.approx(r["point"], rel=1e-9)
    for p, limit in ((0.025, r["low"]), (0.975, r["high"])):
        tol = 4 * math.sqrt(p * (1 - p) * (1 / n_boot + 1 / ref["R"]))
        assert np.mean(reps < limit - 1e-9) <= p + tol
        assert np.mean(reps <= limit + 1e-9) >= p - tol
    infinite = int(np.isinf(reps).sum())
    q = r["infinite"] / ref["R"]
    assert abs(infinite / n_boot - q) <= 4 * math.sqrt(max(q, 1 / n_boot) * 2 / n_boot)
    # MC SE of an SD is about sd * sqrt((kurtosis - 1) / 4B): 0.7% for both programs at
    # B = R = 20000 with normal kurtosis; 4% leaves room for 4 SE and mild excess kurtosis
    if name != "ratio":  # sd of a heavy-tailed ratio is not a stable check
        assert row["std_error"] == pytest.approx(r["sd"], rel=0.04)


def test_degenerate_data_do_not_crash():
    tiny = _tiny()
    empty = _run(tiny.iloc[:0])
    assert empty.n == 0 and empty.estimate("yes - no", RATIO)["n"] == 0
    control_only = _run(tiny[tiny["instruments"] == "no"])
    assert any("no participants in arm 'yes'" in e.reason for e in control_only.not_estimable)
    same_outflow = tiny.assign(regular_work=False)
    flat = _run(same_outflow)
    reason = {e.estimator: e.reason for e in flat.not_estimable}[RATIO]
    assert "no additional regular-work outflow" in reason
    assert flat.extras["bootstrap_summary"]["not_estimable"].iloc[0] == 200
    no_costs = _run(tiny.assign(instrument_cost=np.nan))
    assert math.isnan(no_costs.estimate("yes - no", COST)["estimate"])
    assert not math.isnan(no_costs.estimate("yes - no", SHARE)["estimate"])
    one_each = _run(tiny.iloc[[0, 2, 4, 6]])  # one person per cell
    row = one_each.estimate("yes - no", SHARE)  # nothing to resample: a point interval
    assert row["conf_low"] == row["conf_high"] == row["estimate"] == 0.5
    single = _run(tiny, design=TrialDesign(arms=("kompas",), strata=("40-60", "60-80")),
                  control_arm=None)
    assert "No control arm" in " ".join(single.notes)
    without_returns = _run(tiny.drop(columns="returned_on"))
    assert any("'returned_on' is not in the frame" in n for n in without_returns.notes)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="exits='all'"):
        _run(_tiny(), exits="all")
    with pytest.raises(ValueError, match="n_bootstrap=0"):
        _run(_tiny(), n_bootstrap=0)
    with pytest.raises(ValueError, match="'instrument_cost'"):
        _run(_tiny().drop(columns="instrument_cost"))


def test_on_a_simulated_trial():
    trial = simulate_trial(seed=2)
    frame = derive_outcomes(trial).frame.merge(
        trial.participants[["participant_id", "returned_on"]], on="participant_id")
    result = costs_and_savings(frame, design=trial.design, n_bootstrap=500)
    assert result.n == len(frame)
    assert result.extras["bootstrap_summary"]["n_bootstrap"].iloc[0] == 500


def test_bootstrap_interval_covers_about_95_percent():
    """Monte Carlo: 300 simulated 2 x 2 trials (25 per cell), B = 400 each, fixed seeds.

    Costs are gamma(4, 750) euros in the instrument arm (true mean difference 3000),
    zero in the control arm; the percentile interval of the mean cost difference
    should cover 3000 in 95% of trials, within 4 Monte Carlo standard errors.
    """
    reps, hits = 300, 0
    for child in np.random.SeedSequence(2014).spawn(reps):
        rng = np.random.default_rng(child)
        arm = np.tile(np.repeat(["no", "yes"], 25), 2)
        frame = pd.DataFrame({
            "band": np.repeat(["40-60", "60-80"], 50), "instruments": arm,
            "exit_on": pd.NaT, "exit_reason": None, "known_until": pd.Timestamp("2016-07-01"),
            "instrument_cost": np.where(arm == "yes", rng.gamma(4, 750, 100), 0.0),
            "regular_work": rng.random(100) < np.where(arm == "yes", 0.3, 0.1)})
        row = costs_and_savings(frame, n_bootstrap=400, seed=rng).estimate("yes - no", COST)
        hits += row["conf_low"] <= 3000 <= row["conf_high"]
    assert abs(hits / reps - 0.95) <= 4 * math.sqrt(0.95 * 0.05 / reps)
