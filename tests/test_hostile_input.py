"""Hostile and odd content gets a clear answer, and nothing wrong passes silently.

Every case writes a small hand-made trial directory into ``tmp_path``, changes one
thing and checks the command's exit status and the problem it reports (file, row,
column, rule), and that no citizen service number appears in any output.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from iedereen_doet_mee import report, steer, validate
from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.data import load_trial, validate_trial_directory
from iedereen_doet_mee.data.bsn import contains_bsn
from iedereen_doet_mee.reporting.disclosure import DisclosureError, check_publishable
from iedereen_doet_mee.reporting.document.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "data" / "synthetic"
BSNS = ("111222333", "123456782")  # both pass the 11-test
PAR, EMP, MEA, INS, SUR, ACT = ("participants.csv", "employment.csv", "measurements.csv",
                                "instruments.csv", "employer_survey.csv", "activities.csv")
ERR, WARN = "error", "warning"

TABLES = {
    "participants": """\
        participant_id,band,instruments,enrolled_on,exit_on,exit_reason,wage_value_estimate
        P001,40-60,no,2014-09-01,2015-06-01,regular_work,52
        P002,40-60,yes,2014-10-15,,,45.5
        P003,60-80,yes,2015-01-05,2015-11-30,subsidised_work,70
        P004,60-80,no,2015-03-02,,,65
        """,
    "employment": """\
        participant_id,started_on,ended_on,hours_per_week,subsidised,employer_id
        P001,2015-06-01,,32,no,E01
        P003,2015-11-30,2016-01-31,20,yes,E02
        """,
    "measurements": """\
        participant_id,measured_on,measure,value,method
        P001,2014-09-10,wage_value,50,Dariuz
        P001,2014-09-10,ladder_rung,3,
        P003,2015-01-20,wage_value,72.5,UWV
        P003,2015-06-20,wage_value,75,UWV
        """,
    "instruments": """\
        participant_id,kind,started_on,ended_on,cost_eur
        P002,job_coach,2014-11-01,2015-03-01,1850.00
        P003,training,2015-02-01,,900
        """,
    "activities": """\
        participant_id,kind,started_on,ended_on
        P002,education,2014-11-01,
        P004,debt_counselling,2015-03-02,2015-09-30
        """,
    "employer_survey": """\
        employer_id,participant_id,answered_on,item,answer
        E01,P001,2015-09-01,would_hire_again,4
        E01,P001,2015-09-01,communication_clear,3
        E02,P003,2016-01-15,would_hire_again,5
        """,
}


def write_trial(directory: Path, **changes: str | bytes | None) -> Path:
    """The small valid trial, with tables replaced (text or bytes) or left out (None)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in {**TABLES, **changes}.items():
        if text is None:
            continue
        path = directory / f"{name}.csv"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def table_with(name: str, *lines: str) -> str:
    """Table ``name`` of the small trial with ``lines`` appended."""
    return textwrap.dedent(TABLES[name]) + "".join(f"{line}\n" for line in lines)


def run_validate(directory: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
                 ) -> tuple[int, str, pd.DataFrame]:
    """Exit status, everything printed, and the problem table written with --csv."""
    table = tmp_path / "problems.csv"
    status = validate.main([str(directory), "--all", "--csv", str(table)])
    captured = capsys.readouterr()
    output = captured.out + captured.err + table.read_text(encoding="utf-8")
    assert "Traceback" not in output
    return status, output, pd.read_csv(table, dtype={"row": "Int64"}, keep_default_na=False)


def problems(frame: pd.DataFrame) -> list[tuple]:
    """The problems as (file, row, column, rule, severity), column None when empty."""
    return sorted((f, None if pd.isna(r) else int(r), c or None, rule, s) for f, r, c, rule, s in
                  frame[["file", "row", "column", "rule", "severity"]].itertuples(index=False))


def assert_no_bsn(text: str) -> None:
    for bsn in BSNS:
        assert bsn not in text
    assert "1234.56.782" not in text


