"""Small own statistics against the scipy or statsmodels function that does the same job.

Intervals for proportions (Wilson, Newcombe), Holm's adjustment, the Kaplan-Meier and
Aalen-Johansen curves, the stratified log-rank test and the employer survey's t
intervals are written out in the package (each module says why); their numbers are
pinned to R elsewhere (``test_ladder.py``, ``test_instruments.py``, ``test_missing.py``,
``test_survival.py``, ``test_employers.py``). Here they are pinned to the Python
library's answer on the same real data: R's ``lung``, ``veteran`` and ``mgus2`` data
(survival package), psych's ``bfi`` agreeableness items and the instrument table of
``tests/reference/data``. Deterministic values agree to ``rtol=1e-9`` (sums of
floating-point terms in another order) unless a comment says otherwise.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from iedereen_doet_mee.analysis.common import holm_p_values, wilson_interval, z_value
from iedereen_doet_mee.analysis.curves import cumulative_incidence, kaplan_meier
from iedereen_doet_mee.analysis.employers import MEAN, WELCH, _compare, _mean_row
from iedereen_doet_mee.analysis.instruments import newcombe_interval
from iedereen_doet_mee.analysis.survival import _log_rank
from iedereen_doet_mee.analysis.target import _binomial_rows

DATA = Path(__file__).resolve().parents[1] / "reference" / "data"
RTOL = 1e-9


def test_wilson_interval_equals_statsmodels_and_scipy_on_every_count_up_to_60():
    z = z_value(0.95)
    for n in range(1, 61):
        for x in range(n + 1):
            ours = wilson_interval(x, n, z=z)
            ci = stats.binomtest(x, n).proportion_ci(0.95, method="wilson")
            assert ours == pytest.approx(proportion_confint(x, n, alpha=0.05,
                                                            method="wilson"), abs=1e-12)
            assert ours == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_target_rows_equal_statsmodels_and_scipy_binomial_intervals_and_tests():
    # every count up to n = 40 at the target 0.4: the Clopper-Pearson interval, the Wilson
    # interval (clipped to 0 and 1 at the edges), the one-sided exact limits and p-values
    for n in range(1, 41):
        for x in range(n + 1):
            rows = {r["estimator"]: r for r in _binomial_rows("overall", x, n, 0.4, 0.95, [])}
            exact = stats.binomtest(x, n, 0.4, alternative="greater")
            below = stats.binomtest(x, n, 0.4, alternative="less")
            cp, wilson = rows["proportion_clopper_pearson"], rows["proportion_wilson"]
            met = rows["binomial_exact_one_sided_target_met"]
            missed = rows["binomial_exact_one_sided_target_missed"]
            assert (cp["conf_low"], cp["conf_high"]) == pytest.approx(
                proportion_confint(x, n, alpha=0.05, method="beta"), abs=1e-12)
            assert (wilson["conf_low"], wilson["conf_high"]) == pytest.approx(
                proportion_confint(x, n, alpha=0.05, method="wilson"), abs=1e-12)
            assert met["p_value"] == pytest.approx(exact.pvalue, rel=RTOL)
            assert missed["p_value"] == pytest.approx(below.pvalue, rel=RTOL)
            assert met["conf_low"] == pytest.approx(
                exact.proportion_ci(0.95, method="exact").low, abs=1e-12)
            assert missed["conf_high"] == pytest.approx(
                below.proportion_ci(0.95, method="exact").high, abs=1e-12)


def test_wilson_interval_of_an_empty_cell_is_missing_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all(math.isnan(v) for v in wilson_interval(0, 0, z=1.96))


def test_holm_equals_statsmodels_multipletests_on_the_known_p_values():
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.uniform(0, 0.1, 6), rng.uniform(0, 1, 6), [np.nan, np.nan]])
    p = rng.permutation(p)
    known = ~np.isnan(p)
    ours = holm_p_values(p)
    np.testing.assert_allclose(ours[known], multipletests(p[known], method="holm")[1],
                               rtol=RTOL)
    assert np.isnan(ours[~known]).all()
    # multipletests given the NaNs counts them as tests: every adjusted p-value is larger
    with np.errstate(invalid="ignore"):
        theirs = multipletests(p, method="holm")[1]
    assert (theirs[known] >= ours[known]).all() and (theirs[known] > ours[known]).any()


def _instrument_tables() -> list[tuple[int, int, int, int]]:
    """(x1, n1, x0, n0): durable placement with and without each instrument kind (the
    kinds that some but not all received)."""
    frame = pd.read_csv(DATA / "instruments_input.csv")
    out = []
    for kind in frame.columns.drop(["participant_id", "durable"]):
        got, durable = frame[kind] == 1, frame["durable"] == 1
        if 0 < got.sum() < len(frame):
            out.append((int((got & durable).sum()), int(got.sum()),
                        int((~got & durable).sum()), int((~got).sum())))
    return out


@pytest.mark.parametrize("counts", [*_instrument_tables(), (56, 70, 48, 80), (0, 10, 0, 20),
                                    (10, 10, 0, 12), (1, 3, 2, 2)])
def test_newcombe_interval_equals_statsmodels_newcomb(counts):
    x1, n1, x0, n0 = counts
    for level in (0.90, 0.95):
        theirs = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb",
                                            compare="diff", alpha=1 - level)
        assert newcombe_interval(x1, n1, x0, n0, level) == pytest.approx(theirs, abs=1e-12)


def _survival(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time, death, group (sex or treatment) and stratum of R's lung or veteran data."""
    frame = pd.read_csv(DATA / f"survival_{name}.csv")
    if name == "lung":
        frame = frame.dropna(subset=["ph.ecog"])
        return (frame["time"].to_numpy(float), (frame["status"] == 2).to_numpy(),
                (frame["sex"] == 2).to_numpy(), frame["ph.ecog"].to_numpy())
    return (frame["time"].to_numpy(float), (frame["status"] == 1).to_numpy(),
            (frame["trt"] == 2).to_numpy(), frame["celltype"].to_numpy())


