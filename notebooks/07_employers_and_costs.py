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
# # 7. Employers' view and costs
#
# Two questions beyond the participants themselves:
#
# * **Employers**: how do employers who took on a participant view the wage-value
#   determination, the support and the process, and would they hire again? The survey
#   is short (Likert items), answered only by employers who took someone on and chose to
#   answer: a selected sample, and a small one.
# * **Costs**: what did the instruments cost, what did exits from benefit save, and what
#   does one additional outflow to regular work cost? Savings count gross benefit months
#   only (no execution costs, wage-cost subsidy or taxes), valued at the design's benefit
#   cost per month with its stated source. Under assigned allocation differences between
#   arms are comparisons, not effects, and exits that would have happened anyway are not
#   subtracted except through the comparison arm.
#
# This notebook calls `analyse_trial` once, as the funder report does, so the numbers and
# labels are the report's: under assigned allocation a comparison of arms carries the
# estimator suffix `_non_experimental` or a note saying that it is a comparison, not an
# effect. Bootstrap and randomisation draws are reduced to 500 to keep it fast (the report
# uses 2000).

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / "data" / "synthetic"  # trial directory; its design.toml is the design
AS_OF = None  # None: the design's cut-off; or an ISO date such as "2015-07-01"
SEED = 20140701  # seed of the bootstrap (and of the randomisation test when randomised)

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import analyse_trial, load_trial
from iedereen_doet_mee.reporting.figures import costs_figure

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

trial = load_trial(DATA_DIR)
design = trial.design
analysis = analyse_trial(trial, as_of=AS_OF, seed=SEED, n_draws=500, n_bootstrap=500)
analysis

# %% [markdown]
# ## Employers' view
#
# Item means with t intervals, Cronbach's alpha of the items as one scale (Feldt
# interval), and the scale score by wage-value band. A response is one employer about
# one participant on one day.

# %%
if "employers" in analysis.results:
    employers = analysis.results["employers"]
    display(employers)
    print("Answers per item (counts):")
    display(employers.extras["distribution"].pivot(index="item", columns="answer",
                                                   values="count"))
else:
    print(f"Not analysed: {analysis.skipped.get('employers', 'no result')}")

# %% [markdown]
# **Reading this.** Check the number of responses in the title before anything else: with
# a handful of responses an item mean's t interval spans most of the scale, alpha's
# interval is wide, and the band comparison may not be estimable at all (the reasons are
# listed under the table). Responses about the same participant or by the same employer
# are treated as independent, which makes the intervals too narrow if employers answer
# alike. Such a survey describes the employers who answered; it is not an estimate for
# employers in general.
#
# ## Costs and savings
#
# Per arm: mean benefit months saved, savings, instrument costs and net savings; between
# arms: differences with stratified bootstrap percentile intervals, and the instrument
# cost per additional exit to regular work.

# %%
costs = analysis.results["costs"]
print("\n".join(f"Note: {note}" for note in costs.notes))
per_arm = costs.table[~costs.table["estimator"].str.contains("bootstrap")]
display(per_arm.pivot(index="estimator", columns="term", values="estimate")
        .loc[list(dict.fromkeys(per_arm["estimator"]))].round(2))

# %%
between = costs.table[costs.table["estimator"].str.contains("bootstrap")]
display(between[["term", "estimator", "estimate", "std_error", "conf_low", "conf_high"]]
        .round(2))
display(costs.extras["bootstrap_summary"])
for item in costs.not_estimable:
    print(f"Not estimable: {item.term} ({item.estimator}): {item.reason}")

# %%
display(costs_figure(costs, lang="en"))

# %% [markdown]
# **Reading this.** Instrument costs fall on the instruments arm only, while benefit
# savings come from exits of any reason in both arms, so net savings per participant are
# lower in the instruments arm unless its additional exits save more benefit than the
# instruments cost. Whether the programme pays off depends on savings beyond the
# observation window (a job that lasts saves benefit for years) and on costs the data do
# not hold. The cost per additional
# exit divides the cost difference by the difference in the *observed* share, which is
# small and uncertain, so its bootstrap interval is wide and can be unbounded above
# (replicates without a positive difference buy no additional exit). Under assigned
# allocation the difference in shares also carries selection (notebook 2), so the ratio
# is not a cost-effectiveness estimate in the causal sense.
#
# ## The family of secondary comparisons
#
# The funder report adjusts the pre-specified secondary comparisons (wage-value growth
# between arms, the arm's effect on the last ladder rung, the employers' scale score
# between bands) with Holm's method; the primary outcome is not adjusted. A comparison
# that could not be estimated is left out of the family and named in the notes.

# %%
display(analysis.results["multiplicity"])
