"""A programme that counts households and declares its own outcomes gets them reported.

A single-arm caseload in two strata (as in Leeuwarden: one plan per household), no
target, four declared outcomes of every kind (leaving benefit for any reason, paid work
of at least 16 hours within six months, a ladder step within six months, starting
education), households as the unit. The data are the simulator's trial with the
opt-in household ids and activities, written to a directory as an export would be
(the cells keep the default labels while simulation settings exist only for those).
The report must show the outcomes section with the unit, the denominator and each
outcome in words, its numbers must equal the analysis, and no household id may leave.
"""

from __future__ import annotations

import zipfile
from html import escape
from pathlib import Path

import pytest

from iedereen_doet_mee.analysis.outcome_events import by_unit, outcome_events
from iedereen_doet_mee.analysis.outcome_shares import declared_outcome_shares
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.data.writing import write_trial_directory
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.texts import text
from iedereen_doet_mee.reporting.figures import declared_outcomes_figure
from iedereen_doet_mee.simulation import simulate_trial
from iedereen_doet_mee.simulation.optional_data import with_households_and_activities

from .test_review_texts import dangling_references

FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)
DESIGN = TrialDesign(
    name="Huishoudaanpak", strata=("40-60", "60-80"), arms=("yes",), n_per_cell=150,
    target_outflow=None, unit="household", primary_outcome="left_benefit",
    outcomes={
        "left_benefit": {"kind": "exit", "reasons": ["regular_work", "subsidised_work",
                                                     "education", "moved", "unlawful",
                                                     "other"]},
        "work_16h": {"kind": "job", "min_hours_per_week": 16, "within_months": 6},
        "step_forward": {"kind": "ladder_step", "min_steps": 1, "within_months": 6},
        "education": {"kind": "activity", "activity": "education"}})


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("households")
    trial = with_households_and_activities(simulate_trial(DESIGN, seed=11), seed=12)
    write_trial_directory(trial, root / "data")
    out = build_report(ReportSettings(data=root / "data", out=root / "report", **FAST))
    return root / "data", out


def test_the_outcomes_section_states_unit_denominator_and_each_outcome(programme):
    _, out = programme
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Uitkomsten zoals vastgelegd in het ontwerp" in html
    assert text("outcomes_unit_household", "nl") in html
    for outcome in DESIGN.outcomes:
        assert f"{outcome.name}: {outcome.describe('nl')}." in html


def test_the_published_shares_are_the_households_counted_from_the_data(programme):
    data, out = programme
    _, records = read_results(out / "results.json")
    trial = load_trial(data)
    people = trial.participants.set_index("participant_id")["household_id"]
    units = by_unit(outcome_events(trial), people)
    households = units["unit_id"].nunique()
    assert households < len(trial.participants)  # households, not persons
    shown = records[(records["question"] == "outcomes")
                    & (records["estimator"] == "proportion_clopper_pearson")
                    & records["term"].str.fullmatch(r"outcome=[a-z_0-9]+")]
    assert set(shown["term"]) == {f"outcome={o.name}" for o in DESIGN.outcomes}
    for row in shown.itertuples(index=False):
        mine = units[units["outcome"] == row.term.split("=", 1)[1]]
        assert int(row.n) == households
        if not row.suppressed:
            assert row.statistic == mine["reached"].sum()
            assert row.estimate == pytest.approx(mine["reached"].mean(), rel=1e-12)


def test_no_household_id_leaves_in_any_output(programme):
    data, out = programme
    ids = set(load_trial(data).participants["household_id"].dropna())
    assert ids
    texts = [(out / "report.html").read_text(encoding="utf-8"),
             (out / "results.json").read_text(encoding="utf-8"),
             *[p.read_text(encoding="utf-8") for p in (out / "figures").glob("*.svg")]]
    with zipfile.ZipFile(out / "indicators.xlsx") as book:
        texts += [book.read(name).decode("utf-8") for name in book.namelist()
                  if name.endswith(".xml")]
    for household in ids:
        assert not any(household in t for t in texts), household


