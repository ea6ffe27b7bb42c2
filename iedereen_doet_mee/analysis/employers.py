"""What do employers think? The employer survey (research question 2).

:func:`employer_views` summarises the ``employer_survey`` table: the distribution of
answers per item, each item's mean with a t interval, Cronbach's alpha of the scale
with Feldt's interval, and the scale score compared between wage-value bands (Welch
difference in means and a Mann-Whitney test). A survey response is one employer
about one participant on one day; the scale score is the mean of its items.

The Mann-Whitney test is scipy's. The t interval of a mean and the Welch difference are
written out so that a single answer or equal answers give a not-estimable row with its
reason, where scipy's ``ttest_1samp`` and ``ttest_ind(equal_var=False)`` return NaN
(or a zero-width interval) with precision warnings; otherwise they equal scipy's
(``tests/analysis/test_statistics_libraries.py``). Cronbach's alpha with Feldt's
interval is in neither scipy nor statsmodels; it is pinned to R's ``psych::alpha``
(``tests/analysis/test_employers.py``), as are the other numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..design import TrialDesign
from .common import check_level
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["cronbach_alpha", "employer_views"]

MEAN = "mean_t_interval"
ALPHA = "cronbach_alpha_feldt"
WELCH = "difference_in_means_welch"
MWU = "mann_whitney_u_asymptotic_continuity"


def cronbach_alpha(matrix: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Cronbach's alpha of a responses x items matrix, with Feldt's interval.

    Notes
    -----
    :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right)` with item
    variances :math:`s_i^2` and the variance :math:`s_T^2` of the sum score (Cronbach
    1951; R ``psych::alpha`` ``raw_alpha``). Feldt's interval:
    :math:`1 - (1-\\hat\\alpha) F_{1-a/2}` to :math:`1 - (1-\\hat\\alpha) F_{a/2}`, F with
    :math:`n-1` and :math:`(n-1)(k-1)` degrees of freedom (Feldt, Woodruff and Salih
    1987, Appl Psychol Meas 11:93-103).

    Examples
    --------
    >>> m = np.array([[1, 2, 1], [2, 2, 3], [3, 3, 3], [4, 5, 4], [5, 4, 5], [3, 3, 2]])
    >>> [round(v, 4) for v in cronbach_alpha(m)]
    [0.9318, 0.7109, 0.9897]
    """
    m = np.asarray(matrix, dtype=float)
    n, k = m.shape
    alpha = k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    alpha = float(alpha)
    return (alpha, 1 - (1 - alpha) * float(stats.f.ppf(1 - tail, df1, df2)),
            1 - (1 - alpha) * float(stats.f.ppf(tail, df1, df2)))


def _mean_row(term: str, values: np.ndarray, level: float,
              log: list[NotEstimable]) -> dict:
    n = len(values)
    if n == 0:
        return not_estimable_row(term, estimator=MEAN, n=0, reason="no (complete) answers",
                                 log=log)
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else math.nan
    if n < 2 or sd == 0:
        log.append(NotEstimable(term, MEAN, "one answer only: no interval" if n < 2
                                else "all answers are equal: no interval"))
        return tidy_row(term, mean, estimator=MEAN, n=n)
    se = sd / math.sqrt(n)
    q = float(stats.t.ppf(1 - (1 - level) / 2, n - 1))
    return tidy_row(term, mean, estimator=MEAN, n=n, std_error=se, conf_low=mean - q * se,
                    conf_high=mean + q * se)


