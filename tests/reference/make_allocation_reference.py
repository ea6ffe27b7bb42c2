"""Produce tests/reference/allocation_seed_20140701.csv (run once; the file is frozen).

    python tests/reference/make_allocation_reference.py

The strata sequence is the pattern 40-60, 60-80, 60-80, 40-60 repeated 25 times, so
the file does not depend on any other random draw. The test re-runs the allocation
on the band column of this file and requires every cell to be identical: an upgrade
of numpy or of this package that changes the allocation for a fixed seed fails it.
"""

from pathlib import Path

import numpy as np

from iedereen_doet_mee.design import TrialDesign, allocate

SEED = 20140701
DESIGN = TrialDesign(allocation="randomised")


def strata_sequence() -> list[str]:
    return ["40-60", "60-80", "60-80", "40-60"] * 25


if __name__ == "__main__":
    result = allocate(DESIGN, strata_sequence(), rng=np.random.default_rng(SEED),
                      participant_ids=[f"P{i:04d}" for i in range(1, 101)])
    out = Path(__file__).with_name(f"allocation_seed_{SEED}.csv")
    result.log.to_csv(out, index=False, lineterminator="\n", float_format="%.12g")
    print(f"wrote {out}")
