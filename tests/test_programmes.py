"""The programmes of the seed documents ship as simulated trial directories (issue 12,
item 7): ``data/programmes/{schiedam,arnhem,leeuwarden,maastricht}``, written by one
command (``python tools/make_programmes.py``) from the designs in ``tools/programmes/``.

Checked here: each folder validates and is exactly what the command makes; the
simulated figures lie within 4 Monte Carlo standard errors of the published ones the
simulation was tuned to, both in the bundled folders (a programme's own size) and in a
simulation twenty times larger (the tuning holds in expectation); Leeuwarden counts
about 1,000 households; Schiedam's money is counted as Schiedam did; Maastricht's
folder holds its chain (rows of every stage and kind of practical support, with the
assumptions in the manifest) and its report shows every stage; and a report on a
programme speaks of the programme's own primary outcome.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import sys
from pathlib import Path

import pytest

from iedereen_doet_mee import read_design
from iedereen_doet_mee.analysis import (
    analyse_trial,
    by_unit,
    chain_flow,
    declared_outcome_shares,
    outcome_events,
)
from iedereen_doet_mee.data import load_trial, validate_trial_directory
from iedereen_doet_mee.output_folder import MARKER
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.simulation import simulate_trial, with_optional_data
from iedereen_doet_mee.simulation.chain_data import chain_assumptions

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "programmes"
SCRIPT = ROOT / "tools" / "make_programmes.py"


def _script():
    spec = importlib.util.spec_from_file_location("make_programmes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


MAKE = _script()
NAMES = tuple(MAKE.PROGRAMMES)
FIGURES = [(name, figure) for name, programme in MAKE.PROGRAMMES.items()
           for figure in programme.published]
FIGURE_IDS = [f"{name}-{figure.term.removeprefix('outcome=')}" for name, figure in FIGURES]


def _shares(trial) -> dict[str, tuple[float, int]]:
    """``term -> (estimate, n)`` of the package's own declared-outcome analysis."""
    table = declared_outcome_shares(trial).table
    return {row.term: (row.estimate, int(row.n)) for row in table.itertuples(index=False)}


def _within_four_standard_errors(estimate: float, published: float, n: int) -> bool:
    return abs(estimate - published) <= 4 * math.sqrt(published * (1 - published) / n)


def test_the_four_programmes_and_no_other_folder():
    assert NAMES == ("schiedam", "arnhem", "leeuwarden", "maastricht")
    assert sorted(p.name for p in FOLDER.iterdir() if p.is_dir()) == sorted(NAMES)
    assert (FOLDER / "README.md").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_every_programme_folder_validates(name):
    report = validate_trial_directory(FOLDER / name)
    assert report.is_valid, report.summary()
    # the one warning: no instruments are recorded (the programmes without a chain
    # declare none)
    assert set(report.warnings["rule"]) <= {"no_records"}, report.summary()
    assert set(report.warnings["file"]) <= {"instruments.csv"}
    assert read_design(FOLDER / name / "design.toml") == read_design(
        MAKE.PROGRAMMES[name].design_file)


