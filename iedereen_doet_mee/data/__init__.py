"""The data model of a trial directory: schema, reading, validation, loading and writing.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:data:`TABLES`                       the data model: every table and column
:func:`validate_trial_directory`     check a directory, every problem with its place
:func:`load_trial`                   validate and load the typed tables (:class:`TrialData`)
:func:`write_trial_directory`        write a trial's tables and ``design.toml``
==================================== =====================================================
"""

from .loading import TrialData, load_trial
from .problems import ValidationReport
from .schema import TABLES, Column, Table
from .validation import validate_trial_directory
from .writing import write_trial_directory

__all__ = ["TABLES", "Column", "Table", "TrialData", "ValidationReport", "load_trial",
           "validate_trial_directory", "write_trial_directory"]
