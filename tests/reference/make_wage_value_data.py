"""Produce tests/reference/data/wage_value_long_synthetic.csv (run once; the file is frozen).

    python tests/reference/make_wage_value_data.py

The long frame of wage-value measurements of the bundled synthetic trial
(``data/synthetic``) at its cut-off, as :func:`wage_value_long` returns it. R
(``tests/reference/wage_value.R``) and the tests read this file, so the reference
does not move when the simulator or the synthetic trial changes.
"""

from pathlib import Path

from iedereen_doet_mee.analysis.outcomes import wage_value_long
from iedereen_doet_mee.data import load_trial

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    long = wage_value_long(load_trial(ROOT / "data" / "synthetic"))
    out = Path(__file__).with_name("data") / "wage_value_long_synthetic.csv"
    long[["participant_id", "band", "instruments", "time", "value"]].to_csv(
        out, index=False, lineterminator="\n", float_format="%.17g")
    print(f"wrote {out}")
