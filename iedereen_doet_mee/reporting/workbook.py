"""``indicators.xlsx``: the ESF indicators and the result records, byte-stable."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from ..data.writing import normalise_zip
from .records import plain_value

__all__ = ["write_workbook"]


def write_workbook(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write one sheet per frame (names at most 31 characters) with fixed dates.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> a = write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    >>> a == write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    True
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([plain_value(v) for v in row])
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.write_bytes(normalise_zip(buffer.getvalue()))
    return path
