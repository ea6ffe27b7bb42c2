"""Simulation assumptions for any design: the ``[simulation]`` table and derived values.

Issue 12 item 5: ``simulate``, ``diagnose`` and the report work for any declared
strata, arms and instrument kinds. The derived values follow the rule written in
``docs/simulation.md`` (control arm = defaults of arm ``no``, other arms = arm ``yes``;
bands interpolated at their midpoint, other strata the mean over bands); the
simulation is checked to recover whichever value it used within Monte Carlo error.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from iedereen_doet_mee.data import validate_trial_directory
from iedereen_doet_mee.dates import DAYS_PER_MONTH
from iedereen_doet_mee.design import TrialDesign, read_design, write_design
from iedereen_doet_mee.diagnosis import diagnose_design
from iedereen_doet_mee.errors import DesignError
from iedereen_doet_mee.simulation import (
    SimulationParameters,
    derived_settings,
    settings_for_design,
    simulate_trial,
)

CASELOAD = TrialDesign(name="Schiedam caseload", strata=("all",), arms=("kompas",),
                       n_per_cell=569, target_outflow=None, stratum_label="caseload",
                       arm_label="approach")
THREE_ARMS = TrialDesign(name="Coaches", strata=("young", "old"),
                         arms=("regular", "coach", "coach_plus"), n_per_cell=40)
DEFAULTS = SimulationParameters()


def test_default_design_is_untouched():
    assert settings_for_design(TrialDesign()) is not None
    assert settings_for_design(TrialDesign()) == DEFAULTS
    assert derived_settings(TrialDesign()) == {}


def test_derived_values_follow_the_documented_rule():
    no = [DEFAULTS.regular_work_24m[k] for k in ("40-60/no", "60-80/no")]
    yes = [DEFAULTS.regular_work_24m[k] for k in ("40-60/yes", "60-80/yes")]
    derived = derived_settings(THREE_ARMS)
    work = derived["regular_work_24m"]
    assert work["young/regular"] == pytest.approx(np.mean(no))       # control: arm "no"
    assert work["old/coach"] == pytest.approx(np.mean(yes))           # others: arm "yes"
    assert work["old/coach_plus"] == pytest.approx(np.mean(yes))
    assert derived["ladder_up_per_month"] == {"regular": 0.04, "coach": 0.07,
                                              "coach_plus": 0.07}
    # single arm: the programme arm takes the values of "yes"
    assert derived_settings(CASELOAD)["regular_work_24m"] == {"all/kompas": np.mean(yes)}
    # wage-value bands: interpolated at the midpoint between 50 and 70, constant outside
    bands = TrialDesign(strata=("30-50", "50-70", "70-90", "55-65"))
    work = settings_for_design(bands).regular_work_24m
    assert work["30-50/no"] == pytest.approx(0.12)
    assert work["70-90/yes"] == pytest.approx(0.30)
    assert work["50-70/no"] == pytest.approx(0.16)
    assert work["55-65/yes"] == pytest.approx(0.24)
    # the default cells keep their sourced values
    assert settings_for_design(TrialDesign(strata=("40-60", "70-90"))).regular_work_24m[
        "40-60/yes"] == 0.18


def test_unknown_instrument_kinds_take_the_mean_of_the_known_ones():
    design = TrialDesign(instrument_kinds=("talent_assessment", "job_coach"))
    derived = derived_settings(design)
    assert set(derived) == {"instrument_uptake", "instrument_cost_eur", "instrument_months"}
    assert derived["instrument_cost_eur"]["talent_assessment"] == pytest.approx(
        np.mean(list(DEFAULTS.instrument_cost_eur.values())))
    assert "job_coach" not in derived["instrument_uptake"]


def test_design_table_sets_one_cell_and_merges_into_the_defaults(tmp_path):
    design = CASELOAD.replace(simulation={"regular_work_24m": {"all/kompas": 0.13},
                                          "dropout_24m": 0.05,
                                          "instrument_uptake": {"job_coach": 0.9}})
    params = settings_for_design(design)
    assert params.regular_work_24m["all/kompas"] == 0.13
    assert params.dropout_24m == 0.05
    assert params.instrument_uptake["job_coach"] == 0.9
    assert params.instrument_uptake["training"] == DEFAULTS.instrument_uptake["training"]
    assert "regular_work_24m" not in derived_settings(design)
    # explicit parameters take the place of the design's table
    assert settings_for_design(design, DEFAULTS).regular_work_24m["all/kompas"] == 0.24
    # the table survives design.toml
    path = write_design(design, tmp_path / "design.toml")
    assert "[simulation]" in path.read_text(encoding="utf-8")
    assert read_design(path) == design


@pytest.mark.parametrize("table, field, words", [
    ({"regular_work_24": 0.1}, "simulation.regular_work_24", "unknown assumption"),
    ({"regular_work_24m": {"all/kompsa": 0.1}}, "simulation.regular_work_24m",
     "'all/kompsa' is not a cell of the design; use one of all/kompas"),
    ({"ladder_up_per_month": {"kompsa": 0.1}}, "simulation.ladder_up_per_month",
     "is not an arm of the design"),
    ({"dropout_24m": 1.5}, "simulation.dropout_24m", "must be a share in [0, 1], got 1.5"),
    ({"dropout_24m": True}, "simulation.dropout_24m", "must be a number or a text"),
    ({"regular_work_24m": {}}, "simulation.regular_work_24m", "empty table"),
])
def test_bad_design_table_names_the_key(table, field, words):
    with pytest.raises(DesignError) as info:
        settings_for_design(CASELOAD.replace(simulation=table))
    assert info.value.field == field
    assert words in str(info.value)


def test_simulation_recovers_the_share_it_used_for_a_caseload():
    """20,000 people in one stratum and arm, everyone followed 24 months: the
    regular-work share by 24 months is the value set in [simulation]."""
    design = CASELOAD.replace(n_per_cell=20_000, enrolment_months=1,
                              enrolment_start="2014-07-01", cutoff="2017-07-01",
                              simulation={"regular_work_24m": 0.13,
                                          "loss_to_follow_up_24m": 0.0})
    people = simulate_trial(design, seed=5).participants
    days = (people["exit_on"] - people["enrolled_on"]).dt.days
    work = ((days <= np.ceil(24 * DAYS_PER_MONTH)) & (people["exit_reason"] == "regular_work"))
    share = float(work.mean())
    assert abs(share - 0.13) <= 4 * np.sqrt(0.13 * 0.87 / 20_000), share


def test_three_arms_simulate_validate_and_use_derived_values(tmp_path):
    design = THREE_ARMS.replace(n_per_cell=6_000, enrolment_months=1,
                                enrolment_start="2014-07-01", cutoff="2017-07-01",
                                allocation="randomised",
                                simulation={"loss_to_follow_up_24m": 0.0})
    trial = simulate_trial(design, seed=8)
    people = trial.participants
    days = (people["exit_on"] - people["enrolled_on"]).dt.days
    work = (days <= np.ceil(24 * DAYS_PER_MONTH)) & (people["exit_reason"] == "regular_work")
    expected = settings_for_design(design).regular_work_24m
    for cell in design.cells:
        mine = (people["band"] == cell.stratum) & (people["instruments"] == cell.arm)
        share, p = float(work[mine].mean()), expected[f"{cell.stratum}/{cell.arm}"]
        assert abs(share - p) <= 4 * np.sqrt(p * (1 - p) / int(mine.sum())), (cell, share, p)
    # the control arm receives no instruments, the two others do
    given = trial.table("instruments").merge(people[["participant_id", "instruments"]])
    assert set(given["instruments"]) == {"coach", "coach_plus"}


def test_diagnosis_of_single_and_three_arm_designs():
    single = diagnose_design(CASELOAD, sims=50, seed=1)
    assert list(single.estimators["estimator_key"]) == ["overall|proportion_clopper_pearson"]
    assert single.settings["outflow_24m"] == {"all/kompas": 0.24}
    three = diagnose_design(THREE_ARMS, sims=50, seed=1)
    assert "comparisons" in three.settings
    assert "More than two arms" in three.summary()
    assert three.target_met is not None  # the default target is kept in this design


def _run(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=cwd, check=False)


def test_commands_work_for_a_caseload_design(tmp_path):
    write_design(CASELOAD.replace(n_per_cell=60), tmp_path / "caseload.toml")
    run = _run("iedereen_doet_mee.simulate", "--design", "caseload.toml", "--out", "sim",
               cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert validate_trial_directory(tmp_path / "sim").is_valid
    manifest = json.loads((tmp_path / "sim" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["regular_work_24m"]["all/kompas"] == 0.24
    run = _run("iedereen_doet_mee.diagnose", "--design", "caseload.toml", "--sims", "20",
               cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "all/kompas 0.24" in run.stdout
    (tmp_path / "bad.toml").write_text(
        (tmp_path / "caseload.toml").read_text(encoding="utf-8")
        + '\n[simulation]\nregular_work_24m = { "all/x" = 0.1 }\n', encoding="utf-8")
    for command in ("iedereen_doet_mee.simulate", "iedereen_doet_mee.diagnose"):
        extra = ("--out", "sim2") if command.endswith("simulate") else ("--sims", "5")
        run = _run(command, "--design", "bad.toml", *extra, cwd=tmp_path)
        assert run.returncode == 2, (command, run.stderr)
        assert "simulation.regular_work_24m" in run.stderr
        assert "Traceback" not in run.stderr
