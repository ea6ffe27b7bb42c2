"""Which instruments go together with durable placements? (research question 3).

Among the participants offered instruments (every arm but the control arm), each
instrument kind splits people into those who received it by ``as_of`` and those who
did not. :func:`instrument_associations` compares the share durably placed between
the two groups: a risk difference with the Newcombe hybrid-score interval, the
conditional maximum-likelihood odds ratio with its exact interval, and Fisher's exact
test, with Holm's adjustment across kinds. Instruments within an arm are not
randomised, so every number is an association, never an effect: the estimator names
start with ``associational_`` and the notes say so.

The odds ratio, its exact interval and Fisher's test are scipy's
(:func:`~.effects.exact.odds_ratio_interval`). :func:`newcombe_interval` is four lines
over :func:`~.common.wilson_interval`, kept so that the package computes Wilson limits
in one place; it equals statsmodels' ``confint_proportions_2indep(method="newcomb",
compare="diff")`` to 1e-12 (``tests/analysis/test_statistics_libraries.py``) and R's
``prop.test`` limits combined by hand (``tests/analysis/test_instruments.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..dates import parse_iso_date
from ..design import TrialDesign
from .common import check_level, check_option, holm_p_values, wilson_interval
from .effects.exact import CONDITIONAL_EXACT_MAX_PARTICIPANTS, WOOLF_NOTE, odds_ratio_interval
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["NoPlacement", "instrument_associations", "newcombe_interval"]

NoPlacement = Literal["not_durable", "exclude"]
RD = "associational_risk_difference_newcombe"
OR = "associational_odds_ratio_conditional_mle_exact"
HOLM = "associational_fisher_exact_p_holm"


def newcombe_interval(x1: int, n1: int, x0: int, n0: int,
                      level: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid-score interval for the difference ``x1/n1 - x0/n0``.

    Notes
    -----
    With Wilson score limits :math:`(l_i, u_i)` of each proportion :math:`p_i`,
    :math:`L = d - \\sqrt{(p_1 - l_1)^2 + (u_0 - p_0)^2}` and
    :math:`U = d + \\sqrt{(u_1 - p_1)^2 + (p_0 - l_0)^2}` (Newcombe 1998, method 10).

    References
    ----------
    Newcombe RG (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Stat Med 17:873-890.

    Examples
    --------
    >>> [round(v, 4) for v in newcombe_interval(56, 70, 48, 80)]
    [0.0524, 0.3339]
    """
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson_interval(x1, n1, z=z)
    l0, u0 = wilson_interval(x0, n0, z=z)
    d = p1 - p0
    return (d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


def _durable_status(frame: pd.DataFrame, durable: str, placement: str,
                    no_placement: NoPlacement) -> tuple[pd.Series, int, int]:
    """Durable status 1/0 (missing when excluded), and counts of the two exclusions."""
    status = pd.array(frame[durable], dtype="boolean")
    placed = frame[placement].notna().to_numpy(dtype=bool)
    known = ~pd.isna(status)
    value = np.where(known, np.asarray(status.fillna(False), dtype=float), np.nan)
    unknown_placed = int((~known & placed).sum())
    unplaced = ~known & ~placed
    if no_placement == "not_durable":
        value[unplaced] = 0.0
        return pd.Series(value, index=frame.index), unknown_placed, 0
    return pd.Series(value, index=frame.index), unknown_placed, int(unplaced.sum())


def _kind_rows(name: str, a: int, b: int, c: int, d: int, level: float,
               log: list[NotEstimable]) -> tuple[list[dict], float]:
    """Rows of one kind from its 2 x 2 table (received: a durable, b not; others: c, d)."""
    n1, n0, n = a + b, c + d, a + b + c + d
    if n1 == 0 or n0 == 0:
        who = "no one" if n1 == 0 else "everyone"
        reason = (f"{who} in the analysis population received {name}: no comparison "
                  "(no variation in receipt)") if n else "the analysis population is empty"
        return [not_estimable_row(name, estimator=e, n=n, reason=reason, log=log)
                for e in (RD, OR, HOLM)], math.nan
    p1, p0 = a / n1, c / n0
    low, high = newcombe_interval(a, n1, c, n0, level)
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    rows = [tidy_row(name, p1 - p0, estimator=RD, n=n, std_error=se, conf_low=low,
                     conf_high=high)]
    p_value = float(stats.fisher_exact([[a, b], [c, d]]).pvalue)
    if a + c == 0 or b + d == 0:
        who = "no one" if a + c == 0 else "everyone"
        rows.append(not_estimable_row(
            name, estimator=OR, n=n, log=log,
            reason=f"{who} in the analysis population was durably placed: the odds ratio is "
                   "undefined (Fisher's exact p-value is 1)"))
    else:
        # exact up to CONDITIONAL_EXACT_MAX_PARTICIPANTS, Woolf's interval above (noted)
        estimate, low, high, _ = odds_ratio_interval([[a, b], [c, d]], level=level)
        rows.append(tidy_row(name, estimate, estimator=OR, n=n, p_value=p_value,
                             conf_low=low, conf_high=high))
    rows.append(tidy_row(name, math.nan, estimator=HOLM, n=n))  # filled in after Holm
    return rows, p_value


@accepts_trial("frame", "instruments", options=("design", "as_of"))
def instrument_associations(
    frame: pd.DataFrame, instruments: pd.DataFrame | None, *,
    design: TrialDesign | None = None, control_arm: str | None = None,
    as_of: dt.date | str | None = None, kinds: Sequence[str] | None = None,
    no_placement: NoPlacement = "not_durable", level: float = 0.95,
    participant: str = "participant_id", arm: str = "instruments",
    durable: str = "durable_placement", placement: str = "placement_on",
    known_until: str = "known_until", kind: str = "kind", started: str = "started_on",
) -> AnalysisResult:
    """Association of receiving each instrument kind with a durable placement.

    Parameters
    ----------
    frame : pandas.DataFrame or TrialData
        One row per participant, typically ``derive_outcomes(trial).frame``.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    instruments : pandas.DataFrame or None
        The instruments table (``trial.table("instruments")``); None when absent.
    design : TrialDesign, optional
        Supplies the control arm and the instrument kinds; default ``TrialDesign()``.
    control_arm : str, optional
        Arm not offered instruments; default ``design.control_arm``. A single-arm
        design (no control arm) analyses everyone.
    as_of : date or ISO str, optional
        Count an instrument when it started on or before this day; default the latest
        ``known_until`` in ``frame`` (the outcomes' date).
    kinds : sequence of str, optional
        Kinds to analyse; default ``design.instrument_kinds`` followed by any other
        kind recorded in ``instruments``.
    no_placement : {"not_durable", "exclude"}
        Whether a participant without any placement counts as not durably placed
        (default) or is left out.
    level : float
        Level of the intervals.
    participant, arm, durable, placement, known_until : str
        Column names in ``frame``.
    kind, started : str
        Column names in ``instruments`` (the participant column is ``participant``).

    Returns
    -------
    AnalysisResult
        Per kind three rows: ``associational_risk_difference_newcombe`` (received
        minus not received; ``std_error`` is the unpooled Wald one, not used for the
        interval), ``associational_odds_ratio_conditional_mle_exact`` (its
        ``p_value`` is Fisher's two-sided exact test) and
        ``associational_fisher_exact_p_holm`` (estimate and ``p_value``: the
        Holm-adjusted Fisher p-value). ``extras["counts"]`` holds the 2 x 2 tables.

    Notes
    -----
    The analysis population is everyone in an arm offered instruments whose durable
    status is known: a placement that lasted ``durable_horizon_months`` (durable),
    one that ended sooner (not durable) and, by default, no placement at all (not
    durable). A placement whose durability cannot be known yet is excluded and
    counted in the notes. The odds ratio is the conditional MLE with the exact
    interval of Fisher's test (R ``fisher.test``), in populations of more than
    :data:`~iedereen_doet_mee.analysis.effects.exact.CONDITIONAL_EXACT_MAX_PARTICIPANTS`
    the sample odds ratio with Woolf's interval (noted); Holm's adjustment (1979) runs over
    the kinds with a p-value. Who receives which instrument depends on need, time in
    the project and the placement itself (a job coach often follows a job), so these
    comparisons describe, they do not show what an instrument causes.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = simulate_trial(seed=3)
    >>> result = instrument_associations(derive_outcomes(trial).frame,
    ...                                  trial.table("instruments"), design=trial.design)
    >>> bool(result.table["estimator"].str.startswith("associational_").all())
    True
    """
    check_option("instrument_associations", "no_placement", no_placement, NoPlacement)
    level = check_level("instrument_associations", level)
    design = TrialDesign() if design is None else design
    control = design.control_arm if control_arm is None else control_arm
    for column in (participant, arm, durable, placement):
        if column not in frame:
            raise ValueError(f"instrument_associations: column {column!r} is not in the frame")
    offered = frame if control is None else frame[frame[arm].astype(str) != str(control)]
    status, unknown, unplaced = _durable_status(offered, durable, placement, no_placement)
    population = offered[status.notna()]
    y = status[status.notna()].to_numpy(dtype=float)
    if as_of is None and known_until in frame and frame[known_until].notna().any():
        as_of = pd.Timestamp(frame[known_until].max()).date()
    notes = [
        "Associational, not causal: instruments were not randomised within the arm; "
        "receipt depends on need, time in the project and the placement itself.",
        f"Analysis population: {len(population)} of {len(offered)} participants offered "
        f"instruments; {unknown} excluded because the durability of their placement is not "
        "known yet" + (f", {unplaced} without a placement excluded" if unplaced else
                       "; people without a placement count as not durably placed") + ".",
    ]
    log: list[NotEstimable] = []
    if kinds is None:
        seen = set() if instruments is None else set(instruments[kind].astype(str))
        kinds = list(design.instrument_kinds) + sorted(seen - set(design.instrument_kinds))
    received = pd.DataFrame(columns=[participant, kind])
    if instruments is None:
        notes.append("The instruments table is absent: no kind can be analysed.")
    else:
        received = instruments
        if as_of is not None:
            received = received[received[started] <= pd.Timestamp(parse_iso_date(as_of))]
            notes.append(f"An instrument counts when it started on or before {as_of}.")
        if control is not None:
            arms = frame.set_index(participant)[arm].astype(str)
            in_control = received[participant].map(arms) == str(control)
            if in_control.any():
                notes.append(f"{int(in_control.sum())} instrument record(s) of the control "
                             "arm are ignored (contamination or data error).")
    rows, p_values, counts = [], [], []
    ids = population[participant].to_numpy()
    for name in kinds:
        # pandas' isin hashes; numpy's compares object arrays pairwise (minutes at 50,000)
        got = pd.Series(ids).isin(received.loc[received[kind].astype(str) == name,
                                               participant]).to_numpy()
        a, b = int((got & (y == 1)).sum()), int((got & (y == 0)).sum())
        c, d = int((~got & (y == 1)).sum()), int((~got & (y == 0)).sum())
        if instruments is None:
            reason = "the instruments table is absent"
            kind_rows = [not_estimable_row(name, estimator=e, n=len(ids), reason=reason,
                                           log=log) for e in (RD, OR, HOLM)]
            p_value = math.nan
        else:
            kind_rows, p_value = _kind_rows(name, a, b, c, d, level, log)
        rows.append(kind_rows)
        p_values.append(p_value)
        counts.append((name, a + b, a, c + d, c, p_value))
    adjusted = holm_p_values(p_values)
    for kind_rows, p in zip(rows, adjusted, strict=True):
        if not math.isnan(p):
            kind_rows[2] = tidy_row(kind_rows[2]["term"], p, estimator=HOLM, p_value=p,
                                    n=kind_rows[2]["n"])
    notes.append(f"Holm's adjustment over the {int(np.sum(~np.isnan(adjusted)))} kind(s) with "
                 "a Fisher p-value.")
    if len(ids) > CONDITIONAL_EXACT_MAX_PARTICIPANTS:
        notes.append(WOOLF_NOTE)
    table = pd.DataFrame(counts, columns=["kind", "received_n", "received_durable",
                                          "not_received_n", "not_received_durable",
                                          "p_fisher"])
    table["p_holm"] = adjusted
    return AnalysisResult("instruments", "Instruments and durable placement (associational)",
                          tidy_table(r for kind_rows in rows for r in kind_rows),
                          n=len(population), notes=tuple(notes), not_estimable=tuple(log),
                          extras={"counts": table})
