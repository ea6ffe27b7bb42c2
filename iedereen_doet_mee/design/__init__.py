"""Declaring a trial: the design object, its TOML form and the allocation procedure."""

from .allocation import Allocation, allocate, assignment_probabilities
from .outcomes import DEFAULT_OUTCOMES, OutcomeDefinition
from .toml_io import design_from_dict, design_to_dict, design_to_toml, read_design, write_design
from .trial_design import DEFAULT_INSTRUMENT_KINDS, EXIT_REASONS, Cell, TrialDesign

__all__ = [
    "DEFAULT_INSTRUMENT_KINDS",
    "DEFAULT_OUTCOMES",
    "EXIT_REASONS",
    "Allocation",
    "Cell",
    "OutcomeDefinition",
    "TrialDesign",
    "allocate",
    "assignment_probabilities",
    "design_from_dict",
    "design_to_dict",
    "design_to_toml",
    "read_design",
    "write_design",
]
