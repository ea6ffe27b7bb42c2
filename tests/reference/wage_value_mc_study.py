"""Coverage study of the wage-value growth intervals (run once; output frozen).

    python tests/reference/wage_value_mc_study.py     (about 10 minutes on 2 cores)

Simulates trials whose true growth of wage value per month is
``SimulationParameters().wage_value_growth_per_month`` (0.3 without, 0.6 with
instruments, the same in both bands) and records, per estimator and trial size, the
bias, the SD of the estimates, the mean standard error and the coverage of the 95%
intervals of the four cell slopes, each with its Monte Carlo standard error. Writes
``tests/reference/wage_value_mc_study.json``; ``docs/methods/wage_value.md`` quotes it.
The fast Monte Carlo tests in ``tests/analysis/test_wage_value.py`` are smaller.
"""

import json
import platform
from pathlib import Path

import numpy as np
import statsmodels

from iedereen_doet_mee.analysis.wage_value import (
    wage_value_long,
    wage_value_mixed_model,
    wage_value_within,
)
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

SEED = 20140701
SETTINGS = [  # estimator, participants per cell, trials
    ("lmm_reml", 25, 150), ("within_ols_cluster", 25, 150),
    ("lmm_reml", 50, 150), ("within_ols_cluster", 50, 150),
    ("within_ols_cluster", 200, 150),
]


def study(name: str, n_per_cell: int, trials: int) -> dict:
    fit = wage_value_mixed_model if name == "lmm_reml" else wage_value_within
    parameters = SimulationParameters()
    design = TrialDesign(n_per_cell=n_per_cell)
    terms = [f"growth_per_month[band={b}:instruments={a}]"
             for b in design.strata for a in design.arms]
    truth = np.array([parameters.wage_value_growth_per_month[a]
                      for _ in design.strata for a in design.arms])
    hits, errors, ses = [], [], []
    for child in np.random.SeedSequence(SEED).spawn(trials):
        trial = simulate_trial(design, parameters=parameters,
                               seed=int(child.generate_state(1)[0]))
        table = fit(wage_value_long(trial)).table.set_index("term").loc[terms]
        hits += list((table["conf_low"] <= truth) & (truth <= table["conf_high"]))
        errors += list(table["estimate"] - truth)
        ses += list(table["std_error"])
    hits, errors = np.asarray(hits, dtype=float), np.asarray(errors)
    missing = np.isnan(errors)  # not estimable: counted as not covered
    errors = errors[~missing]
    return {"estimator": name, "n_per_cell": n_per_cell, "trials": trials,
            "intervals": int(hits.size), "not_estimable": int(missing.sum()),
            "coverage": hits.mean(), "coverage_mc_se": float(np.sqrt(0.95 * 0.05 / hits.size)),
            "bias": errors.mean(), "bias_mc_se": errors.std(ddof=1) / np.sqrt(errors.size),
            "sd_estimate": errors.std(ddof=1), "mean_std_error": float(np.nanmean(ses))}


if __name__ == "__main__":
    rows = [study(*setting) for setting in SETTINGS]
    out = Path(__file__).with_name("wage_value_mc_study.json")
    out.write_text(json.dumps({"python": platform.python_version(),
                               "statsmodels": statsmodels.__version__, "seed": SEED,
                               "results": rows}, indent=2, default=float) + "\n")
    print(f"wrote {out}")
