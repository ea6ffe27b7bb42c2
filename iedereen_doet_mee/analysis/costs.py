"""What does it cost and what does it save? (costs and benefit savings per arm).

:func:`costs_and_savings` counts, per participant, the months off benefit between the
exit and the earlier of the return to benefit and the last day the status is known,
values them at a cost per benefit month (a labelled assumption), sets them against
the instrument costs, and reports totals and means per arm and overall, the
differences between arms, and the cost per additional regular-work outflow with a
stratified bootstrap percentile interval.

The bootstrap is written out, not ``scipy.stats.bootstrap``: here one set of resamples
within band x arm cells feeds every difference and the cost ratio, a replicate without
additional outflow is counted as not estimable rather than dropped, and large trials
draw their resamples in blocks to bound memory. It is pinned to R's ``boot`` (with
``strata``) within Monte Carlo error and to exact enumeration
(``tests/analysis/test_costs.py``).
"""

from __future__ import annotations

import math
from typing import get_args

import numpy as np
import pandas as pd

from ..design import TrialDesign
from .benefit_months import Exits, benefit_months_saved
from .common import check_level
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["Exits", "benefit_months_saved", "costs_and_savings"]

_DIFFS = (("cost", "mean_cost_difference_eur_bootstrap_percentile"),
          ("savings", "mean_savings_difference_eur_bootstrap_percentile"),
          ("net", "mean_net_savings_difference_eur_bootstrap_percentile"),
          ("outflow", "regular_work_share_difference_bootstrap_percentile"))
RATIO = "cost_per_additional_regular_work_outflow_eur_bootstrap_percentile"


def _percentile(values: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail], method="inverted_cdf")
    return float(low), float(high)


#: Participants from which the bootstrap draws its resamples in blocks of replicates and
#: adds up each cell's sums, instead of holding every replicate's resample (B x n
#: integers per arm, and the gathered values) at once: at 100,000 participants and
#: 2,000 replicates that took about 4 GB. The draws are the same (a cell's replicates
#: drawn in consecutive blocks give the same stream); only the order of summation
#: differs, by rounding. Below it the reviewed computation keeps the numbers of trials
#: of the planned size (100) bit for bit and needs at most about 100 MB.
BLOCKED_BOOTSTRAP_MIN_PARTICIPANTS = 2000

#: Cells' resamples drawn per block: at most this many indices at once (80 MB).
_BLOCK_INDICES = 10_000_000


def _bootstrap(cells: list[np.ndarray], arms_of_cells: list[str], values: dict[str, np.ndarray],
               n_boot: int, rng: np.random.Generator) -> dict[str, dict[str, np.ndarray]]:
    """Mean of each value per arm in each replicate, resampling within each cell."""
    if sum(len(idx) for idx in cells) >= BLOCKED_BOOTSTRAP_MIN_PARTICIPANTS:
        return _blocked_bootstrap(cells, arms_of_cells, values, n_boot, rng)
    per_arm: dict[str, list[np.ndarray]] = {}
    for idx, arm in zip(cells, arms_of_cells, strict=True):
        per_arm.setdefault(arm, []).append(idx[rng.integers(0, len(idx), (n_boot, len(idx)))])
    return {arm: {name: v[np.hstack(parts)].mean(axis=1) for name, v in values.items()}
            for arm, parts in per_arm.items()}


