"""Read the files of a trial directory into tables of text, without coercion.

Every cell comes back as the text the user wrote (an empty cell as ``""``), so the
validator can judge each value and name the row it came from. Typed cells of Excel
and Parquet files are written out as text the way a person reads them: whole numbers
without ``.0``, dates as ``YYYY-MM-DD``.

Row numbers count as in a spreadsheet: the header is row 1 and the first record is
row 2; a quoted CSV cell spanning several lines is one row and a blank line is an
(empty) row. Parquet files are numbered the same way.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import ProblemLog
from .schema import TABLES

__all__ = ["SUFFIXES", "RawTable", "find_table_files", "read_raw_table"]

#: File suffixes read as tables, in order of preference in messages.
SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".parquet")


@dataclasses.dataclass(frozen=True)
class RawTable:
    """A table as text: ``frame`` holds strings, ``rows`` the file row of each record."""

    name: str
    path: Path
    frame: pd.DataFrame
    rows: np.ndarray


def find_table_files(directory: Path, log: ProblemLog) -> dict[str, Path]:
    """Map each table name to its file in ``directory``; report ambiguity and strays."""
    found: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        if path.name.startswith(("~$", ".")):  # Excel lock files and hidden files
            continue
        found.setdefault(path.stem, []).append(path)
    tables: dict[str, Path] = {}
    for stem, paths in found.items():
        if stem not in TABLES:
            for path in paths:
                log.add(path.name, None, None, "unknown_table",
                        f"file is not a table of the data model (tables: {', '.join(TABLES)}); "
                        "it is not read", severity="warning")
            continue
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            log.add(paths[0].name, None, None, "ambiguous_table",
                    f"table {stem!r} is given by more than one file ({names}); keep exactly one")
            continue
        tables[stem] = paths[0]
    if "participants" not in tables and not log.has_rule("ambiguous_table", "participants"):
        log.add("participants.csv", None, None, "missing_table",
                "the participants table is required (participants.csv, .xlsx or .parquet)")
    return tables


def read_raw_table(name: str, path: Path, log: ProblemLog) -> RawTable | None:
    """Read one file as text; on failure report why and return ``None``."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            header, records, rows = _read_csv(path, log)
        elif suffix == ".xlsx":
            header, records, rows = _read_xlsx(name, path, log)
        else:
            header, records, rows = _read_parquet(path)
    except _UnreadableError as exc:
        log.add(path.name, None, None, "unreadable_file", str(exc))
        return None
    if header is None:
        log.add(path.name, None, None, "empty_file", "the file has no header row")
        return None
    bad_header = False
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if column == "":
            log.add(path.name, 1, None, "empty_header",
                    f"header cell {position} is empty; every column needs a name")
            bad_header = True
        elif column in seen:
            log.add(path.name, 1, column, "duplicate_column", "column appears more than once")
            bad_header = True
        seen.add(column)
    if bad_header:
        return None
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in header})
    return RawTable(name, path, frame, np.asarray(rows, dtype=np.int64))


class _UnreadableError(Exception):
    pass


_Parsed = tuple[list[str] | None, list[list[str]], list[int]]


def _read_csv(path: Path, log: ProblemLog) -> _Parsed:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _UnreadableError(
            f"not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8' and try again"
        ) from None
    except OSError as exc:
        raise _UnreadableError(f"cannot open: {exc.strerror}") from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    try:
        # rows count records as a spreadsheet does: a quoted cell spanning several lines
        # is still one row, and a blank line is an (empty) row
        for start, record in enumerate(reader, start=1):
            if not record or all(cell == "" for cell in record):
                continue  # blank lines carry no record
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                log.add(path.name, start, None, "ragged_row",
                        f"row has {len(record)} fields, the header has {len(header)}; the row "
                        "is not loaded")
                continue
            records.append(record)
            rows.append(start)
    except csv.Error as exc:
        raise _UnreadableError(f"malformed CSV near line {reader.line_num}: {exc}") from None
    return header, records, rows


def _cell_text(value: object) -> str:
    """Write a typed spreadsheet cell as the text a person reads in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _read_xlsx(name: str, path: Path, log: ProblemLog) -> _Parsed:
    import openpyxl  # imported here: only Excel users pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _UnreadableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheets = book.sheetnames
        sheet_name = name if name in sheets else sheets[0]
        if name not in sheets and len(sheets) > 1:
            raise _UnreadableError(
                f"the workbook has {len(sheets)} sheets and none is called {name!r}; name the "
                "sheet with the data after the table or keep one sheet"
            )
        header: list[str] | None = None
        records: list[list[str]] = []
        rows: list[int] = []
        for number, values in enumerate(book[sheet_name].iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if header is None:
                if all(c == "" for c in cells):
                    continue
                while cells and cells[-1] == "":
                    cells.pop()
                header = cells
                continue
            if all(c == "" for c in cells):
                continue
            extra = cells[len(header):]
            if any(c != "" for c in extra):
                log.add(path.name, number, None, "ragged_row",
                        f"row has values beyond the {len(header)} named columns; the row is "
                        "not loaded")
                continue
            cells = (cells + [""] * len(header))[: len(header)]
            records.append(cells)
            rows.append(number)
        return header, records, rows
    finally:
        book.close()


def _read_parquet(path: Path) -> _Parsed:
    import pyarrow.parquet as pq  # imported here: only Parquet users pay for it

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise _UnreadableError(f"not a readable Parquet file ({type(exc).__name__})") from None
    header = [str(n) for n in table.column_names]
    columns = [[_cell_text(v) for v in table.column(i).to_pylist()] for i in range(len(header))]
    records = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return header, records, list(range(2, len(records) + 2))
