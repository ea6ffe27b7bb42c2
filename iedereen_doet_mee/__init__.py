"""iedereen_doet_mee: declare, simulate, analyse, diagnose and report re-integration trials.

The first user is the ESF trial "Iedereen doet mee" (ISD Brabantse Wal with
WVS-groep). Importing the package has no side effects: no I/O, logging or
environment reads. The names below are the public API a notebook starts from; each
subpackage exports the rest (``iedereen_doet_mee.analysis``, ``.data``, ...). All but
the design are loaded on first use, so ``import iedereen_doet_mee`` stays fast.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:class:`TrialDesign`                 declare a trial (strata x arms, sizes, dates, target)
:func:`read_design`, ``write_design``  a design from / to ``design.toml``
:func:`allocate`                     stratified permuted-block randomisation
:func:`validate_trial_directory`     check a trial directory, every problem with its place
:func:`load_trial`                   validate and load the typed tables (``TrialData``)
:func:`simulate_trial`               a realistic synthetic trial in the data model
:func:`analyse_trial`                answer every research question
:func:`diagnose_design`              what the design can detect, by simulation
:func:`build_report`                 the funder report (HTML, PDF, JSON, workbook)
==================================== =====================================================

Examples
--------
>>> import iedereen_doet_mee as idm
>>> idm.TrialDesign().n_total
100
>>> idm.analyse_trial.__module__
'iedereen_doet_mee.analysis.trial_analysis'
"""

from __future__ import annotations

from .design import TrialDesign, allocate, read_design, write_design
from .lazy_exports import lazy_exports
from .version import __version__

__all__ = ["TrialDesign", "__version__", "allocate", "analyse_trial", "build_report",
           "diagnose_design", "load_trial", "read_design", "simulate_trial",
           "validate_trial_directory", "write_design"]

#: Public names loaded on first use: name -> subpackage that exports it.
_LAZY = {"load_trial": "data", "validate_trial_directory": "data",
         "simulate_trial": "simulation", "analyse_trial": "analysis",
         "diagnose_design": "diagnosis", "build_report": "reporting"}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
