"""Outcomes as of a date, checked on a hand-made trial whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.analysis.results import AnalysisResult, tidy_row, tidy_table
from iedereen_doet_mee.data import TrialData
from iedereen_doet_mee.data.dtypes import as_declared_types
from iedereen_doet_mee.design import TrialDesign

DESIGN = TrialDesign()


def _trial(with_tables: bool = True) -> TrialData:
    people = pd.DataFrame({
        "participant_id": ["A", "B", "C", "D", "E"],
        "band": ["40-60", "40-60", "60-80", "60-80", "60-80"],
        "instruments": ["yes", "no", "yes", "no", "yes"],
        "enrolled_on": ["2014-08-01", "2014-09-01", "2015-01-01", "2015-03-01", "2016-01-01"],
        "exit_on": ["2015-02-01", "2015-09-01", None, "2015-06-01", None],
        "exit_reason": ["regular_work", "moved", None, "regular_work", None],
        "follow_up_end_on": [None, None, "2015-10-01", None, None],
        "ladder_rung_intake": [2, 3, 3, 4, 2],
    })
    tables = {"participants": as_declared_types(people, "participants", DESIGN)}
    if with_tables:
        tables["employment"] = as_declared_types(pd.DataFrame({
            "participant_id": ["A", "D"], "started_on": ["2015-02-01", "2015-06-01"],
            "ended_on": [None, "2015-09-15"], "hours_per_week": [32.0, 20.0],
            "subsidised": [False, False]}), "employment", DESIGN)
        tables["measurements"] = as_declared_types(pd.DataFrame({
            "participant_id": ["A", "A", "A", "C", "C"],
            "measured_on": ["2014-08-01", "2015-01-15", "2015-08-01", "2015-01-01", "2015-07-01"],
            "measure": ["ladder_rung", "ladder_rung", "wage_value", "wage_value", "wage_value"],
            "value": [2.0, 3.0, 55.0, 61.0, 66.0]}), "measurements", DESIGN)
        tables["instruments"] = as_declared_types(pd.DataFrame({
            "participant_id": ["A", "A", "C"], "kind": ["job_coach", "training", "training"],
            "started_on": ["2014-09-01", "2015-05-15", "2015-02-01"],
            "ended_on": [None, None, None], "cost_eur": [1000.0, 500.0, 700.0]}),
            "instruments", DESIGN)
    return TrialData(DESIGN, tables)


def test_outcomes_at_the_cutoff_are_the_hand_computed_ones():
    f = derive_outcomes(_trial()).frame.set_index("participant_id")
    assert f.loc["A", "event"] == "regular_work" and f.loc["A", "time_days"] == 184
    assert f.loc["B", "event"] == "moved" and not f.loc["B", "regular_work"]
    assert f.loc["C", "event"] == "censored" and f.loc["C", "lost_to_follow_up"]
    assert f.loc["C", "time_days"] == (pd.Timestamp("2015-10-01") - pd.Timestamp("2015-01-01")).days
    assert f.loc["E", "event"] == "censored" and not f.loc["E", "lost_to_follow_up"]
    assert f.loc["E", "time_days"] == (pd.Timestamp("2016-07-01") - pd.Timestamp("2016-01-01")).days
    # A's job runs on: durable; D's job ended after 3.5 months: not durable
    assert bool(f.loc["A", "durable_placement"]) is True
    assert bool(f.loc["D", "durable_placement"]) is False
    assert pd.isna(f.loc["B", "durable_placement"])
    assert f.loc["A", "ladder_last"] == 3 and bool(f.loc["A", "ladder_up"]) is True
    assert pd.isna(f.loc["C", "ladder_up"])  # no rung measured after intake
    assert f.loc["C", "wage_change"] == 5 and f.loc["C", "wage_months"] == pytest.approx(
        181 / 30.436875)
    assert f.loc["A", "instrument_cost"] == 1500 and f.loc["B", "instrument_cost"] == 0


def test_as_of_sees_only_what_was_known_then():
    outcomes = derive_outcomes(_trial(), as_of="2015-05-01")
    f = outcomes.frame.set_index("participant_id")
    assert "E" not in f.index and outcomes.not_yet_enrolled == 1
    assert f.loc["A", "event"] == "regular_work"
    assert f.loc["D", "event"] == "censored"  # exit on 2015-06-01 not known yet
    assert pd.isna(f.loc["A", "durable_placement"])  # 6 months not reached by then
    assert f.loc["A", "instrument_cost"] == 1000  # the training started later
    assert pd.isna(f.loc["A", "wage_first"])  # measured after as_of
    counts = outcomes.accounting().set_index("status")["n"]
    assert counts["total in the data"] == 5
    assert counts.drop("total in the data").sum() == 5
    with pytest.raises(ValueError, match="after the data cut-off"):
        derive_outcomes(_trial(), as_of="2017-01-01")


def test_absent_tables_leave_their_outcomes_missing_and_say_so():
    outcomes = derive_outcomes(_trial(with_tables=False))
    assert outcomes.missing_tables == ("employment", "measurements", "instruments")
    f = outcomes.frame
    assert f["durable_placement"].isna().all() and f["wage_change"].isna().all()
    assert f["instrument_cost"].isna().all()
    assert f["ladder_intake"].notna().all()


def test_result_object_contract():
    table = tidy_table([tidy_row("overall", 0.2, estimator="proportion_wilson", n=10)])
    result = AnalysisResult("target", "Outflow", table, n=10, notes=("a caveat",))
    assert result.to_frame().columns[0] == "question"
    assert "a caveat" in result.summary() and "<table" in result._repr_html_()
    assert result.estimate("overall", "proportion_wilson")["estimate"] == 0.2
    with pytest.raises(KeyError):
        result.estimate("overall", "other")
    with pytest.raises(ValueError, match="columns"):
        AnalysisResult("x", "y", pd.DataFrame({"a": [1]}), n=1)


def test_one_rung_measured_after_an_intake_recorded_in_participants_counts():
    trial = _trial()
    meas = trial.tables["measurements"]
    # keep only A's later rung (2015-01-15); the intake rung 2 is in participants
    later_only = meas[~((meas["participant_id"] == "A")
                        & (meas["measured_on"] == pd.Timestamp("2014-08-01")))]
    tables = {**trial.tables, "measurements": later_only.reset_index(drop=True)}
    f = derive_outcomes(TrialData(DESIGN, tables)).frame.set_index("participant_id")
    assert f.loc["A", "ladder_intake"] == 2 and f.loc["A", "ladder_last"] == 3
    assert bool(f.loc["A", "ladder_up"]) is True
