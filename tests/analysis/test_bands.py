"""Simultaneous equal-precision bands for Kaplan-Meier curves.

References: the critical value at a single point is the normal quantile (exact); the
probability that the standardised Brownian bridge stays within the critical value is
checked by an independent Monte Carlo simulation of the exact Ornstein-Uhlenbeck
recursion on a fine grid; and the band's simultaneous coverage of a known survival
curve is checked on simulated censored exponential data (within 4 Monte Carlo SE).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from iedereen_doet_mee.analysis.bands import (
    equal_precision_band,
    equal_precision_critical_value,
)
from iedereen_doet_mee.analysis.curves import kaplan_meier


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_one_point_gives_the_normal_quantile(level):
    c = equal_precision_critical_value(0.4, 0.4 + 1e-13, level=level)
    assert c == pytest.approx(stats.norm.ppf(0.5 + level / 2), abs=1e-3)


def test_critical_value_grows_with_the_range():
    values = [equal_precision_critical_value(0.5 - w, 0.5 + w) for w in (0.05, 0.2, 0.4, 0.49)]
    assert values == sorted(values) and values[0] > 1.96


@pytest.mark.parametrize(("a_low", "a_high"), [(0.1, 0.9), (0.3, 0.6)])
def test_bridge_stays_within_the_critical_value_with_the_stated_probability(a_low, a_high):
    """Monte Carlo of sup |W0(x)| / sqrt(x(1-x)) over [a_low, a_high] via the exact OU
    recursion U(s + d) = e^-d U(s) + sqrt(1 - e^-2d) Z, d = 0.001 (no correction: fine
    monitoring slightly underestimates the supremum, by about 0.003 in probability)."""
    c = equal_precision_critical_value(a_low, a_high)
    length = 0.5 * (math.log(a_high / (1 - a_high)) - math.log(a_low / (1 - a_low)))
    rng = np.random.default_rng(20140701)
    paths, step = 6000, 0.001
    u = rng.standard_normal(paths)
    top = np.abs(u)
    decay, noise = math.exp(-step), math.sqrt(-math.expm1(-2 * step))
    for _ in range(round(length / step)):
        u = decay * u + noise * rng.standard_normal(paths)
        np.maximum(top, np.abs(u), out=top)
    stayed = float((top <= c).mean())
    se = math.sqrt(0.95 * 0.05 / paths)
    assert abs(stayed - 0.95) <= 4 * se + 0.003, (stayed, c)


def test_band_covers_the_whole_true_curve_at_about_the_stated_rate():
    rng = np.random.default_rng(5)
    reps, n, rate = 200, 200, 0.1
    covered = 0
    for _ in range(reps):
        event_time = rng.exponential(1 / rate, n)
        censor_time = rng.uniform(0, 25, n)
        time = np.minimum(event_time, censor_time)
        curve = equal_precision_band(kaplan_meier(time, event_time <= censor_time), n)
        inside = curve["band_low"].notna()
        truth = np.exp(-rate * curve.loc[inside, "time"])
        # the band is a step function: check it just before and at each jump
        low, high = curve.loc[inside, "band_low"], curve.loc[inside, "band_high"]
        before = np.exp(-rate * (curve.loc[inside, "time"] - 1e-9))
        prev_low = low.shift(1).fillna(low.iloc[0])
        prev_high = high.shift(1).fillna(high.iloc[0])
        ok = ((low <= truth) & (truth <= high)).all() and (
            (prev_low.iloc[1:] <= before.iloc[1:]) & (before.iloc[1:] <= prev_high.iloc[1:])).all()
        covered += bool(ok)
    share = covered / reps
    assert abs(share - 0.95) <= 4 * math.sqrt(0.95 * 0.05 / reps), share


def test_band_is_wider_than_the_pointwise_interval_and_degenerate_curves_have_none():
    rng = np.random.default_rng(2)
    curve = equal_precision_band(kaplan_meier(rng.exponential(5, 60), rng.random(60) < 0.7), 60)
    both = curve["band_low"].notna() & curve["conf_low"].notna()
    assert both.sum() > 10
    assert (curve.loc[both, "band_low"] <= curve.loc[both, "conf_low"] + 1e-12).all()
    assert (curve.loc[both, "band_high"] >= curve.loc[both, "conf_high"] - 1e-12).all()
    no_events = equal_precision_band(kaplan_meier([1.0, 2.0, 3.0], [False] * 3), 3)
    assert no_events["band_low"].isna().all()
    single = equal_precision_band(kaplan_meier([1.0], [True]), 1)
    assert single["band_low"].isna().all()
    with pytest.raises(ValueError, match="a_low"):
        equal_precision_critical_value(0.9, 0.1)
