"""Benchmark: vectorised design diagnosis against a straightforward per-trial loop.

Run ``python benchmarks/bench_diagnose.py`` (add ``--million`` to also run 1,000,000
simulated trials and report peak memory; that takes a few minutes).

On the same simulated trials (drawn once by the package's vectorised simulator) the
loop analyses each trial as a researcher would write it: a statsmodels logistic
regression with the band x instruments interaction, Fisher's exact test of
instruments pooled over bands and the exact binomial test against the 40% target.
The script prints seconds per simulated trial of both (the package's figure includes
simulating the trials; the loop's does not), their ratio, and whether the results
agree: trial by trial on the identical trials, and power within Monte Carlo error
between the loop and a 10,000-trial diagnosis. Targets (issue 4): at least 100 times
fewer seconds per simulated trial; 10,000 trials in seconds; 1,000,000 trials under
2 GB peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.design_diagnosis import (
    analyse_outcomes,
    diagnose_design,
    with_outflow,
)
from iedereen_doet_mee.diagnosis.simulate_many import simulate_outcomes
from iedereen_doet_mee.simulation.parameters import SimulationParameters

DESIGN = TrialDesign(allocation="randomised")
PARAMS = with_outflow(SimulationParameters(), DESIGN, [0.20, 0.30, 0.35, 0.50])
LOOP_TRIALS = 300
SIMS = 10_000


def _loop(frames: list[pd.DataFrame], formula: bool) -> tuple[float, list[tuple]]:
    """Analyse each trial on its own; return seconds and (coef, se, fisher p, binom p)."""
    out = []
    start = time.perf_counter()
    for frame in frames:
        coef = se = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                if formula:
                    fit = smf.logit("y ~ instruments * band", frame).fit(disp=0)
                    name = "instruments[T.yes]:band[T.60-80]"
                    coef, se = fit.params[name], fit.bse[name]
                else:
                    t = (frame["instruments"] == "yes").to_numpy(float)
                    b = (frame["band"] == "60-80").to_numpy(float)
                    x = np.column_stack([np.ones_like(t), t, b, t * b])
                    fit = sm.Logit(frame["y"].to_numpy(float), x).fit(disp=0)
                    coef, se = fit.params[3], fit.bse[3]
            except Exception:  # perfect separation: the loop records a failure
                pass
        table = pd.crosstab(frame["instruments"], frame["y"]).reindex(
            index=["yes", "no"], columns=[1, 0], fill_value=0).to_numpy()
        fisher = stats.fisher_exact(table).pvalue
        binom = stats.binomtest(int(frame["y"].sum()), len(frame), 0.4,
                                alternative="greater").pvalue
        out.append((coef, se, fisher, binom))
    return time.perf_counter() - start, out


def _frames(seed: int) -> tuple[list[pd.DataFrame], np.ndarray, np.ndarray]:
    out = simulate_outcomes(DESIGN, PARAMS, LOOP_TRIALS, np.random.default_rng(seed))
    strata = np.asarray(DESIGN.strata)[out.stratum]
    arms = np.asarray(DESIGN.arms)[out.arm]
    frames = [pd.DataFrame({"y": out.outflow[i].astype(int), "band": strata[i],
                            "instruments": arms[i]})[out.enrolled[i]]
              for i in range(LOOP_TRIALS)]
    events, sizes = out.cell_counts(2, 2)
    return frames, events, sizes


def _million() -> None:
    """Run in a child process: 1,000,000 trials, print seconds and peak memory."""
    start = time.perf_counter()
    d = diagnose_design(DESIGN, parameters=PARAMS, sims=1_000_000, seed=1, progress=True)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb,
                      "power": d.value("pooled|fisher_exact_two_sided", "power")}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true",
                        help="also run 1,000,000 simulated trials and report peak memory")
    parser.add_argument("--child-million", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_million:
        _million()
        return
    frames, events, sizes = _frames(seed=3)
    vector = {d.key: d for d in analyse_outcomes(DESIGN, events, sizes, level=0.95)}
    formula_seconds, formula_results = _loop(frames, formula=True)
    array_seconds, _ = _loop(frames, formula=False)
    start = time.perf_counter()
    diagnosis = diagnose_design(DESIGN, parameters=PARAMS, sims=SIMS, seed=3)
    package_seconds = time.perf_counter() - start

    loop = np.array(formula_results, dtype=float)
    logit = vector["instrumentsyes:band60-80|logit_coefficient"]
    both = logit.estimable & np.isfinite(loop[:, 0])
    coef_diff = np.max(np.abs(logit.estimate[both] - loop[both, 0]))
    se_diff = np.max(np.abs(logit.std_error[both] - loop[both, 1]) / loop[both, 1])
    fisher_diff = np.max(np.abs(vector["pooled|fisher_exact_two_sided"].p_value - loop[:, 2]))
    binom_diff = np.max(np.abs(
        vector["overall|binomial_exact_one_sided_target_met"].p_value - loop[:, 3]))
    per_trial_package = package_seconds / SIMS
    print(f"package: {SIMS} simulated trials (simulation included) in {package_seconds:.2f} s "
          f"= {per_trial_package * 1e6:.1f} microseconds per trial")
    for label, seconds in (("formula API (smf.logit)", formula_seconds),
                           ("array API (sm.Logit)", array_seconds)):
        per_trial = seconds / LOOP_TRIALS
        print(f"loop, {label}: {LOOP_TRIALS} trials in {seconds:.2f} s = "
              f"{per_trial * 1e3:.2f} ms per trial (analysis only); ratio "
              f"{per_trial / per_trial_package:.0f} x (target >= 100)")
    separated = int((~logit.estimable).sum())
    print(f"identical trials: logistic interaction coefficient max |diff| {coef_diff:.1e}, "
          f"standard error max relative diff {se_diff:.1e} over the {both.sum()} trials "
          f"without separation; in the other {separated} a cell had no events or only "
          f"events: the package reports 'not estimable', statsmodels returned "
          f"{int(np.isfinite(loop[~logit.estimable, 0]).sum())} unconverged finite estimates; "
          f"Fisher p max |diff| {fisher_diff:.1e}, binomial p max |diff| {binom_diff:.1e}")
    for key, column, name in (("pooled|fisher_exact_two_sided", 2, "Fisher pooled"),):
        p_loop = float(np.mean(loop[:, column] <= 0.05))
        p_pkg = diagnosis.value(key, "power")
        se = np.sqrt(p_loop * (1 - p_loop) / LOOP_TRIALS + p_pkg * (1 - p_pkg) / SIMS)
        agree = abs(p_loop - p_pkg) <= 4 * max(se, 1e-12)
        print(f"power of {name}: loop {p_loop:.3f} on {LOOP_TRIALS} trials, package "
              f"{p_pkg:.3f} on {SIMS}; |diff| {abs(p_loop - p_pkg):.3f} vs 4 MC SE "
              f"{4 * se:.3f}: {'agree' if agree else 'DISAGREE'}")
    if args.million:
        child = subprocess.run([sys.executable, __file__, "--child-million"], check=True,
                               stdout=subprocess.PIPE, text=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"1,000,000 simulated trials: {result['seconds']:.0f} s, peak memory "
              f"{result['peak_mb']:.0f} MB (target < 2048 MB)")


if __name__ == "__main__":
    main()
