"""Exact tests of instruments for small cells: Fisher's and Boschloo's, per band and pooled.

With 25 people per cell and an outflow of 10-30% a cell may hold a handful of
events or none; Wald intervals then fail while exact tests still answer.
:func:`exact_tests` gives, within every band and for the table pooled over bands,
Fisher's exact test with the conditional maximum-likelihood odds ratio and its exact
interval (as R's ``fisher.test``), and Boschloo's unconditional exact test (more
powerful than Fisher's; ``scipy.stats.boschloo_exact``).

All three come from scipy. Only the large-table stand-in for the conditional odds ratio
(Woolf's interval, see :data:`CONDITIONAL_EXACT_MAX_PARTICIPANTS`) is written out: it
needs one-sided limits and Haldane-Anscombe's +0.5 in every cell of a table with an
empty cell, where statsmodels' ``Table2x2`` gives two-sided intervals and its
``shift_zeros`` replaces only the empty cells. It equals ``Table2x2`` on the same
(shifted) table, ``tests/analysis/test_effects_libraries.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import odds_ratio

from ..common import check_level, check_option
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .data import UNADJUSTED_NOTE, BinaryEffectData, binary_effect_data

__all__ = ["BOSCHLOO_MAX_PARTICIPANTS", "CONDITIONAL_EXACT_MAX_PARTICIPANTS", "Alternative",
           "exact_tests", "odds_ratio_interval"]

Alternative = Literal["two-sided", "greater", "less"]

#: Participants in a 2 x 2 table up to which Boschloo's test is computed. scipy
#: enumerates all (n1 + 1)(n0 + 1) tables at 64 values of the nuisance parameter, so its
#: cost grows with the square of the table: about 0.2 s for the 100 participants of the
#: planned trial (50 per band), 0.6 s at 300, 1.7 s at 500 and 12 s at 1,000. Above it
#: the Boschloo row is not estimable, with a note: Fisher's exact test, computed at any
#: size, answers, and the two tests differ little in tables this large.
BOSCHLOO_MAX_PARTICIPANTS = 300

#: Participants in a 2 x 2 table up to which the conditional maximum-likelihood odds
#: ratio and its exact (Cornfield) interval are computed. scipy finds both by root
#: finding on the noncentral hypergeometric distribution, whose cost grows with the
#: table: 0.04 s at 100 participants, 0.4 s at 5,000 and 9 s at 50,000. Above it the
#: sample odds ratio and Woolf's interval (normal on the log scale; Haldane-Anscombe's
#: +0.5 in every cell when one is empty) stand in, with a note: the conditional and
#: unconditional estimates coincide as the table grows (Agresti 2013, Categorical Data
#: Analysis, 3rd ed., sections 3.1 and 16.6).
CONDITIONAL_EXACT_MAX_PARTICIPANTS = 2000

BOSCHLOO_NOTE = (f"Boschloo's test is computed for tables of up to {BOSCHLOO_MAX_PARTICIPANTS} "
                 "participants (its cost grows with the square of the table); in larger "
                 "tables its row is left empty and Fisher's exact test answers.")
WOOLF_NOTE = (f"In tables of more than {CONDITIONAL_EXACT_MAX_PARTICIPANTS} participants the "
              "odds ratio is the sample odds ratio with Woolf's interval (asymptotic; +0.5 in "
              "every cell when one is empty) instead of the conditional maximum-likelihood "
              "estimate with its exact interval; the p-value is still Fisher's exact one.")


def odds_ratio_interval(table: Sequence[Sequence[int]], *, level: float,
                        alternative: str = "two-sided") -> tuple[float, float, float, bool]:
    """Odds ratio of a 2 x 2 table with its interval: exact below a size, asymptotic above.

    Parameters
    ----------
    table : 2 x 2 counts
        ``[[x1, n1 - x1], [x0, n0 - x0]]``.
    level : float
        Level of the interval.
    alternative : {"two-sided", "greater", "less"}
        One-sided intervals for the one-sided alternatives.

    Returns
    -------
    tuple
        ``(estimate, conf_low, conf_high, exact)``: the conditional maximum-likelihood
        odds ratio with its exact interval (``exact`` True, as R's ``fisher.test``)
        when the table holds at most :data:`CONDITIONAL_EXACT_MAX_PARTICIPANTS`
        participants, else the sample odds ratio with Woolf's interval.

    Examples
    --------
    >>> *values, exact = odds_ratio_interval([[30, 970], [20, 1980]], level=0.95)
    >>> [round(v, 3) for v in values], exact
    ([3.062, 1.73, 5.42], False)
    """
    (a, b), (c, d) = ((int(v) for v in row) for row in table)
    if a + b + c + d <= CONDITIONAL_EXACT_MAX_PARTICIPANTS:
        result = odds_ratio([[a, b], [c, d]], kind="conditional")
        interval = result.confidence_interval(confidence_level=level, alternative=alternative)
        return float(result.statistic), float(interval.low), float(interval.high), True
    cells = np.array([a, b, c, d], dtype=float)
    if (cells == 0).any():
        cells += 0.5
    log_or = math.log(cells[0] * cells[3] / (cells[1] * cells[2]))
    se = math.sqrt(float((1 / cells).sum()))
    if alternative == "two-sided":
        z = float(stats.norm.ppf(0.5 + level / 2))
        return (math.exp(log_or), math.exp(log_or - z * se), math.exp(log_or + z * se), False)
    z = float(stats.norm.ppf(level))
    low, high = (math.exp(log_or - z * se), math.inf) if alternative == "greater" else \
        (0.0, math.exp(log_or + z * se))
    return math.exp(log_or), low, high, False


def _fisher(x1: int, n1: int, x0: int, n0: int, term: str, alternative: str, level: float,
            log: list[NotEstimable]) -> dict[str, Any]:
    estimator = f"fisher_exact_{alternative.replace('-', '_')}"
    table = [[x1, n1 - x1], [x0, n0 - x0]]
    p = float(stats.fisher_exact(table, alternative=alternative).pvalue)
    degenerate = x1 + x0 in (0, n1 + n0)
    if degenerate and n1 + n0 > CONDITIONAL_EXACT_MAX_PARTICIPANTS:
        estimate = low = high = math.nan
    else:
        estimate, low, high, _ = odds_ratio_interval(table, level=level,
                                                      alternative=alternative)
    if math.isnan(estimate):
        log.append(NotEstimable(term, estimator, "conditional odds ratio undefined: no events "
                                "(or only events) in both arms; the p-value still answers"))
    return tidy_row(term, estimate, estimator=estimator, n=n1 + n0, p_value=p,
                    conf_low=low, conf_high=high)


def _boschloo(x1: int, n1: int, x0: int, n0: int, term: str, alternative: str, points: int,
              log: list[NotEstimable]) -> dict[str, Any]:
    estimator = f"boschloo_exact_{alternative.replace('-', '_')}"
    if n1 + n0 > BOSCHLOO_MAX_PARTICIPANTS:
        return not_estimable_row(term, estimator=estimator, n=n1 + n0, log=log, reason=(
            f"not computed for more than {BOSCHLOO_MAX_PARTICIPANTS} participants (cost "
            "grows with the square of the table); Fisher's exact test answers"))
    # scipy's columns are the two binomial samples: treated first, so "greater" is p1 > p0
    result = stats.boschloo_exact([[x1, x0], [n1 - x1, n0 - x0]], alternative=alternative,
                                  n=points)
    return tidy_row(term, x1 / n1 - x0 / n0, estimator=estimator, n=n1 + n0,
                    statistic=float(result.statistic), p_value=float(result.pvalue))


def _rows(d: BinaryEffectData, mask: np.ndarray, term: str, alternative: str, level: float,
          points: int, log: list[NotEstimable]) -> list[dict[str, Any]]:
    x1, n1, x0, n0 = d.counts(mask)
    if n1 == 0 or n0 == 0:
        arm = d.treated if n1 == 0 else d.control
        return [not_estimable_row(term, estimator=f"{name}_{alternative.replace('-', '_')}",
                                  n=n1 + n0, log=log, reason=f"no participants in arm {arm!r}")
                for name in ("fisher_exact", "boschloo_exact")]
    return [_fisher(x1, n1, x0, n0, term, alternative, level, log),
            _boschloo(x1, n1, x0, n0, term, alternative, points, log)]


def exact_tests(data: pd.DataFrame, *, outcome: str = "regular_work", stratum: str = "band",
                arm: str = "instruments", control: str = "no", treated: str = "yes",
                strata: Sequence[str] | None = None, alternative: Alternative = "two-sided",
                level: float = 0.95, boschloo_points: int = 64) -> AnalysisResult:
    """Fisher's and Boschloo's exact tests of ``treated`` versus ``control``.

    Parameters
    ----------
    data, outcome, stratum, arm, control, treated, strata, level
        As in :func:`~iedereen_doet_mee.analysis.effects.risk.risk_effects`.
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: the treated arm has the higher outflow.
    boschloo_points : int
        Sobol points of scipy's search over the nuisance parameter (rounded up to a
        power of 2).

    Returns
    -------
    AnalysisResult
        For ``"pooled"`` (all bands together) and every band: a row
        ``fisher_exact_<alternative>`` with the conditional maximum-likelihood odds
        ratio, its exact (Cornfield) interval and Fisher's p-value; and a row
        ``boschloo_exact_<alternative>`` with the observed risk difference as
        ``estimate``, the Fisher p-value used as test statistic in ``statistic`` and
        Boschloo's p-value (no interval).

    Notes
    -----
    Fisher's test conditions on both margins (hypergeometric); the two-sided p-value
    sums the probabilities of tables no more likely than the observed one (as R).
    Boschloo's test treats the arms as two binomial samples and maximises over the
    common success probability :math:`\\pi` the probability of a Fisher p-value at most
    the observed one: :math:`p = \\sup_\\pi P_\\pi(T \\le t_{obs})`; its two-sided
    p-value is twice the smaller one-sided p-value (scipy's convention). Fisher's
    numbers are tested against R ``fisher.test``; Boschloo's against exact
    enumeration over all tables and a fine grid of :math:`\\pi`
    (``tests/analysis/test_effects_exact.py``). The pooled table ignores the bands.

    References
    ----------
    Fisher RA (1935). J R Stat Soc 98:39-82. Boschloo RD (1970). Raised conditional
    level of significance for the 2x2-table when testing the equality of two
    probabilities. Stat Neerl 24:1-35.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 10, "instruments": ["yes", "no"] * 5,
    ...                       "regular_work": [1, 0, 1, 0, 1, 0, 1, 0, 0, 0]})
    >>> table = exact_tests(frame).table
    >>> table[["term", "estimator"]].iloc[0].tolist(), round(float(table["p_value"].iloc[0]), 4)
    (['pooled', 'fisher_exact_two_sided'], 0.0476)
    """
    check_option("exact_tests", "alternative", alternative, Alternative)
    level = check_level("exact_tests", level)
    if isinstance(boschloo_points, bool) or not isinstance(boschloo_points, int) \
            or boschloo_points < 1:
        raise ValueError(f"exact_tests: option boschloo_points={boschloo_points!r} is not "
                         "allowed; use a positive integer such as 64")
    d = binary_effect_data(data, function="exact_tests", outcome=outcome, stratum=stratum,
                           arm=arm, control=control, treated=treated, strata=strata)
    log: list[NotEstimable] = []
    rows = _rows(d, np.ones(d.n, dtype=bool), "pooled", alternative, level, boschloo_points, log)
    for k in range(len(d.levels)):
        rows += _rows(d, d.band == k, d.band_term(k), alternative, level, boschloo_points, log)
    sizes = [row["n"] for row in rows]
    notes = [UNADJUSTED_NOTE, *d.notes]
    if max(sizes, default=0) > BOSCHLOO_MAX_PARTICIPANTS:
        notes.append(BOSCHLOO_NOTE)
    if max(sizes, default=0) > CONDITIONAL_EXACT_MAX_PARTICIPANTS:
        notes.append(WOOLF_NOTE)
    return AnalysisResult("effects", "Exact tests of instruments", tidy_table(rows), n=d.n,
                          notes=tuple(notes), not_estimable=tuple(log))
