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
# # Maastricht: a chain of partners, with practical support
#
# In Maastricht four independent organisations help people who report to the
# re-integration department of Social Affairs (Sociale Zaken Maastricht Heuvelland) back
# to work, one after the other: Social Affairs does the intake and pays the benefit and
# stays involved from start to finish; a talent-assessment partner finds out where
# someone's talents and interests lie; a work-experience company gives room to develop
# them; a job-matching partner looks for a job with them. Beside the chain, Social
# Affairs arranges practical support: a bus card, a bicycle or a travel allowance,
# childcare, work clothes, a certificate of conduct. A good job is the best outcome, but
# day activities or volunteering count too (seed 002). The source publishes **no
# figures**.
#
# The design declares the four stages as a chain and the six kinds of support, one
# caseload without a comparison group, and four outcomes: a job (with or without
# wage-cost subsidy, the primary outcome), day activities, volunteering and leaving
# benefit. This notebook shows what the package answers for such a chain: how many
# people reach each stage, what happened to those who did not move on, how long a stage
# takes, who received which support, and the shares of the outcomes. The bundled
# directory, `data/programmes/maastricht`, is a **simulation** whose every rate is an
# assumption (`data/programmes/README.md`); read the layout, not the numbers. Bootstrap
# draws are reduced to 200 to keep it fast.

# %% tags=["parameters"]
from pathlib import Path

DATA_DIR = Path("..") / ".." / "data" / "programmes" / "maastricht"  # trial directory
AS_OF = None  # None: the design's cut-off (1 July 2022); or an ISO date such as "2022-01-01"
SEED = 20140701  # seed of the bootstrap

# %%
import pandas as pd
from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from iedereen_doet_mee import analyse_trial, load_trial, validate_trial_directory
from iedereen_doet_mee.analysis import disclosure_classes
from iedereen_doet_mee.reporting.disclosure import DEFAULT_THRESHOLD, suppress_results
from iedereen_doet_mee.reporting.figures import chain_flow_figure, declared_outcomes_figure
from iedereen_doet_mee.reporting.figures.chain import stage_label
from iedereen_doet_mee.reporting.parts import as_published
from iedereen_doet_mee.reporting.records import analysis_records

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 120)

check = validate_trial_directory(DATA_DIR)
print(check.summary())
trial = load_trial(DATA_DIR)
design = trial.design
print(f"{design!r}\nPrimary outcome: {design.primary_outcome}; target: "
      f"{'none declared' if design.target_outflow is None else design.target_outflow}.")
print("Chain: " + " -> ".join(map(stage_label, design.chain)))
print("Practical support: " + ", ".join(map(stage_label, design.practical_support_kinds)))
for outcome in design.outcomes:
    print(f"  {outcome.name}: {outcome.describe('en')}")

# %% [markdown]
# ## The chain, as the report publishes it
#
# `analyse_trial` answers the question `chain` for a design that declares one
# (`docs/chains.md`). A participant entered a stage when the instruments table holds a
# row of its kind for them; after a stage they either moved on to a later one or, on
# the as-of date, are still in it, waiting, in work, or have left (benefit or the
# programme). Before anything is shown, disclosure control hides counts below 10 and
# the counts from which those could be worked out, exactly as in the report
# (`suppress_results` on the analysis' records, then `as_published`).

# %%
analysis = analyse_trial(trial, as_of=AS_OF, seed=SEED, n_draws=200, n_bootstrap=200)
records = analysis_records(analysis)
records = suppress_results(records, threshold=DEFAULT_THRESHOLD,
                           **disclosure_classes(records["estimator"]))
published = as_published(analysis, records)
chain = published.results["chain"]
print("\n".join(chain.notes))
print(f"{int(records['suppressed'].sum())} of {len(records)} published numbers suppressed.")

# %%
rows = chain.table.set_index(["term", "estimator"])["estimate"]
AFTER = ["moved_on", "in_stage", "waiting", "work", "left"]


def people(term: str) -> str:
    """The number of people of ``term``, or "suppressed" (no row: "")."""
    value = rows.get((term, "chain_people"))
    return "" if value is None else "suppressed" if pd.isna(value) else f"{value:.0f}"


display(pd.DataFrame(
    {"entered": [people(f"stage={stage}") for stage in (*design.chain, "none")],
     **{after: [people(f"stage={stage}:after={after}") for stage in (*design.chain, "none")]
        for after in AFTER},
     "median months": [f"{rows.get((f'stage={stage}', 'kaplan_meier_median_months')):.1f}"
                       if stage != "none" else "" for stage in (*design.chain, "none")]},
    index=[stage_label(stage) for stage in design.chain] + ["no stage"]))

# %%
display(chain_flow_figure(chain, lang="en"))

# %% [markdown]
# ## Practical support
#
# Who received each kind of support, as a share of everyone enrolled, with its exact
# interval (support is counted for everyone, whether or not they are still in the
# chain).

# %%
support = chain.table[chain.table["term"].str.startswith("support=")]
display(pd.DataFrame({
    "support": [stage_label(t.split("=", 1)[1]) for t in support["term"]],
    "received": (support["estimate"] * support["n"]).round().astype("Int64"),
    "of": support["n"].astype("Int64"),
    "share": support["estimate"].round(3),
    "95% interval": [f"{lo:.3f} to {hi:.3f}" for lo, hi in
                     zip(support["conf_low"], support["conf_high"], strict=True)],
}).set_index("support"))

# %% [markdown]
# ## The declared outcomes
#
# Everyone enrolled is in the denominator: a job (with or without subsidy), day
# activities, volunteering, and leaving benefit for any reason, with the split of the
# outflow into work and other reasons.

# %%
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

# %%
display(declared_outcomes_figure(outcomes, lang="en", names=words))

# %% [markdown]
# **Reading this.** The chain answers where people are and how long each partner's
# stage takes; it does not say whether the chain works better than something else,
# because there is no comparison group. "Moved on" means that a later stage started,
# whatever the order of the dates; and the source says job matching may start while the
# work experience still runs ("alvast"), which the chain counts as the next stage all
# the same. A person who went to work the week after the intake (the source's
# "Perspectief op Werk") enters no later stage and is counted under the intake as in
# work. With Maastricht's own export, each partner's steps and each provision recorded
# as instrument rows under the same `design.toml`, the same cells give Maastricht's
# answers.
