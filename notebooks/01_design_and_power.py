# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. Design and power
#
# "Iedereen doet mee" plans to enrol 100 long-term unemployed people on social assistance
# over 24 months in a 2 x 2 layout: wage-value band (40-60% or 60-80% of the minimum wage,
# a baseline characteristic that cannot be randomised) crossed with instruments (yes / no).
# Its target: 40% flow out to regular work. Before looking at any outcome we ask what this
# design can tell us:
#
# 1. what is declared: cells, planned sizes, dates, target, allocation;
# 2. a design diagnosis by simulation, as DeclareDesign does in R: how the primary
#    estimators behave (bias, coverage, power) under the documented assumptions, and how
#    likely the trial is to meet its target;
# 3. where bias comes from: administrative censoring (enrolment runs up to the cut-off)
#    and selection (instruments assigned by caseworkers, not randomised);
# 4. redesign: power over sizes and effects, and the minimum detectable effect.
#
# Every number comes from `iedereen_doet_mee.diagnosis`; this notebook only calls it and
# lays out the results. Simulation counts are small so the notebook runs in seconds; the
# Monte Carlo standard errors (`mc_se`) show what that costs. For a report use
# `python -m iedereen_doet_mee.diagnose --sims 10000` and
# `python -m iedereen_doet_mee.redesign`.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; an earlier ISO date diagnoses an interim analysis
SEED = 20140701  # seed of every simulation

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import diagnose_design, load_trial
from iedereen_doet_mee.dates import parse_iso_date
from iedereen_doet_mee.diagnosis import minimum_detectable_effect, redesign
from iedereen_doet_mee.diagnosis.design_diagnosis import with_outflow
from iedereen_doet_mee.reporting.figures import power_curve_figure
from iedereen_doet_mee.simulation import SimulationParameters

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 80)

trial = load_trial(DATA_DIR)
design = trial.design
if AS_OF is not None:  # diagnose the analysis as it would stand on AS_OF
    design = design.replace(cutoff=parse_iso_date(AS_OF))
parameters = SimulationParameters()
design

# %% [markdown]
# ## The declared design
#
# The design travels with the data (`design.toml` in the trial directory). Allocation
# `assigned` means the trial's own text ("roughly divided") is taken at its word: nobody
# declared a randomisation, so every comparison of arms is non-experimental.

# %%
cells = pd.DataFrame(design.cells)
cells["assumed regular-work outflow within 24 months"] = [
    parameters.for_cell("regular_work_24m", c.stratum, c.arm) for c in design.cells]
display(cells)
print(f"Enrolment: {design.enrolment_months} months from {design.enrolment_start}; "
      f"analysis cut-off {design.cutoff}; target {design.target_outflow:.0%} to regular work; "
      f"allocation {design.allocation}.")

# %% [markdown]
# ## Diagnosis of the declared design
#
# `diagnose_design` simulates the trial many times (same simulator as the synthetic data,
# run on arrays), runs the primary analysis on each simulated trial and compares the
# estimates with the estimands the assumptions imply. The estimand of the outflow share is
# the **24-month** share; the trial observes outflow only **up to the cut-off**, so the
# diagnosis shows the price of the dates as bias.

# %%
diagnosis = diagnose_design(design, parameters=parameters, sims=2000, seed=SEED)
wide = diagnosis.table.pivot(index="estimator_key", columns="diagnosand", values="value")
order = list(dict.fromkeys(diagnosis.table["estimator_key"]))
columns = ["mean_estimand", "mean_estimate", "bias", "rmse", "coverage", "power",
           "type_s_rate", "mean_ci_width"]
display(wide.loc[order, columns].round(3))
display(diagnosis.estimators.loc[diagnosis.estimators["not_answered"] > 0,
                                 ["estimator_key", "trials", "not_answered", "why_not"]])

# %%
met, met_se = diagnosis.target_met
print(f"Probability that the trial meets its {design.target_outflow:.0%} target "
      f"(observed share at the cut-off at least the target): {met:.3f} "
      f"(Monte Carlo SE {met_se:.3f}, {diagnosis.settings['sims']} simulated trials).")

# %% [markdown]
# The full text table (with Monte Carlo standard errors in brackets) is what
# `python -m iedereen_doet_mee.diagnose` prints:

# %%
print(diagnosis.to_text())

