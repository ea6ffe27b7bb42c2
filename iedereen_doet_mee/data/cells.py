"""Check the cells of one column against its declared kind and convert them.

:func:`check_column` reports every bad cell with its row and returns the column
converted to its type (dates as ``datetime64``, integers as ``Int64``, numbers as
``float64``, yes/no as ``boolean``, categories as ``Categorical`` with the declared
levels). A bad cell is reported and left missing in the converted column; since any
error makes the directory invalid, a converted table is only handed out when every
cell converted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .problems import ProblemLog
from .schema import Column

__all__ = ["DATE_DTYPE", "check_column", "likely_dates", "show_value"]

#: The dtype of every date column of a loaded or simulated table.
DATE_DTYPE = "datetime64[ns]"

# ASCII digits only: "\d" would also accept other scripts' digits, which pandas cannot read
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_INTEGER = r"[+-]?[0-9]+"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: Whole numbers beyond this magnitude are typing errors (and past float precision).
_LARGEST_WHOLE = 2**53


def show_value(value: str, column: Column | None = None) -> str:
    """Quote a cell for a message; identifiers are never echoed.

    Examples
    --------
    >>> show_value("15-03-2015")
    "'15-03-2015'"
    """
    if column is not None and column.kind == "id":
        return "(value not shown: identifier column)"
    return repr(value if len(value) <= 40 else value[:37] + "...")


def check_column(
    values: pd.Series,
    rows: np.ndarray,
    column: Column,
    allowed: tuple[str, ...] | None,
    file: str,
    log: ProblemLog,
) -> pd.Series:
    """Report bad cells of one column and return it converted to its declared type.

    Parameters
    ----------
    values : pandas.Series
        The column as text (empty cells as ``""``).
    rows : numpy.ndarray
        File row of each value.
    column : Column
        The declaration to check against.
    allowed : tuple of str or None
        Allowed values of a category column (``None``: any value).
    file : str
        File name used in messages.
    log : ProblemLog
        Receives the problems.
    """
    text = values.astype(str)
    empty = (text == "").to_numpy()
    if not column.nullable:
        log.add_rows(file, rows[empty], column.name, "missing_value",
                     "a value is required in this column")
    padded = (text != text.str.strip()).to_numpy() & ~empty
    log.add_rows(file, rows[padded], column.name, "surrounding_whitespace",
                 [f"value {show_value(v, column)} has spaces before or after it; remove them"
                  for v in text[padded]])
    usable = ~empty & ~padded
    kind = column.kind
    if kind in ("id", "text"):
        return _text(text, ~empty)
    if kind in ("category", "yes_no"):
        return _category(text, rows, usable, column, allowed, file, log)
    if kind == "date":
        return _dates(text, rows, usable, column, file, log)
    return _numbers(text, rows, usable, column, file, log)


def _text(text: pd.Series, keep: np.ndarray) -> pd.Series:
    """Text as an object column with ``None`` where ``keep`` is False."""
    values = text.to_numpy(dtype=object).copy()
    values[~np.asarray(keep, dtype=bool)] = None
    return pd.Series(values, index=text.index, dtype=object)


def _category(text: pd.Series, rows: np.ndarray, usable: np.ndarray, column: Column,
              allowed: tuple[str, ...] | None, file: str, log: ProblemLog) -> pd.Series:
    if allowed is None:
        return _text(text, usable)
    unknown = usable & ~text.isin(allowed).to_numpy()
    what = {"band": "band", "exit_reason": "exit reason", "instruments": "arm"}.get(
        column.name, "value")
    log.add_rows(file, rows[unknown], column.name, "unknown_value",
                 [f"{what} {show_value(v, column)} is not allowed; allowed: {', '.join(allowed)}"
                  for v in text[unknown]])
    good = usable & ~unknown
    if column.kind == "yes_no":
        return pd.Series(np.where(good, text == "yes", None), index=text.index).astype("boolean")
    return pd.Series(pd.Categorical(text.where(good, None), categories=list(allowed)),
                     index=text.index)


def _dates(text: pd.Series, rows: np.ndarray, usable: np.ndarray, column: Column,
           file: str, log: ProblemLog) -> pd.Series:
    shaped = text.str.fullmatch(_DATE).to_numpy(dtype=bool)
    # years outside 1900-2199 are typing errors here (and outside pandas' range at 2262)
    year = pd.to_numeric(text.str.slice(0, 4).where(shaped, None), errors="coerce")
    plausible = shaped & year.between(1900, 2199).to_numpy(dtype=bool)
    parsed = pd.to_datetime(text.where(usable & plausible, None), format="%Y-%m-%d",
                            errors="coerce").astype(DATE_DTYPE)
    bad = usable & parsed.isna().to_numpy()
    guesses = likely_dates(text[bad]) if bad.any() else pd.Series([], dtype=object)
    log.add_rows(file, rows[bad], column.name, "unparseable_date",
                 [f"{show_value(v, column)} is not a date in the form YYYY-MM-DD; did you mean "
                  f"{g}?" if isinstance(g, str) else
                  f"{show_value(v, column)} is not a date between 1900 and 2199; write dates "
                  "as YYYY-MM-DD, e.g. 2015-03-02"
                  for v, g in zip(text[bad], guesses, strict=True)])
    return parsed


def likely_dates(text: pd.Series) -> pd.Series:
    """The ISO date a badly written date probably means, or missing when none is clear.

    Day-month-year with ``-``, ``/`` or ``.`` (the Dutch order; month-day-year only when
    day-month is impossible), year-month-day with other separators or unpadded, a
    date followed by a time, ``YYYYMMDD``, and Excel's day numbers (days since
    1899-12-30, five digits).

    Examples
    --------
    >>> import pandas as pd
    >>> likely_dates(pd.Series(["01-07-2015", "1/7/2015", "12/31/2015", "2015.7.1",
    ...                         "2015-12-18 10:00", "42186", "31-02-2015", "soon"])).tolist()
    ['2015-07-01', '2015-07-01', '2015-12-31', '2015-07-01', '2015-12-18', '2015-07-01', nan, nan]
    """
    text = text.astype(str).str.strip()
    dmy = text.str.extract(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")
    ymd = text.str.extract(r"^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})(?:[ T].*)?$")
    serial = pd.to_numeric(text.where(text.str.fullmatch(r"[0-9]{5}")), errors="coerce")
    days = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
    from_serial = days.dt.strftime("%Y-%m-%d").where(days.dt.year.between(1900, 2199))
    guess = _iso(dmy[2], dmy[1], dmy[0]).astype(object)
    # the first reading that gives a date wins (where, not fillna: pandas 2.2 warns about
    # downcasting object columns in fillna)
    for other in (_iso(dmy[2], dmy[0], dmy[1]), _iso(ymd[0], ymd[1], ymd[2]), from_serial):
        guess = guess.where(guess.notna(), other.astype(object))
    return guess.where(guess.notna(), np.nan)


def _iso(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` where the parts make a real date between 1900 and 2199, else missing."""
    iso = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return iso.where(parsed.notna() & parsed.dt.year.between(1900, 2199))


