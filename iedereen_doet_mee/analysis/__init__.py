"""Analyses that answer the trial's research questions, one module per question."""

from .outcomes import Outcomes, derive_outcomes
from .results import TIDY_COLUMNS, AnalysisResult, NotEstimable

__all__ = ["TIDY_COLUMNS", "AnalysisResult", "NotEstimable", "Outcomes", "derive_outcomes"]
