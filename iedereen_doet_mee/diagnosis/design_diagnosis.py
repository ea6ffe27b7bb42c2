"""Diagnose a declared design by simulating it many times: :func:`diagnose_design`.

As DeclareDesign does in R: declare the design (:class:`TrialDesign`) and the
assumptions (:class:`SimulationParameters`), simulate the trial many times, run the
primary analysis on each, and summarise how the estimators behave against the
estimands the assumptions imply. The work is cut into chunks of simulated trials;
chunk ``k`` draws from child ``k`` of ``numpy.random.SeedSequence(seed)``, so the
result is the same whether the chunks run one after another, in local processes or
on a Dask cluster (any :class:`concurrent.futures.Executor`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logit

from ..analysis.target import target_met
from ..design.trial_design import TrialDesign
from ..seeds import DEFAULT_SEED
from ..simulation.design_settings import settings_for_design
from ..simulation.parameters import SimulationParameters
from .diagnosands import DENOMINATORS, DIAGNOSANDS, SUMS, chunk_sums, diagnosands
from .estimators import FISHER_EXACT_MAX_PARTICIPANTS, EstimatorDraws, binomial_rows, effect_rows
from .outflow_probability import draw_cell_counts
from .progress import ProgressBar
from .results import Diagnosis
from .simulate_many import simulate_outcomes

__all__ = ["DEFAULT_CHUNK_SIZE", "Diagnosis", "diagnose_design", "with_outflow"]

#: Simulated trials per chunk: part of the reproducibility contract (a chunk is the
#: unit that owns a random stream), so it does not change with the executor.
DEFAULT_CHUNK_SIZE = 1000

#: Participants per trial up to which every simulated trial is simulated person by
#: person. A simulated participant costs about a microsecond, so 2,000 trials of
#: 2,000 participants take a few seconds and the report's eight diagnosed designs
#: (the design, six effects for the minimum detectable effect, the null under assigned
#: allocation) stay under a minute; at 100,000 participants it would be hours. Above it
#: each simulated trial's cell counts are drawn from binomial distributions with the
#: closed-form chance of observed outflow of every cell
#: (:mod:`~iedereen_doet_mee.diagnosis.outflow_probability`), which the person-level
#: simulation reproduces within Monte Carlo error (``tests/diagnosis``); the cost is
#: then the same at any size. The settings and the text say so.
SIMULATED_TRIAL_MAX_PARTICIPANTS = 2000

LARGE_TRIAL_METHOD = (
    f"above {SIMULATED_TRIAL_MAX_PARTICIPANTS} participants per trial, each simulated "
    "trial's cell counts are drawn from binomial distributions with the closed-form chance "
    "of observed regular-work outflow of each cell (the person-level simulation's model, "
    "without its allocation bookkeeping); Fisher's test in tables of more than "
    f"{FISHER_EXACT_MAX_PARTICIPANTS} participants by its normal approximation (chi-square "
    "with Yates' correction)")


def with_outflow(parameters: SimulationParameters, design: TrialDesign,
                 shares: Sequence[float]) -> SimulationParameters:
    """Parameters with the regular-work share by 24 months of each cell set to ``shares``.

    Cells in the design's order: strata outermost, arms inner (for the default
    design: band 40-60 without instruments, with, band 60-80 without, with).

    Examples
    --------
    >>> p = with_outflow(SimulationParameters(), TrialDesign(), [0.2, 0.3, 0.35, 0.5])
    >>> p.regular_work_24m["60-80/no"]
    0.35
    """
    cells = design.cells
    if len(shares) != len(cells):
        order = ", ".join(f"{c.stratum}/{c.arm}" for c in cells)
        raise ValueError(f"outflow: {len(shares)} values given, the design has "
                         f"{len(cells)} cells ({order}); give one share per cell in that order")
    mapping = {f"{c.stratum}/{c.arm}": float(v) for c, v in zip(cells, shares, strict=True)}
    out = dataclasses.replace(parameters, regular_work_24m=mapping)
    out.exit_shares(design)  # fails clearly when a cell's shares add up to more than 1
    return out


#: Why a design with more than two arms is diagnosed for its overall share only.
MORE_ARMS_NOTE = ("the analysis does not compare more than two arms, so only the overall "
                  "outflow share (and the target, if declared) is diagnosed")


@dataclasses.dataclass(frozen=True)
class _Estimator:
    key: str
    label: str
    inquiry: str
    estimand: float


def _cell_shares(design: TrialDesign, parameters: SimulationParameters) -> np.ndarray:
    return np.array([[parameters.for_cell("regular_work_24m", s, a) for a in design.arms]
                     for s in design.strata])


def _estimators(design: TrialDesign, parameters: SimulationParameters) -> list[_Estimator]:
    """What is estimated, in plain words, and the value the assumptions give it."""
    p = _cell_shares(design, parameters)
    sizes = np.array([[design.planned_size(s, a) for a in design.arms] for s in design.strata],
                     dtype=float)
    target = design.target_outflow
    overall = float((p * sizes).sum() / sizes.sum())
    out = [
        _Estimator("overall|proportion_clopper_pearson",
                   "regular-work outflow of all participants: share with Clopper-Pearson "
                   "interval", "outflow share", overall),
    ]
    if target is not None:  # no target declared: nothing to test against
        out += [
            _Estimator("overall|binomial_exact_one_sided_target_met",
                       f"exact binomial test that outflow exceeds the {target:.0%} target "
                       "(one-sided)", "outflow share", overall),
            _Estimator("overall|binomial_exact_one_sided_target_missed",
                       f"exact binomial test that outflow falls short of the {target:.0%} "
                       "target (one-sided)", "outflow share", overall),
        ]
    if len(design.arms) != 2:
        return out
    c = design.arms.index(design.control_arm)
    t = 1 - c
    treated = design.arms[t]
    effect = p[:, t] - p[:, c]
    band_share = sizes.sum(axis=1) / sizes.sum()
    pooled = float((sizes[:, t] * p[:, t]).sum() / sizes[:, t].sum()
                   - (sizes[:, c] * p[:, c]).sum() / sizes[:, c].sum())
    out += [
        _Estimator("overall|risk_difference_block_weighted",
                   "instruments effect pooled over bands: block-weighted risk difference",
                   "effect overall", float(band_share @ effect)),
        _Estimator("overall|risk_difference_hc2",
                   "instruments effect, bands pooled: risk difference (HC2)",
                   "effect, bands pooled", pooled),
        _Estimator("pooled|fisher_exact_two_sided",
                   "Fisher's exact test of instruments pooled over bands (two-sided)",
                   "effect, bands pooled", pooled),
    ]
    for b, name in enumerate(design.strata):
        out += [
            _Estimator(f"band={name}|risk_difference_hc2",
                       f"instruments effect within band {name}: risk difference (HC2)",
                       f"effect in band {name}", float(effect[b])),
            _Estimator(f"band={name}|fisher_exact_two_sided",
                       f"Fisher's exact test of instruments within band {name} (two-sided)",
                       f"effect in band {name}", float(effect[b])),
        ]
    if len(design.strata) == 2:
        first, second = design.strata
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ror = float(logit(p[1, t]) - logit(p[1, c]) - logit(p[0, t]) + logit(p[0, c]))
        out += [
            _Estimator(f"band={second} - band={first}|risk_difference_interaction_hc2",
                       "band x instruments interaction: difference of the bands' risk "
                       "differences (HC2)", "interaction, risk difference scale",
                       float(effect[1] - effect[0])),
            _Estimator(f"instruments{treated}:band{second}|logit_coefficient",
                       "band x instruments interaction: logistic regression coefficient "
                       "(log ratio of odds ratios)", "interaction, log odds ratio scale",
                       log_ror),
        ]
    return out


@dataclasses.dataclass(frozen=True)
class _Chunk:
    design: TrialDesign
    parameters: SimulationParameters
    size: int
    seed: np.random.SeedSequence
    full_follow_up: bool
    alpha: float


def analyse_outcomes(design: TrialDesign, events: np.ndarray, sizes: np.ndarray, *,
                     level: float) -> list[EstimatorDraws]:
    """The primary analysis of every simulated trial, from the cell counts."""
    draws = binomial_rows(events, sizes, target=design.target_outflow, level=level)
    if len(design.arms) == 2:
        c = design.arms.index(design.control_arm)
        draws += effect_rows(events, sizes, control=c, treated=1 - c, strata=design.strata,
                             arm_label=f"instruments{design.arms[1 - c]}", level=level)
    return draws


def _run_chunk(chunk: _Chunk) -> dict[str, Any]:
    """Simulate and analyse one chunk; return the running sums (picklable, small)."""
    design = chunk.design
    rng = np.random.default_rng(chunk.seed)
    if design.n_total > SIMULATED_TRIAL_MAX_PARTICIPANTS:
        events, sizes = draw_cell_counts(design, chunk.parameters, chunk.size, rng,
                                         full_follow_up=chunk.full_follow_up)
    else:
        outcomes = simulate_outcomes(design, chunk.parameters, chunk.size, rng,
                                     full_follow_up=chunk.full_follow_up)
        events, sizes = outcomes.cell_counts(len(design.strata), len(design.arms))
    draws = {d.key: d for d in analyse_outcomes(design, events, sizes, level=1 - chunk.alpha)}
    sums = {}
    for spec in _estimators(design, chunk.parameters):
        sums[spec.key] = chunk_sums(draws[spec.key], spec.estimand, chunk.alpha)
    x, n = events.sum(axis=(1, 2)), sizes.sum(axis=(1, 2))
    met = None if design.target_outflow is None else \
        int(target_met(x, n, design.target_outflow).sum())
    return {"sums": sums, "reasons": {k: d.reason for k, d in draws.items()},
            "target_met": met, "trials": chunk.size}


def diagnose_design(design: TrialDesign | None = None, *,
                    parameters: SimulationParameters | None = None, sims: int = 1000,
                    seed: int = DEFAULT_SEED, alpha: float = 0.05,
                    full_follow_up: bool = False, chunk_size: int = DEFAULT_CHUNK_SIZE,
                    executor: Executor | None = None, progress: bool = False) -> Diagnosis:
    """Simulate ``design`` ``sims`` times and diagnose its primary analysis.

    Parameters
    ----------
    design : TrialDesign, optional
        Default: "Iedereen doet mee" as declared (allocation ``assigned``).
    parameters : SimulationParameters, optional
        The assumptions; :func:`with_outflow` sets the outflow share of each cell.
    sims : int
        Number of simulated trials.
    seed : int
        Seed of ``numpy.random.SeedSequence``; chunk ``k`` uses its child ``k``.
    alpha : float
        Significance level of the tests; intervals have level ``1 - alpha``.
    full_follow_up : bool
        Follow everyone for 24 months (no administrative censoring, no loss to
        follow-up), so the outcome is the plain binary one of a textbook power
        calculation.
    chunk_size : int
        Simulated trials per chunk (the unit of parallel work and of memory).
    executor : concurrent.futures.Executor, optional
        Runs the chunks (a process pool, ``dask.distributed.Client.get_executor()``);
        default: one after another in this process. The result is the same.
    progress : bool
        Show a progress bar with time remaining on standard error.

    Returns
    -------
    Diagnosis

    Examples
    --------
    >>> d = diagnose_design(TrialDesign(allocation="randomised"), sims=200, seed=1)
    >>> round(d.value("overall|binomial_exact_one_sided_target_met", "power"), 2)
    0.0
    """
    design = TrialDesign() if design is None else design
    parameters = settings_for_design(design, parameters)
    for name, value, low in (("sims", sims, 1), ("chunk_size", chunk_size, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"diagnose_design: {name} must be a whole number of at least "
                             f"{low}, got {value!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"diagnose_design: alpha must lie in (0, 1), got {alpha!r}")
    parameters.exit_shares(design)
    specs = _estimators(design, parameters)
    sizes = [chunk_size] * (sims // chunk_size) + ([sims % chunk_size] if sims % chunk_size
                                                   else [])
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    chunks = [_Chunk(design, parameters, n, s, full_follow_up, alpha)
              for n, s in zip(sizes, seeds, strict=True)]
    bar = ProgressBar(sims) if progress else None
    if executor is None:
        results = []
        for chunk in chunks:
            results.append(_run_chunk(chunk))
            if bar is not None:
                bar.advance(chunk.size)
    else:
        futures = [executor.submit(_run_chunk, chunk) for chunk in chunks]
        results = []
        for future in futures:  # in chunk order, so the sums add up the same way
            results.append(future.result())
            if bar is not None:
                bar.advance(results[-1]["trials"])
    if bar is not None:
        bar.close()
    settings: dict[str, Any] = dict(sims=sims, seed=seed, alpha=alpha, chunk_size=chunk_size,
                                    full_follow_up=full_follow_up)
    if design.n_total > SIMULATED_TRIAL_MAX_PARTICIPANTS:
        settings["method"] = LARGE_TRIAL_METHOD
    if len(design.arms) > 2:
        settings["comparisons"] = MORE_ARMS_NOTE
    return _summarise(design, parameters, specs, results, settings)


def _summarise(design: TrialDesign, parameters: SimulationParameters,
               specs: list[_Estimator], results: list[dict[str, Any]],
               settings: dict[str, Any]) -> Diagnosis:
    rows, counts = [], []
    for spec in specs:
        total = np.zeros_like(results[0]["sums"][spec.key])
        for result in results:
            total = total + result["sums"][spec.key]
        values = diagnosands(total, spec.estimand)
        for name in DIAGNOSANDS:
            value, se = values[name]
            over = int(total[SUMS.index(DENOMINATORS[name])])
            rows.append((spec.key, spec.label, spec.inquiry, name, value, se, over))
        trials, estimable = int(total[0]), int(total[1])
        reason = results[0]["reasons"][spec.key] or "no p-value"
        counts.append((spec.key, spec.label, spec.inquiry, spec.estimand, trials, estimable,
                       trials - estimable, reason if trials > estimable else ""))
    table = pd.DataFrame(rows, columns=["estimator_key", "estimator", "inquiry", "diagnosand",
                                        "value", "mc_se", "n"])
    estimators = pd.DataFrame(counts, columns=["estimator_key", "estimator", "inquiry",
                                               "estimand", "trials", "answered",
                                               "not_answered", "why_not"])
    probability = None
    if design.target_outflow is not None:
        share = sum(r["target_met"] for r in results) / settings["sims"]
        probability = (share, math.sqrt(share * (1 - share) / settings["sims"]))
    cells = {f"{s}/{a}": parameters.for_cell("regular_work_24m", s, a)
             for s in design.strata for a in design.arms}
    settings = {**settings, "design": design.name, "allocation": design.allocation,
                "n_per_cell": {f"{c.stratum}/{c.arm}": c.planned_n for c in design.cells},
                "target": design.target_outflow, "outflow_24m": cells,
                "loss_to_follow_up_24m": parameters.loss_to_follow_up_24m,
                "enrolment_months": design.enrolment_months,
                "enrolment_start": design.enrolment_start.isoformat(),
                "cutoff": design.cutoff.isoformat()}
    return Diagnosis(table, estimators, probability, settings)

