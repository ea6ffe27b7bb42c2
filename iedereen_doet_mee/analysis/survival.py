"""Time to regular work (research question ``"survival"``).

:func:`time_to_regular_work` gives Kaplan-Meier curves per cell, the log-rank test and
the Cox model of the arm (instruments) stratified by band, a proportional-hazards
check, the cumulative incidence of regular work with the other exits as competing
events (Aalen-Johansen), and the restricted mean time to regular work per arm.
:func:`~.curves.kaplan_meier` and :func:`~.curves.cumulative_incidence` (module
:mod:`.curves`) are the curve estimators; the target analysis reuses them. Times are days in, months
(30.436875 days) out. Formulas and references: ``docs/methods.md``.

The Cox model is statsmodels' ``PHReg``. The rest is written out: the stratified
log-rank test because the table reports observed minus expected events and their
variance, which statsmodels' ``survdiff(strata=...)`` (pinned to it in
``tests/analysis/test_statistics_libraries.py``) does not return; R's ``cox.zph``
score test of proportional hazards and the restricted mean with the standard error of
R's ``survmean`` because neither scipy nor statsmodels has them (pinned to R in
``tests/analysis/test_survival.py``).
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from .bands import equal_precision_band
from .common import check_level, check_option
from .curves import (
    DAYS_PER_MONTH,
    cumulative_incidence,
    groups,
    kaplan_meier,
    prepare,
)
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["HORIZON", "time_to_regular_work"]

#: Key of ``extras`` holding the horizon tau in months (cumulative incidence and
#: restricted mean).
HORIZON = "tau_months"

PhTransform = Literal["km", "rank", "identity", "log"]


def _log_rank(time, status, x, strata) -> tuple[float, float, float]:
    """Observed, expected (treated arm) and hypergeometric variance, summed over strata."""
    obs = expected = variance = 0.0
    for s in np.unique(strata):
        t, d, g = time[strata == s], status[strata == s], x[strata == s]
        event_times, deaths = np.unique(t[d], return_counts=True)
        n = len(t) - np.searchsorted(np.sort(t), event_times, side="left")
        n1 = g.sum() - np.searchsorted(np.sort(t[g]), event_times, side="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = n1 / n
            v = np.where(n > 1, deaths * frac * (1 - frac) * (n - deaths) / (n - 1), 0.0)
        obs += float((d & g).sum())
        expected += float((deaths * frac).sum())
        variance += float(v.sum())
    return obs, expected, variance


def _ph_score_test(time, status, x, strata, beta, transform: PhTransform) -> float:
    """Score test of theta = 0 in beta(t) = beta + theta g(t), as R's ``cox.zph``."""
    with np.errstate(all="ignore"):  # log(0): the statistic is then not finite
        if transform == "km":
            curve = kaplan_meier(time, status)
            i = np.searchsorted(curve["time"].to_numpy(), time, side="left")
            g = 1 - np.concatenate([[1.0], curve["survival"].to_numpy()])[i]
        else:
            g = {"rank": stats.rankdata, "identity": np.asarray, "log": np.log}[transform](time)
        g = g - g[status].mean()
    x = x - x.mean()
    risk = np.exp(beta * x)
    u, info = 0.0, np.zeros(3)  # info: beta-beta, beta-theta, theta-theta
    for s in np.unique(strata):
        m = strata == s
        t, d, xs, r, gs = time[m], status[m], x[m], risk[m], g[m]
        for et in np.unique(t[d]):
            at_risk, dead = t >= et, (t == et) & d
            nd = dead.sum()
            frac = np.arange(nd)[:, None] / nd  # Efron: remove k/nd of the tied deaths
            sums = (np.array([(r * xs**p)[at_risk].sum() for p in range(3)])
                    - frac * np.array([(r * xs**p)[dead].sum() for p in range(3)]))
            mean = sums[:, 1] / sums[:, 0]
            weight = gs[dead][0]
            u += weight * (xs[dead].sum() - mean.sum())
            info += (sums[:, 2] / sums[:, 0] - mean**2).sum() * np.array([1, weight, weight**2])
    with np.errstate(all="ignore"):
        return float(u * u / (info[2] - info[1] ** 2 / info[0]))


def _comparison_problem(status, x, strata) -> str | None:
    """Why the arms cannot be compared within strata, or None."""
    both = [s for s in np.unique(strata) if 0 < x[strata == s].sum() < (strata == s).sum()]
    keep = np.isin(strata, both)
    if not both:
        return "no stratum holds both arms"
    if not (status & keep).any():
        return "no events in the strata that hold both arms"
    if not (status & keep & x).any() or not (status & keep & ~x).any():
        return ("no events in one arm within the strata that hold both arms: the hazard "
                "ratio is 0 or infinite")
    return None


