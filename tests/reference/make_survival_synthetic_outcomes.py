"""Produce tests/reference/data/survival_synthetic_outcomes.csv (run once; the file is frozen).

    python tests/reference/make_survival_synthetic_outcomes.py

The outcomes of the bundled synthetic trial (``data/synthetic``) at its cut-off,
reduced to the columns the survival and target analyses use. The R scripts
``survival.R`` and ``target.R`` read this file, and the tests feed the same file to
the Python functions, so a later regeneration of the synthetic trial does not move
the reference numbers.
"""

from pathlib import Path

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.data import load_trial

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["participant_id", "band", "instruments", "event", "time_days"]

if __name__ == "__main__":
    frame = derive_outcomes(load_trial(ROOT / "data" / "synthetic")).frame[COLUMNS]
    out = Path(__file__).with_name("data") / "survival_synthetic_outcomes.csv"
    out.parent.mkdir(exist_ok=True)
    frame.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out}")
