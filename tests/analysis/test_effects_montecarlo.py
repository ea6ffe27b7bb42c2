"""Monte Carlo checks of the effect estimators on simulated trials (fixed seeds).

The simulator's ``regular_work_24m`` gives the true share of every band/arm cell by 24
months; with enrolment in one month, a cut-off three years later, no loss to follow-up
and no exits after 24 months, the binary outcome ``regular_work`` at the cut-off is that
24-month outcome for everyone. True risk differences: 0.18 - 0.12 = 0.06 (band 40-60),
0.30 - 0.20 = 0.10 (band 60-80) and 0.08 overall (equal bands).
"""

from __future__ import annotations

import math

import pytest

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.analysis.effects import instrument_effects
from iedereen_doet_mee.analysis.effects.risk import risk_effects, stratified_risk_difference
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

PARAMETERS = SimulationParameters(exit_rate_after_24m_per_year=0.0, loss_to_follow_up_24m=0.0)
SHARES = PARAMETERS.regular_work_24m
TRUTH = {"band=40-60": SHARES["40-60/yes"] - SHARES["40-60/no"],
         "band=60-80": SHARES["60-80/yes"] - SHARES["60-80/no"]}
TRUTH["overall"] = (TRUTH["band=40-60"] + TRUTH["band=60-80"]) / 2
REPLICATES, PER_CELL = 300, 25


def _within_4_mc_se(hits: int, replicates: int, nominal: float = 0.95) -> bool:
    se = math.sqrt(nominal * (1 - nominal) / replicates)
    return abs(hits / replicates - nominal) <= 4 * se


def test_risk_difference_intervals_cover_the_true_difference():
    # One randomised trial of 300 x 25 people per cell, cut into 300 trials of 25 per cell
    # (the r-th 25 of every cell): participants are independent given their cell, so the
    # pieces are independent trials of the design's size with complete randomisation of
    # fixed cell sizes; simulating 300 separate trials gives the same law but takes 15 s.
    design = TrialDesign(allocation="randomised", n_per_cell=PER_CELL * REPLICATES,
                         enrolment_months=1, cutoff="2017-08-01")
    frame = derive_outcomes(simulate_trial(design, parameters=PARAMETERS, seed=7)).frame
    # everyone is followed for at least 24 months: the outcome is complete
    assert ((frame["time_days"] >= 731) | frame["event"].ne("censored")).all()
    assert not frame["lost_to_follow_up"].any()
    frame["replicate"] = frame.groupby(["band", "instruments"]).cumcount() // PER_CELL
    hits = dict.fromkeys([*TRUTH, "block_weighted"], 0)
    for _, trial in frame.groupby("replicate"):
        table = risk_effects(trial).table
        for row in table[table["estimator"] == "risk_difference_hc2"].itertuples():
            hits[row.term] += row.conf_low <= TRUTH[row.term] <= row.conf_high
        block = stratified_risk_difference(trial).table.iloc[0]
        hits["block_weighted"] += block["conf_low"] <= TRUTH["overall"] <= block["conf_high"]
    for name, count in hits.items():
        assert _within_4_mc_se(count, REPLICATES), (name, count / REPLICATES)


@pytest.mark.parametrize("selection", [0.3, 0.6])
def test_adjusted_estimates_are_closer_to_the_truth_under_assigned_allocation(selection):
    # caseworkers give instruments to people with a better prognosis (assignment_selection):
    # the unadjusted block-weighted difference is biased upward; adjusting for baseline
    # covariates correlated with the prognosis must move both estimates towards the truth
    params = SimulationParameters(exit_rate_after_24m_per_year=0.0, loss_to_follow_up_24m=0.0,
                                  assignment_selection=selection)
    design = TrialDesign(n_per_cell=2000, enrolment_months=1, cutoff="2017-08-01")
    trial = simulate_trial(design, parameters=params, seed=8)
    frame = derive_outcomes(trial).frame.merge(trial.participants[
        ["participant_id", "age", "wage_value_estimate", "ladder_rung_intake",
         "months_on_benefit"]])
    unadjusted = stratified_risk_difference(frame).table["estimate"].iloc[0]
    result = instrument_effects(frame, allocation="assigned", design=design)
    for estimator in ("risk_difference_gcomputation_adjusted_non_experimental",
                      "risk_difference_ipw_non_experimental"):
        adjusted = result.estimate("overall", estimator)["estimate"]
        assert abs(adjusted - TRUTH["overall"]) < abs(unadjusted - TRUTH["overall"]), estimator
        assert adjusted < unadjusted


def test_risk_ratio_marginal_effect_and_share_intervals_cover_the_truth():
    """Same 300 pieces of 25 per cell. True risk ratio 1.5 in both bands and overall
    (0.18/0.12, 0.30/0.20, 0.24/0.16); the average marginal effect of the saturated
    logit equals the risk difference (truth as above); the overall share is 0.20.
    Pieces where the logit is separated (a cell without events) are not estimable and
    are left out of the count (at most a few; the count is checked)."""
    from iedereen_doet_mee.analysis.common import wilson_interval, z_value
    from iedereen_doet_mee.analysis.effects.logistic import logistic_effects

    design = TrialDesign(allocation="randomised", n_per_cell=PER_CELL * REPLICATES,
                         enrolment_months=1, cutoff="2017-08-01")
    frame = derive_outcomes(simulate_trial(design, parameters=PARAMETERS, seed=11)).frame
    frame["replicate"] = frame.groupby(["band", "instruments"]).cumcount() // PER_CELL
    share_truth = sum(SHARES[k] for k in ("40-60/no", "40-60/yes", "60-80/no", "60-80/yes")) / 4
    hits = {"risk_ratio": 0, "ame": 0, "wilson": 0}
    usable = {"risk_ratio": 0, "ame": 0, "wilson": 0}
    for _, trial in frame.groupby("replicate"):
        rr = risk_effects(trial).estimate("overall", "risk_ratio_poisson_hc2")
        if rr[["conf_low", "conf_high"]].notna().all():
            usable["risk_ratio"] += 1
            hits["risk_ratio"] += rr["conf_low"] <= 1.5 <= rr["conf_high"]
        ame = logistic_effects(trial).estimate("overall", "average_marginal_effect_logit")
        if ame[["conf_low", "conf_high"]].notna().all():
            usable["ame"] += 1
            hits["ame"] += ame["conf_low"] <= TRUTH["overall"] <= ame["conf_high"]
        low, high = wilson_interval(int(trial["regular_work"].sum()), len(trial),
                                    z=z_value(0.95))
        usable["wilson"] += 1
        hits["wilson"] += low <= share_truth <= high
    for name in hits:
        assert usable[name] >= 0.9 * REPLICATES, (name, usable[name])
        assert _within_4_mc_se(hits[name], usable[name]), (name, hits[name] / usable[name])
