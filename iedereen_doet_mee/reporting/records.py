"""Every number of the report as a tidy record: what ``results.json`` holds.

A record has the fields of :data:`RECORD_FIELDS`. Analysis results become records
row by row, with the research question and the outcome they are about; counts and
shares of the descriptive tables (CONSORT flow, baseline, ESF indicators) become
records with estimators such as ``count`` and ``share``. Notebooks and downstream
tools read these records instead of recomputing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..analysis.questions import QUESTIONS
from ..analysis.trial_analysis import TrialAnalysis

__all__ = ["RECORD_FIELDS", "analysis_records", "count_records",
           "plain_value", "records_to_json"]

RECORD_FIELDS = ("question", "outcome", "term", "estimator", "estimate", "std_error",
                 "conf_low", "conf_high", "p_value", "n")

def analysis_records(analysis: TrialAnalysis) -> pd.DataFrame:
    """Every row of every result's tidy table, with ``question`` and ``outcome`` (the
    question registry's outcome of each question).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import analyse_trial
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> frame = analysis_records(analyse_trial(simulate_trial(seed=1), n_draws=100,
    ...                                        n_bootstrap=100))
    >>> tuple(frame.columns) == RECORD_FIELDS, sorted(frame["outcome"].unique())[:2]
    (True, ['costs_and_savings', 'durable_placement'])
    """
    parts = []
    for question, result in analysis.results.items():
        table = result.table
        parts.append(pd.DataFrame({
            "question": question,
            "outcome": QUESTIONS[question].outcome,
            **{field: table[field] for field in RECORD_FIELDS[2:]},
        }))
    return pd.concat(parts, ignore_index=True)[list(RECORD_FIELDS)]


def count_records(question: str, outcome: str, counts: Mapping[str, Any], *,
                  estimator: str = "count") -> pd.DataFrame:
    """Records of plain counts, one per term (e.g. CONSORT boxes).

    Examples
    --------
    >>> count_records("consort", "participants", {"allocated": 100})["estimate"].tolist()
    [100.0]
    """
    rows = [{"question": question, "outcome": outcome, "term": term, "estimator": estimator,
             "estimate": float(value) if value is not None else math.nan,
             "std_error": math.nan, "conf_low": math.nan, "conf_high": math.nan,
             "p_value": math.nan, "n": value if estimator == "count" else None}
            for term, value in counts.items()]
    return pd.DataFrame(rows, columns=list(RECORD_FIELDS))


def plain_value(value: Any) -> Any:
    """A value as plain Python: NaN and NA as None, numpy scalars as Python numbers.

    Examples
    --------
    >>> import numpy as np
    >>> plain_value(np.float64("nan")), plain_value(np.int64(3))
    (None, 3)
    """
    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return float(value) if isinstance(value, float) else int(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return plain_value(value.item())
    return value


def records_to_json(frames: Iterable[pd.DataFrame]) -> list[dict[str, Any]]:
    """Records as plain dicts (NaN as null, numpy scalars as Python numbers).

    Examples
    --------
    >>> records_to_json([count_records("consort", "participants", {"allocated": 100})])[0]["n"]
    100
    """
    out = []
    for frame in frames:
        for row in frame.to_dict(orient="records"):
            out.append({key: plain_value(value) for key, value in row.items()})
    return out
