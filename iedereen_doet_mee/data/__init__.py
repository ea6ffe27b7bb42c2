"""The data model of a trial directory: schema, reading, validation and loading."""

from .loading import TrialData, load_trial
from .problems import ValidationReport
from .schema import TABLES, Column, Table
from .validation import validate_trial_directory

__all__ = ["TABLES", "Column", "Table", "TrialData", "ValidationReport", "load_trial",
           "validate_trial_directory"]
