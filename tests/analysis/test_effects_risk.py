"""Risk difference, risk ratio, block-weighted RD and Mantel-Haenszel against frozen R output.

Reference: tests/reference/effects.R -> effects_reference.json (R 4.2.2, sandwich 3.0.2,
lmtest 0.9.40), on tests/reference/data/effects_trial.csv (a simulated 160-person trial)
and effects_rabbits.csv (the Rabbits table of R's ?mantelhaen.test).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.effects.risk import (
    mantel_haenszel,
    risk_effects,
    stratified_risk_difference,
)

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "effects_reference.json").read_text(encoding="utf-8"))
TRIAL = pd.read_csv(REF / "data" / "effects_trial.csv")
RABBITS = pd.read_csv(REF / "data" / "effects_rabbits.csv")
COLUMNS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def _close(row: pd.Series, ref: dict, rtol: float = 1e-6, columns=COLUMNS) -> None:
    for column in columns:
        assert row[column] == pytest.approx(ref[column], rel=rtol, abs=1e-12), column


@pytest.mark.parametrize("term", ["overall", "band=40-60", "band=60-80"])
def test_risk_difference_matches_lm_hc2(term):
    # R: coeftest(lm(regular_work ~ instruments, data = d), vcov. = vcovHC(fit, type = "HC2"),
    #    df = Inf) and coefci(..., df = Inf); d the whole trial or one band
    row = risk_effects(TRIAL).estimate(term, "risk_difference_hc2")
    _close(row, R["risk"][term]["risk_difference_hc2"])


@pytest.mark.parametrize("term", ["overall", "band=40-60", "band=60-80"])
def test_risk_ratio_matches_poisson_glm_hc2(term):
    # R: glm(regular_work ~ instruments, family = poisson(link = "log")) with
    #    vcovHC(type = "HC2"); the estimate and interval are exp() of R's log-scale numbers
    row = risk_effects(TRIAL).estimate(term, "risk_ratio_poisson_hc2")
    ref = R["risk"][term]["risk_ratio_poisson_hc2"]
    _close(row, ref, columns=("std_error", "statistic", "p_value"))
    assert row["estimate"] == pytest.approx(ref["estimate_exp"], rel=1e-6)
    assert row["conf_low"] == pytest.approx(ref["conf_low_exp"], rel=1e-6)
    assert row["conf_high"] == pytest.approx(ref["conf_high_exp"], rel=1e-6)


def test_interaction_on_the_risk_difference_scale_matches_lm_hc2():
    # R: lm(regular_work ~ instruments * band) with vcovHC(type = "HC2"), coefficient
    #    instrumentsyes:band60-80, coeftest(df = Inf)
    row = risk_effects(TRIAL).estimate("band=60-80 - band=40-60",
                                       "risk_difference_interaction_hc2")
    _close(row, R["interaction_rd"])


def test_block_weighted_risk_difference_matches_lin_regression_hc2():
    # R: lm(regular_work ~ t * band_c) with band_c the centred 60-80 dummy, coefficient t,
    #    vcovHC(type = "HC2"), coeftest(df = Inf)
    result = stratified_risk_difference(TRIAL)
    _close(result.estimate("overall", "risk_difference_block_weighted"), R["block"])
    assert result.extras["blocks"]["weight"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(("data", "key"), [(TRIAL, "trial"), (RABBITS, "rabbits")])
def test_mantel_haenszel_matches_mantelhaen_test(data, key):
    # R: mantelhaen.test(table(instruments[yes, no], regular_work[1, 0], band)) (trial) and
    #    mantelhaen.test(Rabbits) from example(mantelhaen.test): "X-squared = 3.9286, df = 1,
    #    p-value = 0.04747 ... 1.026713 47.725133 ... common odds ratio 7" (a stratum
    #    without variation and zero cells)
    row = mantel_haenszel(data).estimate("overall", "odds_ratio_mantel_haenszel")
    _close(row, R["mantel"][key], columns=("estimate", "statistic", "p_value", "conf_low",
                                           "conf_high"))
    if key == "rabbits":
        assert row["statistic"] == pytest.approx(3.9286, abs=5e-5)
        assert row["estimate"] == pytest.approx(7.0)
        assert row["conf_high"] == pytest.approx(47.725133, abs=5e-7)


def _frame(cells: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for (band, arm), (events, n) in cells.items():
        rows += [(band, arm, i < events) for i in range(n)]
    return pd.DataFrame(rows, columns=["band", "instruments", "regular_work"])


def test_cells_without_events_only_events_or_one_person_do_not_crash():
    frame = _frame({("40-60", "no"): (0, 5), ("40-60", "yes"): (0, 4),
                    ("60-80", "no"): (3, 3), ("60-80", "yes"): (1, 1)})
    result = risk_effects(frame)
    low = result.estimate("band=40-60", "risk_difference_hc2")
    assert low["estimate"] == 0 and math.isnan(low["std_error"])
    assert math.isnan(result.estimate("band=40-60", "risk_ratio_poisson_hc2")["estimate"])
    high = result.estimate("band=60-80", "risk_difference_hc2")  # arm of one person
    assert high["estimate"] == 0 and math.isnan(high["conf_low"])
    reasons = {(i.term, i.estimator) for i in result.not_estimable}
    assert ("band=40-60", "risk_ratio_poisson_hc2") in reasons
    assert ("band=60-80", "risk_difference_hc2") in reasons
    block = stratified_risk_difference(frame)
    assert block.table["estimate"].iloc[0] == 0 and math.isnan(block.table["std_error"].iloc[0])
    mh = mantel_haenszel(frame)  # no band has both events and non-events
    assert mh.table[["estimate", "p_value"]].isna().all(axis=None)
    assert len(mh.not_estimable) == 2


def test_band_without_instruments_is_left_out_and_noted():
    frame = _frame({("40-60", "no"): (2, 6), ("60-80", "no"): (1, 5), ("60-80", "yes"): (3, 5)})
    result = risk_effects(frame)
    assert math.isnan(result.estimate("band=40-60", "risk_difference_hc2")["estimate"])
    assert result.estimate("band=60-80", "risk_difference_hc2")["estimate"] == pytest.approx(0.4)
    block = stratified_risk_difference(frame)
    assert block.table["estimate"].iloc[0] == pytest.approx(0.4)
    assert any("lacks an arm" in note for note in block.notes)
    assert mantel_haenszel(frame).table["estimate"].iloc[0] == pytest.approx(3 * 4 / (2 * 1))


def test_empty_frame_gives_rows_of_missing_numbers():
    empty = pd.DataFrame({"band": [], "instruments": [], "regular_work": []})
    for function in (risk_effects, stratified_risk_difference, mantel_haenszel):
        result = function(empty)
        assert result.n == 0 and result.table["estimate"].isna().all() and result.not_estimable


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="column\\(s\\) \\['outcome'\\] not found"):
        risk_effects(TRIAL, outcome="outcome")
    with pytest.raises(ValueError, match="must be binary"):
        risk_effects(TRIAL, outcome="age")
    with pytest.raises(ValueError, match=r"option level=1\.5"):
        stratified_risk_difference(TRIAL, level=1.5)
    with pytest.raises(ValueError, match="arm\\(s\\) \\['yes'\\]"):
        mantel_haenszel(TRIAL, treated="maybe")
    frame = TRIAL.assign(regular_work=TRIAL["regular_work"].astype(float))
    frame.loc[:9, "regular_work"] = np.nan
    result = risk_effects(frame)
    assert result.n == len(TRIAL) - 10
    assert any("10 participant(s) left out" in note for note in result.notes)
