"""Randomisation inference that replays the trial's own allocation procedure.

Under the sharp null hypothesis that instruments change nobody's outcome, the
outcomes are fixed and only the allocation is random. :func:`randomisation_test`
re-runs :func:`iedereen_doet_mee.design.allocate` (stratified permuted blocks within
band, with the design's block sizes, on the participants in their enrolment order)
many times, recomputes the statistic for every re-allocation and reports how often it
is at least as extreme as observed. It is only valid when the trial's allocation was
randomised by that procedure.

``scipy.stats.permutation_test`` is not used: it has no strata and gives every
relabelling with the observed arm sizes the same probability, whereas permuted blocks
of random sizes make allocations unequally likely and let the arm sizes vary. The
p-value is checked against exact enumeration of every allocation of a tiny trial
(``tests/analysis/test_randomisation_inference.py``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from ...design import TrialDesign, allocate
from ..common import check_option
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .data import binary_effect_data

__all__ = ["RANDOMISATION_TEST_MAX_PARTICIPANTS", "RandomisationStatistic", "randomisation_test",
           "risk_difference_statistic"]

#: Participants up to which the randomisation test replays the allocation. Each
#: re-allocation runs the design's allocation procedure over every participant, so
#: 2,000 of them cost about 0.5 s per 1,000 participants (45 s at 10,000, 8 minutes and
#: 3 GB at 100,000). Above it the row is not estimable, with a note: the block-weighted
#: risk difference's Wald test (``risk_difference_block_weighted``), reported beside it,
#: is its large-sample equivalent. The planned trial (100) keeps the exact test.
RANDOMISATION_TEST_MAX_PARTICIPANTS = 2000

RandomisationStatistic = Literal["block_weighted_risk_difference", "risk_difference"]
Alternative = Literal["two-sided", "greater", "less"]


def risk_difference_statistic(arms: np.ndarray, y: np.ndarray, band: np.ndarray,
                              statistic: RandomisationStatistic) -> np.ndarray:
    """The statistic for every row of a 0/1 arm matrix (draws x participants).

    ``"risk_difference"`` is treated minus control share; ``"block_weighted_risk_difference"``
    weights the band risk differences by band size, over the bands that have both
    arms in that allocation (NaN when none has).

    Examples
    --------
    >>> arms = np.array([[1, 0, 1, 0], [1, 1, 0, 0]])
    >>> y, band = np.array([1.0, 0, 1, 1]), np.array([0, 0, 1, 1])
    >>> risk_difference_statistic(arms, y, band, "block_weighted_risk_difference").tolist()
    [0.5, nan]
    """
    arms = np.atleast_2d(arms).astype(float)
    groups = [np.ones(y.size, dtype=bool)] if statistic == "risk_difference" else \
        [band == k for k in np.unique(band)]
    total = np.zeros(arms.shape[0])
    weight = np.zeros(arms.shape[0])
    for mask in groups:
        n1 = arms[:, mask].sum(axis=1)
        x1 = arms[:, mask] @ y[mask]
        n0, x0 = mask.sum() - n1, y[mask].sum() - x1
        with np.errstate(divide="ignore", invalid="ignore"):
            rd = x1 / n1 - x0 / n0
        ok = (n1 > 0) & (n0 > 0)
        total += np.where(ok, mask.sum() * rd, 0.0)
        weight += np.where(ok, mask.sum(), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(weight > 0, total / weight, np.nan)


def _p_value(draws: np.ndarray, observed: float, alternative: str) -> tuple[float, int]:
    """Randomisation p-value ``(1 + #{as extreme}) / (1 + draws)`` and the number of draws."""
    draws = draws[np.isfinite(draws)]
    tol = 1e-12 * max(1.0, abs(observed))
    if alternative == "two-sided":
        hits = np.abs(draws) >= abs(observed) - tol
    elif alternative == "greater":
        hits = draws >= observed - tol
    else:
        hits = draws <= observed + tol
    return (1 + int(hits.sum())) / (1 + draws.size), int(draws.size)


def randomisation_test(data: pd.DataFrame, *, design: TrialDesign, seed: int = 20140701,
                       n_draws: int = 2000,
                       statistic: RandomisationStatistic = "block_weighted_risk_difference",
                       alternative: Alternative = "two-sided", outcome: str = "regular_work",
                       stratum: str = "band", arm: str = "instruments",
                       enrolled: str = "enrolled_on",
                       participant: str = "participant_id") -> AnalysisResult:
    """Randomisation p-value of the effect of instruments, replaying the allocation.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per allocated participant (a missing outcome is allowed: the person
        was allocated, but does not count in the statistic).
    design : TrialDesign
        The trial's design; its ``allocation`` must be ``"randomised"``, and its
        strata, arms, planned ratio and ``block_multiples`` define the procedure.
    seed : int
        Seed of ``numpy.random.SeedSequence``; draw ``i`` uses its ``i``-th child.
    n_draws : int
        Number of re-allocations.
    statistic : {"block_weighted_risk_difference", "risk_difference"}
        What is recomputed for every re-allocation.
    alternative : {"two-sided", "greater", "less"}
        Two-sided counts draws with :math:`|T^*| \\ge |T_{obs}|`.
    outcome, stratum, arm, enrolled, participant : str
        Columns of the outcome, band, arm, enrolment date and identifier; enrolment
        order is ``enrolled`` then ``participant``.

    Returns
    -------
    AnalysisResult
        One row ``randomisation_test_<statistic>`` (term ``"overall"``): the observed
        statistic, the standard deviation of its randomisation distribution in
        ``std_error``, their ratio in ``statistic`` and the p-value; the draws are in
        ``extras["randomisation_distribution"]``.

    Notes
    -----
    :math:`p = (1 + \\#\\{T^* \\text{ as extreme as } T_{obs}\\}) / (1 + R)` over the
    :math:`R` draws whose statistic is defined (Phipson & Smyth 2010); its Monte Carlo
    standard error :math:`\\sqrt{p(1-p)/R}` is in the notes. Permuted blocks with
    random sizes make allocations unequally likely; replaying the procedure draws them
    with their true probabilities. ``tests/analysis/test_randomisation_inference.py``
    checks the p-value against exact enumeration of every allocation of a tiny trial.

    References
    ----------
    Rosenberger WF, Lachin JM (2016). Randomization in Clinical Trials, 2nd ed.
    Wiley, chapter 6. Phipson B, Smyth GK (2010). Stat Appl Genet Mol Biol 9:39.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(allocation="randomised")
    >>> frame = derive_outcomes(simulate_trial(design, seed=3)).frame
    >>> result = randomisation_test(frame, design=design, n_draws=200, seed=1)
    >>> 0 < float(result.table["p_value"].iloc[0]) <= 1
    True
    """
    function = "randomisation_test"
    check_option(function, "statistic", statistic, RandomisationStatistic)
    check_option(function, "alternative", alternative, Alternative)
    if not isinstance(design, TrialDesign):
        raise ValueError(f"{function}: design must be a TrialDesign, got {type(design).__name__}")
    if design.allocation != "randomised":
        raise ValueError(f"{function}: design.allocation is {design.allocation!r}; randomisation "
                         "inference is only valid for allocation 'randomised'")
    if len(design.arms) != 2:
        raise ValueError(f"{function}: the design has arms {list(design.arms)}; randomisation "
                         "inference here compares exactly two arms")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"{function}: option seed={seed!r} is not allowed; use a "
                         "non-negative integer")
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or n_draws < 1:
        raise ValueError(f"{function}: option n_draws={n_draws!r} is not allowed; use a "
                         "positive integer such as 2000")
    control = design.control_arm
    treated = next(a for a in design.arms if a != control)
    missing = [c for c in (enrolled, participant) if c not in data.columns]
    if missing:
        raise ValueError(f"{function}: column(s) {missing} not found in data; the enrolment "
                         "order is needed to replay the allocation")
    ordered = data.sort_values([enrolled, participant], kind="stable").reset_index(drop=True)
    for column in (stratum, arm, enrolled):
        if column in ordered.columns and ordered[column].isna().any():
            raise ValueError(f"{function}: column {column!r} has missing values; every "
                             "allocated participant needs a band, an arm and an enrolment "
                             "date")
    d = binary_effect_data(ordered, function=function, outcome=outcome, stratum=stratum,
                           arm=arm, control=control, treated=treated, strata=design.strata)
    used = ordered[outcome].notna().to_numpy()
    term, estimator = "overall", f"randomisation_test_{statistic}"
    log: list[NotEstimable] = []
    observed = float(risk_difference_statistic(d.t, d.y, d.band, statistic)[0]) if d.n else \
        math.nan
    if not math.isfinite(observed):
        row = not_estimable_row(term, estimator=estimator, n=d.n, log=log,
                                reason="the statistic is undefined: no band with both arms")
        return AnalysisResult("effects", "Randomisation test of instruments", tidy_table([row]),
                              n=d.n, notes=d.notes, not_estimable=tuple(log))
    if d.n > RANDOMISATION_TEST_MAX_PARTICIPANTS:
        row = not_estimable_row(term, estimator=estimator, n=d.n, log=log, reason=(
            f"not replayed for more than {RANDOMISATION_TEST_MAX_PARTICIPANTS} participants "
            "(each re-allocation runs over everyone); the block-weighted risk difference's "
            "Wald test answers"))
        note = (f"The randomisation test is replayed for up to "
                f"{RANDOMISATION_TEST_MAX_PARTICIPANTS} participants; with {d.n} the Wald test "
                "of the block-weighted risk difference, its large-sample equivalent, answers.")
        return AnalysisResult("effects", "Randomisation test of instruments", tidy_table([row]),
                              n=d.n, notes=(*d.notes, note), not_estimable=tuple(log))
    strata = ordered[stratum].astype(str).to_numpy()
    arms = np.empty((n_draws, d.n), dtype=np.int8)
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n_draws)):
        allocation = allocate(design, strata, rng=np.random.default_rng(child))
        arms[i] = (allocation.arms[used] == treated)
    draws = risk_difference_statistic(arms, d.y, d.band, statistic)
    p, valid = _p_value(draws, observed, alternative)
    sd = float(np.nanstd(draws, ddof=1)) if valid > 1 else math.nan
    row = tidy_row(term, observed, estimator=estimator, n=d.n, std_error=sd,
                   statistic=observed / sd if sd > 0 else math.nan, p_value=p)
    notes = [*d.notes, (
        f"Randomisation test of the sharp null (instruments change nobody's outcome): "
        f"{valid} re-allocations by the design's stratified permuted blocks "
        f"(block multiples {list(design.block_multiples)}), seed {seed}; Monte Carlo "
        f"standard error of the p-value {math.sqrt(p * (1 - p) / max(valid, 1)):.4f}.")]
    if valid < n_draws:
        notes.append(f"{n_draws - valid} re-allocation(s) left no band with both arms, so "
                     "the statistic was undefined; they are not counted.")
    return AnalysisResult(
        "effects", "Randomisation test of instruments", tidy_table([row]), n=d.n,
        notes=tuple(notes), not_estimable=tuple(log),
        extras={"randomisation_distribution": pd.DataFrame(
            {"draw": np.arange(1, n_draws + 1), "statistic": draws})})
