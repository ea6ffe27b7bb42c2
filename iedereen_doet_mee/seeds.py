"""The one default seed of every random step of the package.

Simulation, randomisation inference, the bootstrap, the design diagnosis and the report
all default to :data:`DEFAULT_SEED`, so that a run without ``--seed`` reproduces the
bundled synthetic trial and its report byte for byte.

Examples
--------
>>> from iedereen_doet_mee.seeds import DEFAULT_SEED
>>> DEFAULT_SEED
20140701
"""

from __future__ import annotations

__all__ = ["DEFAULT_SEED"]

#: Seed of the bundled synthetic trial (the first day of enrolment, 1 July 2014).
DEFAULT_SEED = 20140701
