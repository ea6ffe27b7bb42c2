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
# # 8. ESF reporting
#
# The trial is subsidised by the European Social Fund, so it reports the ESF common
# indicators of Regulation (EU) No 1304/2013, Annex I, broken down by sex: output
# indicators describing participants at entry (CO01-CO17), immediate results upon leaving
# (CR01-CR05, measured 28 days after leaving the operation) and longer-term results six
# months after leaving (CR06-CR09). The funder report also carries the CONSORT flow of
# participants. Both are counts of people, and with 25 per cell many are small, so
# nothing leaves the secure setting before disclosure control: counts below the
# threshold (zero included) are suppressed, and further cells are suppressed where a
# hidden count could be worked back from totals.
#
# This notebook shows the indicators as computed, the same tables after disclosure
# control as the report prints them, the CONSORT diagram with its suppressed counts, and
# one analysis table passed through the same control. The full report (HTML, PDF,
# `results.json`, `indicators.xlsx`, figures) is one command:
# `python -m iedereen_doet_mee.report --data DATA_DIR --lang en`.

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
from iedereen_doet_mee.analysis import disclosure_classes, outflow_against_target
from iedereen_doet_mee.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    DisclosureError,
    check_publishable,
    mark_suppressed,
    suppress_results,
)
from iedereen_doet_mee.reporting.tables import (
    consort_counts,
    consort_figure,
    consort_suppression,
    esf_indicators,
    esf_text_table,
)

set_matplotlib_formats("png")
pd.set_option("display.max_colwidth", 90)

trial = load_trial(DATA_DIR)
design = trial.design
threshold = DEFAULT_THRESHOLD  # the report's --suppress-below default (CBS practice: 10)
print(f"{design!r}\nDisclosure threshold: counts below {threshold} are suppressed.")

# %% [markdown]
# ## The indicators as computed (inside the secure setting)
#
# `esf_indicators(trial, as_of=...)` returns one row per indicator with counts by sex.
# `population` is who the indicator is counted among (all participants for outputs,
# leavers whose measurement point has passed for results); `not_yet_countable` are
# leavers whose 28-day or six-month point lies after the as-of date; `unknown` are in the
# population but undeterminable. Indicators the data model cannot support say why.
# These raw counts are for checking and reconciliation; they are **not** for publication.

# %%
esf = esf_indicators(trial, as_of=AS_OF)
display(esf[["code", "indicator", "group", "men", "women", "sex_other_or_unknown", "total",
             "unknown", "population", "not_yet_countable", "available"]])

# %%
unavailable = esf.loc[~esf["available"], ["code", "indicator", "reason"]]
print(f"{len(unavailable)} indicator(s) not available from the data model:")
display(unavailable)

# %% [markdown]
# A few reconciliations the managing authority will ask for: the output indicators on
# labour-market status add up to the total, and the sexes add up within each indicator.

# %%
counts = esf.set_index("code")
status_total = sum(int(counts.loc[c, "total"]) for c in ("CO01", "CO03", "CO05"))
status_unknown = int(counts.loc["CO01", "unknown"])
total = int(counts.loc["TOTAL", "total"])
print(f"CO01 + CO03 + CO05 = {status_total}, labour status unknown {status_unknown}, "
      f"TOTAL {total}: {'agree' if status_total + status_unknown == total else 'DISAGREE'}")
available = esf[esf["available"]]
sexes = available[["men", "women", "sex_other_or_unknown"]].sum(axis=1)
print(f"Sexes add up to the total for all {len(available)} available indicators: "
      f"{bool((sexes == available['total']).all())}")

# %% [markdown]
# ## The indicators as they leave (after disclosure control)
#
# `esf_text_table` applies primary and secondary suppression to each indicator's men,
# women and total (as a small table with its margin) and returns the text table of the
# report and the frame written to `indicators.xlsx` (suppressed counts are empty there,
# never 0). The guard `check_publishable` refuses any table with identifiers or
# row-level columns before it is written.

# %%
shown, sheet = esf_text_table(esf, threshold, "en")
check_publishable(shown, name="ESF indicators")
display(shown)

# %% [markdown]
# **Reading this.** With about 100 participants split by sex, many indicator counts fall
# below the threshold and are shown as suppressed, and when one sex is suppressed the
# other must be too (or the total would give it away). That is the price of publishing
# counts of people; the unsuppressed counts stay in the secure setting, where the
# participant administration behind the ESF claim must reconcile with them. Result
# indicators are counted only for participants who have left and whose measurement point
# has passed, so at an interim date they cover few people.
#
# ## CONSORT flow
#
# Counts per cell (band x instruments) with margins, as of the as-of date; assessment
# for eligibility and exclusions before enrolment are not in the data model and shown
# as not recorded. The same suppression rule decides which counts the diagram hides.

# %%
flow = consort_counts(trial, as_of=AS_OF)
hidden = consort_suppression(flow, threshold)
print(f"{flow!r}; {sum(v is not None for v in hidden.values())} of {len(hidden)} "
      "counts suppressed.")
display(consort_figure(flow, lang="en", suppressed=hidden))

# %% [markdown]
# The ESF total and the CONSORT count of enrolled participants describe the same people
# and must agree (a participant who re-enters counts once in both):

# %%
enrolled = flow.count("enrolled")
print(f"CONSORT enrolled: {enrolled}; ESF TOTAL: {total}: "
      f"{'agree' if enrolled == total else 'DISAGREE'}")

# %% [markdown]
# ## Analysis results through the same control
#
# Estimates are disclosive too: a share over 25 people reveals its count. The report
# passes every record through `suppress_results`, which knows which estimators are
# proportions, means, statistics derived from one group's count, or contrasts between
# groups (the estimator registry, `disclosure_classes`). Here the outflow against the target:

# %%
target = outflow_against_target(trial, as_of=AS_OF).to_frame()
controlled = suppress_results(target, threshold=threshold,
                              **disclosure_classes(target["estimator"]))
print(f"{int(controlled['suppressed'].sum())} of {len(controlled)} rows suppressed.")
display(mark_suppressed(controlled)[["term", "estimator", "estimate", "conf_low",
                                     "conf_high", "n"]])

# %% [markdown]
# The guard at work: a table of row-level data is refused, and the message names the
# problem without echoing any value.

# %%
try:
    check_publishable(trial.participants, name="participants")
except DisclosureError as refused:
    print(str(refused)[:600])
