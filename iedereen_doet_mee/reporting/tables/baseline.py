"""Baseline characteristics per cell, per arm and overall, with standardised differences.

CONSORT asks for a baseline table per group with standardised differences rather than
baseline p-values (no p-value is computed here). :func:`baseline_long` gives the tidy
form, one row per characteristic x level x column with integer ``count`` and
``denominator`` (so a disclosure-control step can suppress small cells);
:func:`baseline_table` pivots it to one row per characteristic and level with the
columns cells (band x instruments), arms, ``overall`` and the standardised differences
between the arms, overall and within each band.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ...data.loading import TrialData
from ...data.schema import LIFE_WHEEL_DOMAINS, TABLES, allowed_values
from ...dates import parse_iso_date

__all__ = ["BASELINE_CHARACTERISTICS", "LONG_COLUMNS", "baseline_long", "baseline_table",
           "smd_binary", "smd_categorical", "smd_continuous"]

#: Baseline characteristics (participants columns) and their labels, in table order.
BASELINE_CHARACTERISTICS: tuple[tuple[str, str], ...] = (
    ("age", "Age at enrolment (years)"),
    ("sex", "Sex"),
    ("education", "Highest completed education"),
    ("household", "Household"),
    ("jobless_household", "Jobless household"),
    ("labour_status_entry", "Labour-market status at entry"),
    ("migrant_background", "Migrant or foreign background"),
    ("disability", "Disability"),
    ("months_on_benefit", "Months on benefit before enrolment"),
    ("wage_value_estimate", "Estimated wage value at intake (% of minimum wage)"),
    ("ladder_rung_intake", "Participation-ladder rung at intake (1-6)"),
    *((f"life_wheel_{d}", f"Life wheel at intake: {d.replace('_', ' ')} (1-10)")
      for d in LIFE_WHEEL_DOMAINS),
)

LONG_COLUMNS: tuple[str, ...] = (
    "characteristic", "label", "kind", "level", "statistic", "column", "column_type", "band",
    "arm", "count", "denominator", "value", "sd", "q1", "q3")
_KINDS = {"category": "categorical", "yes_no": "binary", "integer": "continuous",
          "number": "continuous"}
_SMD = "standardised difference"


def _ratio(difference: float, scale: float) -> float:
    """difference / scale, with 0/0 = 0 and x/0 = +-inf (complete separation)."""
    if scale > 0:
        return difference / scale
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


def smd_continuous(x1: np.ndarray, x0: np.ndarray) -> float:
    r"""Standardised difference of means, :math:`(\bar x_1-\bar x_0)/\sqrt{(s_1^2+s_0^2)/2}`.

    Missing values are dropped; ``nan`` when a group has fewer than two values.

    Examples
    --------
    >>> round(smd_continuous(np.array([1.0, 2, 3]), np.array([2.0, 4])), 4)
    -0.8165
    """
    x1, x0 = (np.asarray(x, dtype=float) for x in (x1, x0))
    x1, x0 = x1[~np.isnan(x1)], x0[~np.isnan(x0)]
    if x1.size < 2 or x0.size < 2:
        return math.nan
    scale = math.sqrt((x1.var(ddof=1) + x0.var(ddof=1)) / 2)
    return _ratio(float(x1.mean() - x0.mean()), scale)


def smd_binary(x1: np.ndarray, x0: np.ndarray) -> float:
    r"""Standardised difference of proportions, :math:`(p_1-p_0)/\sqrt{(p_1q_1+p_0q_0)/2}`.

    ``x1`` and ``x0`` hold 0/1 (missing values dropped); ``nan`` for an empty group.

    Examples
    --------
    >>> round(smd_binary(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0])), 4)
    0.5345
    """
    x1, x0 = (np.asarray(x, dtype=float) for x in (x1, x0))
    x1, x0 = x1[~np.isnan(x1)], x0[~np.isnan(x0)]
    if x1.size == 0 or x0.size == 0:
        return math.nan
    p1, p0 = float(x1.mean()), float(x0.mean())
    return _ratio(p1 - p0, math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2))


def smd_categorical(x1: np.ndarray, x0: np.ndarray) -> float:
    r"""Multivariate standardised difference of a categorical variable (Yang & Dalton 2012).

    With :math:`\hat p_{g}` the shares of levels 2..k in group g (levels seen in either
    group; the first is the reference), :math:`d=\sqrt{(T-C)'S^{-1}(T-C)}` where
    :math:`S=(S_1+S_0)/2` and :math:`S_g = \mathrm{diag}(\hat p_g)-\hat p_g\hat p_g'`.
    Not negative; 0 when one level holds everyone, ``inf`` when the groups are
    separated (singular S), ``nan`` for an empty group. Missing values are dropped.

    Examples
    --------
    >>> round(smd_categorical(np.array(list("aabc")), np.array(list("abcc"))), 4)
    0.603
    """
    x1, x0 = (pd.Series(x, dtype=object).dropna() for x in (x1, x0))
    if x1.empty or x0.empty:
        return math.nan
    levels = sorted(set(x1) | set(x0), key=str)
    if len(levels) < 2:
        return 0.0
    t, c = (x.value_counts(normalize=True).reindex(levels[1:], fill_value=0.0).to_numpy()
            for x in (x1, x0))
    s = (np.diag(t) - np.outer(t, t) + np.diag(c) - np.outer(c, c)) / 2
    d = t - c
    if not d.any():
        return 0.0
    if np.linalg.matrix_rank(s) < s.shape[0]:
        return math.inf
    return float(math.sqrt(max(0.0, d @ np.linalg.solve(s, d))))


def _row(name: str, label: str, kind: str, level: str, statistic: str, column: tuple,
         **numbers: float | int | None) -> dict:
    title, column_type, band, arm = column[:4]
    return {"characteristic": name, "label": label, "kind": kind, "level": level,
            "statistic": statistic, "column": title, "column_type": column_type, "band": band,
            "arm": arm, **numbers}


def _describe(name: str, label: str, kind: str, values: pd.Series, levels: tuple[str, ...],
              columns: list[tuple], any_missing: bool) -> list[dict]:
    rows = []
    for column in columns:
        x = values[column[4]]
        known = x.dropna()
        size, n = len(x), len(known)
        if kind == "continuous":
            v = known.to_numpy(dtype=float)
            q = np.quantile(v, [0.25, 0.5, 0.75]) if n else np.full(3, np.nan)
            rows.append(_row(name, label, kind, "", "mean (SD)", column, count=n,
                             denominator=size, value=v.mean() if n else np.nan,
                             sd=v.std(ddof=1) if n > 1 else np.nan))
            rows.append(_row(name, label, kind, "", "median [IQR]", column, count=n,
                             denominator=size, value=q[1], q1=q[0], q3=q[2]))
        else:
            shown = known.astype(object).map({True: "yes", False: "no"}) \
                if kind == "binary" else known.astype(object)
            for level in levels:
                k = int((shown == level).sum())
                rows.append(_row(name, label, kind, level, "n (%)", column, count=k,
                                 denominator=n, value=100 * k / n if n else np.nan))
        if any_missing:
            rows.append(_row(name, label, kind, "missing", "n (%)", column, count=size - n,
                             denominator=size, value=100 * (size - n) / size if size else np.nan))
    return rows


def _smd(kind: str, values: pd.Series, comparisons: list[tuple]) -> list[tuple[tuple, float, int]]:
    out = []
    for column in comparisons:
        x1, x0 = values[column[4]].dropna(), values[column[5]].dropna()
        if kind == "continuous":
            smd = smd_continuous(x1.to_numpy(dtype=float), x0.to_numpy(dtype=float))
        elif kind == "binary":
            smd = smd_binary(x1.to_numpy(dtype=float), x0.to_numpy(dtype=float))
        else:
            smd = smd_categorical(x1.astype(object).to_numpy(), x0.astype(object).to_numpy())
        out.append((column, smd, len(x1) + len(x0)))
    return out


def _columns(people: pd.DataFrame, trial: TrialData) -> tuple[list[tuple], list[tuple]]:
    """Descriptive columns (title, type, band, arm, mask) and comparisons (+ control mask)."""
    design = trial.design
    band, arm = people["band"].astype(object), people["instruments"].astype(object)
    columns = [(f"band={s}:instruments={a}", "cell", s, a, ((band == s) & (arm == a)).to_numpy())
               for s in design.strata for a in design.arms]
    columns += [(f"instruments={a}", "arm", None, a, (arm == a).to_numpy()) for a in design.arms]
    columns.append(("overall", "overall", None, None, np.ones(len(people), dtype=bool)))
    control = design.control_arm
    comparisons = []
    for a in (a for a in design.arms if control is not None and a != control):
        for s in (None, *design.strata):
            keep = np.ones(len(people), dtype=bool) if s is None else (band == s).to_numpy()
            where = "" if s is None else f"band={s}:"
            comparisons.append((f"smd:{where}instruments={a} vs {control}", "smd", s, a,
                                keep & (arm == a).to_numpy(), keep & (arm == control).to_numpy()))
    return columns, comparisons


def baseline_long(trial: TrialData, *, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """The baseline table in tidy form (one number set per characteristic x level x column).

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        Participants enrolled by this day are described; default the design's cut-off.

    Returns
    -------
    pandas.DataFrame
        ``LONG_COLUMNS``. ``statistic`` is ``n (%)`` (``count`` in the level out of the
        ``denominator`` with a known value, ``value`` the percentage; level ``missing``
        counts unknown values out of the column's size), ``mean (SD)``, ``median [IQR]``
        (``count`` known values; ``value`` the mean or median, ``sd``, ``q1``, ``q3``)
        or ``standardised difference`` (``value``; ``count`` the people compared).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> long = baseline_long(simulate_trial(seed=1))
    >>> sorted(set(long["column_type"]))
    ['arm', 'cell', 'overall', 'smd']
    """
    as_of = trial.design.cutoff if as_of is None else parse_iso_date(as_of)
    if as_of > trial.design.cutoff:
        raise ValueError(f"baseline_long: as_of {as_of} lies after the data cut-off "
                         f"{trial.design.cutoff}; the data cannot know what happened later")
    people = trial.participants[trial.participants["enrolled_on"] <= pd.Timestamp(as_of)]
    people = people.sort_values(["participant_id", "enrolled_on"], kind="stable")
    people = people.drop_duplicates("participant_id").reset_index(drop=True)  # first entry
    columns, comparisons = _columns(people, trial)
    spec = TABLES["participants"]
    rows: list[dict] = []
    for name, label in BASELINE_CHARACTERISTICS:
        if name not in people:
            continue
        column = spec.column(name)
        kind = _KINDS[column.kind]
        levels = (("yes", "no") if kind == "binary" else
                  tuple(allowed_values(column, trial.design) or ()) if kind == "categorical"
                  else ())
        if kind == "categorical" and not levels:
            levels = tuple(sorted(people[name].dropna().astype(str).unique()))
        values = people[name].reset_index(drop=True)
        any_missing = bool(values.isna().any())
        rows += _describe(name, label, kind, values, levels, columns, any_missing)
        for comparison, smd, n in _smd(kind, values, comparisons):
            rows.append(_row(name, label, kind, "", _SMD, comparison, count=n, value=smd))
    frame = pd.DataFrame(rows, columns=list(LONG_COLUMNS))
    for name in ("count", "denominator"):
        frame[name] = pd.array(frame[name].to_numpy(dtype=object), dtype="Int64")
    for name in ("value", "sd", "q1", "q3"):
        frame[name] = frame[name].astype(float)
    return frame


def baseline_table(trial: TrialData, *, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """Baseline table: rows per characteristic and level, columns per group and field.

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        Participants enrolled by this day are described; default the design's cut-off.

    Returns
    -------
    pandas.DataFrame
        Index ``(characteristic, label, level, statistic)``; columns a MultiIndex
        ``(column, field)``: every cell ``band=<b>:instruments=<a>``, every arm
        ``instruments=<a>`` and ``overall`` with the fields ``count`` (integer),
        ``denominator`` (integer), ``value``, ``sd``, ``q1``, ``q3``, then each
        standardised difference ``smd:instruments=<a> vs <control>`` (overall) and
        ``smd:band=<b>:instruments=<a> vs <control>`` (within band), on the
        characteristic's ``standardised difference`` row. No p-values.

    Notes
    -----
    Standardised differences (treated arm minus control arm, complete cases):
    continuous :math:`(\\bar x_1-\\bar x_0)/\\sqrt{(s_1^2+s_0^2)/2}`; binary
    :math:`(p_1-p_0)/\\sqrt{(p_1(1-p_1)+p_0(1-p_0))/2}` with p the share ``yes``
    (Austin 2009, *Stat Med* 28:3083); categorical with more than two levels the
    Mahalanobis form of Yang & Dalton (2012), SAS Global Forum paper 335-2012
    (:func:`smd_categorical`). Quartiles are R's default (type 7).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> table = baseline_table(simulate_trial(seed=1))
    >>> int(table.loc[("sex", "Sex", "female", "n (%)"), ("overall", "denominator")])
    100
    """
    long = baseline_long(trial, as_of=as_of)
    index = ["characteristic", "label", "level", "statistic"]
    order = list(dict.fromkeys(long["column"]))
    fields = ["count", "denominator", "value", "sd", "q1", "q3"]
    wide = long.pivot(index=index, columns="column", values=fields)
    wide = wide.swaplevel(axis=1)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([order, fields]))
    smd = [c for c in order if c.startswith("smd:")]
    keep = [(c, f) for c, f in wide.columns if c not in smd or f == "value"]
    rows = list(dict.fromkeys(map(tuple, long[index].itertuples(index=False))))
    wide = wide.loc[pd.MultiIndex.from_tuples(rows, names=index), keep]
    for column in wide.columns:
        if column[1] in ("count", "denominator"):
            wide[column] = wide[column].astype("Int64")
    return wide