# %% [markdown]
# ## Where does the bias come from?
#
# Two things separate the estimates from the 24-month estimands, on purpose:
#
# * **administrative censoring**: people enrolled late are followed for less than 24
#   months, so the outflow observed by the cut-off is below the 24-month share (that is
#   a property of the dates, not of any estimator);
# * **selection**: under `assigned` allocation the simulator lets caseworkers give
#   instruments to clients with better prospects (`assignment_selection`), which inflates
#   the unadjusted comparison of arms.
#
# Crossing allocation (assigned, randomised) with follow-up (to the cut-off, a full 24
# months for everyone) separates the two for the primary comparison, the block-weighted
# risk difference. The two biases can have opposite signs, so a small bias under the
# declared design need not mean that neither source matters: they may cancel.

# %%
key = "overall|risk_difference_block_weighted"
rows = []
for allocation in ("assigned", "randomised"):
    for full in (False, True):
        d = diagnose_design(design.replace(allocation=allocation), parameters=parameters,
                            sims=2000, seed=SEED, full_follow_up=full)
        part = d.table[d.table["estimator_key"] == key].set_index("diagnosand")
        rows.append({"allocation": allocation,
                     "follow-up": "24 months for everyone" if full else "up to the cut-off",
                     **{name: part.loc[name, "value"] for name in
                        ("mean_estimand", "mean_estimate", "bias", "coverage", "power")},
                     "mc_se of power": part.loc["power", "mc_se"]})
display(pd.DataFrame(rows).round(3))

# %% [markdown]
# ## How far is the target?
#
# The funder counts exits to regular work observed by the cut-off. Suppose every cell had
# the same 24-month outflow; how often would the observed share reach the target?

# %%
scenarios = []
for share in (0.2, 0.4, 0.6, 0.7):
    d = diagnose_design(design, sims=2000, seed=SEED,
                        parameters=with_outflow(parameters, design, [share] * len(design.cells)))
    scenarios.append({"24-month outflow in every cell": share,
                      "mean observed share at the cut-off":
                          d.value("overall|proportion_clopper_pearson", "mean_estimate"),
                      "P(target met)": d.target_met[0], "mc_se": d.target_met[1]})
display(pd.DataFrame(scenarios).round(3))

# %% [markdown]
# With rolling enrolment up to the cut-off, the observed share is well below the 24-month
# share, so a trial whose participants do reach 40% within 24 months can still miss a
# target counted at the cut-off. Whether the target is meant per participant within 24
# months or as a count at the project's end is a question for the funder, not for the
# statistics.
#
# ## Redesign: power over sizes and effects
#
# What would it take to detect an instruments effect? `redesign` diagnoses the design at
# every point of a grid: participants per cell x an effect added to each band's control
# outflow (risk-difference scale). The grid below keeps the declared dates but
# **randomises instruments within band**, the change a future trial can make; under
# assigned allocation the power of a comparison mixes effect and selection.

# %%
grid = {"n_per_cell": [25, 50, 100], "effect": [0.0, 0.1, 0.2, 0.3, 0.4]}
frame = redesign(design.replace(allocation="randomised"), parameters, grid=grid, sims=500,
                 seed=SEED)
power = frame[(frame["estimator_key"] == key) & (frame["diagnosand"] == "power")]
display(power.pivot(index="effect", columns="n_per_cell", values="value")
        .rename_axis(columns="simulated power, n per cell").round(3))
display(power.pivot(index="effect", columns="n_per_cell", values="closed_form")
        .rename_axis(columns="closed-form power (full follow-up), n per cell").round(3))

# %% [markdown]
# The closed form (normal approximation, Cohen's h) assumes everyone is followed for 24
# months; the simulation keeps the cut-off, so it sees fewer outflows and has less power.
# At effect 0 the simulated power is the test's size (about 5% when the test holds its
# level). Each simulated power has a Monte Carlo SE of at most about 0.022 with 500
# simulations.

# %%
mde = minimum_detectable_effect(frame, estimator=key)
display(mde.drop(columns=["estimator_key"]).round(3))

# %%
display(power_curve_figure(frame, estimator=key, lang="en"))

# %% [markdown]
# **Reading this.** The minimum detectable effect is the smallest added outflow (in
# percentage points) that the block-weighted risk difference detects with 80% power at
# the 5% level; "above the largest effect" means no effect in the grid reached 80%. The
# interval is Monte Carlo uncertainty only. All of it rests on the assumptions of
# notebook 2 (`SimulationParameters`, each with its source): change them and the answer
# changes.
