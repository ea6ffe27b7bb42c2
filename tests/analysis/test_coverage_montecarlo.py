"""Monte Carlo coverage of the 95% intervals not checked elsewhere (issue 3, item 12).

Each test draws many small trials of the design's size (100 participants: 25 per band x
arm cell, or 50 per band with assigned arms) at once with numpy, from a data-generating
process whose true value is known exactly, and cuts them into replicates (the pattern
of ``test_effects_montecarlo.py``: one large simulated trial cut into many small ones).
The trial simulator is not used because its hazard ratios, odds ratios and restricted
means are not analytic. Every interval must cover the truth at 95% within 4 Monte Carlo
standard errors, sqrt(0.95 x 0.05 / R) for R usable replicates; a replicate whose
interval is not estimable (e.g. no discordant pairs for Mantel-Haenszel, separation in a
logistic model) is left out, and their number is checked to be small. The g-computation and IPW
intervals are known to be a little narrow at the trial's size: they are held to 95% at
500 per band and only checked for being not far off at 50. The measured coverages are
listed in ``docs/methods.md`` ("Monte Carlo coverage").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from iedereen_doet_mee.analysis.curves import kaplan_meier
from iedereen_doet_mee.analysis.effects.adjusted import adjusted_effects
from iedereen_doet_mee.analysis.effects.risk import mantel_haenszel
from iedereen_doet_mee.analysis.ladder import ladder_ordinal
from iedereen_doet_mee.analysis.survival import _cox, _rmst, time_to_regular_work
from iedereen_doet_mee.dates import DAYS_PER_MONTH

PER_CELL = 25
BANDS = np.repeat(["40-60", "60-80"], 2 * PER_CELL)  # cells 40-60/no, 40-60/yes, 60-80/...
ARMS = np.tile(np.repeat(["no", "yes"], PER_CELL), 2)
HIGH_BAND, TREATED = (BANDS == "60-80").astype(int), (ARMS == "yes").astype(int)
HORIZON = 24 * DAYS_PER_MONTH  # days


def _check(covered: list[float], replicates: int, name: str) -> float:
    """Coverage among the usable replicates; fails unless within 4 MC SE of 95%."""
    hits = np.asarray(covered, dtype=float)
    usable = hits[~np.isnan(hits)]
    assert usable.size >= 0.9 * replicates, (name, usable.size)
    coverage, se = usable.mean(), math.sqrt(0.95 * 0.05 / usable.size)
    assert abs(coverage - 0.95) <= 4 * se, (name, coverage, usable.size)
    return coverage


def _covers(row: pd.Series, truth: float) -> float:
    if not (np.isfinite(row["conf_low"]) and np.isfinite(row["conf_high"])):
        return math.nan
    return float(row["conf_low"] <= truth <= row["conf_high"])


def test_mantel_haenszel_interval_covers_the_common_odds_ratio():
    # P(y | band, arm): control risks 0.12 and 0.20 (the simulator's 24-month shares
    # without instruments), common odds ratio 2 in both bands: the truth is exactly 2
    replicates, odds_ratio = 400, 2.0
    odds = np.array([0.12 / 0.88, 0.20 / 0.80])[HIGH_BAND] * odds_ratio ** TREATED
    draws = np.random.default_rng(20140701).random((replicates, BANDS.size)) < odds / (1 + odds)
    covered = [_covers(mantel_haenszel(pd.DataFrame({
        "band": BANDS, "instruments": ARMS, "regular_work": y})).table.iloc[0], odds_ratio)
        for y in draws]
    _check(covered, replicates, "odds_ratio_mantel_haenszel")


def _survival_replicates(replicates: int, seed: int) -> tuple[list[pd.DataFrame], float, float]:
    """Trials with exponential times to regular work (24-month shares 0.15 and 0.25
    without instruments, hazard ratio 1.5), other exits competing at a constant hazard
    (24-month share 0.15, the same for everyone) and enrolment spread uniformly over
    24 months before the cut-off (administrative censoring uniform on 0-24 months).
    The cause-specific hazard ratio is 1.5 exactly; the restricted mean at 12 months of
    the Kaplan-Meier curve with other exits censored, per arm over both (equal) bands, is
    mean_b (1 - exp(-l_ba tau)) / l_ba."""
    hazard_ratio, tau = 1.5, 12 * DAYS_PER_MONTH
    base = -np.log(1 - np.array([0.15, 0.25])) / HORIZON
    rate = base[HIGH_BAND] * hazard_ratio ** TREATED
    other = -math.log(1 - 0.15) / HORIZON
    rng = np.random.default_rng(seed)
    shape = (replicates, BANDS.size)
    work, leave = rng.exponential(1 / rate, shape), rng.exponential(1 / other, shape)
    follow_up = rng.uniform(0, HORIZON, shape)
    time = np.minimum(np.minimum(work, leave), follow_up)
    event = np.where(time == work, "regular_work", np.where(time == leave, "moved", "censored"))
    frames = [pd.DataFrame({"band": BANDS, "instruments": ARMS, "time_days": t, "event": e})
              for t, e in zip(time, event, strict=True)]

    def area(r: np.ndarray) -> float:
        return float(np.mean((1 - np.exp(-r * tau)) / r)) / DAYS_PER_MONTH

    return frames, hazard_ratio, area(base * hazard_ratio) - area(base)


def test_cox_hazard_ratio_and_rmst_difference_intervals_cover_the_truth():
    # time_to_regular_work computes curves and bands for every group (about 0.2 s a
    # trial), so the coverage runs on the two pieces its rows are made of, survival._cox
    # (beta, se) and survival._rmst of the Kaplan-Meier curve per arm, and the first
    # trials check that time_to_regular_work reports exactly those numbers
    replicates, z = 400, stats.norm.ppf(0.975)
    frames, hazard_ratio, rmst_difference = _survival_replicates(replicates, 20160701)
    hr_hits, rmst_hits = [], []
    for k, frame in enumerate(frames):
        t, status = frame["time_days"].to_numpy(), (frame["event"] == "regular_work").to_numpy()
        treated, strata = (frame["instruments"] == "yes").to_numpy(), frame["band"].to_numpy()
        cox = _cox(t, status, treated, strata)
        hr = (math.nan,) * 2 if isinstance(cox, str) else (
            math.exp(cox[0] - z * cox[1]), math.exp(cox[0] + z * cox[1]))
        arms = [_rmst(kaplan_meier(t[m], status[m]), 12 * DAYS_PER_MONTH)
                for m in (treated, ~treated)]
        est, se = arms[0][0] - arms[1][0], math.hypot(arms[0][1], arms[1][1])
        rmst = (est - z * se, est + z * se)
        if k < 5:
            table = time_to_regular_work(frame).table.set_index("estimator")
            # astype: pandas 2.2 gives object dtype for part of a mixed-type row
            np.testing.assert_allclose(table.loc["cox_ph_efron_stratified", ["conf_low",
                                                                             "conf_high"]]
                                       .astype(float), hr, rtol=1e-12)
            np.testing.assert_allclose(table.loc["rmst_difference", ["conf_low", "conf_high"]]
                                       .astype(float), rmst, rtol=1e-12)
        hr_hits.append(_covers(pd.Series(hr, ["conf_low", "conf_high"]), hazard_ratio))
        rmst_hits.append(_covers(pd.Series(rmst, ["conf_low", "conf_high"]), rmst_difference))
    _check(hr_hits, replicates, "cox_ph_efron_stratified")
    _check(rmst_hits, replicates, "rmst_difference")


def test_proportional_odds_instrument_coefficient_covers_the_truth():
    # latent y* = 0.9 intake + 0.3 band + 0.8 instruments + logistic error, last rung =
    # 1 + #{thresholds below y*}: a proportional-odds model whose instrument coefficient
    # is 0.8 exactly (also after ladder_ordinal drops rungs nobody reached: merging
    # adjacent categories keeps the model). Intake rungs 1-4 with the simulator's shares.
    replicates, beta = 100, 0.8
    rng = np.random.default_rng(20150701)
    shape = (replicates, BANDS.size)
    intake = 1 + rng.choice(4, size=shape, p=[0.05, 0.25, 0.40, 0.30])
    latent = 0.9 * intake + 0.3 * HIGH_BAND + beta * TREATED + rng.logistic(size=shape)
    last = 1 + (latent[..., None] > np.array([1.0, 2.0, 3.2, 4.2, 5.2])).sum(axis=-1)
    covered = []
    for start, end in zip(intake, last, strict=True):
        table = ladder_ordinal(pd.DataFrame({"band": BANDS, "instruments": ARMS,
                                             "ladder_intake": start, "ladder_last": end}))
        covered.append(_covers(table.table.set_index("term").loc["instruments=yes vs no"],
                               beta))
    _check(covered, replicates, "proportional_odds_logit")


def _adjusted_hits(per_band: int, replicates: int, seed: int) -> dict[str, list[float]]:
    """Interval hits of the overall g-computation and IPW risk differences.

    Assigned arms: P(instruments | x) = expit(0.7 x), x ~ N(0, 1), in both bands
    (``per_band`` each); P(y | arm, band, x) = expit(logit(0.15) + 0.6 arm + 0.5 band +
    0.8 x): both working models are correct. Truths: g-computation reports the
    sample-average effect, mean_i p(1, band_i, x_i) - p(0, band_i, x_i) (its delta-method
    variance holds x fixed); IPW the population effect E_x[p(1, b, x) - p(0, b, x)]
    averaged over the (equal) bands, by Gauss-Hermite quadrature (80 nodes, exact to
    about 1e-12).
    """
    def p(arm, band, x):
        return expit(math.log(0.15 / 0.85) + 0.6 * arm + 0.5 * band + 0.8 * x)

    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    population = float(np.mean([weights @ (p(1, b, nodes) - p(0, b, nodes)) for b in (0, 1)]))
    band = np.repeat([0, 1], per_band)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((replicates, band.size))
    arm = (rng.random(x.shape) < expit(0.7 * x)).astype(int)
    y = rng.random(x.shape) < p(arm, band, x)
    hits: dict[str, list[float]] = {"risk_difference_gcomputation_adjusted": [],
                                    "risk_difference_ipw": []}
    for xr, ar, yr in zip(x, arm, y, strict=True):
        table = adjusted_effects(pd.DataFrame({
            "band": np.where(band == 1, "60-80", "40-60"), "regular_work": yr,
            "instruments": np.where(ar == 1, "yes", "no"), "x": xr}), covariates=["x"]).table
        overall = table[table["term"] == "overall"].set_index("estimator")
        sample = float(np.mean(p(1, band, xr) - p(0, band, xr)))
        for name, truth in zip(hits, (sample, population), strict=True):
            hits[name].append(_covers(overall.loc[name], truth))
    return hits


def test_gcomputation_and_ipw_intervals_cover_the_truth_where_large_samples_apply():
    # 500 per band: both Wald intervals cover 95% (within 4 MC SE)
    replicates = 300
    for name, covered in _adjusted_hits(500, replicates, 20140702).items():
        _check(covered, replicates, name)


def test_gcomputation_and_ipw_intervals_are_a_little_narrow_at_the_trial_size():
    # 50 per band (the trial's 100): known to be somewhat anti-conservative, the Wald
    # intervals of a logistic model and the sandwich of IPW ignore small-sample bias
    # (measured here 0.930 and 0.925; 0.932 and 0.918 in 2000 other replicates); the
    # check is only that they are not far off: at least 0.88, at most 95% + 4 MC SE
    replicates = 400
    for name, covered in _adjusted_hits(50, replicates, 20140703).items():
        hits = np.asarray(covered, dtype=float)
        usable = hits[~np.isnan(hits)]
        assert usable.size >= 0.9 * replicates, (name, usable.size)
        assert 0.88 <= usable.mean() <= 0.95 + 4 * math.sqrt(0.95 * 0.05 / usable.size), name
