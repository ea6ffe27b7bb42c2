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
# # 3. Regular-work outflow against the 40% target
#
# The trial's headline question: did 40% of participants flow out to regular work? The
# answer depends on what "flowed out" counts, and this notebook keeps three readings apart:
#
# * the **observed share**: everyone enrolled in the denominator, an exit to regular work
#   by the as-of date in the numerator. This is what the funder counts; as an estimate
#   of outflow *within 24 months of enrolment* it is biased downward, because people
#   enrolled late have had little time;
# * the **Kaplan-Meier outflow**, which allows for that censoring but treats other exits
#   from benefit (subsidised work, education, moving, ...) as censored too, so it
#   overstates the share that actually reached regular work when such exits occur. It is
#   only defined within follow-up: with enrolment up to the cut-off the 24-month value is
#   not estimable and the longest horizon within follow-up is shown instead, often with
#   very few people still at risk;
# * the **steering forecast**: at an interim date, the predictive probability that the
#   trial reaches its target count by the cut-off.
#
# Everything comes from `outflow_against_target`, `outcome_bounds` and `steering_forecast`;
# the notebook only selects rows and lays them out.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; or an ISO date such as "2015-07-01"
SEED = 20140701  # seed of the steering forecast's posterior draws

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import load_trial
from iedereen_doet_mee.analysis import (
    derive_outcomes,
    outcome_bounds,
    outflow_against_target,
    steering_forecast,
)
from iedereen_doet_mee.dates import add_months, parse_iso_date
from iedereen_doet_mee.reporting.figures import outflow_target_figure

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

trial = load_trial(DATA_DIR)
design = trial.design
outcomes = derive_outcomes(trial, AS_OF)
print(f"{design!r}\nAnalysis as of {outcomes.as_of}.")
display(outcomes.accounting())

# %% [markdown]
# ## Outflow per group
#
# `outflow_against_target(trial, as_of=...)` answers for everyone, each band and each
# band x instruments cell. Band and cell rows are descriptive (25 per cell, no
# multiplicity correction).

# %%
target = outflow_against_target(trial, as_of=AS_OF)
table = target.table


def pick(estimator: str, columns: list[str], names: list[str]) -> pd.DataFrame:
    """Columns of one estimator's rows, by term, renamed for the overview."""
    part = table[table["estimator"] == estimator].set_index("term")[columns]
    return part.set_axis(names, axis=1)


overview = pd.concat([
    target.extras["counts"].set_index("term")[["n", "outflow"]],
    pick("proportion_wilson", ["estimate", "conf_low", "conf_high"],
         ["observed share", "Wilson low", "Wilson high"]),
    pick("proportion_clopper_pearson", ["conf_low", "conf_high"],
         ["Clopper-Pearson low", "Clopper-Pearson high"]),
    pick("binomial_exact_one_sided_target_missed", ["p_value"], ["p: below target"]),
    pick("jeffreys_posterior_prob_target_met", ["estimate"], ["P(share >= target)"]),
    pick("kaplan_meier_outflow", ["estimate"], ["KM outflow at 24 months"]),
    pick("kaplan_meier_outflow_longest_estimable", ["estimate", "conf_low", "conf_high"],
         ["KM outflow, longest horizon", "KM low", "KM high"]),
    target.extras["km_horizons"].set_index("term")[["km_horizon_months", "n_at_risk"]],
], axis=1)
display(overview.round(3))

# %%
overall = target.estimate("overall", "proportion_wilson")
counts = target.extras["counts"].set_index("term").loc["overall"]
met = target.estimate("overall", "binomial_exact_one_sided_target_met")
missed = target.estimate("overall", "binomial_exact_one_sided_target_missed")
print(f"By {outcomes.as_of}, {counts['outflow']} of {counts['n']} participants "
      f"({overall['estimate']:.1%}; 95% Wilson interval {overall['conf_low']:.1%} to "
      f"{overall['conf_high']:.1%}) had an observed exit to regular work; the target is "
      f"{design.target_outflow:.0%}.")
print(f"One-sided exact binomial tests against {design.target_outflow:.0%}: "
      f"p = {met['p_value']:.3g} for 'above the target', "
      f"p = {missed['p_value']:.3g} for 'below the target'.")
print("\n".join(f"Note: {note}" for note in target.notes))
print("\n".join(f"Not estimable: {item.term} ({item.estimator}): {item.reason}"
                for item in target.not_estimable))

# %%
display(outflow_target_figure(target, lang="en"))

# %% [markdown]
# **Reading this.** The observed share and the Kaplan-Meier outflow answer different
# questions, and neither is "the 24-month outflow" of a competing-risks world: the first
# undercounts people who still had time left, the second counts people who left benefit
# for other reasons as if they might still have found regular work. Look at `n_at_risk`
# before reading a Kaplan-Meier value at the longest horizon: when only one to three
# people are still followed there, its interval is wide and its value rests on them.
# The cumulative incidence with competing exits is in notebook 4.
#
# ## Loss to follow-up: best and worst cases
#
# People whose status became unknown count as "not reached" in the observed share. The
# bounds fill in their outcome both ways.

# %%
bounds = outcome_bounds(trial, as_of=AS_OF)
shares = bounds.table[bounds.table["estimator"].str.startswith("share_")]
display(shares[["term", "estimator", "estimate", "conf_low", "conf_high", "n"]].round(3))
print("\n".join(f"Note: {note}" for note in bounds.notes))

# %% [markdown]
# ## Interim steering: on track for the target?
#
# The steering group meets every two months. `steering_forecast` takes the data as they
# stood on a date and gives the predictive probability that the count of observed exits
# to regular work reaches `ceil(target x planned participants)` by the cut-off
# (Bayesian piecewise-exponential competing hazards per cell, with weak Gamma priors
# centred on base rates; `docs/steering.md`). Here it is run at `AS_OF` when that lies
# before the cut-off, otherwise halfway through enrolment (mid-2015 for the default
# design, when the project was halfway). The forecast leans on its priors where follow-up
# is still short, and assumes that the hazards seen so far continue.

# %%
as_of_date = None if AS_OF is None else parse_iso_date(AS_OF)
if as_of_date is not None and as_of_date < design.cutoff:
    steer_on = as_of_date
else:
    steer_on = add_months(design.enrolment_start, design.enrolment_months // 2)
forecast = steering_forecast(trial, steer_on, seed=SEED, draws=2000)
print(forecast.summary())
display(forecast.cells)

# %% [markdown]
# The probability is a statement about the assumed model given the data of that day, not
# a guarantee; its Monte Carlo error (in the summary) comes from the finite number of
# draws. Comparing the forecast with what happened by the cut-off (table above) is a
# check of the model on this trial only.
