"""Loading a trial: typed tables, refusal of invalid data, optional tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.data import TABLES, TrialData, load_trial, validate_trial_directory
from iedereen_doet_mee.errors import MissingTableWarning, TrialDataError

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"


@pytest.fixture
def participants_only(tmp_path):
    shutil.copy(SYNTHETIC / "participants.csv", tmp_path / "participants.csv")
    return tmp_path


def test_participants_alone_is_a_valid_trial_and_absent_tables_say_so(participants_only):
    trial = load_trial(participants_only)
    assert set(trial.tables) == {"participants"}
    assert trial.table("employment") is None
    with pytest.warns(MissingTableWarning, match="employment.*durable placement"):
        assert trial.optional_table("employment", needed_for="durable placement") is None
    with pytest.raises(KeyError, match="no table 'jobs'"):
        trial.table("jobs")


def test_loaded_types(participants_only):
    people = load_trial(participants_only).participants
    assert people["enrolled_on"].dtype == "datetime64[ns]"
    assert isinstance(people["band"].dtype, pd.CategoricalDtype)
    assert list(people["band"].cat.categories) == ["40-60", "60-80"]
    assert people["age"].dtype == "Int64"
    assert people["jobless_household"].dtype == "boolean"
    assert people["wage_value_estimate"].dtype == "float64"
    assert people["exit_on"].isna().sum() > 0  # still on benefit: censored, kept


def test_invalid_data_is_refused_with_every_problem(participants_only):
    path = participants_only / "participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("40-60", "30-40", 1).replace("60-80", "30-40", 1)
    lines[2] = lines[2].replace(",2014-", ",14-", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TrialDataError) as info:
        load_trial(participants_only)
    rules = set(info.value.report.errors["rule"])
    assert {"unknown_value", "unparseable_date"} <= rules
    assert "row 2" in str(info.value) and "row 3" in str(info.value)


def test_trial_data_needs_participants_and_known_tables():
    from iedereen_doet_mee.design import TrialDesign
    with pytest.raises(ValueError, match="participants"):
        TrialData(TrialDesign(), {})
    with pytest.raises(ValueError, match="unknown tables"):
        TrialData(TrialDesign(), {"participants": pd.DataFrame(), "jobs": pd.DataFrame()})


def test_report_summary_truncates_repeated_problems(tmp_path):
    rows = ["participant_id,band,instruments,enrolled_on,exit_on,exit_reason"]
    rows += [f"P{i},40-60,yes,2014-09-01,,other" for i in range(30)]
    (tmp_path / "participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = validate_trial_directory(tmp_path)
    assert len(report.errors) == 30
    text = report.summary(max_per_rule=5)
    assert text.count("[reason_without_exit]") == 5
    assert "and 25 more row(s)" in text
    assert report.summary(max_per_rule=None).count("[reason_without_exit]") == 30
    assert "<table" in report._repr_html_()
    assert repr(report).startswith("ValidationReport(") and "30 errors" in repr(report)


def test_optional_tables_with_a_header_only_are_valid_with_a_warning(tmp_path):
    (tmp_path / "participants.csv").write_text(
        "participant_id,band,instruments,enrolled_on,exit_on,exit_reason\n"
        "P1,40-60,yes,2014-09-01,,\n", encoding="utf-8")
    for name in ("measurements", "instruments", "activities", "allocation_log"):
        header = ",".join(c.name for c in TABLES[name].columns if c.required)
        (tmp_path / f"{name}.csv").write_text(header + "\n", encoding="utf-8")
    report = validate_trial_directory(tmp_path)
    assert report.is_valid
    assert report.warnings["rule"].tolist() == ["no_records"] * 4
    assert report.warnings["row"].tolist() == [2, 2, 2, 2]
    trial = load_trial(tmp_path)
    assert len(trial.participants) == 1 and len(trial.tables["measurements"]) == 0
    assert len(trial.activities) == 0


def test_participants_with_a_header_only_are_an_error(tmp_path):
    (tmp_path / "participants.csv").write_text(
        "participant_id,band,instruments,enrolled_on,exit_on,exit_reason\n", encoding="utf-8")
    report = validate_trial_directory(tmp_path)
    assert not report.is_valid
    assert report.errors[["file", "row", "rule"]].values.tolist() == [
        ["participants.csv", 2, "no_records"]]


def test_loaded_tables_carry_no_validation_leftovers():
    trial = load_trial(SYNTHETIC)
    for frame in trial.tables.values():
        assert frame.attrs == {}
    merged = trial.tables["employment"].merge(trial.participants, on="participant_id")
    assert len(merged) == len(trial.tables["employment"])


def test_a_minimal_export_has_no_household_id_and_no_activities(participants_only):
    trial = load_trial(participants_only)
    assert "household_id" not in trial.participants
    assert trial.activities is None and trial.table("activities") is None
    with pytest.warns(MissingTableWarning, match="activities"):
        trial.optional_table("activities", needed_for="the activity outcomes")


def test_minimal_export_with_household_id_and_activities_loads_typed(tmp_path):
    (tmp_path / "participants.csv").write_text(
        "participant_id,band,instruments,enrolled_on,exit_on,exit_reason,household_id\n"
        "P1,40-60,yes,2014-09-01,,,G-17\n"
        "P2,40-60,yes,2014-09-03,2015-01-05,moved,G-17\n"
        "P3,60-80,no,2014-10-01,,,\n", encoding="utf-8")
    (tmp_path / "activities.csv").write_text(
        "participant_id,kind,started_on,ended_on\n"
        "P1,education,2014-10-01,\n"
        "P3,debt_counselling,2014-10-02,2015-04-30\n", encoding="utf-8")
    trial = load_trial(tmp_path)
    assert trial.report.problems.empty
    assert trial.participants["household_id"].tolist() == ["G-17", "G-17", None]
    activities = trial.activities
    assert list(activities.columns) == ["participant_id", "kind", "started_on", "ended_on"]
    assert isinstance(activities["kind"].dtype, pd.CategoricalDtype)
    assert list(activities["kind"].cat.categories) == list(trial.design.activity_kinds)
    assert activities["started_on"].dtype == "datetime64[ns]"
    assert activities["ended_on"].isna().tolist() == [True, False]


@pytest.mark.parametrize("table_format", ["csv", "xlsx", "parquet"])
def test_households_and_activities_round_trip(tmp_path, table_format):
    from iedereen_doet_mee.data import write_trial_directory
    from iedereen_doet_mee.simulation import simulate_trial, with_households_and_activities

    trial = with_households_and_activities(simulate_trial(seed=11), seed=5)
    write_trial_directory(trial, tmp_path / "trial", table_format=table_format)
    assert (tmp_path / "trial" / f"activities.{table_format}").is_file()
    loaded = load_trial(tmp_path / "trial")
    rules = set(loaded.report.problems["rule"])
    assert not rules & {"household_across_cells", "before_enrolment", "end_before_start"}
    assert set(loaded.tables) == set(trial.tables)
    for name, frame in trial.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name].reset_index(drop=True),
                                      frame.reset_index(drop=True))
