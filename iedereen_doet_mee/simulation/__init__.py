"""Simulating realistic trials in the data model, and writing them to disk."""

from .parameters import SimulationParameters
from .simulate import DEFAULT_SEED, simulate_trial

__all__ = ["DEFAULT_SEED", "SimulationParameters", "simulate_trial"]