def _compare(term: str, x: np.ndarray, y: np.ndarray, level: float,
             log: list[NotEstimable]) -> list[dict]:
    """Welch difference ``mean(x) - mean(y)`` and Mann-Whitney U of ``x`` against ``y``."""
    n = len(x) + len(y)
    if len(x) < 2 or len(y) < 2:
        reason = (f"fewer than 2 complete responses in a band ({len(x)} and {len(y)})")
        return [not_estimable_row(term, estimator=e, n=n, reason=reason, log=log)
                for e in (WELCH, MWU)]
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(vx + vy)
    if se == 0:
        reason = "every scale score is equal within both bands: no variation to test"
        return [not_estimable_row(term, estimator=e, n=n, reason=reason, log=log)
                for e in (WELCH, MWU)]
    df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))
    diff = float(x.mean() - y.mean())
    q = float(stats.t.ppf(1 - (1 - level) / 2, df))
    rows = [tidy_row(term, diff, estimator=WELCH, n=n, std_error=se, statistic=diff / se,
                     p_value=2 * float(stats.t.sf(abs(diff / se), df)),
                     conf_low=diff - q * se, conf_high=diff + q * se)]
    if np.unique(np.concatenate([x, y])).size < 2:
        rows.append(not_estimable_row(term, estimator=MWU, n=n, log=log,
                                      reason="every scale score is equal: no ranks to test"))
    else:
        test = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
        rows.append(tidy_row(term, test.statistic / (len(x) * len(y)), estimator=MWU, n=n,
                             statistic=test.statistic, p_value=test.pvalue))
    return rows


def _distribution(survey: pd.DataFrame, items: Sequence[str], item: str, answer: str,
                  points: int) -> pd.DataFrame:
    rows = []
    for name in items:
        answers = survey.loc[survey[item] == name, answer].to_numpy(dtype=float)
        for value in range(1, points + 1):
            count = int((answers == value).sum())
            rows.append((name, value, count, count / len(answers) if len(answers) else math.nan))
    return pd.DataFrame(rows, columns=["item", "answer", "count", "share"])


