"""Who enrols, when, in which cell, and with which baseline characteristics.

Each participant gets a latent prognosis ``z ~ N(0, 1)``. Baseline wage value,
ladder rung, life-wheel scores, age, education and months on benefit are drawn
correlated with it, so they are prognostic for the outcome, as in a real caseload.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.special import ndtr, ndtri

from ..data.schema import LIFE_WHEEL_DOMAINS
from ..design.allocation import Allocation, allocate
from ..design.trial_design import TrialDesign
from .parameters import SimulationParameters

__all__ = ["Population", "draw_population"]


@dataclasses.dataclass(frozen=True)
class Population:
    """Enrolment, allocation and baseline of every participant (arrays in enrolment order)."""

    ids: np.ndarray
    stratum: np.ndarray
    arm: np.ndarray
    enrolled: np.ndarray  # datetime64[D]
    prognosis: np.ndarray
    baseline: dict[str, np.ndarray]
    allocation: Allocation | None


def correlated_normal(z: np.ndarray, rho: float, rng: np.random.Generator) -> np.ndarray:
    """Standard normal draws with correlation ``rho`` to the standard normal ``z``."""
    return rho * z + np.sqrt(1.0 - rho * rho) * rng.standard_normal(z.size)


def ordinal(latent: np.ndarray, shares: tuple[float, ...] | list[float]) -> np.ndarray:
    """Category index 0..k-1 of a standard-normal ``latent`` with the given shares.

    Examples
    --------
    >>> ordinal(np.array([-3.0, 0.0, 3.0]), [0.25, 0.5, 0.25]).tolist()
    [0, 1, 2]
    """
    cuts = ndtri(np.cumsum(np.asarray(shares, dtype=float))[:-1])
    return np.searchsorted(cuts, latent, side="right")


def _enrolment(design: TrialDesign, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = design.n_total
    stratum_totals = [sum(c.planned_n for c in design.cells if c.stratum == s)
                      for s in design.strata]
    strata = rng.permutation(np.repeat(np.asarray(design.strata, dtype=object), stratum_totals))
    start = np.datetime64(design.enrolment_start, "D")
    days = (np.datetime64(design.enrolment_end, "D") - start).astype(int)
    offsets = np.sort(rng.integers(0, days, size=n))
    return strata, start + offsets


def _assigned_arms(design: TrialDesign, strata: np.ndarray, z: np.ndarray,
                   selection: float, rng: np.random.Generator) -> np.ndarray:
    """Caseworker assignment: planned counts per stratum, chosen with selection on ``z``."""
    key = correlated_normal(z, selection, rng)
    order = [design.control_arm] + [a for a in design.arms if a != design.control_arm] \
        if design.control_arm is not None else list(design.arms)
    arms = np.empty(strata.size, dtype=object)
    for stratum in design.strata:
        where = np.flatnonzero(strata == stratum)
        ranked = where[np.argsort(key[where], kind="stable")]
        counts = [design.planned_size(stratum, a) for a in order]
        arms[ranked] = np.repeat(np.asarray(order, dtype=object), counts)
    return arms


def _baseline(design: TrialDesign, params: SimulationParameters, strata: np.ndarray,
              z: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = z.size
    lows = np.empty(n)
    highs = np.empty(n)
    top = np.zeros(n, dtype=bool)
    position = np.zeros(n)
    bounds = {s: design.wage_value_bounds(s) or params.wage_value_range for s in design.strata}
    highest = max(b[1] for b in bounds.values())
    for i, stratum in enumerate(design.strata):
        mask = strata == stratum
        lows[mask], highs[mask] = bounds[stratum]
        top[mask] = bounds[stratum][1] == highest
        position[mask] = i / (len(design.strata) - 1) if len(design.strata) > 1 else 0.0
    u = ndtr(correlated_normal(z, 0.5, rng))
    estimate = np.round(lows + (highs - lows) * u)
    estimate = np.where(top, np.minimum(estimate, highs), np.minimum(estimate, highs - 1))
    age = np.clip(np.round(params.age_mean + params.age_sd * correlated_normal(z, -0.2, rng)),
                  27, 64).astype(np.int64)
    female = rng.random(n) < params.share_female
    edu_levels = list(params.education_shares)
    education = np.asarray(edu_levels, dtype=object)[
        ordinal(correlated_normal(z, 0.3, rng), list(params.education_shares.values()))]
    household = rng.choice(np.asarray(list(params.household_shares), dtype=object), size=n,
                           p=np.asarray(list(params.household_shares.values())))
    couple = np.isin(household, ["couple", "couple_with_children"])
    jobless = ~couple | (rng.random(n) < params.share_jobless_household_couples)
    months = np.exp(np.log(params.months_on_benefit_median)
                    + params.months_on_benefit_sigma * correlated_normal(z, -0.3, rng))
    rung_latent = correlated_normal(z, 0.5, rng) + params.intake_rung_band_shift * position
    rung = 1 + ordinal(rung_latent, params.intake_rung_shares)
    out: dict[str, np.ndarray] = {
        "age": age,
        "sex": np.where(female, "female", "male").astype(object),
        "education": education,
        "household": household,
        "jobless_household": jobless,
        "labour_status_entry": np.full(n, "unemployed", dtype=object),
        "migrant_background": rng.random(n) < params.share_migrant_background,
        "disability": rng.random(n) < params.share_disability,
        # at least 6 months (target group), at most the adult years since age 18
        "months_on_benefit": np.clip(np.round(months), 6, (age - 18) * 12).astype(np.int64),
        "wage_value_estimate": estimate,
        "ladder_rung_intake": rung.astype(np.int64),
    }
    for domain in LIFE_WHEEL_DOMAINS:
        mean = params.life_wheel_means[domain]
        score = np.round(mean + 1.5 * correlated_normal(z, 0.4, rng))
        out[f"life_wheel_{domain}"] = np.clip(score, 1, 10).astype(np.int64)
    return out


def draw_population(design: TrialDesign, params: SimulationParameters,
                    streams: dict[str, np.random.Generator]) -> Population:
    """Enrol, allocate and describe every participant of the design.

    ``streams`` holds one generator per step (``enrolment``, ``allocation``,
    ``baseline``), so that changing one step's draws leaves the others unchanged.
    """
    strata, enrolled = _enrolment(design, streams["enrolment"])
    n = strata.size
    width = max(4, len(str(n)))
    ids = np.asarray([f"P{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    z = streams["enrolment"].standard_normal(n)
    allocation = None
    if design.is_single_arm:
        arms = np.full(n, design.arms[0], dtype=object)
    elif design.allocation == "randomised":
        allocation = allocate(design, strata, rng=streams["allocation"], participant_ids=ids)
        arms = allocation.arms
    else:
        arms = _assigned_arms(design, strata, z, params.assignment_selection,
                              streams["allocation"])
    baseline = _baseline(design, params, strata, z, streams["baseline"])
    return Population(ids, strata, arms, enrolled, z, baseline, allocation)