def _cox(time, status, x, strata) -> tuple[float, float] | str:
    """Efron Cox fit of one binary covariate, stratified: (beta, se) or why it failed."""
    problem = _comparison_problem(status, x, strata)
    if problem:
        return problem
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = PHReg(time, x.astype(float)[:, None], status=status.astype(float),
                        strata=strata, ties="efron").fit()
        beta, se = float(fit.params[0]), float(fit.bse[0])
    except (np.linalg.LinAlgError, ValueError) as error:
        return f"the Cox fit failed ({error})"
    if not (math.isfinite(beta) and math.isfinite(se)) or abs(beta) > 15 or se > 100:
        return "monotone likelihood: the hazard ratio diverges"
    return beta, se


def _rmst(curve: pd.DataFrame, tau: float) -> tuple[float, float]:
    """Area under a Kaplan-Meier curve up to tau and its SE (R ``survmean``), in months."""
    times = curve["time"].to_numpy()
    keep = times < tau
    grid = np.concatenate([[0.0], times[keep], [tau]])
    pieces = np.diff(grid) * np.concatenate([[1.0], curve["survival"].to_numpy()[keep]])
    tail = pieces[::-1].cumsum()[::-1]  # area from each grid point to tau
    d, r = curve["n_event"].to_numpy()[keep], curve["n_risk"].to_numpy()[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_var = np.where(r > d, d / (r * (r - d)), 0.0)
    return (float(pieces.sum()) / DAYS_PER_MONTH,
            math.sqrt(float((tail[1:] ** 2 * hazard_var).sum())) / DAYS_PER_MONTH)


def _comparison_rows(term, t, status, x, strata, z, transform, log) -> list[dict]:
    """Stratified log-rank, Cox (Efron) and proportional-hazards test rows."""
    n, rows, problem = len(t), [], _comparison_problem(status, x, strata)
    obs, expected, variance = _log_rank(t, status, x, strata)
    if variance > 0:
        chisq = (obs - expected) ** 2 / variance
        rows.append(tidy_row(term, obs - expected, estimator="log_rank_stratified", n=n,
                             std_error=math.sqrt(variance), statistic=chisq,
                             p_value=stats.chi2.sf(chisq, 1)))
    else:
        rows.append(not_estimable_row(term, estimator="log_rank_stratified", n=n, log=log,
                                      reason=problem or "no variance in the risk sets"))
    fit, ph_name = _cox(t, status, x, strata), f"ph_test_schoenfeld_{transform}"
    if isinstance(fit, str):
        return rows + [not_estimable_row(term, estimator=name, n=n, reason=fit, log=log)
                       for name in ("cox_ph_efron_stratified", ph_name)]
    beta, se = fit
    rows.append(tidy_row(term, math.exp(beta), estimator="cox_ph_efron_stratified", n=n,
                         std_error=se, statistic=beta / se,
                         p_value=2 * stats.norm.sf(abs(beta / se)),
                         conf_low=math.exp(beta - z * se), conf_high=math.exp(beta + z * se)))
    chisq = _ph_score_test(t, status, x.astype(float), strata, beta, transform)
    if math.isfinite(chisq):
        rows.append(tidy_row(term, math.nan, estimator=ph_name, n=n, statistic=chisq,
                             p_value=stats.chi2.sf(chisq, 1)))
    else:
        rows.append(not_estimable_row(term, estimator=ph_name, n=n, log=log,
                                      reason="the test statistic is not finite: g(t) is "
                                      "constant or undefined over the event times"))
    return rows


def _arm_rows(term, t, cause, tau_months, level, z, log) -> list[dict]:
    """Cumulative incidence and restricted mean of one arm at tau."""
    n, tau = len(t), tau_months * DAYS_PER_MONTH
    longest = float(t.max()) if n else math.nan
    why = ("no participants" if not n else f"tau ({tau_months:g} months) lies beyond the "
           f"longest follow-up ({longest / DAYS_PER_MONTH:.1f} months)")
    if not (n and tau <= longest):
        return [not_estimable_row(term, estimator=name, n=n, reason=why, log=log)
                for name in ("aalen_johansen_cumulative_incidence", "rmst_kaplan_meier")]
    cif = cumulative_incidence(t, cause, level=level)
    i = int(np.searchsorted(cif["time"].to_numpy(), tau, side="right")) - 1
    r = cif.iloc[i] if i >= 0 else {"estimate": 0.0, "std_error": 0.0, "conf_low": math.nan,
                                    "conf_high": math.nan}
    est, se = _rmst(kaplan_meier(t, cause == 1), tau)
    return [tidy_row(term, r["estimate"], estimator="aalen_johansen_cumulative_incidence", n=n,
                     std_error=r["std_error"], conf_low=r["conf_low"], conf_high=r["conf_high"]),
            tidy_row(term, est, estimator="rmst_kaplan_meier", n=n, std_error=se,
                     conf_low=est - z * se, conf_high=est + z * se)]


def _compared_arm_rows(arm, treated, control, frame, t, cause, tau_months, level, z,
                       log) -> list[dict]:
    """Cumulative incidence and restricted mean of each arm, and the restricted-mean
    difference treated minus control."""
    n, rows, rmst = len(t), [], {}
    for value in (control, treated):
        m = (frame["arm"] == value).to_numpy()
        rows += _arm_rows(f"{arm}={value}", t[m], cause[m], tau_months, level, z, log)
        if not np.isnan(rows[-1]["estimate"]):
            rmst[value] = rows[-1]["estimate"], rows[-1]["std_error"]
    diff_term = f"{arm}={treated} - {arm}={control}"
    if len(rmst) == 2 and rmst[treated][1] ** 2 + rmst[control][1] ** 2 > 0:
        est = rmst[treated][0] - rmst[control][0]
        se = math.hypot(rmst[treated][1], rmst[control][1])
        rows.append(tidy_row(diff_term, est, estimator="rmst_difference", n=n, std_error=se,
                             statistic=est / se, p_value=2 * stats.norm.sf(abs(est / se)),
                             conf_low=est - z * se, conf_high=est + z * se))
    else:
        rows.append(not_estimable_row(diff_term, estimator="rmst_difference", n=n, log=log,
                                      reason="a restricted mean is missing, or neither arm "
                                      "has an event before tau"))
    return rows


def _curves(function, time, status, parts, level) -> pd.DataFrame:
    """Curves of ``function`` for each (term, mask), stacked, with time in days and months."""
    frames = []
    for term, mask in parts:
        curve = function(time[mask], status[mask], level=level)
        if function is kaplan_meier:
            curve = equal_precision_band(curve, int(mask.sum()), level=level)
        frames.append(curve.assign(term=term, time_months=curve["time"] / DAYS_PER_MONTH))
    if not frames:
        frames = [function(np.array([]), np.array([], dtype=int)).assign(term="", time_months=0.0)]
    out = pd.concat(frames, ignore_index=True).rename(columns={"time": "time_days"})
    first = ["term", "time_days", "time_months"]
    return out[first + [c for c in out.columns if c not in first]]


@accepts_trial("unit_frame", options=("arms",))
def time_to_regular_work(data: pd.DataFrame, *, time: str = "time_days", event: str = "event",
                         band: str = "band", arm: str = "instruments",
                         event_of_interest: str = "regular_work", censored: str = "censored",
                         treated: str = "yes", control: str | None = "no",
                         tau_months: float = 12.0,
                         level: float = 0.95,
                         ph_transform: PhTransform = "km") -> AnalysisResult:
    """Time to regular work: curves per cell and the arm comparison stratified by band.

    Parameters
    ----------
    data : pandas.DataFrame or TrialData
        One row per participant, e.g. :attr:`Outcomes.frame`.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    time, event, band, arm : str
        Columns: time in days to the event or censoring; the event (``event_of_interest``,
        ``censored`` or any other exit, a competing event); the stratum; the arm.
    event_of_interest, censored : str
        Values of ``event``.
    treated, control : str
        The two values of ``arm``; effects are treated versus control. ``control=None``
        (a single-arm design, everyone in arm ``treated``): the arm is described (its
        cumulative incidence and restricted mean time), nothing is compared.
    tau_months : float
        Horizon of the cumulative incidence and the restricted mean time.
    level : float
        Level of all intervals.
    ph_transform : {"km", "rank", "identity", "log"}
        Time scale g(t) of the proportional-hazards test (R ``cox.zph(transform=)``).

    Returns
    -------
    AnalysisResult
        Question ``"survival"``. Table rows: ``log_rank_stratified`` (estimate observed
        minus expected events in the treated arm, statistic chi-square),
        ``cox_ph_efron_stratified`` (hazard ratio, std_error of its log, Wald z),
        ``ph_test_schoenfeld_<transform>`` (chi-square), per arm
        ``aalen_johansen_cumulative_incidence`` and ``rmst_kaplan_meier`` (months) at
        ``tau_months``, and ``rmst_difference``; with ``control=None`` only the rows of
        the one arm. Extras: ``kaplan_meier`` (overall, bands, arms, cells) and
        ``cumulative_incidence`` (overall, arms) curves.

    Notes
    -----
    Kaplan-Meier, log-rank, Cox and restricted mean treat other exits as censored
    (cause-specific); the cumulative incidence treats them as competing events.
    See ``docs/methods.md`` for formulas and references.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "band": ["40-60"] * 6 + ["60-80"] * 6, "instruments": ["yes", "no"] * 6,
    ...     "event": ["regular_work", "censored", "regular_work", "moved", "censored",
    ...               "regular_work"] * 2,
    ...     "time_days": [100, 500, 200, 300, 600, 400, 150, 450, 250, 350, 650, 380]})
    >>> result = time_to_regular_work(frame)
    >>> result
    AnalysisResult(survival: Time to regular work; 8 estimates on n=12)
    >>> row = result.estimate("instruments=yes", "cox_ph_efron_stratified")
    >>> round(float(row["estimate"]), 2), round(float(row["p_value"]), 2)
    (2.92, 0.22)
    >>> one_arm = frame.assign(instruments="yes")
    >>> time_to_regular_work(one_arm, control=None).table["estimator"].tolist()
    ['aalen_johansen_cumulative_incidence', 'rmst_kaplan_meier']
    """
    check_option("time_to_regular_work", "ph_transform", ph_transform, PhTransform)
    check_level("time_to_regular_work", level)
    if not tau_months > 0:
        raise ValueError(f"time_to_regular_work: need 0 < level < 1 and tau_months > 0, "
                         f"got level={level!r}, tau_months={tau_months!r}")
    frame = prepare(data, {"band": band, "arm": arm, "event": event, "time": time},
                    "time_to_regular_work")
    unknown = sorted(set(frame["arm"]) - {treated, control})
    if unknown:
        allowed = (f"allowed are treated={treated!r} and control={control!r}"
                   if control is not None else f"allowed is treated={treated!r} (one arm)")
        raise ValueError(f"time_to_regular_work: column {arm!r} has value(s) {unknown}; "
                         + allowed)
    t, n = frame["time"].to_numpy(), len(frame)
    status = (frame["event"] == event_of_interest).to_numpy()
    x, strata = (frame["arm"] == treated).to_numpy(), frame["band"].to_numpy()
    cause = np.where(status, 1, np.where(frame["event"] == censored, 0, 2))
    z = float(stats.norm.ppf(0.5 + level / 2))
    log: list[NotEstimable] = []
    if control is None:  # one arm: described, not compared
        rows = _arm_rows(f"{arm}={treated}", t, cause, tau_months, level, z, log)
    else:
        rows = _comparison_rows(f"{arm}={treated}", t, status, x, strata, z, ph_transform,
                                log)
        rows += _compared_arm_rows(arm, treated, control, frame, t, cause, tau_months,
                                   level, z, log)
    parts = [p for p in groups(frame, band, arm, arms=True) if p[1].any()]
    extras = {"kaplan_meier": _curves(kaplan_meier, t, status, parts, level),
              "cumulative_incidence": _curves(cumulative_incidence, t, cause, [
                  p for p in parts if p[0] == "overall" or p[0].startswith(f"{arm}=")],
                  level),
              # the horizon of the cumulative incidence and the restricted mean, for the
              # report's words ("within 12 months")
              HORIZON: float(tau_months)}
    notes = (
        f"Kaplan-Meier, {'' if control is None else 'log-rank, Cox and '}restricted mean "
        f"treat exits other than "
        f"{event_of_interest!r} as censored (cause-specific); the cumulative incidence "
        "(Aalen-Johansen) treats them as competing events, so it is the share that "
        "actually reached it.",
        f"The {arm} comparison is stratified by {band}; it estimates a causal effect only "
        f"if {arm} was randomised within {band}, otherwise it is an association."
        if control is not None else
        f"One arm ({arm}={treated}): described, not compared with another arm.",
        f"Times in months of {DAYS_PER_MONTH} days; tau = {tau_months:g} months.",
        "Kaplan-Meier curves (extras) carry pointwise log-log intervals (conf_low, "
        "conf_high) and a simultaneous equal-precision log-log band (band_low, band_high) "
        "from the fifth to the last event time (none with fewer than five events).",
    )
    return AnalysisResult("survival", "Time to regular work", tidy_table(rows), n=n,
                          notes=notes, not_estimable=tuple(log), extras=extras)
