"""Redesign grid, minimum detectable effect, closed forms, power plot and command line.

References: the closed forms against Cohen's (1988, ch. 6) formula computed by hand and
the exact binomial law enumerated independently (``scipy.stats.binomtest`` per count);
the simulated power against the exact power of the same Wald tests by enumerating every
table (pooled: two-arm counts; block-weighted: the four cells), within 4 Monte Carlo
standard errors; the closed form against that exact power within the normal formula's
approximation error (at most 0.0084 measured here, tolerance 0.01).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import ndtr, ndtri

from iedereen_doet_mee import redesign as cli
from iedereen_doet_mee.design.trial_design import TrialDesign
from iedereen_doet_mee.diagnosis.design_grid import (
    DEFAULT_ESTIMATOR,
    GRID_KEYS,
    closed_form_mde,
    closed_form_power,
    minimum_detectable_effect,
    redesign,
)
from iedereen_doet_mee.reporting.figures.power_curves import power_curve_figure, save_power_plot
from iedereen_doet_mee.simulation.parameters import SimulationParameters

RANDOMISED = TrialDesign(allocation="randomised")
CONTROL = (0.12, 0.20)  # the simulation parameters' control cells
Z = float(ndtri(0.975))
HC2 = "overall|risk_difference_hc2"
BLOCK = "overall|risk_difference_block_weighted"
FISHER = "pooled|fisher_exact_two_sided"
MET = "overall|binomial_exact_one_sided_target_met"
MISSED = "overall|binomial_exact_one_sided_target_missed"


def _pmf(n, p):
    return stats.binom.pmf(np.arange(n + 1), n, p)


def exact_pooled_wald(n, control, effect):
    """Power of the pooled Wald test (variance p(1-p)/(N-1) per arm), every table enumerated."""
    f0 = np.convolve(_pmf(n, control[0]), _pmf(n, control[1]))
    f1 = np.convolve(_pmf(n, control[0] + effect), _pmf(n, control[1] + effect))
    big = 2 * n
    p1, p0 = np.arange(big + 1)[:, None] / big, np.arange(big + 1)[None, :] / big
    var = (p1 * (1 - p1) + p0 * (1 - p0)) / (big - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        reject = (var > 0) & (np.abs(p1 - p0) > Z * np.sqrt(var))
    return float((f1[:, None] * f0[None, :] * reject).sum())


def exact_block_weighted_wald(n, control, effect):
    """Power of the block-weighted Wald test (two equal bands), the four cells enumerated."""
    x = np.arange(n + 1) / n
    v = x * (1 - x) / (n - 1)
    a, b, c, d = np.ix_(x, x, x, x)
    va, vb, vc, vd = np.ix_(v, v, v, v)
    est = 0.5 * (a - b) + 0.5 * (c - d)
    var = 0.25 * (va + vb + vc + vd)
    with np.errstate(divide="ignore", invalid="ignore"):
        reject = (var > 0) & (np.abs(est) > Z * np.sqrt(var))
    w = np.einsum("i,j,k,l->ijkl", _pmf(n, control[0] + effect), _pmf(n, control[0]),
                  _pmf(n, control[1] + effect), _pmf(n, control[1]))
    return float((w * reject).sum())


def exact_target_power(shares, n, alternative):
    """Power of the exact binomial test against 40%: the total of four binomial cells,
    enumerated cell by cell, rejected where ``scipy.stats.binomtest`` says so."""
    w = np.einsum("i,j,k,l->ijkl", *(_pmf(n, p) for p in shares))
    total = np.bincount(np.indices(w.shape).sum(axis=0).ravel(), weights=w.ravel())
    reject = [stats.binomtest(x, 4 * n, 0.4, alternative=alternative).pvalue <= 0.05
              for x in range(4 * n + 1)]
    return float(total[reject].sum())


def _power(frame, key, **where):
    rows = frame[(frame["estimator_key"] == key) & (frame["diagnosand"] == "power")]
    for column, value in where.items():
        rows = rows[np.isclose(rows[column], value)]
    assert len(rows) == 1
    return rows.iloc[0]


# -- grid shape and determinism ---------------------------------------------------------

def test_grid_shape_columns_and_same_seed_identical_frame():
    grid = {"n_per_cell": [5, 10], "effect": [0.0, 0.1], "attrition": [0.0, 0.1]}
    first = redesign(RANDOMISED, grid=grid, sims=200, seed=4)
    again = redesign(RANDOMISED, grid=grid, sims=200, seed=4)
    other = redesign(RANDOMISED, grid=grid, sims=200, seed=5)
    assert list(first.columns) == [*GRID_KEYS, "estimator_key", "diagnosand", "value",
                                   "mc_se", "closed_form", "closed_form_method"]
    assert len(first) == 8 * 12 * 8  # grid points x estimators x diagnosands
    assert first.groupby(["n_per_cell", "effect", "attrition"]).size().eq(96).all()
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert not first["value"].equals(other["value"])
    assert first.attrs["redesign"]["seed_policy"].startswith("common random numbers")
    # closed form only on power rows, and only for estimators that have one
    assert first.loc[first["diagnosand"] != "power", "closed_form"].isna().all()
    power = first[first["diagnosand"] == "power"].set_index("estimator_key")
    assert power.loc["band=60-80 - band=40-60|risk_difference_interaction_hc2",
                     "closed_form"].isna().all()
    assert power.loc[MET, "closed_form_method"].str.startswith("exact").all()


def test_power_rises_with_size_and_effect_under_censoring():
    frame = redesign(RANDOMISED, grid={"n_per_cell": [15, 40, 80], "effect": [0.0, 0.1, 0.2]},
                     sims=600, seed=2)
    for n in (15, 40, 80):
        curve = [_power(frame, BLOCK, n_per_cell=n, effect=e) for e in (0.0, 0.1, 0.2)]
        for low, high in itertools.pairwise(curve):
            assert high.value >= low.value - 2 * max(high.mc_se, low.mc_se)
        assert curve[2].value - curve[0].value > 0.05
    by_n = [_power(frame, BLOCK, n_per_cell=n, effect=0.2).value for n in (15, 40, 80)]
    assert by_n[0] < by_n[1] < by_n[2]
    assert by_n[2] - by_n[0] > 0.3


# -- closed forms against hand computation and exact enumeration ----------------------------

def test_normal_closed_form_is_cohens_formula_by_hand():
    design = RANDOMISED.replace(n_per_cell=30)
    shares = np.array([[0.12, 0.27], [0.20, 0.35]])
    p1, p0 = (0.27 + 0.35) / 2, (0.12 + 0.20) / 2
    h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
    s = math.sqrt(1 / 60 + 1 / 60)
    by_hand = ndtr(abs(h) / s - Z) + ndtr(-abs(h) / s - Z)
    for key in (HC2, BLOCK, FISHER):
        power, method = closed_form_power(design, shares, estimator=key)
        assert power == pytest.approx(by_hand, rel=1e-10) and method.startswith("normal")
    band, _ = closed_form_power(design, shares, estimator="band=40-60|risk_difference_hc2")
    hb = 2 * math.asin(math.sqrt(0.27)) - 2 * math.asin(math.sqrt(0.12))
    sb = math.sqrt(2 / 30)
    assert band == pytest.approx(ndtr(hb / sb - Z) + ndtr(-hb / sb - Z), rel=1e-10)
    assert closed_form_power(design, np.array([[0.2, 0.2], [0.3, 0.3]]),
                             estimator=HC2)[0] == pytest.approx(0.05, abs=1e-12)
    assert math.isnan(closed_form_power(design, shares, estimator="x|y")[0])


def test_normal_closed_form_mde_inverts_cohens_formula():
    # h* = (z_{1-alpha/2} + z_{0.8}) s (the far tail adds < 1e-6), p1 = sin^2(asin sqrt p0 + h/2)
    for n in (15, 25, 40, 60):
        design = RANDOMISED.replace(n_per_cell=n)
        h = (Z + ndtri(0.8)) * math.sqrt(2 / (2 * n))
        p0 = sum(CONTROL) / 2
        by_hand = math.sin(math.asin(math.sqrt(p0)) + h / 2) ** 2 - p0
        mde, method = closed_form_mde(design, CONTROL, estimator=BLOCK)
        assert mde == pytest.approx(by_hand, abs=1e-5) and method.startswith("normal")
    design = RANDOMISED.replace(n_per_cell=25)
    mde, _ = closed_form_mde(design, CONTROL, estimator=BLOCK)
    assert closed_form_power(design, np.array([[c, c + mde] for c in CONTROL]),
                             estimator=BLOCK)[0] == pytest.approx(0.8, abs=1e-5)
    assert math.isnan(closed_form_mde(RANDOMISED.replace(n_per_cell=1), CONTROL,
                                      estimator=BLOCK)[0])  # beyond a share of 1


def test_exact_binomial_closed_form_against_independent_enumeration():
    design = RANDOMISED  # 25 per cell, target 40%
    for shares in ([0.4, 0.45, 0.45, 0.5], [0.3, 0.3, 0.3, 0.3], [0.5, 0.6, 0.45, 0.55]):
        grid = np.array(shares).reshape(2, 2)
        met, method = closed_form_power(design, grid, estimator=MET)
        missed, _ = closed_form_power(design, grid, estimator=MISSED)
        assert method.startswith("exact")
        assert met == pytest.approx(exact_target_power(shares, 25, "greater"), rel=1e-9)
        assert missed == pytest.approx(exact_target_power(shares, 25, "less"), rel=1e-9)
    # equal shares: the plain binomial; its MDE reaches 80% exactly
    mde, _ = closed_form_mde(design, (0.4, 0.45), estimator=MET)
    power = exact_target_power([0.4, 0.4 + mde, 0.45, 0.45 + mde], 25, "greater")
    assert power == pytest.approx(0.8, abs=1e-6)
    assert math.isnan(closed_form_mde(design, CONTROL, estimator=MISSED)[0])


# -- simulation against the closed forms (full follow-up, randomised) -----------------------

@pytest.fixture(scope="module")
def agreement():
    return redesign(RANDOMISED, grid={"n_per_cell": [25, 40], "effect": [0.0, 0.1, 0.2]},
                    sims=3000, seed=11, full_follow_up=True)


def test_simulated_wald_power_agrees_with_exact_and_closed_form(agreement):
    sims = 3000
    for n in (25, 40):
        for effect in (0.0, 0.1, 0.2):
            pooled = exact_pooled_wald(n, CONTROL, effect)
            block = exact_block_weighted_wald(n, CONTROL, effect)
            for key, exact in ((HC2, pooled), (BLOCK, block)):
                row = _power(agreement, key, n_per_cell=n, effect=effect)
                se = math.sqrt(exact * (1 - exact) / sims)
                assert abs(row.value - exact) <= 4 * se, (key, n, effect, row.value, exact)
                # the normal formula's own error against the exact power of the test
                assert abs(row.closed_form - exact) <= 0.01, (key, n, effect)
                assert abs(row.value - row.closed_form) <= 4 * se + 0.01
            fisher = _power(agreement, FISHER, n_per_cell=n, effect=effect)
            assert fisher.value < block  # Fisher's exact test is conservative


def test_simulated_target_test_power_agrees_with_exact_binomial():
    sims = 3000
    frame = redesign(RANDOMISED, grid={"effect": [0.0, 0.05, 0.1]}, control_outflow=[0.4, 0.45],
                     sims=sims, seed=11, full_follow_up=True)
    for effect in (0.0, 0.05, 0.1):
        for key in (MET, MISSED):
            row = _power(frame, key, effect=effect)
            se = math.sqrt(row.closed_form * (1 - row.closed_form) / sims)
            assert abs(row.value - row.closed_form) <= 4 * max(se, 1 / sims), (key, effect)


def test_closed_form_differs_under_censoring_and_assigned_allocation():
    # administrative censoring lowers observed outflow: simulated power far below
    grid = {"n_per_cell": [60], "effect": [0.0, 0.2]}
    censored = redesign(RANDOMISED, grid=grid, sims=600, seed=3)
    row = _power(censored, BLOCK, effect=0.2)
    assert row.closed_form - row.value > 8 * row.mc_se
    # assigned allocation with selection: the test rejects too often under no effect
    assigned = redesign(TrialDesign(), grid=grid, sims=600, seed=3, full_follow_up=True)
    row = _power(assigned, BLOCK, effect=0.0)
    assert row.value - 0.05 > 4 * math.sqrt(0.05 * 0.95 / 600)


# -- minimum detectable effect --------------------------------------------------------------

def _synthetic(values, effects, se=0.0, sims=1000):
    frame = pd.DataFrame({"n_per_cell": 40, "effect": effects, "enrolment_months": 24,
                          "attrition": 0.03, "estimator_key": BLOCK, "diagnosand": "power",
                          "value": values, "mc_se": se, "closed_form": math.nan,
                          "closed_form_method": ""})
    frame.attrs["redesign"] = {"design": RANDOMISED, "control_outflow": list(CONTROL),
                               "sims": sims, "alpha": 0.05}
    return frame


def test_mde_interpolation_is_exact_for_a_probit_linear_curve():
    effects = np.array([0.0, 0.1, 0.2, 0.3])
    values = ndtr(-1.6 + 12.0 * effects)
    out = minimum_detectable_effect(_synthetic(values, effects, se=0.01)).iloc[0]
    assert out.mde == pytest.approx((ndtri(0.8) + 1.6) / 12.0, abs=1e-12)
    assert out.mde_low < out.mde < out.mde_high and out.status == "found"
    assert out.closed_form_mde == pytest.approx(closed_form_mde(
        RANDOMISED.replace(n_per_cell=40), CONTROL, estimator=BLOCK)[0])
    # a dip from Monte Carlo noise is pooled (isotonic) before interpolating
    dipped = minimum_detectable_effect(_synthetic([0.05, 0.5, 0.45, 0.9], effects)).iloc[0]
    g = ndtri(np.array([0.475, 0.9]))
    assert dipped.mde == pytest.approx(0.2 + (ndtri(0.8) - g[0]) / (g[1] - g[0]) * 0.1)
    assert minimum_detectable_effect(_synthetic([0.1, 0.5, 0.6, 0.7], effects)).iloc[0] \
        .status == "above the largest effect"
    assert minimum_detectable_effect(_synthetic([0.85, 0.9, 0.95, 0.99], effects)).iloc[0] \
        .status == "at or below the smallest effect"


def test_simulated_mde_agrees_with_closed_form_mde_under_full_follow_up():
    frame = redesign(RANDOMISED, grid={"n_per_cell": [40],
                                       "effect": [0.14, 0.16, 0.18, 0.2, 0.22, 0.24]},
                     sims=2000, seed=5, full_follow_up=True)
    out = minimum_detectable_effect(frame, estimator=HC2).iloc[0]
    assert out.status == "found" and out.mde_low < out.mde < out.mde_high
    half = (out.mde_high - out.mde_low) / 2  # a 95% Monte Carlo half-width (1.96 SE)
    # 4 Monte Carlo SE plus the normal formula's error on the effect scale (< 0.005)
    assert abs(out.mde - out.closed_form_mde) <= half * 4 / 1.96 + 0.005


def _without_attrs(frame):
    frame.attrs = {}
    return frame


def test_mde_needs_settings_and_effects():
    frame = redesign(RANDOMISED, grid={"effect": [0.1]}, sims=50, seed=1)
    with pytest.raises(ValueError, match="two or more non-negative effects"):
        minimum_detectable_effect(frame)
    with pytest.raises(ValueError, match="no settings"):
        minimum_detectable_effect(frame.copy().pipe(_without_attrs))
    with pytest.raises(ValueError, match="power"):
        minimum_detectable_effect(frame, power=1.5)


# -- bad and degenerate input ---------------------------------------------------------------

@pytest.mark.parametrize(("grid", "match"), [
    ({"size": [10]}, "not allowed"), ({"n_per_cell": []}, "n_per_cell"),
    ({"n_per_cell": [0]}, "whole numbers"), ({"n_per_cell": [2.5]}, "whole numbers"),
    ({"effect": [0.1, 0.1]}, "distinct"), ({"attrition": [1.0]}, r"\[0, 1\)"),
    ({"effect": [True]}, "effect"), ({"effect": "0.1"}, "effect"),
    ({"effect": [0.9]}, "outside"), ([("effect", [0.1])], "must map"),
])
def test_bad_grids_are_refused(grid, match):
    with pytest.raises(ValueError, match=match):
        redesign(RANDOMISED, grid=grid, sims=10)


def test_bad_control_outflow_and_single_arm():
    with pytest.raises(ValueError, match="one share in"):
        redesign(RANDOMISED, grid={"effect": [0.1]}, control_outflow=[0.1], sims=10)
    with pytest.raises(ValueError, match="needs an effect"):
        redesign(RANDOMISED, grid={"n_per_cell": [5]}, control_outflow=[0.1, 0.2], sims=10)
    caseload = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=20)
    assumptions = dataclasses.replace(SimulationParameters(), regular_work_24m=0.3,
                                      subsidised_work_24m=0.05)
    with pytest.raises(ValueError, match="two arms"):
        redesign(caseload, assumptions, grid={"effect": [0.1]}, sims=10)
    frame = redesign(caseload, assumptions, grid={"n_per_cell": [1, 20]}, sims=50, seed=1)
    assert set(frame["estimator_key"]) == {"overall|proportion_clopper_pearson", MET, MISSED}


def test_one_person_per_cell_does_not_crash():
    frame = redesign(RANDOMISED, grid={"n_per_cell": [1], "effect": [0.0, 0.3]}, sims=100,
                     seed=1)
    assert len(frame) == 2 * 12 * 8
    assert minimum_detectable_effect(frame).iloc[0].status == "no power estimate"
    assert minimum_detectable_effect(frame, estimator=FISHER).iloc[0].status \
        == "above the largest effect"


# -- plot -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    return redesign(RANDOMISED, grid={"n_per_cell": [15, 40], "effect": [0.0, 0.1, 0.2],
                                      "attrition": [0.0, 0.1]}, sims=100, seed=1)


def test_plot_files_are_byte_identical_across_runs(small, tmp_path):
    for suffix in ("svg", "png"):
        digests = [save_power_plot(power_curve_figure(small, lang="nl"),
                                   tmp_path / f"{k}.{suffix}") for k in range(2)]
        assert digests[0] == digests[1]
        assert (tmp_path / f"0.{suffix}").read_bytes() == (tmp_path / f"1.{suffix}").read_bytes()
    svg = (tmp_path / "0.svg").read_text(encoding="utf-8")
    assert "40 per cel" in svg and "formule (gestreept)" in svg and "<dc:date>" not in svg
    save_power_plot(power_curve_figure(small, lang="en"), tmp_path / "en.svg")
    assert "40 per cell" in (tmp_path / "en.svg").read_text(encoding="utf-8")


def test_plot_draws_closed_form_dashed_and_panels(small):
    fig = power_curve_figure(small, lang="en", estimator=HC2)
    panels = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in panels] == ["enrolment 24 months, attrition 0%",
                                                 "enrolment 24 months, attrition 10%"]
    dashed = [line for line in panels[0].lines if line.get_linestyle() == "--"]
    assert len(dashed) == 2  # one closed-form curve per size
    x, y = dashed[1].get_data()
    design = RANDOMISED.replace(n_per_cell=40)
    expected = closed_form_power(design, np.array([[c, c + x[-1]] for c in CONTROL]),
                                 estimator=HC2)[0]
    assert y[-1] == pytest.approx(expected)


def test_plot_refuses_bad_input(small, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        power_curve_figure(small, lang="de")
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        save_power_plot(power_curve_figure(small), tmp_path / "plot.pdf")


# -- command line ---------------------------------------------------------------------------

def test_cli_json(capsys):
    args = ["--n-per-cell", "15,25", "--effect", "0,0.1,0.2", "--sims", "200",
            "--allocation", "randomised", "--full-follow-up", "--json", "--no-progress"]
    assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["settings"]["estimator"] == DEFAULT_ESTIMATOR
    assert out["settings"]["closed_form_applies"] is True
    assert out["settings"]["control_outflow"] == {"40-60": 0.12, "60-80": 0.2}
    assert len(out["power"]) == 6 and {"value", "mc_se", "closed_form"} <= set(out["power"][0])
    assert len(out["minimum_detectable_effect"]) == 2
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out) == out  # same seed, same output


def test_cli_text_and_plot(tmp_path, capsys):
    plot = tmp_path / "power.png"
    assert cli.main(["--n-per-cell", "20", "--effect", "0,0.2", "--sims", "100",
                     "--estimator", FISHER, "--plot", str(plot), "--lang", "en",
                     "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "Minimum detectable effect at 80% power" in captured.out
    assert "which this simulation does not have" in captured.out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "match"), [
    (["--estimator", "nope"], "is not an estimator"),
    (["--control-outflow", "0.1"], "one share in"),
    (["--effect", "0,0.95"], "outside"),
    (["--plot", "power.pdf"], "must end in .svg or .png"),
    (["--power", "1.2"], "--power"),
])
def test_cli_bad_arguments_exit_2(args, match, capsys):
    assert cli.main([*args, "--sims", "10", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err


def test_cli_unparsable_list_exits_2_from_python_dash_m():
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.redesign", "--effect",
                          "a,b"], capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert "comma-separated" in run.stderr and "Traceback" not in run.stderr


def test_fft_convolution_of_large_totals_equals_the_direct_one(monkeypatch):
    # from FFT_CONVOLUTION_MIN_PARTICIPANTS on, the total's distribution is convolved by
    # FFT; the same probabilities up to rounding
    from iedereen_doet_mee.diagnosis import design_grid as module

    sizes, shares = np.array([[300, 700], [500, 500]]), np.array([[0.1, 0.2], [0.3, 0.25]])
    monkeypatch.setattr(module, "FFT_CONVOLUTION_MIN_PARTICIPANTS", 10**9)
    direct = module._total_pmf(sizes, shares)
    monkeypatch.setattr(module, "FFT_CONVOLUTION_MIN_PARTICIPANTS", 1)
    fft = module._total_pmf(sizes, shares)
    np.testing.assert_allclose(fft, direct, rtol=0, atol=1e-14)
    assert (fft >= 0).all() and fft.sum() == pytest.approx(1.0, abs=1e-12)


def test_cli_a_fault_after_the_options_were_checked_is_exit_3(monkeypatch, capsys):
    real = cli.redesign

    def faulty(*args, sims, **kwargs):
        if sims > 1:
            raise ValueError("a fault inside the grid")
        return real(*args, sims=sims, **kwargs)

    monkeypatch.setattr(cli, "redesign", faulty)
    assert cli.main(["--n-per-cell", "20", "--effect", "0,0.2", "--sims", "50",
                     "--no-progress"]) == 3
    assert "unexpected error" in capsys.readouterr().err
    assert cli.main(["--n-per-cell", "20", "--effect", "0,0.95", "--no-progress"]) == 2
