"""Households as the unit of every question that reads the outcome frame (issue 12, item 3).

References: hand-worked households for each rule of
:func:`~iedereen_doet_mee.analysis.household_frame.frame_by_household`; households of
one reproduce the persons' frame row for row; the household's regular-work outflow
equals the one :func:`~iedereen_doet_mee.analysis.outcome_events.by_unit` finds for a
declared exit outcome (a separate implementation of the same rule); totals of costs
and savings do not depend on the unit.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iedereen_doet_mee.analysis import analyse_trial, derive_outcomes
from iedereen_doet_mee.analysis.benefit_months import benefit_months_saved
from iedereen_doet_mee.analysis.costs import costs_and_savings
from iedereen_doet_mee.analysis.household_frame import HOUSEHOLD_COLUMNS, frame_by_household
from iedereen_doet_mee.analysis.outcome_events import by_unit, outcome_events
from iedereen_doet_mee.analysis.outcomes import OUTCOME_COLUMNS
from iedereen_doet_mee.analysis.survival import time_to_regular_work
from iedereen_doet_mee.data.loading import TrialData
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import simulate_trial

CUT = pd.Timestamp("2016-01-01")


def _people(rows: list[dict]) -> pd.DataFrame:
    """A person frame with defaults for every column not given."""
    base = {"band": "all", "instruments": "no", "enrolled_on": pd.Timestamp("2015-01-01"),
            "known_until": CUT, "lost_to_follow_up": False, "exit_on": pd.NaT,
            "exit_reason": None, "event": "censored", "returned_on": pd.NaT,
            "placement_on": pd.NaT, "placement_subsidised": pd.NA,
            "durable_placement": pd.NA, "ladder_intake": np.nan, "ladder_last": np.nan,
            "ladder_up": pd.NA, "wage_first": np.nan, "wage_last": np.nan,
            "wage_change": np.nan, "wage_months": np.nan, "instrument_cost": 0.0}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["exit_on"] = pd.to_datetime(frame["exit_on"])
    frame["event"] = frame["exit_reason"].fillna("censored")
    end = frame["exit_on"].where(frame["exit_on"].notna(), frame["known_until"])
    frame["time_days"] = (end - frame["enrolled_on"]).dt.days.astype(np.int64)
    frame["regular_work"] = frame["event"] == "regular_work"
    for column in ("placement_on", "returned_on"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("placement_subsidised", "durable_placement", "ladder_up"):
        frame[column] = pd.array(frame[column], dtype="boolean")
    return frame[list(OUTCOME_COLUMNS)]


def _one(frame: pd.DataFrame, households: dict[str, str]) -> pd.Series:
    out = frame_by_household(frame, pd.Series(households))
    assert len(out) == 1
    return out.iloc[0]


def test_regular_work_of_any_member_on_the_earliest_date():
    home = _one(_people([
        {"participant_id": "a", "exit_on": "2015-09-01", "exit_reason": "moved"},
        {"participant_id": "b", "exit_on": "2015-05-01", "exit_reason": "regular_work",
         "enrolled_on": pd.Timestamp("2015-02-01")},
        {"participant_id": "c", "exit_on": "2015-07-01", "exit_reason": "regular_work"}]),
        {"a": "H", "b": "H", "c": "H"})
    assert home["event"] == "regular_work" and home["regular_work"]
    assert home["exit_on"] == pd.Timestamp("2015-05-01")
    # from the household's first enrolment (1 January), not the member's (1 February)
    assert home["time_days"] == (pd.Timestamp("2015-05-01") - pd.Timestamp("2015-01-01")).days
    assert home["members"] == 3 and home["representative"] == "a"


def test_household_leaves_benefit_when_its_last_member_does():
    both = _one(_people([
        {"participant_id": "a", "exit_on": "2015-03-01", "exit_reason": "moved"},
        {"participant_id": "b", "exit_on": "2015-08-01", "exit_reason": "education"}]),
        {"a": "H", "b": "H"})
    assert both["event"] == "education" and both["exit_on"] == pd.Timestamp("2015-08-01")
    one_left = _one(_people([
        {"participant_id": "a", "exit_on": "2015-03-01", "exit_reason": "moved"},
        {"participant_id": "b", "lost_to_follow_up": True,
         "known_until": pd.Timestamp("2015-10-01")}]), {"a": "H", "b": "H"})
    # still on benefit through b, who was lost: censored at the last day known
    assert one_left["event"] == "censored" and one_left["lost_to_follow_up"]
    assert one_left["time_days"] == 365 and pd.isna(one_left["exit_on"])
    not_lost = _one(_people([
        {"participant_id": "a", "lost_to_follow_up": True,
         "known_until": pd.Timestamp("2015-10-01")},
        {"participant_id": "b"}]), {"a": "H", "b": "H"})
    assert not not_lost["lost_to_follow_up"]


def test_placements_ladder_wage_and_costs():
    home = _one(_people([
        {"participant_id": "a", "placement_on": pd.Timestamp("2015-06-01"),
         "placement_subsidised": True, "durable_placement": False, "ladder_intake": 2.0,
         "ladder_last": 2.0, "ladder_up": False, "wage_first": 50.0, "wage_last": 70.0,
         "wage_change": 20.0, "wage_months": 6.0, "instrument_cost": 100.0},
        {"participant_id": "b", "placement_on": pd.Timestamp("2015-04-01"),
         "placement_subsidised": False, "durable_placement": pd.NA, "ladder_intake": 1.0,
         "ladder_last": 3.0, "ladder_up": True, "wage_first": 40.0, "wage_last": 45.0,
         "wage_change": 5.0, "wage_months": 3.0, "instrument_cost": 250.0}]),
        {"a": "H", "b": "H"})
    assert home["placement_on"] == pd.Timestamp("2015-04-01")
    assert home["placement_subsidised"] is np.False_ or home["placement_subsidised"] is False
    assert pd.isna(home["durable_placement"])  # b's placement may still last
    assert (home["ladder_intake"], home["ladder_last"], bool(home["ladder_up"])) == (
        1.0, 3.0, True)
    assert (home["wage_first"], home["wage_change"]) == (50.0, 20.0)
    assert home["instrument_cost"] == 350.0
    durable = _one(_people([
        {"participant_id": "a", "durable_placement": False},
        {"participant_id": "b", "durable_placement": True}]), {"a": "H", "b": "H"})
    assert bool(durable["durable_placement"])


def test_months_off_benefit_are_summed_over_members():
    people = _people([
        {"participant_id": "a", "exit_on": "2015-03-01", "exit_reason": "moved"},
        {"participant_id": "b", "exit_on": "2015-07-01", "exit_reason": "regular_work",
         "returned_on": pd.Timestamp("2015-10-01")}])
    home = _one(people, {"a": "H", "b": "H"})
    for exits in ("any", "work"):
        expected = benefit_months_saved(people, exits=exits).sum()
        assert home[f"benefit_months_saved_{exits}"] == pytest.approx(expected, abs=1e-12)
        assert benefit_months_saved(home.to_frame().T, exits=exits)[0] == pytest.approx(
            expected, abs=1e-12)


@st.composite
def _person_frames(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        enrolled = pd.Timestamp("2015-01-01") + pd.Timedelta(days=draw(st.integers(0, 200)))
        exit_day = draw(st.one_of(st.none(), st.integers(1, 300)))
        reason = draw(st.sampled_from(["regular_work", "moved", "education"]))
        rows.append({
            "participant_id": f"p{i}", "enrolled_on": enrolled,
            "band": draw(st.sampled_from(["x", "y"])),
            "exit_on": None if exit_day is None else enrolled + pd.Timedelta(days=exit_day),
            "exit_reason": None if exit_day is None else reason,
            "lost_to_follow_up": exit_day is None and draw(st.booleans()),
            "ladder_intake": float(draw(st.integers(1, 3))),
            "ladder_last": float(draw(st.integers(1, 6))),
            "instrument_cost": float(draw(st.integers(0, 500)))})
    frame = _people(rows)
    frame["ladder_up"] = pd.array(frame["ladder_last"] > frame["ladder_intake"],
                                  dtype="boolean")
    homes = draw(st.lists(st.sampled_from(["H1", "H2", "H3", None]), min_size=n,
                          max_size=n))
    return frame, pd.Series(homes, index=frame["participant_id"])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_person_frames())
def test_invariants_on_any_households(drawn):
    people, households = drawn
    homes = frame_by_household(people, households)
    assert list(homes.columns) == [*OUTCOME_COLUMNS, *HOUSEHOLD_COLUMNS]
    assert homes["participant_id"].is_unique and homes["members"].sum() == len(people)
    unit = households.reindex(people["participant_id"]).to_numpy(dtype=object)
    unit = np.where(pd.isna(unit), "person:" + people["participant_id"], unit)
    by_home = people.assign(unit=unit).groupby("unit")
    expected = by_home["regular_work"].any()
    got = homes.set_index("participant_id")["regular_work"]
    assert got.reindex(expected.index).tolist() == expected.tolist()
    assert homes["ladder_up"].fillna(False).sum() == by_home["ladder_up"].apply(
        lambda s: bool(s.fillna(False).any())).sum()
    assert homes["instrument_cost"].sum() == pytest.approx(people["instrument_cost"].sum())
    assert homes["benefit_months_saved_any"].sum() == pytest.approx(
        benefit_months_saved(people).sum())
    assert (homes["time_days"] >= 0).all()
    censored = homes["event"] == "censored"
    assert (homes.loc[censored, "exit_on"].isna()).all()
    assert (homes.loc[~censored, "exit_on"].notna()).all()


def test_households_of_one_reproduce_the_persons():
    people = derive_outcomes(simulate_trial(seed=3)).frame
    homes = frame_by_household(people, pd.Series(dtype=object))
    homes = homes.assign(participant_id=homes["participant_id"].str.removeprefix("person:"))
    homes = homes.set_index("participant_id").loc[people["participant_id"]].reset_index()
    pd.testing.assert_frame_equal(homes[list(OUTCOME_COLUMNS)], people, check_dtype=False)


def _household_trial(seed: int = 5) -> TrialData:
    """A simulated 2x2 trial whose persons are grouped into households of 1-3 by a
    seeded draw (within a cell, so that a household has one band and arm)."""
    trial = simulate_trial(TrialDesign(n_per_cell=60), seed=seed)
    people = trial.participants.copy()
    rng = np.random.default_rng(seed)
    ids = []
    for _, cell in people.groupby(["band", "instruments"], sort=True):
        size = rng.integers(1, 4, len(cell))
        labels = np.repeat(np.arange(len(cell)), size)[:len(cell)]
        ids.extend(f"{cell['band'].iloc[0]}-{cell['instruments'].iloc[0]}-{k}"
                   for k in labels)
    order = people.sort_values(["band", "instruments"], kind="stable").index
    people.loc[order, "household_id"] = ids
    design = trial.design.replace(
        unit="household",
        outcomes={"to_work": {"kind": "exit", "reasons": ["regular_work"]}},
        primary_outcome="to_work")
    return TrialData(design, {**trial.tables, "participants": people})


def test_household_outflow_matches_by_unit_and_costs_do_not_depend_on_the_unit():
    trial = _household_trial()
    people = trial.participants
    households = people.set_index("participant_id")["household_id"]
    outcomes = derive_outcomes(trial)
    homes = frame_by_household(outcomes.frame, households)
    events = by_unit(outcome_events(trial, outcomes=outcomes), households)
    events = events[events["outcome"] == "to_work"].set_index("unit_id")
    mine = homes.set_index("participant_id")
    assert len(mine) == households.nunique() < len(people)
    assert mine["regular_work"].tolist() == events.loc[mine.index, "reached"].tolist()
    reached = mine["regular_work"].to_numpy()
    assert (mine.loc[reached, "time_days"].to_numpy()
            == events.loc[mine.index[reached], "time_days"].to_numpy()).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = analyse_trial(trial, n_draws=100, n_bootstrap=50)
    for key in ("target", "survival", "effects", "ladder", "costs", "missing"):
        result = analysis.results[key]
        # the ladder question counts the households with a member measured twice
        expected = int(mine["ladder_up"].notna().sum()) if key == "ladder" else len(mine)
        assert result.n == expected, key
        assert any(note.startswith("Unit: households") for note in result.notes), key
    for key in ("instruments", "wage_value"):
        assert not any(n.startswith("Unit: households") for n in analysis.results[key].notes)
    by_person = costs_and_savings(outcomes.frame, design=trial.design, n_bootstrap=20)
    by_home = costs_and_savings(homes, design=trial.design, n_bootstrap=20)
    for estimator in ("total_benefit_savings_eur", "total_instrument_cost_eur"):
        assert float(by_home.estimate("overall", estimator)["estimate"]) == pytest.approx(
            float(by_person.estimate("overall", estimator)["estimate"]), rel=1e-12)
    # the survival question given the trial counts the households
    direct = time_to_regular_work(trial)
    assert direct.n == len(mine)
    assert direct.table["n"].max() == len(mine)


def test_person_designs_read_the_persons_frame():
    trial = simulate_trial(seed=1)
    assert time_to_regular_work(trial).n == len(derive_outcomes(trial).frame)
    assert not any(n.startswith("Unit:") for n in time_to_regular_work(trial).notes)


def test_a_household_design_without_household_ids_counts_persons():
    trial = simulate_trial(seed=1)
    trial = dataclasses.replace(trial, design=trial.design.replace(unit="household"))
    assert time_to_regular_work(trial).n == 100
