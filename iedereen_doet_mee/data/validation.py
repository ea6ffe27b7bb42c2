"""Validate a trial directory against the data model and its design.

:func:`validate_trial_directory` reads every table file, checks headers, cells and
the rules that span columns and tables, and returns a
:class:`~iedereen_doet_mee.data.problems.ValidationReport` listing every problem at
once. Nothing is dropped or coerced: a row is either loaded whole or reported.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from ..design.toml_io import read_design
from ..design.trial_design import TrialDesign
from ..errors import DesignError
from .bsn import SCREEN, contains_bsn
from .cells import check_column
from .problems import ProblemLog, ValidationReport
from .reading import RawTable, find_table_files, read_raw_table
from .rules import check_cross_rules
from .schema import TABLES, Table, allowed_values

__all__ = ["DESIGN_FILE", "CheckedDirectory", "check_trial_directory", "validate_trial_directory"]

#: Name of the optional design file inside a trial directory.
DESIGN_FILE = "design.toml"
#: Tables with one row per participant: a repeated row is a ``duplicate_participant``.
_KEYED_BY_PARTICIPANT = ("participants", "allocation_log")
#: Control characters a cell may not hold: all below U+0020 but tab, line feed and return.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


@dataclasses.dataclass(frozen=True)
class CheckedDirectory:
    """The report together with the converted tables (used by the loader)."""

    report: ValidationReport
    design: TrialDesign | None
    tables: dict[str, pd.DataFrame]
    paths: dict[str, Path]


def _resolve_design(directory: Path, design: TrialDesign | str | Path | None,
                    log: ProblemLog) -> tuple[TrialDesign | None, str]:
    if isinstance(design, TrialDesign):
        return design, "given TrialDesign"
    path = Path(design) if design is not None else directory / DESIGN_FILE
    if design is None and not path.exists():
        return TrialDesign(), "default TrialDesign (no design.toml in the directory)"
    try:
        return read_design(path), str(path if design is not None else DESIGN_FILE)
    except DesignError as exc:
        log.add(path.name, None, exc.field, "invalid_design",
                f"{exc}; the tables are not checked until the design is valid")
        return None, str(path)


def _check_header(raw: RawTable, spec: Table, log: ProblemLog) -> list[str]:
    """Report missing and unknown columns; return the declared columns present."""
    file = raw.path.name
    present = list(raw.frame.columns)
    for column in spec.columns:
        if column.required and column.name not in present:
            log.add(file, 1, column.name, "missing_column",
                    f"required column {column.name!r} is missing from the header")
    for name in present:
        if name not in spec.column_names:
            log.add(file, 1, name, "unknown_column",
                    f"column is not part of table {spec.name!r}; allowed columns: "
                    f"{', '.join(spec.column_names)}")
    return [c for c in spec.column_names if c in present]


def _screen_cells(raw: RawTable, log: ProblemLog) -> set[str]:
    """Refuse citizen service numbers and control characters in any cell of any column.

    One vectorised search per column finds the few cells worth a closer look. A column
    with a value that is or contains a number passing the BSN 11-test, also inside
    free text (:func:`~iedereen_doet_mee.data.bsn.contains_bsn`), is refused whole and
    its values are never shown; returns the names of the columns refused. A cell with
    an invisible control character (anything below U+0020 but tab and line breaks) is
    an error of its own.
    """
    refused = set()
    file = raw.path.name
    for name in raw.frame.columns:
        text = raw.frame[name].astype(str)
        maybe = text.str.contains(f"{SCREEN}|{_CONTROL}", regex=True).to_numpy(dtype=bool)
        if not maybe.any():
            continue
        hits = np.zeros(len(text), dtype=bool)
        hits[maybe] = contains_bsn(text[maybe])
        if hits.any():
            rows = raw.rows[hits]
            listed = ", ".join(str(r) for r in rows[:5]) + (" ..." if rows.size > 5 else "")
            log.add(file, int(rows[0]), str(name), "citizen_service_number",
                    f"{int(hits.sum())} value(s) are or contain what looks like a Dutch citizen "
                    f"service number (8 or 9 digits passing the 11-test; rows {listed}). "
                    "Identifiers must be pseudonymous and free text may not name people: "
                    "replace them with project codes such as P0001 and keep the key file "
                    "outside the trial directory. The values are not shown here.")
            refused.add(str(name))
            continue
        control = np.zeros(len(text), dtype=bool)
        control[maybe] = text[maybe].str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)
        log.add_rows(file, raw.rows[control], str(name), "control_character",
                     [f"the value holds the invisible control character U+{ord(c):04X}; remove "
                      "it (the value is not shown)"
                      for c in text[control].str.extract(f"({_CONTROL})", expand=False)])
    return refused


def _exact_repeats(raw: RawTable, converted: pd.DataFrame) -> np.ndarray:
    """For every record, the file row it repeats cell for cell (0: none before it).

    Converted columns compare faster than text, so rows equal there are found first
    and then compared as the text the user wrote.
    """
    repeats = np.zeros(len(raw.rows), dtype=np.int64)
    if raw.frame.empty or not raw.frame.columns.size:
        return repeats
    rest = [c for c in raw.frame.columns if c not in converted.columns]
    probe = converted.assign(**{f"raw {c}": raw.frame[c].to_numpy() for c in rest})
    maybe = probe.duplicated(keep=False).to_numpy()
    if not maybe.any():
        return repeats
    text = raw.frame[maybe]
    again = text.duplicated(keep="first").to_numpy()
    group = text.groupby(list(text.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(raw.rows[maybe]).groupby(group).transform("first").to_numpy()
    repeats[np.flatnonzero(maybe)[again]] = first[again]
    return repeats


def _check_records(raw: RawTable, spec: Table, repeats: np.ndarray, log: ProblemLog) -> None:
    """Report a table without records and rows repeating an earlier row exactly.

    Tables keyed by participant (``participants``, ``allocation_log``) report a repeated
    row under ``duplicate_participant`` (:mod:`.rules`), the others here.
    """
    file = raw.path.name
    if raw.frame.empty:
        if spec.required:
            log.add(file, 2, None, "no_records",
                    f"the {spec.name} table has a header but no records: row 2 should hold the "
                    "first record; export the table again with its rows")
        else:
            log.add(file, 2, None, "no_records",
                    f"the {spec.name} table has a header but no records; the analyses read it "
                    "as none recorded. If records exist, export the table again with its rows",
                    severity="warning")
    if spec.name in _KEYED_BY_PARTICIPANT:
        return
    again = repeats > 0
    log.add_rows(file, raw.rows[again], None, "duplicate_row",
                 [f"row repeats row {r} exactly; remove it (a repeated row is counted twice)"
                  for r in repeats[again]])


def _convert(raw: RawTable, spec: Table, columns: list[str], design: TrialDesign,
             log: ProblemLog) -> pd.DataFrame:
    converted = {}
    bad = {}
    for name in columns:
        column = spec.column(name)
        values = check_column(raw.frame[name], raw.rows, column, allowed_values(column, design),
                              raw.path.name, log)
        text = raw.frame[name].astype(str)
        converted[name] = values.reset_index(drop=True)
        bad[name] = (values.isna().to_numpy() & (text != "").to_numpy())
    frame = pd.DataFrame(converted)
    frame.attrs["bad"] = pd.DataFrame(bad)
    return frame


def check_trial_directory(directory: str | Path, *,
                          design: TrialDesign | str | Path | None = None) -> CheckedDirectory:
    """Validate a directory and keep the converted tables; see :func:`validate_trial_directory`."""
    directory = Path(directory)
    log = ProblemLog()
    if not directory.is_dir():
        log.add(str(directory), None, None, "not_a_directory", "no such directory")
        report = ValidationReport(directory, log.frame(), (), "not read")
        return CheckedDirectory(report, None, {}, {})
    resolved, source = _resolve_design(directory, design, log)
    paths = find_table_files(directory, log)
    typed: dict[str, tuple[str, pd.DataFrame, np.ndarray]] = {}
    if resolved is not None:
        for name, path in paths.items():
            raw = read_raw_table(name, path, log)
            if raw is None:
                continue
            refused = _screen_cells(raw, log)
            columns = [c for c in _check_header(raw, TABLES[name], log) if c not in refused]
            frame = _convert(raw, TABLES[name], columns, resolved, log)
            frame.attrs["repeats"] = _exact_repeats(raw, frame)
            _check_records(raw, TABLES[name], frame.attrs["repeats"], log)
            if all(c.name in frame for c in TABLES[name].columns if c.required):
                typed[name] = (path.name, frame, raw.rows)
        check_cross_rules(typed, resolved, log)
        for _, frame, _ in typed.values():
            frame.attrs.clear()  # the masks of failed cells and repeats served the rules only
    report = ValidationReport(directory, log.frame(), tuple(p.name for p in paths.values()),
                              source)
    tables = {name: frame for name, (_, frame, _) in typed.items()} if report.is_valid else {}
    return CheckedDirectory(report, resolved, tables, paths)


def validate_trial_directory(directory: str | Path, *,
                             design: TrialDesign | str | Path | None = None) -> ValidationReport:
    """Check a trial directory and report every problem at once.

    Parameters
    ----------
    directory : str or Path
        Directory holding ``participants.{csv,xlsx,parquet}`` and optional further
        tables (see ``docs/data-model.md``).
    design : TrialDesign, path or None
        The design to check against. ``None`` reads ``design.toml`` from the
        directory, or uses the default design when there is none.

    Returns
    -------
    ValidationReport
        ``report.is_valid`` is False when any error was found; ``report.problems``
        lists each problem with file, row, column, rule and message.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "participants.csv").write_text(
    ...     "participant_id,band,instruments,enrolled_on,exit_on,exit_reason\\n"
    ...     "P1,40-60,yes,2014-09-01,,\\n"
    ...     "P2,30-40,no,2014-13-01,,\\n")
    >>> report = validate_trial_directory(folder)
    >>> report.is_valid
    False
    >>> print(report.errors[["row", "column", "rule"]].to_string(index=False))
     row      column             rule
       3        band    unknown_value
       3 enrolled_on unparseable_date
    """
    return check_trial_directory(directory, design=design).report
