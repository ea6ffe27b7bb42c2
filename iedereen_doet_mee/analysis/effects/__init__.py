"""Do instruments help, and in which band? (research question 2: effects).

:func:`instrument_effects` answers the question for a binary outcome (default
``regular_work``, flowing out to regular work) with the set of estimators the trial's
allocation allows:

* ``allocation="randomised"`` (instruments randomised within band): risk difference
  and risk ratio overall and per band with HC2 errors, the block-weighted risk
  difference, the Mantel-Haenszel odds ratio, logistic regression with the
  band interaction and average marginal effects, Fisher's and Boschloo's exact
  tests, and a randomisation test that replays the design's allocation;
* ``allocation="assigned"`` (caseworkers divided people, the default design):
  g-computation and inverse probability weighting adjusted for band and baseline
  covariates, every estimate labelled non-experimental. No unadjusted comparison of
  arms is reported as an effect.

Both report the interaction (does the effect differ by band?) on the risk-difference
and odds-ratio scales. The estimators live in ``effects_risk``, ``effects_logistic``,
``effects_exact``, ``randomisation_inference`` and ``effects_adjusted``; this module
only chooses and combines them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from ...design import TrialDesign
from ...design.trial_design import AllocationMethod
from ..common import check_level, check_option
from ..labels import NON_EXPERIMENTAL
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_table
from ..trial_inputs import accepts_trial
from .adjusted import adjusted_effects
from .data import binary_effect_data
from .exact import exact_tests
from .logistic import logistic_effects
from .randomisation import randomisation_test
from .risk import mantel_haenszel, risk_effects, stratified_risk_difference

__all__ = [
    "adjusted_effects",
    "exact_tests",
    "instrument_effects",
    "logistic_effects",
    "mantel_haenszel",
    "randomisation_test",
    "risk_effects",
    "stratified_risk_difference",
]

def _combine(title: str, parts: Sequence[AnalysisResult], n: int,
             notes: Sequence[str], extras: dict[str, pd.DataFrame]) -> AnalysisResult:
    """One result from several: rows stacked, notes de-duplicated in order, extras merged."""
    table = pd.concat([p.table for p in parts], ignore_index=True) if parts else tidy_table([])
    all_notes = list(dict.fromkeys([*notes, *(note for p in parts for note in p.notes)]))
    missing: tuple[NotEstimable, ...] = tuple(i for p in parts for i in p.not_estimable)
    for part in parts:
        extras.update(part.extras)
    return AnalysisResult("effects", title, tidy_table(table.to_dict("records")), n=n,
                          notes=tuple(all_notes), not_estimable=missing, extras=extras)


#: Under assigned allocation, exact tests are added up to this many participants.
EXACT_TESTS_MAX_N = 2000


@accepts_trial("unit_with_baseline", options=("allocation", "design", "seed"))
def instrument_effects(data: pd.DataFrame, *, allocation: AllocationMethod,
                       design: TrialDesign | None = None, seed: int = 20140701,
                       n_draws: int = 2000, covariates: Sequence[str] | None = None,
                       outcome: str = "regular_work", stratum: str = "band",
                       arm: str = "instruments", enrolled: str = "enrolled_on",
                       participant: str = "participant_id", control: str | None = None,
                       treated: str | None = None, level: float = 0.95) -> AnalysisResult:
    """The effect of instruments on a binary outcome, with the estimators the allocation allows.

    Parameters
    ----------
    data : pandas.DataFrame or TrialData
        One row per participant: ``derive_outcomes(trial).frame``, merged with the
        baseline columns of ``trial.participants`` for the adjusted analysis.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    allocation : {"randomised", "assigned"}
        How instruments were allocated within band; must agree with ``design``.
    design : TrialDesign, optional
        The trial's design: its strata order the bands, its control arm is the
        comparison, and for ``"randomised"`` its permuted-block procedure is replayed.
        Without it the bands found in ``data`` are used and, for the randomisation
        test, 1:1 blocks with the default block multiples are assumed (noted).
    seed, n_draws : int
        Seed and number of re-allocations of the randomisation test.
    covariates : sequence of str, optional
        Baseline covariates of the adjusted analysis (``"assigned"``); default
        :data:`~iedereen_doet_mee.analysis.effects.adjusted.DEFAULT_COVARIATES` present.
    outcome, stratum, arm, enrolled, participant : str
        Column names.
    control, treated : str, optional
        The arms compared; default the design's control arm and the other arm
        (``"no"`` and ``"yes"``).
    level : float
        Confidence level.

    Returns
    -------
    AnalysisResult
        All rows of the chosen estimators (see ``docs/methods.md``); the
        first note says which set was used and why; ``extras["cells"]`` holds the
        descriptive participants, events and share of every band and arm.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = simulate_trial(seed=2)
    >>> frame = derive_outcomes(trial).frame.merge(trial.participants[
    ...     ["participant_id", "age", "wage_value_estimate", "months_on_benefit"]])
    >>> result = instrument_effects(frame, allocation="assigned", design=trial.design)
    >>> sorted({e.removesuffix("_non_experimental").rsplit("_", 1)[-1]
    ...         for e in result.table["estimator"]})
    ['adjusted', 'ipw', 'sided']
    """
    function = "instrument_effects"
    check_option(function, "allocation", allocation, AllocationMethod)
    level = check_level(function, level)
    if design is not None and not isinstance(design, TrialDesign):
        raise ValueError(f"{function}: design must be a TrialDesign or None, got "
                         f"{type(design).__name__}")
    if design is not None and design.allocation != allocation:
        raise ValueError(f"{function}: allocation={allocation!r} but the design declares "
                         f"allocation {design.allocation!r}; they must agree")
    if control is None:
        control = design.control_arm if design is not None and design.control_arm else "no"
    if treated is None:
        others = [a for a in design.arms if a != control] if design is not None else ["yes"]
        if len(others) != 1:
            raise ValueError(f"{function}: the design has arms {list(design.arms)}; name the "
                             "treated arm with treated=...")
        treated = others[0]
    strata = design.strata if design is not None else None
    kw = dict(outcome=outcome, stratum=stratum, arm=arm, control=control, treated=treated,
              strata=strata)
    checked = binary_effect_data(data, function=function, **kw)
    extras = {"cells": checked.cells()}
    caveats = [f"The outcome '{outcome}' is what was known by the outcomes' date: people "
               "enrolled late had less time (administrative censoring), which affects both "
               "arms alike only when enrolment timing is balanced between them."]
    if "lost_to_follow_up" in checked.frame.columns:
        lost = int(checked.frame["lost_to_follow_up"].fillna(False).astype(bool).sum())
        if lost:
            caveats.append(f"{lost} participant(s) lost to follow-up count as not reaching the "
                           "outcome; see missing.outcome_bounds for best and worst cases.")
    if allocation == "assigned":
        note = ("Allocation 'assigned': instruments were not randomised, so the effects are "
                "covariate-adjusted (g-computation, '_adjusted') and inverse-probability-"
                "weighted ('_ipw') estimates, all non-experimental; the exact tests are "
                "unadjusted comparisons, reported because they answer in small or empty "
                "cells, and are associations, not effects.")
        parts = [adjusted_effects(data, covariates=covariates, level=level, **kw)]
        if checked.n <= EXACT_TESTS_MAX_N:
            parts.append(exact_tests(data, level=level, **kw))
        else:
            caveats.append(f"Exact tests are left out above {EXACT_TESTS_MAX_N} participants "
                           "(Boschloo's test is slow there, and large samples do not need it).")
        combined = _combine("Effect of instruments (assigned allocation: non-experimental)",
                            parts, parts[0].n, [note, *caveats], extras)
        table = combined.table.assign(estimator=[
            e if e.endswith(NON_EXPERIMENTAL) else e + NON_EXPERIMENTAL
            for e in combined.table["estimator"]])
        return dataclasses.replace(combined, table=table)
    notes = ["Allocation 'randomised': unadjusted comparisons within band are effects; the "
             "randomisation test replays the design's allocation procedure."]
    parts = [risk_effects(data, level=level, **kw),
             stratified_risk_difference(data, level=level, **kw),
             mantel_haenszel(data, level=level, **kw),
             logistic_effects(data, level=level, **kw),
             exact_tests(data, level=level, **kw)]
    if enrolled not in data.columns or participant not in data.columns:
        log: list[NotEstimable] = []
        row = not_estimable_row("overall", estimator="randomisation_test_block_weighted_"
                                "risk_difference", n=checked.n, log=log,
                                reason=f"no columns {enrolled!r} and {participant!r} to give "
                                "the enrolment order")
        parts.append(AnalysisResult("effects", "Randomisation test", tidy_table([row]),
                                    n=checked.n, not_estimable=tuple(log)))
    else:
        if design is None:
            design = TrialDesign(strata=checked.levels, arms=(control, treated),
                                 allocation="randomised")
            notes.append("No design given: the randomisation test assumes 1:1 permuted blocks "
                         f"within band with block multiples {list(design.block_multiples)}.")
        parts.append(randomisation_test(data, design=design, seed=seed, n_draws=n_draws,
                                        outcome=outcome, stratum=stratum, arm=arm,
                                        enrolled=enrolled, participant=participant))
    return _combine("Effect of instruments (randomised within band)", parts, checked.n,
                    [*notes, *caveats], extras)
