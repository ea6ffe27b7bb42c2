"""Randomisation inference against exact enumeration of every allocation of a tiny trial."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.effects.randomisation import randomisation_test
from iedereen_doet_mee.design import TrialDesign, allocate

DESIGN = TrialDesign(allocation="randomised")  # 1:1 within band, blocks of 2 or 4
# seven participants; rows deliberately not in enrolment order
TINY = pd.DataFrame({
    "participant_id": ["P7", "P1", "P2", "P3", "P4", "P5", "P6"],
    "enrolled_on": pd.to_datetime(["2014-07-07", "2014-07-01", "2014-07-02", "2014-07-03",
                                   "2014-07-04", "2014-07-05", "2014-07-06"]),
    "band": ["60-80", "40-60", "60-80", "40-60", "40-60", "60-80", "40-60"],
    "instruments": ["no", "yes", "yes", "no", "yes", "no", "no"],
    "regular_work": [False, True, True, False, True, True, False],
})


def _band_allocations(count: int) -> dict[tuple[str, ...], Fraction]:
    """Every arm sequence the permuted-block procedure can give ``count`` people, with its
    probability: block multiples 1 or 2 (blocks of 2 or 4) drawn uniformly, one draw per
    possible block, blocks kept until they hold ``count`` slots, each block's content in a
    uniformly random order, the last block cut off after ``count`` slots."""
    n_blocks = -(-count // 2)
    out: dict[tuple[str, ...], Fraction] = {}
    for multiples in itertools.product((1, 2), repeat=n_blocks):
        p_multiples = Fraction(1, 2 ** n_blocks)
        sizes, kept = [], 0
        for m in multiples:
            if kept >= count:
                break
            sizes.append(2 * m)
            kept += 2 * m
        blocks = [list(itertools.permutations(["no"] * (s // 2) + ["yes"] * (s // 2)))
                  for s in sizes]
        for orders in itertools.product(*blocks):
            p = p_multiples
            for order in orders:
                p /= math.factorial(len(order))
            sequence = tuple(arm for order in orders for arm in order)[:count]
            out[sequence] = out.get(sequence, Fraction(0)) + p
    return out


def _statistic(arms: dict[str, str], frame: pd.DataFrame) -> float:
    """Block-weighted risk difference over the bands with both arms (NaN if none)."""
    total, weight = 0.0, 0
    for _, part in frame.groupby("band"):
        treated = [arms[i] == "yes" for i in part["participant_id"]]
        y = part["regular_work"].to_numpy(dtype=float)
        yes, no = y[np.array(treated)], y[~np.array(treated)]
        if len(yes) and len(no):
            total += len(part) * (yes.mean() - no.mean())
            weight += len(part)
    return total / weight if weight else math.nan


def _exact_distribution(frame: pd.DataFrame) -> list[tuple[float, float]]:
    ordered = frame.sort_values("enrolled_on")
    bands = {b: list(g["participant_id"]) for b, g in ordered.groupby("band")}
    per_band = {b: _band_allocations(len(ids)) for b, ids in bands.items()}
    out = []
    for combo in itertools.product(*[per_band[b].items() for b in bands]):
        arms, p = {}, Fraction(1)
        for (sequence, prob), ids in zip(combo, bands.values(), strict=True):
            arms.update(zip(ids, sequence, strict=True))
            p *= prob
        out.append((_statistic(arms, frame), float(p)))
    return out


def test_exact_enumeration_is_a_probability_distribution():
    assert sum(_band_allocations(3).values()) == 1
    assert sum(_band_allocations(4).values()) == 1
    # a band of three with blocks of 2 or 4 is never all-'yes'
    assert ("yes", "yes", "yes") not in _band_allocations(3)


def test_p_value_matches_exact_enumeration_within_monte_carlo_error():
    draws = 1500
    result = randomisation_test(TINY, design=DESIGN, n_draws=draws, seed=11)
    observed = _statistic(dict(zip(TINY["participant_id"], TINY["instruments"], strict=True)),
                          TINY)
    row = result.estimate("overall", "randomisation_test_block_weighted_risk_difference")
    assert row["estimate"] == pytest.approx(observed)
    exact = [(t, p) for t, p in _exact_distribution(TINY) if not math.isnan(t)]
    mass = sum(p for _, p in exact)
    simulated = result.extras["randomisation_distribution"]["statistic"].dropna().to_numpy()
    for alternative, hit in [("two-sided", lambda t: abs(t) >= abs(observed) - 1e-12),
                             ("greater", lambda t: t >= observed - 1e-12)]:
        p_exact = sum(p for t, p in exact if hit(t)) / mass
        p_mc = (1 + sum(hit(t) for t in simulated)) / (1 + simulated.size)
        if alternative == "two-sided":
            assert row["p_value"] == pytest.approx(p_mc)
        mc_se = math.sqrt(p_exact * (1 - p_exact) / simulated.size)
        assert abs(p_mc - p_exact) <= 4 * mc_se + 1 / simulated.size, alternative
    mean_exact = sum(t * p for t, p in exact) / mass
    sd_exact = math.sqrt(sum((t - mean_exact) ** 2 * p for t, p in exact) / mass)
    assert abs(simulated.mean() - mean_exact) <= 4 * sd_exact / math.sqrt(simulated.size)


def test_same_seed_same_result_and_draws_replay_allocate_in_enrolment_order():
    first = randomisation_test(TINY, design=DESIGN, n_draws=20, seed=5)
    second = randomisation_test(TINY, design=DESIGN, n_draws=20, seed=5)
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(first.extras["randomisation_distribution"],
                                  second.extras["randomisation_distribution"])
    ordered = TINY.sort_values("enrolled_on")
    child = np.random.SeedSequence(5).spawn(20)[0]
    arms = allocate(DESIGN, ordered["band"].tolist(), rng=np.random.default_rng(child)).arms
    expected = _statistic(dict(zip(ordered["participant_id"], arms, strict=True)), TINY)
    got = first.extras["randomisation_distribution"]["statistic"].iloc[0]
    assert got == pytest.approx(expected, nan_ok=True)
    other = randomisation_test(TINY, design=DESIGN, n_draws=20, seed=6)
    assert not other.extras["randomisation_distribution"].equals(
        first.extras["randomisation_distribution"])


def test_missing_outcome_is_allocated_but_not_counted_and_bad_input_is_refused():
    frame = TINY.assign(regular_work=TINY["regular_work"].astype(object))
    frame.loc[0, "regular_work"] = None
    result = randomisation_test(frame, design=DESIGN, n_draws=10, statistic="risk_difference")
    assert result.n == 6 and result.table["estimator"].iloc[0] == \
        "randomisation_test_risk_difference"
    with pytest.raises(ValueError, match="only valid for allocation 'randomised'"):
        randomisation_test(TINY, design=TrialDesign())
    with pytest.raises(ValueError, match="option statistic='mean'"):
        randomisation_test(TINY, design=DESIGN, statistic="mean")
    with pytest.raises(ValueError, match="enrolment order"):
        randomisation_test(TINY.drop(columns="enrolled_on"), design=DESIGN)
    with pytest.raises(ValueError, match="n_draws=0"):
        randomisation_test(TINY, design=DESIGN, n_draws=0)
    lonely = TINY[TINY["instruments"] == "no"]  # no band has both arms
    assert randomisation_test(lonely, design=DESIGN, n_draws=5).not_estimable
    assert randomisation_test(TINY.iloc[:0], design=DESIGN, n_draws=5).not_estimable


def test_above_its_threshold_the_randomisation_test_defers_to_the_wald_test(monkeypatch):
    from iedereen_doet_mee.analysis.effects import randomisation as module

    kept = randomisation_test(TINY, design=DESIGN, n_draws=50, seed=1)
    monkeypatch.setattr(module, "RANDOMISATION_TEST_MAX_PARTICIPANTS", len(TINY) - 1)
    result = randomisation_test(TINY, design=DESIGN, n_draws=50, seed=1)
    assert np.isfinite(kept.table["p_value"].iloc[0])
    assert result.table["p_value"].isna().all()
    assert "Wald test" in result.not_estimable[0].reason
    assert any("large-sample equivalent" in note for note in result.notes)
