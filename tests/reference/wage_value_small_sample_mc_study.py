"""Coverage of the wage-value growth intervals at the trial's size (run once; output frozen).

    python tests/reference/wage_value_small_sample_mc_study.py    (about 15 minutes)

One trial of the default design with 25 x 400 participants per cell is simulated with
the default ``SimulationParameters`` (true growth of wage value per month 0.3 without
and 0.6 with instruments, in both bands) and cut into 400 trials of 25 per cell: within
each cell the participants are put in a random order (fixed seed) and taken 25 at a time,
so every piece has the enrolment dates, follow-up and measurements of a trial of 100.
Participants are independent given their cell, so the pieces are independent trials.

For each piece it records, per estimator, whether the 95% intervals of the four cell
slopes and of the instrument contrast ``growth_difference[instruments=yes - no]`` (true
value 0.3) cover the truth, the error and the standard error. Estimators: the mixed
model with normal quantiles (``lmm_reml``) and with Satterthwaite t
(``lmm_reml_satterthwaite``), the within estimator with CR2 and Bell-McCaffrey t
(``within_ols_cr2_satterthwaite``) and, for comparison, the within estimator as it was
before (``within_cr1_t_g_minus_1``: linearmodels ``PanelOLS(entity_effects=True).fit(
cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)``, t with
G - 1 degrees of freedom). Writes ``wage_value_small_sample_mc_study.json``.
"""

import json
import platform
from pathlib import Path

import linearmodels
import numpy as np
import pandas as pd
import statsmodels
from scipy import stats

from iedereen_doet_mee.analysis.outcomes import wage_value_long
from iedereen_doet_mee.analysis.wage_value import wage_value_mixed_model, wage_value_within
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

SEED, PIECES, PER_CELL = 20160701, 400, 25
CELLS = [("40-60", "no"), ("40-60", "yes"), ("60-80", "no"), ("60-80", "yes")]
TERMS = [f"growth_per_month[band={b}:instruments={a}]" for b, a in CELLS]
TERMS.append("growth_difference[instruments=yes - no]")
GROWTH = SimulationParameters().wage_value_growth_per_month
TRUTH = np.array([GROWTH[a] for _, a in CELLS] + [GROWTH["yes"] - GROWTH["no"]])


def pieces(seed: int = SEED, n: int = PIECES, per_cell: int = PER_CELL):
    """The long frames of ``n`` trials of ``per_cell`` per cell, cut from one big trial."""
    trial = simulate_trial(TrialDesign(n_per_cell=per_cell * n), seed=seed)
    long = wage_value_long(trial)
    people = trial.participants[["participant_id", "band", "instruments"]].astype(str)
    rng = np.random.default_rng(seed)
    people["piece"] = 0
    for _, index in people.groupby(["band", "instruments"]).groups.items():
        people.loc[rng.permutation(index), "piece"] = np.arange(len(index)) // per_cell
    long = long.merge(people[["participant_id", "piece"]], on="participant_id")
    return [part.drop(columns="piece") for _, part in long.groupby("piece", sort=True)]


def within_cr1(long: pd.DataFrame) -> pd.DataFrame:
    """The former within estimator: CR1 (G/(G-1)(N-1)/(N-K)) and t with G - 1 df."""
    from linearmodels.panel import PanelOLS

    d = long[long.groupby("participant_id")["time"].transform("nunique") > 1]
    index = pd.MultiIndex.from_arrays([d["participant_id"],
                                       d.groupby("participant_id").cumcount()])
    exog = pd.DataFrame({f"s{i}": ((d["band"] == b) & (d["instruments"] == a)) * d["time"]
                         for i, (b, a) in enumerate(CELLS)}).set_axis(index)
    res = PanelOLS(d["value"].set_axis(index), exog, entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)
    weights = np.vstack([np.eye(4), [[-0.5, 0.5, -0.5, 0.5]]])
    est = weights @ res.params.to_numpy()
    se = np.sqrt(np.diag(weights @ res.cov.to_numpy() @ weights.T))
    q = stats.t.ppf(0.975, d["participant_id"].nunique() - 1)
    return pd.DataFrame({"estimate": est, "std_error": se, "conf_low": est - q * se,
                         "conf_high": est + q * se}, index=TERMS)


def summarise(name: str, tables: list[pd.DataFrame]) -> dict:
    est = np.array([t["estimate"].to_numpy(dtype=float) for t in tables])
    covered = np.array([((t["conf_low"] <= TRUTH) & (t["conf_high"] >= TRUTH)).to_numpy()
                        for t in tables], dtype=float)  # not estimable: not covered
    out = {"estimator": name, "per_cell": PER_CELL, "trials": len(tables)}
    for label, cols in (("cell_slopes", slice(0, 4)), ("instrument_difference", slice(4, 5))):
        hits, errors = covered[:, cols].ravel(), (est - TRUTH)[:, cols].ravel()
        out[label] = {"intervals": int(hits.size), "coverage": float(hits.mean()),
                      "coverage_mc_se": float(np.sqrt(hits.mean() * (1 - hits.mean())
                                                      / hits.size)),
                      "not_estimable": int(np.isnan(errors).sum()),
                      "bias": float(np.nanmean(errors)),
                      "sd_estimate": float(np.nanstd(errors, ddof=1)),
                      "mean_std_error": float(np.nanmean(
                          [t["std_error"].to_numpy(dtype=float)[cols] for t in tables]))}
    return out


if __name__ == "__main__":
    tables: dict[str, list[pd.DataFrame]] = {}
    for i, long in enumerate(pieces()):
        for fit in (wage_value_mixed_model, wage_value_within):
            table = fit(long).table
            for estimator, part in table.groupby("estimator"):
                if estimator != "lmm_reml_variance_component":
                    tables.setdefault(estimator, []).append(part.set_index("term").loc[TERMS])
        tables.setdefault("within_cr1_t_g_minus_1", []).append(within_cr1(long))
        if i % 50 == 0:
            print(i, flush=True)
    out = Path(__file__).with_name("wage_value_small_sample_mc_study.json")
    out.write_text(json.dumps({
        "python": platform.python_version(), "statsmodels": statsmodels.__version__,
        "linearmodels": linearmodels.__version__, "seed": SEED,
        "results": [summarise(name, t) for name, t in sorted(tables.items())]},
        indent=2) + "\n")
    print(f"wrote {out}")
