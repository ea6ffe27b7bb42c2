"""How does wage value evolve? Growth of measured wage value per month since enrolment.

:func:`~iedereen_doet_mee.analysis.outcomes.wage_value_long` gives one row per
measurement with ``time`` in months since enrolment; :func:`wage_value_mixed_model`
(REML, random intercept and slope per participant, predicted trajectories in
``extras``) and :func:`wage_value_within` (participant fixed effects, cluster-robust
CR2 SE) estimate one slope per band x instruments cell, i.e.
``value ~ time * band * instruments``, and contrasts of the slopes. Small-sample
intervals (Satterthwaite df; CR2 with Bell-McCaffrey df) come from
:mod:`~iedereen_doet_mee.analysis.wage_value.small_sample`; see ``docs/methods.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import check_level
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from ..trial_inputs import accepts_trial
from .batched import lmm_satterthwaite_batched, within_cr2_batched
from .reml import VECTORISED_MIN_PARTICIPANTS, reml_fit
from .small_sample import lmm_satterthwaite, within_cr2

__all__ = ["wage_value_mixed_model", "wage_value_within"]
_Cell = tuple[str, str]


def _levels(column: pd.Series) -> list[str]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return sorted(column.dropna().astype(str).unique())


def _in(d: pd.DataFrame, cell: _Cell) -> pd.Series:
    return (d["band"] == cell[0]) & (d["arm"] == cell[1])


def _prepare(long: pd.DataFrame, columns: dict[str, str], level: float,
             caller: str) -> tuple[pd.DataFrame, list[_Cell]]:
    """Checked columns renamed to ``pid, band, arm, time, value``; the design's cells."""
    missing = [c for c in columns.values() if c not in long.columns]
    if missing:
        raise ValueError(f"wage_value_{caller}: column(s) {missing} not in the frame; name "
                         f"them with the keyword arguments {sorted(columns)}")
    check_level(f"wage_value_{caller}", level)
    cells = [(b, a) for b in _levels(long[columns["band"]])
             for a in _levels(long[columns["instruments"]])]
    d = pd.DataFrame({key: long[columns[name]].astype(str).to_numpy() for key, name in
                      (("pid", "participant"), ("band", "band"), ("arm", "instruments"))})
    for key in ("time", "value"):
        d[key] = pd.to_numeric(long[columns[key]], errors="coerce").to_numpy(dtype=float)
    d = d[np.isfinite(d["time"]) & np.isfinite(d["value"])]
    return d.sort_values(["pid", "time"], kind="stable").reset_index(drop=True), cells


def _contrasts(cells: list[_Cell], band: str, instruments: str
               ) -> list[tuple[str, dict[_Cell, float]]]:
    """Named linear combinations of the cell slopes (weights per cell)."""
    bands, arms = list(dict.fromkeys(b for b, _ in cells)), list(dict.fromkeys(a for _, a in
                                                                                cells))
    out: list[tuple[str, dict[_Cell, float]]] = []
    for a in arms[1:]:
        for b in bands:
            out.append((f"growth_difference[{instruments}={a} - {arms[0]} | {band}={b}]",
                        {(b, a): 1.0, (b, arms[0]): -1.0}))
        if len(bands) > 1:
            w = 1.0 / len(bands)
            weights = {(b, a): w for b in bands} | {(b, arms[0]): -w for b in bands}
            out.append((f"growth_difference[{instruments}={a} - {arms[0]}]", weights))
    for b in bands[1:]:
        w = 1.0 / len(arms)
        weights = {(b, a): w for a in arms} | {(bands[0], a): -w for a in arms}
        out.append((f"growth_difference[{band}={b} - {bands[0]}]", weights))
        for a in arms[1:]:
            out.append((f"growth_interaction[{band}={b}:{instruments}={a}]",
                        {(b, a): 1.0, (b, arms[0]): -1.0, (bands[0], a): -1.0,
                         (bands[0], arms[0]): 1.0}))
    return out


