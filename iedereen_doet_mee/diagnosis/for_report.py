"""What the funder report states about its design: power, MDE, and why not.

The report diagnoses the trial's declared design by simulation
(:func:`diagnosis_for_report`): power is stated for the design with randomised
instruments (under assigned allocation the unadjusted comparison is biased by
selection, so its rejection rate is not power), the minimum detectable effect at 80%
power comes from a grid of effects, and under assigned allocation the rejection rate
without any effect is given beside it. :func:`design_diagnosis_unavailable` says why a
design cannot be diagnosed: today only when the simulation assumptions of a cell do not fit
(its exit shares add up to more than 1). Cells, arms and kinds the defaults do not
name take derived values (:mod:`~iedereen_doet_mee.simulation.design_settings`); with
more than two arms only the overall share is diagnosed, as the analysis compares no
more than two.

Examples
--------
>>> from iedereen_doet_mee.design import TrialDesign
>>> design_diagnosis_unavailable(TrialDesign()) is None
True
>>> design_diagnosis_unavailable(TrialDesign(arms=("a", "b", "c"))) is None
True
>>> print(design_diagnosis_unavailable(TrialDesign(simulation={"regular_work_24m": 0.95})))
the simulation assumptions of the design do not fit: exit shares of cell 40-60/no add up to
more than 1
"""

from __future__ import annotations

import pandas as pd

from ..design.trial_design import TrialDesign
from ..simulation.design_settings import settings_for_design
from .design_diagnosis import diagnose_design
from .design_grid import minimum_detectable_effect, redesign
from .results import Diagnosis

__all__ = ["design_diagnosis_unavailable", "diagnosis_for_report"]


def _minimum_detectable_effect(design: TrialDesign, sims: int, seed: int
                               ) -> pd.Series | None:
    """MDE at 80% power of the block-weighted risk difference, the design as declared."""
    if len(design.arms) != 2:
        return None
    grid = {"effect": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]}
    frame = redesign(design, grid=grid, sims=sims, seed=seed)
    return minimum_detectable_effect(frame).iloc[0]


def _null_rejection(design: TrialDesign, sims: int, seed: int) -> float:
    """Share of simulated trials of the assigned design in which the unadjusted
    block-weighted comparison rejects although instruments have no effect."""
    frame = redesign(design, grid={"effect": [0.0]}, sims=sims, seed=seed)
    hit = frame[(frame["estimator_key"] == "overall|risk_difference_block_weighted")
                & (frame["diagnosand"] == "power")]
    return float(hit["value"].iloc[0])


def design_diagnosis_unavailable(design: TrialDesign) -> str | None:
    """Why the report cannot diagnose ``design`` by simulation, or ``None`` when it can."""
    parameters = settings_for_design(design)  # a bad [simulation] table raises DesignError
    try:
        parameters.exit_shares(design)
    except ValueError as exc:
        why = str(exc).removeprefix("SimulationParameters: ")
        return f"the simulation assumptions of the design do not fit: {why}"
    return None


def diagnosis_for_report(design: TrialDesign, sims: int, seed: int
                         ) -> tuple[Diagnosis | None, pd.Series | None, str | None]:
    """The diagnosis and MDE of the report's limitations, or why there are none."""
    why_not = design_diagnosis_unavailable(design)
    if why_not is not None:
        return None, None, why_not
    # power is stated for the design with randomised instruments: under assigned
    # allocation the unadjusted comparison is biased by selection, so its "power" is not
    # power; how often it rejects without any effect is reported beside it
    diagnosed = design.replace(allocation="randomised") if len(design.arms) == 2 else design
    diagnosis = diagnose_design(diagnosed, sims=sims, seed=seed)
    mde = _minimum_detectable_effect(diagnosed, sims, seed)
    if mde is not None and design.allocation == "assigned":
        mde = mde.copy()
        mde["null_rejection_assigned"] = _null_rejection(design, sims, seed)
    return diagnosis, mde, None
