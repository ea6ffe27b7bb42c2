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
# # Schiedam: "Met Kompas Koersen Naar Eigen Kracht"
#
# From 1 September 2008 ten project workers in Schiedam gave the long-term unemployed on
# their caseload frequent contact and intensive support, aiming to get each of them as
# high up the re-integration ladder as possible. Outflow from benefit was not a
# performance indicator, and there was no comparison group. The project's newsletter of
# 3 March 2010 counted, after one and a half years:
#
# * 134 clients left benefit, of a caseload of 569 (about 24%); early on often because
#   benefit was received unlawfully, later increasingly because they accepted work;
# * 73 of them left for work (54% of the outflow);
# * 236 clients (42%) took one or more steps up the re-integration ladder;
# * savings of 134 x EUR 15,000 = EUR 2.01 million a year on the benefit budget.
#
# This notebook asks the programme's own questions of a trial directory with the
# package: the shares of the outcomes its design declares, with exact intervals and their
# denominators, how the outflow splits between work and other reasons over time, and the
# money as Schiedam counted it next to the package's own estimate. The bundled directory,
# `data/programmes/schiedam`, is a **simulation** tuned to the published figures
# (`data/programmes/README.md` says how and what is assumed); on Schiedam's own export the
# same cells give Schiedam's numbers. Bootstrap draws are reduced to 200 to keep it fast.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / ".." / "data" / "programmes" / "schiedam"  # trial directory
AS_OF = None  # None: the design's cut-off (3 March 2010); or an ISO date such as "2009-09-01"
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
# The one warning is expected: the design records no instruments (Schiedam's approach is
# time and attention, not instruments), so the instruments table is empty.
#
# ## The declared outcomes
#
# `analyse_trial` answers every research question; question `outcomes` holds the share
# of each declared outcome: the number who reached it (`statistic`) of everyone in the
# caseload (`n`, nobody dropped), with the exact Clopper-Pearson interval.

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
# The figures of the newsletter, as this project reads them, beside what the data give.
# On a simulation tuned to them the two agree within sampling error (a 95% interval of a
# share of a quarter among 569 people is about 7 percentage points wide); on Schiedam's
# export they would be the same numbers if the export counts as the newsletter did.

# %%
PUBLISHED = {  # outcome term: (count, denominator) in the newsletter of 3 March 2010
    "outcome=left_benefit": (134, 569),
    "outcome=left_for_work": (73, 569),
    "outcome=left_benefit:reason=work": (73, 134),
    "outcome=ladder_step_up": (236, 569),
}
display(pd.DataFrame([
    {"figure": term, "published": f"{x} of {n} ({x / n:.1%})",
     "data": f"{shares.loc[term, 'statistic']:.0f} of {shares.loc[term, 'n']:.0f} "
             f"({shares.loc[term, 'estimate']:.1%})",
     "95% interval of the data": f"{shares.loc[term, 'conf_low']:.1%} to "
                                 f"{shares.loc[term, 'conf_high']:.1%}"}
    for term, (x, n) in PUBLISHED.items() if term in shares.index]).set_index("figure"))

# %% [markdown]
# ## Who of the outflow went to work, and when
#
# For the exit outcome `left_benefit` the analysis gives the share of the outflow that
# left for work (regular or subsidised), overall and by the half-year in which people
# left: Schiedam's "early on often unlawful receipt, later increasingly work". Small
# half-years are hidden by disclosure control in the report; here they are shown with
# their (wide) intervals.

# %%
split = shares[shares.index.str.contains(":reason=work")]
display(pd.DataFrame({
    "left in": [term.split("period=")[1].split(":")[0] if "period=" in term else "all"
                for term in split.index],
    "to work": split["statistic"].astype("Int64"),
    "of those who left": split["n"].astype("Int64"),
    "share": split["estimate"].round(3),
    "95% interval": [f"{lo:.3f} to {hi:.3f}" for lo, hi in
                     zip(split["conf_low"], split["conf_high"], strict=True)],
}).set_index("left in"))

# %%
display(declared_outcomes_figure(outcomes, lang="en", names=words))

# %% [markdown]
# **Reading this.** Everyone was enrolled at the start, so the curves run over the same
# calendar time for everybody and the share at the right end is the share by the as-of
# date. The ladder step has no curve: it is seen only when a rung is measured. There is
# no comparison group, so none of these shares is an effect of the approach: the
# newsletter's 24% includes people who would have left benefit anyway (nationally,
# between 8% and 22% of bijstand recipients leave benefit each year, depending on how
# long they have been on it; CBS 2008).
#
# ## Money, as Schiedam counted it and as the package counts it

# %%
money = analysis.results["money"]
print("\n\n".join(money.notes))
display(pd.DataFrame({
    "figure": money.table["estimator"],
    "value": [f"EUR {v:,.0f}" if name.endswith("_eur") else f"{v:.3f}"
              for name, v in zip(money.table["estimator"], money.table["estimate"], strict=True)],
    "count": money.table["statistic"].astype("Int64"),
    "of": money.table["n"].astype("Int64"),
}).set_index("figure"))

# %% [markdown]
# **Reading this.** `annualised_benefit_savings_eur` is Schiedam's way of counting: every
# person who left, times a year of benefit (EUR 15,000), as if each stayed off benefit
# for a year and none would have left without the project. `total_benefit_savings_eur` is
# the package's own: the months each person was actually off benefit up to the as-of
# date, at the same EUR 1,250 a month, counting returns to benefit. The programme's
# staff costs (ten project workers) are not in the sources and not declared, so the net
# figures subtract nothing but the (absent) instruments.