# -- citizen service numbers inside text ---------------------------------------------------------


@pytest.mark.parametrize("item", ["klant 111222333 tevreden", "bsn:123456782", "1234.56.782 ok",
                                  "ref 123 456 782"])
def test_citizen_number_inside_free_text_is_refused_and_never_echoed(tmp_path, capsys, item):
    trial = write_trial(tmp_path / "t", employer_survey=table_with(
        "employer_survey", f"E02,P003,2016-01-15,{item},4"))
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(SUR, 5, "item", "citizen_service_number", ERR)]
    assert "not shown" in found.loc[0, "message"]
    assert_no_bsn(output)


def test_citizen_number_in_a_column_outside_the_model(tmp_path, capsys):
    participants = textwrap.dedent(TABLES["participants"]).splitlines()
    participants = [participants[0] + ",notes"] + [line + ",calm" for line in participants[1:]]
    participants[2] = participants[2].replace(",calm", ",belt op 0612345678; bsn 111222333")
    trial = write_trial(tmp_path / "t", participants="\n".join(participants) + "\n")
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(PAR, 1, "notes", "unknown_column", ERR),
                               (PAR, 3, "notes", "citizen_service_number", ERR)]
    assert_no_bsn(output)


def with_household_ids(*ids: str) -> str:
    """The participants table of the small trial with a household_id column."""
    lines = textwrap.dedent(TABLES["participants"]).splitlines()
    return "\n".join([lines[0] + ",household_id"] + [
        f"{line},{value}" for line, value in zip(lines[1:], ids, strict=True)]) + "\n"


@pytest.mark.parametrize("household", ["111222333", "gezin 123456782", "1234.56.782"])
def test_citizen_number_as_household_id_is_refused_and_never_echoed(tmp_path, capsys,
                                                                    household):
    trial = write_trial(tmp_path / "t", participants=with_household_ids(
        "H1", household, "H3", "H4"))
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(PAR, 3, "household_id", "citizen_service_number", ERR)]
    assert_no_bsn(output)


def test_household_ids_are_never_echoed_by_validate(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", participants=with_household_ids(
        "gezin-Jansen", "gezin-Jansen", "", "gezin-Jansen\x01"))
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(PAR, 2, "household_id", "household_across_cells", WARN),
                               (PAR, 5, "household_id", "control_character", ERR)]
    assert "Jansen" not in output


def test_citizen_number_as_header_cell_and_as_file_name(tmp_path, capsys):
    # a CSV without its header row: the first record becomes the header
    trial = write_trial(tmp_path / "t", measurements="111222333,2014-09-10,wage_value,50,x\n")
    (trial / "123456782.csv").write_text("a\n1\n", encoding="utf-8")
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert (MEA, 1, None, "citizen_service_number", ERR) in problems(found)
    assert any(rule == "unknown_table" for *_, rule, _ in problems(found))
    assert_no_bsn(output)


@pytest.mark.parametrize("method", ["Dariuz 2015-07-01", "v1234567", "1111222333",
                                    "0.111222333", "123-456-782"])