@pytest.mark.parametrize("name", ["lung", "veteran"])
def test_kaplan_meier_equals_statsmodels_survfuncright_at_the_event_times(name):
    time, death, group, _ = _survival(name)
    for mask in (np.ones(time.size, dtype=bool), group, ~group):
        ours = kaplan_meier(time[mask], death[mask])
        theirs = SurvfuncRight(time[mask], death[mask].astype(float))
        at_events = ours[ours["n_event"] > 0]
        np.testing.assert_array_equal(at_events["time"], theirs.surv_times)
        np.testing.assert_array_equal(at_events["n_risk"], theirs.n_risk)
        np.testing.assert_allclose(at_events["survival"], theirs.surv_prob, rtol=RTOL)
        np.testing.assert_allclose(at_events["std_error"], theirs.surv_prob_se, rtol=RTOL)


def test_cumulative_incidence_estimate_equals_statsmodels_cumincidenceright_on_mgus2():
    # the estimate agrees; the variance is Gray's (R cmprsk), pinned to R in
    # test_survival.py: statsmodels' differs from it by up to 16% here
    frame = pd.read_csv(DATA / "survival_mgus2.csv")
    time, cause = frame["etime"].to_numpy(float), frame["event"].to_numpy(int)
    ours = cumulative_incidence(time, cause)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        theirs = CumIncidenceRight(time, cause)
    np.testing.assert_array_equal(ours["time"], theirs.times)
    np.testing.assert_allclose(ours["estimate"], theirs.cinc[0], rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("name", ["lung", "veteran"])
@pytest.mark.parametrize("stratified", [True, False])
def test_log_rank_equals_statsmodels_survdiff(name, stratified):
    time, death, group, stratum = _survival(name)
    strata = stratum if stratified else np.zeros(time.size)
    observed, expected, variance = _log_rank(time, death, group, strata)
    chisq, p = survdiff(time, death.astype(float), group.astype(int),
                        strata=strata if stratified else None)
    assert (observed - expected) ** 2 / variance == pytest.approx(chisq, rel=RTOL)
    assert stats.chi2.sf((observed - expected) ** 2 / variance, 1) == pytest.approx(p, rel=RTOL)


def _agreeableness() -> tuple[np.ndarray, np.ndarray]:
    """Scale scores (mean of A2-A5, complete responses) of women and men in psych::bfi."""
    frame = pd.read_csv(DATA / "bfi_agreeableness.csv").dropna()
    score = frame[["A2", "A3", "A4", "A5"]].mean(axis=1)
    return score[frame["gender"] == 2].to_numpy(), score[frame["gender"] == 1].to_numpy()


def test_welch_difference_equals_scipy_ttest_ind():
    women, men = _agreeableness()
    row = next(r for r in _compare("c", women, men, 0.95, []) if r["estimator"] == WELCH)
    test = stats.ttest_ind(women, men, equal_var=False)
    ci = test.confidence_interval(0.95)
    assert row["statistic"] == pytest.approx(test.statistic, rel=RTOL)
    assert row["p_value"] == pytest.approx(test.pvalue, rel=RTOL)
    assert (row["conf_low"], row["conf_high"]) == pytest.approx((ci.low, ci.high), rel=RTOL)


def test_mean_t_interval_equals_scipy_ttest_1samp():
    women, _ = _agreeableness()
    row = _mean_row("women", women, 0.95, [])
    ci = stats.ttest_1samp(women, 0.0).confidence_interval(0.95)
    assert row["estimator"] == MEAN
    assert (row["conf_low"], row["conf_high"]) == pytest.approx((ci.low, ci.high), rel=RTOL)