def _growth_rows(fit: dict | None, cells: list[_Cell], n_cell: dict[_Cell, int], n_all: int,
                 *, names: tuple[str, str], estimator: str, level: float,
                 missing_reason: dict[_Cell, str], log: list[NotEstimable],
                 df: float | None = None) -> list[dict]:
    """Rows for each cell's growth per month and the contrasts between cells; ``df``
    overrides the fit's small-sample degrees of freedom (``inf``: normal quantiles)."""
    slopes = fit["slope"] if fit else {}
    wanted = [(f"growth_per_month[{names[0]}={b}:{names[1]}={a}]", {(b, a): 1.0})
              for b, a in cells]
    rows = []
    for term, weights in wanted + _contrasts(cells, *names):
        n = n_cell.get(next(iter(weights)), 0) if len(weights) == 1 else n_all
        absent = [c for c in weights if c not in slopes]
        if absent:
            rows.append(not_estimable_row(term, estimator=estimator, n=n, log=log, reason="; "
                                          .join(f"{c[0]}/{c[1]}: {missing_reason[c]}"
                                                for c in absent)))
            continue
        vec = np.zeros(fit["inference"].beta.size)
        for c, w in weights.items():
            vec[slopes[c]] = w
        row = fit["inference"].combination(vec, level, df=df)
        if not row.pop("df") > 0:  # nan: the degrees of freedom cannot be computed
            log.append(NotEstimable(term, estimator, "no interval: the small-sample degrees "
                                    "of freedom are not computable (singular information)"))
        rows.append(tidy_row(term, estimator=estimator, n=n, **row))
    return rows


def _missing_reasons(d: pd.DataFrame, cells: list[_Cell], within: bool) -> dict[_Cell, str]:
    reasons = {}
    for c in cells:
        part = d[_in(d, c)]
        if part.empty:
            reasons[c] = "no wage-value measurements in this cell"
        elif within and not (part.groupby("pid")["time"].nunique() > 1).any():
            reasons[c] = "nobody in this cell has measurements at two different times"
        elif not within and part["time"].nunique() < 2:
            reasons[c] = "all measurements of this cell lie at the same time since enrolment"
    return reasons


def _lmm_fit(d: pd.DataFrame, with_data: list[_Cell], with_slope: list[_Cell]) -> dict:
    """REML fit with one intercept and one slope per cell, and the conventional
    fixed-effect covariance ``(X' V^-1 X)^-1`` at the REML variance estimates.

    statsmodels' ``MixedLM`` below ``VECTORISED_MIN_PARTICIPANTS`` participants, the
    package's vectorised fit (:mod:`~iedereen_doet_mee.analysis.wage_value.reml`) from
    there on, where statsmodels' cost grows faster than the data."""
    time = d["time"].to_numpy()
    inter = np.column_stack([_in(d, c) for c in with_data]).astype(float)
    x = np.hstack([inter, np.column_stack([inter[:, with_data.index(c)] * time
                                           for c in with_slope])])
    z = np.column_stack([np.ones(len(d)), time])
    y, groups = d["value"].to_numpy(), d["pid"].to_numpy()
    if d["pid"].nunique() >= VECTORISED_MIN_PARTICIPANTS:
        own = reml_fit(x, z, y, groups)
        g, s2, beta, converged = own.g, own.s2, own.beta, own.converged
        messages = [f"fitted by the package's vectorised REML (the profiled deviance, as "
                    f"lme4), as the data have {VECTORISED_MIN_PARTICIPANTS} or more "
                    "participants; it agrees with lme4 to about 1e-6 relative in the fixed "
                    "effects and 1e-5 in the variance components (docs/methods.md)"]
        small = lmm_satterthwaite_batched(x, z, y, groups, g, s2)
    else:
        g, s2, beta, converged, messages = _statsmodels_fit(x, z, y, groups)
        small = lmm_satterthwaite(x, z, y, groups, g, s2)
    sd = np.sqrt(np.clip(np.diag(g), 0, None))
    if sd.min() < 1e-4 * sd.max() or abs(g[0, 1]) > 0.999 * sd.prod():
        messages.append("boundary (singular) fit: a random-effect SD near 0 or their "
                        "correlation near +-1 (lme4: isSingular)")
    return {"inference": small._replace(beta=beta), "g": g, "s2": s2, "converged": converged,
            "icpt": {c: i for i, c in enumerate(with_data)},
            "slope": {c: len(with_data) + i for i, c in enumerate(with_slope)},
            "warnings": messages}