def test_numbers_that_are_not_citizen_numbers_pass(tmp_path, capsys, method):
    trial = write_trial(tmp_path / "t", measurements=table_with(
        "measurements", f"P004,2015-06-01,wage_value,60,{method}"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert (status, problems(found)) == (0, [])


def test_output_guard_refuses_a_citizen_number_inside_text():
    with pytest.raises(DisclosureError, match="BSN") as raised:
        check_publishable(pd.DataFrame({"term": ["klant 111222333 tevreden"], "n": [12]}))
    assert_no_bsn(str(raised.value))
    with pytest.raises(DisclosureError, match="row labels"):
        check_publishable(pd.DataFrame({"n": [12]}, index=["ref 123456782"]))
    # thousands separators in a reader's text are amounts, not citizen numbers
    check_publishable(pd.DataFrame({"term": ["total"], "shown": ["EUR 111.222.333"]}))


def test_contains_bsn_checks_every_cell_fast():
    cells = pd.Series(["2015-07-01", "1850.00", "P0001", "would_hire_again"] * 50_000)
    cells.iloc[123_456] = "x 111222333 y"
    assert contains_bsn(cells).nonzero()[0].tolist() == [123_456]


# -- formulas in the workbook --------------------------------------------------------------------


def test_workbook_writes_formula_like_text_as_text_and_numbers_as_numbers(tmp_path):
    texts = ['=HYPERLINK("http://example.org","click")', "+31 6", "-x", "@SUM(A1)", "plain",
             "bell\x07"]
    frame = pd.DataFrame({"term": texts, "estimate": [-1.5, 2, -3, 0.25, 7, 1]})
    path = write_workbook(tmp_path / "w.xlsx", {"records": frame})
    sheet = openpyxl.load_workbook(path)["records"]
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    assert [row[0].data_type for row in cells] == ["s"] * 6
    assert [row[0].value for row in cells][:5] == texts[:5]
    assert cells[5][0].value == "bell\ufffd"
    assert [row[0].quotePrefix for row in cells] == [True, True, True, True, False, False]
    assert [(row[1].data_type, row[1].value) for row in cells] == [
        ("n", -1.5), ("n", 2), ("n", -3), ("n", 0.25), ("n", 7), ("n", 1)]


# -- repeated records ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["employment", "measurements", "instruments", "activities",
                                   "employer_survey"])
def test_a_table_appended_twice_reports_every_repeated_row(tmp_path, capsys, table):
    lines = textwrap.dedent(TABLES[table]).splitlines()
    trial = write_trial(tmp_path / "t", **{table: table_with(table, *lines[1:])})
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    n = len(lines) - 1
    assert problems(found) == [(f"{table}.csv", n + 2 + i, None, "duplicate_row", ERR)
                               for i in range(n)]
    assert found.loc[0, "message"].startswith("row repeats row 2 exactly; remove it")


def test_repeated_participant_row_names_the_row_it_repeats(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", participants=table_with(
        "participants", "P002,40-60,yes,2014-10-15,,,45.5"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(PAR, 6, "participant_id", "duplicate_participant", ERR)]
    assert "repeats row 3 exactly" in found.loc[0, "message"]


