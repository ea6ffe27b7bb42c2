"""Write a :class:`~iedereen_doet_mee.data.loading.TrialData` as a trial directory.

Tables are written as CSV (default), Parquet or Excel ``.xlsx`` in the data model's
column order, with the design as ``design.toml``. The bytes depend only on the data:
CSV has fixed number formatting and ``\\n`` line ends; the zip entries of ``.xlsx``
get a fixed timestamp and its document properties a fixed creation date; Parquet is
written without statistics that vary between runs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..design.toml_io import write_design
from ..output_folder import output_folder
from .loading import TrialData
from .schema import TABLES

__all__ = ["TableFormat", "table_as_text", "write_tables", "write_trial_directory"]

TableFormat = Literal["csv", "parquet", "xlsx"]
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_EXCEL_MAX_ROWS = 1_048_575


def table_as_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table as the text a user would type: ISO dates, yes/no, plain numbers.

    Numbers are written with up to 10 significant digits (``55`` not ``55.0``).
    """
    spec = TABLES[table]
    out = {}
    for name in frame.columns:
        kind = spec.column(name).kind
        values = frame[name]
        missing = values.isna().to_numpy()
        if kind == "date":
            text = values.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        elif kind == "yes_no":
            text = np.where(values.fillna(False).to_numpy(dtype=bool), "yes", "no").astype(object)
        elif kind in ("integer", "number"):
            numbers = values.astype(float).to_numpy()
            text = np.asarray([f"{x:.10g}" for x in np.where(missing, 0.0, numbers)], dtype=object)
        else:
            text = values.astype(object).to_numpy()
        text = np.where(missing, "", text)
        out[name] = text
    return pd.DataFrame(out, columns=list(frame.columns))


def _write_csv(frame: pd.DataFrame, table: str, path: Path) -> None:
    table_as_text(frame, table).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _write_parquet(frame: pd.DataFrame, table: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec = TABLES[table]
    arrays, fields = [], []
    for name in frame.columns:
        kind = spec.column(name).kind
        values = frame[name]
        if kind == "date":
            array = pa.array(values.to_numpy(dtype="datetime64[D]"), type=pa.date32(),
                             mask=values.isna().to_numpy())
        elif kind == "integer":
            array = pa.array(values.astype(object).where(values.notna(), None).tolist(),
                             type=pa.int64())
        elif kind == "number":
            array = pa.array(values.astype(float).where(values.notna(), None).tolist(),
                             type=pa.float64())
        else:
            text = table_as_text(frame[[name]], table)[name]
            array = pa.array([v if v != "" else None for v in text], type=pa.string())
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path,
                   write_statistics=False, compression="snappy")


def _write_xlsx(frame: pd.DataFrame, table: str, path: Path) -> None:
    import openpyxl

    if len(frame) > _EXCEL_MAX_ROWS:
        raise ValueError(f"table {table!r} has {len(frame):,} rows, more than an Excel sheet "
                         "holds; write CSV or Parquet instead")
    spec = TABLES[table]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = table
    sheet.append(list(frame.columns))
    text = table_as_text(frame, table)
    columns = []
    for name in frame.columns:
        kind = spec.column(name).kind
        values = frame[name]
        if kind == "date":
            col = [d.date() if pd.notna(d) else None for d in values]
        elif kind == "integer":
            col = [int(v) if pd.notna(v) else None for v in values]
        elif kind == "number":
            col = [float(v) if pd.notna(v) else None for v in values]
        else:
            col = [v if v != "" else None for v in text[name]]
        columns.append(col)
    for row in zip(*columns, strict=True):
        sheet.append(list(row))
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and fixed document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2000-01-01T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


_WRITERS = {"csv": _write_csv, "parquet": _write_parquet, "xlsx": _write_xlsx}


def write_tables(trial: TrialData, directory: Path, *,
                 table_format: TableFormat = "csv") -> list[str]:
    """Write every table of ``trial`` and its ``design.toml`` into the existing folder
    ``directory``, replacing files of the same names; returns the names written.

    The building block of :func:`write_trial_directory` and of the simulator, which
    call it on a fresh staging folder; call those instead on a folder of a user's.
    """
    if table_format not in _WRITERS:
        raise ValueError(f"table_format must be one of {', '.join(_WRITERS)}, got "
                         f"{table_format!r}")
    written = [write_design(trial.design, directory / "design.toml").name]
    for name, frame in trial.tables.items():
        path = directory / f"{name}.{table_format}"
        _WRITERS[table_format](frame, name, path)
        written.append(path.name)
    return sorted(written)


def write_trial_directory(trial: TrialData, directory: str | Path, *,
                          table_format: TableFormat = "csv") -> list[Path]:
    """Write every table of ``trial`` and its ``design.toml`` into ``directory``.

    Parameters
    ----------
    trial : TrialData
        The data to write.
    directory : str or Path
        A new or empty folder, or one this function wrote before (its files are
        replaced; anything else in it is left alone). Any other folder is refused
        (:mod:`~iedereen_doet_mee.output_folder`).
    table_format : {"csv", "parquet", "xlsx"}
        File format of the tables.

    Returns
    -------
    list of Path
        The files written, sorted by name.

    Raises
    ------
    OutputFolderError
        When ``directory`` holds files the package did not write.
    """
    with output_folder(directory, command="write_trial_directory") as staging:
        names = write_tables(trial, staging, table_format=table_format)
    return [Path(directory) / name for name in names]
