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
# # 6. Participation ladder, instruments and durable placements
#
# Regular work is the target, but for people far from the labour market a step up the
# participation ladder (from isolation, via social contacts, organised activities and
# unpaid work, to paid work with and without support) is progress too. This notebook
# follows three questions:
#
# 1. **The ladder**: how many climbed at least one rung between intake and their last
#    measurement, and where did they come from and go to?
# 2. **Instruments and regular work**: how does outflow differ between the arms with and
#    without instruments, within each wage-value band? Under `assigned` allocation these
#    are non-experimental comparisons: the analysis adjusts for measured baseline
#    (g-computation, inverse probability weighting) and reports exact tests, and none of
#    it is an effect unless nothing unmeasured drove who got instruments.
# 3. **Instruments and durable placements**: within the instruments arm, which kinds go
#    together with a placement that lasts? Nobody randomised which kind a participant
#    got, and caseworkers often give a job coach *because* a job starts, so these are
#    associations only.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; or an ISO date such as "2015-07-01"
SEED = 20140701  # seed of the randomisation test (used under randomised allocation only)

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import load_trial
from iedereen_doet_mee.analysis import (
    instrument_associations,
    instrument_effects,
    ladder_ordinal,
    ladder_steps_up,
    outcome_bounds,
)
from iedereen_doet_mee.reporting.figures import (
    instrument_effects_figure,
    ladder_transition_figure,
)

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nAllocation: {design.allocation}"
      + (" - comparisons of arms below are associations, not effects of instruments."
         if design.allocation != "randomised" else " within band."))

# %% [markdown]
# ## 1. Steps up the participation ladder
#
# The share with at least one rung up counts only people with a rung measured after
# intake; people who left measurement early (for example for a job) are not in the
# denominator, so the share describes the measured, not everyone.

# %%
steps = ladder_steps_up(trial, as_of=AS_OF)
display(steps)
display(steps.extras["counts"])

# %%
print("Last rung (columns) by intake rung (rows), counts:")
display(steps.extras["transitions"])
display(ladder_transition_figure(steps, lang="en"))

# %% [markdown]
# The ordinal model asks whether the last rung differs by band and arm, given the intake
# rung (proportional odds; coefficients are log cumulative odds ratios, positive meaning
# higher rungs).

# %%
ordinal = ladder_ordinal(trial, as_of=AS_OF)
display(ordinal)

# %% [markdown]
# ## 2. Instruments and regular-work outflow
#
# `instrument_effects` chooses the estimators the allocation allows: under randomisation
# within band, risk differences (HC2), the block-weighted difference and a randomisation
# test; under assigned allocation, covariate-adjusted estimates (g-computation from a
# logistic model) and inverse-probability-weighted ones. Exact tests (Fisher, Boschloo)
# are always there because they answer in small or empty cells. Estimates the data
# cannot support stay in the table as missing, with the reason.

# %%
effects = instrument_effects(trial, as_of=AS_OF, seed=SEED, n_draws=500)
print(effects.title)
display(effects.extras["cells"])
answered = effects.table.dropna(subset=["estimate"])
display(answered[["term", "estimator", "estimate", "conf_low", "conf_high", "p_value", "n"]]
        .round(3))

# %%
reasons = pd.Series([item.reason for item in effects.not_estimable], dtype=object)
if len(reasons):
    print(f"{len(reasons)} estimate(s) not estimable:")
    display(reasons.value_counts().rename("estimates").to_frame())
print("\n".join(f"Note: {note}" for note in effects.notes))

# %%
display(instrument_effects_figure(effects, lang="en"))

# %% [markdown]
# **Reading this.** A cell with no exits to regular work (or only exits) makes the
# logistic model, and everything built on it, inestimable (separation), and a risk ratio
# with no events in one arm is infinite; then the exact tests and the weighting estimates
# are what remains. Weighting adjusts only for the measured baseline and leans hard on
# the few events observed: read the intervals. The interaction (difference between the
# bands' differences) is estimated with the least precision of all: the design diagnosis
# (notebook 1) shows how rarely a trial of this size detects one.
#
# Loss to follow-up could move the comparison. Best and worst cases for the risk
# difference fill in the lost participants' outcome in favour of and against the
# instruments arm:

# %%
bounds = outcome_bounds(trial, as_of=AS_OF)
differences = bounds.table[bounds.table["estimator"].str.startswith("risk_difference")]
display(differences[["term", "estimator", "estimate", "conf_low", "conf_high", "n"]].round(3))

# %% [markdown]
# ## 3. Which instruments go with durable placements?
#
# Population: participants of the instruments arm whose placement durability is known
# (a placement still running `durable_horizon_months` after it started counts as
# durable; people without a placement count as not durable). Per instrument kind: the
# 2 x 2 counts, the risk difference with Newcombe's interval, the exact conditional odds
# ratio and Fisher's p-value with Holm's adjustment over the kinds.

# %%
associations = instrument_associations(trial, as_of=AS_OF)
print(associations.title)
print("\n".join(f"Note: {note}" for note in associations.notes))
display(associations.extras["counts"].round(3))
rows = associations.table.set_index("term")
by_kind = pd.concat({
    label: rows[rows["estimator"] == estimator][columns]
    for label, estimator, columns in [
        ("risk difference (Newcombe)", "associational_risk_difference_newcombe",
         ["estimate", "conf_low", "conf_high"]),
        ("odds ratio (conditional MLE, exact)", "associational_odds_ratio_conditional_mle_exact",
         ["estimate", "conf_low", "conf_high", "p_value"]),
        ("Holm", "associational_fisher_exact_p_holm", ["p_value"]),
    ]}, axis=1)
display(by_kind.round(3))

# %% [markdown]
# **Reading this.** With few durable placements the counts per kind are small, the
# intervals span large positive and negative associations, and an odds ratio of 0 or
# infinity only means that a cell of the 2 x 2 table is empty. Even a clear association
# would not say that the instrument *caused* the durable placement: instruments are
# given according to need and timing, and a placement can itself prompt an instrument.
# Answering this research question causally needs a design that randomises the
# instruments (or their timing), which notebook 1 can help plan.
