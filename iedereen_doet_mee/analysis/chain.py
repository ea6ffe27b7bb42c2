"""How do participants move through the chain of stages? (question ``"chain"``).

For a design that declares a chain (``TrialDesign.chain``, ``docs/chains.md``),
:func:`chain_flow` reports, from the rules of :mod:`.chain_events`:

* per stage, how many **entered** it, as a share of everyone enrolled by the as-of date
  (``proportion_clopper_pearson``, term ``stage=<stage>``), and what happened after it:
  moved on to a later stage, or, for whom it is the furthest stage, still in it,
  waiting, flowed out to work or left (``chain_people`` counts and
  ``chain_share_clopper_pearson`` shares of the stage's entrants, terms
  ``stage=<stage>:after=<status>``); the same for those who entered no stage
  (``stage=none``);
* where everyone is on the as-of date (terms ``after=<status>``, shares of everyone);
* the **time spent** in each stage: the Kaplan-Meier median in months with its 95%
  interval (``kaplan_meier_median_months``; a stage still running is censored at the
  as-of date or the end of follow-up); the curves are in ``extras["stage_durations"]``;
* the **practical support** received, by kind (``support=<kind>``, and ``support=any``
  with several kinds): people and their share of everyone.

Counts are persons (whatever the design's unit) over all strata and arms. The counts
form a table with margins (stages by status, with ``overall`` and the ``after``
margins), which disclosure control protects as one family (``count`` and ``part``
kinds of the estimator registry).
"""

from __future__ import annotations

import math

import pandas as pd

from ..design.chain import support_kinds
from .chain_events import NO_STAGE, POSITIONS, chain_positions, stage_spells, support_received
from .common import check_level, clopper_pearson_interval
from .curves import DAYS_PER_MONTH, kaplan_meier, median_time
from .results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .trial_inputs import accepts_trial

__all__ = ["AFTER", "chain_flow", "no_chain"]

COUNT = "chain_people"
PART = "chain_share_clopper_pearson"
SHARE = "proportion_clopper_pearson"
MEDIAN = "kaplan_meier_median_months"
#: What follows a stage, in report order: moved on to a later stage, or a status on the
#: as-of date (:data:`~.chain_events.POSITIONS`) for whom it is the furthest stage.
AFTER = ("moved_on", *POSITIONS)


def no_chain(design) -> str | None:
    """Why the question is not answered for ``design`` (None: it is).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> no_chain(TrialDesign())
    'the design declares no chain of stages'
    """
    return None if design.chain else "the design declares no chain of stages"


def _share(term: str, x: int, n: int, estimator: str, level: float) -> dict:
    """A share x / n with its exact interval (``statistic`` x, ``n`` the denominator)."""
    if n == 0:
        return tidy_row(term, math.nan, estimator=estimator, n=0)
    low, high = clopper_pearson_interval(x, n, level)
    return tidy_row(term, x / n, estimator=estimator, n=n, statistic=float(x),
                    conf_low=low, conf_high=high)


def _count(term: str, x: int) -> dict:
    return tidy_row(term, float(x), estimator=COUNT, n=int(x))


def _median(term: str, spells: pd.DataFrame, log: list[NotEstimable]
            ) -> tuple[dict, pd.DataFrame | None]:
    """The Kaplan-Meier median time in the stage (months) and the curve."""
    n = len(spells)
    if n == 0:
        return not_estimable_row(term, estimator=MEDIAN, n=0, log=log,
                                 reason="nobody entered the stage"), None
    curve = kaplan_meier(spells["time_days"].to_numpy(float) / DAYS_PER_MONTH,
                         ~spells["running"].to_numpy(bool))
    median, low, high = median_time(curve)
    if math.isnan(median):
        log.append(NotEstimable(term, MEDIAN, "fewer than half had finished the stage by the "
                                              "as-of date: the median is not reached"))
    return tidy_row(term, median, estimator=MEDIAN, n=n, conf_low=low, conf_high=high), curve


