"""How precisely a design can measure its declared primary outcome (issue 12, item 5).

The design diagnosis (:mod:`.design_diagnosis`) simulates the regular-work outflow of
persons, the outcome of "Iedereen doet mee". A design whose primary outcome is another
(leaving benefit for any reason, a step up the participation ladder, a job of at least
16 hours) or that counts households is diagnosed here for that outcome:

1. the share of units expected to reach the primary outcome by the cut-off, under
   the simulation's assumptions for the design
   (:func:`~iedereen_doet_mee.simulation.design_settings.settings_for_design`), is
   estimated from one simulated trial ``scale`` times the planned size, with the
   optional data the outcome needs (households, activities), counted exactly as the
   analysis counts it (:func:`~iedereen_doet_mee.analysis.outcome_events.outcome_events`,
   :func:`~iedereen_doet_mee.analysis.outcome_events.by_unit`); its Monte Carlo
   standard error is stated;
2. at the planned number of units (planned persons times the units per person of that
   simulation), the expected width of the exact (Clopper-Pearson) interval and, with a
   target, the probability that the observed share meets it
   (:func:`~iedereen_doet_mee.analysis.target.target_met`) follow by exact enumeration
   over the binomial distribution of the count: no further simulation.

Examples
--------
>>> from iedereen_doet_mee.design import TrialDesign
>>> primary_outcome_precision(TrialDesign(), seed=1) is None  # the default outcome
True
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

from ..analysis.outcome_events import by_unit, outcome_events
from ..analysis.target import target_met
from ..design.outcomes import DEFAULT_OUTCOMES
from ..design.trial_design import TrialDesign
from ..simulation.design_settings import settings_for_design
from ..simulation.optional_data import with_optional_data
from ..simulation.parameters import SimulationParameters
from ..simulation.trial import simulate_trial

__all__ = ["PrimaryPrecision", "expected_interval_width", "primary_outcome_precision"]


@dataclasses.dataclass(frozen=True)
class PrimaryPrecision:
    """The precision a design can expect for its primary outcome.

    Attributes
    ----------
    outcome : str
        The primary outcome's name.
    unit : {"person", "household"}
        What is counted.
    expected_share, share_std_error : float
        Share of units expected to reach the outcome by the cut-off, and its Monte
        Carlo standard error.
    simulated_units : int
        Units in the simulated trial the share comes from.
    planned_units : int
        Units the design expects (persons, or planned persons times households per
        person in the simulation).
    expected_width : float
        Expected width of the exact interval at ``level`` with ``planned_units``.
    probability_target_met : float or None
        Probability that the observed share meets the target (None without a target).
    level : float
        Level of the interval.
    """

    outcome: str
    unit: str
    expected_share: float
    share_std_error: float
    simulated_units: int
    planned_units: int
    expected_width: float
    probability_target_met: float | None
    level: float

    def to_text(self) -> str:
        """The precision in one paragraph (what ``diagnose`` prints).

        Examples
        --------
        >>> print(PrimaryPrecision("left_benefit", "person", 0.236, 0.004, 11380, 569,
        ...                        0.071, None, 0.95).to_text())  # doctest: +NORMALIZE_WHITESPACE
        primary outcome 'left_benefit' (persons): expected share 0.236 (Monte Carlo SE
        0.004, from 11380 simulated persons); with 569 planned persons the exact 95%
        interval is expected to be 0.071 wide
        """
        units = f"{self.unit}s"
        met = ("" if self.probability_target_met is None else
               f"; probability of meeting the target {self.probability_target_met:.3f}")
        return (f"primary outcome {self.outcome!r} ({units}): expected share "
                f"{self.expected_share:.3f} (Monte Carlo SE {self.share_std_error:.3f}, from "
                f"{self.simulated_units} simulated {units}); with {self.planned_units} planned "
                f"{units} the exact {self.level:.0%} interval is expected to be "
                f"{self.expected_width:.3f} wide{met}")


def expected_interval_width(n: int, p: float, level: float = 0.95) -> float:
    """Expected width of the Clopper-Pearson interval of a Binomial(``n``, ``p``) count.

    The sum over every count ``x`` of its probability times the width of the interval
    of ``x`` of ``n`` (:func:`~iedereen_doet_mee.analysis.common.clopper_pearson_interval`,
    computed for all counts at once).

    Examples
    --------
    >>> round(expected_interval_width(100, 0.4), 4)
    0.1985
    >>> round(expected_interval_width(10, 0.0), 4)  # every count is 0: [0, 0.3085]
    0.3085
    """
    if n < 1:
        raise ValueError(f"expected_interval_width: n must be at least 1, got {n}")
    x = np.arange(n + 1)
    alpha = 1 - level
    with np.errstate(all="ignore"):
        low = np.where(x == 0, 0.0, stats.beta.ppf(alpha / 2, np.maximum(x, 1), n - x + 1))
        high = np.where(x == n, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1,
                                                    np.maximum(n - x, 1)))
    return float(np.sum(stats.binom.pmf(x, n, p) * (high - low)))


def _needs(design: TrialDesign) -> list[str]:
    """The optional simulated data the primary outcome and the unit need."""
    needs = ["households"] if design.unit == "household" else []
    if design.primary.kind == "activity":
        needs.append("activities")
    return needs


def primary_outcome_precision(design: TrialDesign, *, seed: int, scale: int = 20,
                              level: float = 0.95,
                              parameters: SimulationParameters | None = None
                              ) -> PrimaryPrecision | None:
    """Expected share, interval width and chance of meeting the target of the design's
    primary outcome; None for the default outcome (regular work of persons), which
    :func:`~.design_diagnosis.diagnose_design` diagnoses.

    Parameters
    ----------
    design : TrialDesign
        The design as declared (its ``[simulation]`` table included).
    seed : int
        Seed of the simulated trial.
    scale : int, default 20
        The simulated trial has ``scale`` times the planned participants of each cell.
    level : float, default 0.95
    parameters : SimulationParameters, optional
        The simulation's assumptions; default the design's
        (:func:`~iedereen_doet_mee.simulation.design_settings.settings_for_design`).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> design = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=569,
    ...                      primary_outcome="left_benefit", target_outflow=None,
    ...                      outcomes={"left_benefit": {"kind": "exit", "reasons": [
    ...                          "regular_work", "subsidised_work", "education", "moved",
    ...                          "unlawful", "other"]}})
    >>> found = primary_outcome_precision(design, seed=1, scale=5)
    >>> found.planned_units, 0 < found.expected_width < 0.1
    (569, True)
    """
    if design.unit == "person" and design.primary == DEFAULT_OUTCOMES[0]:
        return None
    sizes = design.n_per_cell
    bigger = (sizes * scale if isinstance(sizes, int)
              else tuple((s, a, n * scale) for s, a, n in sizes))
    large = design.replace(n_per_cell=bigger)
    parameters = settings_for_design(design) if parameters is None else parameters
    trial = simulate_trial(large, parameters=parameters, seed=seed)
    trial = with_optional_data(trial, _needs(design), seed=seed)
    people = trial.participants
    households = (people.set_index("participant_id")["household_id"]
                  if design.unit == "household" and "household_id" in people else None)
    events = by_unit(outcome_events(trial, missing_table="skip"), households)
    mine = events[events["outcome"] == design.primary_outcome]
    units, persons = len(mine), len(trial.participants)
    share = float(mine["reached"].mean())
    planned = max(1, round(design.n_total * units / persons))
    counts = np.arange(planned + 1)
    met = None
    if design.target_outflow is not None:
        hits = np.asarray(target_met(counts, planned, design.target_outflow), dtype=bool)
        met = float(stats.binom.pmf(counts[hits], planned, share).sum())
    return PrimaryPrecision(
        outcome=design.primary_outcome, unit=design.unit, expected_share=share,
        share_std_error=float(np.sqrt(share * (1 - share) / units)),
        simulated_units=units, planned_units=int(planned),
        expected_width=expected_interval_width(int(planned), share, level),
        probability_target_met=met, level=level)
