"""Opt-in chain data for a simulated trial (:func:`add_chain`): people pass through the
stages in order, stop when they leave benefit or the project, nothing is written that
was not known by the cut-off, the same seed gives the same rows, and the result is a
valid trial directory. ``python -m iedereen_doet_mee.simulate --design`` with a chain
design writes such rows (:func:`with_chain`), and the report on them has its chain
section; a design without a chain is written as before."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee import simulate, write_design
from iedereen_doet_mee.analysis import chain_flow
from iedereen_doet_mee.data import load_trial, validate_trial_directory
from iedereen_doet_mee.data.writing import write_trial_directory
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.build import ReportSettings, build_report
from iedereen_doet_mee.simulation import simulate_to_directory, simulate_trial, with_chain
from iedereen_doet_mee.simulation.chain_data import add_chain, chain_assumptions

STAGES = ("intake", "talent_assessment", "work_experience", "job_matching")
SUPPORT = ("bus_card", "bicycle", "childcare", "work_clothes", "certificate_of_conduct")
DESIGN = TrialDesign(name="Maastricht", strata=("all",), arms=("chain",), n_per_cell=300,
                     target_outflow=None, instrument_kinds=(*STAGES, *SUPPORT), chain=STAGES,
                     practical_support_kinds=SUPPORT)


@pytest.fixture(scope="module")
def trial():
    return add_chain(simulate_trial(DESIGN, seed=4), np.random.default_rng(9))


def test_people_pass_through_the_stages_in_order(trial):
    rows = trial.table("instruments")
    stages = rows[rows["kind"].isin(STAGES)]
    order = stages["kind"].map({s: i for i, s in enumerate(STAGES)})
    for _, mine in stages.assign(order=order).groupby("participant_id"):
        mine = mine.sort_values("order")
        # stages 0, 1, ..., k without gaps, each starting after the previous one ended
        assert mine["order"].tolist() == list(range(len(mine)))
        assert mine["kind"].is_unique
        ends = mine["ended_on"].iloc[:-1].to_numpy()
        starts = mine["started_on"].iloc[1:].to_numpy()
        assert (~pd.isna(ends)).all() and (starts > ends).all()
    entered = stages.groupby("kind")["participant_id"].nunique().reindex(list(STAGES))
    assert entered.is_monotonic_decreasing and entered.iloc[-1] > 0
    # about ENTER_FIRST (0.85) of 300 enter the first stage
    assert 0.75 < entered.iloc[0] / 300 < 0.95


def test_nothing_starts_after_leaving_or_after_the_status_is_known(trial):
    people = trial.participants.set_index("participant_id")
    rows = trial.table("instruments").join(people, on="participant_id")
    known = rows["follow_up_end_on"].fillna(pd.Timestamp(DESIGN.cutoff)).clip(
        upper=pd.Timestamp(DESIGN.cutoff))
    assert (rows["started_on"] <= known).all()
    stop = rows[["exit_on", "left_project_on"]].min(axis=1)
    assert (rows["started_on"] <= stop.fillna(pd.Timestamp.max)).all()
    ended = rows["ended_on"].notna()
    assert (rows.loc[ended, "ended_on"] <= known[ended]).all()
    assert (rows.loc[ended, "ended_on"] <= stop[ended].fillna(pd.Timestamp.max)).all()
    assert (rows["started_on"] >= rows["enrolled_on"]).all()
    assert (rows["cost_eur"] >= 0).all()


def test_practical_support_goes_to_people_in_the_chain(trial):
    rows = trial.table("instruments")
    in_chain = set(rows.loc[rows["kind"].isin(STAGES), "participant_id"])
    support = rows[rows["kind"].isin(SUPPORT)]
    assert set(support["kind"]) == set(SUPPORT)
    assert set(support["participant_id"]) <= in_chain


def test_same_seed_same_rows_and_other_kinds_are_kept():
    base = simulate_trial(TrialDesign(chain=("job_coach", "training")), seed=2)
    first = add_chain(base, 5).table("instruments")
    pd.testing.assert_frame_equal(first, add_chain(base, 5).table("instruments"))
    assert not first.equals(add_chain(base, 6).table("instruments"))
    before = base.table("instruments")
    kept = ~before["kind"].isin(["job_coach", "training", "practical_support"])
    after = first[~first["kind"].isin(["job_coach", "training", "practical_support"])]
    pd.testing.assert_frame_equal(
        before[kept].sort_values(["participant_id", "started_on", "kind"], kind="stable")
        .reset_index(drop=True), after.reset_index(drop=True), check_dtype=False)


def test_the_result_is_a_valid_trial_directory(trial, tmp_path):
    write_trial_directory(trial, tmp_path / "data")
    assert validate_trial_directory(tmp_path / "data").is_valid
    loaded = load_trial(tmp_path / "data")
    assert loaded.design.chain == STAGES
    assert len(loaded.table("instruments")) == len(trial.table("instruments"))


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="declares no chain"):
        add_chain(simulate_trial(seed=1), 1)
    chain = simulate_trial(TrialDesign(chain=("job_coach", "training")), seed=1)
    with pytest.raises(ValueError, match="enter_first"):
        add_chain(chain, 1, enter_first=1.5)
    with pytest.raises(ValueError, match=r"move_on .*missing \['training'\]"):
        add_chain(chain, 1, move_on={"job_coach": 0.5})
    with pytest.raises(ValueError, match="stage_months"):
        add_chain(chain, 1, stage_months=0.0)
    with pytest.raises(ValueError, match="support_uptake"):
        add_chain(chain, 1, support_uptake={"practical_support": 2.0})


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """``simulate --design`` on a chain design, as a user runs it."""
    root = tmp_path_factory.mktemp("simulate_chain")
    write_design(DESIGN, root / "design.toml")
    assert simulate.main(["--out", str(root / "data"), "--seed", "12",
                          "--design", str(root / "design.toml")]) == 0
    return root / "data"


def test_simulate_with_a_chain_design_writes_rows_of_every_stage(simulated):
    assert validate_trial_directory(simulated).is_valid
    trial = load_trial(simulated)
    rows = trial.table("instruments")
    entered = rows.groupby("kind")["participant_id"].nunique()
    assert set(entered.index) == {*STAGES, *SUPPORT}
    counts = entered.reindex(list(STAGES))
    assert counts.is_monotonic_decreasing and counts.iloc[-1] >= 10
    # the rows are those of with_chain on the simulator's trial, and the manifest says so
    expected = with_chain(simulate_trial(DESIGN, seed=12), seed=12).table("instruments")
    assert len(rows) == len(expected)
    assert rows["kind"].value_counts().equals(expected["kind"].value_counts())
    manifest = json.loads((simulated / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chain_data"] == json.loads(json.dumps(chain_assumptions(DESIGN)))
    flow = chain_flow(trial).table.set_index(["term", "estimator"])
    for stage in STAGES:
        assert flow.loc[(f"stage={stage}", "chain_people"), "estimate"] == counts[stage]


@pytest.mark.slow
def test_the_report_on_a_simulated_chain_has_the_chain_section(simulated, tmp_path):
    out = build_report(ReportSettings(data=simulated, out=tmp_path / "report", lang="en",
                                      n_draws=50, n_bootstrap=50, diagnosis_sims=100))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="chain">' in html
    body = html.split('<h2 id="chain">', 1)[1].split("<h2 ", 1)[0]
    for stage in ("Intake", "Talent assessment", "Work experience", "Job matching"):
        assert stage in body, stage
    assert body.count("<table") == len(STAGES) + 3
    assert (out / "figures" / "chain_flow.svg").stat().st_size > 0


def test_a_design_without_a_chain_is_written_as_before(tmp_path):
    """No chain: no ``chain_data`` in the manifest and the simulator's own rows."""
    design = TrialDesign(n_per_cell=10)
    simulate_to_directory(tmp_path / "data", design=design, seed=3)
    manifest = json.loads((tmp_path / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert "chain_data" not in manifest
    written = load_trial(tmp_path / "data").table("instruments")
    assert len(written) == len(simulate_trial(design, seed=3).table("instruments"))
    plain = simulate_trial(design, seed=3)
    assert with_chain(plain, seed=3) is plain
