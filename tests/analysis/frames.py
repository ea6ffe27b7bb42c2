"""Small outcome frames shared by the analysis tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_small_outcome_frame(rng: np.random.Generator, max_n: int) -> pd.DataFrame:
    """A frame of 0..max_n-1 participants with random times, events, bands and arms."""
    n = int(rng.integers(0, max_n))
    return pd.DataFrame({
        "time_days": rng.integers(0, 800, n),
        "event": rng.choice(["regular_work", "censored", "moved"], n),
        "band": rng.choice(["40-60", "60-80"], n),
        "instruments": rng.choice(["yes", "no"], n)})
