"""Simulating realistic trials in the data model, and writing them to disk.

======================================== =====================================================
name                                     what it does
======================================== =====================================================
:func:`simulate_trial`                   a synthetic :class:`~iedereen_doet_mee.data.TrialData`
:class:`SimulationParameters`            the assumptions, each with its meaning and source
:func:`parameters_markdown`              the assumptions as the table of ``docs/simulation.md``
:func:`simulate_to_directory`            simulate and write a trial directory with its manifest
:func:`with_households_and_activities`   opt-in: add household ids and an activities table
======================================== =====================================================
"""

from ..seeds import DEFAULT_SEED
from .directory import simulate_to_directory
from .optional_data import add_activities, add_household_ids, with_households_and_activities
from .parameters import SimulationParameters, parameters_markdown
from .trial import simulate_trial

__all__ = ["DEFAULT_SEED", "SimulationParameters", "add_activities", "add_household_ids",
           "parameters_markdown", "simulate_to_directory", "simulate_trial",
           "with_households_and_activities"]
