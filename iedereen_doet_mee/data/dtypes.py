"""Give a table built in memory the column types a loaded table has.

The loader converts text cells by the schema (:mod:`.cells`); tables built in
memory, such as the simulator's, pass through :func:`as_declared_types` so that a
simulated trial and the same trial written to disk and loaded again are equal.
"""

from __future__ import annotations

import pandas as pd

from ..design.trial_design import TrialDesign
from .cells import DATE_DTYPE
from .schema import TABLES, allowed_values

__all__ = ["as_declared_types"]


def as_declared_types(frame: pd.DataFrame, table: str, design: TrialDesign) -> pd.DataFrame:
    """Return ``frame`` with its columns in schema order and converted to declared types.

    Dates become ``datetime64[ns]``, integers ``Int64``, numbers ``float64``, yes/no
    ``boolean`` and categories ``Categorical`` with the declared levels (plain text
    when any value is allowed). Columns not in the schema raise ``ValueError``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"participant_id": ["P1"], "band": ["40-60"], "instruments": ["no"],
    ...                       "enrolled_on": ["2014-09-01"], "exit_on": [None],
    ...                       "exit_reason": [None]})
    >>> as_declared_types(frame, "participants", TrialDesign()).dtypes["enrolled_on"]
    dtype('<M8[ns]')
    """
    spec = TABLES[table]
    unknown = [c for c in frame.columns if c not in spec.column_names]
    if unknown:
        raise ValueError(f"as_declared_types: columns {unknown} are not in table {table!r}")
    out = {}
    for column in spec.columns:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if column.kind == "date":
            out[column.name] = pd.to_datetime(values).astype(DATE_DTYPE)
        elif column.kind == "integer":
            out[column.name] = pd.array(values, dtype="Int64")
        elif column.kind == "number":
            out[column.name] = pd.to_numeric(values).astype(float)
        elif column.kind == "yes_no":
            out[column.name] = pd.array(values, dtype="boolean")
        elif column.kind == "category" and allowed_values(column, design) is not None:
            levels = list(allowed_values(column, design) or ())
            out[column.name] = pd.Categorical(values, categories=levels)
        else:
            out[column.name] = pd.Series(values, dtype=object).where(pd.notna(values), None)
    return pd.DataFrame(out).reset_index(drop=True)
