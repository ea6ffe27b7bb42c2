"""Recognise Dutch citizen service numbers (BSN) so they never enter a trial directory.

A BSN has 9 ASCII digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11 (the
"11-test", elfproef). Spreadsheets drop a leading zero, so 8-digit values are checked
as if a zero preceded them.

:func:`looks_like_bsn` judges whole values (an identifier column); :func:`contains_bsn`
finds a BSN anywhere in a text, such as ``"klant 111222333 tevreden"``: a run of 8 or
9 digits with no digit next to it, or 9 digits written in the groups ``1234.56.789``
or ``123 456 789`` (dots or spaces). The digits after the decimal point of a value
that is a plain number (``0.111222333``) are a fraction, not a number of their own,
and are not checked.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["SCREEN", "contains_bsn", "is_bsn", "looks_like_bsn"]

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
#: A cheap superset of the texts that can hold a BSN, searched in every cell (vectorised).
SCREEN = r"[0-9]{8}|[0-9]{3}[. ][0-9]{2,3}[. ][0-9]{3}"
_RUN = re.compile(r"(?<![0-9])(?:[0-9]{8,9}|[0-9]{4}([. ])[0-9]{2}\1[0-9]{3})(?![0-9])")
_THREES = re.compile(r"(?<![0-9])[0-9]{3}([. ])[0-9]{3}\1[0-9]{3}(?![0-9])")
_DECIMAL = re.compile(r"\s*[+-]?[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?\s*")


def looks_like_bsn(values: pd.Series) -> np.ndarray:
    """Boolean mask of text values that are 8 or 9 digits passing the 11-test.

    Examples
    --------
    >>> import pandas as pd
    >>> looks_like_bsn(pd.Series(["111222333", "123456789", "P0001", "", "11222333"])).tolist()
    [True, False, False, False, False]
    """
    text = values.astype(str).str.strip()  # a number with spaces around it is still one
    candidate = text.str.fullmatch(r"[0-9]{8,9}").to_numpy(dtype=bool)
    mask = np.zeros(len(text), dtype=bool)
    if not candidate.any():
        return mask
    padded = text[candidate].str.zfill(9)
    digits = np.frombuffer("".join(padded).encode("ascii"), dtype=np.uint8).reshape(-1, 9)
    digits = digits.astype(np.int64) - ord("0")
    total = digits @ _WEIGHTS
    mask[candidate] = (total % 11 == 0) & (digits.sum(axis=1) > 0)
    return mask


def contains_bsn(values: pd.Series, *, threes: bool = True) -> np.ndarray:
    """Boolean mask of texts holding a number that passes the 11-test anywhere in them.

    Every cell is screened with one vectorised regular expression; only cells holding
    8 digits in a row or digits in BSN groups are looked at one by one.

    Parameters
    ----------
    values : pandas.Series
        The texts.
    threes : bool
        Also check nine digits in groups of three (``123.456.789``, ``123 456 789``).
        Text written for readers uses that form for large amounts (thousands
        separators), so the output guard leaves it out.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.Series(["klant 111222333 tevreden", "1112.22.333", "111 222 333",
    ...                    "1111222333", "0.111222333", "2015-07-01", "12345672", "P0001"])
    >>> contains_bsn(cells).tolist()
    [True, True, True, False, False, False, True, False]
    >>> contains_bsn(cells, threes=False).tolist()
    [True, True, False, False, False, False, True, False]
    """
    text = values.astype(str)
    mask = np.zeros(len(text), dtype=bool)
    maybe = text.str.contains(SCREEN, regex=True).to_numpy(dtype=bool)
    if not maybe.any():
        return mask
    owners, runs = [], []
    for position, cell in zip(np.flatnonzero(maybe), text[maybe], strict=True):
        if _DECIMAL.fullmatch(cell):
            cell = cell.split(".", 1)[0]  # the fraction of a plain number is not a number
        found = [m.group(0) for m in _RUN.finditer(cell)]
        if threes:
            found += [m.group(0) for m in _THREES.finditer(cell)]
        owners += [position] * len(found)
        runs += [re.sub(r"[. ]", "", run) for run in found]
    if runs:
        hits = looks_like_bsn(pd.Series(runs, dtype=object))
        mask[np.asarray(owners, dtype=np.int64)[hits]] = True
    return mask


def is_bsn(value: str) -> bool:
    """Whether one text value passes the BSN 11-test.

    Examples
    --------
    >>> is_bsn("111222333"), is_bsn("111222334")
    (True, False)
    """
    return bool(looks_like_bsn(pd.Series([value]))[0])
