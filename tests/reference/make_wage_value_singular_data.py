"""Produce tests/reference/data/wage_value_long_singular.csv (run once; the file is frozen).

    python tests/reference/make_wage_value_singular_data.py

The wage-value long frame of one simulated default trial (100 participants, seed
below) whose REML fit is singular (lme4 ``isSingular``: the estimated random-effect
covariance has rank 1, correlation -1), so that the Satterthwaite degrees of freedom
are also pinned at the boundary, where they depend on lmerTest's parametrisation
(``tests/reference/wage_value_small_sample.R``).
"""

from pathlib import Path

from iedereen_doet_mee.analysis.outcomes import wage_value_long
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import simulate_trial

SEED = 3081015412  # numpy.random.SeedSequence(777).spawn(400)[1].generate_state(1)[0]

if __name__ == "__main__":
    long = wage_value_long(simulate_trial(TrialDesign(n_per_cell=25), seed=SEED))
    out = Path(__file__).with_name("data") / "wage_value_long_singular.csv"
    long[["participant_id", "band", "instruments", "time", "value"]].to_csv(
        out, index=False, lineterminator="\n", float_format="%.17g")
    print(f"wrote {out}")
