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
# # Arnhem: participation coaches in the neighbourhoods
#
# In August 2008 thirteen participation coaches started work in Arnhem's four
# "krachtwijken" and in Geitenkamp, helping residents who often had several problems at
# once (no work, debts, a language gap, poorer health) to become active again: "Meedoen,
# dat doe je zelf". TNO evaluated the pilot for the Ministry of Social Affairs and
# reported (presented on 7 April 2010):
#
# * the coaches reached and supported 472 residents;
# * one in four of them made a clear step forward within half a year;
# * almost 15% found a paid job of at least 16 hours a week;
# * 10% started education.
#
# The design declares these as its outcomes, each within six months of the start: a
# step up the participation ladder (the primary outcome), a job of at least 16 hours a
# week, and starting education. No target, no comparison group. This notebook validates
# the trial directory, runs `analyse_trial` and shows the shares with exact intervals
# and their denominators. The bundled directory, `data/programmes/arnhem`, is a
# **simulation** tuned to the published figures (`data/programmes/README.md`); on the
# pilot's own export the same cells give the pilot's numbers. Bootstrap draws are reduced
# to 200 to keep it fast.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / ".." / "data" / "programmes" / "arnhem"  # trial directory
AS_OF = None  # None: the design's cut-off (1 January 2010); or an ISO date such as "2009-07-01"
SEED = 20140701  # seed of the bootstrap

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import analyse_trial, load_trial, validate_trial_directory
from iedereen_doet_mee.reporting.figures import declared_outcomes_figure

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

check = validate_trial_directory(DATA_DIR)
print(check.summary())
trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nPrimary outcome: {design.primary_outcome}; target: "
      f"{'none declared' if design.target_outflow is None else design.target_outflow}.")
for outcome in design.outcomes:
    print(f"  {outcome.name}: {outcome.describe('en')}")

# %% [markdown]
# The one warning is expected: the coach is the approach and no instruments are
# recorded, so the instruments table is empty.
#
# ## The declared outcomes, within half a year
#
# Everyone reached by the coaches is in the denominator, also whoever has no ladder
# measurement, job or activity: they count as not having reached it. An outcome counts
# when it happened before six calendar months after the start; the notes say whether
# anyone's six months had not yet passed by the as-of date (they would count as not yet
# reached).

# %%
analysis = analyse_trial(trial, as_of=AS_OF, seed=SEED, n_draws=200, n_bootstrap=200)
outcomes = analysis.results["outcomes"]
shares = outcomes.table.set_index("term")
words = {o.name: o.describe("en") for o in design.outcomes}
overall = shares.loc[[f"outcome={name}" for name in words if f"outcome={name}" in shares.index]]
display(pd.DataFrame({
    "outcome": [term.split("=", 1)[1] for term in overall.index],
    "what counts": [words[term.split("=", 1)[1]] for term in overall.index],
    "reached": overall["statistic"].astype("Int64"),
    "of": overall["n"].astype("Int64"),
    "share": overall["estimate"].round(3),
    "95% interval": [f"{lo:.3f} to {hi:.3f}" for lo, hi in
                     zip(overall["conf_low"], overall["conf_high"], strict=True)],
}).set_index("outcome"))
print("\n".join(outcomes.notes))

# %% [markdown]
# ## Next to the published figures
#
# "One in four", "almost 15%" and "10%" are rounded; this project reads them as 25%,
# 70 of 472 (14.8%) and 10%. A 95% interval of a share of a quarter among 472 people is
# about 8 percentage points wide, so a rounded published figure and the data agree when
# it lies inside the interval.

# %%
PUBLISHED = {  # outcome term: published share, as read here (TNO evaluation, 2010)
    "outcome=step_forward": 0.25,
    "outcome=work_16h": 70 / 472,
    "outcome=education": 0.10,
}
display(pd.DataFrame([
    {"figure": term, "published": f"{share:.1%}",
     "data": f"{shares.loc[term, 'statistic']:.0f} of {shares.loc[term, 'n']:.0f} "
             f"({shares.loc[term, 'estimate']:.1%})",
     "95% interval of the data": f"{shares.loc[term, 'conf_low']:.1%} to "
                                 f"{shares.loc[term, 'conf_high']:.1%}"}
    for term, share in PUBLISHED.items() if term in shares.index]).set_index("figure"))

# %% [markdown]
# ## Over the first half year
#
# The job and the education have a date, so they get a cumulative-incidence curve over
# the six months of the window; the ladder step is seen only when a rung is measured
# and has none.

# %%
display(declared_outcomes_figure(outcomes, lang="en", names=words))

# %% [markdown]
# **Reading this.** The primary outcome is the same one the report's summary gives
# (question `target`, counted for the primary outcome):

# %%
target = analysis.results["target"].table
display(target[(target["term"] == "overall") & target["estimator"].str.startswith("proportion")]
        [["term", "estimator", "estimate", "conf_low", "conf_high", "n"]].round(3))

# %% [markdown]
# Without a comparison group none of these shares is an effect of the coaches: residents
# who found a job within half a year might have found one anyway. What the shares do say
# is how many of those the coaches reached moved forward, with an honest interval, and
# counted the same way at every measurement, so a second cohort or another
# neighbourhood can be set beside them.
