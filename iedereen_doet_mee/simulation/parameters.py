"""Assumptions of the trial simulator, each a named parameter with meaning and source.

Every field carries ``metadata["meaning"]`` and ``metadata["source"]``;
``docs/simulation.md`` is generated from them (``python -m
iedereen_doet_mee.simulation.parameters``) and a test checks it is current. Figures
come from ``shared/CONTEXT.md`` and the seed documents where those have them; the
rest are labelled as assumptions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from ..design.trial_design import EXIT_REASONS, TrialDesign

__all__ = ["SimulationParameters", "parameters_markdown"]


def _p(default: Any, meaning: str, source: str) -> Any:
    if isinstance(default, dict):
        return dataclasses.field(default_factory=lambda: dict(default),
                                 metadata={"meaning": meaning, "source": source})
    return dataclasses.field(default=default, metadata={"meaning": meaning, "source": source})


#: Parameters whose values (or mapped values) must be shares; correlations may be negative.
_SHARE_SUFFIXES = ("_24m", "_missing", "_response", "_correlation", "_selection",
                   "_qualification", "_couples")
_SHARE_PREFIXES = ("share_", "job_retention")
_ASSUMPTION = "Assumption (no published figure for this target group)."
_CBS_WORK = ("CBS: fewer than 8% of bijstand recipients found a job in 2012; CBS ESF monitor: "
             "20% of ESF 2014-2015 participants (27% of vulnerable ones) had a job directly "
             "after their trajectory; CONTEXT.md section 6 calls 40% very ambitious.")


@dataclasses.dataclass(frozen=True)
class SimulationParameters:
    """Assumptions of :func:`~iedereen_doet_mee.simulation.simulate_trial`.

    Shares "by 24 months" are cumulative incidences in the presence of the other exits:
    the share of a band's participants that would leave benefit for that reason within
    24 months of enrolment if all of them were in that arm and nobody were censored
    (potential-outcome shares). Under randomised allocation they are the expected
    shares of the cells; under assigned allocation with ``assignment_selection`` not 0
    the observed cell shares differ from them, which is the selection bias an analysis
    must adjust for. Cell-specific values are mappings keyed
    ``"stratum/arm"`` (e.g. ``"40-60/yes"``) or a single share for every cell;
    arm-specific values are mappings keyed by arm or a single value.

    Examples
    --------
    >>> params = SimulationParameters()
    >>> params.regular_work_24m["60-80/yes"]
    0.3
    >>> SimulationParameters(moved_24m=1.5)
    Traceback (most recent call last):
    ...
    ValueError: SimulationParameters.moved_24m: must be a share in [0, 1], got 1.5
    """

    regular_work_24m: Any = _p(
        {"40-60/no": 0.12, "40-60/yes": 0.18, "60-80/no": 0.20, "60-80/yes": 0.30},
        "Share of each cell flowing out to regular work within 24 months of enrolment.",
        _CBS_WORK + " Higher band and instruments raise the share (assumed effects).")
    subsidised_work_24m: Any = _p(
        {"40-60/no": 0.06, "40-60/yes": 0.09, "60-80/no": 0.04, "60-80/yes": 0.06},
        "Share of each cell leaving benefit for work with wage-cost subsidy within 24 months.",
        "Assumption; wage-cost subsidy suits low wage values (Participatiewet, CONTEXT.md 4).")
    education_24m: float = _p(0.02, "Share leaving benefit for education within 24 months.",
                              _ASSUMPTION)
    moved_24m: float = _p(0.04, "Share leaving benefit by moving out of the municipality.",
                          _ASSUMPTION)
    unlawful_24m: float = _p(
        0.03, "Share whose benefit stops for unlawful receipt within 24 months.",
        "Schiedam (seeds 000, 001): early outflow was often due to unlawful receipt.")
    other_24m: float = _p(0.04, "Share leaving benefit for other reasons (partner income, "
                          "pension, death) within 24 months.",
                          "With the four shares above: about 13% non-work exit over two years, "
                          "between CBS 2008's 8% a year (over 3 years on benefit) and 22% a "
                          "year (under 1 year).")
    exit_rate_after_24m_per_year: float = _p(
        0.08, "Yearly probability of leaving benefit (any reason) after the first 24 months.",
        "CBS 2008: 8% a year for those over 3 years on benefit.")
    exit_time_shapes: Any = _p(
        {"regular_work": (1.6, 14.0), "subsidised_work": (1.6, 14.0), "education": (1.0, 12.0),
         "moved": (1.0, 24.0), "unlawful": (0.7, 6.0), "other": (1.0, 24.0)},
        "Weibull (shape, scale in months) of the time to each exit, truncated at 24 months.",
        "Assumption: work exits need preparation (rising hazard); unlawful receipt surfaces "
        "early (Schiedam, seeds 000/001).")
    prognosis_correlation: float = _p(
        0.5, "Correlation between a person's latent prognosis (which also drives baseline "
        "wage value, ladder rung and life wheel) and their chance of a work exit.", _ASSUMPTION)
    assignment_selection: float = _p(
        0.3, "For allocation 'assigned' only: correlation between prognosis and being given "
        "instruments (positive: caseworkers pick clients with better prospects).",
        "Assumption; seed 003 says the 100 were 'roughly divided', not how.")
    age_mean: float = _p(43.0, "Mean age at enrolment (normal, clipped to 27-64).",
                         "Target group is 27 or older (seed 003); mean is an assumption.")
    age_sd: float = _p(10.0, "Standard deviation of age.", _ASSUMPTION)
    share_female: float = _p(0.55, "Share of women.", "Assumption: women are a small majority "
                             "of bijstand recipients (CBS).")
    education_shares: Any = _p(
        {"isced_0": 0.10, "isced_1_2": 0.45, "isced_3_4": 0.38, "isced_5_8": 0.07},
        "Shares of highest education in ISCED groups.", _ASSUMPTION)
    household_shares: Any = _p(
        {"single": 0.50, "single_parent": 0.22, "couple": 0.10, "couple_with_children": 0.13,
         "other": 0.05},
        "Shares of household types.", "Assumption; bijstand norms distinguish single, single "
        "parent and couple (CONTEXT.md 5).")
    share_migrant_background: float = _p(0.35, "Share with a migrant background (ESF CO15).",
                                         _ASSUMPTION)
    share_disability: float = _p(0.20, "Share with a disability (ESF CO16).", _ASSUMPTION)
    share_jobless_household_couples: float = _p(
        0.9, "Share of couples in which nobody has paid work (singles always count as jobless).",
        _ASSUMPTION)
    life_wheel_means: Any = _p(
        {"health": 5.5, "finances": 4.5, "housing": 6.0, "family": 6.0, "social_contacts": 5.5,
         "work": 4.5, "leisure": 6.0, "personal_growth": 5.5},
        "Mean life-wheel score (1-10) per domain at intake; SD 1.5, higher with prognosis.",
        "Assumption; seed 003: children, finances, lifestyle and health problems come first.")
    training_qualification: float = _p(
        0.5, "Probability that a training ends with a qualification (ESF CR03).", _ASSUMPTION)
    months_on_benefit_median: float = _p(
        42.0, "Median months on benefit before enrolment (log-normal, at least 6, at most 12 "
        "per year of age over 18).",
        "Target group: at least 6 months unemployed (seed 003); median is an assumption.")
    months_on_benefit_sigma: float = _p(0.8, "Log-scale spread of months on benefit.",
                                        _ASSUMPTION)
    wage_value_range: tuple[float, float] = _p(
        (40.0, 80.0), "Wage-value range used for strata whose label is not a band 'lo-hi'.",
        "Target group: estimated wage value 40-80% (seed 003).")
    wage_value_true_sd: float = _p(
        3.0, "SD of true baseline wage value around the intake estimate (points).", _ASSUMPTION)
    wage_value_growth_per_month: Any = _p(
        {"no": 0.3, "yes": 0.6}, "Mean growth of true wage value per month, by arm (points).",
        _ASSUMPTION)
    wage_value_growth_sd: float = _p(0.3, "SD of the person-specific monthly growth.",
                                     _ASSUMPTION)
    wage_value_measurement_sd: float = _p(
        5.0, "SD of measurement error of one wage-value measurement (points).",
        "Regioplan 2017: methods and assessors vary; treat each measurement as noisy. Size "
        "is an assumption.")
    wage_value_method: str = _p("Dariuz", "Assessment method recorded with wage values.",
                                "One of the validated methods named in CONTEXT.md 4.")
    measurement_interval_months: int = _p(
        6, "Months between measurements of wage value and ladder rung (from intake).",
        "Participation ladder measured at least twice, often twice a year (CONTEXT.md 3).")
    measurement_missing: float = _p(0.10, "Probability that a scheduled follow-up measurement "
                                    "is missed.", _ASSUMPTION)
    intake_rung_shares: tuple[float, ...] = _p(
        (0.05, 0.25, 0.40, 0.30), "Shares on ladder rungs 1-4 at intake in the lowest band.",
        "Assumption: large distance to the labour market (seed 003), no paid work at intake.")
    intake_rung_band_shift: float = _p(
        0.5, "Upward shift (in SD of the latent rung) from the lowest to the highest band.",
        _ASSUMPTION)
    ladder_up_per_month: Any = _p({"no": 0.04, "yes": 0.07},
                                  "Monthly probability of one rung up (below rung 4), by arm.",
                                  _ASSUMPTION)
    ladder_down_per_month: float = _p(0.01, "Monthly probability of one rung down.",
                                      _ASSUMPTION)
    trajectory_months: int = _p(12, "Maximum months a participant stays in the project.",
                                _ASSUMPTION)
    dropout_24m: float = _p(0.10, "Constant dropout hazard from the project (staying on "
                            "benefit), given as the share that would drop out within 24 months "
                            "if trajectories lasted that long; with 12-month trajectories about "
                            "6% drop out.", _ASSUMPTION)
    loss_to_follow_up_24m: float = _p(
        0.03, "Share whose status becomes unknown within 24 months (lost to follow-up).",
        "Assumption; benefit status is usually known from the municipality's own records.")
    job_retention_6m: float = _p(0.82, "Share of jobs still held 6 months after the start.",
                                 "CBS, 2021 cohort leaving bijstand for work: 82% employed "
                                 "without bijstand after 6 months.")
    job_retention_18m: float = _p(0.72, "Share of jobs still held 18 months after the start.",
                                  "CBS, same cohort: 72% after 18 months.")
    retention_hazard_ratios: Any = _p(
        {"job_coach": 0.6, "work_experience": 0.8},
        "Hazard ratio of job loss for people who received an instrument kind (others 1).",
        "Illustrative assumption, not evidence; gives the analysis of durable placements a "
        "signal to find.")
    share_self_employed: float = _p(0.05, "Share of regular-work exits that are "
                                    "self-employment.", _ASSUMPTION)
    instrument_uptake: Any = _p(
        {"job_coach": 0.6, "work_experience": 0.5, "training": 0.4,
         "workshop_future_thinking": 0.7, "practical_support": 0.5, "care_coordination": 0.4},
        "Probability that a participant of an instrument arm receives each kind.",
        "Kinds from seeds 002 and 003; probabilities are assumptions.")
    instrument_cost_eur: Any = _p(
        {"job_coach": 3000.0, "work_experience": 2000.0, "training": 1500.0,
         "workshop_future_thinking": 250.0, "practical_support": 300.0,
         "care_coordination": 1200.0},
        "Mean cost in euros of each instrument kind (log-normal, 30% coefficient of variation).",
        _ASSUMPTION)
    instrument_months: Any = _p(
        {"job_coach": 6.0, "work_experience": 4.0, "training": 3.0,
         "workshop_future_thinking": 0.0, "practical_support": 1.0, "care_coordination": 6.0},
        "Mean duration in months of each instrument kind (0: a single day).", _ASSUMPTION)
    employer_response: float = _p(0.6, "Probability that an employer answers the survey about "
                                  "a placement, 3 months after it started.", _ASSUMPTION)
    employer_items: tuple[str, ...] = _p(
        ("wage_value_fair", "support_sufficient", "communication_clear", "process_clear",
         "would_hire_again"),
        "Likert items of the employer survey.",
        "Research questions of seed 003: how employers view wage-value measurement, what they "
        "need, one clear process, transparent communication.")
    employer_view_by_arm: Any = _p(
        {"no": 0.0, "yes": 0.3}, "Mean latent employer satisfaction by arm (SD 1).", _ASSUMPTION)
    employers_per_participant: float = _p(
        0.25, "Size of the pool of employers, per participant; each placement draws its "
        "employer from the pool at random.", _ASSUMPTION)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Mapping):
                object.__setattr__(self, field.name, MappingProxyType(dict(value)))
            if field.name.endswith(_SHARE_SUFFIXES) or field.name.startswith(_SHARE_PREFIXES):
                self._check_shares(field.name, value)
        if not self.job_retention_18m < self.job_retention_6m:
            raise ValueError("SimulationParameters.job_retention_18m: must be below "
                             "job_retention_6m")
        for name in ("education_shares", "household_shares"):
            total = sum(getattr(self, name).values())
            if not math.isclose(total, 1.0, abs_tol=1e-9):
                raise ValueError(f"SimulationParameters.{name}: shares must add up to 1, got "
                                 f"{total:g}")
        if self.measurement_interval_months < 1 or self.trajectory_months < 1:
            raise ValueError("SimulationParameters: measurement_interval_months and "
                             "trajectory_months must be at least 1")

    @staticmethod
    def _check_shares(name: str, value: Any) -> None:
        values = value.values() if isinstance(value, Mapping) else [value]
        low = -1.0 if name.endswith(("_correlation", "_selection")) else 0.0
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= 1:
                raise ValueError(f"SimulationParameters.{name}: must be a share in "
                                 f"[{low:g}, 1], got {v!r}")

    # -- per-cell look-ups -----------------------------------------------------------
    def for_cell(self, name: str, stratum: str, arm: str) -> float:
        """Value of a cell-specific parameter for one cell, with a clear error if absent."""
        value = getattr(self, name)
        if not isinstance(value, Mapping):
            return float(value)
        key = f"{stratum}/{arm}"
        if key not in value:
            raise ValueError(f"SimulationParameters.{name} has no value for cell {key!r}; give "
                             "one per cell of the design or a single share for all cells")
        return float(value[key])

    def for_arm(self, name: str, arm: str) -> float:
        """Value of an arm-specific parameter for one arm, with a clear error if absent."""
        value = getattr(self, name)
        if not isinstance(value, Mapping):
            return float(value)
        if arm not in value:
            raise ValueError(f"SimulationParameters.{name} has no value for arm {arm!r}; give "
                             "one per arm of the design or a single value")
        return float(value[arm])

    def per_arm(self, name: str, arms: np.ndarray) -> np.ndarray:
        """An arm-specific parameter for each element of ``arms`` (vectorised).

        Examples
        --------
        >>> SimulationParameters().per_arm("ladder_up_per_month", np.array(["no", "yes", "no"]))
        array([0.04, 0.07, 0.04])
        """
        levels, index = np.unique(np.asarray(arms, dtype=object).astype(str), return_inverse=True)
        values = np.asarray([self.for_arm(name, str(level)) for level in levels], dtype=float)
        return values[index] if levels.size else np.empty(0)

    def exit_shares(self, design: TrialDesign) -> dict[tuple[str, str], dict[str, float]]:
        """Share by 24 months of each exit reason in each cell; checks they fit in 1."""
        fixed = {"education": self.education_24m, "moved": self.moved_24m,
                 "unlawful": self.unlawful_24m, "other": self.other_24m}
        shares = {}
        for cell in design.cells:
            row = {"regular_work": self.for_cell("regular_work_24m", cell.stratum, cell.arm),
                   "subsidised_work": self.for_cell("subsidised_work_24m", cell.stratum,
                                                    cell.arm), **fixed}
            if sum(row.values()) > 1 + 1e-12:
                raise ValueError(f"SimulationParameters: exit shares of cell "
                                 f"{cell.stratum}/{cell.arm} add up to more than 1")
            shares[(cell.stratum, cell.arm)] = {r: row[r] for r in EXIT_REASONS}
        return shares

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickle by field values (mapping proxies cannot be pickled), e.g. for a process
        pool or a Dask cluster running a design diagnosis."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        plain = {k: dict(v) if isinstance(v, Mapping) else v for k, v in fields.items()}
        return (_parameters_from_fields, (plain,))

    def to_dict(self) -> dict[str, Any]:
        """Plain values (mappings as dicts, tuples as lists), e.g. for a manifest."""
        def plain(v: Any) -> Any:
            if isinstance(v, Mapping):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, tuple | list):
                return [plain(x) for x in v]
            return v
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _parameters_from_fields(fields: dict[str, Any]) -> SimulationParameters:
    return SimulationParameters(**fields)


def parameters_markdown() -> str:
    """The table of simulation parameters for ``docs/simulation.md``."""
    lines = ["| parameter | default | meaning | source |", "|---|---|---|---|"]
    defaults = SimulationParameters().to_dict()
    for field in dataclasses.fields(SimulationParameters):
        default = defaults[field.name]
        shown = (", ".join(f"{k}: {v}" for k, v in default.items())
                 if isinstance(default, dict) else str(default))
        lines.append(f"| `{field.name}` | {shown} | {field.metadata['meaning']} | "
                     f"{field.metadata['source']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(parameters_markdown(), end="")
