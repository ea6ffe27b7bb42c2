"""The report's programme-money section (issue 12, item 6): every figure with the
assumption and source it rests on, the numbers as the analysis gives them, and small
counts protected (annualised savings reveal the count they multiply)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iedereen_doet_mee.analysis.estimators import disclosure_classes
from iedereen_doet_mee.analysis.programme_money import programme_money
from iedereen_doet_mee.data.writing import write_trial_directory
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.disclosure import suppress_results
from iedereen_doet_mee.simulation import simulate_trial

FAST = dict(n_draws=50, n_bootstrap=50, diagnosis_sims=100)
DESIGN = TrialDesign(
    name="Caseload", strata=("all",), arms=("kompas",), n_per_cell=200, target_outflow=None,
    outcomes={"left_benefit": {"kind": "exit", "reasons": [
        "regular_work", "subsidised_work", "education", "moved", "unlawful", "other"]}},
    primary_outcome="left_benefit",
    money={"savings_per_outflow_per_year": 15000,
           "savings_source": "Schiedam (seed 001)",
           "fixed_costs": {"team": {"eur": 120000, "source": "begroting 2014"}}})


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("money")
    write_trial_directory(simulate_trial(DESIGN, seed=3), root / "data")
    return build_report(ReportSettings(data=root / "data", out=root / "report", **FAST))


def test_the_section_states_each_assumption_with_its_source(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "Geld zoals het programma het telt" in html
    assert "maal EUR 15.000 uitkering per deelnemer per jaar (aanname; bron: Schiedam " \
           "(seed 001))" in html
    assert "(team): EUR 120.000 (aanname; bron: begroting 2014)" in html
    assert "geen effect van het programma" in html


def test_published_money_rows_equal_the_analysis(report):
    _, records = read_results(report / "results.json")
    money = records[records["question"] == "money"].set_index("estimator")
    count = int(money.loc["proportion_clopper_pearson", "statistic"])
    assert money.loc["annualised_benefit_savings_eur", "estimate"] == 15000 * count
    assert money.loc["programme_fixed_cost_eur", "estimate"] == 120000
    assert money.loc["net_annualised_savings_eur", "estimate"] == pytest.approx(
        15000 * count - money.loc["total_instrument_cost_eur", "estimate"] - 120000)


def test_a_small_count_hides_the_annualised_savings_that_reveal_it():
    design = DESIGN.replace(n_per_cell=60, simulation={"regular_work_24m": 0.0,
                                                       "subsidised_work_24m": 0.0,
                                                       "education_24m": 0.0,
                                                       "moved_24m": 0.15,
                                                       "unlawful_24m": 0.0,
                                                       "other_24m": 0.0})
    result = programme_money(simulate_trial(design, seed=4))
    count = int(result.estimate("overall", "proportion_clopper_pearson")["statistic"])
    assert 0 < count < 10
    shown = suppress_results(result.table.assign(question="money"),
                             **disclosure_classes(result.table["estimator"]))
    hidden = shown.set_index("estimator")["suppressed"]
    assert hidden["annualised_benefit_savings_eur"] and hidden["net_annualised_savings_eur"]
