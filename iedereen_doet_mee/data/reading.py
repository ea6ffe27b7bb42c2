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
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .bsn import contains_bsn
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
            secret = contains_bsn(pd.Series([p.name for p in paths], dtype=object))
            for path, hidden in zip(paths, secret, strict=True):
                name = "(a file named after a citizen service number)" if hidden else path.name
                log.add(name, None, None, "unknown_table",
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
        log.add(path.name, exc.row, exc.column, exc.rule, str(exc))
        return None
    if header is None:
        log.add(path.name, 1, None, "empty_file",
                "the file has no header row: row 1 should hold the column names, e.g. "
                f"{','.join(c.name for c in TABLES[name].columns if c.required)}")
        return None
    if not _header_is_usable(header, path.name, log):
        return None
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in header})
    return RawTable(name, path, frame, np.asarray(rows, dtype=np.int64))


def _header_is_usable(header: list[str], file: str, log: ProblemLog) -> bool:
    """Report empty, repeated and secret header cells; whether the header can be used."""
    usable = True
    seen: set[str] = set()
    secret = contains_bsn(pd.Series(header, dtype=object))
    for position, column in enumerate(header, start=1):
        if secret[position - 1]:
            log.add(file, 1, None, "citizen_service_number",
                    f"header cell {position} holds a number that looks like a Dutch citizen "
                    "service number (not shown); is the header row missing? Row 1 must hold "
                    "the column names")
            usable = False
        elif column == "":
            log.add(file, 1, None, "empty_header",
                    f"header cell {position} is empty; every column needs a name")
            usable = False
        elif column in seen:
            log.add(file, 1, column, "duplicate_column", "column appears more than once")
            usable = False
        seen.add(column)
    return usable


class _UnreadableError(Exception):
    """A file that cannot be read as a table: why, and where when that is known."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None,
                 rule: str = "unreadable_file") -> None:
        super().__init__(message)
        self.row, self.column, self.rule = row, column, rule


_Parsed = tuple[list[str] | None, list[list[str]], list[int]]
#: Leading bytes of files that are not text, and what they probably are.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive, probably an Excel workbook renamed to .csv: name it "
                    ".xlsx, or save it from Excel as 'CSV UTF-8'"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook: save it as .xlsx or as 'CSV UTF-8'"),
    (b"PAR1", "a Parquet file: name it .parquet"),
    (b"%PDF", "a PDF document: export the table itself as 'CSV UTF-8'"),
)
_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, kept by surrogateescape


def _decode(data: bytes) -> tuple[str, UnicodeDecodeError | None]:
    """The file's text, and the decoding error when it is not UTF-8.

    Empty, binary and UTF-16 files are refused with a hint. Bytes that are not UTF-8
    are kept as surrogates, so that the records can still be parsed to find the row and
    column of the first one (:func:`_not_utf8`).
    """
    if not data:
        raise _UnreadableError(
            "the file is empty (0 bytes): row 1 should hold the column names and the rows "
            "below it the records; export the table again", row=1, rule="empty_file")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise _UnreadableError(f"this is not a text/CSV file but {what}", row=1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _UnreadableError("the file is UTF-16 text (Excel's 'Unicode text'), not UTF-8; "
                               "save it from Excel as 'CSV UTF-8'", row=1)
    if b"\x00" in data:
        before = data[:data.index(b"\x00")]
        textual = _is_text(before)  # text with a NUL byte in it, or binary from the start
        line = before.count(b"\n") + 1 if textual else 1
        what = "a NUL byte, which text never holds" if textual else "binary data"
        raise _UnreadableError(
            f"this is not a text/CSV file: it holds {what}; export the table as 'CSV UTF-8', "
            "or give an Excel workbook as .xlsx", row=line)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8-sig", errors="surrogateescape"), exc


def _is_text(data: bytes) -> bool:
    """Whether bytes are UTF-8 text without control characters (tab and line breaks aside)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)


def _not_utf8(data: bytes, error: UnicodeDecodeError,
              where: tuple[int, str | None] | None) -> _UnreadableError:
    """The problem of a file that is not UTF-8, at the row and column of its first bad byte.

    ``where`` is the row and column of the first cell holding a byte that is not
    UTF-8, when parsing got that far; else the line of the byte is given as the row.
    """
    bad = data[error.start]
    shown = bytes([bad]).decode("cp1252", errors="replace")
    row, column = where if where is not None else (data[:error.start].count(b"\n") + 1, None)
    return _UnreadableError(
        f"not UTF-8 text: the byte 0x{bad:02X} ({shown!r} in Windows-1252) here is not UTF-8; "
        "the file was probably saved by Excel as plain 'CSV'. Save it as 'CSV UTF-8' and try "
        "again", row=row, column=column)


def _first_bad_cell(row: int, record: list[str], header: list[str] | None
                    ) -> tuple[int, str | None] | None:
    """Row and column (None in the header or beyond it) of a cell with a non-UTF-8 byte."""
    hit = next((i for i, cell in enumerate(record) if _SURROGATE.search(cell)), None)
    if hit is None:
        return None
    return row, header[hit] if header is not None and hit < len(header) else None


def _read_csv(path: Path, log: ProblemLog) -> _Parsed:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _UnreadableError(f"cannot open: {exc.strerror}") from None
    text, not_utf8 = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    ragged: list[tuple[int, int]] = []
    bad_cell = None
    try:
        # rows count records as a spreadsheet does: a quoted cell spanning several lines
        # is still one row, and a blank line is an (empty) row
        for start, record in enumerate(reader, start=1):
            if not record or all(cell == "" for cell in record):
                continue  # blank lines carry no record
            if not_utf8 is not None and bad_cell is None:
                bad_cell = _first_bad_cell(start, record, header)
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                ragged.append((start, len(record)))
                continue
            records.append(record)
            rows.append(start)
    except csv.Error as exc:
        if not_utf8 is not None:
            raise _not_utf8(data, not_utf8, bad_cell) from None
        raise _UnreadableError(f"malformed CSV near line {reader.line_num}: {exc}") from None
    if not_utf8 is not None:
        raise _not_utf8(data, not_utf8, bad_cell)
    for start, fields in ragged:
        log.add(path.name, start, None, "ragged_row",
                f"row has {fields} fields, the header has {len(header or [])}; the row is not "
                "loaded")
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
