"""``indicators.xlsx``: write sheets of a workbook safely and byte-stable.

:class:`Sheet` is one sheet: a frame, the header shown over each column and a number
format per cell; :func:`write_workbook` writes sheets with the header row frozen, an
auto-filter over the table, column widths that fit and fixed dates, so that two runs
give the same bytes. What the report's sheets hold is composed in
:mod:`.workbook_sheets`.

Every text is written as a text cell, never as a formula: a label such as
``=HYPERLINK(...)`` that came from the data (a survey item, an instrument kind) stays
the text it is. Texts starting with ``=``, ``+``, ``-`` or ``@`` are also marked with
Excel's quote prefix, so that editing the cell in Excel does not turn them into a
formula either; characters a workbook cannot hold (control characters) are written
as U+FFFD. Numbers stay numbers and are not rounded: a number format changes how a
value is shown, never the value (openpyxl writes 16 significant digits; Excel computes
with 15).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ...data.writing import normalise_zip
from ..records import plain_value

__all__ = ["FORMULA_STARTS", "Sheet", "write_workbook"]

#: First characters that make a spreadsheet read a typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
# the characters openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE)
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: Column widths in characters: at least, at most.
_WIDTHS = (8, 60)


@dataclasses.dataclass(frozen=True)
class Sheet:
    """One sheet: its table, the header over each column and the cells' number formats.

    Attributes
    ----------
    frame : pandas.DataFrame
        The values, one row per table row (an index is not written).
    headers : sequence of str, optional
        The header shown over each column; default the frame's column names.
    formats : pandas.DataFrame, optional
        A number format (Excel's format code, such as ``"0.0%"``) or None per cell,
        with the frame's index and columns; applied to number cells only.
    """

    frame: pd.DataFrame
    headers: Sequence[str] | None = None
    formats: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.headers is not None and len(self.headers) != self.frame.shape[1]:
            raise ValueError(f"Sheet: {len(self.headers)} headers for "
                             f"{self.frame.shape[1]} columns")
        if self.formats is not None and (self.formats.shape != self.frame.shape or not (
                self.formats.columns.equals(self.frame.columns))):
            raise ValueError("Sheet: formats must have the frame's shape and columns")


def _put(sheet: Any, row: int, column: int, value: Any, number_format: str | None = None
         ) -> int:
    """Write one value; a text always as a text cell, never as a formula. Returns the
    length of the value as shown (for the column width)."""
    value = plain_value(value)
    if not isinstance(value, str):
        cell = sheet.cell(row=row, column=column, value=value)
        if number_format is not None and isinstance(value, int | float) and \
                not isinstance(value, bool):
            cell.number_format = number_format
        return 0 if value is None else min(len(str(value)), 12)
    cell = sheet.cell(row=row, column=column)
    cell.value = _ILLEGAL.sub("\ufffd", value)
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return len(value)


def _write_sheet(book: Any, name: str, sheet: Sheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    out = book.create_sheet(name[:31])
    frame = sheet.frame
    headers = [str(c) for c in frame.columns] if sheet.headers is None else sheet.headers
    widths = [_put(out, 1, column, str(label)) for column, label in
              enumerate(headers, start=1)]
    bold = Font(bold=True)
    for column in range(1, len(headers) + 1):
        out.cell(row=1, column=column).font = bold
    formats = None if sheet.formats is None else sheet.formats.to_numpy(dtype=object)
    for row, values in enumerate(frame.itertuples(index=False), start=2):
        for column, value in enumerate(values, start=1):
            code = None if formats is None else formats[row - 2, column - 1]
            shown = _put(out, row, column, value, code if isinstance(code, str) else None)
            widths[column - 1] = max(widths[column - 1], shown)
    for column, width in enumerate(widths, start=1):
        out.column_dimensions[get_column_letter(column)].width = \
            min(max(width + 2, _WIDTHS[0]), _WIDTHS[1])
    out.freeze_panes = "A2"
    if len(headers):
        out.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"


def write_workbook(path: str | Path, sheets: Mapping[str, pd.DataFrame | Sheet]) -> Path:
    """Write one sheet per entry (names at most 31 characters) with fixed dates.

    Each sheet has its header row in bold and frozen, and an auto-filter over its
    table; a plain frame is written with its column names as headers.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> a = write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    >>> a == write_workbook(target, {"s": pd.DataFrame({"a": [1, None]})}).read_bytes()
    True
    >>> _ = write_workbook(target, {"s": pd.DataFrame({"item": ["=1+1"], "n": [-2]})})
    >>> sheet = openpyxl.load_workbook(target)["s"]
    >>> [(c.value, c.data_type) for c in sheet[2]], sheet.freeze_panes, sheet.auto_filter.ref
    ([('=1+1', 's'), (-2, 'n')], 'A2', 'A1:B2')
    >>> frame = pd.DataFrame({"share": [0.123456]})
    >>> _ = write_workbook(target, {"s": Sheet(frame, ["aandeel"],
    ...                                        pd.DataFrame({"share": ["0.0%"]}))})
    >>> cell = openpyxl.load_workbook(target)["s"]["A2"]
    >>> cell.value, cell.number_format
    (0.123456, '0.0%')
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet in sheets.items():
        _write_sheet(book, name, sheet if isinstance(sheet, Sheet) else Sheet(sheet))
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.write_bytes(normalise_zip(buffer.getvalue()))
    return path
