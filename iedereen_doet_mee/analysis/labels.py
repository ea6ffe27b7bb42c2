"""The non-experimental label of comparisons of arms that were not randomised.

Under ``assigned`` allocation every comparison of arms is an association: its estimator
name ends in :data:`NON_EXPERIMENTAL` and a note says why, wherever the result is
shown (``analyse_trial``, a per-question function given a trial, the report).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .results import AnalysisResult

__all__ = ["NON_EXPERIMENTAL", "label_non_experimental"]

NON_EXPERIMENTAL = "_non_experimental"

#: Rows comparing arms, per result: (term prefixes, estimator prefixes); a row matches
#: when its term or its estimator starts with one of them. ``None`` marks every row.
_ARM_COMPARISONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {
    "effects": None,
    "survival": ((), ("log_rank", "cox_ph", "rmst_difference")),
    "missing": ((), ("risk_difference",)),
    "wage_value": (("growth_difference[instruments", "growth_interaction"), ()),
    "wage_value_within": (("growth_difference[instruments", "growth_interaction"), ()),
    "ladder_ordinal": (("instruments=",), ()),
    "multiplicity": (("wage_value:", "ladder_ordinal:"), ()),
}


def label_non_experimental(key: str, result: AnalysisResult) -> AnalysisResult:
    """Under assigned allocation, mark every comparison of arms as non-experimental.

    The estimator name gains ``_non_experimental`` (so the label survives in any table
    built from the results) and a note says why.
    """
    if key not in _ARM_COMPARISONS:
        return result
    spec = _ARM_COMPARISONS[key]
    table = result.table.copy()
    if spec is None:
        rows = pd.Series(True, index=table.index)
    else:
        terms, estimators = spec
        rows = table["term"].astype(str).str.startswith(terms) if terms else False
        rows = rows | (table["estimator"].astype(str).str.startswith(estimators)
                       if estimators else False)
    rows = pd.Series(rows, index=table.index).astype(bool)
    rows &= ~table["estimator"].astype(str).str.endswith(NON_EXPERIMENTAL)  # labelled once
    if not rows.any():
        return result
    table.loc[rows, "estimator"] = table.loc[rows, "estimator"] + NON_EXPERIMENTAL
    note = ("Allocation was assigned, not randomised: rows whose estimator ends in "
            f"'{NON_EXPERIMENTAL}' compare arms that were not randomised; they are "
            "associations, not effects of instruments.")
    return dataclasses.replace(result, table=table, notes=(*result.notes, note))
