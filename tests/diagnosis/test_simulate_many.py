"""The vectorised simulator draws from the same model as the trial simulator."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.simulate_many import _permuted_blocks, simulate_outcomes
from iedereen_doet_mee.simulation import simulate_trial
from iedereen_doet_mee.simulation.parameters import SimulationParameters

PARAMS = SimulationParameters()


@pytest.mark.parametrize("allocation", ["randomised", "assigned"])
def test_cell_outflow_by_the_cutoff_agrees_with_simulate_trial(allocation):
    """Observed outflow per cell (with censoring at the cut-off and loss to follow-up)."""
    design = TrialDesign(allocation=allocation, n_per_cell=2000)
    frame = derive_outcomes(simulate_trial(design, seed=4)).frame
    full = frame.groupby(["band", "instruments"])["regular_work"].agg(["sum", "count"])
    many = simulate_outcomes(design, PARAMS, 1, np.random.default_rng(4))
    events, sizes = many.cell_counts(2, 2)
    for b, band in enumerate(design.strata):
        for a, arm in enumerate(design.arms):
            x1, n1 = full.loc[(band, arm)]
            x2, n2 = events[0, b, a], sizes[0, b, a]
            p = (x1 + x2) / (n1 + n2)
            se = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
            assert abs(x1 / n1 - x2 / n2) <= 4 * se, (band, arm, x1 / n1, x2 / n2)
            if allocation == "assigned":
                assert n1 == n2 == 2000


def test_full_follow_up_gives_the_assumed_shares():
    design = TrialDesign(allocation="randomised")
    out = simulate_outcomes(design, PARAMS, 4000, np.random.default_rng(2), full_follow_up=True)
    events, sizes = out.cell_counts(2, 2)
    share = events.sum(axis=0) / sizes.sum(axis=0)
    expected = np.array([[0.12, 0.18], [0.20, 0.30]])
    se = np.sqrt(expected * (1 - expected) / sizes.sum(axis=0))
    assert (np.abs(share - expected) <= 4 * se).all()


def test_cut_off_inside_the_window_leaves_late_enrolments_out():
    design = TrialDesign(cutoff="2015-07-01")
    out = simulate_outcomes(design, PARAMS, 200, np.random.default_rng(3))
    enrolled = out.enrolled.sum(axis=1)
    assert enrolled.min() > 30 and enrolled.max() < 70
    assert not (out.outflow & ~out.enrolled).any()


def _exact_treated_counts(count: int, multiples=(1, 2)) -> dict[int, float]:
    """Exact distribution of the number of treated among ``count`` slots (ratio 1:1)."""
    out: dict[int, float] = {}

    def walk(left: int, treated: int, prob: float) -> None:
        if left == 0:
            out[treated] = out.get(treated, 0.0) + prob
            return
        for m in multiples:
            size = 2 * m
            if size <= left:
                walk(left - size, treated + m, prob / len(multiples))
            else:  # the last block is cut: hypergeometric share of its treated slots
                for k in range(left + 1):
                    walk(0, treated + k,
                         prob / len(multiples) * stats.hypergeom.pmf(k, size, m, left))
    walk(count, 0, 1.0)
    return out


def test_permuted_blocks_have_the_exact_distribution():
    draws = _permuted_blocks((1, 1), (1, 2), 7, 20000, np.random.default_rng(5))
    counts = np.bincount(draws.sum(axis=1), minlength=8)
    exact = _exact_treated_counts(7)
    for k, p in exact.items():
        se = np.sqrt(p * (1 - p) / 20000)
        assert abs(counts[k] / 20000 - p) <= 4 * se + 1e-12, (k, counts[k] / 20000, p)
    assert set(np.flatnonzero(counts)) <= set(exact)


def test_every_order_within_a_block_is_equally_likely():
    draws = _permuted_blocks((1, 1), (2,), 4, 24000, np.random.default_rng(6))
    orders = {tuple(p): 0 for p in set(itertools.permutations((0, 0, 1, 1)))}
    for row in map(tuple, draws):
        orders[row] += 1
    assert len(orders) == 6
    for count in orders.values():
        assert abs(count / 24000 - 1 / 6) <= 4 * np.sqrt((1 / 6) * (5 / 6) / 24000)


def test_unequal_ratio_blocks_keep_the_ratio():
    draws = _permuted_blocks((2, 3), (1,), 10, 50, np.random.default_rng(7))
    assert (draws.sum(axis=1) == 6).all()
