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
# # 2. The simulated trial and its assumptions
#
# Until the real export arrives, every analysis runs on a simulated trial: a complete
# "Iedereen doet mee" in the project's data model (participants, employment, wage-value
# and ladder measurements, instruments, an employer survey), drawn by
# `iedereen_doet_mee.simulation.simulate_trial` from named assumptions. Each assumption
# carries its meaning and its source (CBS, Divosa, the seed documents), or says plainly
# that it is an assumption without a published figure.
#
# This notebook shows the assumptions, simulates the trial with `SEED`, checks whether the
# trial directory `DATA_DIR` holds exactly that simulated trial (the bundled
# `data/synthetic` does), and shows two features built in on purpose: outflow observed by
# the cut-off falls short of the 24-month shares (rolling enrolment), and under `assigned`
# allocation the arms differ at baseline (caseworkers select).
#
# **Everything here is synthetic.** No number in this notebook is evidence about the real
# programme; the numbers show what the analyses will face.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; or an ISO date such as "2015-07-01"
SEED = 20140701  # seed of the simulation (the bundled trial uses 20140701)

# %%
import pandas as pd
from IPython.display import Markdown, display

from iedereen_doet_mee import load_trial, simulate_trial
from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.reporting.tables import baseline_table
from iedereen_doet_mee.simulation import SimulationParameters, parameters_markdown

pd.set_option("display.max_colwidth", 80)

trial = load_trial(DATA_DIR)
design = trial.design
parameters = SimulationParameters()
design

# %% [markdown]
# ## The assumptions that matter most
#
# Exits from benefit compete: regular work, subsidised work, education, moving, unlawful
# receipt, other. The simulator takes the share of each by 24 months per cell
# (potential-outcome shares: the share of a band's participants that would leave for that
# reason within 24 months if all of them were in that arm and nobody were censored).

# %%
shares = pd.DataFrame(parameters.exit_shares(design)).T
shares.index.names = ["band", "instruments"]
shares["still on benefit at 24 months"] = 1 - shares.sum(axis=1)
display(shares.round(3))

# %% [markdown]
# The assumed regular-work shares (first column) sit near the base rates the sources
# give: fewer than 8% of all bijstand recipients found a job in 2012 (CBS), and 20% of
# Dutch ESF participants of 2014-2015 had a job directly after their trajectory (27% of
# vulnerable participants; CBS ESF monitor). A 40% target is therefore very ambitious for
# this group, and the simulated trial is not built to reach it. The differences between
# cells are **assumed effects**, not findings.
#
# ## Every assumption, with its source
#
# The same table as `docs/simulation.md` (`python -m iedereen_doet_mee.simulation.parameters`):

# %%
display(Markdown(parameters_markdown()))

# %% [markdown]
# ## One simulated trial
#
# `simulate_trial(design, parameters=..., seed=...)` returns typed tables, as
# `load_trial` would. Each step (enrolment, allocation, baseline, exits, instruments, jobs,
# trajectories, survey, qualification) draws from its own child of
# `numpy.random.SeedSequence(seed)`: the same seed gives the same trial, byte for byte.

# %%
simulated = simulate_trial(design, parameters=parameters, seed=SEED)
sizes = {name: len(simulated.table(name)) for name in
         ("participants", "employment", "measurements", "instruments", "employer_survey")}
display(pd.Series(sizes, name="rows").to_frame())

same = all(trial.table(name) is not None and trial.table(name).equals(simulated.table(name))
           for name in sizes)
print(f"The trial in {DATA_DIR} is {'exactly' if same else 'not'} the trial simulated with "
      f"seed {SEED}.")

# %% [markdown]
# ## What the trial shows by the cut-off
#
# `derive_outcomes` turns the tables into one row per participant as of a date, and
# `Outcomes.accounting()` puts every participant in exactly one status. Below, the same
# per cell (counts only; no row-level data leave this notebook).

# %%
outcomes = derive_outcomes(simulated, AS_OF)
print(f"As of {outcomes.as_of}:")
display(outcomes.accounting())
frame = outcomes.frame
status = frame["event"].where(~frame["lost_to_follow_up"], "lost to follow-up")
display(pd.crosstab([frame["band"], frame["instruments"]], status, margins=True,
                    margins_name="all"))

# %% [markdown]
# Compare the observed regular-work share per cell with the assumed 24-month share.
# People enrolled late have had little time by the cut-off (enrolment runs up to it), so
# the observed share falls short of the 24-month share even with no estimation error at
# all. Under `assigned` allocation the cell shares also carry selection: the simulator
# gives instruments preferentially to people with a better latent prognosis
# (`assignment_selection`). With 25 people per cell each observed share has a binomial
# standard error of several percentage points, so one simulated trial says little about
# any single cell; notebook 1 averages over thousands.

# %%
observed = frame.groupby(["band", "instruments"], observed=True).agg(
    n=("regular_work", "size"), regular_work=("regular_work", "sum"),
    observed_share=("regular_work", "mean"),
    median_months_followed=("time_days", lambda d: d.median() / 30.436875))
observed["assumed_24_month_share"] = shares["regular_work"]
display(observed.round(3))

# %% [markdown]
# ## Selection at baseline under assigned allocation
#
# The baseline table (CONSORT: standardised differences, no p-values) shows how the arms
# compared before any instrument. Under `assigned` allocation the simulator lets the chance
# of getting instruments rise with a latent prognosis, and draws wage-value estimate,
# ladder rung, life-wheel scores, age, education and months on benefit correlated with
# that prognosis. How strongly this shows in one trial is partly chance: with 50 per arm
# the standard error of a standardised difference is about 0.2, so differences of that
# size arise by chance alone, and a small difference on a measured variable does not rule
# out imbalance on the unmeasured prognosis itself.

# %%
table = baseline_table(simulated, as_of=AS_OF)
smd_columns = [c for c in table.columns if c[0].startswith("smd:")]
smd = table.xs("standardised difference", level="statistic")[smd_columns]
smd.columns = [c[0].removeprefix("smd:") for c in smd.columns]
smd = smd.droplevel("level")
print(f"Allocation declared in the design: {design.allocation}; assumed selection "
      f"(correlation of prognosis with getting instruments): {parameters.assignment_selection}")
display(smd.astype(float).round(2))

# %% [markdown]
# These standardised differences are what notebooks 4-7 have to live with: under
# assigned allocation a difference between arms in outflow, wage value or ladder steps
# mixes any effect of instruments with who was given them. The analyses adjust for the
# measured baseline (covariate adjustment, inverse probability weighting) and label every
# such comparison non-experimental; they cannot adjust for what was not measured.
