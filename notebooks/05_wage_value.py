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
# # 5. Wage value over time
#
# Wage value (loonwaarde) is a person's productivity as a percentage of the statutory
# minimum wage, measured at the workplace by a specialist. The trial asks what
# wage-value determination yields and how wage value evolves. Each measurement is noisy
# (methods and assessors differ, Regioplan 2017), measurements are irregular, and people
# leave measurement when they leave the project. So we estimate **growth per month** per
# band x instruments cell with two estimators that use every measurement:
#
# * a **linear mixed model** (REML) with a random intercept and slope per participant;
#   intervals use Satterthwaite degrees of freedom, as about 25 people per cell is too
#   few for normal quantiles;
# * a **within-participant** regression (each person's own change; CR2 cluster-robust
#   standard errors with Bell-McCaffrey (Satterthwaite-type) degrees of freedom), which
#   needs no assumption about how people's levels differ but uses only people measured
#   at different times.
#
# Agreement between the two is reassuring; disagreement points at who is measured when.
# Differences between bands are descriptive (band is a baseline stratum); differences
# between arms are effects of instruments only under randomisation within band.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; or an ISO date such as "2015-07-01"
SEED = 20140701  # not used here (no random step); kept so every notebook takes the same

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import load_trial
from iedereen_doet_mee.analysis import (
    wage_value_long,
    wage_value_mixed_model,
    wage_value_within,
)
from iedereen_doet_mee.reporting.figures import wage_value_figure

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nAllocation: {design.allocation}"
      + (" - differences between arms below are associations, not effects of instruments."
         if design.allocation != "randomised" else " within band."))

# %% [markdown]
# ## What was measured
#
# `wage_value_long(trial, as_of)` gives one row per wage-value measurement taken on or
# before the last day a participant's status is known. Per cell: how many people, how
# many measurements, how many people measured at least twice (only they inform a
# within-person slope), and how far after enrolment the last measurement lies.

# %%
long = wage_value_long(trial, AS_OF)
per_person = long.groupby(["band", "instruments", "participant_id"], observed=True).agg(
    measurements=("value", "size"), last_month=("time", "max"))
measured = per_person.groupby(["band", "instruments"], observed=True).agg(
    participants=("measurements", "size"), measurements=("measurements", "sum"),
    measured_twice_or_more=("measurements", lambda m: int((m >= 2).sum())),
    median_months_to_last=("last_month", "median"))
display(measured.round(1))

# %% [markdown]
# ## Growth per month, two estimators side by side

# %%
mixed = wage_value_mixed_model(trial, as_of=AS_OF)
within = wage_value_within(trial, as_of=AS_OF)
columns = ["estimate", "conf_low", "conf_high", "p_value"]
# under assigned allocation the comparisons of arms carry the suffix "_non_experimental"
def rows_of(table, estimator):
    return table[table["estimator"].str.removesuffix("_non_experimental") == estimator]


primary = rows_of(mixed.table, "lmm_reml_satterthwaite")
side = pd.concat({
    "mixed model (REML, Satterthwaite)": primary.set_index("term")[columns],
    "within participant (CR2, Satterthwaite)":
        rows_of(within.table, "within_ols_cr2_satterthwaite").set_index("term")[columns],
}, axis=1)
display(side.round(3))

# %%
print("\n".join(f"Note (mixed model): {note}" for note in mixed.notes))
print("\n".join(f"Note (within): {note}" for note in within.notes))
for result in (mixed, within):
    for item in result.not_estimable:
        print(f"Not estimable: {item.term} ({item.estimator}): {item.reason}")

# %% [markdown]
# The variance components of the mixed model: how much people differ in their level
# (intercept) and in their growth (slope), and the residual, which contains the
# measurement error of a single wage-value measurement.

# %%
display(mixed.table[mixed.table["estimator"] == "lmm_reml_variance_component"]
        [["term", "estimate"]].round(3))

# %% [markdown]
# ## Predicted trajectories
#
# The mixed model's predicted mean wage value per cell and month, with intervals; points
# beyond the observed times of a cell are extrapolations (dotted).

# %%
display(wage_value_figure(mixed, lang="en"))

# %% [markdown]
# **Reading this.** Growth per month is a small number on a scale whose single
# measurements are noisy (the residual SD above), so per-cell intervals are wide and the
# differences between cells wider still; read the intervals, not the p-values. The mixed
# model assumes that missed measurements are missing at random given the model (for
# example, that people who leave for work early are not systematically faster growers),
# and the straight-line growth it fits is an average over the months observed, not a
# forecast beyond them. The arm contrasts (`growth_difference[instruments=...]`) are
# in the family of secondary comparisons that the funder report adjusts with Holm's
# method (notebook 7).
