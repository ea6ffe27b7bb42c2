"""Multiplicity: Holm's adjustment over the pre-specified secondary family.

* :func:`holm_adjust`: Holm's step-down adjustment of the p-values of a set of
  secondary outcomes, from a tidy table or a plain list.
* :func:`secondary_tests` names the family (``docs/analysis-plan.md``) and
  :func:`secondary_holm` adjusts it over the answers of the other questions (question
  ``"multiplicity"`` of :func:`~iedereen_doet_mee.analysis.analyse_trial`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..design.trial_design import TrialDesign
from .common import holm_p_values
from .results import TIDY_COLUMNS, AnalysisResult, tidy_row, tidy_table

__all__ = ["holm_adjust", "holm_p_values", "secondary_holm", "secondary_tests"]


def holm_adjust(data: pd.DataFrame | pd.Series | Sequence[float], *,
                p_value: str = "p_value") -> AnalysisResult:
    """Holm-adjust the p-values of a set of (secondary) outcomes.

    Parameters
    ----------
    data : DataFrame, Series or sequence of float
        A tidy table (every row one test; its other columns are kept), any frame with
        a ``p_value`` column (and optionally ``term``), a Series (its index names the
        tests) or a plain list.
    p_value : str
        The column holding the p-values of a frame.

    Returns
    -------
    AnalysisResult
        The tidy table with ``p_value`` replaced by Holm's adjusted p-value and
        ``_holm`` appended to each estimator (``holm_adjusted_p_value`` for plain
        p-values); ``extras["p_values"]`` lists unadjusted and adjusted side by side.

    Notes
    -----
    With the :math:`m` non-missing p-values sorted, :math:`p_{(1)} \\le \\dots \\le
    p_{(m)}`, :math:`\\tilde p_{(i)} = \\min(1, \\max_{j \\le i} (m - j + 1) p_{(j)})`
    (Holm 1979). It controls the family-wise error rate without assumptions on the
    dependence between tests. Tested against R ``p.adjust(method = "holm")`` in
    ``tests/analysis/test_missing.py``.

    References
    ----------
    Holm S (1979). A simple sequentially rejective multiple test procedure. Scand J
    Stat 6:65-70.

    Examples
    --------
    >>> result = holm_adjust(pd.Series({"ladder_up": 0.01, "durable": 0.04, "wage": 0.03}))
    >>> result.table["p_value"].round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    if isinstance(data, pd.DataFrame):
        if p_value not in data.columns:
            raise ValueError(f"holm_adjust: column {p_value!r} not found; columns present: "
                             f"{list(data.columns)}")
        raw = pd.to_numeric(data[p_value], errors="coerce").to_numpy(dtype=float)
        tidy = set(TIDY_COLUMNS) <= set(data.columns)
        names = (data["term"] if "term" in data.columns else data.index).astype(str)
    else:
        series = data if isinstance(data, pd.Series) else pd.Series(list(data), dtype=object)
        raw = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        tidy = False
        names = [str(i) if isinstance(data, pd.Series) else f"p{i + 1}" for i in series.index]
    if tidy:
        table = tidy_table(data[list(TIDY_COLUMNS)].to_dict("records"))
        table["estimator"] = table["estimator"] + "_holm"
    else:
        table = tidy_table(tidy_row(name, math.nan, estimator="holm_adjusted_p_value", n=0)
                           for name in names)
    outside = raw[(raw < 0) | (raw > 1)]
    if outside.size:
        raise ValueError(f"holm_adjust: p-values must lie in [0, 1]; found {outside[0]!r}")
    adjusted = holm_p_values(raw)
    table["p_value"] = adjusted
    extras = {"p_values": pd.DataFrame({"term": table["term"], "estimator": table["estimator"],
                                        "p_unadjusted": raw, "p_holm": adjusted})}
    tested = int((~np.isnan(raw)).sum())
    notes = (f"Holm's adjustment over {tested} p-value(s); missing p-values are not counted.",)
    return AnalysisResult("multiplicity", "Holm-adjusted p-values", table,
                          n=int(table["n"].max()) if len(table) else 0, notes=notes,
                          extras=extras)


def secondary_tests(design: TrialDesign, treated: str, control: str) -> list[tuple[str, str, str]]:
    """The pre-specified secondary comparisons as (result key, term, estimator).

    The family Holm's adjustment runs over (``docs/methods.md``): the difference in
    wage-value growth per month between arms (mixed model, t with Satterthwaite degrees
    of freedom), the arm's effect on the last ladder rung (proportional odds), and the
    employers' scale score by band.
    """
    tests = [("wage_value", f"growth_difference[instruments={treated} - {control}]",
              "lmm_reml_satterthwaite"),
             ("ladder_ordinal", f"instruments={treated} vs {control}",
              "proportional_odds_logit")]
    if len(design.strata) >= 2:
        tests.append(("employers", f"scale_score:{design.strata[-1]} - {design.strata[0]}",
                      "difference_in_means_welch"))
    return tests


def secondary_holm(results: Mapping[str, AnalysisResult], design: TrialDesign, treated: str,
                   control: str) -> AnalysisResult:
    """Holm's adjustment over the secondary comparisons that ``results`` answer
    (question ``"multiplicity"``); a comparison without a p-value is left out and
    named in a note."""
    rows, absent = [], []
    for key, term, estimator in secondary_tests(design, treated, control):
        table = results[key].table if key in results else None
        hit = None if table is None else table[(table["term"] == term)
                                                & (table["estimator"] == estimator)]
        if hit is None or len(hit) != 1 or pd.isna(hit["p_value"].iloc[0]):
            absent.append(f"{key}: {term} ({estimator})")
            continue
        rows.append(hit.assign(term=f"{key}: {term}"))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=list(TIDY_COLUMNS))
    result = holm_adjust(frame)
    notes = (*result.notes, "Family: the pre-specified secondary comparisons; the primary "
             "outcome (regular-work outflow) is not adjusted.")
    if design.allocation == "assigned":
        notes += ("Allocation was assigned, not randomised: these are non-experimental "
                  "comparisons.",)
    if absent:
        notes += ("Not available, so not in the family: " + "; ".join(absent) + ".",)
    return dataclasses.replace(result, notes=notes)