@accepts_trial("answers", "participants", options=("design",))
def employer_views(
    survey: pd.DataFrame | None, people: pd.DataFrame | None = None, *,
    design: TrialDesign | None = None, likert_points: int | None = None,
    items: Sequence[str] | None = None, bands: Sequence[str] | None = None,
    level: float = 0.95, participant: str = "participant_id", band: str = "band",
    employer: str = "employer_id",
    answered: str = "answered_on", item: str = "item", answer: str = "answer",
) -> AnalysisResult:
    """Item distributions, item means, Cronbach's alpha and the scale score by band.

    Parameters
    ----------
    survey : pandas.DataFrame or None or TrialData
        The ``employer_survey`` table (one row per answer); None when it is absent.
        Given a validated trial instead, its frame is derived as :func:`analyse_trial` does
        (keyword ``as_of``, default the cut-off), with the options its design implies.
    people : pandas.DataFrame, optional
        Participants with their band (``trial.participants`` or an outcomes frame);
        not needed when ``survey`` has a ``band`` column.
    design : TrialDesign, optional
        Supplies ``likert_points`` and the bands (``strata``); default
        ``TrialDesign()``.
    likert_points : int, optional
        Answers run from 1 to this; default ``design.likert_points``.
    items : sequence of str, optional
        Items of the scale; default every item in ``survey``, sorted.
    bands : sequence of str, optional
        Bands to compare, the first is the reference; default ``design.strata`` when
        every observed band is one of them, else the observed bands sorted.
    level : float
        Level of the intervals.
    participant, band, employer, answered, item, answer : str
        Column names.

    Returns
    -------
    AnalysisResult
        ``mean_t_interval`` per item and per band's scale score
        (``scale_score:BAND``), ``cronbach_alpha_feldt`` (term ``scale``), and per band
        against the reference ``difference_in_means_welch`` and
        ``mann_whitney_u_asymptotic_continuity`` (term ``scale_score:B - REF``; estimate
        ``U / (n_B n_REF)``, the probability that a B score exceeds a REF score, ties
        counting half; ``statistic`` is U). ``extras["distribution"]`` holds counts and
        shares per item and answer, ``extras["responses"]`` the complete responses.

    Notes
    -----
    Alpha and the band comparison use complete responses only (every scale item
    answered); item means use every answer. Responses about the same participant or
    from the same employer are treated as independent, and only employers who took
    part answered. Items are assumed to be keyed in the same direction. The
    Mann-Whitney test uses the normal approximation with tie and continuity
    correction (R ``wilcox.test(exact = FALSE, correct = TRUE)``).

    Examples
    --------
    >>> survey = pd.DataFrame({"employer_id": ["E1"] * 2 + ["E2"] * 2,
    ...                        "participant_id": ["P1"] * 2 + ["P2"] * 2,
    ...                        "answered_on": ["2015-09-01"] * 4, "item": ["a", "b"] * 2,
    ...                        "answer": [4, 5, 2, 3]})
    >>> result = employer_views(survey)
    >>> round(float(result.estimate("scale", "cronbach_alpha_feldt")["estimate"]), 2)
    1.0
    """
    design = TrialDesign() if design is None else design
    points = design.likert_points if likert_points is None else likert_points
    level = check_level("employer_views", level)
    columns = [employer, participant, answered, item, answer]
    notes: list[str] = []
    absent = survey is None
    if survey is None:
        notes.append("The employer_survey table is absent: nothing about employers' views "
                     "can be estimated.")
        survey = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in columns:
        if column not in survey:
            raise ValueError(f"employer_views: column {column!r} is not in the survey table")
    values = pd.to_numeric(survey[answer]).to_numpy(dtype=float)
    bad = ~np.isin(values, np.arange(1, points + 1))
    if bad.any():
        raise ValueError(f"employer_views: answer {values[bad][0]!r} is outside 1..{points} "
                         f"(likert_points); fix the data or pass likert_points")
    survey = survey.assign(**{answer: values, item: survey[item].astype(str)})
    key = [employer, participant, answered]
    twice = survey.duplicated([*key, item])
    if twice.any():
        raise ValueError(f"employer_views: item {survey.loc[twice, item].iloc[0]!r} answered "
                         "twice in one response (same employer, participant and date)")
    items = sorted(survey[item].unique()) if items is None else [str(i) for i in items]
    log: list[NotEstimable] = []
    rows = [_mean_row(name, survey.loc[survey[item] == name, answer].to_numpy(), level,
                      log) for name in items]
    wide = survey.pivot(index=key, columns=item, values=answer).reindex(columns=items)
    complete = wide.dropna()
    notes.append(f"{len(complete)} complete response(s) of {len(wide)}; "
                 f"{len(wide) - len(complete)} incomplete response(s) dropped from alpha and "
                 "the band comparison.")
    matrix = complete.to_numpy(dtype=float)
    if len(items) < 2 or len(complete) < 2 or matrix.sum(axis=1).var(ddof=1) == 0:
        reason = ("fewer than 2 items" if len(items) < 2 else "fewer than 2 complete responses"
                  if len(complete) < 2 else "the sum score does not vary")
        rows.append(not_estimable_row("scale", estimator=ALPHA, n=len(complete), reason=reason,
                                      log=log))
    else:
        alpha, low, high = cronbach_alpha(matrix, level)
        rows.append(tidy_row("scale", alpha, estimator=ALPHA, n=len(complete), conf_low=low,
                             conf_high=high))
    scores = complete.mean(axis=1).rename("scale_score").reset_index()
    if band in survey:
        band_of = survey.drop_duplicates(key).set_index(key)[band]
        scores[band] = band_of.reindex(pd.MultiIndex.from_frame(scores[key])).to_numpy()
    elif people is not None:
        scores[band] = scores[participant].map(people.set_index(participant)[band])
    else:
        scores[band] = None
        notes.append("No participants' bands given (people=None): the band comparison is "
                     "not estimable.")
    scores[band] = scores[band].astype(object).where(scores[band].notna(), None)
    seen = {str(b) for b in scores[band].dropna()}
    if bands is not None:
        order = [str(b) for b in bands] + sorted(seen - {str(b) for b in bands})
    elif seen <= set(design.strata):
        order = list(design.strata)
    else:
        order = sorted(seen)
    by_band = {b: scores.loc[scores[band].astype(str) == b, "scale_score"].to_numpy(dtype=float)
               for b in order}
    for name in order:
        rows.append(_mean_row(f"scale_score:{name}", by_band[name], level, log))
    reference = order[0] if order else ""
    for name in order[1:]:
        rows += _compare(f"scale_score:{name} - {reference}", by_band[name], by_band[reference],
                         level, log)
    notes.append("Responses about the same participant or by the same employer are treated "
                 "as independent; only employers who answered are represented.")
    if absent:
        log = [e._replace(reason="the employer_survey table is absent") for e in log]
    return AnalysisResult("employers", "Employers' views (survey)", tidy_table(rows),
                          n=len(wide), notes=tuple(notes), not_estimable=tuple(log),
                          extras={"distribution": _distribution(survey, items, item, answer,
                                                                points),
                                  "responses": scores})
