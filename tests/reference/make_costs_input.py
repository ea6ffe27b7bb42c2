"""Produce tests/reference/data/costs_input.csv (run once; the file is frozen).

    python tests/reference/make_costs_input.py

The outcomes of the bundled synthetic trial at its cut-off, with ``returned_on`` from
its participants table. The synthetic trial has no returns to benefit, so two are
added by hand (P0007 and P0013 come back on benefit) to exercise that rule. R reads
this file in ``costs.R`` and computes the same quantities independently.
"""

from pathlib import Path

import pandas as pd

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.data import load_trial

ROOT = Path(__file__).resolve().parents[2]
RETURNS = {"P0007": "2015-06-15", "P0013": "2016-01-04"}

if __name__ == "__main__":
    trial = load_trial(ROOT / "data" / "synthetic")
    frame = derive_outcomes(trial).frame.merge(
        trial.participants[["participant_id", "returned_on"]], on="participant_id")
    for pid, day in RETURNS.items():
        frame.loc[frame["participant_id"] == pid, "returned_on"] = pd.Timestamp(day)
    columns = ["participant_id", "band", "instruments", "exit_on", "exit_reason",
               "returned_on", "known_until", "instrument_cost", "regular_work"]
    out = ROOT / "tests" / "reference" / "data" / "costs_input.csv"
    frame[columns].to_csv(out, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    print(f"wrote {out}")
