"""Simulating realistic trials in the data model, and writing them to disk.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:func:`simulate_trial`               a synthetic trial (:class:`~iedereen_doet_mee.data.TrialData`)
:class:`SimulationParameters`        the assumptions, each with its meaning and source
:func:`parameters_markdown`          the assumptions as the table of ``docs/simulation.md``
:func:`simulate_to_directory`        simulate and write a trial directory with its manifest
==================================== =====================================================
"""

from ..seeds import DEFAULT_SEED
from .directory import simulate_to_directory
from .parameters import SimulationParameters, parameters_markdown
from .trial import simulate_trial

__all__ = ["DEFAULT_SEED", "SimulationParameters", "parameters_markdown", "simulate_to_directory",
           "simulate_trial"]
