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
# # Leeuwarden: the front-line approach, one family, one plan, one worker
#
# Leeuwarden's front-line workers visited almost 1,000 households in the Mondriaanbuurt
# and in Heechterp-Schieringen and asked how the municipality could help them move
# forward. The many professionals working for one household were brought back, where
# possible, to one: "Eén gezin, één plan, één hulpverlener". TNO evaluated the pilot
# (presented on 7 April 2010); the source says that many residents now do (volunteer)
# work, take part in neighbourhood activities, follow a course and have their finances
# in order, but gives **no figures** for Leeuwarden.
#
# So the design counts **households**: a household reaches an outcome when any of its
# members does, and every share has the households as its denominator (the ESF
# indicators still count persons). Its outcomes follow the source's words: a step up the
# participation ladder (primary), paid work, volunteering, a neighbourhood activity,
# education, and debt counselling for "finances in order". The bundled directory,
# `data/programmes/leeuwarden`, is a **simulation** whose rates are the package's
# assumptions, not Leeuwarden's results (`data/programmes/README.md`); it shows what the
# analysis of such a pilot looks like. Bootstrap draws are reduced to 200 to keep it fast.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / ".." / "data" / "programmes" / "leeuwarden"  # trial directory
AS_OF = None  # None: the design's cut-off (1 January 2010); or an ISO date such as "2009-07-01"
SEED = 20140701  # seed of the bootstrap

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import analyse_trial, load_trial, validate_trial_directory
from iedereen_doet_mee.analysis import by_unit, outcome_events
from iedereen_doet_mee.reporting.figures import declared_outcomes_figure

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

check = validate_trial_directory(DATA_DIR)
print(check.summary())
trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nUnit: {design.unit}; primary outcome: {design.primary_outcome}; "
      f"target: {'none declared' if design.target_outflow is None else design.target_outflow}.")
for outcome in design.outcomes:
    print(f"  {outcome.name}: {outcome.describe('en')}")

# %% [markdown]
# ## Persons and households
#
# Persons sharing `participants.household_id` form a household; a person without one is
# a household of one. `by_unit` folds the persons' outcome rows into households, as every
# analysis does for a design that counts households.

# %%
people = trial.participants
households = people.set_index("participant_id")["household_id"] \
    if "household_id" in people else None
units = by_unit(outcome_events(trial, AS_OF), households)
sizes = units.drop_duplicates("unit_id")["members"].value_counts().sort_index()
print(f"{len(people)} persons in {units['unit_id'].nunique()} households.")
display(sizes.rename("households").rename_axis("members in the data").to_frame().T)
display(units.drop_duplicates("unit_id").groupby("band", observed=True).size()
        .rename("households").rename_axis(design.stratum_label).to_frame().T)

# %% [markdown]
# ## The declared outcomes, per household
#
# The shares overall and per neighbourhood, with exact intervals; `n` is the number of
# households.

# %%
analysis = analyse_trial(trial, as_of=AS_OF, seed=SEED, n_draws=200, n_bootstrap=200)
outcomes = analysis.results["outcomes"]
table = outcomes.table
words = {o.name: o.describe("en") for o in design.outcomes}
parts = table["term"].str.extract(r"^outcome=(?P<outcome>[^:]+)(?::band=(?P<where>.+))?$")
shown = pd.DataFrame({
    "outcome": parts["outcome"],
    "where": parts["where"].fillna("both"),
    "share": [f"{x:.0f} of {n:.0f} ({e:.1%}; {lo:.1%} to {hi:.1%})" for x, n, e, lo, hi in
              zip(table["statistic"], table["n"], table["estimate"], table["conf_low"],
                  table["conf_high"], strict=True)],
})
display(shown.pivot(index="outcome", columns="where", values="share")
        .loc[[name for name in words if name in set(parts["outcome"])]])
print("\n".join(outcomes.notes))

# %%
display(declared_outcomes_figure(outcomes, lang="en", names=words))

# %% [markdown]
# **Reading this.** A household counts once, on the earliest date any member reached the
# outcome, so households with more members in the data have more chances: a share of
# households is higher than the same share of persons. The outcomes have no window here
# (the source gives no time frame), so households visited late have had less time; the
# curves, which follow each household from its visit, show how the shares grow with
# time. The figures of this simulation are the package's assumptions: read the layout,
# not the numbers. With Leeuwarden's own export, declared in the same `design.toml`,
# the same cells give Leeuwarden's answers.
