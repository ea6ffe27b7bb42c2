"""Steps up the participation ladder (rungs 1-6) from intake to the last measurement.

Three answers from the outcomes frame (``ladder_intake``, ``ladder_last``,
``ladder_up`` of :func:`~iedereen_doet_mee.analysis.derive_outcomes`):

* :func:`ladder_steps_up`: the share with at least one rung up per band x instruments
  cell, with Wilson intervals; the transition matrix from intake rung to last rung is
  in its ``extras``;
* :func:`ladder_ordinal`: a proportional-odds (ordinal logit) regression of the last
  rung on the intake rung, band and instruments (statsmodels ``OrderedModel``).

Participants without a rung measured after intake have no ``ladder_last``; they are
left out of the denominators and counted in the notes.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .common import check_level, wilson_interval, z_value
from .results import AnalysisResult, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["ladder_ordinal", "ladder_steps_up"]

RUNGS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)

#: Participants from which the proportional-odds model is fitted on the distinct
#: (last rung, covariates) patterns with their counts instead of one row per person.
#: The likelihood is the same sum, so is the fit (to the optimiser's tolerance, about
#: 1e-8; ``tests/analysis/test_ladder.py``), but statsmodels evaluates its numerical
#: derivatives on every row: 6 s at 1,000 participants, 3 minutes at 100,000. With an
#: integer intake rung and two factors there are at most 144 patterns. Below the
#: threshold the per-person fit keeps the frozen numbers of trials of the planned size
#: (100) bit for bit and costs at most a few seconds.
GROUPED_FIT_MIN_PARTICIPANTS = 500


def _levels(column: pd.Series) -> list[str]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return sorted(column.dropna().astype(str).unique())


def _check(frame: pd.DataFrame, columns: Sequence[str], caller: str, level: float) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{caller}: column(s) {missing} not in the frame; name them with the "
                         "keyword arguments")
    check_level(caller, level)


def _rungs(frame: pd.DataFrame, column: str, rungs: Sequence[int], caller: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    bad = values.notna() & ~values.isin([float(r) for r in rungs])
    if bad.any():
        raise ValueError(f"{caller}: column {column!r} holds {values[bad].iloc[0]!r}; allowed "
                         f"are the rungs {list(rungs)} or a missing value")
    return values


def _transitions(intake: pd.Series, last: pd.Series, rungs: Sequence[int]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    both = intake.notna() & last.notna()
    # counted with bincount, not pd.crosstab: pandas < 3 gives an empty crosstab of
    # categoricals duplicate column labels (a cell with nobody measured twice)
    k = len(rungs)
    start, end = (pd.Categorical(s[both].astype(int), categories=list(rungs)).codes
                  .astype(np.int64) for s in (intake, last))
    counts = pd.DataFrame(np.bincount(start * k + end, minlength=k * k).reshape(k, k)
                          .astype(np.int64),
                          index=pd.Index(list(rungs), dtype=np.int64, name="intake_rung"),
                          columns=pd.Index(list(rungs), dtype=np.int64, name="last_rung"))
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    counts["total"] = totals
    return counts, shares


@accepts_trial("unit_frame")
def ladder_steps_up(frame: pd.DataFrame, *, intake: str = "ladder_intake",
                    last: str = "ladder_last", up: str = "ladder_up", band: str = "band",
                    instruments: str = "instruments", rungs: Sequence[int] = RUNGS,
                    level: float = 0.95) -> AnalysisResult:
    """Share of participants at least one rung up from intake to the last measurement.

    Parameters
    ----------
    frame : pandas.DataFrame or TrialData
        One row per participant, e.g. ``derive_outcomes(trial).frame``.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    intake, last, up, band, instruments : str
        Column names: intake rung, last rung measured after intake, whether it is
        higher (missing without a later measurement), and the design factors.
    rungs : sequence of int
        The rungs of the ladder (the rows and columns of the transition matrix).
    level : float
        Level of the Wilson intervals.

    Returns
    -------
    AnalysisResult
        The share one rung up per cell (term ``band=...:instruments=...``) and
        ``overall`` (estimator ``proportion_wilson``; ``n`` is the denominator). ``extras``:
        ``counts`` (per cell: participants, with and without a later rung, up),
        ``transitions`` (counts, intake rung x last rung, with row totals),
        ``transition_shares`` (row proportions) and ``transitions_by_cell`` (long).

    Notes
    -----
    The standard error is :math:`\\sqrt{\\hat p (1-\\hat p)/n}`; the interval is Wilson's
    (see :func:`~.common.wilson_interval`), which stays inside [0, 1] and answers for 0 of n
    and n of n.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 4, "instruments": ["no"] * 4,
    ...                       "ladder_intake": [2, 3, 3, 4], "ladder_last": [3, 3, None, 2],
    ...                       "ladder_up": [True, False, None, False]})
    >>> float(ladder_steps_up(frame).estimate("overall", "proportion_wilson")["estimate"])
    0.3333333333333333
    """
    caller = "ladder_steps_up"
    _check(frame, [intake, last, up, band, instruments], caller, level)
    start, end = _rungs(frame, intake, rungs, caller), _rungs(frame, last, rungs, caller)
    went_up = pd.array(frame[up], dtype="boolean")
    has = ~np.asarray(pd.isna(went_up))
    cells = [(b, a) for b in _levels(frame[band]) for a in _levels(frame[instruments])]
    groups = [(f"{band}={b}:{instruments}={a}",
               ((frame[band].astype(str) == b) & (frame[instruments].astype(str) == a))
               .to_numpy(), (b, a)) for b, a in cells]
    groups.append(("overall", np.ones(len(frame), dtype=bool), ("all", "all")))
    rows, log, counts = [], [], []
    for term, mask, (b, a) in groups:
        n, events = int((mask & has).sum()), int(np.asarray(went_up[mask & has]).sum())
        counts.append({band: b, instruments: a, "participants": int(mask.sum()),
                       "measured_after_intake": n, "no_measurement_after_intake":
                       int((mask & ~has).sum()), "up": events})
        if n == 0:
            rows.append(not_estimable_row(term, estimator="proportion_wilson", n=0, log=log,
                                          reason=f"nobody of {int(mask.sum())} has a rung "
                                          "measured after intake"))
            continue
        p = events / n
        low, high = wilson_interval(events, n, z=z_value(level))
        rows.append(tidy_row(term, p, estimator="proportion_wilson", n=n, conf_low=low,
                             conf_high=high, std_error=math.sqrt(p * (1 - p) / n)))
    total = counts[-1]
    notes = (f"{total['no_measurement_after_intake']} of {total['participants']} participants "
             "had no rung measured after intake and are not in the denominators.",)
    matrix, shares = _transitions(start, end, rungs)
    by_cell = []
    for _, mask, (b, a) in groups[:-1]:
        m, _ = _transitions(start[mask], end[mask], rungs)
        long = m.drop(columns="total").stack().rename("count").reset_index()
        long["row_share"] = long["count"] / long.groupby("intake_rung")["count"].transform("sum")
        by_cell.append(long.assign(**{band: b, instruments: a}))
    extras = {"counts": pd.DataFrame(counts), "transitions": matrix,
              "transition_shares": shares,
              "transitions_by_cell": pd.concat(by_cell, ignore_index=True) if by_cell else
              pd.DataFrame()}
    return AnalysisResult("ladder", "At least one rung up the participation ladder",
                          tidy_table(rows), int(has.sum()), notes, tuple(log), extras)


def _counted_model(base: type) -> type:
    """``base`` (statsmodels' ``OrderedModel``) with a log-likelihood weighted by counts:
    a row stands for ``counts`` identical participants (frequency weights)."""
    class CountedOrderedModel(base):
        def __init__(self, endog, exog, *, counts, **options):
            self.counts = np.asarray(counts, dtype=float)
            super().__init__(endog, exog, **options)

        def loglike(self, params):
            return float(self.counts @ self.loglikeobs(params))

        def nloglike(self, params):
            return -self.loglike(params)

    return CountedOrderedModel


def _covariates(frame: pd.DataFrame, used: np.ndarray, start: pd.Series,
                factors: Sequence[str]) -> list[tuple[str, np.ndarray | str]]:
    """Intake rung (linear) and treatment-coded factors, in order: each term with its
    column, or with the reason it cannot enter the model."""
    out: list[tuple[str, np.ndarray | str]] = []
    if start[used].nunique() > 1:
        out.append(("intake_rung", start[used].to_numpy(dtype=float)))
    else:
        out.append(("intake_rung", "the intake rung does not vary"))
    for factor in factors:
        values = frame.loc[used, factor].astype(str)
        levels = _levels(frame[factor])
        present = [lv for lv in levels if (values == lv).any()]
        for value in (lv for lv in levels if present and lv != present[0]):
            term = f"{factor}={value} vs {present[0]}"
            out.append((term, (values == value).to_numpy(dtype=float) if value in present
                        else f"nobody with {factor}={value} has a last rung"))
    return out


@accepts_trial("unit_frame")
def ladder_ordinal(frame: pd.DataFrame, *, intake: str = "ladder_intake",
                   last: str = "ladder_last", band: str = "band",
                   instruments: str = "instruments", rungs: Sequence[int] = RUNGS,
                   level: float = 0.95) -> AnalysisResult:
    """Proportional-odds logit regression of the last rung on intake rung, band and instruments.

    Parameters
    ----------
    frame : pandas.DataFrame or TrialData
        One row per participant, e.g. ``derive_outcomes(trial).frame``.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    intake, last, band, instruments : str
        Column names: intake rung (entered as a linear term), last rung (the ordinal
        outcome, observed levels only) and the two factors (treatment coding against
        the first level present).
    rungs : sequence of int
        The allowed rungs.
    level : float
        Level of the Wald intervals.

    Returns
    -------
    AnalysisResult
        Log odds ratios of a higher last rung (``intake_rung``, ``band=... vs ...``,
        ``instruments=... vs ...``) and the thresholds ``threshold[j|k]`` (estimator
        ``proportional_odds_logit``); ``extras["odds_ratios"]``.

    Notes
    -----
    :math:`\\operatorname{logit} P(Y \\le j \\mid x) = \\theta_j - x'\\beta`, the
    parametrisation of ``MASS::polr`` and ``ordinal::clm``: a positive coefficient
    means higher rungs. (SAS PROC LOGISTIC and some texts use :math:`\\theta_j +
    x'\\beta` and report the opposite sign.) Threshold standard errors by the delta
    method from statsmodels' increment parametrisation. McCullagh (1980), JRSS B
    42:109-142.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = ladder_ordinal(derive_outcomes(simulate_trial(seed=1)).frame)
    >>> result.table["term"].iloc[0]
    'intake_rung'
    """
    caller, estimator = "ladder_ordinal", "proportional_odds_logit"
    _check(frame, [intake, last, band, instruments], caller, level)
    start, end = _rungs(frame, intake, rungs, caller), _rungs(frame, last, rungs, caller)
    used = (start.notna() & end.notna()).to_numpy()
    n, log = int(used.sum()), []
    covariates = _covariates(frame, used, start, [band, instruments])
    terms = [t for t, c in covariates if not isinstance(c, str)]
    columns = [c for _, c in covariates if not isinstance(c, str)]
    y = end[used].astype(int).to_numpy()
    levels = sorted(set(y.tolist()))
    cuts = [f"threshold[{lo}|{hi}]" for lo, hi in itertools.pairwise(levels)]
    k = len(terms) + len(cuts)
    notes = [f"{n} of {len(frame)} participants have an intake rung and a last rung.",
             "Proportional odds assumed; intake rung enters as a linear term."]
    problem, fit = "", None
    if len(levels) < 2:
        problem = f"the last rung takes {len(levels)} value(s); an ordinal model needs 2"
    elif not terms:
        problem = "no covariate varies among the participants with a last rung"
    elif n <= k:
        problem = f"too few participants ({n}) for {k} parameters"
    else:
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        codes, exog = np.searchsorted(levels, y), np.column_stack(columns)
        try:
            if n >= GROUPED_FIT_MIN_PARTICIPANTS:
                patterns, counts = np.unique(np.column_stack([codes, exog]), axis=0,
                                             return_counts=True)
                model = _counted_model(OrderedModel)(
                    patterns[:, 0].astype(int), patterns[:, 1:], distr="logit",
                    counts=counts)
                notes.append(f"Fitted on the {len(counts)} distinct patterns of last rung "
                             f"and covariates with their counts (the same likelihood), as "
                             f"the data have {GROUPED_FIT_MIN_PARTICIPANTS} or more "
                             "participants.")
            else:
                model = OrderedModel(codes, exog, distr="logit")
        except ValueError as error:
            # statsmodels refuses covariates that add up to a constant (the thresholds
            # are the model's intercepts): dummies of a band and an arm that cover every
            # participant with a last rung between them
            problem = (f"the model cannot be set up ({error}): the band and arm "
                       "indicators of the participants with a last rung are collinear "
                       "with the thresholds")
            model = None
        if model is not None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    # BFGS to get close, Newton to polish (score below about 1e-8)
                    start_fit = model.fit(method="bfgs", maxiter=2000, disp=False)
                    fit = model.fit(start_params=start_fit.params, method="newton",
                                    maxiter=100, disp=False)
                except np.linalg.LinAlgError as error:  # statsmodels < 0.15, separation
                    problem = (f"the fit failed ({type(error).__name__}: {error}): a "
                               "singular information matrix, as under separation (a "
                               "covariate level predicts the rung perfectly) or collinear "
                               "covariates")
                except Exception as error:  # a failing optimiser must not stop a report
                    problem = f"the fit failed ({type(error).__name__}: {error})"
            notes += sorted({f"Optimiser warning: {str(w.message).splitlines()[0]}"
                             for w in caught})
    if fit is not None:
        params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
        p = len(terms)
        jac = np.zeros((k, k))
        jac[:p, :p] = np.eye(p)
        jac[p:, p] = 1.0
        for j in range(1, len(cuts)):
            jac[p + j:, p + j] = math.exp(params[p + j])
        theta = np.concatenate([params[:p], model.transform_threshold_params(params)[1:-1]])
        cov = jac @ cov @ jac.T
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        if not fit.mle_retvals.get("converged", False) or not np.all(np.isfinite(se)) \
                or np.any(np.abs(theta[:p]) > 15):
            problem = ("no finite maximum likelihood estimate (non-convergence or "
                       "separation: a covariate level predicts the rung perfectly)")
            fit = None
    rows, z = [], stats.norm.ppf(0.5 + level / 2)
    fitted = dict(zip(terms + cuts, range(k), strict=True))
    for term, column in covariates + [(c, None) for c in cuts]:
        if isinstance(column, str) or fit is None:
            reason = column if isinstance(column, str) else problem
            rows.append(not_estimable_row(term, estimator=estimator, n=n, reason=reason,
                                          log=log))
            continue
        est, s = theta[fitted[term]], se[fitted[term]]
        rows.append(tidy_row(term, est, estimator=estimator, n=n, std_error=s,
                             statistic=est / s, p_value=2 * stats.norm.sf(abs(est / s)),
                             conf_low=est - z * s, conf_high=est + z * s))
    if fit is None:
        ratios = pd.DataFrame(columns=["term", "odds_ratio", "conf_low", "conf_high"])
    else:
        ratios = pd.DataFrame({"term": terms, "odds_ratio": np.exp(theta[:p]),
                               "conf_low": np.exp(theta[:p] - z * se[:p]),
                               "conf_high": np.exp(theta[:p] + z * se[:p])})
    return AnalysisResult("ladder", "Last rung by intake rung, band and instruments "
                          "(proportional odds)", tidy_table(rows), n, tuple(notes), tuple(log),
                          {"odds_ratios": ratios})
