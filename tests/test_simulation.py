"""Simulator: determinism, validity of what it writes, and recovery of its assumptions.

Rates are checked on large simulated trials against the parameters within four Monte
Carlo standard errors (binomial SE sqrt(p(1-p)/n) for shares).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.data import load_trial, validate_trial_directory
from iedereen_doet_mee.data.writing import write_trial_directory
from iedereen_doet_mee.dates import DAYS_PER_MONTH
from iedereen_doet_mee.design import EXIT_REASONS, TrialDesign
from iedereen_doet_mee.simulation import (
    SimulationParameters,
    add_activities,
    add_household_ids,
    simulate_trial,
    with_households_and_activities,
    with_optional_data,
)
from iedereen_doet_mee.simulation.directory import simulate_to_directory

PARAMS = SimulationParameters()


def within_mc_error(observed: float, expected: float, n: int, *, k: float = 4.0) -> bool:
    se = np.sqrt(max(expected * (1 - expected), 1e-12) / n)
    return abs(observed - expected) <= k * se


@pytest.fixture(scope="module")
def full_follow_up():
    """20,000 per cell, randomised, all enrolled in one month, followed 5 years, nobody lost."""
    design = TrialDesign(n_per_cell=20_000, enrolment_months=1, allocation="randomised",
                         enrolment_start="2014-07-01", cutoff="2019-07-01")
    params = SimulationParameters(loss_to_follow_up_24m=0.0)
    return simulate_trial(design, parameters=params, seed=99), params


def test_same_seed_gives_identical_tables_and_other_seed_differs():
    a, b, c = simulate_trial(seed=5), simulate_trial(seed=5), simulate_trial(seed=6)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.participants.equals(c.participants)


@pytest.mark.parametrize("table_format", ["csv", "parquet", "xlsx"])
def test_same_seed_gives_byte_identical_files(tmp_path, table_format):
    design = TrialDesign(allocation="randomised")
    first = simulate_to_directory(tmp_path / "a", design=design, seed=12,
                                  table_format=table_format)
    second = simulate_to_directory(tmp_path / "b", design=design, seed=12,
                                   table_format=table_format)
    assert [p.name for p in first] == [p.name for p in second]
    for x, y in zip(first, second, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


SINGLE_ARM_PARAMS = SimulationParameters(
    regular_work_24m=0.15, subsidised_work_24m=0.05, wage_value_growth_per_month=0.4,
    ladder_up_per_month=0.05, employer_view_by_arm=0.0)


@pytest.mark.parametrize("table_format", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize(("design", "params"), [
    (TrialDesign(), None),
    (TrialDesign(allocation="randomised", n_per_cell=40), None),
    (TrialDesign(name="caseload", strata=("all",), arms=("kompas",), n_per_cell=150,
                 instrument_kinds=("job_coach", "training")), SINGLE_ARM_PARAMS),
], ids=["default", "randomised", "single-arm"])
def test_simulated_directory_passes_validation_and_loads_back_equal(tmp_path, design, params,
                                                                    table_format):
    trial = simulate_trial(design, parameters=params, seed=3)
    write_trial_directory(trial, tmp_path, table_format=table_format)
    report = validate_trial_directory(tmp_path)
    assert report.is_valid, report.summary()
    assert report.warnings.empty, report.summary()
    loaded = load_trial(tmp_path)
    assert loaded.design == design
    assert set(loaded.tables) == set(trial.tables)
    for name, frame in trial.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], frame, check_exact=False,
                                      rtol=1e-9, obj=name)


def test_three_by_three_design_with_own_parameters(tmp_path):
    design = TrialDesign(strata=("low", "mid", "high"), arms=("none", "coach", "coach_plus"),
                         n_per_cell=30, allocation="randomised", instrument_kinds=("job_coach",))
    cells = {f"{s}/{a}": 0.1 for s in design.strata for a in design.arms}
    params = SimulationParameters(
        regular_work_24m=cells, subsidised_work_24m=0.05,
        wage_value_growth_per_month={"none": 0.2, "coach": 0.4, "coach_plus": 0.5},
        ladder_up_per_month=0.05, employer_view_by_arm=0.0)
    trial = simulate_trial(design, parameters=params, seed=1)
    assert trial.participants.groupby(["band", "instruments"], observed=True).size().sum() == 270
    write_trial_directory(trial, tmp_path)
    assert validate_trial_directory(tmp_path).is_valid


def test_missing_parameter_for_a_declared_cell_is_a_clear_error():
    """Explicit parameters looked up directly (without settings_for_design) still name the
    missing cell; simulate_trial derives it (tests/test_simulation_design_settings.py)."""
    with pytest.raises(ValueError, match="regular_work_24m has no value for cell 'all/kompas'"):
        PARAMS.for_cell("regular_work_24m", "all", "kompas")


def test_parameter_validation():
    with pytest.raises(ValueError, match="moved_24m"):
        SimulationParameters(moved_24m=-0.1)
    with pytest.raises(ValueError, match="add up to 1"):
        SimulationParameters(education_shares={"isced_0": 0.5, "isced_1_2": 0.4})
    with pytest.raises(ValueError, match="add up to more than 1"):
        simulate_trial(parameters=SimulationParameters(regular_work_24m=0.95))


def test_nothing_after_the_cutoff_and_enrolment_is_staggered():
    trial = simulate_trial(TrialDesign(n_per_cell=500), seed=8)
    cutoff = pd.Timestamp(trial.design.cutoff)
    for name, frame in trial.tables.items():
        for column in frame.select_dtypes("datetime").columns:
            assert (frame[column].dropna() <= cutoff).all(), (name, column)
    enrolled = trial.participants["enrolled_on"]
    assert enrolled.min() >= pd.Timestamp("2014-07-01")
    assert enrolled.max() < pd.Timestamp("2016-07-01")
    first_year = (enrolled < pd.Timestamp("2015-07-01")).mean()
    assert within_mc_error(first_year, 365 / 731, len(enrolled))
    # participants enrolled late are still on benefit at the cut-off: censored, not dropped
    assert trial.participants["exit_on"].isna().sum() > 0


def test_cell_exit_shares_by_24_months_recover_the_parameters(full_follow_up):
    trial, params = full_follow_up
    people = trial.participants
    days = (people["exit_on"] - people["enrolled_on"]).dt.days
    by_24 = days <= np.ceil(24 * DAYS_PER_MONTH)
    for cell in trial.design.cells:
        mine = (people["band"] == cell.stratum) & (people["instruments"] == cell.arm)
        n = int(mine.sum())
        assert n == 20_000
        for reason in EXIT_REASONS:
            observed = float((mine & by_24 & (people["exit_reason"] == reason)).sum() / n)
            expected = params.exit_shares(trial.design)[(cell.stratum, cell.arm)][reason]
            assert within_mc_error(observed, expected, n), (cell, reason, observed, expected)


def test_late_exit_rate_after_24_months(full_follow_up):
    trial, params = full_follow_up
    people = trial.participants
    days = (people["exit_on"] - people["enrolled_on"]).dt.days
    at_risk = ~(days <= np.ceil(24 * DAYS_PER_MONTH))
    within_year = at_risk & (days <= np.ceil(36 * DAYS_PER_MONTH))
    observed = float(within_year.sum() / at_risk.sum())
    assert within_mc_error(observed, params.exit_rate_after_24m_per_year, int(at_risk.sum()))


def test_job_retention_recovers_cbs_figures_without_retention_instruments(full_follow_up):
    trial, params = full_follow_up
    jobs = trial.tables["employment"].merge(
        trial.participants[["participant_id", "instruments"]], on="participant_id")
    jobs = jobs[jobs["instruments"] == "no"]  # no instruments, hazard ratio 1
    length = (jobs["ended_on"] - jobs["started_on"]).dt.days
    for months, expected in ((6, params.job_retention_6m), (18, params.job_retention_18m)):
        followed = jobs["started_on"] + pd.Timedelta(days=months * DAYS_PER_MONTH) <= pd.Timestamp(
            trial.design.cutoff)
        held = (length > months * DAYS_PER_MONTH) | jobs["ended_on"].isna()
        observed = float(held[followed].mean())
        assert within_mc_error(observed, expected, int(followed.sum())), (months, observed)


def test_instrument_uptake_and_costs(full_follow_up):
    trial, params = full_follow_up
    people = trial.participants
    stayed = (people["left_project_on"] - people["enrolled_on"]).dt.days > 6 * DAYS_PER_MONTH
    eligible = people[(people["instruments"] == "yes") & stayed]["participant_id"]
    received = trial.tables["instruments"]
    assert set(received["participant_id"]).issubset(
        set(people.loc[people["instruments"] == "yes", "participant_id"]))
    left = people.set_index("participant_id")["left_project_on"]
    for kind, uptake in params.instrument_uptake.items():
        mine = received[received["kind"] == kind]
        share = float(eligible.isin(mine["participant_id"]).mean())
        assert within_mc_error(share, uptake, len(eligible)), kind
        # an instrument cut short by leaving the project costs its delivered share; the
        # ones completed before leaving cost the full draw (duration and cost independent)
        cost = mine.loc[mine["ended_on"] < mine["participant_id"].map(left), "cost_eur"]
        mean = params.instrument_cost_eur[kind]
        assert abs(cost.mean() - mean) <= 4 * 0.3 * mean / np.sqrt(len(cost)) + 0.01, kind


def test_baseline_shares_and_intake_rungs(full_follow_up):
    trial, params = full_follow_up
    people = trial.participants
    n = len(people)
    assert within_mc_error(float((people["sex"] == "female").mean()), params.share_female, n)
    for level, share in params.education_shares.items():
        assert within_mc_error(float((people["education"] == level).mean()), share, n), level
    lowest = people[people["band"] == "40-60"]
    for rung, share in enumerate(params.intake_rung_shares, start=1):
        observed = float((lowest["ladder_rung_intake"] == rung).mean())
        assert within_mc_error(observed, share, len(lowest)), rung
    assert people["age"].between(27, 64).all()
    assert (people["months_on_benefit"] >= 6).all()
    band = people["band"].astype(str)
    assert people.loc[band == "40-60", "wage_value_estimate"].between(40, 59).all()
    assert people.loc[band == "60-80", "wage_value_estimate"].between(60, 80).all()


def test_wage_value_growth_per_arm(full_follow_up):
    trial, params = full_follow_up
    wage = trial.tables["measurements"]
    wage = wage[wage["measure"] == "wage_value"].merge(
        trial.participants[["participant_id", "instruments", "band", "enrolled_on"]],
        on="participant_id")
    wage = wage[wage["band"] == "40-60"]  # far from the ceiling of 100
    wage["t"] = (wage["measured_on"] - wage["enrolled_on"]).dt.days / DAYS_PER_MONTH
    for arm, growth in params.wage_value_growth_per_month.items():
        mine = wage[wage["instruments"] == arm]
        slopes = []
        for _, rows in mine.groupby("participant_id"):
            if rows["t"].nunique() >= 2:
                slopes.append(np.polyfit(rows["t"], rows["value"], 1)[0])
        slopes = np.asarray(slopes)
        se = slopes.std(ddof=1) / np.sqrt(slopes.size)
        assert abs(slopes.mean() - growth) <= 4 * se, (arm, slopes.mean(), se)


def _regular_work_by_24_months(people: pd.DataFrame, arm: str) -> float:
    days = (people["exit_on"] - people["enrolled_on"]).dt.days
    mine = people["instruments"] == arm
    hit = (days <= np.ceil(24 * DAYS_PER_MONTH)) & (people["exit_reason"] == "regular_work")
    return float((mine & hit).sum() / mine.sum())


def test_assigned_allocation_biases_cell_shares_only_through_selection():
    """Cell shares are potential-outcome shares of the whole band: observed cell shares
    equal them without selection, and move in the direction of the selection with it."""
    design = TrialDesign(strata=("40-60",), n_per_cell=20_000, enrolment_months=1,
                         cutoff="2019-07-01")
    params = {"regular_work_24m": {"40-60/no": 0.12, "40-60/yes": 0.18},
              "subsidised_work_24m": 0.05, "loss_to_follow_up_24m": 0.0}
    fair = simulate_trial(design, parameters=SimulationParameters(
        assignment_selection=0.0, **params), seed=6).participants
    picky = simulate_trial(design, parameters=SimulationParameters(
        assignment_selection=0.5, **params), seed=6).participants
    for arm, share in (("no", 0.12), ("yes", 0.18)):
        assert within_mc_error(_regular_work_by_24_months(fair, arm), share, 20_000)
    assert _regular_work_by_24_months(picky, "yes") > 0.18 + 4 * np.sqrt(0.18 * 0.82 / 20_000)
    assert _regular_work_by_24_months(picky, "no") < 0.12 - 4 * np.sqrt(0.12 * 0.88 / 20_000)


def test_assigned_allocation_keeps_planned_counts_and_is_selective():
    design = TrialDesign(n_per_cell=2000)
    trial = simulate_trial(design, seed=4)
    people = trial.participants
    counts = people.groupby(["band", "instruments"], observed=True).size()
    assert (counts == 2000).all()
    assert "allocation_log" not in trial.tables  # nothing was randomised
    # with selection on prognosis, instrument clients have a higher intake rung on average
    rung = people.groupby("instruments", observed=True)["ladder_rung_intake"].mean()
    assert rung["yes"] > rung["no"]
    randomised = simulate_trial(design.replace(allocation="randomised"), seed=4)
    log = randomised.tables["allocation_log"]
    assert len(log) == 8000 and set(log["probability"].unique()) <= {0.5, 1.0, 2 / 3, 1 / 3}


def test_loss_to_follow_up_censors_later_events():
    design = TrialDesign(n_per_cell=5000, enrolment_months=1, cutoff="2018-07-01")
    params = SimulationParameters(loss_to_follow_up_24m=0.3)
    trial = simulate_trial(design, parameters=params, seed=2)
    people = trial.participants
    lost = people["follow_up_end_on"].notna()
    days = (people["follow_up_end_on"] - people["enrolled_on"]).dt.days
    share = float((lost & (days <= np.ceil(24 * DAYS_PER_MONTH))).mean())
    assert within_mc_error(share, 0.3, len(people))
    assert not (people["exit_on"] > people["follow_up_end_on"]).any()
    meas = trial.tables["measurements"].merge(people[["participant_id", "follow_up_end_on"]])
    assert not (meas["measured_on"] > meas["follow_up_end_on"]).any()


def test_default_trial_at_the_cutoff_is_plausible():
    """The default assumptions give well under 40% regular-work outflow (CONTEXT.md 6)."""
    people = simulate_trial(TrialDesign(n_per_cell=5000), seed=1).participants
    share = float((people["exit_reason"] == "regular_work").mean())
    assert 0.05 < share < 0.25
    assert dt.date(2016, 7, 1) == TrialDesign().cutoff


# -- consistency of what is written (defects found in review, kept fixed) -----------------

@pytest.fixture(scope="module")
def consistency_trial():
    design = TrialDesign(n_per_cell=5000, allocation="randomised")
    return simulate_trial(design, parameters=SimulationParameters(loss_to_follow_up_24m=0.2),
                          seed=21)


def test_a_cutoff_inside_the_enrolment_window_leaves_out_people_not_yet_enrolled(tmp_path):
    design = TrialDesign(cutoff="2015-07-01", allocation="randomised")
    trial = simulate_trial(design, seed=2)
    assert 0 < len(trial.participants) < 100
    assert (trial.participants["enrolled_on"] <= pd.Timestamp("2015-07-01")).all()
    assert set(trial.tables["allocation_log"]["participant_id"]) == set(
        trial.participants["participant_id"])
    write_trial_directory(trial, tmp_path)
    assert validate_trial_directory(tmp_path).is_valid


def test_each_step_keeps_its_own_random_stream():
    base = simulate_trial(seed=9).participants
    other = simulate_trial(parameters=SimulationParameters(employer_response=0.3),
                           seed=9).participants
    pd.testing.assert_frame_equal(base, other)  # qualification_on included


def test_instruments_stop_when_the_project_ends_other_than_for_work(consistency_trial):
    people = consistency_trial.participants.set_index("participant_id")
    rows = consistency_trial.tables["instruments"].join(people, on="participant_id")
    work = rows["exit_reason"].isin(["regular_work", "subsidised_work"]) & (
        rows["exit_on"] == rows["left_project_on"])
    late = rows["ended_on"] > rows["left_project_on"]
    assert not (late & ~work).any()
    planned = SimulationParameters().instrument_cost_eur
    assert (rows["cost_eur"] <= rows["kind"].astype(str).map(planned) * 5).all()
    left_for_work = people["exit_reason"].isin(["regular_work", "subsidised_work"]) & (
        people["exit_on"] == people["left_project_on"])
    assert not ((people["qualification_on"] > people["left_project_on"]) & ~left_for_work).any()


def test_leaving_the_project_is_not_invented_from_loss_to_follow_up(consistency_trial):
    people = consistency_trial.participants
    assert not (people["left_project_on"] > people["follow_up_end_on"]).any()
    lost_first = people["follow_up_end_on"].notna() & people["exit_on"].isna()
    same_day = lost_first & (people["left_project_on"] == people["follow_up_end_on"])
    assert same_day.mean() < 0.01


def test_scheduled_measurements_are_taken_within_the_trajectory(consistency_trial):
    people = consistency_trial.participants
    meas = consistency_trial.tables["measurements"]
    wage = meas[meas["measure"] == "wage_value"].merge(people, on="participant_id")
    intake = wage[wage["measured_on"] == wage["enrolled_on"]]
    assert intake["participant_id"].nunique() == len(people)  # everyone measured at intake
    completed = people[(people["left_project_on"] - people["enrolled_on"]).dt.days
                       >= np.ceil(12 * DAYS_PER_MONTH)]
    at_12 = wage[(wage["measured_on"] - wage["enrolled_on"]).dt.days.between(352, 366)]
    share = completed["participant_id"].isin(at_12["participant_id"]).mean()
    assert within_mc_error(share, 1 - SimulationParameters().measurement_missing, len(completed))


def test_survey_answers_fall_within_the_job(consistency_trial):
    survey = consistency_trial.tables["employer_survey"]
    jobs = consistency_trial.tables["employment"]
    both = survey.merge(jobs, on=["participant_id", "employer_id"])
    assert len(both) == len(survey)
    assert ((both["answered_on"] >= both["started_on"])
            & ~(both["answered_on"] > both["ended_on"])).all()


def test_rungs_five_and_six_match_the_job_held(consistency_trial):
    meas = consistency_trial.tables["measurements"]
    rung = meas[meas["measure"] == "ladder_rung"].merge(
        consistency_trial.tables["employment"], on="participant_id", how="left")
    in_job = (rung["measured_on"] >= rung["started_on"]) & ~(
        rung["measured_on"] > rung["ended_on"])
    supported = rung["subsidised"].fillna(False).astype(bool)
    five = rung["value"] == 5
    assert (supported[five] & in_job[five]).all()
    assert (rung.loc[in_job & supported, "value"] == 5).all()
    assert (rung["value"] == 5).sum() > 100  # subsidised workers are followed in the job


# -- opt-in optional data: household ids and activities -----------------------------------------


def test_default_simulation_has_no_household_ids_and_no_activities():
    trial = simulate_trial(seed=5)
    assert "household_id" not in trial.participants
    assert trial.activities is None


def test_households_and_activities_are_seeded_and_leave_the_rest_alone():
    base = simulate_trial(seed=5)
    a, b = (with_households_and_activities(base, seed=2) for _ in range(2))
    c = with_households_and_activities(base, seed=3)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.participants["household_id"].equals(c.participants["household_id"])
    assert not a.activities.equals(c.activities)
    pd.testing.assert_frame_equal(a.participants.drop(columns="household_id"),
                                  base.participants)
    for name in base.tables:
        if name != "participants":
            pd.testing.assert_frame_equal(a.tables[name], base.tables[name])
    assert "household_id" not in base.participants and base.activities is None


def test_household_sizes_recover_the_assumed_distribution(full_follow_up):
    from iedereen_doet_mee.simulation.optional_data import HOUSEHOLD_SIZES

    trial = add_household_ids(full_follow_up[0], np.random.default_rng(8))
    people = trial.participants
    ids = people["household_id"]
    assert ids.notna().all() and ids.str.fullmatch(r"H[0-9]{5}").all()
    assert people.groupby("household_id")[["band", "instruments"]].nunique().max().max() == 1
    sizes = ids.value_counts()
    for size, share in HOUSEHOLD_SIZES.items():
        # a cell's last household may be cut short: four cells, at most four households
        assert within_mc_error(float((sizes == size).mean()), share, len(sizes), k=4.5), size


def test_activity_uptake_and_lengths_recover_the_assumptions(full_follow_up):
    from iedereen_doet_mee.simulation.optional_data import ACTIVITY_MONTHS, ACTIVITY_UPTAKE

    trial = add_activities(full_follow_up[0], np.random.default_rng(9))
    people, activities = trial.participants, trial.activities
    n = len(people)
    assert list(activities["kind"].cat.categories) == list(trial.design.activity_kinds)
    enrolled = activities["participant_id"].map(people.set_index("participant_id")["enrolled_on"])
    delay = (activities["started_on"] - enrolled).dt.days
    assert delay.min() >= 0 and delay.max() < 6 * DAYS_PER_MONTH
    for kind, share in ACTIVITY_UPTAKE.items():
        mine = activities[activities["kind"] == kind]
        assert within_mc_error(mine["participant_id"].nunique() / n, share, n), kind
        ended = mine["ended_on"].notna()
        assert ended.mean() > 0.99  # five years of follow-up
        months = ((mine["ended_on"] - mine["started_on"]).dt.days[ended] / DAYS_PER_MONTH)
        mean = ACTIVITY_MONTHS[kind]
        assert abs(months.mean() - mean) <= 4 * mean / np.sqrt(ended.sum()) + 0.05, kind


def test_activities_are_censored_at_the_cutoff_and_at_loss_to_follow_up():

    design = TrialDesign(n_per_cell=500, activity_kinds=("education", "sports"))
    trial = add_activities(simulate_trial(design, seed=4), 1, uptake={"education": 0.5})
    activities = trial.activities
    assert set(activities["kind"].astype(str)) == {"education", "sports"}  # sports: 10%
    sports = activities[activities["kind"] == "sports"]["participant_id"].nunique()
    assert within_mc_error(sports / len(trial.participants), 0.10, len(trial.participants))
    known = trial.participants.set_index("participant_id")["follow_up_end_on"].fillna(
        pd.Timestamp(design.cutoff))
    until = activities["participant_id"].map(known)
    assert (activities["started_on"] <= until).all()
    assert (activities["ended_on"].dropna() <= until[activities["ended_on"].notna()]).all()
    assert activities["ended_on"].isna().any()
    assert (activities["ended_on"].dropna() > activities["started_on"][
        activities["ended_on"].notna()]).all()


@pytest.mark.parametrize(("function", "options", "match"), [
    (add_household_ids, {"sizes": {1: 0.5, 2: 0.4}}, "summing to 1"),
    (add_household_ids, {"sizes": {0: 1.0}}, "at least 1"),
    (add_activities, {"uptake": {"education": 1.5}}, "uptake in"),
    (add_activities, {"months": {"education": 0.0}}, "positive mean months"),
    (add_activities, {"window_months": 0}, "window_months"),
])
def test_optional_data_refuses_bad_assumptions(function, options, match):
    with pytest.raises(ValueError, match=match):
        function(simulate_trial(seed=1), 1, **options)


def test_simulate_to_directory_writes_optional_data_on_streams_of_their_own(tmp_path):
    """Issue 12 item 7: the programmes' folders get households and activities through
    the package's writer; the trial's own tables stay those of ``simulate_trial``."""
    design = TrialDesign(unit="household", activity_kinds=("education",))
    files = simulate_to_directory(tmp_path / "both", design=design, seed=8,
                                  optional_data=("activities", "households"))
    assert "activities.csv" in {p.name for p in files}
    written = load_trial(tmp_path / "both")
    plain = simulate_trial(design, seed=8)
    assert written.participants["household_id"].notna().all()
    pd.testing.assert_frame_equal(written.participants.drop(columns="household_id"),
                                  plain.participants, check_dtype=False)
    assert set(written.activities["kind"]) == {"education"}
    # not the draws of the simulator's own streams (children of SeedSequence(8)), and
    # the same activities whether households are asked for or not
    alone = with_optional_data(plain, ["activities"], seed=8)
    pd.testing.assert_frame_equal(alone.activities.reset_index(drop=True),
                                  written.activities.reset_index(drop=True), check_dtype=False)
    same_streams = with_households_and_activities(plain, seed=8)
    assert not same_streams.activities.equals(alone.activities)
    manifest = json.loads((tmp_path / "both" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["optional_data"] == ["households", "activities"]
    none = simulate_to_directory(tmp_path / "none", design=design, seed=8)
    assert "activities.csv" not in {p.name for p in none}
    assert "optional_data" not in json.loads((tmp_path / "none" / "manifest.json").read_text(
        encoding="utf-8"))


def test_simulate_to_directory_refuses_unknown_optional_data_before_writing(tmp_path):
    with pytest.raises(ValueError, match="'household' is not one of households, activities"):
        simulate_to_directory(tmp_path / "out", seed=1, optional_data=("household",))
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="'chains' is not one of"):
        with_optional_data(simulate_trial(seed=1), ["chains"], seed=1)
