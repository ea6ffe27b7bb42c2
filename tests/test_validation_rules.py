"""One small bad file per validation rule of a trial directory.

Every test starts from the small valid trial directory ``BASELINE`` (default design:
bands 40-60 / 60-80, arms no / yes, enrolment 2014-07-01 to 2016-07-01, cut-off
2016-07-01), changes one thing and checks that the report lists exactly the expected
problems: file, row (header is row 1, first record row 2), column, rule and severity.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from iedereen_doet_mee.data import ValidationReport, validate_trial_directory
from iedereen_doet_mee.data.problems import PROBLEM_COLUMNS
from iedereen_doet_mee.data.schema import TABLES
from iedereen_doet_mee.validate import main

# A table is (header, records), every cell as the text of a CSV file.
Table = tuple[list[str], list[list[str]]]
# What a test expects of one problem: (file, row, column, rule, severity).
Problem = tuple[str, int | None, str | None, str, str]

PAR, EMP, MEA, INS, SUR, ALO, ACT = (
    "participants.csv", "employment.csv", "measurements.csv", "instruments.csv",
    "employer_survey.csv", "allocation_log.csv", "activities.csv",
)
ERR, WARN = "error", "warning"


def _table(header: str, *records: str) -> Table:
    return header.split(","), [record.split(",") for record in records]


BASELINE: dict[str, Table] = {
    "participants": _table(
        "participant_id,band,instruments,enrolled_on,exit_on,exit_reason,left_project_on,"
        "follow_up_end_on,returned_on,age,sex,jobless_household,months_on_benefit,"
        "wage_value_estimate,ladder_rung_intake,life_wheel_health,qualification_on",
        # row 2 .. row 5
        "P001,40-60,no,2014-09-01,2015-06-01,regular_work,2015-06-01,,,41,female,yes,38,52,3,6,",
        "P002,40-60,yes,2014-10-15,,,,,,35,male,no,60,45.5,2,4,2015-12-18",
        "P003,60-80,yes,2015-01-05,2015-11-30,subsidised_work,2015-11-30,,2016-02-01,50,female,"
        "yes,12,70,4,7,",
        "P004,60-80,no,2015-03-02,,,,2016-01-31,,28,male,no,24,65,3,5,",
    ),
    "employment": _table(
        "participant_id,started_on,ended_on,hours_per_week,subsidised,employer_id",
        "P001,2015-06-01,,32,no,E01",
        "P003,2015-11-30,2016-01-31,20,yes,E02",
    ),
    "measurements": _table(
        "participant_id,measured_on,measure,value,method",
        "P001,2014-09-10,wage_value,50,Dariuz",
        "P001,2014-09-10,ladder_rung,3,",
        "P003,2015-01-20,wage_value,72.5,UWV",
    ),
    "instruments": _table(
        "participant_id,kind,started_on,ended_on,cost_eur",
        "P002,job_coach,2014-11-01,2015-03-01,1850.00",
        "P003,training,2015-02-01,,900",
    ),
    "activities": _table(
        "participant_id,kind,started_on,ended_on",
        "P001,education,2014-10-01,2015-03-31",
        "P004,volunteering,2015-04-01,",
    ),
    "employer_survey": _table(
        "employer_id,participant_id,answered_on,item,answer",
        "E01,P001,2015-09-01,would_hire_again,4",
        "E02,P003,2016-01-15,would_hire_again,5",
    ),
    "allocation_log": _table(
        "participant_id,sequence,band,block_id,block_size,position_in_block,instruments,"
        "probability",
        "P001,1,40-60,40-60-B0001,2,1,no,0.5",
        "P002,2,40-60,40-60-B0001,2,2,yes,1",
        "P003,3,60-80,60-80-B0001,2,1,yes,0.5",
        "P004,4,60-80,60-80-B0001,2,2,no,1",
    ),
}


# -- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def tables() -> dict[str, Table]:
    """A fresh copy of the valid baseline, free to change."""
    return copy.deepcopy(BASELINE)


def set_cell(tables: dict[str, Table], table: str, index: int, column: str, value: str) -> None:
    """Put ``value`` in record ``index`` (0 is file row 2) of ``column``."""
    header, records = tables[table]
    records[index][header.index(column)] = value


def csv_text(table: Table, sep: str = ",", newline: str = "\n") -> str:
    """The table as CSV text; cells holding the separator, quotes or line breaks are quoted."""
    header, records = table
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows([header, *records])
    return buffer.getvalue()


def write_csv(directory: Path, name: str, table: Table, *, sep: str = ",",
              encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = directory / f"{name}.csv"
    path.write_bytes(csv_text(table, sep, newline).encode(encoding))
    return path


def write_tables(directory: Path, tables: dict[str, Table]) -> Path:
    directory.mkdir(exist_ok=True)
    for name, table in tables.items():
        write_csv(directory, name, table)
    return directory


def typed(table: str, column: str, text: str) -> object:
    """The cell as a spreadsheet or Parquet file stores it: dates as dates, numbers as numbers."""
    if text == "":
        return None
    spec = TABLES[table]
    kind = spec.column(column).kind if column in spec.column_names else "text"
    try:
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    return text


def write_xlsx(directory: Path, name: str, table: Table) -> Path:
    header, records = table
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = name
    sheet.append(header)
    for record in records:
        sheet.append([typed(name, c, v) for c, v in zip(header, record, strict=True)])
    path = directory / f"{name}.xlsx"
    book.save(path)
    return path


def write_parquet(directory: Path, name: str, table: Table) -> Path:
    header, records = table
    columns = {c: [typed(name, c, r[i]) for r in records] for i, c in enumerate(header)}
    path = directory / f"{name}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def found(report: ValidationReport) -> list[Problem]:
    """The problems of a report as sorted (file, row, column, rule, severity) tuples."""
    out = []
    for file, row, column, rule, severity in report.problems[
            ["file", "row", "column", "rule", "severity"]].itertuples(index=False):
        out.append((file, None if pd.isna(row) else int(row),
                    None if pd.isna(column) else column, rule, severity))
    return sorted(out, key=repr)


def assert_problems(report: ValidationReport, expected: list[Problem]) -> None:
    """The report lists exactly ``expected``: nothing missing, nothing unrelated."""
    assert found(report) == sorted(expected, key=repr), report.summary()
    assert report.is_valid == all(p[4] == WARN for p in expected)


def check(directory: Path, tables: dict[str, Table]) -> ValidationReport:
    return validate_trial_directory(write_tables(directory, tables))


# -- the baseline ------------------------------------------------------------------------------


def test_baseline_is_valid(tmp_path: Path, tables: dict[str, Table]) -> None:
    report = check(tmp_path / "trial", tables)
    assert_problems(report, [])
    assert report.is_valid
    assert set(report.files) == {f"{name}.csv" for name in BASELINE}


def test_participants_alone_is_valid(tmp_path: Path, tables: dict[str, Table]) -> None:
    assert_problems(check(tmp_path, {"participants": tables["participants"]}), [])


# -- rules about one cell ----------------------------------------------------------------------

CELL_CASES = [
    # missing_value
    ("participants", 1, "band", "", [(PAR, 3, "band", "missing_value", ERR)]),
    ("employment", 1, "hours_per_week", "", [(EMP, 3, "hours_per_week", "missing_value", ERR)]),
    # surrounding_whitespace: reported once, the padded value is not judged again
    ("participants", 0, "band", " 40-60", [(PAR, 2, "band", "surrounding_whitespace", ERR)]),
    ("participants", 0, "exit_reason", "moved ",
     [(PAR, 2, "exit_reason", "surrounding_whitespace", ERR)]),
    # unknown_value
    ("participants", 1, "band", "30-40", [(PAR, 3, "band", "unknown_value", ERR)]),
    ("participants", 0, "exit_reason", "retired", [(PAR, 2, "exit_reason", "unknown_value", ERR)]),
    ("participants", 3, "instruments", "maybe", [(PAR, 5, "instruments", "unknown_value", ERR)]),
    ("participants", 1, "sex", "F", [(PAR, 3, "sex", "unknown_value", ERR)]),
    ("participants", 1, "jobless_household", "ja",
     [(PAR, 3, "jobless_household", "unknown_value", ERR)]),
    ("instruments", 0, "kind", "massage", [(INS, 2, "kind", "unknown_value", ERR)]),
    ("measurements", 2, "measure", "iq", [(MEA, 4, "measure", "unknown_value", ERR)]),
    # unparseable_date
    ("participants", 1, "enrolled_on", "15-03-2015",
     [(PAR, 3, "enrolled_on", "unparseable_date", ERR)]),
    ("participants", 3, "enrolled_on", "2015-02-30",
     [(PAR, 5, "enrolled_on", "unparseable_date", ERR)]),
    ("participants", 1, "qualification_on", "2015-12-18 10:00",
     [(PAR, 3, "qualification_on", "unparseable_date", ERR)]),
    ("employment", 0, "started_on", "1-6-2015", [(EMP, 2, "started_on", "unparseable_date", ERR)]),
    # wrong_type
    ("participants", 0, "age", "forty", [(PAR, 2, "age", "wrong_type", ERR)]),
    ("participants", 0, "age", "41.5", [(PAR, 2, "age", "wrong_type", ERR)]),
    ("participants", 1, "wage_value_estimate", "55,5",
     [(PAR, 3, "wage_value_estimate", "wrong_type", ERR)]),
    ("instruments", 1, "cost_eur", "EUR 900", [(INS, 3, "cost_eur", "wrong_type", ERR)]),
    # out_of_range: bounds declared in the schema
    ("participants", 2, "wage_value_estimate", "101",
     [(PAR, 4, "wage_value_estimate", "out_of_range", ERR)]),
    ("participants", 1, "age", "14", [(PAR, 3, "age", "out_of_range", ERR)]),
    ("participants", 1, "age", "76", [(PAR, 3, "age", "out_of_range", ERR)]),
    ("participants", 0, "ladder_rung_intake", "0",
     [(PAR, 2, "ladder_rung_intake", "out_of_range", ERR)]),
    ("participants", 0, "life_wheel_health", "11",
     [(PAR, 2, "life_wheel_health", "out_of_range", ERR)]),
    ("instruments", 0, "cost_eur", "-5", [(INS, 2, "cost_eur", "out_of_range", ERR)]),
    ("allocation_log", 0, "probability", "1.5", [(ALO, 2, "probability", "out_of_range", ERR)]),
    ("employer_survey", 0, "answer", "0", [(SUR, 2, "answer", "out_of_range", ERR)]),
    # out_of_range: bounds that depend on the measure or on the design
    ("measurements", 0, "value", "101", [(MEA, 2, "value", "out_of_range", ERR)]),
    ("measurements", 0, "value", "-1", [(MEA, 2, "value", "out_of_range", ERR)]),
    ("measurements", 1, "value", "7", [(MEA, 3, "value", "out_of_range", ERR)]),
    ("employer_survey", 1, "answer", "6", [(SUR, 3, "answer", "out_of_range", ERR)]),
    # not_whole_number
    ("measurements", 1, "value", "3.5", [(MEA, 3, "value", "not_whole_number", ERR)]),
    # rules between the columns of participants
    ("participants", 0, "exit_on", "2014-08-01",
     [(PAR, 2, "exit_on", "exit_before_enrolment", ERR)]),
    ("participants", 0, "exit_reason", "", [(PAR, 2, "exit_reason", "exit_without_reason", ERR)]),
    ("participants", 1, "exit_reason", "moved", [(PAR, 3, "exit_on", "reason_without_exit", ERR)]),
    ("participants", 0, "left_project_on", "2014-08-01",
     [(PAR, 2, "left_project_on", "before_enrolment", ERR)]),
    ("participants", 3, "follow_up_end_on", "2015-01-01",
     [(PAR, 5, "follow_up_end_on", "before_enrolment", ERR)]),
    ("participants", 2, "returned_on", "2015-10-01",
     [(PAR, 4, "returned_on", "returned_before_exit", ERR)]),
    ("participants", 1, "returned_on", "2015-06-01",
     [(PAR, 3, "returned_on", "returned_without_exit", ERR)]),
    ("participants", 0, "follow_up_end_on", "2015-01-01",
     [(PAR, 2, "follow_up_end_on", "follow_up_end_before_exit", ERR)]),
    # a bad exit date still counts as an exit: no exit_without_reason on top
    ("participants", 0, "exit_on", "2015-06-31", [(PAR, 2, "exit_on", "unparseable_date", ERR)]),
    # after_cutoff, in participants and in other tables
    ("participants", 3, "follow_up_end_on", "2016-07-02",
     [(PAR, 5, "follow_up_end_on", "after_cutoff", ERR)]),
    ("participants", 1, "qualification_on", "2016-09-01",
     [(PAR, 3, "qualification_on", "after_cutoff", ERR)]),
    ("employment", 1, "ended_on", "2016-07-02", [(EMP, 3, "ended_on", "after_cutoff", ERR)]),
    ("measurements", 2, "measured_on", "2017-01-01",
     [(MEA, 4, "measured_on", "after_cutoff", ERR)]),
    ("employer_survey", 0, "answered_on", "2016-12-01",
     [(SUR, 2, "answered_on", "after_cutoff", ERR)]),
    # rules between tables
    ("employment", 0, "participant_id", "P999",
     [(EMP, 2, "participant_id", "unknown_participant", ERR)]),
    ("measurements", 2, "participant_id", "P005",
     [(MEA, 4, "participant_id", "unknown_participant", ERR)]),
    ("employer_survey", 1, "participant_id", "P1",
     [(SUR, 3, "participant_id", "unknown_participant", ERR)]),
    ("employment", 1, "ended_on", "2015-11-01", [(EMP, 3, "ended_on", "end_before_start", ERR)]),
    ("instruments", 0, "ended_on", "2014-10-01", [(INS, 2, "ended_on", "end_before_start", ERR)]),
    ("measurements", 0, "measured_on", "2014-08-01",
     [(MEA, 2, "measured_on", "before_enrolment", WARN)]),
    ("allocation_log", 0, "instruments", "yes",
     [(ALO, 2, "instruments", "allocation_mismatch", ERR)]),
    ("allocation_log", 2, "band", "40-60", [(ALO, 4, "band", "allocation_mismatch", ERR)]),
    # warnings about the design
    ("participants", 0, "enrolled_on", "2014-06-30",
     [(PAR, 2, "enrolled_on", "enrolled_outside_window", WARN)]),
    ("participants", 1, "enrolled_on", "2016-07-01",  # first day after the window = cut-off
     [(PAR, 3, "enrolled_on", "enrolled_outside_window", WARN),
      (INS, 2, "started_on", "before_enrolment", WARN)]),  # P002's job coach started earlier
    ("participants", 0, "wage_value_estimate", "60",  # upper bound of 40-60 is exclusive
     [(PAR, 2, "wage_value_estimate", "band_disagrees_with_estimate", WARN)]),
    ("participants", 2, "wage_value_estimate", "59.5",
     [(PAR, 4, "wage_value_estimate", "band_disagrees_with_estimate", WARN)]),
    ("instruments", 0, "participant_id", "P001",
     [(INS, 2, "participant_id", "instruments_in_control_arm", WARN)]),
    # the activities table
    ("activities", 0, "kind", "knitting", [(ACT, 2, "kind", "unknown_value", ERR)]),
    ("activities", 1, "kind", "", [(ACT, 3, "kind", "missing_value", ERR)]),
    ("activities", 1, "started_on", "", [(ACT, 3, "started_on", "missing_value", ERR)]),
    ("activities", 0, "participant_id", "", [(ACT, 2, "participant_id", "missing_value", ERR)]),
    ("activities", 0, "started_on", "1-10-2014",
     [(ACT, 2, "started_on", "unparseable_date", ERR)]),
    ("activities", 1, "ended_on", "2016-07-02", [(ACT, 3, "ended_on", "after_cutoff", ERR)]),
    ("activities", 1, "started_on", "2016-07-02",
     [(ACT, 3, "started_on", "after_cutoff", ERR)]),
    ("activities", 1, "participant_id", "P999",
     [(ACT, 3, "participant_id", "unknown_participant", ERR)]),
    ("activities", 0, "ended_on", "2014-09-30", [(ACT, 2, "ended_on", "end_before_start", ERR)]),
    ("activities", 0, "started_on", "2014-08-01",
     [(ACT, 2, "started_on", "before_enrolment", WARN)]),
]


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "expected"),
    [pytest.param(*case, id=f"{case[4][0][3]}-{case[0]}.{case[2]}={case[3]!r}")
     for case in CELL_CASES],
)
def test_one_changed_cell(tmp_path: Path, tables: dict[str, Table], table: str, index: int,
                          column: str, value: str, expected: list[Problem]) -> None:
    set_cell(tables, table, index, column, value)
    assert_problems(check(tmp_path, tables), expected)


@pytest.mark.parametrize(("table", "index", "column", "value"), [
    ("participants", 2, "wage_value_estimate", "80"),  # top of the highest band is inclusive
    ("participants", 0, "wage_value_estimate", "40"),
    ("participants", 3, "enrolled_on", "2014-07-01"),  # first day of the window
    ("participants", 3, "follow_up_end_on", "2016-07-01"),  # the cut-off itself
    ("measurements", 1, "value", "6"),
    ("measurements", 0, "value", "100"),
    ("employer_survey", 0, "answer", "5"),
    ("participants", 0, "age", "+41"),
    ("instruments", 0, "cost_eur", "1.85e3"),
    ("activities", 0, "started_on", "2014-09-01"),  # the day of enrolment
    ("activities", 0, "ended_on", "2014-10-01"),  # a one-day activity
    ("activities", 1, "ended_on", "2016-07-01"),  # the cut-off itself
])
def test_boundary_values_are_accepted(tmp_path: Path, tables: dict[str, Table], table: str,
                                      index: int, column: str, value: str) -> None:
    set_cell(tables, table, index, column, value)
    assert_problems(check(tmp_path, tables), [])


def test_decimal_comma_message_hints_at_decimal_point(tmp_path: Path,
                                                      tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 1, "wage_value_estimate", "55,5")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 3, "wage_value_estimate", "wrong_type", ERR)])
    assert "decimal point" in report.problems.loc[0, "message"]


def test_unknown_value_message_lists_the_allowed_values(tmp_path: Path,
                                                        tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 0, "exit_reason", "retired")
    message = check(tmp_path, tables).problems.loc[0, "message"]
    assert "'retired'" in message
    for reason in ("regular_work", "subsidised_work", "education", "moved", "unlawful", "other"):
        assert reason in message


def test_identifier_values_are_not_echoed(tmp_path: Path, tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 1, "participant_id", " P002")
    set_cell(tables, "instruments", 0, "participant_id", " P002")
    set_cell(tables, "allocation_log", 1, "participant_id", " P002")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 3, "participant_id", "surrounding_whitespace", ERR),
                             (INS, 2, "participant_id", "surrounding_whitespace", ERR),
                             (ALO, 3, "participant_id", "surrounding_whitespace", ERR)])
    assert not report.problems["message"].str.contains("P002").any()


# -- rules about whole records -----------------------------------------------------------------


def test_duplicate_participant(tmp_path: Path, tables: dict[str, Table]) -> None:
    records = tables["participants"][1]
    records.append(list(records[3]))  # P004 again, on row 6
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 6, "participant_id", "duplicate_participant", ERR)])
    assert "row 5" in report.problems.loc[0, "message"]


def test_participant_allocated_twice(tmp_path: Path, tables: dict[str, Table]) -> None:
    records = tables["allocation_log"][1]
    records.append(["P001", "5", "40-60", "40-60-B0002", "2", "1", "no", "0.5"])
    assert_problems(check(tmp_path, tables),
                    [(ALO, 6, "participant_id", "duplicate_participant", ERR)])


def test_answer_above_likert_points_of_design_toml(tmp_path: Path,
                                                   tables: dict[str, Table]) -> None:
    set_cell(tables, "employer_survey", 1, "answer", "7")
    directory = write_tables(tmp_path, tables)
    assert_problems(validate_trial_directory(directory),
                    [(SUR, 3, "answer", "out_of_range", ERR)])
    (directory / "design.toml").write_text("likert_points = 7\n", encoding="utf-8")
    report = validate_trial_directory(directory)
    assert_problems(report, [])
    assert report.design_source == "design.toml"


# -- rules about files and headers -------------------------------------------------------------


def test_missing_table(tmp_path: Path, tables: dict[str, Table]) -> None:
    del tables["participants"]
    assert_problems(check(tmp_path, tables), [(PAR, None, None, "missing_table", ERR)])


def test_ambiguous_table(tmp_path: Path, tables: dict[str, Table]) -> None:
    directory = write_tables(tmp_path, tables)
    write_xlsx(directory, "participants", tables["participants"])
    assert_problems(validate_trial_directory(directory),
                    [(PAR, None, None, "ambiguous_table", ERR)])


@pytest.mark.parametrize("name", ["notes.csv", "participants_old.xlsx", "Employment.csv"])
def test_unknown_table_is_a_warning(tmp_path: Path, tables: dict[str, Table], name: str) -> None:
    directory = write_tables(tmp_path, tables)
    (directory / name).write_bytes((directory / EMP).read_bytes())
    report = validate_trial_directory(directory)
    assert_problems(report, [(name, None, None, "unknown_table", WARN)])
    assert report.is_valid


def test_lock_files_hidden_files_and_other_suffixes_are_ignored(
        tmp_path: Path, tables: dict[str, Table]) -> None:
    directory = write_tables(tmp_path, tables)
    for name in ("~$participants.xlsx", ".participants.csv", "participants.txt", "README.md"):
        (directory / name).write_text("junk\n", encoding="utf-8")
    assert_problems(validate_trial_directory(directory), [])


def test_non_utf8_csv_is_unreadable(tmp_path: Path, tables: dict[str, Table]) -> None:
    set_cell(tables, "measurements", 0, "method", "Vérité")
    directory = write_tables(tmp_path, tables)
    write_csv(directory, "measurements", tables["measurements"], encoding="cp1252")
    report = validate_trial_directory(directory)
    assert_problems(report, [(MEA, 2, "method", "unreadable_file", ERR)])
    assert "UTF-8" in report.problems.loc[0, "message"]


def test_damaged_xlsx_is_unreadable(tmp_path: Path, tables: dict[str, Table]) -> None:
    del tables["employment"]
    directory = write_tables(tmp_path, tables)
    (directory / "employment.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    assert_problems(validate_trial_directory(directory),
                    [("employment.xlsx", None, None, "unreadable_file", ERR)])


def test_damaged_parquet_is_unreadable(tmp_path: Path, tables: dict[str, Table]) -> None:
    del tables["instruments"]
    directory = write_tables(tmp_path, tables)
    (directory / "instruments.parquet").write_bytes(b"PAR1 truncated")
    assert_problems(validate_trial_directory(directory),
                    [("instruments.parquet", None, None, "unreadable_file", ERR)])


def test_malformed_quotes_are_unreadable(tmp_path: Path, tables: dict[str, Table]) -> None:
    directory = write_tables(tmp_path, tables)
    path = directory / MEA
    path.write_text(path.read_text(encoding="utf-8").replace("Dariuz", '"Dari"uz'),
                    encoding="utf-8")
    assert_problems(validate_trial_directory(directory),
                    [(MEA, None, None, "unreadable_file", ERR)])


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"])
def test_empty_file(tmp_path: Path, tables: dict[str, Table], content: bytes) -> None:
    directory = write_tables(tmp_path, tables)
    (directory / PAR).write_bytes(content)
    assert_problems(validate_trial_directory(directory), [(PAR, 1, None, "empty_file", ERR)])


@pytest.mark.parametrize(("new_name", "expected"), [
    ("", (PAR, 1, None, "empty_header", ERR)),
    ("age", (PAR, 1, "age", "duplicate_column", ERR)),
])
def test_bad_header_cell(tmp_path: Path, tables: dict[str, Table], new_name: str,
                         expected: Problem) -> None:
    header = tables["participants"][0]
    header[header.index("sex")] = new_name
    assert_problems(check(tmp_path, tables), [expected])


@pytest.mark.parametrize("change", ["extra", "short"])
def test_ragged_row(tmp_path: Path, tables: dict[str, Table], change: str) -> None:
    record = tables["measurements"][1][1]  # row 3
    if change == "extra":
        record.append("surplus")
    else:
        record.pop()
    report = check(tmp_path, tables)
    assert_problems(report, [(MEA, 3, None, "ragged_row", ERR)])
    assert "5" in report.problems.loc[0, "message"]


def test_ragged_row_in_xlsx(tmp_path: Path, tables: dict[str, Table]) -> None:
    del tables["measurements"]
    directory = write_tables(tmp_path, tables)
    path = write_xlsx(directory, "measurements", BASELINE["measurements"])
    book = openpyxl.load_workbook(path)
    book["measurements"].cell(row=3, column=7, value="surplus")
    book.save(path)
    assert_problems(validate_trial_directory(directory),
                    [("measurements.xlsx", 3, None, "ragged_row", ERR)])


def drop_column(table: Table, column: str) -> None:
    header, records = table
    position = header.index(column)
    for cells in [header, *records]:
        del cells[position]


@pytest.mark.parametrize(("table", "column"), [
    ("participants", "band"),
    ("participants", "exit_reason"),
    ("employment", "ended_on"),
    ("allocation_log", "probability"),
])
def test_missing_column(tmp_path: Path, tables: dict[str, Table], table: str,
                        column: str) -> None:
    drop_column(tables[table], column)
    assert_problems(check(tmp_path, tables), [(f"{table}.csv", 1, column, "missing_column", ERR)])


def test_optional_column_may_be_left_out(tmp_path: Path, tables: dict[str, Table]) -> None:
    drop_column(tables["participants"], "returned_on")
    drop_column(tables["employment"], "employer_id")
    assert_problems(check(tmp_path, tables), [])


@pytest.mark.parametrize("name", ["nickname", "Band", "band "])
def test_unknown_column(tmp_path: Path, tables: dict[str, Table], name: str) -> None:
    header, records = tables["participants"]
    header.append(name)
    for record in records:
        record.append("x")
    assert_problems(check(tmp_path, tables), [(PAR, 1, name, "unknown_column", ERR)])


# -- citizen service numbers -------------------------------------------------------------------

BSNS = ["111222333", "123456782", "12345672"]  # pass the 11-test; the last lost its leading 0


def assert_not_echoed(report: ValidationReport, values: list[str]) -> None:
    text = report.summary(max_per_rule=None) + " ".join(report.problems["message"])
    for value in values:
        assert value not in text


@pytest.mark.parametrize("bsn", BSNS)
def test_citizen_service_number_in_extra_column(tmp_path: Path, tables: dict[str, Table],
                                                bsn: str) -> None:
    header, records = tables["participants"]
    header.append("bsn")
    for record, value in zip(records, ["P-code", bsn, "", bsn], strict=True):
        record.append(value)
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 1, "bsn", "unknown_column", ERR),
                             (PAR, 3, "bsn", "citizen_service_number", ERR)])
    message = report.problems.set_index("rule").loc["citizen_service_number", "message"]
    assert "2 value(s)" in message
    assert "rows 3, 5" in message
    assert_not_echoed(report, [bsn])


@pytest.mark.parametrize(("table", "column"), [
    ("employment", "participant_id"),
    ("measurements", "method"),
    ("participants", "participant_id"),
])
def test_citizen_service_number_in_declared_column(tmp_path: Path, tables: dict[str, Table],
                                                   table: str, column: str) -> None:
    set_cell(tables, table, 1, column, "111222333")
    report = check(tmp_path, tables)
    assert_problems(report, [(f"{table}.csv", 3, column, "citizen_service_number", ERR)])
    assert_not_echoed(report, ["111222333"])


def test_nine_digits_failing_the_11_test_are_not_refused(tmp_path: Path,
                                                         tables: dict[str, Table]) -> None:
    set_cell(tables, "measurements", 1, "method", "123456789")
    assert_problems(check(tmp_path, tables), [])


def test_citizen_service_number_with_trailing_space(tmp_path: Path,
                                                    tables: dict[str, Table]) -> None:
    set_cell(tables, "measurements", 1, "method", "111222333 ")
    report = check(tmp_path, tables)
    assert (MEA, 3, "method", "citizen_service_number", ERR) in found(report)
    assert_not_echoed(report, ["111222333"])


def test_non_ascii_digits_do_not_crash(tmp_path: Path, tables: dict[str, Table]) -> None:
    header, records = tables["participants"]
    header.append("note")
    for record in records:
        record.append("１２３４５６７８")  # full-width digits
    report = check(tmp_path, {"participants": tables["participants"]})
    assert (PAR, 1, "note", "unknown_column", ERR) in found(report)


# -- households and activities -----------------------------------------------------------------


def with_households(tables: dict[str, Table], *ids: str) -> None:
    """Add the optional column household_id to participants, one value per record."""
    header, records = tables["participants"]
    header.append("household_id")
    for record, value in zip(records, ids, strict=True):
        record.append(value)


def test_households_within_one_stratum_and_arm_are_valid(tmp_path: Path,
                                                         tables: dict[str, Table]) -> None:
    with_households(tables, "H01", "", "H02", "H03")
    records = tables["participants"][1]
    records.append(["P005", *records[2][1:-1], "H02"])  # P003's household, same cell
    assert_problems(check(tmp_path, tables), [])


def test_household_across_strata_or_arms_is_a_warning_naming_its_rows(
        tmp_path: Path, tables: dict[str, Table]) -> None:
    with_households(tables, "HH-secret-1", "HH-secret-1", "", "HH-secret-1")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 2, "household_id", "household_across_cells", WARN)])
    message = report.problems.loc[0, "message"]
    assert "the 3 members" in message
    assert "row 2 (40-60, no), row 3 (40-60, yes), row 5 (60-80, no)" in message
    assert "HH-secret" not in report.summary(max_per_rule=None)


def test_each_mixed_household_gets_one_warning_on_its_first_row(
        tmp_path: Path, tables: dict[str, Table]) -> None:
    with_households(tables, "A", "B", "A", "B")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 2, "household_id", "household_across_cells", WARN),
                             (PAR, 3, "household_id", "household_across_cells", WARN)])
    assert "row 2 (40-60, no), row 4 (60-80, yes)" in report.problems.loc[0, "message"]
    assert "row 3 (40-60, yes), row 5 (60-80, no)" in report.problems.loc[1, "message"]


def test_household_with_a_bad_band_is_judged_on_the_members_that_converted(
        tmp_path: Path, tables: dict[str, Table]) -> None:
    with_households(tables, "H01", "H01", "", "")
    set_cell(tables, "participants", 1, "band", "30-40")
    assert_problems(check(tmp_path, tables), [(PAR, 3, "band", "unknown_value", ERR)])


@pytest.mark.parametrize("bsn", BSNS)
def test_household_id_holding_a_citizen_service_number_is_refused(
        tmp_path: Path, tables: dict[str, Table], bsn: str) -> None:
    with_households(tables, "H01", bsn, "", "H04")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 3, "household_id", "citizen_service_number", ERR)])
    assert_not_echoed(report, [bsn])


def test_household_id_values_are_not_echoed(tmp_path: Path, tables: dict[str, Table]) -> None:
    with_households(tables, "H01 ", "", "", "")
    report = check(tmp_path, tables)
    assert_problems(report, [(PAR, 2, "household_id", "surrounding_whitespace", ERR)])
    assert_not_echoed(report, ["H01"])


def test_minimal_export_with_household_id(tmp_path: Path) -> None:
    participants = _table(
        "participant_id,band,instruments,enrolled_on,exit_on,exit_reason,household_id",
        "P1,40-60,yes,2014-09-01,,,G-17",
        "P2,40-60,yes,2014-09-03,2015-01-05,moved,G-17",
        "P3,60-80,no,2014-10-01,,,")
    assert_problems(check(tmp_path, {"participants": participants}), [])


def test_activity_kind_is_any_text_when_the_design_declares_none(
        tmp_path: Path, tables: dict[str, Table]) -> None:
    set_cell(tables, "activities", 0, "kind", "language café")
    directory = write_tables(tmp_path, tables)
    assert_problems(validate_trial_directory(directory),
                    [(ACT, 2, "kind", "unknown_value", ERR)])
    (directory / "design.toml").write_text("activity_kinds = []\n", encoding="utf-8")
    assert_problems(validate_trial_directory(directory), [])


def test_activity_kinds_declared_by_the_design(tmp_path: Path,
                                               tables: dict[str, Table]) -> None:
    directory = write_tables(tmp_path, tables)
    (directory / "design.toml").write_text('activity_kinds = ["education", "sports"]\n',
                                           encoding="utf-8")
    report = validate_trial_directory(directory)
    assert_problems(report, [(ACT, 3, "kind", "unknown_value", ERR)])
    assert "'volunteering' is not allowed; allowed: education, sports" in \
        report.problems.loc[0, "message"]


def test_activity_given_twice_is_a_repeated_row(tmp_path: Path,
                                                tables: dict[str, Table]) -> None:
    records = tables["activities"][1]
    records.append(list(records[0]))
    report = check(tmp_path, tables)
    assert_problems(report, [(ACT, 4, None, "duplicate_row", ERR)])
    assert "row repeats row 2 exactly" in report.problems.loc[0, "message"]


def test_activities_without_the_optional_ended_on_column(tmp_path: Path,
                                                         tables: dict[str, Table]) -> None:
    header, records = tables["activities"]
    tables["activities"] = (header[:3], [record[:3] for record in records])
    assert_problems(check(tmp_path, tables), [])


def test_activities_without_a_required_column(tmp_path: Path, tables: dict[str, Table]) -> None:
    header, records = tables["activities"]
    tables["activities"] = ([header[0], *header[2:]], [[r[0], *r[2:]] for r in records])
    assert_problems(check(tmp_path, tables), [(ACT, 1, "kind", "missing_column", ERR)])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_activities_in_every_format(tmp_path: Path, tables: dict[str, Table], fmt: str) -> None:
    set_cell(tables, "activities", 1, "participant_id", "P999")
    set_cell(tables, "activities", 0, "ended_on", "2014-09-30")
    activities = tables.pop("activities")
    directory = write_tables(tmp_path, tables)
    writer = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}[fmt]
    path = writer(directory, "activities", activities)
    assert_problems(validate_trial_directory(directory), [
        (path.name, 2, "ended_on", "end_before_start", ERR),
        (path.name, 3, "participant_id", "unknown_participant", ERR)])


# -- the design and the directory --------------------------------------------------------------


@pytest.mark.parametrize(("toml", "field"), [
    ("likert_points = 1\n", "likert_points"),
    ('strata = ["40 - 60", "60-80"]\n', "strata"),
    ("cutoff = 2014-01-01\n", "cutoff"),
    ("n_per_cel = 10\n", "n_per_cel"),
    ("strata = [\n", "<file>"),
])
def test_invalid_design(tmp_path: Path, tables: dict[str, Table], toml: str, field: str) -> None:
    set_cell(tables, "participants", 1, "band", "30-40")  # not checked while the design is bad
    directory = write_tables(tmp_path, tables)
    (directory / "design.toml").write_text(toml, encoding="utf-8")
    report = validate_trial_directory(directory)
    assert_problems(report, [("design.toml", None, field, "invalid_design", ERR)])


def test_invalid_design_given_as_path(tmp_path: Path, tables: dict[str, Table]) -> None:
    directory = write_tables(tmp_path / "trial", tables)
    design = tmp_path / "my_design.toml"
    design.write_text("target_outflow = 1.5\n", encoding="utf-8")
    report = validate_trial_directory(directory, design=design)
    assert_problems(report, [("my_design.toml", None, "target_outflow", "invalid_design", ERR)])


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_not_a_directory(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nowhere"
    if kind == "file":
        path.write_text("participant_id\n", encoding="utf-8")
    report = validate_trial_directory(path)
    assert_problems(report, [(str(path), None, None, "not_a_directory", ERR)])


# -- file formats ------------------------------------------------------------------------------

FORMATS = {
    "csv": lambda d, t: write_csv(d, "participants", t),
    "csv-semicolon": lambda d, t: write_csv(d, "participants", t, sep=";"),
    "csv-bom": lambda d, t: write_csv(d, "participants", t, encoding="utf-8-sig"),
    "csv-crlf": lambda d, t: write_csv(d, "participants", t, newline="\r\n"),
    "xlsx": lambda d, t: write_xlsx(d, "participants", t),
    "parquet": lambda d, t: write_parquet(d, "participants", t),
}
THREE_ERRORS = [
    (0, "exit_on", "2014-08-01", "exit_before_enrolment"),
    (1, "age", "14", "out_of_range"),
    (2, "band", "30-40", "unknown_value"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_baseline_is_valid(tmp_path: Path, tables: dict[str, Table], fmt: str) -> None:
    path = FORMATS[fmt](tmp_path, tables["participants"])
    report = validate_trial_directory(tmp_path)
    assert_problems(report, [])
    assert report.files == (path.name,)


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_reports_like_csv(tmp_path: Path, tables: dict[str, Table], fmt: str) -> None:
    for index, column, value, _ in THREE_ERRORS:
        set_cell(tables, "participants", index, column, value)
    path = FORMATS[fmt](tmp_path, tables["participants"])
    report = validate_trial_directory(tmp_path)
    assert_problems(report, [(path.name, index + 2, column, rule, ERR)
                             for index, column, value, rule in THREE_ERRORS])


def test_all_problems_are_reported_at_once(tmp_path: Path, tables: dict[str, Table]) -> None:
    set_cell(tables, "measurements", 0, "measured_on", "10-09-2014")
    set_cell(tables, "measurements", 1, "value", "3.5")
    tables["measurements"][1][2].append("surplus")  # row 4 has too many fields
    set_cell(tables, "employment", 0, "hours_per_week", "")
    assert_problems(check(tmp_path, tables), [
        (MEA, 2, "measured_on", "unparseable_date", ERR),
        (MEA, 3, "value", "not_whole_number", ERR),
        (MEA, 4, None, "ragged_row", ERR),
        (EMP, 2, "hours_per_week", "missing_value", ERR),
    ])


def test_all_tables_as_xlsx_and_parquet(tmp_path: Path, tables: dict[str, Table]) -> None:
    for position, (name, table) in enumerate(tables.items()):
        writer = write_xlsx if position % 2 else write_parquet
        writer(tmp_path, name, table)
    assert_problems(validate_trial_directory(tmp_path), [])


def test_semicolon_csv_with_decimal_comma(tmp_path: Path, tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 1, "wage_value_estimate", "45,5")
    write_csv(tmp_path, "participants", tables["participants"], sep=";")
    report = validate_trial_directory(tmp_path)
    assert_problems(report, [(PAR, 3, "wage_value_estimate", "wrong_type", ERR)])
    assert "decimal point" in report.problems.loc[0, "message"]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path,
                                                  tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 1, "age", "14")
    text = csv_text(tables["participants"]).replace("\nP002", "\n\nP002")  # P002 on row 4
    (tmp_path / PAR).write_text(text, encoding="utf-8")
    assert_problems(validate_trial_directory(tmp_path), [(PAR, 4, "age", "out_of_range", ERR)])


def test_semicolon_csv_with_blank_first_line(tmp_path: Path, tables: dict[str, Table]) -> None:
    text = "\n" + csv_text(tables["participants"], sep=";")
    (tmp_path / PAR).write_text(text, encoding="utf-8")
    assert_problems(validate_trial_directory(tmp_path), [])


def test_multi_line_cell_keeps_spreadsheet_row_numbers(tmp_path: Path,
                                                       tables: dict[str, Table]) -> None:
    set_cell(tables, "measurements", 0, "method", "Dariuz\nretest")
    set_cell(tables, "measurements", 1, "value", "7")  # second record: spreadsheet row 3
    assert_problems(check(tmp_path, tables), [(MEA, 3, "value", "out_of_range", ERR)])


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(("table", "column"), [("allocation_log", "sequence"),
                                               ("employer_survey", "answer")])
def test_huge_whole_number_is_reported(tmp_path: Path, tables: dict[str, Table], table: str,
                                       column: str) -> None:
    set_cell(tables, table, 0, column, "99999999999999999999")
    report = check(tmp_path, tables)
    assert [p[:3] for p in found(report)] == [(f"{table}.csv", 2, column)]
    assert not report.is_valid


# -- severity ----------------------------------------------------------------------------------


def test_warnings_alone_keep_the_directory_valid(tmp_path: Path,
                                                 tables: dict[str, Table]) -> None:
    set_cell(tables, "participants", 0, "enrolled_on", "2014-06-30")
    set_cell(tables, "participants", 3, "wage_value_estimate", "85")
    set_cell(tables, "instruments", 0, "participant_id", "P004")
    report = check(tmp_path, tables)
    assert_problems(report, [
        (PAR, 2, "enrolled_on", "enrolled_outside_window", WARN),
        (PAR, 5, "wage_value_estimate", "band_disagrees_with_estimate", WARN),
        (INS, 2, "participant_id", "instruments_in_control_arm", WARN),
        (INS, 2, "started_on", "before_enrolment", WARN),  # P004 enrolled after it started
    ])
    assert report.is_valid
    assert report.errors.empty
    assert len(report.warnings) == 4


# -- the command line --------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return status, output


def test_cli_valid(tmp_path: Path, tables: dict[str, Table],
                   capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_tables(tmp_path / "trial", tables)
    status, output = run_cli(capsys, str(directory))
    assert status == 0
    assert "valid - 0 error(s), 0 warning(s)" in output


def test_cli_valid_with_warnings(tmp_path: Path, tables: dict[str, Table],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    set_cell(tables, "participants", 0, "enrolled_on", "2014-06-30")
    directory = write_tables(tmp_path / "trial", tables)
    status, output = run_cli(capsys, str(directory))
    assert status == 0
    assert "WARNING participants.csv, row 2" in output


def test_cli_invalid(tmp_path: Path, tables: dict[str, Table],
                     capsys: pytest.CaptureFixture[str]) -> None:
    set_cell(tables, "participants", 1, "band", "30-40")
    directory = write_tables(tmp_path / "trial", tables)
    status, output = run_cli(capsys, str(directory))
    assert status == 1
    assert "INVALID" in output
    assert "ERROR participants.csv, row 3, column 'band': [unknown_value]" in output


def test_cli_not_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run_cli(capsys, str(tmp_path / "nowhere"))
    assert status == 1
    assert "not_a_directory" in output


def test_cli_writes_problem_table(tmp_path: Path, tables: dict[str, Table],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    set_cell(tables, "participants", 1, "band", "30-40")
    set_cell(tables, "participants", 0, "enrolled_on", "2014-06-30")
    directory = write_tables(tmp_path / "trial", tables)
    out = tmp_path / "problems.csv"
    status, _ = run_cli(capsys, str(directory), "--csv", str(out))
    assert status == 1
    written = pd.read_csv(out, dtype={"row": "Int64"})
    assert list(written.columns) == list(PROBLEM_COLUMNS)
    expected = validate_trial_directory(directory).problems
    assert written[["file", "row", "column", "rule", "severity", "message"]].astype(
        object).values.tolist() == expected.astype(object).values.tolist()


def test_cli_writes_empty_problem_table_when_valid(
        tmp_path: Path, tables: dict[str, Table], capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_tables(tmp_path / "trial", tables)
    out = tmp_path / "problems.csv"
    status, _ = run_cli(capsys, str(directory), "--csv", str(out))
    assert status == 0
    assert out.read_text(encoding="utf-8") == ",".join(PROBLEM_COLUMNS) + "\n"


def test_cli_limits_lines_per_rule_unless_all(tmp_path: Path, tables: dict[str, Table],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    records = tables["participants"][1]
    for number in range(5, 30):  # 25 participants with an unknown band, rows 6 .. 30
        record = list(records[1])
        record[0], record[1] = f"P{number:03d}", "30-40"
        records.append(record)
    directory = write_tables(tmp_path / "trial", tables)
    status, output = run_cli(capsys, str(directory))
    assert status == 1
    assert output.count("[unknown_value]") == 20
    assert "and 5 more row(s) of participants.csv breaking 'unknown_value'" in output
    status, output = run_cli(capsys, str(directory), "--all")
    assert status == 1
    assert output.count("[unknown_value]") == 25


def test_cli_many_ragged_rows(tmp_path: Path, tables: dict[str, Table],
                              capsys: pytest.CaptureFixture[str]) -> None:
    records = tables["measurements"][1]
    for _ in range(21):
        records.append(["P001", "2015-01-01", "wage_value", "50", "Dariuz", "surplus"])
    directory = write_tables(tmp_path / "trial", tables)
    status, output = run_cli(capsys, str(directory))
    assert status == 1
    assert "and 1 more row(s) of measurements.csv breaking 'ragged_row'" in output


def test_cli_bad_design_exit_status(tmp_path: Path, tables: dict[str, Table],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_tables(tmp_path / "trial", tables)
    design = tmp_path / "design.toml"
    design.write_text("likert_points = 1\n", encoding="utf-8")
    status, output = run_cli(capsys, str(directory), "--design", str(design))
    assert "likert_points" in output
    assert status == 2
