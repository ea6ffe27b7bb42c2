"""Non-decreasing least-squares fit of a sequence (isotonic regression), for power curves.

:func:`isotonic_regression` uses :func:`scipy.optimize.isotonic_regression` where scipy
has it (scipy 1.12 and later). The package supports scipy 1.11, which lacks it, so
there the same fit comes from a small pool-adjacent-violators loop of its own
(:func:`pool_adjacent_violators`); a test pins it to scipy's answer.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["isotonic_regression", "pool_adjacent_violators"]


def pool_adjacent_violators(values: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in least squares (unweighted).

    Walks left to right and pools each value into the block before it while that
    block's mean exceeds it (Barlow et al. 1972, the pool-adjacent-violators
    algorithm); each block is then its mean.

    Parameters
    ----------
    values : array_like of float
        One-dimensional, finite.

    Returns
    -------
    numpy.ndarray
        The fitted values, as long as ``values``.

    Examples
    --------
    >>> pool_adjacent_violators([1.0, 3.0, 2.0, 4.0, 0.0, 6.0]).tolist()
    [1.0, 2.25, 2.25, 2.25, 2.25, 6.0]
    """
    means: list[float] = []
    sizes: list[int] = []
    for value in np.asarray(values, dtype=float).ravel():
        means.append(float(value))
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            size = sizes[-2] + sizes[-1]
            mean = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
            means[-2:] = [mean]
            sizes[-2:] = [size]
    return np.repeat(np.array(means, dtype=float), sizes)


def isotonic_regression(values: np.ndarray) -> np.ndarray:
    """Non-decreasing least-squares fit: scipy's where it exists, else the package's own.

    Examples
    --------
    >>> isotonic_regression([0.05, 0.5, 0.25, 0.9]).tolist()
    [0.05, 0.375, 0.375, 0.9]
    """
    scipy_fit = getattr(optimize, "isotonic_regression", None)
    if scipy_fit is None:  # scipy < 1.12
        return pool_adjacent_violators(values)
    return np.asarray(scipy_fit(np.asarray(values, dtype=float)).x, dtype=float)
