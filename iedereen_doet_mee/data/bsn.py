"""Recognise Dutch citizen service numbers (BSN) so they never enter a trial directory.

A BSN has 9 ASCII digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11 (the
"11-test", elfproef). Spreadsheets drop a leading zero, so 8-digit values are checked
as if a zero preceded them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["is_bsn", "looks_like_bsn"]

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)


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


def is_bsn(value: str) -> bool:
    """Whether one text value passes the BSN 11-test.

    Examples
    --------
    >>> is_bsn("111222333"), is_bsn("111222334")
    (True, False)
    """
    return bool(looks_like_bsn(pd.Series([value]))[0])
