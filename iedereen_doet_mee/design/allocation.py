"""Stratified permuted-block randomisation for rolling enrolment.

Participants arrive one by one; each stratum (wage-value band) keeps its own list of
permuted blocks. A block holds the arms in their planned ratio (for 25/25 that is
1:1), its size is a random multiple of that smallest block (``block_multiples``), and
its order is a random permutation. The allocation log records for every allocation
its block, position and the conditional probability of the arm it received given
the earlier allocations in the block; :func:`assignment_probabilities` gives the
marginal probabilities per stratum and arm.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .trial_design import TrialDesign

__all__ = ["Allocation", "allocate", "assignment_probabilities"]

LOG_COLUMNS = (
    "sequence",
    "participant_id",
    "band",
    "block_id",
    "block_size",
    "position_in_block",
    "instruments",
    "probability",
)


@dataclasses.dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`.

    Attributes
    ----------
    arms : numpy.ndarray
        Allocated arm label of each participant, in enrolment order.
    log : pandas.DataFrame
        The allocation log, one row per participant, with columns ``sequence``
        (1-based enrolment order), ``participant_id``, ``band``, ``block_id``,
        ``block_size``, ``position_in_block`` (1-based), ``instruments`` (the arm)
        and ``probability`` (conditional probability of that arm given the earlier
        allocations in the block).
    probabilities : pandas.DataFrame
        Marginal assignment probability of each arm within each stratum.
    """

    arms: np.ndarray
    log: pd.DataFrame
    probabilities: pd.DataFrame

    def __repr__(self) -> str:
        counts = self.log.groupby(["band", "instruments"], sort=False).size()
        cells = ", ".join(f"{b}/{a}={n}" for (b, a), n in counts.items())
        return f"Allocation(n={len(self.arms)}: {cells})"


def assignment_probabilities(design: TrialDesign) -> pd.DataFrame:
    """Marginal probability of each arm within each stratum under the design.

    Examples
    --------
    >>> assignment_probabilities(TrialDesign())
        band instruments  probability
    0  40-60          no          0.5
    1  40-60         yes          0.5
    2  60-80          no          0.5
    3  60-80         yes          0.5
    """
    rows = []
    for stratum in design.strata:
        ratio = design.arm_ratio(stratum)
        for arm, r in zip(design.arms, ratio, strict=True):
            rows.append((stratum, arm, r / sum(ratio)))
    return pd.DataFrame(rows, columns=["band", "instruments", "probability"])


def _blocks_for_stratum(
    ratio: tuple[int, ...], multiples: tuple[int, ...], count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Arm index, block number, block size and conditional probability for ``count`` slots."""
    base = sum(ratio)
    n_blocks = -(-count // (base * min(multiples))) if count else 0
    block_mult = rng.choice(np.asarray(multiples), size=n_blocks)
    sizes = block_mult * base
    keep = int(np.searchsorted(np.cumsum(sizes), count) + 1) if count else 0
    block_mult, sizes = block_mult[:keep], sizes[:keep]
    # contents of every block in arm order, then shuffled within the block
    per_arm = np.asarray(ratio)[None, :] * block_mult[:, None]
    arm_index = np.concatenate(
        [np.repeat(np.arange(len(ratio)), row) for row in per_arm]
    ) if keep else np.empty(0, dtype=int)
    block = np.repeat(np.arange(keep), sizes)
    order = np.lexsort((rng.random(arm_index.size), block))
    arm_index = arm_index[order]
    # conditional probability: arm slots left in the block / slots left in the block
    start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(arm_index.size) - start
    one_hot = np.eye(len(ratio), dtype=np.int64)[arm_index]
    cumulative = np.cumsum(one_hot, axis=0)
    block_start_counts = np.vstack([np.zeros((1, len(ratio)), dtype=np.int64), cumulative])[start]
    used_before = (cumulative - block_start_counts - one_hot)[np.arange(arm_index.size), arm_index]
    left_of_arm = per_arm[block, arm_index] - used_before
    probability = left_of_arm / (np.repeat(sizes, sizes) - position)
    return (
        arm_index[:count],
        block[:count],
        np.repeat(sizes, sizes)[:count],
        np.column_stack([position[:count] + 1, probability[:count]]),
    )


def allocate(
    design: TrialDesign,
    strata: Sequence[str] | np.ndarray,
    *,
    rng: np.random.Generator,
    participant_ids: Sequence[str] | None = None,
) -> Allocation:
    """Allocate participants, in enrolment order, to arms by stratified permuted blocks.

    Parameters
    ----------
    design : TrialDesign
        Declares strata, arms, planned ratio per stratum and ``block_multiples``.
    strata : sequence of str
        Stratum (band) of each participant in order of enrolment.
    rng : numpy.random.Generator
        Source of randomness; the same state gives the same allocation.
    participant_ids : sequence of str, optional
        Pseudonymous identifiers for the log; defaults to ``"1", "2", ...``.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        When a stratum is not declared in the design, or the ids do not match.

    Notes
    -----
    Randomness is drawn stratum by stratum in the design's order: first the block
    multiples, then one uniform key per slot that orders the block. The test
    ``tests/test_allocation.py`` pins the result for a fixed seed against
    ``tests/reference/allocation_seed_20140701.csv``.

    Examples
    --------
    >>> import numpy as np
    >>> design = TrialDesign(allocation="randomised")
    >>> result = allocate(design, ["40-60"] * 4 + ["60-80"] * 2, rng=np.random.default_rng(1))
    >>> result.log["instruments"].value_counts().sort_index().tolist()
    [3, 3]
    """
    strata = np.asarray(strata, dtype=object)
    unknown = sorted(set(strata.tolist()) - set(design.strata))
    if unknown:
        raise ValueError(
            f"allocate: strata {unknown} are not declared; the design declares "
            f"{list(design.strata)}"
        )
    if participant_ids is None:
        participant_ids = [str(i + 1) for i in range(strata.size)]
    ids = np.asarray(participant_ids, dtype=object)
    if ids.size != strata.size:
        raise ValueError(
            f"allocate: {ids.size} participant_ids for {strata.size} participants"
        )
    arm_labels = np.asarray(design.arms, dtype=object)
    arms = np.empty(strata.size, dtype=object)
    block_id = np.empty(strata.size, dtype=object)
    block_size = np.zeros(strata.size, dtype=np.int64)
    position = np.zeros(strata.size, dtype=np.int64)
    probability = np.zeros(strata.size, dtype=float)
    for stratum in design.strata:
        where = np.flatnonzero(strata == stratum)
        arm_idx, block, size, pos_prob = _blocks_for_stratum(
            design.arm_ratio(stratum), design.block_multiples, where.size, rng
        )
        arms[where] = arm_labels[arm_idx]
        block_id[where] = [f"{stratum}-B{b + 1:04d}" for b in block]
        block_size[where] = size
        position[where] = pos_prob[:, 0].astype(np.int64)
        probability[where] = pos_prob[:, 1]
    log = pd.DataFrame(
        {
            "sequence": np.arange(1, strata.size + 1),
            "participant_id": ids,
            "band": strata,
            "block_id": block_id,
            "block_size": block_size,
            "position_in_block": position,
            "instruments": arms,
            "probability": probability,
        },
        columns=list(LOG_COLUMNS),
    )
    return Allocation(arms=arms, log=log, probabilities=assignment_probabilities(design))