def _statsmodels_fit(x: np.ndarray, z: np.ndarray, y: np.ndarray, groups: np.ndarray
                     ) -> tuple[np.ndarray, float, np.ndarray, bool, list[str]]:
    """statsmodels' REML: G, sigma^2, fixed effects, whether it converged, its warnings."""
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

    model = MixedLM(y, x, groups=groups, exog_re=z)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = first = model.fit(reml=True, method=["lbfgs"])
        packed = MixedLMParams.from_components(cov_re=np.asarray(first.cov_re) / first.scale
                                               ).get_packed(use_sqrt=True, has_fe=False)
        # L-BFGS can stop short near a singular random-effect covariance (score far from
        # 0); Nelder-Mead from there (derivative-free, like lme4's bobyqa) then reaches
        # the REML optimum
        if not first.converged or np.abs(model.score(packed, profile_fe=True)).max() > 1e-2:
            caught.clear()
            polished = model.fit(reml=True, method=["nm"], maxiter=5000, start_params=packed)
            fit = polished if polished.llf >= first.llf else first
    messages = sorted({str(w.message).split("\n")[0] for w in caught})
    return (np.asarray(fit.cov_re, dtype=float), float(fit.scale),
            np.asarray(fit.fe_params, dtype=float), bool(fit.converged), messages)


def _variance_rows(fit: dict | None, n: int, reason: str, log: list[NotEstimable]
                   ) -> list[dict]:
    estimator, values = "lmm_reml_variance_component", [math.nan] * 4
    terms = ("sd[participant: intercept]", "sd[participant: time]",
             "cor[participant: intercept, time]", "sd[residual]")
    if fit is not None:
        g, reason = fit["g"], "a random-effect variance is estimated as 0"
        sd = np.sqrt(np.clip(np.diag(g), 0, None))
        values = [sd[0], sd[1], g[0, 1] / sd.prod() if sd.prod() > 1e-8 else math.nan,
                  math.sqrt(fit["s2"])]
    return [tidy_row(t, v, estimator=estimator, n=n) if np.isfinite(v) else
            not_estimable_row(t, estimator=estimator, n=n, reason=reason, log=log)
            for t, v in zip(terms, values, strict=True)]


def _trajectories(fit: dict | None, d: pd.DataFrame, cells: list[_Cell],
                  months: Sequence[float], names: tuple[str, str], level: float
                  ) -> pd.DataFrame:
    rows, keys = [], ("estimate", "std_error", "df", "conf_low", "conf_high")
    for c in cells:
        part = d[_in(d, c)]
        for m in months:
            row = dict.fromkeys(keys, math.nan)
            if fit is not None and c in fit["slope"]:
                vec = np.zeros(fit["inference"].beta.size)
                vec[fit["icpt"][c]], vec[fit["slope"][c]] = 1.0, float(m)
                row = fit["inference"].combination(vec, level)
            rows.append({names[0]: c[0], names[1]: c[1], "month": float(m),
                         **{k: row[k] for k in keys}, "participants": int(part["pid"].nunique()),
                         "extrapolated": not part["time"].min() <= m <= part["time"].max()})
    return pd.DataFrame(rows)


