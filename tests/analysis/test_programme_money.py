"""Programme money as the programme counts it (issue 12, item 6).

Checked on Schiedam's published figures (seed 001: 134 of 569 left benefit, times about
EUR 15,000 a year each, "EUR 2.01 million") with a hand-made caseload of 569 people in
which exactly 134 left, and on a hand-made trial whose every euro is summed by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.analysis.programme_money import programme_money
from iedereen_doet_mee.data.loading import TrialData
from iedereen_doet_mee.dates import DAYS_PER_MONTH
from iedereen_doet_mee.design import TrialDesign, read_design, write_design
from iedereen_doet_mee.errors import DesignError

LEFT = {"left_benefit": {"kind": "exit", "reasons": ["regular_work", "subsidised_work",
                                                     "education", "moved", "unlawful",
                                                     "other"]}}
SCHIEDAM_MONEY = {"savings_per_outflow_per_year": 15000,
                  "savings_source": "Schiedam (seed 001): about EUR 15,000 a year per person"}


def _caseload(n: int, left: int, design: TrialDesign) -> TrialData:
    day = pd.Timestamp("2014-03-01")
    people = pd.DataFrame({
        "participant_id": [f"p{i:04d}" for i in range(n)], "band": "all",
        "instruments": "kompas", "enrolled_on": day,
        "exit_on": [day + pd.Timedelta(days=100) if i < left else pd.NaT for i in range(n)],
        "exit_reason": ["moved" if i % 2 else "regular_work" if i < left else None
                        for i in range(n)]})
    people.loc[people["exit_on"].isna(), "exit_reason"] = None
    return TrialData(design, {"participants": people})


def _schiedam(**money) -> TrialDesign:
    return TrialDesign(name="Schiedam", strata=("all",), arms=("kompas",), n_per_cell=569,
                       enrolment_start="2014-01-01", enrolment_months=12,
                       cutoff="2015-07-01", target_outflow=None, outcomes=LEFT,
                       primary_outcome="left_benefit", money={**SCHIEDAM_MONEY, **money})


def test_schiedams_published_annualised_savings():
    trial = _caseload(569, 134, _schiedam())
    result = programme_money(trial)
    share = result.estimate("overall", "proportion_clopper_pearson")
    assert (int(share["statistic"]), int(share["n"])) == (134, 569)
    assert (share["conf_low"], share["conf_high"]) == pytest.approx(
        proportion_confint(134, 569, method="beta"), rel=1e-9)
    annualised = result.estimate("overall", "annualised_benefit_savings_eur")["estimate"]
    assert annualised == 2_010_000  # "134 x EUR 15,000 = EUR 2.01 million"
    assert any("source: Schiedam (seed 001)" in note for note in result.notes)
    assert any("not an effect" in note for note in result.notes)


def test_every_euro_by_hand():
    design = _schiedam(fixed_costs={"team": {"eur": 50000, "source": "budget"},
                                    "rent": {"eur": 5000, "source": "lease"}})
    trial = _caseload(20, 4, design)
    people = trial.participants
    instruments = pd.DataFrame({"participant_id": ["p0000", "p0001", "p0001"],
                                "kind": "job_coach", "started_on": pd.Timestamp("2014-03-10"),
                                "ended_on": pd.Timestamp("2014-04-10"),
                                "cost_eur": [1000.0, 250.5, 99.5]})
    trial = TrialData(design, {"participants": people, "instruments": instruments})
    result = programme_money(trial)
    value = {e: result.estimate("overall", e)["estimate"] for e in (
        "annualised_benefit_savings_eur", "total_benefit_savings_eur",
        "total_instrument_cost_eur", "programme_fixed_cost_eur",
        "net_annualised_savings_eur", "net_realised_savings_eur")}
    # four left on day 100 after enrolment; known until the cut-off 2015-07-01
    months = 4 * (dt.date(2015, 7, 1) - dt.date(2014, 6, 9)).days / (365.2425 / 12)
    realised = months * design.benefit_cost_per_month
    assert value["annualised_benefit_savings_eur"] == 4 * 15000
    assert value["total_benefit_savings_eur"] == pytest.approx(realised, rel=1e-12)
    assert value["total_instrument_cost_eur"] == 1350.0
    assert value["programme_fixed_cost_eur"] == 55000.0
    assert value["net_annualised_savings_eur"] == 60000 - 1350 - 55000
    assert value["net_realised_savings_eur"] == pytest.approx(realised - 1350 - 55000)
    assert pytest.approx(365.2425 / 12) == DAYS_PER_MONTH


def test_without_instruments_table_the_cost_is_not_estimable_and_net_counts_none():
    result = programme_money(_caseload(30, 12, _schiedam()))
    row = result.estimate("overall", "total_instrument_cost_eur")
    assert pd.isna(row["estimate"])
    assert any("no instruments table" in n.reason for n in result.not_estimable)
    assert result.estimate("overall", "net_annualised_savings_eur")["estimate"] == 12 * 15000


def test_only_fixed_costs_and_the_default_design_is_not_asked():
    design = _schiedam().replace(money={"fixed_costs": {"team": {"eur": 1.0,
                                                                 "source": "x"}}})
    table = programme_money(_caseload(20, 5, design)).table
    assert "annualised_benefit_savings_eur" not in set(table["estimator"])
    analysis = analyse_trial(_caseload(20, 5, TrialDesign(
        strata=("all",), arms=("kompas",), n_per_cell=20)), n_draws=20, n_bootstrap=20)
    assert "money" not in analysis.results
    assert analysis.skipped["money"] == "the design declares no [money] table"


@pytest.mark.parametrize("money, field, words", [
    ({"savings_per_outflow_per_year": 15000}, "money.savings_source", "needs its source"),
    ({"savings_source": "x"}, "money.savings_source", "without savings_per_outflow_per_year"),
    ({"savings_per_outflow_per_year": -1, "savings_source": "x"},
     "money.savings_per_outflow_per_year", "zero or more euros"),
    ({"fixed_costs": {"staff": {"eur": 1}}}, "money.fixed_costs.staff", "exactly eur and source"),
    ({"fixed_costs": {"staff": {"eur": "many", "source": "x"}}}, "money.fixed_costs.staff.eur",
     "zero or more euros"),
    ({}, "money", "declares nothing"),
    ({"savings": 1}, "money.savings", "unknown key"),
    ({**SCHIEDAM_MONEY, "savings_outcome": "nope"}, "money.savings_outcome",
     "must name a declared outcome"),
])
def test_bad_money_tables_name_the_key(money, field, words):
    with pytest.raises(DesignError) as info:
        _schiedam().replace(money=money)
    assert info.value.field == field and words in str(info.value)


def test_savings_must_come_from_an_exit_outcome():
    with pytest.raises(DesignError, match="savings on benefit are counted from an exit"):
        TrialDesign(outcomes={"work": {"kind": "job"}}, primary_outcome="work",
                    money=SCHIEDAM_MONEY)


def test_money_table_round_trips_through_design_toml(tmp_path):
    design = _schiedam(fixed_costs={"team": {"eur": 50000, "source": "budget 2014"}})
    path = write_design(design, tmp_path / "design.toml")
    assert "[money]" in path.read_text(encoding="utf-8")
    assert read_design(path) == design
