"""Simulating realistic trials in the data model, and writing them to disk.

======================================== =====================================================
name                                     what it does
======================================== =====================================================
:func:`simulate_trial`                   a synthetic :class:`~iedereen_doet_mee.data.TrialData`
:class:`SimulationParameters`            the assumptions, each with its meaning and source
:func:`parameters_markdown`              the assumptions as the table of ``docs/simulation.md``
:func:`simulate_to_directory`            simulate and write a trial directory with its manifest
:func:`settings_for_design`              the assumptions for any design (own or derived values)
:func:`derived_settings`                 which values were derived for a design, and how much
:func:`with_households_and_activities`   opt-in: add household ids and an activities table
:func:`with_optional_data`               the same by name, on streams of their own (as written)
:func:`add_chain`                        opt-in: instrument rows that follow the design's chain
:func:`with_chain`                       the same on a stream of its own, for a chain design
======================================== =====================================================
"""

from ..seeds import DEFAULT_SEED
from .chain_data import add_chain, with_chain
from .design_settings import derived_settings, settings_for_design
from .directory import simulate_to_directory
from .optional_data import (
    add_activities,
    add_household_ids,
    with_households_and_activities,
    with_optional_data,
)
from .parameters import SimulationParameters, parameters_markdown
from .trial import simulate_trial

__all__ = ["DEFAULT_SEED", "SimulationParameters", "add_activities", "add_chain",
           "add_household_ids",
           "derived_settings", "parameters_markdown", "settings_for_design",
           "simulate_to_directory", "simulate_trial", "with_chain",
           "with_households_and_activities", "with_optional_data"]
