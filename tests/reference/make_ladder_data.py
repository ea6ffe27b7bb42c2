"""Produce tests/reference/data/ladder_outcomes_synthetic.csv (run once; the file is frozen).

    python tests/reference/make_ladder_data.py

The ladder outcomes (intake rung, last rung, one rung up) of the bundled synthetic
trial (``data/synthetic``) at its cut-off, from :func:`derive_outcomes`. R
(``tests/reference/ladder.R``) and the tests read this file.
"""

from pathlib import Path

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.data import load_trial

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    frame = derive_outcomes(load_trial(ROOT / "data" / "synthetic")).frame
    out = Path(__file__).with_name("data") / "ladder_outcomes_synthetic.csv"
    frame[["participant_id", "band", "instruments", "ladder_intake", "ladder_last",
           "ladder_up"]].to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out}")
