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
# # 4. Time to regular work
#
# Notebook 3 asked *whether* participants reached regular work; this one asks *when*.
# Time runs from enrolment to the exit from benefit, or to the last day the status is
# known. Two views of the same data:
#
# * **cause-specific** (Kaplan-Meier, stratified log-rank, stratified Cox, restricted
#   mean time): other exits from benefit are treated as censored, which answers "how fast
#   do people find regular work while they are still available for it?";
# * **competing risks** (Aalen-Johansen cumulative incidence): other exits are events that
#   end the chance of regular work, which answers "what share actually reached regular
#   work by time t?".
#
# The comparison of arms is stratified by wage-value band. It estimates an effect of
# instruments only if instruments were randomised within band; with the default
# `assigned` allocation it is an association, whatever its p-value. Everything comes from
# `time_to_regular_work`; figures from `iedereen_doet_mee.reporting.figures`.

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
from iedereen_doet_mee.analysis import time_to_regular_work
from iedereen_doet_mee.reporting.figures import (
    cumulative_incidence_figure,
    kaplan_meier_figure,
)

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nAllocation: {design.allocation}"
      + (" - comparisons of arms below are associations, not effects of instruments."
         if design.allocation != "randomised" else " within band."))

# %%
survival = time_to_regular_work(trial, as_of=AS_OF)
display(survival)

# %% [markdown]
# ## Curves
#
# Kaplan-Meier cumulative outflow `1 - S(t)` per cell, one panel per band, with pointwise
# log-log intervals; curves stop where fewer than five people remain at risk. The target
# line is drawn for orientation only: the target counts observed exits, not a
# Kaplan-Meier value.

# %%
display(kaplan_meier_figure(survival, lang="en", target=design.target_outflow))

# %% [markdown]
# The pointwise intervals hold at each time separately. For statements about the whole
# curve, the simultaneous equal-precision band is wider (drawn from the fifth event on,
# so absent in a cell with fewer than five events):

# %%
display(kaplan_meier_figure(survival, lang="en", interval="simultaneous"))

# %% [markdown]
# The cumulative incidence (Aalen-Johansen) counts other exits as competing events, so it
# lies at or below the Kaplan-Meier outflow; the gap shows how much the other exits
# matter. The analysis gives it per arm, not per cell.

# %%
display(cumulative_incidence_figure(survival, lang="en", target=design.target_outflow))

# %% [markdown]
# ## The comparison of arms in numbers

# %%
table = survival.table
events = survival.extras["kaplan_meier"].groupby("term", sort=False)["n_event"].sum()
print("Exits to regular work observed, by group:")
display(events.rename("events").to_frame().T)

cox = table[table["estimator"].str.startswith("cox_ph")]
if len(cox) == 1 and pd.notna(cox["estimate"].iloc[0]):
    row = cox.iloc[0]
    print(f"Stratified Cox model: hazard ratio {row['estimate']:.2f} for {row['term']} "
          f"(95% CI {row['conf_low']:.2f} to {row['conf_high']:.2f}, p = {row['p_value']:.3g}).")
ph = table[table["estimator"].str.startswith("ph_test")]
if len(ph) == 1:
    print(f"Test of proportional hazards (Schoenfeld residuals): p = "
          f"{ph['p_value'].iloc[0]:.3g}. With few events the test has little power: a "
          "large p-value does not show that the hazards are proportional.")

# %% [markdown]
# **Reading this.** A hazard ratio is a ratio of *rates*, estimated from the events
# observed; with only a handful of events in an arm its interval is very wide, and a
# "significant" p-value then says little about the size of any difference. The
# restricted mean time without regular work over the first 12 months
# (`rmst_kaplan_meier`, in months; `rmst_difference` between arms) is on a more tangible
# scale: a difference of one month means that over the first year the average time
# before regular work was one month shorter in one arm (other exits censored, as in the
# Kaplan-Meier curves). None of these numbers adjusts for baseline differences between
# arms; notebook 6 has the adjusted comparison of the binary outcome.