def test_summary_and_target_section_speak_of_the_primary_outcome(programme):
    """Issue 12 item 1: with a primary outcome other than regular work the summary, the
    section title and the figure caption name it, and say households."""
    data, out = programme
    html = (out / "report.html").read_text(encoding="utf-8")
    primary = DESIGN.primary.describe("nl")
    assert f"Primaire uitkomst, {primary}: " in html
    assert " huishoudens (" in html
    assert "stroomden uit naar regulier werk" not in html
    assert text("primary_section_no_target", "nl", outcome=primary) in html
    assert text("fig_primary_no_target", "nl", outcome=primary) in html
    _, records = read_results(out / "results.json")
    target = records[records["question"] == "target"]
    assert set(target["outcome"]) == {"left_benefit"}
    households = by_unit(outcome_events(load_trial(data)), load_trial(data).participants
                         .set_index("participant_id")["household_id"])["unit_id"].nunique()
    assert set(target.loc[target["term"] == "overall", "n"]) == {households}


def test_timed_outcomes_get_a_cumulative_incidence_figure(programme):
    """Issue 12 item 1: exit, job and activity outcomes are drawn over time (the ladder
    step, seen only at measurements, is not); the curves are those of the analysis."""
    _, out = programme
    html = (out / "report.html").read_text(encoding="utf-8")
    assert (out / "figures" / "declared_outcomes.svg").is_file()
    assert text("fig_declared_outcomes", "nl") in html
    data, _ = programme
    result = declared_outcome_shares(load_trial(data))
    assert set(result.extras["curves"]["outcome"]) == {"left_benefit", "work_16h", "education"}
    figure = declared_outcomes_figure(result, names={o.name: o.describe("nl")
                                                     for o in DESIGN.outcomes})
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend[0].startswith("uitstroom uit de uitkering") and len(legend) == 4


def test_every_section_says_what_it_counts(programme):
    _, out = programme
    html = (out / "report.html").read_text(encoding="utf-8")
    for key in ("unit_section_household", "unit_section_household_costs",
                "unit_section_person", "fig_costs_household"):
        assert text(key, "nl") in html, key
    assert text("fig_costs", "nl") not in html  # "per deelnemer"
    _, records = read_results(out / "results.json")
    costs = records[(records["question"] == "costs") & (records["term"] == "overall")]
    homes = by_unit(outcome_events(load_trial(programme[0])), load_trial(programme[0])
                    .participants.set_index("participant_id")["household_id"])
    assert set(costs["n"].dropna()) == {homes["unit_id"].nunique()}


def test_the_limitations_diagnose_the_primary_outcome_of_the_households(programme):
    _, out = programme
    _, records = read_results(out / "results.json")
    design = records[records["question"] == "design_diagnosis"].set_index("estimator")
    share = design.loc["primary_outcome_expected_share"]
    width = design.loc["primary_outcome_expected_ci_width"]
    assert share["outcome"] == "left_benefit" and 0 < share["estimate"] < 1
    # households: fewer units than the 300 planned persons
    assert 150 < int(share["n"]) < 300 and int(width["n"]) == int(share["n"])
    assert "probability_target_met" not in design.index  # no target declared
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Ontwerpdiagnose van de primaire uitkomst (" + DESIGN.primary.describe("nl") in html


def test_the_ladder_section_points_to_the_declared_ladder_step(programme):
    """The ladder section's shares count those measured again; the declared ladder step
    counts everyone, and the section says where to find it, by a heading that exists."""
    _, out = programme
    page = (out / "report.html").read_text(encoding="utf-8")
    step = DESIGN.outcome("step_forward").describe("nl")
    pointer = text("ladder_declared", "nl", outcomes=step,
                   section="Uitkomsten zoals vastgelegd in het ontwerp")
    assert escape(pointer) in page
    assert not dangling_references(page)
