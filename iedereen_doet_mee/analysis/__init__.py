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
a chain of stages              :func:`chain_flow`
employers' view                :func:`employer_views`
costs and savings              :func:`costs_and_savings`
programme money (as counted)   :func:`programme_money`
missing data, multiplicity     :func:`outcome_bounds`, :func:`holm_adjust`
interim steering               :func:`steering_forecast`
============================== ============================================================

Each research question is declared once in the question registry, :data:`QUESTIONS`
(``analysis/questions.py``): its function, the table it needs, its outcome and its
report section; :func:`analyse_trial` and the report iterate over it. Every estimator
an analysis can report is declared once in the estimator registry,
:data:`ESTIMATORS` (``analysis/estimators.py``; ``docs/estimators.md`` lists it):
:func:`estimator_info` resolves a full name, suffixes included, to its labels,
disclosure kind, arm comparison and scale; :func:`disclosure_classes` sorts names into
the keyword arguments of disclosure control.

Examples
--------
>>> from iedereen_doet_mee.analysis import estimator_info
>>> estimator_info("risk_difference_hc2_non_experimental").label("en")
'risk difference (robust standard error HC2)'
>>> from iedereen_doet_mee.analysis import QUESTIONS
>>> QUESTIONS["target"].function is outflow_against_target
True
"""

from .chain import chain_flow
from .costs import costs_and_savings
from .effects import instrument_effects
from .employers import employer_views
from .estimators import ESTIMATORS, disclosure_classes, estimator_info
from .instruments import instrument_associations
from .ladder import ladder_ordinal, ladder_steps_up
from .missing import outcome_bounds
from .multiplicity import holm_adjust
from .outcome_events import by_unit, outcome_events
from .outcome_shares import declared_outcome_shares
from .outcomes import Outcomes, derive_outcomes, wage_value_long
from .programme_money import programme_money
from .questions import QUESTIONS
from .results import TIDY_COLUMNS, AnalysisResult, NotEstimable
from .steering import SteeringForecast, steering_forecast
from .survival import time_to_regular_work
from .target import outflow_against_target, target_met
from .trial_analysis import TrialAnalysis, analyse_trial
from .wage_value import wage_value_mixed_model, wage_value_within

__all__ = [
    "ESTIMATORS", "QUESTIONS", "TIDY_COLUMNS", "AnalysisResult", "NotEstimable", "Outcomes",
    "SteeringForecast", "TrialAnalysis", "analyse_trial", "by_unit", "chain_flow",
    "costs_and_savings",
    "declared_outcome_shares",
    "derive_outcomes", "disclosure_classes", "employer_views", "estimator_info", "holm_adjust",
    "instrument_associations", "instrument_effects", "ladder_ordinal", "ladder_steps_up",
    "outcome_bounds", "outcome_events", "outflow_against_target", "programme_money",
    "steering_forecast", "target_met",
    "time_to_regular_work", "wage_value_long", "wage_value_mixed_model", "wage_value_within",
]
