"""Programme money as the programme counts it (question ``"money"``).

The costs question reports the realised months off benefit, valued at a cost per
month, against instrument costs, per arm. Programmes report their money differently:
Schiedam multiplied the number who left benefit by a year of benefit each ("134 x
EUR 15,000 = EUR 2.01 million", seed 001) and paid a team whose cost is not per
participant. :func:`programme_money` gives those figures from the design's ``[money]``
table (:mod:`~iedereen_doet_mee.design.money`), each resting on a named assumption:

* ``annualised_benefit_savings_eur``: units that reached the savings outcome x the
  assumed benefit a year per unit (the programme's own way of counting; not a
  realised saving, and not an effect: nobody is compared with what would have
  happened without the programme);
* ``total_benefit_savings_eur``: realised months off benefit up to the as-of date x
  the design's benefit cost per month (as in the costs question, all units);
* ``total_instrument_cost_eur``: the instruments' recorded costs;
* ``programme_fixed_cost_eur``: the declared costs that are not per participant;
* ``net_annualised_savings_eur`` and ``net_realised_savings_eur``: each savings figure
  minus instrument and fixed costs.

The question is asked only when the design declares ``[money]``; the default report
is unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .benefit_months import benefit_months_saved
from .common import check_level, clopper_pearson_interval
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["no_money_declared", "programme_money"]


def no_money_declared(design) -> str | None:
    """Why the question is not asked for ``design`` (None: it is).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> no_money_declared(TrialDesign())
    'the design declares no [money] table'
    """
    return None if design.money is not None else "the design declares no [money] table"


@accepts_trial("frame", "unit_events", options=("design",))
def programme_money(frame: pd.DataFrame, events: pd.DataFrame, *, design,
                    level: float = 0.95) -> AnalysisResult:
    """Annualised and realised savings, instrument and fixed costs, and net figures.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant with ``exit_on``, ``exit_reason``, ``returned_on``,
        ``known_until`` and ``instrument_cost`` (:func:`derive_outcomes`).
    events : pandas.DataFrame
        One row per unit and declared outcome (:func:`~.outcome_events.by_unit`).
    design : TrialDesign
        With ``money`` declared.
    level : float, default 0.95
        Level of the interval of the savings outcome's share.

    Returns
    -------
    AnalysisResult
        Question ``"money"``, term ``overall``; rows as in the module docstring and, with
        annualised savings, ``proportion_clopper_pearson``: the share of units that
        reached the savings outcome (``statistic`` the count the savings multiply).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(money={"savings_per_outflow_per_year": 15000,
    ...                             "savings_source": "seed 001",
    ...                             "fixed_costs": {"staff": {"eur": 100000,
    ...                                                       "source": "budget"}}})
    >>> result = programme_money(simulate_trial(design, seed=1))
    >>> count = int(result.estimate("overall", "proportion_clopper_pearson")["statistic"])
    >>> row = result.estimate("overall", "annualised_benefit_savings_eur")
    >>> float(row["estimate"]) == 15000 * count
    True
    """
    level = check_level("programme_money", level)
    money = design.money
    if money is None:
        raise ValueError("programme_money: the design declares no [money] table")
    rows: list[dict] = []
    log: list[NotEstimable] = []
    units = int(events["unit_id"].nunique()) if len(events) else len(frame)
    notes: list[str] = []
    annualised = math.nan
    if money.savings_per_outflow_per_year is not None:
        name = money.savings_outcome or design.primary_outcome
        mine = events[events["outcome"] == name]
        x, n = int(mine["reached"].sum()), len(mine)
        if n:
            low, high = clopper_pearson_interval(x, n, level)
            rows.append(tidy_row("overall", x / n, estimator="proportion_clopper_pearson",
                                 n=n, statistic=float(x), conf_low=low, conf_high=high))
        else:
            rows.append(not_estimable_row("overall", estimator="proportion_clopper_pearson",
                                          n=0, reason="no units", log=log))
        annualised = x * money.savings_per_outflow_per_year
        rows.append(tidy_row("overall", annualised, estimator="annualised_benefit_savings_eur",
                             n=n, statistic=float(x)))
        notes.append(f"Annualised savings: {x} units reached {name!r} x EUR "
                     f"{money.savings_per_outflow_per_year:,.0f} a year each (assumption; "
                     f"source: {money.savings_source}). Not a realised saving and not an "
                     "effect: nobody is compared with what would have happened without the "
                     "programme.")
    people = len(frame)
    months = benefit_months_saved(frame)
    realised = float(np.sum(months)) * design.benefit_cost_per_month
    rows.append(tidy_row("overall", realised, estimator="total_benefit_savings_eur", n=people))
    notes.append(f"Realised savings: months off benefit up to the as-of date x EUR "
                 f"{design.benefit_cost_per_month:,.2f} a month (source: "
                 f"{design.benefit_cost_source}).")
    costs = frame["instrument_cost"]
    instruments = math.nan if costs.isna().all() and people else float(costs.fillna(0).sum())
    if math.isnan(instruments):
        rows.append(not_estimable_row("overall", estimator="total_instrument_cost_eur",
                                      n=people, reason="the trial data have no instruments "
                                      "table", log=log))
    else:
        rows.append(tidy_row("overall", instruments, estimator="total_instrument_cost_eur",
                             n=people))
    fixed = money.fixed_cost_total
    rows.append(tidy_row("overall", fixed, estimator="programme_fixed_cost_eur", n=people))
    notes += [f"Fixed programme cost {c.name}: EUR {c.eur:,.0f} (source: {c.source})."
              for c in money.fixed_costs]
    spent = (0.0 if math.isnan(instruments) else instruments) + fixed
    if not math.isnan(annualised):
        rows.append(tidy_row("overall", annualised - spent,
                             estimator="net_annualised_savings_eur", n=people))
    rows.append(tidy_row("overall", realised - spent, estimator="net_realised_savings_eur",
                         n=people))
    notes.append("Net figures subtract instrument costs (0 where none are recorded) and the "
                 "fixed programme costs from each savings figure.")
    return AnalysisResult("money", "Programme money as the programme counts it",
                          tidy_table(rows), n=units, notes=tuple(notes),
                          not_estimable=tuple(log))