@accepts_trial("wage_long")
def wage_value_mixed_model(long: pd.DataFrame, *, participant: str = "participant_id",
                           time: str = "time", value: str = "value", band: str = "band",
                           instruments: str = "instruments",
                           months: Sequence[float] = (0, 6, 12, 18, 24),
                           level: float = 0.95) -> AnalysisResult:
    """Growth of wage value per month by cell, from a linear mixed model fitted by REML.

    Parameters
    ----------
    long : pandas.DataFrame or TrialData
        One row per measurement, e.g. from :func:`wage_value_long`.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    participant, time, value, band, instruments : str
        Column names (participant, months since enrolment, wage value, the two factors).
    months : sequence of float
        Months since enrolment of the predicted mean trajectories.
    level : float
        Level of the intervals.

    Returns
    -------
    AnalysisResult
        Rows ``growth_per_month[...]`` per cell, ``growth_difference[...]`` and
        ``growth_interaction[...]`` twice: estimator ``lmm_reml_satterthwaite`` (t
        intervals and p-values with Satterthwaite degrees of freedom: use these) and
        ``lmm_reml`` (normal quantiles, as lme4 prints them; too narrow with little data).
        Then the variance components (``lmm_reml_variance_component``, no standard
        errors). ``extras["trajectories"]`` holds the predicted mean per cell at
        ``months`` with Satterthwaite t intervals (column ``df``).

    Notes
    -----
    Model: :math:`y_{ij} = \\alpha_{c(i)} + \\beta_{c(i)} t_{ij} + u_{0i} + u_{1i} t_{ij}
    + \\varepsilon_{ij}`, :math:`(u_{0i}, u_{1i}) \\sim N(0, G)`, :math:`\\varepsilon \\sim
    N(0, \\sigma^2)`; the same model as ``lme4::lmer(value ~ time * band * instruments +
    (1 + time | participant_id), REML = TRUE)`` in cell-means form (Laird & Ware 1982,
    Biometrics 38:963-974). Covariance :math:`(X' \\hat V^{-1} X)^{-1}` (as lme4) and
    Satterthwaite df (as R ``lmerTest``): see
    :func:`~iedereen_doet_mee.analysis.wage_value.small_sample.lmm_satterthwaite`.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.outcomes import wage_value_long
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = wage_value_mixed_model(wage_value_long(simulate_trial(seed=1)))
    >>> result.table["term"].iloc[0]
    'growth_per_month[band=40-60:instruments=no]'
    """
    names, log = (band, instruments), []
    d, cells = _prepare(long, {"participant": participant, "time": time, "value": value,
                               "band": band, "instruments": instruments}, level,
                        "mixed_model")
    reasons = _missing_reasons(d, cells, within=False)
    with_data = [c for c in cells if _in(d, c).any()]
    with_slope = [c for c in cells if c not in reasons]
    n_cell = {c: int(d.loc[_in(d, c), "pid"].nunique()) for c in cells}
    n_all, spread = int(d["pid"].nunique()), d.groupby("pid")["time"].nunique()
    notes = [f"{n_all} participants with {len(d)} measurements; {int((spread == 1).sum())} "
             "with measurements at a single time contribute to intercepts only.",
             "Missing measurements are assumed missing at random given the model. Use the "
             "lmm_reml_satterthwaite intervals (t with Satterthwaite df); the lmm_reml ones "
             "(normal quantiles) are slightly too narrow with about 25 per cell.",
             "band is a baseline stratum: differences between bands are descriptive."]
    fit, problem = None, ""
    if (repeated := int((spread > 1).sum())) < 3:
        problem = (f"the random intercept and slope need repeated measurements: {repeated} "
                   "participant(s) were measured at two or more different times, 3 needed")
    elif len(d) <= 2 * len(with_data) + 4 or not with_slope:
        problem = f"too few measurements ({len(d)}) for the fixed and random effects"
    else:
        try:
            fit = _lmm_fit(d, with_data, with_slope)
            if not fit["converged"]:
                fit, problem = None, "the REML optimisation did not converge"
        except Exception as error:  # any failure of the optimiser must not stop a report
            problem = f"the REML fit failed ({type(error).__name__}: {error})"
    if fit is None:
        reasons = {c: reasons.get(c, problem) for c in cells}
    else:
        notes += [f"REML fit: {w}" for w in fit["warnings"]]
    rows = [row for estimator, df in (("lmm_reml_satterthwaite", None), ("lmm_reml", math.inf))
            for row in _growth_rows(fit, cells, n_cell, n_all, names=names, level=level,
                                    estimator=estimator, df=df, missing_reason=reasons,
                                    log=log)]
    rows += _variance_rows(fit, n_all, problem, log)
    trajectories = _trajectories(fit, d, cells, months, names, level)
    if trajectories["extrapolated"].any():
        notes.append("Trajectory points outside the observed times of a cell are "
                     "extrapolations (column extrapolated).")
    return AnalysisResult("wage_value", "Growth of wage value per month (linear mixed model, "
                          "REML)", tidy_table(rows), n_all, tuple(notes), tuple(log),
                          {"trajectories": trajectories})