@pytest.mark.parametrize("name", NAMES)
def test_the_manifest_names_the_command_seed_and_optional_data(name):
    programme = MAKE.PROGRAMMES[name]
    manifest = json.loads((FOLDER / name / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == MAKE.COMMAND
    assert manifest["seed"] == programme.seed
    assert manifest.get("optional_data", []) == list(programme.optional_data)
    marker = json.loads((FOLDER / name / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "simulate"


def test_the_command_remakes_every_folder_byte_for_byte(tmp_path):
    MAKE.write_programmes(tmp_path)
    assert MAKE.compare_programmes(tmp_path) == []
    # and the comparison sees a changed byte, a missing file and a changed manifest fact
    (tmp_path / "arnhem" / "activities.csv").write_bytes(
        (tmp_path / "arnhem" / "activities.csv").read_bytes() + b"\n")
    (tmp_path / "schiedam" / "employment.csv").unlink()
    manifest = json.loads((tmp_path / "leeuwarden" / "manifest.json").read_text("utf-8"))
    manifest["seed"] += 1
    manifest["environment"] = {}  # versions alone may differ
    (tmp_path / "leeuwarden" / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert MAKE.compare_programmes(tmp_path) == [
        "schiedam/employment.csv: not made by the command",
        "arnhem/activities.csv: differs", "leeuwarden/manifest.json: differs"]


def test_the_check_mode_passes_and_a_folder_of_the_users_is_left_alone(tmp_path, capsys):
    assert MAKE.main(["--check"]) == 0
    mine = tmp_path / "schiedam"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    assert MAKE.main(["--out", str(tmp_path)]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    # an earlier output of the command is replaced, a file of the user's beside it stays
    shutil.rmtree(mine)
    assert MAKE.main(["--out", str(tmp_path)]) == 0
    (tmp_path / "arnhem" / "notes.txt").write_text("mine", encoding="utf-8")
    assert MAKE.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "arnhem" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert MAKE.compare_programmes(tmp_path) == ["arnhem/notes.txt: missing"]


@pytest.fixture(scope="module")
def bundled() -> dict[str, dict[str, tuple[float, int]]]:
    return {name: _shares(load_trial(FOLDER / name)) for name in NAMES}


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=FIGURE_IDS)
def test_the_bundled_data_give_the_published_figure(bundled, name, figure):
    """The programme's own size: within 4 Monte Carlo standard errors."""
    estimate, n = bundled[name][figure.term]
    assert _within_four_standard_errors(estimate, figure.share, n), (estimate, figure)


@pytest.fixture(scope="module")
def large() -> dict[str, dict[str, tuple[float, int]]]:
    """Each tuned programme simulated twenty times its size, with another seed."""
    out = {}
    for name, programme in MAKE.PROGRAMMES.items():
        if not programme.published:
            continue
        design = read_design(programme.design_file)
        design = design.replace(n_per_cell=20 * design.n_total)
        trial = with_optional_data(simulate_trial(design, seed=7), programme.optional_data,
                                   seed=7)
        out[name] = _shares(trial)
    return out


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=FIGURE_IDS)
def test_the_tuning_gives_the_published_figure_in_expectation(large, name, figure):
    estimate, n = large[name][figure.term]
    assert n >= 20 * 130  # twenty times the programme (Schiedam's outflow: 20 x 134)
    assert _within_four_standard_errors(estimate, figure.share, n), (estimate, figure)


def test_leeuwarden_counts_almost_a_thousand_households():
    trial = load_trial(FOLDER / "leeuwarden")
    assert trial.design.unit == "household"
    households = trial.participants["household_id"]
    assert households.notna().all()
    count = households.nunique()
    assert 900 < count < 1000 < len(trial.participants)  # "bijna 1.000 huishoudens"
    units = by_unit(outcome_events(trial), trial.participants.set_index("participant_id")[
        "household_id"])
    assert units["unit_id"].nunique() == count
    shares = _shares(trial)
    overall = [term for term in shares if ":" not in term]
    assert len(overall) == len(trial.design.outcomes) == 6
    assert {shares[term][1] for term in overall} == {count}


def test_schiedam_counts_its_money_as_schiedam_did():
    trial = load_trial(FOLDER / "schiedam")
    money = analyse_trial(trial, n_draws=50, n_bootstrap=50).results["money"].table
    rows = money.set_index("estimator")
    left = rows.loc["proportion_clopper_pearson", "statistic"]
    outcomes = declared_outcome_shares(trial).table.set_index("term")
    assert left == outcomes.loc["outcome=left_benefit", "statistic"]
    assert rows.loc["annualised_benefit_savings_eur", "estimate"] == left * 15_000
    assert trial.design.money.savings_per_outflow_per_year * 134 == 2_010_000  # as published


def test_maastricht_holds_its_chain_and_publishes_no_figure():
    programme = MAKE.PROGRAMMES["maastricht"]
    assert programme.published == ()  # seed 002 publishes no figure: nothing is tuned
    trial = load_trial(FOLDER / "maastricht")
    design = trial.design
    assert design.chain == ("intake", "talent_assessment", "work_experience", "job_matching")
    assert set(design.practical_support_kinds) == {
        "bus_card", "bicycle", "travel_allowance", "childcare", "work_clothes",
        "certificate_of_conduct"}
    assert design.target_outflow is None and design.arms == ("keten",)
    assert not design.simulation  # no [simulation] table: nothing tuned
    rows = trial.table("instruments")
    people = rows.groupby("kind")["participant_id"].nunique()
    assert set(people.index) == {*design.chain, *design.practical_support_kinds}
    # every stage and kind has at least 10 people, so the report can show it
    assert (people >= 10).all(), people
    entered = people.reindex(list(design.chain))
    assert entered.is_monotonic_decreasing
    flow = chain_flow(trial).table.set_index(["term", "estimator"])["estimate"]
    for stage in design.chain:
        assert flow[(f"stage={stage}", "chain_people")] == entered[stage]
    assert flow[("overall", "chain_people")] == len(trial.participants) == 400
    manifest = json.loads((FOLDER / "maastricht" / "manifest.json").read_text("utf-8"))
    assert manifest["chain_data"] == json.loads(json.dumps(chain_assumptions(design)))
    # the outcomes of the source: a job (subsidised or not), day activities,
    # volunteering, and leaving benefit; the activities table holds the two kinds
    shares = _shares(trial)
    assert {t for t in shares if ":" not in t} == {
        "outcome=job", "outcome=day_activity", "outcome=volunteering",
        "outcome=left_benefit"}
    assert design.outcome("job").subsidised == "any"
    assert set(trial.activities["kind"]) == {"day_activity", "volunteering"}
    assert all(n == 400 for _, n in (shares[t] for t in shares if ":" not in t))


@pytest.mark.slow
def test_the_maastricht_report_shows_every_stage_of_its_chain(tmp_path):
    out = build_report(ReportSettings(data=FOLDER / "maastricht", out=tmp_path / "report",
                                      lang="en", n_draws=50, n_bootstrap=50,
                                      diagnosis_sims=100))
    html = (out / "report.html").read_text(encoding="utf-8")
    body = html.split('<h2 id="chain">', 1)[1].split("<h2 ", 1)[0]
    for stage in ("Intake", "Talent assessment", "Work experience", "Job matching"):
        assert stage in body, stage
    assert body.count("<table") == 4 + 3  # a table per stage, none, status, support
    _, records = read_results(out / "results.json")
    chain = records[(records["question"] == "chain") & (records["estimator"] == "chain_people")]
    shown = chain.set_index("term")
    for stage in ("intake", "talent_assessment", "work_experience", "job_matching"):
        assert not shown.loc[f"stage={stage}", "suppressed"], stage


@pytest.mark.slow
def test_a_programme_report_speaks_of_its_primary_outcome(tmp_path):
    out = build_report(ReportSettings(data=FOLDER / "schiedam", out=tmp_path / "report",
                                      n_draws=50, n_bootstrap=50, diagnosis_sims=100))
    design = read_design(FOLDER / "schiedam" / "design.toml")
    _, records = read_results(out / "results.json")
    target = records[records["question"] == "target"]
    assert set(target["outcome"]) == {design.primary_outcome} == {"left_benefit"}
    html = (out / "report.html").read_text(encoding="utf-8")
    summary = html.split('id="summary"', 1)[1].split("<h2", 1)[0]
    assert design.primary.describe("nl") in summary
    share = target[(target["term"] == "overall")
                   & (target["estimator"] == "proportion_clopper_pearson")].iloc[0]
    assert f" van de {int(share['n'])} " in summary
    money = records[(records["question"] == "money")
                    & (records["estimator"] == "annualised_benefit_savings_eur")]
    assert money["estimate"].tolist() == [round(share["estimate"] * share["n"]) * 15_000]
