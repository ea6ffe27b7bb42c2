"""Time to regular work, pinned to R (survival 3.5.3, cmprsk 2.2.11; R 4.2.2).

Reference numbers come from tests/reference/survival.R, frozen in
tests/reference/survival_reference.json; the input data (survival::lung, veteran,
mgus2 and the bundled synthetic trial's outcomes) are in tests/reference/data/.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.curves import (
    DAYS_PER_MONTH,
    cumulative_incidence,
    kaplan_meier,
    survival_at,
)
from iedereen_doet_mee.analysis.results import TIDY_COLUMNS
from iedereen_doet_mee.analysis.survival import time_to_regular_work

from .frames import random_small_outcome_frame

REF_DIR = Path(__file__).resolve().parents[1] / "reference"
REF = json.loads((REF_DIR / "survival_reference.json").read_text(encoding="utf-8"))
RTOL = 1e-6


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF_DIR / "data" / name)


def _lung() -> pd.DataFrame:
    frame = _read("survival_lung.csv")
    frame["event"] = np.where(frame["status"] == 2, "death", "censored")
    return frame


def _veteran() -> pd.DataFrame:
    frame = _read("survival_veteran.csv")
    frame["event"] = np.where(frame["status"] == 1, "death", "censored")
    return frame


# (data, keyword arguments of time_to_regular_work, key in the reference JSON)
CASES = {
    "lung": (_lung, dict(time="time", band="ph.ecog", arm="sex", event_of_interest="death",
                         treated="2", control="1", tau_months=365 / DAYS_PER_MONTH)),
    "veteran": (_veteran, dict(time="time", band="celltype", arm="trt", treated="2",
                               control="1", event_of_interest="death",
                               tau_months=180 / DAYS_PER_MONTH)),
    "synthetic": (lambda: _read("survival_synthetic_outcomes.csv"), dict(tau_months=12.0)),
}
TERMS = {"lung": "sex=2", "veteran": "trt=2", "synthetic": "instruments=yes"}


@pytest.fixture(scope="module")
def results():
    return {key: time_to_regular_work(load(), **kwargs) for key, (load, kwargs) in CASES.items()}


def _compare_km(mine: pd.DataFrame, ref: pd.DataFrame) -> None:
    np.testing.assert_array_equal(mine["time_days"], ref["time"])
    np.testing.assert_array_equal(mine["n_risk"], ref["n_risk"])
    np.testing.assert_array_equal(mine["n_event"], ref["n_event"])
    for ours, theirs in [("survival", "surv"), ("std_error_log", "std_err_log"),
                         ("conf_low", "lower"), ("conf_high", "upper")]:
        np.testing.assert_allclose(mine[ours].to_numpy(float),
                                   ref[theirs].to_numpy(float), rtol=RTOL, equal_nan=True)


def test_kaplan_meier_curves_match_survfit_loglog_on_lung(results):
    # survfit(Surv(time, status) ~ sex, data = lung2, conf.type = "log-log") and
    # survfit(Surv(time, status) ~ ph.ecog + sex, ...): every row of fit$time, n.risk,
    # n.event, surv, std.err, lower, upper
    curves = results["lung"].extras["kaplan_meier"]
    ref = pd.DataFrame(REF["lung"]["km"])
    for stratum, part in ref.groupby("strata"):
        _compare_km(curves[curves["term"] == stratum].reset_index(drop=True),
                    part.reset_index(drop=True))
    cells = pd.DataFrame(REF["lung"]["km_cells"])
    for stratum, part in cells.groupby("strata"):
        term = stratum.strip().replace(", ", ":")
        _compare_km(curves[curves["term"] == term].reset_index(drop=True),
                    part.reset_index(drop=True))


def test_kaplan_meier_curves_match_survfit_on_synthetic_cells(results):
    # survfit(Surv(time_days, status) ~ band + instruments, data = syn, conf.type = "log-log")
    curves = results["synthetic"].extras["kaplan_meier"]
    for key in ("km_overall", "km_arms", "km_cells"):
        for stratum, part in pd.DataFrame(REF["synthetic"][key]).groupby("strata"):
            term = "overall" if stratum == "all" else stratum.strip().replace(", ", ":")
            _compare_km(curves[curves["term"] == term].reset_index(drop=True),
                        part.reset_index(drop=True))


def test_plain_interval_matches_survfit_conf_type_plain():
    # survfit(Surv(time, status) ~ 1, data = lung2, conf.type = "plain")
    lung = _lung()
    curve = kaplan_meier(lung["time"], lung["event"] == "death", conf_type="plain")
    _compare_km(curve.rename(columns={"time": "time_days"}), pd.DataFrame(REF["lung"]["km_plain"]))


@pytest.mark.parametrize("key", list(CASES))
def test_stratified_log_rank_matches_survdiff(results, key):
    # lung: survdiff(Surv(time, status) ~ sex + strata(ph.ecog));      chisq 10.7950596334964
    # veteran: survdiff(Surv(time, status) ~ trt + strata(celltype));  chisq 0.701743346844319
    # synthetic: survdiff(Surv(time_days, status) ~ instruments + strata(band)); 5.44948871686862
    ref = REF[key]["logrank"]
    row = results[key].estimate(TERMS[key], "log_rank_stratified")
    assert row["statistic"] == pytest.approx(ref["chisq"], rel=RTOL)
    assert row["p_value"] == pytest.approx(ref["p"], rel=RTOL)
    assert row["estimate"] == pytest.approx(ref["observed"][1] - ref["expected"][1], rel=RTOL)
    assert row["std_error"] ** 2 == pytest.approx(ref["variance"], rel=RTOL)


@pytest.mark.parametrize("key", list(CASES))
def test_stratified_efron_cox_matches_coxph(results, key):
    # lung: coxph(Surv(time, status) ~ factor(sex) + strata(ph.ecog), ties = "efron")
    #   coef -0.554364458142861, se 0.170585203868614
    # veteran: coxph(Surv(time, status) ~ factor(trt) + strata(celltype), ties = "efron")
    #   coef 0.169063909128088, se 0.198235612565965
    # synthetic: coxph(Surv(time_days, status) ~ instruments + strata(band), ties = "efron")
    #   coef 2.07619316676605, se 1.05568655710481
    # rtol 1e-6: both are Newton-Raphson to convergence; they agree to about 1e-9.
    ref = REF[key]["cox"]
    row = results[key].estimate(TERMS[key], "cox_ph_efron_stratified")
    assert np.log(row["estimate"]) == pytest.approx(ref["coef"], rel=RTOL)
    assert row["std_error"] == pytest.approx(ref["se"], rel=RTOL)
    assert row["statistic"] == pytest.approx(ref["z"], rel=RTOL)
    assert row["p_value"] == pytest.approx(ref["p"], rel=RTOL)
    assert row["conf_low"] == pytest.approx(ref["lower"], rel=RTOL)
    assert row["conf_high"] == pytest.approx(ref["upper"], rel=RTOL)


@pytest.mark.parametrize("transform", ["km", "rank", "identity", "log"])
@pytest.mark.parametrize("key", list(CASES))
def test_ph_score_test_matches_cox_zph(key, transform):
    # cox.zph(fit, transform = transform)$table[1, c("chisq", "p")] for the fits above,
    # e.g. lung km: chisq 2.36810771079854, p 0.123837080968215. The Cox coefficient
    # comes from statsmodels (about 1e-9 from R's), hence rtol 1e-6.
    load, kwargs = CASES[key]
    result = time_to_regular_work(load(), **kwargs, ph_transform=transform)
    row = result.estimate(TERMS[key], f"ph_test_schoenfeld_{transform}")
    ref = REF[key]["cox"]["zph"][transform]
    assert row["statistic"] == pytest.approx(ref["chisq"], rel=RTOL)
    assert row["p_value"] == pytest.approx(ref["p"], rel=RTOL)


@pytest.mark.parametrize("key", list(CASES))
def test_restricted_mean_matches_survfit_rmean(results, key):
    # summary(survfit(Surv(time, status) ~ arm), rmean = tau)$table[, c("rmean", "se(rmean)")]
    # with tau = 365 days (lung), 180 days (veteran), 12 * 30.436875 days (synthetic);
    # R works in days, we report months: divide by 30.436875
    ref = REF[key]["rmst"]
    table = results[key].table
    rows = table[table["estimator"] == "rmst_kaplan_meier"].set_index("term")
    for stratum, rmean, se in zip(ref["strata"], ref["rmean"], ref["se"], strict=True):
        assert rows.loc[stratum, "estimate"] == pytest.approx(rmean / DAYS_PER_MONTH, rel=RTOL)
        assert rows.loc[stratum, "std_error"] == pytest.approx(se / DAYS_PER_MONTH, rel=RTOL)
    diff = results[key].table.query("estimator == 'rmst_difference'").iloc[0]
    # the difference and its SE are arithmetic on the two R values
    assert diff["estimate"] == pytest.approx((ref["rmean"][1] - ref["rmean"][0])
                                             / DAYS_PER_MONTH, rel=RTOL)
    assert diff["std_error"] == pytest.approx(np.hypot(*ref["se"]) / DAYS_PER_MONTH, rel=RTOL)


def _at(curve: pd.DataFrame, times, column: str) -> np.ndarray:
    index = np.searchsorted(curve["time"].to_numpy(), times, side="right") - 1
    return curve[column].to_numpy()[index]


def test_cumulative_incidence_matches_cmprsk_cuminc_on_mgus2():
    # timepoints(cuminc(mg2$etime, mg2$event, group = mg2$sex, cencode = 0), times)$est / $var
    # curves "F 1", "M 1" (progression, death competing); est also equals
    # survfit(Surv(etime, factor(event)) ~ sex)$pstate[, "pcm"] (multi-state Aalen-Johansen)
    mgus = _read("survival_mgus2.csv")
    ref = REF["mgus2"]
    for i, sex in enumerate(["F", "M"]):
        part = mgus[mgus["sex"] == sex]
        curve = cumulative_incidence(part["etime"], part["event"])
        est = _at(curve, ref["cuminc"]["times"], "estimate")
        np.testing.assert_allclose(est, ref["cuminc"]["est"][i], rtol=RTOL)
        np.testing.assert_allclose(est, ref["multistate_pcm"][f"sex={sex}"], rtol=RTOL)
        np.testing.assert_allclose(_at(curve, ref["cuminc"]["times"], "std_error") ** 2,
                                   ref["cuminc"]["var"][i], rtol=RTOL)


def test_cumulative_incidence_rows_match_cmprsk_on_synthetic(results):
    # timepoints(cuminc(syn$time_days, syn$code, group = syn$instruments), 12 * 30.436875)
    ref = REF["synthetic"]["cuminc"]
    table = results["synthetic"].table
    rows = table[table["estimator"] == "aalen_johansen_cumulative_incidence"].set_index("term")
    for i, arm in enumerate(["no", "yes"]):  # curves "no 1", "yes 1"; time index 1 = 12 months
        assert rows.loc[f"instruments={arm}", "estimate"] == pytest.approx(ref["est"][i][1],
                                                                            rel=RTOL)
        assert rows.loc[f"instruments={arm}", "std_error"] ** 2 == pytest.approx(
            ref["var"][i][1], rel=RTOL)
    curves = results["synthetic"].extras["cumulative_incidence"]
    assert set(curves["term"]) == {"overall", "instruments=no", "instruments=yes"}


def test_result_shape_and_notes(results):
    result = results["synthetic"]
    assert tuple(result.table.columns) == TIDY_COLUMNS and result.question == "survival"
    assert list(result.table["estimator"]) == [
        "log_rank_stratified", "cox_ph_efron_stratified", "ph_test_schoenfeld_km",
        "aalen_johansen_cumulative_incidence", "rmst_kaplan_meier",
        "aalen_johansen_cumulative_incidence", "rmst_kaplan_meier", "rmst_difference"]
    assert any("competing" in note for note in result.notes)
    again = time_to_regular_work(_read("survival_synthetic_outcomes.csv"))
    pd.testing.assert_frame_equal(result.table, again.table)


def _frame(times, events, bands=None, arms=None) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame({"time_days": times, "event": events,
                         "band": bands if bands is not None else ["40-60"] * n,
                         "instruments": arms if arms is not None else ["yes", "no"] * (n // 2)
                         + ["yes"] * (n % 2)})


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"time_days": [], "event": [], "band": [], "instruments": []}),
    _frame([400], ["regular_work"]),                                      # one person
    _frame([100, 200, 400, 500], ["censored"] * 4),                       # no events
    _frame([100, 200, 300, 340], ["regular_work"] * 4),                   # only events
    _frame([100, 200, 300, 400], ["regular_work", "censored", "moved", "regular_work"],
           arms=["yes"] * 4),                                             # one arm only
    _frame([50, 100, 200, 300, 380, 400], ["regular_work", "censored", "moved",
                                           "regular_work", "censored", "regular_work"],
           bands=["40-60"] * 4 + ["60-80"] * 2, arms=["yes", "no", "yes", "no", "no", "no"]),
    _frame([0, 0, 150, 180], ["regular_work"] * 2 + ["censored"] * 2),  # one event time
])
def test_degenerate_data_never_crash_and_say_why(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = time_to_regular_work(frame, ph_transform="log")
    assert tuple(result.table.columns) == TIDY_COLUMNS and len(result.table) == 8
    table = result.table
    is_test = table["estimator"].str.startswith("ph_test")
    missing = table[np.where(is_test, table["statistic"].isna(), table["estimate"].isna())]
    flagged = {(item.term, item.estimator) for item in result.not_estimable}
    assert {(r.term, r.estimator) for r in missing.itertuples()} == flagged
    assert all(item.reason for item in result.not_estimable)


def test_random_small_trials_never_crash_or_warn():
    rng = np.random.default_rng(7)
    for _ in range(40):
        frame = random_small_outcome_frame(rng, 12)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = time_to_regular_work(frame)
        assert len(result.table) == 8


def test_band_without_instruments_contributes_nothing_to_the_comparison():
    # a band where everyone has the same arm carries no information on the arm effect
    frame = _read("survival_synthetic_outcomes.csv")
    extra = pd.DataFrame({"participant_id": ["X1", "X2"], "band": ["80-100"] * 2,
                          "instruments": ["no"] * 2, "event": ["regular_work", "censored"],
                          "time_days": [50, 300]})
    base = time_to_regular_work(frame).table.set_index("estimator")
    more = time_to_regular_work(pd.concat([frame, extra])).table.set_index("estimator")
    for name in ("log_rank_stratified", "cox_ph_efron_stratified"):
        assert more.loc[name, "estimate"] == pytest.approx(base.loc[name, "estimate"], rel=1e-8)


def test_bad_options_and_columns_are_refused():
    frame = _read("survival_synthetic_outcomes.csv")
    with pytest.raises(ValueError, match="ph_transform='spline'"):
        time_to_regular_work(frame, ph_transform="spline")
    with pytest.raises(ValueError, match="'arm_x'"):
        time_to_regular_work(frame, arm="arm_x")
    with pytest.raises(ValueError, match="treated='ja'"):
        time_to_regular_work(frame, treated="ja")
    with pytest.raises(ValueError, match=">= 0"):
        time_to_regular_work(frame.assign(time_days=-1))
    with pytest.raises(ValueError, match="conf_type"):
        kaplan_meier([1.0], [True], conf_type="log")


def _coverage(hits: np.ndarray) -> tuple[float, float]:
    rate = float(np.mean(hits))
    return rate, float(np.sqrt(0.95 * 0.05 / len(hits)))


def test_kaplan_meier_loglog_interval_covers_95_percent_monte_carlo():
    # exponential times (rate 1), uniform censoring on (0, 3); true S(0.7) = exp(-0.7)
    rng = np.random.default_rng(20140701)
    hits = []
    for _ in range(1000):
        event_time, censor = rng.exponential(1.0, 80), rng.uniform(0, 3, 80)
        curve = kaplan_meier(np.minimum(event_time, censor), event_time <= censor)
        row = survival_at(curve, 0.7)
        hits.append(row["conf_low"] <= np.exp(-0.7) <= row["conf_high"])
    rate, mcse = _coverage(np.array(hits))
    assert abs(rate - 0.95) < 4 * mcse, rate


def test_cumulative_incidence_interval_covers_95_percent_monte_carlo():
    # cause-specific hazards 0.6 (cause 1) and 0.4 (cause 2), uniform censoring on (0, 3):
    # true F1(1) = 0.6 * (1 - exp(-1))
    rng = np.random.default_rng(20160701)
    truth, hits = 0.6 * (1 - np.exp(-1.0)), []
    for _ in range(600):
        exit_time, censor = rng.exponential(1.0, 80), rng.uniform(0, 3, 80)
        cause = np.where(exit_time <= censor, np.where(rng.uniform(size=80) < 0.6, 1, 2), 0)
        curve = cumulative_incidence(np.minimum(exit_time, censor), cause)
        row = curve.iloc[np.searchsorted(curve["time"], 1.0, side="right") - 1]
        hits.append(row["conf_low"] <= truth <= row["conf_high"])
    rate, mcse = _coverage(np.array(hits))
    assert abs(rate - 0.95) < 4 * mcse, rate
