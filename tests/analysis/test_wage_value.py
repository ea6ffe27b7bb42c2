"""Wage value over time: mixed model and within estimator against R, degenerate data, coverage.

References (frozen; R is not run here):

* ``tests/reference/wage_value.R`` -> ``tests/reference/wage_value_reference.json``: lme4 1.1.31
  and plm 2.6.2 on R 4.2.2, on ``lme4::sleepstudy`` (exported to
  ``tests/reference/data/sleepstudy.csv``) and on the frozen long frame of the synthetic
  trial (``tests/reference/data/wage_value_long_synthetic.csv``, written by
  ``tests/reference/make_wage_value_data.py``): point estimates and the mixed model's SEs.
* ``tests/reference/wage_value_small_sample.R`` ->
  ``tests/reference/wage_value_small_sample_reference.json``: lmerTest 3.1.3 Satterthwaite
  degrees of freedom (``contest1D``) and clubSandwich 0.5.8 CR2 standard errors with
  Bell-McCaffrey degrees of freedom (``linear_contrast``), on the same two data sets, and
  Satterthwaite at a singular fit (``data/wage_value_long_singular.csv``, a simulated
  trial written by ``make_wage_value_singular_data.py``).
* ``tests/reference/wage_value_small_sample_mc_study.py`` ->
  ``wage_value_small_sample_mc_study.json``: coverage at 25 per cell (quoted in the docs).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from iedereen_doet_mee.analysis.outcomes import wage_value_long
from iedereen_doet_mee.analysis.wage_value import wage_value_mixed_model, wage_value_within
from iedereen_doet_mee.data import TrialData
from iedereen_doet_mee.data.dtypes import as_declared_types
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REFERENCE / "wage_value_reference.json").read_text())
SMALL = json.loads((REFERENCE / "wage_value_small_sample_reference.json").read_text())
LMM, LMM_T, WITHIN = "lmm_reml", "lmm_reml_satterthwaite", "within_ols_cr2_satterthwaite"
DESIGN = TrialDesign()
CELLS = [("40-60", "no"), ("40-60", "yes"), ("60-80", "no"), ("60-80", "yes")]
GROWTH = [f"growth_per_month[band={b}:instruments={a}]" for b, a in CELLS]
CONTRASTS = ["growth_difference[instruments=yes - no | band=40-60]",
             "growth_difference[instruments=yes - no | band=60-80]",
             "growth_difference[instruments=yes - no]",
             "growth_difference[band=60-80 - 40-60]",
             "growth_interaction[band=60-80:instruments=yes]"]
VARIANCE = ["sd[participant: intercept]", "sd[participant: time]",
            "cor[participant: intercept, time]", "sd[residual]"]
# Optimisers differ (lme4: bobyqa on the relative Cholesky factor, rhoend 1e-12;
# statsmodels: L-BFGS on its own parametrisation), so REML estimates agree to about
# 1e-5 relative, not to machine precision. Variance components are flatter in the
# likelihood and agree to about 1e-4.
LMM_RTOL, LMM_ATOL, VARIANCE_RTOL = 1e-4, 1e-6, 1e-3


def _sleepstudy() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / "sleepstudy.csv")


def _synthetic() -> pd.DataFrame:
    return _synthetic_like("wage_value_long_synthetic.csv")


def _synthetic_like(name: str) -> pd.DataFrame:
    long = pd.read_csv(REFERENCE / "data" / name,
                       dtype={"participant_id": str, "band": str, "instruments": str})
    long["band"] = pd.Categorical(long["band"], categories=list(DESIGN.strata))
    long["instruments"] = pd.Categorical(long["instruments"], categories=list(DESIGN.arms))
    return long


def _column(result, terms, column="estimate", estimator=None) -> np.ndarray:
    table = result.table
    if estimator is not None:
        table = table[table["estimator"] == estimator]
    return table.set_index("term").loc[terms, column].to_numpy(dtype=float)


def _t_half_width(se, df) -> np.ndarray:
    return stats.t.ppf(0.975, np.asarray(df, dtype=float)) * np.asarray(se, dtype=float)


# -- the long frame -------------------------------------------------------------------
def _trial(with_measurements: bool = True) -> TrialData:
    people = pd.DataFrame({
        "participant_id": ["A", "B", "C"], "band": ["40-60", "60-80", "60-80"],
        "instruments": ["yes", "no", "yes"],
        "enrolled_on": ["2014-08-01", "2015-03-01", "2016-01-01"],
        "exit_on": [None, None, None], "exit_reason": [None, None, None],
        "follow_up_end_on": [None, "2015-10-01", None]})
    tables = {"participants": as_declared_types(people, "participants", DESIGN)}
    if with_measurements:
        tables["measurements"] = as_declared_types(pd.DataFrame({
            "participant_id": ["A", "A", "A", "B", "B", "B", "C"],
            "measured_on": ["2014-08-01", "2015-02-01", "2015-02-01", "2015-03-01",
                            "2015-09-01", "2015-12-01", "2016-01-01"],
            "measure": ["wage_value", "wage_value", "ladder_rung", "wage_value", "wage_value",
                        "wage_value", "wage_value"],
            "value": [50.0, 53.0, 3.0, 61.0, 64.0, 66.0, 70.0]}), "measurements", DESIGN)
    return TrialData(DESIGN, tables)


def test_long_frame_has_months_since_enrolment_and_only_what_was_known():
    long = wage_value_long(_trial())
    assert list(long["participant_id"]) == ["A", "A", "B", "B", "C"]  # B's last: lost by then
    assert long["time"].tolist() == pytest.approx([0, 184 / 30.436875, 0, 184 / 30.436875, 0])
    assert list(long["band"].cat.categories) == ["40-60", "60-80"]
    interim = wage_value_long(_trial(), as_of="2015-06-01")
    assert list(interim["participant_id"]) == ["A", "A", "B"]  # C not enrolled yet


def test_a_trial_without_measurements_says_what_is_not_estimable():
    long = wage_value_long(_trial(with_measurements=False))
    assert long.empty and list(long.columns)[-1] == "time"
    for fit in (wage_value_mixed_model, wage_value_within):
        result = fit(long)
        assert result.table["estimate"].isna().all() and result.n == 0
        assert len(result.not_estimable) == len(result.table)
    trajectories = wage_value_mixed_model(long).extras["trajectories"]
    assert len(trajectories) == 4 * 5 and trajectories["estimate"].isna().all()


# -- (a) mixed model against lme4 and lmerTest ------------------------------------------
def test_mixed_model_reproduces_lme4_on_sleepstudy():
    # lmer(Reaction ~ Days + (1 + Days | Subject), REML = TRUE): Days 10.4672859595955
    # (SE 1.54578896195228); intercept 251.405104848482 (SE 6.82455714168575)
    ref = R["sleepstudy_lmer"]
    result = wage_value_mixed_model(_sleepstudy())
    row = result.estimate("growth_per_month[band=all:instruments=all]", LMM)
    assert row["estimate"] == pytest.approx(ref["fixef"][1], rel=LMM_RTOL)
    assert row["std_error"] == pytest.approx(ref["std_error"][1], rel=LMM_RTOL)
    start = result.extras["trajectories"].iloc[0]
    assert start["estimate"] == pytest.approx(ref["fixef"][0], rel=LMM_RTOL)
    assert start["std_error"] == pytest.approx(ref["std_error"][0], rel=LMM_RTOL)
    # VarCorr: 24.7404546267992, 5.92213343207676, 0.0655512188026083, 25.5918152475128
    expected = [ref["sd_intercept"], ref["sd_time"], ref["cor"], ref["sd_residual"]]
    assert _column(result, VARIANCE) == pytest.approx(expected, rel=VARIANCE_RTOL)
    # lmerTest contest1D(ddf = "Satterthwaite"): df 16.9999979697215 for Days, about 17
    # for every trajectory point (18 subjects, balanced: the within-subject df)
    satterthwaite = result.estimate("growth_per_month[band=all:instruments=all]", LMM_T)
    half = satterthwaite["conf_high"] - satterthwaite["estimate"]
    small = SMALL["sleepstudy_lmer"]
    assert half == pytest.approx(_t_half_width(row["std_error"], small["df"]), rel=1e-6)
    # p = 3e-6 lies far in the tail, where a df difference of 3e-6 relative moves p by 2e-5
    assert satterthwaite["p_value"] == pytest.approx(
        2 * stats.t.sf(satterthwaite["statistic"], small["df"]), rel=1e-4)
    trajectories = result.extras["trajectories"]
    np.testing.assert_allclose(trajectories["df"], small["trajectories"]["df"], rtol=1e-4)


def test_mixed_model_reproduces_lme4_and_lmertest_on_the_synthetic_trial():
    # lmer(value ~ time * band * instruments + (1 + time | participant_id), REML = TRUE);
    # cell slopes, contrasts and trajectories are L %*% fixef(f) with sqrt(diag(L V L'));
    # lmerTest contest1D(f, L, ddf = "Satterthwaite") gives their degrees of freedom
    ref, small = R["synthetic_lmer"], SMALL["synthetic_lmer"]
    result = wage_value_mixed_model(_synthetic())
    for terms, key in ((GROWTH, "growth"), (CONTRASTS, "contrasts")):
        for estimator in (LMM, LMM_T):  # the same estimates and SEs, different intervals
            np.testing.assert_allclose(_column(result, terms, estimator=estimator),
                                       ref[key]["estimate"], rtol=LMM_RTOL, atol=LMM_ATOL)
            np.testing.assert_allclose(_column(result, terms, "std_error", estimator),
                                       ref[key]["std_error"], rtol=LMM_RTOL)
        se = _column(result, terms, "std_error", LMM)
        normal = _column(result, terms, "conf_high", LMM) - _column(result, terms, estimator=LMM)
        np.testing.assert_allclose(normal, 1.959963984540054 * se, rtol=1e-12)
        # the t quantile pins the df to about 1e-4 (observed agreement with lmerTest 2e-6)
        half = _column(result, terms, "conf_high", LMM_T) - _column(result, terms,
                                                                   estimator=LMM_T)
        np.testing.assert_allclose(half, _t_half_width(se, small[key]["df"]), rtol=1e-6)
    trajectories = result.extras["trajectories"]
    assert trajectories["month"].tolist() == [0, 6, 12, 18, 24] * 4
    np.testing.assert_allclose(trajectories["estimate"], ref["trajectories"]["estimate"],
                               rtol=LMM_RTOL)
    np.testing.assert_allclose(trajectories["std_error"], ref["trajectories"]["std_error"],
                               rtol=LMM_RTOL)
    np.testing.assert_allclose(trajectories["df"], small["trajectories"]["df"], rtol=1e-4)
    half = trajectories["conf_high"] - trajectories["estimate"]
    np.testing.assert_allclose(half, _t_half_width(trajectories["std_error"],
                                                   trajectories["df"]), rtol=1e-12)
    expected = [ref["sd_intercept"], ref["sd_time"], ref["cor"], ref["sd_residual"]]
    assert _column(result, VARIANCE) == pytest.approx(expected, rel=VARIANCE_RTOL)
    assert result.n == 100 and result.table["n"].iloc[0] == 25
    assert not small["singular"]


def test_satterthwaite_df_match_lmertest_at_a_singular_fit():
    # a simulated trial whose REML fit is singular (lme4 theta = 1.125, -0.009, 0: the
    # random-effect covariance has rank 1); lmerTest then differentiates along lme4's
    # Cholesky factor, which the chain rule reproduces. Our REML optimum is a little
    # inside the boundary, so the df agree to about 1e-4 (growth 104.5786 in R)
    small = SMALL["singular_lmer"]
    long = _synthetic_like("wage_value_long_singular.csv")
    result = wage_value_mixed_model(long)
    assert small["singular"] and any("singular" in note for note in result.notes)
    # the REML surface is flat at the boundary: Nelder-Mead stops at log-likelihoods
    # 1e-7 apart under statsmodels 0.14 and 0.15, and the growth estimates (SE 0.17 to
    # 0.19) differ from lme4's by up to 1e-5 and 2e-6; atol 2e-5 is 1e-4 SE
    np.testing.assert_allclose(_column(result, GROWTH, estimator=LMM_T),
                               small["growth"]["estimate"], rtol=LMM_RTOL, atol=2e-5)
    se = _column(result, GROWTH, "std_error", LMM_T)
    np.testing.assert_allclose(se, small["growth"]["std_error"], rtol=LMM_RTOL)
    half = _column(result, GROWTH, "conf_high", LMM_T) - _column(result, GROWTH,
                                                                estimator=LMM_T)
    # through the df (about 100): 5.3e-7 under statsmodels 0.15, 1.03e-6 under 0.14.1
    np.testing.assert_allclose(half, _t_half_width(se, small["growth"]["df"]), rtol=3e-6)
    np.testing.assert_allclose(result.extras["trajectories"]["df"],
                               small["trajectories"]["df"], rtol=2e-3)


# -- (b) within estimator against plm and clubSandwich ------------------------------------
def test_within_estimator_reproduces_plm_and_club_sandwich_cr2():
    # estimates: plm(value ~ time:cell, model = "within"); SEs and intervals:
    # clubSandwich linear_contrast(lm(value ~ 0 + slopes + participant), vcovCR(type =
    # "CR2"), test = "Satterthwaite"), which the R script also checks against the CR2 and
    # Bell-McCaffrey df computed from the full hat matrix
    ref, small = R["synthetic_plm"], SMALL["synthetic_within"]
    result = wage_value_within(_synthetic())
    assert set(result.table["estimator"]) == {WITHIN}
    terms = GROWTH + CONTRASTS
    np.testing.assert_allclose(_column(result, terms),
                               ref["growth"]["estimate"] + ref["contrasts"]["estimate"],
                               rtol=1e-8)
    np.testing.assert_allclose(_column(result, terms), small["estimate"], rtol=1e-8)
    for column in ("std_error", "conf_low", "conf_high"):
        np.testing.assert_allclose(_column(result, terms, column), small[column], rtol=1e-8)
    # CR2 is larger than plm's CR1 ("sss") here: unequal leverage within cells
    assert (_column(result, GROWTH, "std_error") > ref["growth"]["std_error"]).all()
    assert result.n == small["groups"] == 68
    p = 2 * stats.t.sf(np.abs(_column(result, terms) / small["std_error"]), small["df"])
    np.testing.assert_allclose(_column(result, terms, "p_value"), p, rtol=1e-6)


def test_within_cr2_reduces_to_cr1_with_g_minus_1_df_when_balanced():
    # sleepstudy is balanced (18 subjects, days 0-9 each): every cluster has the same
    # leverage, so CR2 equals plm's CR1 "sss" SE (1.54578889629473) and the
    # Bell-McCaffrey df equal G - 1 = 17, as clubSandwich reports
    row = wage_value_within(_sleepstudy()).table.iloc[0]
    assert row["estimate"] == pytest.approx(R["sleepstudy_plm"]["estimate"], rel=1e-9)
    assert row["std_error"] == pytest.approx(R["sleepstudy_plm"]["std_error"], rel=1e-8)
    small = SMALL["sleepstudy_within"]
    assert small["df"] == pytest.approx(17, rel=1e-12)
    assert [row["conf_low"], row["conf_high"]] == pytest.approx(
        [small["conf_low"], small["conf_high"]], rel=1e-8)


def test_within_cr2_matches_a_direct_computation_with_the_full_hat_matrix():
    # a small unbalanced panel: CR2 and Bell-McCaffrey df computed here from the model
    # with participant dummies (N x N hat matrix, Moore-Penrose square roots)
    rng = np.random.default_rng(5)
    rows = [(f"p{i}", b, a, t) for i, (b, a) in enumerate([("x", "u"), ("x", "v")] * 5)
            for t in sorted(rng.choice(12, size=2 + i % 3, replace=False))]
    long = pd.DataFrame(rows, columns=["participant_id", "band", "instruments", "time"])
    long["value"] = 50 + 0.5 * long["time"] + rng.normal(0, 2, len(long))
    result = wage_value_within(long)
    slopes = np.column_stack([(long["instruments"] == a) * long["time"] for a in "uv"])
    dummies = pd.get_dummies(long["participant_id"]).to_numpy(dtype=float)
    x = np.hstack([slopes, dummies])
    xtx = np.linalg.pinv(x.T @ x)
    hat = x @ xtx @ x.T
    resid = long["value"].to_numpy() - hat @ long["value"].to_numpy()
    weights = (xtx @ x.T)[:2]  # rows of (X'X)^- X' for the two slopes
    groups = [np.flatnonzero(long["participant_id"] == p)
              for p in pd.unique(long["participant_id"])]
    roots = []
    for g in groups:
        values, vectors = np.linalg.eigh(np.eye(len(g)) - hat[np.ix_(g, g)])
        inv_root = np.where(values > 1e-10, 1 / np.sqrt(np.abs(values)), 0.0)
        roots.append(vectors @ np.diag(inv_root) @ vectors.T)
    for term, vec in (("growth_per_month[band=x:instruments=u]", [1, 0]),
                      ("growth_difference[instruments=v - u | band=x]", [-1, 1])):
        a = np.asarray(vec) @ weights
        se = math.sqrt(sum((a[g] @ r @ resid[g]) ** 2 for g, r in zip(groups, roots, strict=True)))
        cols = []
        for g, r in zip(groups, roots, strict=True):
            v = np.zeros(len(long))
            v[g] = r @ a[g]
            cols.append((np.eye(len(long)) - hat) @ v)
        inner = np.column_stack(cols).T @ np.column_stack(cols)
        df = np.trace(inner) ** 2 / (inner**2).sum()
        row = result.estimate(term, WITHIN)
        assert row["std_error"] == pytest.approx(se, rel=1e-10), term
        assert row["conf_high"] - row["estimate"] == pytest.approx(
            stats.t.ppf(0.975, df) * se, rel=1e-10), term


# -- degenerate data ------------------------------------------------------------------
def test_a_cell_without_measurements_leaves_the_others_estimated():
    long = _synthetic()
    long = long[~((long["band"] == "60-80") & (long["instruments"] == "yes"))]
    for fit, estimator in ((wage_value_mixed_model, LMM_T), (wage_value_mixed_model, LMM),
                           (wage_value_within, WITHIN)):
        result = fit(long)
        growth = _column(result, GROWTH, estimator=estimator)
        assert np.isfinite(growth[:3]).all() and np.isnan(growth[3])
        contrasts = _column(result, CONTRASTS, estimator=estimator)
        assert np.isfinite(contrasts[0]) and np.isnan(contrasts[1:]).all()
        assert np.isfinite(_column(result, GROWTH[:3], "conf_low", estimator)).all()
        reasons = {(item.term, item.estimator): item.reason for item in result.not_estimable}
        assert "no wage-value measurements in this cell" in reasons[GROWTH[3], estimator]


def test_people_with_one_measurement_or_one_time_do_not_crash():
    long = _synthetic()
    first = long.drop_duplicates("participant_id")
    for fit in (wage_value_mixed_model, wage_value_within):
        result = fit(first)
        assert result.table["estimate"].isna().all()
        assert any("repeated measurements" in i.reason or "two different times" in i.reason
                   for i in result.not_estimable)
    # one cell measured at intake only: its growth is not estimable, the rest is
    at_intake = long.copy()
    cell = (at_intake["band"] == "40-60") & (at_intake["instruments"] == "no")
    at_intake.loc[cell, "time"] = 0.0
    result = wage_value_mixed_model(at_intake)
    for estimator in (LMM, LMM_T):
        growth = _column(result, GROWTH, estimator=estimator)
        assert np.isnan(growth[0]) and np.isfinite(growth[1:]).all()
    assert "same time" in result.not_estimable[0].reason
    assert np.isfinite(_column(result, VARIANCE)).all()
    # two participants per cell, two measurements each: the within fit still answers
    repeated = long[long.groupby("participant_id")["time"].transform("nunique") > 1]
    two = repeated.drop_duplicates("participant_id").groupby(
        ["band", "instruments"], observed=True).head(2)["participant_id"]
    tiny = long[long["participant_id"].isin(two)]
    for fit, estimator in ((wage_value_within, WITHIN), (wage_value_mixed_model, LMM_T)):
        table = fit(tiny).table
        rows = table[table["estimator"] == estimator]
        assert rows["estimate"].notna().all() and rows["std_error"].notna().all(), estimator


def test_bad_options_and_columns_are_refused_and_results_are_reproducible():
    long = _synthetic()
    with pytest.raises(ValueError, match="level"):
        wage_value_mixed_model(long, level=1.5)
    with pytest.raises(ValueError, match="keyword arguments"):
        wage_value_within(long.rename(columns={"time": "months"}))
    renamed = long.rename(columns={"time": "months", "participant_id": "client"})
    result = wage_value_within(renamed, time="months", participant="client")
    pd.testing.assert_frame_equal(result.table, wage_value_within(long).table)
    pd.testing.assert_frame_equal(wage_value_mixed_model(_sleepstudy()).table,
                                  wage_value_mixed_model(_sleepstudy()).table)


# -- coverage on simulated trials -------------------------------------------------------
def _pieces(n: int, seed: int) -> list[pd.DataFrame]:
    """Long frames of ``n`` trials of 25 per cell, cut at random from one big trial
    (``wage_value_small_sample_mc_study.pieces``: same enrolment, follow-up and
    measurement schedule as a trial of 100)."""
    trial = simulate_trial(TrialDesign(n_per_cell=25 * n), seed=seed)
    long = wage_value_long(trial)
    people = trial.participants[["participant_id", "band", "instruments"]].astype(str)
    rng, people["piece"] = np.random.default_rng(seed), 0
    for _, index in people.groupby(["band", "instruments"]).groups.items():
        people.loc[rng.permutation(index), "piece"] = np.arange(len(index)) // 25
    long = long.merge(people[["participant_id", "piece"]], on="participant_id")
    return [part.drop(columns="piece") for _, part in long.groupby("piece", sort=True)]


def _growth_hits(estimator: str, fit, pieces: list[pd.DataFrame]):
    """Interval hits and errors of the four cell slopes; the truth is
    ``SimulationParameters.wage_value_growth_per_month`` (by arm)."""
    growth = SimulationParameters().wage_value_growth_per_month
    truth = np.array([growth[a] for _, a in CELLS])
    hits, errors = [], []
    for long in pieces:
        table = fit(long).table
        table = table[table["estimator"] == estimator].set_index("term").loc[GROWTH]
        hits += list((table["conf_low"] <= truth) & (table["conf_high"] >= truth))
        errors += list(table["estimate"] - truth)
    return np.asarray(hits, dtype=float), np.asarray(errors)


def test_within_cr2_intervals_cover_the_simulated_growth_at_25_per_cell():
    # 250 trials of 25 per cell (1000 intervals; before CR2, CR1 with t(G - 1) covered
    # 0.90 at this size): coverage within 4 MC SE of 95%, mean error within 4 MC SE of 0
    hits, errors = _growth_hits(WITHIN, wage_value_within, _pieces(250, 20140701))
    assert abs(hits.mean() - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / hits.size), hits.mean()
    assert abs(errors.mean()) <= 4 * errors.std(ddof=1) / np.sqrt(errors.size)


def test_mixed_model_satterthwaite_intervals_cover_the_simulated_growth():
    # statsmodels' REML fit takes about 0.7 s, so 10 trials of 25 per cell (40 intervals):
    # a loose check of the mean error and the coverage (within 4 MC SE); the frozen study
    # (400 trials) measures the coverage precisely
    hits, errors = _growth_hits(LMM_T, wage_value_mixed_model, _pieces(10, 20160701))
    assert abs(errors.mean()) <= 4 * errors.std(ddof=1) / np.sqrt(errors.size)
    assert abs(hits.mean() - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / hits.size), hits.mean()


def test_the_frozen_coverage_study_shows_the_corrected_intervals_near_95_percent():
    # tests/reference/wage_value_small_sample_mc_study.json (400 trials of 25 per cell):
    # the corrected intervals cover within 4 MC SE of 95%, the former ones did not
    study = {r["estimator"]: r for r in json.loads(
        (REFERENCE / "wage_value_small_sample_mc_study.json").read_text())["results"]}
    for estimator in (LMM_T, WITHIN):
        cells = study[estimator]["cell_slopes"]
        assert abs(cells["coverage"] - 0.95) <= 4 * math.sqrt(0.95 * 0.05 / cells["intervals"])
    assert study["within_cr1_t_g_minus_1"]["cell_slopes"]["coverage"] < 0.93
