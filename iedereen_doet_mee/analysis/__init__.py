"""Analyses that answer the trial's research questions, one module per question.

:func:`analyse_trial` runs them all; each is also a plain function on a tidy frame:

============================== ============================================================
question                       function
============================== ============================================================
outcomes as of a date          :func:`derive_outcomes`
the 40% target                 :func:`outflow_against_target`, :func:`target_met`
time to regular work           :func:`time_to_regular_work`
effects of instruments         :func:`instrument_effects`
wage value over time           :func:`wage_value_mixed_model`, :func:`wage_value_within`
participation ladder           :func:`ladder_steps_up`, :func:`ladder_ordinal`
instruments and durability     :func:`instrument_associations`
employers' view                :func:`employer_views`
costs and savings              :func:`costs_and_savings`
missing data, multiplicity     :func:`outcome_bounds`, :func:`holm_adjust`
============================== ============================================================
"""

from .costs import costs_and_savings
from .effects import instrument_effects
from .employers import employer_views
from .instruments import instrument_associations
from .ladder import ladder_ordinal, ladder_steps_up
from .missing import holm_adjust, outcome_bounds
from .outcomes import Outcomes, derive_outcomes, wage_value_long
from .results import TIDY_COLUMNS, AnalysisResult, NotEstimable
from .survival import time_to_regular_work
from .target import outflow_against_target, target_met
from .trial_analysis import TrialAnalysis, analyse_trial
from .wage_value import wage_value_mixed_model, wage_value_within

__all__ = [
    "TIDY_COLUMNS", "AnalysisResult", "NotEstimable", "Outcomes", "TrialAnalysis",
    "analyse_trial", "costs_and_savings", "derive_outcomes", "employer_views", "holm_adjust",
    "instrument_associations", "instrument_effects", "ladder_ordinal", "ladder_steps_up",
    "outcome_bounds", "outflow_against_target", "target_met", "time_to_regular_work",
    "wage_value_long",
    "wage_value_mixed_model", "wage_value_within",
]
