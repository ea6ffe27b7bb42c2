"""Missing data: bounds on the outflow under loss to follow-up (question ``"missing"``).

:func:`outcome_bounds`: participants lost to follow-up have an unknown outcome.
Counting all of them as successes and as failures gives best-case and worst-case
bounds for the regular-work outflow share; counting them in the way most and least
favourable to instruments gives bounds for the risk difference (Horowitz & Manski
2000 for the logic; "extreme case" analyses in CONSORT's explanation). Holm's
adjustment of the secondary family lives in :mod:`.multiplicity`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .common import check_level, wilson_interval, z_value
from .effects.data import binary_effect_data, ols_hc2, wald_row
from .results import (
    AnalysisResult,
    NotEstimable,
    not_estimable_row,
    tidy_row,
    tidy_table,
)
from .trial_inputs import accepts_trial

__all__ = ["outcome_bounds"]

#: Scenarios for the lost participants: (estimator suffix, lost treated succeed, lost
#: controls succeed); ``None`` leaves them out (complete cases).
_SHARE = (("lost_as_failures", False, False), ("lost_as_successes", True, True),
          ("complete_cases", None, None))
_DIFFERENCE = (("lost_unfavourable_to_instruments", False, True),
               ("lost_favourable_to_instruments", True, False),
               ("complete_cases", None, None))


def _scenario(y: np.ndarray, t: np.ndarray, lost: np.ndarray, treated_success: bool | None,
              control_success: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes with the lost filled in (or left out), and the rows kept."""
    if treated_success is None:
        return y[~lost], ~lost
    fill = np.where(t == 1, float(treated_success), float(control_success))
    return np.where(lost, fill, y), np.ones(y.size, dtype=bool)


@accepts_trial("unit_frame", options=("arms",))
def outcome_bounds(data: pd.DataFrame, *, outcome: str = "regular_work",
                   lost: str = "lost_to_follow_up", stratum: str = "band",
                   arm: str = "instruments", control: str | None = "no", treated: str = "yes",
                   strata: Sequence[str] | None = None, level: float = 0.95) -> AnalysisResult:
    """Best- and worst-case bounds for the outflow share and the instruments risk difference.

    Parameters
    ----------
    data : pandas.DataFrame or TrialData
        One row per participant, e.g. ``derive_outcomes(trial).frame``.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    outcome, lost : str
        The binary outcome and the flag of loss to follow-up; a lost participant's
        outcome counts as unknown whatever the outcome column says.
    stratum, arm, control, treated, strata, level
        As in :func:`~iedereen_doet_mee.analysis.effects.risk.risk_effects`;
        ``control=None`` (a single-arm design): the bounds of the share only, no risk
        difference.

    Returns
    -------
    AnalysisResult
        For ``"overall"`` and every band: ``share_lost_as_failures`` (worst case),
        ``share_lost_as_successes`` (best case) and ``share_complete_cases``, each
        with a Wilson interval; ``risk_difference_lost_unfavourable_to_instruments``
        (lower bound), ``risk_difference_lost_favourable_to_instruments`` (upper
        bound) and ``risk_difference_complete_cases``, each with an HC2 Wald interval
        (none with ``control=None``).

    Notes
    -----
    With :math:`x` observed successes, :math:`m` lost and :math:`n` participants the
    share lies in :math:`[x/n, (x+m)/n]`. For the risk difference the lost treated
    count as failures and the lost controls as successes for the lower bound, and the
    reverse for the upper bound. The bounds need no assumption about why people were
    lost; the complete-case estimate assumes they were lost at random. The main
    analyses count the lost as not (yet) in regular work, which is the worst case for
    the share. Tested against R (``prop.test(correct = FALSE)`` and ``lm`` with
    ``sandwich::vcovHC(type = "HC2")`` on the filled-in data) in
    ``tests/analysis/test_missing.py``.

    References
    ----------
    Horowitz JL, Manski CF (2000). Nonparametric analysis of randomized experiments
    with missing covariate and outcome data. J Am Stat Assoc 95:77-84.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 4, "instruments": ["yes", "no"] * 2,
    ...                       "regular_work": [True, False, False, False],
    ...                       "lost_to_follow_up": [False, False, True, False]})
    >>> table = outcome_bounds(frame).table
    >>> table.loc[table["term"] == "overall", "estimate"].round(2).tolist()[:3]
    [0.25, 0.5, 0.33]
    """
    level = check_level("outcome_bounds", level)
    d = binary_effect_data(data, function="outcome_bounds", outcome=outcome, stratum=stratum,
                           arm=arm, control=control, treated=treated, strata=strata,
                           extra_columns=(lost,))
    flags = d.frame[lost]
    if flags.isna().any() or not set(flags.astype(object).unique()) <= {True, False}:
        raise ValueError(f"outcome_bounds: column {lost!r} must be True/False (or 1/0) "
                         "without missing values")
    is_lost = flags.astype(bool).to_numpy()
    log: list[NotEstimable] = []
    rows: list[dict[str, Any]] = []
    scopes = [("overall", np.ones(d.n, dtype=bool))]
    scopes += [(d.band_term(k), d.band == k) for k in range(len(d.levels))]
    for term, mask in scopes:
        y, t, gone = d.y[mask], d.t[mask], is_lost[mask]
        for suffix, yes, no in _SHARE:
            filled, keep = _scenario(y, t, gone, yes, no)
            estimator = f"share_{suffix}"
            if not filled.size:
                rows.append(not_estimable_row(term, estimator=estimator, n=0, log=log,
                                              reason="no participants with a known outcome"))
                continue
            low, high = wilson_interval(float(filled.sum()), filled.size, z=z_value(level))
            rows.append(tidy_row(term, filled.mean(), estimator=estimator, n=filled.size,
                                 conf_low=low, conf_high=high))
        for suffix, yes, no in _DIFFERENCE if control is not None else ():
            filled, keep = _scenario(y, t, gone, yes, no)
            arms = t[keep]
            estimator = f"risk_difference_{suffix}"
            if not (arms == 1).any() or not (arms == 0).any():
                rows.append(not_estimable_row(term, estimator=estimator, n=int(keep.sum()),
                                              log=log, reason="an arm has no participants "
                                              "with a known or filled-in outcome"))
                continue
            x = np.column_stack([np.ones(arms.size), arms.astype(float)])
            beta, v = ols_hc2(x, filled)
            rows.append(wald_row(term, beta[1], math.sqrt(v[1, 1]), estimator=estimator,
                                 n=arms.size, level=level, log=log))
    notes = [*d.notes, f"{int(is_lost.sum())} of {d.n} participant(s) lost to follow-up; "
             "bounds fill in their outcome both ways, complete cases leave them out."]
    if control is None:
        notes.append(f"One arm ({arm}={treated}): bounds of the share only, no risk difference.")
    return AnalysisResult("missing", "Bounds for loss to follow-up", tidy_table(rows), n=d.n,
                          notes=tuple(notes), not_estimable=tuple(log))
