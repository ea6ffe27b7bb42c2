"""Simulating realistic trials in the data model, and writing them to disk."""

from ..seeds import DEFAULT_SEED
from .parameters import SimulationParameters
from .trial import simulate_trial

__all__ = ["DEFAULT_SEED", "SimulationParameters", "simulate_trial"]
