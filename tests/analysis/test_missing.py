"""Bounds under loss to follow-up and Holm's adjustment against frozen R output.

Reference: tests/reference/missing.R -> missing_reference.json (R 4.2.2, sandwich 3.0.2,
lmtest 0.9.40) on tests/reference/data/missing_trial.csv (a simulated trial with 7 of 100
participants lost to follow-up).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.effects.risk import risk_effects
from iedereen_doet_mee.analysis.missing import outcome_bounds
from iedereen_doet_mee.analysis.multiplicity import holm_adjust, holm_p_values

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "missing_reference.json").read_text(encoding="utf-8"))
DATA = pd.read_csv(REF / "data" / "missing_trial.csv")
TERMS = ["overall", "band=40-60", "band=60-80"]


@pytest.fixture(scope="module")
def bounds():
    return outcome_bounds(DATA)


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize("estimator", ["share_lost_as_failures", "share_lost_as_successes",
                                       "share_complete_cases"])
def test_share_bounds_match_prop_test(bounds, term, estimator):
    # R: prop.test(sum(y), length(y), correct = FALSE) with the lost filled in (or left out)
    ref = R["bounds"][term][estimator]
    row = bounds.estimate(term, estimator)
    for column in ("estimate", "conf_low", "conf_high"):
        assert row[column] == pytest.approx(ref[column], rel=1e-6), column
    assert row["n"] == ref["n"]


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize("estimator", ["risk_difference_lost_unfavourable_to_instruments",
                                       "risk_difference_lost_favourable_to_instruments",
                                       "risk_difference_complete_cases"])
def test_risk_difference_bounds_match_lm_hc2(bounds, term, estimator):
    # R: coeftest(lm(y ~ instruments), vcov. = vcovHC(fit, type = "HC2"), df = Inf) with y the
    #    filled-in outcome (lost treated 0 and lost controls 1 for the lower bound, reverse
    #    for the upper bound; NA for complete cases)
    ref = R["bounds"][term][estimator]
    row = bounds.estimate(term, estimator)
    for column in ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"):
        assert row[column] == pytest.approx(ref[column], rel=1e-6), column


def test_bounds_enclose_the_main_analysis_and_complete_cases(bounds):
    table = bounds.table.set_index(["term", "estimator"])["estimate"]
    for term in TERMS:
        low = table[(term, "risk_difference_lost_unfavourable_to_instruments")]
        high = table[(term, "risk_difference_lost_favourable_to_instruments")]
        assert low <= table[(term, "risk_difference_complete_cases")] <= high
        main = risk_effects(DATA).estimate(term, "risk_difference_hc2")["estimate"]
        assert low <= main <= high
        assert table[(term, "share_lost_as_failures")] <= table[(term, "share_lost_as_successes")]


def test_bounds_without_losses_collapse_and_degenerate_data_do_not_crash():
    none_lost = DATA.assign(lost_to_follow_up=0)
    table = outcome_bounds(none_lost).table.set_index(["term", "estimator"])["estimate"]
    assert table[("overall", "share_lost_as_failures")] == \
        table[("overall", "share_lost_as_successes")]
    everyone_lost = DATA.assign(lost_to_follow_up=1, regular_work=0)
    result = outcome_bounds(everyone_lost)
    assert result.estimate("overall", "share_lost_as_successes")["estimate"] == 1
    assert math.isnan(result.estimate("overall", "share_complete_cases")["estimate"])
    assert math.isnan(result.estimate("overall", "risk_difference_complete_cases")["estimate"])
    assert outcome_bounds(DATA.iloc[:0]).table["estimate"].isna().all()
    one = DATA.iloc[:1]
    assert len(outcome_bounds(one).not_estimable) > 0
    with pytest.raises(ValueError, match="must be True/False"):
        outcome_bounds(DATA.assign(lost_to_follow_up=2))
    with pytest.raises(ValueError, match=r"column\(s\) \['gone'\] not found"):
        outcome_bounds(DATA, lost="gone")


def test_holm_matches_p_adjust():
    # R: p.adjust(c(0.012, 0.04, NA, 0.003, 0.04, 0.2, 0.81, 0.0001), method = "holm")
    #    = 0.06 0.16 NA 0.018 0.16 0.4 0.81 0.0007
    p = [math.nan if v is None else v for v in R["holm"]["p"]]
    expected = [math.nan if v is None else v for v in R["holm"]["adjusted"]]
    np.testing.assert_allclose(holm_p_values(p), expected, rtol=1e-12)
    result = holm_adjust(p)
    np.testing.assert_allclose(result.table["p_value"], expected, rtol=1e-12)
    assert result.table["term"].tolist()[:2] == ["p1", "p2"]
    assert "over 7 p-value(s)" in result.notes[0]


def test_holm_on_a_tidy_table_keeps_its_rows_and_renames_estimators():
    bounds = outcome_bounds(DATA).table
    secondary = bounds[bounds["estimator"].str.startswith("risk_difference")]
    result = holm_adjust(secondary)
    assert result.table["term"].tolist() == secondary["term"].tolist()
    assert result.table["estimate"].tolist() == secondary["estimate"].tolist()
    assert all(e.endswith("_holm") for e in result.table["estimator"])
    np.testing.assert_allclose(result.table["p_value"], holm_p_values(secondary["p_value"]))
    named = holm_adjust(pd.DataFrame({"term": ["a", "b"], "p_value": [0.02, 0.5]}))
    assert named.table["p_value"].tolist() == [0.04, 0.5]
    assert holm_adjust([]).table.empty
    with pytest.raises(ValueError, match=r"p-values must lie in \[0, 1\]"):
        holm_adjust([0.5, 1.5])
    with pytest.raises(ValueError, match="column 'p' not found"):
        holm_adjust(secondary, p_value="p")
