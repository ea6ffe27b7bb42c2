"""Test isolation the whole suite shares."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _restore_environment_variables():
    """Give every test the environment variables the one before it started with.

    dask's Nanny sets its workers' variables in the test process itself
    (``OPENBLAS_NUM_THREADS=1``, ``OMP_NUM_THREADS=1``, ...), and a later test that runs a
    command in a subprocess would inherit them: with one BLAS thread instead of two,
    OpenBLAS 0.3.23 (numpy 1.26) and the Prescott kernel give other last bits in the
    ordinal model's standard errors, so "two runs give identical bytes" compared two
    different environments.
    """
    saved = dict(os.environ)
    yield
    if dict(os.environ) != saved:
        os.environ.clear()
        os.environ.update(saved)