@accepts_trial("wage_long")
def wage_value_within(long: pd.DataFrame, *, participant: str = "participant_id",
                      time: str = "time", value: str = "value", band: str = "band",
                      instruments: str = "instruments", level: float = 0.95
                      ) -> AnalysisResult:
    """Growth of wage value per month by cell, within participants (fixed effects).

    Parameters
    ----------
    long, participant, time, value, band, instruments
        The frame or trial and its column names, as in :func:`wage_value_mixed_model`.
    level : float
        Level of the intervals (t with Bell-McCaffrey degrees of freedom).

    Returns
    -------
    AnalysisResult
        Rows ``growth_per_month[...]``, ``growth_difference[...]`` and
        ``growth_interaction[...]`` with estimator ``within_ols_cr2_satterthwaite``.

    Notes
    -----
    :math:`y_{ij} = a_i + \\beta_{c(i)} t_{ij} + e_{ij}` by OLS on data demeaned per
    participant (linearmodels' ``PanelOLS`` with entity effects; participants measured
    at one time only drop out); CR2 covariance
    clustered by participant (Bell & McCaffrey 2002) and t intervals with Bell-McCaffrey
    degrees of freedom per contrast (Pustejovsky & Tipton 2018; R ``clubSandwich``): see
    :func:`~iedereen_doet_mee.analysis.wage_value.small_sample.within_cr2`.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.outcomes import wage_value_long
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = wage_value_within(wage_value_long(simulate_trial(seed=1)))
    >>> result.table["estimator"].iloc[0]
    'within_ols_cr2_satterthwaite'
    """
    d, cells = _prepare(long, {"participant": participant, "time": time, "value": value,
                               "band": band, "instruments": instruments}, level, "within")
    reasons = _missing_reasons(d, cells, within=True)
    used = d[d.groupby("pid")["time"].transform("nunique") > 1].reset_index(drop=True)
    with_slope = [c for c in cells if c not in reasons]
    n_cell = {c: int(used.loc[_in(used, c), "pid"].nunique()) for c in cells}
    groups, log = int(used["pid"].nunique()), []
    notes = [f"{groups} of {d['pid'].nunique()} participants were measured at different times; "
             "only they contribute. SE clustered by participant (CR2); t intervals with "
             "Bell-McCaffrey degrees of freedom per row (often far fewer than G - 1)."]
    fit, problem = None, f"{groups} participant(s) measured at different times, 2 needed"
    if groups >= 2 and with_slope:
        try:
            x = np.column_stack([_in(used, c) * used["time"] for c in with_slope])
            # batched over participants of equal size from VECTORISED_MIN_PARTICIPANTS on
            # (the looped version costs about 10 s per 100,000 participants)
            cr2 = within_cr2_batched if groups >= VECTORISED_MIN_PARTICIPANTS else within_cr2
            fit = {"inference": cr2(x, used["value"].to_numpy(), used["pid"].to_numpy()),
                   "slope": {c: i for i, c in enumerate(with_slope)}}
        except np.linalg.LinAlgError as error:
            problem = f"the within fit failed ({error})"
    reasons = reasons if fit else {c: reasons.get(c, problem) for c in cells}
    rows = _growth_rows(fit, cells, n_cell, groups, names=(band, instruments), level=level,
                        estimator="within_ols_cr2_satterthwaite", missing_reason=reasons,
                        log=log)
    return AnalysisResult("wage_value", "Growth of wage value per month within participants "
                          "(fixed effects, CR2 SE)", tidy_table(rows), groups,
                          tuple(notes), tuple(log))
