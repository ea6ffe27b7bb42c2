"""Participation ladder: steps up, transitions and the ordinal model against R.

References (frozen; R is not run here): ``tests/reference/ladder.R`` ->
``tests/reference/ladder_reference.json`` (MASS 7.3.58.2, ordinal 2022.11.16, R 4.2.2), on
``MASS::housing`` (one row per household, ``tests/reference/data/housing_ladder.csv``)
and on the frozen ladder outcomes of the synthetic trial
(``tests/reference/data/ladder_outcomes_synthetic.csv``, ``make_ladder_data.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.common import wilson_interval, z_value
from iedereen_doet_mee.analysis.ladder import ladder_ordinal, ladder_steps_up

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REFERENCE / "ladder_reference.json").read_text())
# Coefficients are maxima of the same likelihood: they agree to about 1e-8. Standard
# errors: statsmodels inverts a numerical Hessian (clm an analytic one, polr optim's
# numerical one), which limits agreement to about 5e-6 relative.
COEF_RTOL, SE_RTOL = 1e-6, 2e-5


def _synthetic() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / "ladder_outcomes_synthetic.csv",
                       dtype={"band": str, "instruments": str})


def _frame(intake, last, band=None, instruments=None) -> pd.DataFrame:
    n = len(intake)
    last = pd.Series(last, dtype=float)
    up = pd.array([None if np.isnan(b) else b > a for a, b in zip(intake, last, strict=True)],
                  dtype="boolean")
    return pd.DataFrame({"band": band or ["40-60"] * n, "instruments": instruments or ["no"] * n,
                         "ladder_intake": pd.Series(intake, dtype=float), "ladder_last": last,
                         "ladder_up": up})


# -- share one rung up --------------------------------------------------------------------
def test_wilson_interval_equals_prop_test_without_correction():
    # prop.test(x, n, correct = FALSE)$conf.int for (0, 5), (5, 5), (1, 1), (3, 7)
    for x, n, _, low, high in R["wilson"]["edge"]:
        assert wilson_interval(int(x), int(n), z=z_value(0.95)) == pytest.approx(
            (low, high), rel=1e-9, abs=1e-12)
    assert np.isnan(wilson_interval(0, 0, z=1.96)).all()


def test_share_up_per_cell_matches_r_on_the_synthetic_trial():
    # prop.test(sum(up), n, correct = FALSE) per cell: e.g. 40-60/no 6 of 18,
    # [0.162787747508337, 0.562505327040549]; overall 18 of 68, [0.174497406698789, ...]
    result = ladder_steps_up(_synthetic())
    table = result.table.set_index("term").loc[R["wilson"]["terms"]]
    ref = np.asarray(R["wilson"]["table"])
    np.testing.assert_array_equal(table["n"], ref[:, 1])
    np.testing.assert_allclose(table["estimate"], ref[:, 2], rtol=1e-12)
    np.testing.assert_allclose(table["conf_low"], ref[:, 3], rtol=1e-9)
    np.testing.assert_allclose(table["conf_high"], ref[:, 4], rtol=1e-9)
    counts = result.extras["counts"].set_index(["band", "instruments"])
    assert counts.loc[("all", "all"), "no_measurement_after_intake"] == 32
    assert result.n == 68 and "32 of 100" in result.notes[0]


def test_transition_matrix_matches_r_table():
    # table(factor(intake, levels = 1:6), factor(last, levels = 1:6))
    result = ladder_steps_up(_synthetic())
    counts = result.extras["transitions"]
    np.testing.assert_array_equal(counts[list(range(1, 7))].to_numpy(),
                                  np.asarray(R["transitions"]["counts"]))
    shares = result.extras["transition_shares"]
    assert shares.loc[3].tolist() == pytest.approx([0, 1 / 27, 16 / 27, 9 / 27, 1 / 27, 0])
    assert shares.loc[5].isna().all()  # nobody started on rung 5
    by_cell = result.extras["transitions_by_cell"]
    assert by_cell["count"].sum() == 68 and len(by_cell) == 4 * 36


def test_share_up_degenerate_cells_still_answer():
    frame = _frame([2, 3, 3, 4, 2], [3, 4, np.nan, 5, np.nan],
                   band=["40-60", "40-60", "60-80", "60-80", "60-80"],
                   instruments=["no", "no", "no", "yes", "yes"])
    frame["band"] = pd.Categorical(frame["band"], categories=["40-60", "60-80"])
    frame["instruments"] = pd.Categorical(frame["instruments"], categories=["no", "yes"])
    table = ladder_steps_up(frame).table.set_index("term")
    everyone = table.loc["band=40-60:instruments=no"]
    assert everyone["estimate"] == 1 and everyone["conf_high"] == 1 and everyone["n"] == 2
    assert everyone["conf_low"] == pytest.approx(wilson_interval(2, 2, z=z_value(0.95))[0])
    result = ladder_steps_up(frame)
    reasons = {item.term: item.reason for item in result.not_estimable}
    assert "nobody of 0" in reasons["band=40-60:instruments=yes"]
    assert "nobody of 1" in reasons["band=60-80:instruments=no"]
    empty = ladder_steps_up(frame.iloc[:0])
    assert empty.n == 0 and empty.table["estimate"].isna().all()


# -- ordinal regression -------------------------------------------------------------------
@pytest.mark.parametrize("name, file", [("housing", "housing_ladder.csv"),
                                        ("synthetic", "ladder_outcomes_synthetic.csv")])
def test_ordinal_model_matches_polr_and_clm(name, file):
    # polr(factor(ladder_last) ~ ladder_intake + band + instruments, Hess = TRUE) and
    # clm(...) with the same formula; housing: intake 0.634991874261236 (SE
    # 0.0623604147152284), zeta 1|2 0.374628047128005 (SE 0.137424364930387).
    # Same sign convention: logit P(Y <= j) = zeta_j - x'beta in polr, clm and OrderedModel.
    result = ladder_ordinal(pd.read_csv(REFERENCE / "data" / file))
    for fit in ("polr", "clm"):
        ref = R[name][fit]
        np.testing.assert_allclose(result.table["estimate"], ref["coef"] + ref["zeta"],
                                   rtol=COEF_RTOL)
        np.testing.assert_allclose(result.table["std_error"],
                                   ref["coef_std_error"] + ref["zeta_std_error"], rtol=SE_RTOL)
    first = [n.removeprefix("band").removeprefix("instruments") for n in
             R[name]["polr"]["coef_names"][1:]]
    assert all(level in term for level, term in zip(first, result.table["term"][1:],
                                                      strict=False))
    assert result.table["term"].iloc[-1].startswith("threshold[")


@pytest.mark.parametrize("name, file", [("housing", "housing_ladder.csv"),
                                        ("synthetic", "ladder_outcomes_synthetic.csv")])
def test_grouped_ordinal_fit_of_large_trials_matches_polr_clm_and_the_per_person_fit(
        name, file, monkeypatch):
    # from GROUPED_FIT_MIN_PARTICIPANTS on, the model is fitted on the distinct patterns
    # with their counts; switched on here for the reference data
    from iedereen_doet_mee.analysis import ladder

    frame = pd.read_csv(REFERENCE / "data" / file)
    monkeypatch.setattr(ladder, "GROUPED_FIT_MIN_PARTICIPANTS", 10**9)
    per_person = ladder_ordinal(frame)
    monkeypatch.setattr(ladder, "GROUPED_FIT_MIN_PARTICIPANTS", 1)
    grouped = ladder_ordinal(frame)
    assert any("distinct patterns" in note for note in grouped.notes)
    assert not any("distinct patterns" in note for note in per_person.notes)
    for fit in ("polr", "clm"):
        ref = R[name][fit]
        np.testing.assert_allclose(grouped.table["estimate"], ref["coef"] + ref["zeta"],
                                   rtol=COEF_RTOL)
        np.testing.assert_allclose(grouped.table["std_error"],
                                   ref["coef_std_error"] + ref["zeta_std_error"], rtol=SE_RTOL)
    np.testing.assert_allclose(grouped.table["estimate"], per_person.table["estimate"],
                               rtol=COEF_RTOL)


def test_ordinal_model_degenerate_data_says_what_is_not_estimable():
    one_value = _frame([2, 3, 4, 2], [3, 3, 3, 3], instruments=["no", "yes", "no", "yes"])
    result = ladder_ordinal(one_value)
    assert result.table["estimate"].isna().all()
    assert "takes 1 value" in result.not_estimable[0].reason
    separated = _frame([2, 3, 2, 3, 2, 3, 2, 3], [2, 2, 2, 2, 5, 5, 5, 5],
                       instruments=["no"] * 4 + ["yes"] * 4)
    result = ladder_ordinal(separated)
    assert result.table["estimate"].isna().all()
    assert any("separation" in item.reason for item in result.not_estimable)
    # quasi-separation (intake 2 never above 3, intake 4 never below 4): polr reports
    # 27.4 (SE 0.49), clm a singular Hessian; we say it is not estimable
    quasi = _frame([2, 3, 4, 2, 3, 4, 2], [3, 3, 4, 2, 4, 5, 3])
    assert ladder_ordinal(quasi).table["estimate"].isna().all()
    missing_level = _frame([2, 3, 4, 2, 3, 4, 2, 3], [3, 2, 4, 4, 3, 3, 2, 5])
    missing_level["instruments"] = pd.Categorical(["no"] * 8, categories=["no", "yes"])
    result = ladder_ordinal(missing_level)
    assert "nobody with instruments=yes" in result.not_estimable[0].reason
    assert result.table["term"].tolist()[:2] == ["intake_rung", "instruments=yes vs no"]
    assert np.isfinite(result.estimate("intake_rung", "proportional_odds_logit")["estimate"])
    assert ladder_ordinal(missing_level.iloc[:0]).n == 0


def test_bad_values_and_options_are_refused():
    frame = _frame([2, 3], [3, 7])
    with pytest.raises(ValueError, match=r"ladder_last.*7"):
        ladder_steps_up(frame)
    with pytest.raises(ValueError, match="level"):
        ladder_ordinal(_frame([2, 3], [3, 4]), level=95)
    with pytest.raises(ValueError, match="not in the frame"):
        ladder_ordinal(_frame([2, 3], [3, 4]), band="stratum")
