"""The non-experimental label of comparisons of arms that were not randomised.

Under ``assigned`` allocation every comparison of arms is an association: its estimator
name ends in :data:`NON_EXPERIMENTAL` and a note says why, wherever the result is
shown (``analyse_trial``, a per-question function given a trial, the report). Which
rows compare arms is declared in the estimator registry
(:mod:`~iedereen_doet_mee.analysis.estimators`); a row of the Holm family carries its
question before its term (``"wage_value: growth_difference[...]"``) and is judged by
the term after it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .estimators import NON_EXPERIMENTAL, estimator_info
from .results import AnalysisResult

__all__ = ["NON_EXPERIMENTAL", "compares_arms", "label_non_experimental"]


def compares_arms(estimator: str, term: str) -> bool:
    """Whether a row with ``estimator`` and ``term`` compares arms (registry).

    Examples
    --------
    >>> compares_arms("proportional_odds_logit", "instruments=yes vs no")
    True
    >>> compares_arms("proportional_odds_logit", "band=60-80 vs 40-60")
    False
    >>> compares_arms("lmm_reml_satterthwaite_holm",
    ...               "wage_value: growth_difference[instruments=yes - no]")
    True
    """
    info = estimator_info(estimator)
    if info.holm and ": " in str(term):
        term = str(term).split(": ", 1)[1]
    return info.estimator.row_compares_arms(term)


def label_non_experimental(result: AnalysisResult) -> AnalysisResult:
    """Under assigned allocation, mark every comparison of arms as non-experimental.

    The estimator name gains ``_non_experimental`` (so the label survives in any table
    built from the results) and a note says why; the estimator registry decides row by
    row which rows compare arms.
    """
    table = result.table.copy()
    rows = pd.Series([compares_arms(e, t) for e, t in zip(table["estimator"], table["term"],
                                                           strict=True)],
                     index=table.index, dtype=bool)
    rows &= ~table["estimator"].astype(str).str.endswith(NON_EXPERIMENTAL)  # labelled once
    if not rows.any():
        return result
    table.loc[rows, "estimator"] = table.loc[rows, "estimator"] + NON_EXPERIMENTAL
    note = ("Allocation was assigned, not randomised: rows whose estimator ends in "
            f"'{NON_EXPERIMENTAL}' compare arms that were not randomised; they are "
            "associations, not effects of instruments.")
    return dataclasses.replace(result, table=table, notes=(*result.notes, note))
