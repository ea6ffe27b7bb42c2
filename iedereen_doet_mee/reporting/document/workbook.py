"""``indicators.xlsx``: the ESF indicators and the result records, byte-stable.

Every text is written as a text cell, never as a formula: a label such as
``=HYPERLINK(...)`` that came from the data (a survey item, an instrument kind) stays
the text it is. Texts starting with ``=``, ``+``, ``-`` or ``@`` are also marked with
Excel's quote prefix, so that editing the cell in Excel does not turn them into a
formula either; characters a workbook cannot hold (control characters) are written
as U+FFFD. Numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...data.writing import normalise_zip
from ..records import plain_value

__all__ = ["write_workbook"]

#: First characters that make a spreadsheet read a typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
# the characters openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE)
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _put(sheet: Any, row: int, column: int, value: Any) -> None:
    """Write one value; a text always as a text cell, never as a formula."""
    value = plain_value(value)
    if not isinstance(value, str):
        sheet.cell(row=row, column=column, value=value)
        return
    cell = sheet.cell(row=row, column=column)
    cell.value = _ILLEGAL.sub("\ufffd", value)
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def write_workbook(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write one sheet per frame (names at most 31 characters) with fixed dates.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> a = write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    >>> a == write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    True
    >>> _ = write_workbook(target, {"s": pd.DataFrame({"item": ["=1+1"], "n": [-2]})})
    >>> cells = openpyxl.load_workbook(target)["s"][2]
    >>> [(c.value, c.data_type) for c in cells]
    [('=1+1', 's'), (-2, 'n')]
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        for column, label in enumerate(frame.columns, start=1):
            _put(sheet, 1, column, str(label))
        for row, values in enumerate(frame.itertuples(index=False), start=2):
            for column, value in enumerate(values, start=1):
                _put(sheet, row, column, value)
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.write_bytes(normalise_zip(buffer.getvalue()))
    return path