@accepts_trial("frame", "participants", "instruments", options=("design",))
def chain_flow(frame: pd.DataFrame, participants: pd.DataFrame,
               instruments: pd.DataFrame | None, *, design, level: float = 0.95
               ) -> AnalysisResult:
    """Entry, flow, drop-out and time per stage of the design's chain, and practical support.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant enrolled by the as-of date, as
        :func:`~.outcomes.derive_outcomes` gives it (``participant_id, known_until,
        lost_to_follow_up, exit_on, exit_reason``).
    participants : pandas.DataFrame
        The participants table (``left_project_on`` when present).
    instruments : pandas.DataFrame or None
        The instruments table (``participant_id, kind, started_on, ended_on``); None:
        nobody entered any stage.
    design : TrialDesign
        Declares the chain (``chain``) and the practical support
        (``practical_support_kinds``).
    level : float, default 0.95

    Returns
    -------
    AnalysisResult
        Rows as described in the module: ``chain_people`` (``estimate`` = ``n`` = the
        persons of the term), ``chain_share_clopper_pearson`` (``statistic`` the persons
        of the term, ``n`` those of the group above it), ``proportion_clopper_pearson``
        (``n`` everyone enrolled) and ``kaplan_meier_median_months`` (``n`` the stage's
        entrants). ``extras["stage_durations"]``: the Kaplan-Meier curve of each stage
        (months in the stage; ``term`` the stage).

    Raises
    ------
    ValueError
        When the design declares no chain, or for a level outside (0, 1).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(chain=("job_coach", "work_experience"))
    >>> result = chain_flow(simulate_trial(design, seed=1))
    >>> row = result.estimate("stage=job_coach", "proportion_clopper_pearson")
    >>> int(row["statistic"]), int(row["n"])
    (21, 100)
    """
    level = check_level("chain_flow", level)
    if not design.chain:
        raise ValueError("chain_flow: the design declares no chain of stages; declare "
                         "[chain] stages = [...] in design.toml")
    stages = tuple(design.chain)
    spells = stage_spells(frame, instruments, stages)
    where = chain_positions(frame, participants, spells, stages)
    total = len(where)
    rows: list[dict] = [_count("overall", total)]
    log: list[NotEstimable] = []
    curves = []
    later = spells.groupby("participant_id")["order"].max()
    for order, stage in enumerate(stages):
        mine = spells[spells["stage"] == stage]
        head = f"stage={stage}"
        entered = len(mine)
        rows += [_count(head, entered), _share(head, entered, total, SHARE, level)]
        median, curve = _median(head, mine, log)
        rows.append(median)
        if curve is not None:
            curves.append(curve.assign(term=stage))
        moved = later.reindex(mine["participant_id"]).to_numpy() > order
        status = where.set_index("participant_id")["status"].reindex(mine["participant_id"])
        after = {"moved_on": int(moved.sum())} if order < len(stages) - 1 else {}
        after.update({s: int(((status == s).to_numpy() & ~moved).sum()) for s in POSITIONS})
        for name, x in after.items():
            rows += [_count(f"{head}:after={name}", x),
                     _share(f"{head}:after={name}", x, entered, PART, level)]
    outside = where[where["furthest"] == NO_STAGE]
    head = f"stage={NO_STAGE}"
    rows += [_count(head, len(outside)), _share(head, len(outside), total, SHARE, level)]
    for name in POSITIONS[1:]:  # nobody outside the chain is in a stage
        x = int((outside["status"] == name).sum())
        rows += [_count(f"{head}:after={name}", x),
                 _share(f"{head}:after={name}", x, len(outside), PART, level)]
    for name in POSITIONS:
        x = int((where["status"] == name).sum())
        rows += [_count(f"after={name}", x), _share(f"after={name}", x, total, PART, level)]
    kinds = support_kinds(design)
    received = support_received(frame, instruments, kinds)
    if len(kinds) > 1:
        received = received.assign(any=received.any(axis=1))
    for kind in received.columns:
        rows.append(_share(f"support={kind}", int(received[kind].sum()), total, SHARE, level))
    notes = ("Persons, over all strata and arms; a stage is entered with an instrument row "
             "of its kind, 'moved on' means a later stage was entered.",)
    extras = {"stage_durations": pd.concat(curves, ignore_index=True)} if curves else {}
    return AnalysisResult("chain", "Entry, flow, drop-out and time per stage of the chain",
                          tidy_table(rows), n=total, notes=notes, not_estimable=tuple(log),
                          extras=extras)
