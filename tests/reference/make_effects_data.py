"""Produce the input data of tests/reference/effects.R (run once; the files are frozen).

    python tests/reference/make_effects_data.py

* ``data/effects_trial.csv``: a simulated trial (assigned allocation with selection,
  40 per cell, enrolment over 12 months, cut-off a year after enrolment ends, so every
  cell has events), outcomes as of the cut-off with four baseline covariates;
* ``data/effects_synthetic.csv``: the bundled synthetic trial's outcomes (cell
  60-80/no has no events: the degenerate case);
* ``data/missing_trial.csv``: a simulated trial of the default design with much loss to
  follow-up (20% within 24 months), the input of tests/reference/missing.R.

Outcomes and flags are written as 0/1 so that R and pandas read them alike.
"""

from pathlib import Path

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

HERE = Path(__file__).resolve().parent
COLUMNS = ["participant_id", "band", "instruments", "enrolled_on", "regular_work",
           "lost_to_follow_up", "wage_value_estimate", "ladder_rung_intake", "age",
           "months_on_benefit"]


def frame(trial):
    outcomes = derive_outcomes(trial).frame
    baseline = trial.participants[["participant_id", "wage_value_estimate",
                                   "ladder_rung_intake", "age", "months_on_benefit"]]
    out = outcomes.merge(baseline, on="participant_id")[COLUMNS]
    out["regular_work"] = out["regular_work"].astype(int)
    out["lost_to_follow_up"] = out["lost_to_follow_up"].astype(int)
    out["enrolled_on"] = out["enrolled_on"].dt.strftime("%Y-%m-%d")
    return out


if __name__ == "__main__":
    design = TrialDesign(n_per_cell=40, enrolment_months=12, cutoff="2016-07-01")
    frame(simulate_trial(design, seed=2024)).to_csv(
        HERE / "data" / "effects_trial.csv", index=False, lineterminator="\n")
    frame(load_trial(HERE.parents[1] / "data" / "synthetic")).to_csv(
        HERE / "data" / "effects_synthetic.csv", index=False, lineterminator="\n")
    lossy = SimulationParameters(loss_to_follow_up_24m=0.2)
    frame(simulate_trial(TrialDesign(), parameters=lossy, seed=31)).to_csv(
        HERE / "data" / "missing_trial.csv", index=False, lineterminator="\n")
    print("wrote data/effects_trial.csv, effects_synthetic.csv and missing_trial.csv")
