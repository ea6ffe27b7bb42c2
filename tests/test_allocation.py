"""Stratified permuted-block allocation: pinned output, balance, and exact probabilities."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.design import TrialDesign, allocate, assignment_probabilities

REFERENCE = Path(__file__).parent / "reference" / "allocation_seed_20140701.csv"


def test_allocation_is_pinned_for_a_fixed_seed():
    """Produced by tests/reference/make_allocation_reference.py; must never change silently."""
    expected = pd.read_csv(REFERENCE, dtype={"participant_id": str})
    result = allocate(TrialDesign(allocation="randomised"), expected["band"].tolist(),
                      rng=np.random.default_rng(20140701),
                      participant_ids=expected["participant_id"].tolist())
    got = result.log.astype({"band": str, "block_id": str, "instruments": str})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_same_seed_same_allocation_and_other_seed_differs():
    strata = ["40-60", "60-80"] * 50
    design = TrialDesign(allocation="randomised")
    a = allocate(design, strata, rng=np.random.default_rng(7)).arms
    b = allocate(design, strata, rng=np.random.default_rng(7)).arms
    c = allocate(design, strata, rng=np.random.default_rng(8)).arms
    assert (a == b).all()
    assert not (a == c).all()


@pytest.mark.parametrize("ratio_design", [
    TrialDesign(allocation="randomised"),
    TrialDesign(allocation="randomised",
                n_per_cell={"40-60": {"no": 20, "yes": 30}, "60-80": {"no": 10, "yes": 30}},
                block_multiples=(1, 2, 3)),
])
def test_every_complete_block_holds_the_planned_ratio(ratio_design):
    rng = np.random.default_rng(3)
    strata = rng.permutation(["40-60"] * 500 + ["60-80"] * 500)
    log = allocate(ratio_design, strata, rng=rng).log
    for (band, _block), rows in log.groupby(["band", "block_id"]):
        size = rows["block_size"].iloc[0]
        ratio = np.asarray(ratio_design.arm_ratio(band))
        if len(rows) < size:  # only the last block of a stratum may be cut short
            assert rows["block_id"].iloc[0] == log.loc[log.band == band, "block_id"].max()
            continue
        counts = rows["instruments"].value_counts().reindex(list(ratio_design.arms), fill_value=0)
        assert (counts.to_numpy() * ratio.sum() == size * ratio).all()
        assert sorted(rows["position_in_block"]) == list(range(1, size + 1))
    # imbalance within a stratum is bounded by the largest block
    for band in ratio_design.strata:
        mine = log[log.band == band]
        ratio = np.asarray(ratio_design.arm_ratio(band))
        expected = len(mine) * ratio / ratio.sum()
        counts = mine["instruments"].value_counts().reindex(list(ratio_design.arms)).fillna(0)
        assert np.abs(counts.to_numpy() - expected).max() <= max(
            ratio_design.block_multiples) * ratio.sum()


def test_conditional_probabilities_match_exact_enumeration():
    """For a block of 4 (2 no, 2 yes), enumerate the 6 orders: the probability of the arm
    received at each position given the earlier ones, averaged over orders."""
    orders = set(itertools.permutations(["no", "no", "yes", "yes"]))
    exact = {}
    for order in orders:
        for k, arm in enumerate(order):
            left = order[k:]
            exact.setdefault((k + 1, order[:k], arm), left.count(arm) / len(left))
    design = TrialDesign(allocation="randomised", block_multiples=(2,))
    log = allocate(design, ["40-60"] * 400, rng=np.random.default_rng(11)).log
    for block, rows in log.groupby("block_id"):
        arms = rows.sort_values("position_in_block")["instruments"].tolist()
        for k, (arm, p) in enumerate(zip(arms, rows.sort_values("position_in_block")
                                         ["probability"], strict=True)):
            assert p == pytest.approx(exact[(k + 1, tuple(arms[:k]), arm)]), block


def test_positions_are_uniform_over_permutations_within_monte_carlo_error():
    """Each of the 6 orders of a 2:2 block is equally likely (chi-square within 4 SE)."""
    design = TrialDesign(allocation="randomised", block_multiples=(2,))
    log = allocate(design, ["40-60"] * 24_000, rng=np.random.default_rng(5)).log
    orders = log.groupby("block_id")["instruments"].agg(lambda s: "".join(a[0] for a in s))
    freq = orders.value_counts(normalize=True)
    assert len(freq) == 6
    n_blocks = len(orders)
    se = np.sqrt((1 / 6) * (5 / 6) / n_blocks)
    assert (np.abs(freq - 1 / 6) < 4 * se).all()


def test_assignment_probabilities_and_single_arm():
    probs = assignment_probabilities(TrialDesign(
        n_per_cell={"40-60": {"no": 20, "yes": 30}, "60-80": {"no": 25, "yes": 25}}))
    assert probs.set_index(["band", "instruments"])["probability"].to_dict() == {
        ("40-60", "no"): 0.4, ("40-60", "yes"): 0.6, ("60-80", "no"): 0.5, ("60-80", "yes"): 0.5}
    caseload = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=10)
    result = allocate(caseload, ["all"] * 7, rng=np.random.default_rng(1))
    assert (result.arms == "kompas").all() and (result.log["probability"] == 1).all()


def test_unknown_stratum_and_id_mismatch_are_clear_errors():
    design = TrialDesign(allocation="randomised")
    with pytest.raises(ValueError, match="not declared"):
        allocate(design, ["40-60", "20-40"], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="participant_ids"):
        allocate(design, ["40-60"], rng=np.random.default_rng(1), participant_ids=["a", "b"])
