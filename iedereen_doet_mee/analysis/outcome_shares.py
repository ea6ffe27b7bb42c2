"""Which share of the units reached each declared outcome? (question ``"outcomes"``).

:func:`declared_outcome_shares` reports, for every outcome the design declares
(:mod:`.outcome_events`), the share of units (persons or households) that reached it,
with the exact (Clopper-Pearson) interval, overall, by stratum and by stratum x arm
where the design has several; ``n`` is the denominator (every unit enrolled by the as-of
date). For an ``exit`` outcome with several reasons it adds how the outflow splits by
reason into work and other reasons: how many of the outflow went to work (regular or
subsidised, as far as declared), overall and by the half-year in which they left.

The terms name the outcome first (``outcome=left_benefit``,
``outcome=left_benefit:band=40-60:instruments=yes``): disclosure control treats each
outcome as its own family of counts over the same groups of people
(:func:`~iedereen_doet_mee.analysis.terms.split_family`).

The outcome the target question already reports in the same way (an exit to regular
work, no window, persons) is not repeated here: for the default design the question
has nothing to add and is not answered.
"""

from __future__ import annotations

import pandas as pd

from ..dates import DAYS_PER_MONTH
from .common import check_level, clopper_pearson_interval
from .curves import kaplan_meier
from .outcome_events import OUTCOME_TABLES
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["CURVE_COLUMNS", "REPORTED_ELSEWHERE", "TIMED_KINDS", "WORK_REASONS",
           "cumulative_incidence_curves", "declared_outcome_shares", "half_year",
           "nothing_to_add"]

SHARE = "proportion_clopper_pearson"
OF_OUTFLOW = "share_of_outcome_clopper_pearson"

#: Exit reasons that are work (regular or subsidised): the share of the outflow that
#: went to work is followed over time.
WORK_REASONS = ("regular_work", "subsidised_work")
#: (kind, reasons, within_months) of the outcome the target question reports.
REPORTED_ELSEWHERE = ("exit", ("regular_work",), None)


def _answered(design) -> list:
    """The declared outcomes this question reports (all but the target's own one, which
    the target question reports for persons)."""
    return [d for d in design.outcomes
            if (d.kind, tuple(d.reasons), d.within_months) != REPORTED_ELSEWHERE
            or design.unit == "household"]


def nothing_to_add(design) -> str | None:
    """Why the question is not answered for ``design`` (None: it is).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> nothing_to_add(TrialDesign())
    'the design declares no outcome beyond regular-work outflow, which the target question reports'
    """
    if _answered(design):
        return None
    return ("the design declares no outcome beyond regular-work outflow, which the target "
            "question reports")


def half_year(days: pd.Series) -> pd.Series:
    """The calendar half-year of each date, as ``2015-H1``.

    Examples
    --------
    >>> half_year(pd.Series(pd.to_datetime(["2015-06-30", "2015-07-01"]))).tolist()
    ['2015-H1', '2015-H2']
    """
    return days.dt.year.astype(str) + "-H" + ((days.dt.month > 6) + 1).astype(str)


def _share_row(term: str, reached: pd.Series, level: float, estimator: str = SHARE) -> dict:
    x, n = int(reached.sum()), len(reached)
    if n == 0:
        return tidy_row(term, float("nan"), estimator=estimator, n=0)
    low, high = clopper_pearson_interval(x, n, level)
    return tidy_row(term, x / n, estimator=estimator, n=n, statistic=float(x),
                    conf_low=low, conf_high=high)


def _groups(frame: pd.DataFrame, strata: tuple[str, ...], arms: tuple[str, ...]
            ) -> list[tuple[str, pd.Series]]:
    """(term suffix, mask) overall, per stratum where there are several, and per cell
    where there are several arms."""
    out = [("", pd.Series(True, index=frame.index))]
    if len(strata) > 1:
        out += [(f":band={s}", frame["band"] == s) for s in strata]
    if len(arms) > 1:
        out += [(f":band={s}:instruments={a}",
                 (frame["band"] == s) & (frame["instruments"] == a))
                for s in strata for a in arms]
    return out