def test_survey_item_answered_twice_is_refused_before_the_analysis(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", employer_survey=table_with(
        "employer_survey", "E01,P001,2015-09-01,would_hire_again,2"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(SUR, 5, "item", "answered_twice", ERR)]
    assert "row 2" in found.loc[0, "message"] and "answer 2 here, 4 there" in \
        found.loc[0, "message"]
    assert report.main(["--data", str(trial), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "answered_twice" in err and "employer_survey.csv, row 5" in err


def test_same_measure_twice_on_one_day_is_an_error(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", measurements=table_with(
        "measurements", "P003,2015-06-20,wage_value,80,Dariuz"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(MEA, 6, "measured_on", "repeated_measurement", ERR)]
    assert "row 5" in found.loc[0, "message"] and "80 here, 75 there" in found.loc[0, "message"]


# -- wage values given as shares -----------------------------------------------------------------


def test_wage_values_given_as_shares_are_an_error_with_the_percentage_meant(tmp_path, capsys):
    measurements = textwrap.dedent(TABLES["measurements"])
    for percent, share in (("50,", "0.5,"), ("72.5,", "0.725,"), ("75,", "0.75,")):
        measurements = measurements.replace(f"wage_value,{percent}", f"wage_value,{share}")
    trial = write_trial(tmp_path / "t", measurements=measurements)
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(MEA, 2, "value", "wage_value_as_share", ERR)]
    message = found.loc[0, "message"]
    assert "rows 2, 4, 5" in message and "e.g. 55 for 0.55" in message and "50 for 0.5" in message


def test_wage_value_estimates_given_as_shares(tmp_path, capsys):
    participants = textwrap.dedent(TABLES["participants"])
    for percent in (",52\n", ",45.5\n", ",70\n", ",65\n"):
        participants = participants.replace(percent, f",{float(percent[1:-1]) / 100:g}\n")
    trial = write_trial(tmp_path / "t", participants=participants)
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1  # one error, and no band warning for each share on top
    assert problems(found) == [(PAR, 2, "wage_value_estimate", "wage_value_as_share", ERR)]


def test_one_share_among_percentages_is_a_warning(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", measurements=table_with(
        "measurements", "P004,2015-06-01,wage_value,0.6,Dariuz"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 0
    assert problems(found) == [(MEA, 6, "value", "wage_value_as_share", WARN)]
    assert "did you mean 60?" in found.loc[0, "message"]


# -- before enrolment ----------------------------------------------------------------------------


def test_job_and_instrument_before_enrolment_are_warnings(tmp_path, capsys):
    trial = write_trial(
        tmp_path / "t",
        employment=table_with("employment", "P004,2015-01-05,,24,no,E03"),
        instruments=table_with("instruments", "P002,training,2014-10-01,2014-10-14,300"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 0
    assert problems(found) == [(EMP, 4, "started_on", "before_enrolment", WARN),
                               (INS, 4, "started_on", "before_enrolment", WARN)]
    assert "not counted as a placement" in found.loc[0, "message"]


def test_activity_before_enrolment_is_a_warning(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", activities=table_with(
        "activities", "P004,volunteering,2015-03-01,2015-06-01"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 0
    assert problems(found) == [(ACT, 4, "started_on", "before_enrolment", WARN)]
    assert "activity started before the participant's enrolment on 2015-03-02" in \
        found.loc[0, "message"]


def test_a_job_started_before_enrolment_is_no_placement(tmp_path):
    # P004 enrolled 2015-03-02 and had a job from before that ran for a year: not a
    # placement; P002 found a job after enrolment that lasted: a durable placement
    trial = write_trial(tmp_path / "t", employment=table_with(
        "employment", "P004,2015-01-05,2016-01-05,24,no,E03", "P002,2015-01-05,,24,no,E03"))
    frame = derive_outcomes(load_trial(trial)).frame.set_index("participant_id")
    assert pd.isna(frame.loc["P004", "placement_on"])
    assert pd.isna(frame.loc["P004", "durable_placement"])
    assert frame.loc["P002", "placement_on"] == pd.Timestamp("2015-01-05")
    assert bool(frame.loc["P002", "durable_placement"]) is True


# -- files that cannot be read -------------------------------------------------------------------


def test_latin1_file_names_row_and_column_of_the_first_bad_byte(tmp_path, capsys):
    text = table_with("measurements", "P004,2015-06-01,wage_value,60,Vérité")
    trial = write_trial(tmp_path / "t", measurements=text.encode("latin-1"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(MEA, 6, "method", "unreadable_file", ERR)]
    assert "not UTF-8" in found.loc[0, "message"] and "CSV UTF-8" in found.loc[0, "message"]
    assert "0xE9" in found.loc[0, "message"]


def test_latin1_byte_in_a_ragged_row_is_found_there(tmp_path, capsys):
    text = table_with("measurements", "P004,2015-06-01,wage_value,60,Vérité,extra",
                      "P004,2015-07-01,wage_value,61,Müller")
    trial = write_trial(tmp_path / "t", measurements=text.encode("latin-1"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert (status, problems(found)) == (1, [(MEA, 6, "method", "unreadable_file", ERR)])
    assert "0xE9" in found.loc[0, "message"]


def test_latin1_header_is_row_1(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", instruments="participant_id,kind,started_on,ended_on,"
                        "cost_eur,opmerking_é\n".encode("latin-1"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert (status, problems(found)) == (1, [(INS, 1, None, "unreadable_file", ERR)])


def test_empty_file(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", employment=b"")
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(EMP, 1, None, "empty_file", ERR)]
    assert "0 bytes" in found.loc[0, "message"]


def test_header_only_participants_is_an_error(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", participants=textwrap.dedent(
        TABLES["participants"]).splitlines()[0] + "\n", employment=None, measurements=None,
        instruments=None, activities=None, employer_survey=None)
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(PAR, 2, None, "no_records", ERR)]


def test_header_only_optional_table_is_a_warning_and_loads(tmp_path, capsys):
    header = textwrap.dedent(TABLES["instruments"]).splitlines()[0] + "\n"
    trial = write_trial(tmp_path / "t", instruments=header)
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 0
    assert problems(found) == [(INS, 2, None, "no_records", WARN)]
    outcomes = derive_outcomes(load_trial(trial)).frame
    assert (outcomes["instrument_cost"] == 0).all()  # none given, not unknown


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["participant_id"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "expected"), [
    (_xlsx_bytes(), "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), ".xls"),
    ("participant_id,started_on\n".encode("utf-16"), "UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
], ids=["xlsx", "xls", "utf16", "png"])
def test_binary_file_named_csv(tmp_path, capsys, content, expected):
    trial = write_trial(tmp_path / "t", employment=content)
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(EMP, 1, None, "unreadable_file", ERR)]
    assert "not a text/CSV file" in found.loc[0, "message"] or "UTF-16" in found.loc[0, "message"]
    assert expected in found.loc[0, "message"]


@pytest.mark.parametrize(("written", "meant"), [
    ("01-07-2015", "2015-07-01"), ("1-7-2015", "2015-07-01"), ("01/07/2015", "2015-07-01"),
    ("2015/7/1", "2015-07-01"), ("12/31/2015", "2015-12-31"), ("42186", "2015-07-01")])
def test_date_written_another_way_gets_the_likely_date_as_hint(tmp_path, capsys, written, meant):
    trial = write_trial(tmp_path / "t", employment=table_with(
        "employment", f"P002,{written},,24,no,E03"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(EMP, 4, "started_on", "unparseable_date", ERR)]
    assert f"did you mean {meant}?" in found.loc[0, "message"]


def test_control_character_is_refused_without_echo(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", employer_survey=table_with(
        "employer_survey", "E02,P003,2016-01-15,evil\x1b[2Jitem,4"))
    status, output, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(SUR, 5, "item", "control_character", ERR)]
    assert "\x1b" not in output and "U+001B" in output


def test_bundled_trial_has_no_errors_and_no_warnings():
    assert validate_trial_directory(SYNTHETIC).problems.empty


# -- commands: exit statuses, warnings, pipes ----------------------------------------------------


def test_invalid_data_exit_1_from_every_command_that_reads_data(tmp_path, capsys):
    trial = write_trial(tmp_path / "t", employment=b"")
    assert validate.main([str(trial)]) == 1
    assert report.main(["--data", str(trial), "--out", str(tmp_path / "r")]) == 1
    assert steer.main([str(trial), "--as-of", "2015-07-01"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_bad_design_or_option_exit_2_and_an_analysis_error_exit_3(tmp_path, capsys,
                                                                  monkeypatch):
    trial = write_trial(tmp_path / "t")
    (trial / "design.toml").write_text("likert_points = 1\n", encoding="utf-8")
    for command in (validate.main([str(trial)]),
                    report.main(["--data", str(trial), "--out", str(tmp_path / "r")]),
                    steer.main([str(trial), "--as-of", "2015-07-01"])):
        assert command == 2
    assert "likert_points" in capsys.readouterr().err
    (trial / "design.toml").unlink()
    assert report.main(["--data", str(trial), "--as-of", "2016-07-02"]) == 2
    assert "cut-off" in capsys.readouterr().err
    from iedereen_doet_mee.reporting import build

    def broken(*args, **kwargs):
        raise ValueError("a bug in an analysis")

    monkeypatch.setattr(build, "compute_parts", broken)
    assert report.main(["--data", str(trial), "--out", str(tmp_path / "r")]) == 3
    assert "unexpected error" in capsys.readouterr().err


def test_a_python_warning_is_one_line_without_source(tmp_path):
    script = textwrap.dedent("""\
        import sys, warnings
        from iedereen_doet_mee.cli import run_command
        from iedereen_doet_mee.errors import MissingTableWarning

        def main(argv):
            warnings.warn("table 'measurements' is absent,\\n  so no wage value",
                          MissingTableWarning, stacklevel=2)
            return 0

        sys.exit(run_command(main, [], "demo"))
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False, cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr == "demo: warning: table 'measurements' is absent, so no wage value\n"


def _big_invalid_trial(directory: Path) -> Path:
    """A participants table of 5000 rows with an unknown band: long output."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["participant_id", "band", "instruments", "enrolled_on", "exit_on",
                     "exit_reason"])
    writer.writerows([f"P{i:05d}", "30-40", "no", "2014-09-01", "", ""] for i in range(5000))
    return write_trial(directory, participants=buffer.getvalue(), employment=None,
                       measurements=None, instruments=None, activities=None,
                       employer_survey=None)


@pytest.mark.parametrize(("which", "status"), [("synthetic", 0), ("invalid", 1)])
def test_output_piped_into_head_ends_quietly(tmp_path, which, status):
    directory = SYNTHETIC if which == "synthetic" else _big_invalid_trial(tmp_path / "big")
    command = (f"{sys.executable} -m iedereen_doet_mee.validate {directory} --all | head -1; "
               "exit ${PIPESTATUS[0]}")
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False,
                         cwd=ROOT)
    assert run.returncode == status
    assert run.stdout.count("\n") == 1 and str(directory) in run.stdout
    assert run.stderr == ""


def test_report_with_formula_text_empty_and_absent_tables(tmp_path):
    """End to end: a survey item '=HYPERLINK(...)' stays text in indicators.xlsx, a
    header-only instruments table and an absent measurements table do not stop the
    report, and the MissingTableWarning is one line."""
    data = tmp_path / "data"
    shutil.copytree(SYNTHETIC, data)
    (data / "manifest.json").unlink()
    (data / "measurements.csv").unlink()
    instruments = data / "instruments.csv"
    instruments.write_text(instruments.read_text(encoding="utf-8").splitlines()[0] + "\n",
                           encoding="utf-8")
    survey = data / "employer_survey.csv"
    formula = '=HYPERLINK(""http://example.org"",""click"")'
    survey.write_text(survey.read_text(encoding="utf-8").replace(
        "would_hire_again", f'"{formula}"'), encoding="utf-8")
    out = tmp_path / "report"
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.report", "--data",
                          str(data), "--out", str(out)], capture_output=True, text=True,
                         check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    warned = [line for line in run.stderr.splitlines() if "warning" in line.lower()]
    assert warned and all(line.startswith("report: warning: ") for line in warned)
    assert "parts.py" not in run.stderr and "analyse_trial(" not in run.stderr
    book = openpyxl.load_workbook(out / "indicators.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert cells, "the survey item should appear in the workbook"
    assert {cell.data_type for cell in cells} == {"s"}
    assert {cell.value for cell in cells} == {'=HYPERLINK("http://example.org","click")'}


def test_nul_byte_inside_a_text_file_names_its_line(tmp_path, capsys):
    text = table_with("employment", "P002,2015-06-01,,24,no,E0\x003")
    trial = write_trial(tmp_path / "t", employment=text.encode("utf-8"))
    status, _, found = run_validate(trial, capsys, tmp_path)
    assert status == 1
    assert problems(found) == [(EMP, 4, None, "unreadable_file", ERR)]
    assert "NUL byte" in found.loc[0, "message"]