def _numbers(text: pd.Series, rows: np.ndarray, usable: np.ndarray, column: Column,
             file: str, log: ProblemLog) -> pd.Series:
    integer = column.kind == "integer"
    pattern = _INTEGER if integer else _NUMBER
    shaped = text.str.fullmatch(pattern).to_numpy(dtype=bool)
    bad = usable & ~shaped
    wanted = "a whole number" if integer else "a number"
    messages = []
    for v in text[bad]:
        hint = ""
        if "," in v and v.replace(",", "", 1).replace(".", "").lstrip("+-").isdigit():
            hint = "; use a decimal point, not a comma"
        messages.append(f"{show_value(v, column)} is not {wanted}{hint}")
    log.add_rows(file, rows[bad], column.name, "wrong_type", messages)
    numbers = pd.to_numeric(text.where(usable & shaped, None), errors="coerce").astype(float)
    default = _LARGEST_WHOLE if integer else np.inf
    low = column.minimum if column.minimum is not None else -default
    high = column.maximum if column.maximum is not None else default
    outside = (usable & shaped & ((numbers < low) | (numbers > high))).to_numpy()
    bounds = _bounds_text(low if np.isfinite(low) else None, high if np.isfinite(high) else None)
    log.add_rows(file, rows[outside], column.name, "out_of_range",
                 [f"{show_value(v, column)} is outside the allowed range {bounds}"
                  for v in text[outside]])
    numbers = numbers.where(~outside)
    if integer:
        return numbers.astype("Int64")
    return numbers


def _bounds_text(low: float | None, high: float | None) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"
    if low is not None and high is not None:
        return f"{fmt(low)} to {fmt(high)}"
    if low is not None:
        return f"{fmt(low)} or more"
    if high is not None:
        return f"up to {fmt(high)}"
    return "(any)"