@accepts_trial("unit_events", options=("design",))
def declared_outcome_shares(events: pd.DataFrame, *, design, level: float = 0.95
                            ) -> AnalysisResult:
    """Share of units that reached each declared outcome, with its denominator.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per unit and outcome (:data:`~.outcome_events.EVENT_COLUMNS`), e.g.
        :func:`~.outcome_events.by_unit` of :func:`~.outcome_events.outcome_events`.
    design : TrialDesign
        Declares the outcomes, strata, arms and the unit.
    level : float, default 0.95

    Returns
    -------
    AnalysisResult
        Rows ``proportion_clopper_pearson`` (``statistic``: the units that reached it,
        ``n``: the denominator) per outcome and group; for an exit outcome with several
        reasons, some of them work, ``share_of_outcome_clopper_pearson``: the share of
        the units that reached it (``n``) that went to work, overall
        (``reason=work``) and per half-year of leaving (``period=2015-H1:reason=work``).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(outcomes={
    ...     "regular_work": {"kind": "exit", "reasons": ["regular_work"]},
    ...     "left_benefit": {"kind": "exit", "reasons": ["regular_work", "subsidised_work",
    ...                      "education", "moved", "unlawful", "other"]}})
    >>> result = declared_outcome_shares(simulate_trial(design, seed=1))
    >>> row = result.table.iloc[0]
    >>> row["term"], int(row["statistic"]), int(row["n"])
    ('outcome=left_benefit', 30, 100)
    """
    level = check_level("declared_outcome_shares", level)
    rows: list[dict] = []
    log: list[NotEstimable] = []
    unit = "households" if design.unit == "household" else "persons"
    present = set(events["outcome"])
    for definition in _answered(design):
        head = f"outcome={definition.name}"
        if definition.name not in present:
            rows.append(not_estimable_row(
                head, estimator=SHARE, n=0, log=log,
                reason=f"the trial data have no {OUTCOME_TABLES[definition.kind]} table"))
            continue
        frame = events[events["outcome"] == definition.name]
        for suffix, mask in _groups(frame, design.strata, design.arms):
            rows.append(_share_row(head + suffix, frame.loc[mask, "reached"], level))
        to_work = [r for r in definition.reasons if r in WORK_REASONS]
        if definition.kind == "exit" and to_work and len(to_work) < len(definition.reasons):
            # the share of the outflow that went to work, overall and by half-year of
            # leaving: the half-years partition the outflow, so disclosure control can
            # protect them against the overall row (a split into every reason would
            # partition the events, not the people, which it cannot protect)
            left = frame[frame["reached"]]
            rows.append(_share_row(f"{head}:reason=work", left["reason"].isin(to_work),
                                   level, OF_OUTFLOW))
            periods = half_year(left["reached_on"])
            for period in sorted(periods.unique()):
                part = left[periods == period]
                rows.append(_share_row(f"{head}:period={period}:reason=work",
                                       part["reason"].isin(to_work), level, OF_OUTFLOW))
    units = int(events["unit_id"].nunique()) if len(events) else 0
    notes = (f"Unit: {unit}; the denominator is every unit enrolled by the as-of date.",)
    open_window = events[~events["reached"].astype(bool) & events["window_end"].notna()
                         & ~events["window_complete"].astype(bool)]
    if len(open_window):  # named, not counted: a count here would escape disclosure control
        notes += ("Some units' window had not closed by the as-of date; they count as not "
                  "(yet) reached: " + ", ".join(dict.fromkeys(open_window["outcome"])) + ".",)
    return AnalysisResult("outcomes", "Share of units that reached each declared outcome",
                          tidy_table(rows), n=units, notes=notes,
                          not_estimable=tuple(log),
                          extras={"curves": cumulative_incidence_curves(events, design,
                                                                         level=level)})


#: Kinds of outcome reached at a date of their own (a ladder step is only seen at a
#: measurement, so it has no curve).
TIMED_KINDS = ("exit", "job", "activity")
CURVE_COLUMNS = ("outcome", "time_months", "n_risk", "n_event", "survival", "conf_low",
                 "conf_high")


def cumulative_incidence_curves(events: pd.DataFrame, design, *, level: float = 0.95
                                ) -> pd.DataFrame:
    """Cumulative incidence of each timed declared outcome over all units.

    One minus the Kaplan-Meier estimate of the time to reaching the outcome
    (:func:`~.curves.kaplan_meier`, log-log interval). A unit that did not reach it
    stays in the risk set until the end of its observation (loss to follow-up, the
    as-of date, or the end of the outcome's window), also after a competing exit such
    as leaving benefit for another reason: its censoring time is known whatever
    happened ("censoring-complete" data, Fine and Gray 1999; Geskus 2011, Biometrics
    67:39-49). A competing exit is therefore not treated as censoring, and the curve
    estimates the cumulative incidence in the presence of competing exits, as the
    Aalen-Johansen estimator does; the two differ by sampling noise (largest gap 0.002
    on 1,200 simulated people, ``tests/analysis/test_declared_outcomes.py``). It is used
    because it needs no cause for outcomes that are not exits (a job, an activity).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CURVE_COLUMNS`; ``survival`` is 1 minus the cumulative incidence.

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> events = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "outcome": "left",
    ...                        "reached": [True, False, True, False],
    ...                        "time_days": [30.0, 100.0, 60.0, 400.0]})
    >>> design = TrialDesign(outcomes={"left": {"kind": "exit", "reasons": ["moved"]}},
    ...                      primary_outcome="left")
    >>> (1 - cumulative_incidence_curves(events, design)["survival"]).round(3).tolist()
    [0.25, 0.5, 0.5, 0.5]
    """
    parts = []
    present = set(events["outcome"])
    for definition in _answered(design):
        if definition.kind not in TIMED_KINDS or definition.name not in present:
            continue
        mine = events[events["outcome"] == definition.name]
        curve = kaplan_meier(mine["time_days"].to_numpy(dtype=float),
                             mine["reached"].to_numpy(dtype=bool), level=level)
        parts.append(curve.assign(outcome=definition.name,
                                  time_months=curve["time"] / DAYS_PER_MONTH))
    if not parts:
        return pd.DataFrame(columns=list(CURVE_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(CURVE_COLUMNS)]