def _blocked_bootstrap(cells: list[np.ndarray], arms_of_cells: list[str],
                       values: dict[str, np.ndarray], n_boot: int, rng: np.random.Generator
                       ) -> dict[str, dict[str, np.ndarray]]:
    """:func:`_bootstrap` with each cell's replicates drawn in blocks and summed."""
    sums: dict[str, dict[str, np.ndarray]] = {}
    sizes: dict[str, int] = {}
    for idx, arm in zip(cells, arms_of_cells, strict=True):
        total = sums.setdefault(arm, {name: np.zeros(n_boot) for name in values})
        sizes[arm] = sizes.get(arm, 0) + len(idx)
        rows = max(1, _BLOCK_INDICES // max(len(idx), 1))
        for start in range(0, n_boot, rows):
            block = idx[rng.integers(0, len(idx), (min(rows, n_boot - start), len(idx)))]
            for name, v in values.items():
                total[name][start:start + len(block)] += v[block].sum(axis=1)
    return {arm: {name: total / sizes[arm] for name, total in by_name.items()}
            for arm, by_name in sums.items()}


@accepts_trial("unit_frame", options=("design", "seed"))
def costs_and_savings(
    frame: pd.DataFrame, *, design: TrialDesign | None = None,
    benefit_cost_per_month: float | None = None, benefit_cost_source: str | None = None,
    control_arm: str | None = None, exits: Exits = "any", n_bootstrap: int = 2000,
    seed: int | np.random.Generator = 20140701, level: float = 0.95,
    arm: str = "instruments", band: str = "band", exit_on: str = "exit_on",
    exit_reason: str = "exit_reason", returned_on: str = "returned_on",
    known_until: str = "known_until", cost: str = "instrument_cost",
    outflow: str = "regular_work", participant: str = "participant_id",
) -> AnalysisResult:
    """Instrument costs, benefit savings and the cost per additional regular-work outflow.

    Parameters
    ----------
    frame : pandas.DataFrame or TrialData
        One row per participant: ``derive_outcomes(trial).frame`` merged with
        ``trial.participants[["participant_id", "returned_on"]]``.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    design : TrialDesign, optional
        Supplies the benefit cost, its source and the control arm; default
        ``TrialDesign()``.
    benefit_cost_per_month, benefit_cost_source : float, str, optional
        Euros per benefit month and where that figure comes from; default the design's.
    control_arm : str, optional
        The comparison arm; default ``design.control_arm``.
    exits : {"any", "work"}
        Count months off benefit after any exit (default) or only after an exit to
        regular or subsidised work.
    n_bootstrap : int
        Bootstrap replicates B (default 2000).
    seed : int or numpy.random.Generator
        Seed of the bootstrap (its first ``SeedSequence`` child is used) or a generator.
    level : float
        Level of the intervals.
    arm, band, exit_on, exit_reason, returned_on, known_until, cost, outflow, participant : str
        Column names; ``outflow`` is the regular-work indicator.

    Returns
    -------
    AnalysisResult
        Per arm (term ``arm:A``) and ``overall``: totals and means of instrument
        cost, benefit savings and net savings (savings minus costs), mean months
        saved and the regular-work share. Per arm against control (term ``A - C``):
        mean differences and ``cost_per_additional_regular_work_outflow_eur`` with
        bootstrap percentile intervals (``std_error`` of the differences is the
        bootstrap standard deviation). ``extras``: ``participants``, ``bootstrap``
        (replicates) and ``bootstrap_summary`` (replicates not estimable).

    Notes
    -----
    Cost per additional outflow :math:`= (\\bar c_A - \\bar c_C) / (\\bar y_A - \\bar y_C)`
    with mean instrument cost :math:`\\bar c` and regular-work share :math:`\\bar y`
    (Drummond et al. 2015, Methods for the Economic Evaluation of Health Care
    Programmes, ch. 4). The bootstrap resamples participants with replacement within
    each band x arm cell (Davison and Hinkley 1997, sec. 3.7; R ``boot(strata=)``);
    the interval takes the empirical ``(1-level)/2`` quantiles (inverse of the
    empirical distribution function). A replicate whose share difference is not
    positive buys no additional outflow: it is not estimable, counts as an infinite
    cost per additional outflow, and the number of such replicates is reported.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = costs_and_savings(derive_outcomes(simulate_trial(seed=1)).frame,
    ...                            n_bootstrap=200)
    >>> int(result.estimate("overall", "mean_benefit_months_saved")["n"])
    100
    """
    design = TrialDesign() if design is None else design
    if exits not in get_args(Exits):
        raise ValueError(f"costs_and_savings: option exits={exits!r} is not allowed; use one "
                         f"of {list(get_args(Exits))}")
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, int) or n_bootstrap < 1:
        raise ValueError(f"costs_and_savings: n_bootstrap={n_bootstrap!r} must be a whole "
                         "number of at least 1")
    level = check_level("costs_and_savings", level)
    for column in (arm, band, exit_on, known_until, cost, outflow):
        if column not in frame:
            raise ValueError(f"costs_and_savings: column {column!r} is not in the frame")
    per_month = (design.benefit_cost_per_month if benefit_cost_per_month is None
                 else float(benefit_cost_per_month))
    source = (benefit_cost_source if benefit_cost_source is not None else
              design.benefit_cost_source if benefit_cost_per_month is None
              else "given by the user; no source stated")
    control = design.control_arm if control_arm is None else control_arm
    months = benefit_months_saved(frame, exits=exits, exit_on=exit_on, exit_reason=exit_reason,
                                  returned_on=returned_on, known_until=known_until)
    arms = frame[arm].astype(str).to_numpy()
    ids = frame[participant].to_numpy() if participant in frame else np.arange(len(frame))
    people = pd.DataFrame({"participant_id": ids, "arm": arms,
                           "band": frame[band].astype(str).to_numpy(),
                           "months_saved": months, "savings": months * per_month,
                           "cost": frame[cost].to_numpy(dtype=float),
                           "outflow": frame[outflow].to_numpy(dtype=float)})
    people["net"] = people["savings"] - people["cost"]
    notes = [f"Benefit month valued at EUR {per_month:,.2f}: {source}.",
             f"Months off benefit after {'any exit' if exits == 'any' else 'an exit to work'} "
             "until the return to benefit or the last day the status is known; gross benefit "
             "only (no wage-cost subsidy, execution costs or taxes)."]
    if returned_on not in frame:
        notes.append(f"Column {returned_on!r} is not in the frame: nobody counts as back on "
                     "benefit; merge it from trial.participants to count returns.")
    if design.allocation != "randomised":
        notes.append("Arms were not declared randomised: differences between arms are "
                     "comparisons, not effects.")
    log: list[NotEstimable] = []
    costs_known = not people["cost"].isna().any()
    if not costs_known:
        notes.append("Instrument costs are missing (is the instruments table absent?): costs, "
                     "net savings and the cost per additional outflow are not estimable.")
    order = list(design.arms) + sorted(set(arms) - set(design.arms))
    rows = []
    for term, group in [(f"arm:{a}", people[people["arm"] == a]) for a in order] + [
            ("overall", people)]:
        rows += _group_rows(term, group, costs_known, log)
    others = [a for a in order if a != control] if control is not None else []
    if control is None:
        notes.append("No control arm: no difference between arms.")
    cells = [g.index.to_numpy() for _, g in people.groupby(["band", "arm"], sort=True)]
    cell_arms = [str(g["arm"].iloc[0]) for _, g in people.groupby(["band", "arm"], sort=True)]
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
        np.random.SeedSequence(seed).spawn(1)[0])
    values = {name: people[name].to_numpy(dtype=float)
              for name in ("cost", "savings", "net", "outflow")}
    boot = _bootstrap(cells, cell_arms, values, n_bootstrap, rng) if cells else {}
    replicates, summary = {}, []
    for other in others:
        term = f"{other} - {control}"
        a, c = people[people["arm"] == other], people[people["arm"] == control]
        if len(a) == 0 or len(c) == 0:
            reason = f"no participants in arm {other if len(a) == 0 else control!r}"
            rows += [not_estimable_row(term, estimator=e, n=len(a) + len(c), reason=reason,
                                       log=log) for _, e in _DIFFS] + [
                not_estimable_row(term, estimator=RATIO, n=len(a) + len(c), reason=reason,
                                  log=log)]
            continue
        reps = {name: boot[other][name] - boot[control][name] for name, _ in _DIFFS}
        gain = reps["outflow"]
        reps["ratio"] = np.where(gain > 0, reps["cost"] / np.where(gain > 0, gain, 1), np.inf)
        failed = int((gain <= 0).sum())
        replicates.update({f"{term}:{k}": v for k, v in reps.items()})
        summary.append((term, n_bootstrap, failed))
        rows += _difference_rows(term, a, c, reps, costs_known, level, log)
        if failed:
            notes.append(f"{term}: {failed} of {n_bootstrap} bootstrap replicates had no "
                         "additional regular-work outflow (not estimable; counted as an "
                         "infinite cost per additional outflow).")
    if others:
        notes.append(f"Bootstrap: {n_bootstrap} replicates resampled within band x arm "
                     "cells; percentile intervals.")
    return AnalysisResult(
        "costs", "Instrument costs and benefit savings", tidy_table(rows), n=len(people),
        notes=tuple(notes), not_estimable=tuple(log),
        extras={"participants": people, "bootstrap": pd.DataFrame(replicates),
                "bootstrap_summary": pd.DataFrame(summary, columns=[
                    "comparison", "n_bootstrap", "not_estimable"])})


