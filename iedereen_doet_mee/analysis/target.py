"""Does the target share flow out to regular work? (research question ``"target"``).

:func:`outflow_against_target` reports, overall, per band and per band x arm cell, the
observed share that flowed out to regular work with exact and score intervals, exact
one-sided binomial tests of the target in both directions, the Jeffreys posterior
probability that the target is met, and the Kaplan-Meier outflow by the horizon.
Formulas and references: ``docs/methods.md``.

A design without a target (``target_outflow`` absent, ``target=None``) gets the shares,
intervals and Kaplan-Meier rows but no row that tests against a target.

Whether the target is met is decided here, once, by :func:`target_met` on the counts
(``events`` of ``n`` flowed out); the report's summary and the design diagnosis's
probability of meeting the target both call it.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from .common import beta_quantile, check_level, clopper_pearson_interval, wilson_interval
from .curves import DAYS_PER_MONTH, groups, kaplan_meier, prepare, survival_at
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["TARGET_TOLERANCE", "outflow_against_target", "target_met"]

#: Tolerance, in people, of the comparison ``events >= target * n``: ``target * n`` is a
#: product of floats (``0.07 * 100`` is ``7.000000000000001``), exact to about 1e-16
#: relative, so 1e-9 absorbs its rounding for any trial below a million participants
#: while never turning a count one person short of the target into "met".
TARGET_TOLERANCE = 1e-9

SHARE_ESTIMATORS = ("proportion_clopper_pearson", "proportion_wilson")
#: The rows that test the share against the target; left out when there is none.
TARGET_TEST_ESTIMATORS = ("binomial_exact_one_sided_target_met",
                          "binomial_exact_one_sided_target_missed",
                          "jeffreys_posterior_prob_target_met")
BINOMIAL_ESTIMATORS = SHARE_ESTIMATORS + TARGET_TEST_ESTIMATORS


def target_met(events: npt.ArrayLike, n: npt.ArrayLike, target: float
               ) -> bool | np.ndarray:
    """Whether ``events`` of ``n`` participants meet the outflow ``target``.

    The rule of the funder's target: the observed share is at least the target,
    decided on the counts as ``events >= target * n - TARGET_TOLERANCE``, so a share
    exactly at the target meets it whatever the rounding of ``target * n``.

    Parameters
    ----------
    events, n : int or array_like of int
        Participants who flowed out, and participants counted (broadcast together; the
        design diagnosis passes one value per simulated trial).
    target : float
        The target share, in (0, 1].

    Returns
    -------
    bool or numpy.ndarray of bool
        A plain ``bool`` for scalar counts, else an array of the broadcast shape.

    Raises
    ------
    ValueError
        When ``target`` is not in (0, 1], or a count is negative or ``events``
        exceeds ``n``.

    Examples
    --------
    >>> target_met(40, 100, 0.4), target_met(39, 100, 0.4)
    (True, False)
    >>> 0.07 * 100, target_met(7, 100, 0.07)
    (7.000000000000001, True)
    >>> target_met(np.array([11, 12, 13]), 30, 0.4).tolist()
    [False, True, True]
    """
    if not 0 < target <= 1:
        raise ValueError(f"target_met: the target must lie in (0, 1], got {target!r}")
    x, size = np.asarray(events), np.asarray(n)
    if (x < 0).any() or (x > size).any():
        raise ValueError("target_met: counts must satisfy 0 <= events <= n, got events "
                         f"{events!r} of n {n!r}")
    met = x >= target * size - TARGET_TOLERANCE
    return bool(met) if np.ndim(met) == 0 else met


def _binomial_rows(term: str, x: int, n: int, target: float | None, level: float,
                   log: list[NotEstimable]) -> list[dict]:
    """Proportion with Clopper-Pearson and Wilson intervals, one-sided tests, posterior
    (the last three only against a target)."""
    if n == 0:
        return [not_estimable_row(term, estimator=name, n=0, reason="no participants", log=log)
                for name in (BINOMIAL_ESTIMATORS if target is not None else SHARE_ESTIMATORS)]
    alpha, p = 1 - level, x / n
    se = math.sqrt(p * (1 - p) / n)
    low, high = wilson_interval(x, n, z=float(stats.norm.ppf(1 - alpha / 2)))
    wilson = (0.0 if x == 0 else low, 1.0 if x == n else high)
    # the one-sided limits of the two binomial tests: the same beta quantiles as the
    # exact interval (pinned to statsmodels and scipy in test_statistics_libraries.py)
    lower_one_sided = beta_quantile(alpha, x, n - x + 1, 0.0)
    upper_one_sided = beta_quantile(1 - alpha, x + 1, n - x, 1.0)
    exact = clopper_pearson_interval(x, n, level)
    shares = [
        tidy_row(term, p, estimator="proportion_clopper_pearson", n=n, std_error=se,
                 conf_low=exact[0], conf_high=exact[1]),
        tidy_row(term, p, estimator="proportion_wilson", n=n, std_error=se,
                 conf_low=wilson[0], conf_high=wilson[1]),
    ]
    if target is None:
        return shares
    return [
        *shares,
        tidy_row(term, p, estimator="binomial_exact_one_sided_target_met", n=n, statistic=x,
                 p_value=float(stats.binom.sf(x - 1, n, target)), conf_low=lower_one_sided,
                 conf_high=1.0),
        tidy_row(term, p, estimator="binomial_exact_one_sided_target_missed", n=n, statistic=x,
                 p_value=float(stats.binom.cdf(x, n, target)), conf_low=0.0,
                 conf_high=upper_one_sided),
        tidy_row(term, float(stats.beta.sf(target, x + 0.5, n - x + 0.5)),
                 estimator="jeffreys_posterior_prob_target_met", n=n),
    ]


def _km_row(term: str, curve: pd.DataFrame, at_days: float, estimator: str, n: int) -> dict:
    """Kaplan-Meier outflow ``1 - S(t)`` with the interval of S reflected."""
    s = survival_at(curve, at_days)
    return tidy_row(term, 1 - s["survival"], estimator=estimator, n=n,
                    std_error=s["std_error"], conf_low=1 - s["conf_high"],
                    conf_high=1 - s["conf_low"])


@accepts_trial("primary_frame", options=("target", "primary"))
def outflow_against_target(data: pd.DataFrame, *, target: float | None = 0.40,
                           horizon_months: float = 24.0, level: float = 0.95,
                           time: str = "time_days", event: str = "event", band: str = "band",
                           arm: str = "instruments",
                           event_of_interest: str = "regular_work") -> AnalysisResult:
    """Outflow to regular work against the target, overall, per band and per cell.

    Parameters
    ----------
    data : pandas.DataFrame or TrialData
        One row per participant, e.g. :attr:`Outcomes.frame`.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    target : float or None
        The target share, strictly between 0 and 1; ``None``: no target, so no rows
        that test against one (the design's ``target_outflow`` absent).
    horizon_months : float
        Horizon of the Kaplan-Meier outflow, in months of 30.436875 days.
    level : float
        Level of the intervals (one-sided bounds for the one-sided tests).
    time, event, band, arm : str
        Columns: time in days to the event or censoring; the event; stratum; arm.
    event_of_interest : str
        The value of ``event`` that counts as outflow.

    Returns
    -------
    AnalysisResult
        Question ``"target"``; terms ``overall``, ``band=<b>`` and
        ``band=<b>:instruments=<a>``. Estimators: ``proportion_clopper_pearson``,
        ``proportion_wilson``, ``binomial_exact_one_sided_target_met`` (H1: p > target),
        ``binomial_exact_one_sided_target_missed`` (H1: p < target),
        ``jeffreys_posterior_prob_target_met`` (P(p >= target | data)),
        ``kaplan_meier_outflow`` (by the horizon) and, where the horizon lies beyond
        follow-up, ``kaplan_meier_outflow_longest_estimable``. Extras: ``counts`` (n,
        outflow, no outflow) and ``km_horizons`` (longest follow-up, the horizon each
        Kaplan-Meier row is at, number still at risk there).

    Notes
    -----
    Without a target the ``binomial_exact_one_sided_*`` and
    ``jeffreys_posterior_prob_target_met`` rows are left out (not given as missing).
    Clopper-Pearson: Beta quantiles :math:`B(\\alpha/2; x, n-x+1)`,
    :math:`B(1-\\alpha/2; x+1, n-x)`; Wilson: the score interval; one-sided exact
    p-values :math:`P(X\\ge x)` and :math:`P(X\\le x)` under Bin(n, target); posterior
    Beta(x + 1/2, n - x + 1/2). Kaplan-Meier: see
    :func:`~iedereen_doet_mee.analysis.curves.kaplan_meier`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"band": ["40-60"] * 4, "instruments": ["yes", "yes", "no", "no"],
    ...                       "event": ["regular_work", "censored", "regular_work", "moved"],
    ...                       "time_days": [100, 400, 200, 300]})
    >>> result = outflow_against_target(frame, horizon_months=12)
    >>> row = result.estimate("overall", "proportion_clopper_pearson")
    >>> float(row["estimate"]), round(float(row["conf_low"]), 3)
    (0.5, 0.068)
    """
    check_level("outflow_against_target", level)
    if (target is not None and not 0 < target < 1) or not horizon_months > 0:
        raise ValueError(f"outflow_against_target: need 0 < target < 1, 0 < level < 1 "
                         f"and horizon_months > 0, got target={target!r}, "
                         f"level={level!r}, horizon_months={horizon_months!r}")
    frame = prepare(data, {"band": band, "arm": arm, "event": event, "time": time},
                    "outflow_against_target")
    t = frame["time"].to_numpy()
    status = (frame["event"] == event_of_interest).to_numpy()
    horizon = horizon_months * DAYS_PER_MONTH
    log: list[NotEstimable] = []
    rows, counts, horizons, short = [], [], [], []
    for term, mask in groups(frame, band, arm, arms=False):
        n, x = int(mask.sum()), int(status[mask].sum())
        counts.append((term, n, x, int((frame["event"][mask] != event_of_interest).sum())))
        rows += _binomial_rows(term, x, n, target, level, log)
        if n == 0:
            rows.append(not_estimable_row(term, estimator="kaplan_meier_outflow", n=0,
                                          reason="no participants", log=log))
            horizons.append((term, n, math.nan, math.nan, 0))
            continue
        curve = kaplan_meier(t[mask], status[mask], level=level)
        longest = float(t[mask].max()) / DAYS_PER_MONTH
        if horizon <= t[mask].max():
            rows.append(_km_row(term, curve, horizon, "kaplan_meier_outflow", n))
            horizons.append((term, n, longest, horizon_months, int((t[mask] >= horizon).sum())))
            continue
        rows.append(not_estimable_row(
            term, estimator="kaplan_meier_outflow", n=n, log=log,
            reason=f"the horizon ({horizon_months:g} months) lies beyond the longest "
                   f"follow-up in this group ({longest:.1f} months)"))
        fallback = math.floor(longest)
        if fallback >= 1:
            rows.append(_km_row(term, curve, fallback * DAYS_PER_MONTH,
                                "kaplan_meier_outflow_longest_estimable", n))
            short.append(f"{term} {fallback}")
        horizons.append((term, n, longest, fallback if fallback >= 1 else math.nan,
                         int((t[mask] >= fallback * DAYS_PER_MONTH).sum())))
    notes = [
        f"The observed proportion counts everyone enrolled; participants still on benefit "
        f"or lost to follow-up count as not (yet) reaching {event_of_interest!r}, so it is "
        f"biased downward as an estimate of the outflow by {horizon_months:g} months when "
        "follow-up is incomplete.",
        "Kaplan-Meier outflow (1 - S(t)) treats other exits and loss to follow-up as "
        "censored, i.e. competing exits are treated as censored: it estimates outflow in a "
        "world without them and overstates the share that actually reached it when they "
        "occur. The Aalen-Johansen cumulative incidence, with other exits as competing "
        "events, is in iedereen_doet_mee.analysis.survival.time_to_regular_work.",
    ]
    notes.append("The design declares no target: shares and intervals only, no target tests. "
                 "Band and cell rows are descriptive (small samples, no multiplicity "
                 "correction)." if target is None else
                 f"Target tests: '_target_met' tests H0 p <= {target:g} against H1 p > "
                 f"{target:g}; '_target_missed' tests H0 p >= {target:g} against H1 p < "
                 f"{target:g}. Band and cell rows are descriptive (small samples, no "
                 "multiplicity correction).")
    if short:
        notes.append(f"The {horizon_months:g}-month horizon lies beyond the longest follow-up "
                     "in some groups; kaplan_meier_outflow_longest_estimable gives the outflow "
                     "at the longest whole-month horizon within follow-up (months: "
                     + ", ".join(short) + "; see extras['km_horizons']).")
    extras = {
        "counts": pd.DataFrame(counts, columns=["term", "n", "outflow", "no_outflow"]),
        "km_horizons": pd.DataFrame(horizons, columns=[
            "term", "n", "longest_follow_up_months", "km_horizon_months", "n_at_risk"]),
    }
    n_total = len(frame)
    title = f"Outflow to {event_of_interest} " + (
        "(no target declared)" if target is None else f"against the {target:.0%} target")
    return AnalysisResult("target", title, tidy_table(rows), n=n_total,
                          notes=tuple(notes), not_estimable=tuple(log), extras=extras)
