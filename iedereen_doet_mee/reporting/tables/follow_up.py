"""How long each enrolment cohort could be followed: :func:`follow_up_cohorts`.

Enrolment in "Iedereen doet mee" ran until weeks before the as-of date, so a headline
outflow mixes people followed for two years with people followed for weeks. The report's
box "wat dit onderzoek wel en niet kan zeggen" states, per half-year of enrolment, how
many enrolled and how many months they could be followed (from the cohort's first and
last day to the as-of date: the cohort's bounds, not any person's date).

Disclosure control: a public report merges a half-year with the next (the last with the
one before) until every cohort shown has at least ``threshold`` people, so no small
count is shown and none follows from the total.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ...analysis.curves import DAYS_PER_MONTH
from ..figures.style import Language, label

__all__ = ["follow_up_cohorts"]


def _half_year(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(start: dt.date) -> dt.date:
    return dt.date(start.year, 7, 1) if start.month == 1 else dt.date(start.year + 1, 1, 1)


def _month_year(day: dt.date, lang: Language) -> str:
    return f"{label('month_names', lang).split()[day.month - 1]} {day.year}"


def follow_up_cohorts(enrolled: pd.Series, as_of: dt.date, threshold: int | None,
                      lang: Language) -> pd.DataFrame:
    """Enrolment cohorts by half-year: period, people, least and most months followed.

    Parameters
    ----------
    enrolled : pandas.Series
        Enrolment dates (``participants.enrolled_on``); those after ``as_of`` are left out.
    as_of : datetime.date
    threshold : int or None
        Least people per cohort shown (None: the internal report, half-years as they are).
    lang : {"nl", "en"}

    Returns
    -------
    pandas.DataFrame
        ``period`` (text), ``n``, ``months_low``, ``months_high``; empty when fewer than
        ``threshold`` people enrolled in all.

    Examples
    --------
    >>> days = pd.Series(pd.to_datetime(["2014-07-10"] * 12 + ["2015-02-01"] * 3
    ...                                  + ["2015-08-01"] * 11))
    >>> cohorts = follow_up_cohorts(days, dt.date(2016, 7, 1), 10, "nl")
    >>> cohorts["period"].tolist()
    ['juli tot en met december 2014', 'januari tot en met december 2015']
    >>> cohorts[["n", "months_low", "months_high"]].values.tolist()
    [[12.0, 18.0, 24.0], [14.0, 6.0, 18.0]]
    """
    days = pd.to_datetime(enrolled).dropna().dt.date
    days = days[days <= as_of]
    if days.empty or (threshold is not None and len(days) < threshold):
        return pd.DataFrame(columns=["period", "n", "months_low", "months_high"])
    counts = days.map(_half_year).value_counts()
    start, last = min(counts.index), max(counts.index)
    halves = []
    while start <= last:
        halves.append((start, int(counts.get(start, 0))))
        start = _next_half_year(start)
    groups: list[list[tuple[dt.date, int]]] = [[]]
    for half in halves:
        groups[-1].append(half)
        if threshold is None or sum(n for _, n in groups[-1]) >= threshold:
            groups.append([])
    if not groups[-1]:
        groups.pop()
    elif len(groups) > 1:  # a small remainder joins the cohort before it
        rest = groups.pop()
        groups[-1] += rest
    rows = []
    for group in groups:
        first, end = group[0][0], _next_half_year(group[-1][0]) - dt.timedelta(days=1)
        if first.year == end.year:
            period = (f"{label('month_names', lang).split()[first.month - 1]} "
                      f"{label('to', lang)} {_month_year(end, lang)}")
        else:
            period = f"{_month_year(first, lang)} {label('to', lang)} {_month_year(end, lang)}"
        rows.append({"period": period, "n": sum(n for _, n in group),
                     "months_low": float(max(0, round((as_of - min(end, as_of)).days
                                                      / DAYS_PER_MONTH))),
                     "months_high": float(round((as_of - first).days / DAYS_PER_MONTH))})
    return pd.DataFrame(rows, columns=["period", "n", "months_low", "months_high"])
