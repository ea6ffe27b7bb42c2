"""Fisher's exact test against frozen R output; Boschloo's test against exact enumeration.

Reference: tests/reference/effects.R -> effects_reference.json ("exact"): R 4.2.2
fisher.test on tests/reference/data/effects_trial.csv and effects_synthetic.csv (the
bundled synthetic trial, whose cell 60-80/no has no events).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq, minimize_scalar

from iedereen_doet_mee.analysis.effects.exact import exact_tests

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "effects_reference.json").read_text(encoding="utf-8"))["exact"]
DATA = {"trial": pd.read_csv(REF / "data" / "effects_trial.csv"),
        "synthetic": pd.read_csv(REF / "data" / "effects_synthetic.csv")}


@pytest.mark.parametrize("key", ["trial", "synthetic"])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
@pytest.mark.parametrize("term", ["pooled", "band=40-60", "band=60-80"])
def test_fisher_matches_fisher_test(key, alternative, term):
    # R: fisher.test(table(instruments[yes, no], regular_work[1, 0]), alternative = alt)
    ref = R[key][term][alternative]
    row = exact_tests(DATA[key], alternative=alternative).estimate(
        term, f"fisher_exact_{alternative.replace('-', '_')}")
    assert row["p_value"] == pytest.approx(ref["p_value"], rel=1e-6)
    # R solves for the conditional MLE and the interval limits with uniroot at its default
    # tolerance (about 1.2e-4 absolute, on the 1/OR scale for large upper limits), so its
    # limits are off by up to 1e-3 relative; they are pinned tightly by the exact
    # enumeration below and compared with R loosely here.
    for column in ("estimate", "conf_low", "conf_high"):
        expected = math.inf if ref[column] == "Inf" else ref[column]
        assert row[column] == pytest.approx(expected, rel=5e-3, abs=1e-9), column


def _noncentral_hypergeometric(x1: int, n1: int, x0: int, n0: int):
    """Support and P(X = x; psi) of treated events given both margins (Fisher 1935)."""
    m = x1 + x0
    support = np.arange(max(0, m - n0), min(n1, m) + 1)
    log_weight = np.array([math.log(math.comb(n1, x)) + math.log(math.comb(n0, m - x))
                           for x in support])

    def pmf(log_psi: float) -> np.ndarray:
        z = log_weight + support * log_psi
        z = np.exp(z - z.max())
        return z / z.sum()

    return support, pmf


def _conditional_mle_and_interval(x1, n1, x0, n0, alternative, level=0.95):
    support, pmf = _noncentral_hypergeometric(x1, n1, x0, n0)
    alpha = (1 - level) / (2 if alternative == "two-sided" else 1)
    if x1 == support[0]:
        mle, low = 0.0, 0.0
    else:
        mle = math.exp(brentq(lambda v: pmf(v) @ support - x1, -50, 50, xtol=1e-14))
        low = math.exp(brentq(lambda v: pmf(v)[support >= x1].sum() - alpha, -50, 50,
                              xtol=1e-14))
    if x1 == support[-1]:
        mle, high = math.inf, math.inf
    else:
        high = math.exp(brentq(lambda v: pmf(v)[support <= x1].sum() - alpha, -50, 50,
                               xtol=1e-14))
    if alternative == "greater":
        high = math.inf
    return mle, low, high


@pytest.mark.parametrize("key", ["trial", "synthetic"])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_fisher_odds_ratio_and_interval_match_exact_enumeration(key, alternative):
    # the conditional MLE solves E[X; psi] = x and the exact limits solve
    # P(X >= x; psi_L) = alpha/2 and P(X <= x; psi_U) = alpha/2 over the noncentral
    # hypergeometric distribution, computed here from binomial coefficients
    frame = DATA[key]
    result = exact_tests(frame, alternative=alternative)
    for term, mask in [("pooled", np.ones(len(frame), dtype=bool)),
                       ("band=40-60", frame["band"] == "40-60"),
                       ("band=60-80", frame["band"] == "60-80")]:
        part = frame[mask]
        yes, no = part[part["instruments"] == "yes"], part[part["instruments"] == "no"]
        expected = _conditional_mle_and_interval(
            int(yes["regular_work"].sum()), len(yes), int(no["regular_work"].sum()), len(no),
            alternative)
        row = result.estimate(term, f"fisher_exact_{alternative.replace('-', '_')}")
        got = (row["estimate"], row["conf_low"], row["conf_high"])
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-12), term


def _hypergeom_cdf(k0: int, n1: int, n0: int, s: int) -> float:
    """P(K0 <= k0) for K0 events of arm 0 given s events in all (exact integers)."""
    total = math.comb(n1 + n0, s)
    return sum(math.comb(n0, j) * math.comb(n1, s - j) for j in range(0, k0 + 1)
               if 0 <= s - j <= n1) / total


def _boschloo_by_enumeration(x1: int, n1: int, x0: int, n0: int, alternative: str) -> float:
    """sup over pi of P(Fisher p-value <= observed), by listing all (k1, k0) tables."""
    if alternative == "two-sided":
        return min(1.0, 2 * min(_boschloo_by_enumeration(x1, n1, x0, n0, "greater"),
                                _boschloo_by_enumeration(x1, n1, x0, n0, "less")))

    def fisher(k1: int, k0: int) -> float:
        if alternative == "greater":  # few events in arm 0 given the total
            return _hypergeom_cdf(k0, n1, n0, k1 + k0)
        return _hypergeom_cdf(k1, n0, n1, k1 + k0)

    observed = fisher(x1, x0)
    extreme = [(k1, k0) for k1 in range(n1 + 1) for k0 in range(n0 + 1)
               if fisher(k1, k0) <= observed * (1 + 1e-13)]

    def prob(pi: float) -> float:
        return sum(math.comb(n1, k1) * pi**k1 * (1 - pi) ** (n1 - k1) * math.comb(n0, k0)
                   * pi**k0 * (1 - pi) ** (n0 - k0) for k1, k0 in extreme)

    grid = np.linspace(0, 1, 2001)
    best = grid[int(np.argmax([prob(p) for p in grid]))]
    refined = minimize_scalar(lambda p: -prob(p), bounds=(max(0, best - 1e-3),
                                                          min(1, best + 1e-3)),
                              method="bounded", options={"xatol": 1e-12})
    return max(prob(best), -refined.fun)


@pytest.mark.parametrize("counts", [(3, 4, 0, 5), (4, 6, 1, 5), (2, 3, 2, 4), (0, 4, 3, 3)])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_boschloo_matches_exact_enumeration(counts, alternative):
    x1, n1, x0, n0 = counts
    frame = pd.DataFrame({"band": "a", "instruments": ["yes"] * n1 + ["no"] * n0,
                          "regular_work": [1] * x1 + [0] * (n1 - x1) + [1] * x0 + [0] * (n0 - x0)})
    row = exact_tests(frame, alternative=alternative).estimate(
        "pooled", f"boschloo_exact_{alternative.replace('-', '_')}")
    expected = _boschloo_by_enumeration(x1, n1, x0, n0, alternative)
    # scipy maximises over pi with shgo on Sobol points; the enumeration with a fine grid
    # and a bounded refinement: the maxima agree to about 1e-9.
    assert row["p_value"] == pytest.approx(expected, rel=1e-6)
    assert row["estimate"] == pytest.approx(x1 / n1 - x0 / n0)


def test_degenerate_cells_still_answer():
    frame = pd.DataFrame({"band": ["a"] * 6 + ["b"] * 3,
                          "instruments": ["yes", "no"] * 3 + ["no"] * 3,
                          "regular_work": [0] * 9})
    result = exact_tests(frame)
    fisher = result.estimate("band=a", "fisher_exact_two_sided")
    assert fisher["p_value"] == 1 and math.isnan(fisher["estimate"])
    assert math.isnan(result.estimate("band=b", "boschloo_exact_two_sided")["p_value"])
    assert {i.term for i in result.not_estimable} == {"pooled", "band=a", "band=b"}
    assert exact_tests(frame.iloc[:0]).table["p_value"].isna().all()
    with pytest.raises(ValueError, match="option alternative='bigger'"):
        exact_tests(frame, alternative="bigger")


# -- large tables: thresholds of the exact methods --------------------------------------
def _large(n_per_arm: int) -> pd.DataFrame:
    """A two-band trial with n_per_arm per arm and band, outflow 20% vs 15%."""
    rows = []
    for band in ("40-60", "60-80"):
        for arm, share in (("yes", 0.2), ("no", 0.15)):
            events = round(share * n_per_arm)
            rows += [(band, arm, int(k < events)) for k in range(n_per_arm)]
    return pd.DataFrame(rows, columns=["band", "instruments", "regular_work"])


def test_above_its_threshold_boschloo_is_left_out_and_fisher_answers():
    from scipy import stats

    from iedereen_doet_mee.analysis.effects.exact import BOSCHLOO_MAX_PARTICIPANTS

    n = BOSCHLOO_MAX_PARTICIPANTS // 4 + 1  # pooled table just above, bands below
    result = exact_tests(_large(n))
    pooled = result.estimate("pooled", "boschloo_exact_two_sided")
    assert math.isnan(pooled["p_value"])
    assert any(item.estimator == "boschloo_exact_two_sided" and "Fisher" in item.reason
               for item in result.not_estimable)
    assert any(note.startswith("Boschloo's test is computed for tables of up to")
               for note in result.notes)
    assert np.isfinite(result.estimate("band=40-60", "boschloo_exact_two_sided")["p_value"])
    x1, x0 = 2 * round(0.2 * n), 2 * round(0.15 * n)
    fisher = stats.fisher_exact([[x1, 2 * n - x1], [x0, 2 * n - x0]]).pvalue
    assert result.estimate("pooled", "fisher_exact_two_sided")["p_value"] == pytest.approx(
        fisher, rel=1e-12)


def test_above_its_threshold_the_odds_ratio_is_woolfs_and_close_to_the_exact_one():
    from statsmodels.stats.contingency_tables import Table2x2

    from iedereen_doet_mee.analysis.effects import exact as effects_exact
    from iedereen_doet_mee.analysis.effects.exact import (
        CONDITIONAL_EXACT_MAX_PARTICIPANTS,
        odds_ratio_interval,
    )

    n = CONDITIONAL_EXACT_MAX_PARTICIPANTS // 2 + 1
    table = [[round(0.2 * n), n - round(0.2 * n)], [round(0.15 * n), n - round(0.15 * n)]]
    estimate, low, high, exact = odds_ratio_interval(table, level=0.95)
    woolf = Table2x2(np.asarray(table))  # statsmodels: sample OR, Woolf's interval
    assert not exact
    assert (estimate, low, high) == pytest.approx((woolf.oddsratio,
                                                   *woolf.oddsratio_confint(0.05)), rel=1e-12)
    # just below the threshold the exact conditional answer; the two differ by < 1%
    small = [[row[0] - 1, row[1]] for row in table]
    exact_values = odds_ratio_interval(small, level=0.95)
    woolf_small = Table2x2(np.asarray(small))
    assert exact_values[3]
    assert exact_values[:3] == pytest.approx(
        (woolf_small.oddsratio, *woolf_small.oddsratio_confint(0.05)), rel=0.01)
    # an empty cell: Haldane-Anscombe's +0.5 everywhere
    empty = [[0, n], [5, n - 5]]
    corrected = Table2x2(np.asarray(empty) + 0.5)
    assert odds_ratio_interval(empty, level=0.95)[:3] == pytest.approx(
        (corrected.oddsratio, *corrected.oddsratio_confint(0.05)), rel=1e-12)
    result = exact_tests(_large(n // 2 + 1))  # pooled table above the threshold
    assert effects_exact.WOOLF_NOTE in result.notes
    assert effects_exact.WOOLF_NOTE not in exact_tests(DATA["synthetic"]).notes