def _group_rows(term: str, group: pd.DataFrame, costs_known: bool,
                log: list[NotEstimable]) -> list[dict]:
    n = len(group)
    rows = []
    for estimator, value, needs_cost, mean in (
            ("mean_benefit_months_saved", group["months_saved"], False, True),
            ("total_benefit_savings_eur", group["savings"], False, False),
            ("mean_benefit_savings_eur", group["savings"], False, True),
            ("total_instrument_cost_eur", group["cost"], True, False),
            ("mean_instrument_cost_eur", group["cost"], True, True),
            ("net_savings_eur", group["net"], True, False),
            ("mean_net_savings_eur", group["net"], True, True),
            ("regular_work_share", group["outflow"], False, True)):
        if needs_cost and not costs_known:
            rows.append(not_estimable_row(term, estimator=estimator, n=n, log=log,
                                          reason="instrument costs are missing"))
        elif mean and n == 0:
            rows.append(not_estimable_row(term, estimator=estimator, n=0, log=log,
                                          reason="no participants"))
        else:
            rows.append(tidy_row(term, value.mean() if mean else value.sum(),
                                 estimator=estimator, n=n))
    return rows


def _difference_rows(term: str, a: pd.DataFrame, c: pd.DataFrame,
                     reps: dict[str, np.ndarray], costs_known: bool,
                     level: float, log: list[NotEstimable]) -> list[dict]:
    n = len(a) + len(c)
    rows = []
    for name, estimator in _DIFFS:
        if name in ("cost", "net") and not costs_known:
            rows.append(not_estimable_row(term, estimator=estimator, n=n, log=log,
                                          reason="instrument costs are missing"))
            continue
        low, high = _percentile(reps[name], level)
        rows.append(tidy_row(term, a[name].mean() - c[name].mean(), estimator=estimator, n=n,
                             std_error=float(np.std(reps[name], ddof=1)) if len(reps[name]) > 1
                             else math.nan, conf_low=low, conf_high=high))
    gain = a["outflow"].mean() - c["outflow"].mean()
    if not costs_known:
        rows.append(not_estimable_row(term, estimator=RATIO, n=n, log=log,
                                      reason="instrument costs are missing"))
    elif not gain > 0:
        rows.append(not_estimable_row(
            term, estimator=RATIO, n=n, log=log,
            reason=f"no additional regular-work outflow (share difference {gain:.3f})"))
    else:
        low, high = _percentile(reps["ratio"], level)
        rows.append(tidy_row(term, (a["cost"].mean() - c["cost"].mean()) / gain,
                             estimator=RATIO, n=n, conf_low=low, conf_high=high))
    return rows
