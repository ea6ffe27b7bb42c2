"""The steering forecast of an interim report: :func:`interim_forecast`.

An interim report (data as they stood before the design's cut-off) says whether the
project is on track for its outflow target. The forecast is
:func:`~iedereen_doet_mee.analysis.steering.steering_forecast`, the same call as
``python -m iedereen_doet_mee.steer`` (same seed, same draws); its overall rows become
records of question ``"steering"`` (so ``results.json`` holds what the report shows),
protected by disclosure control on their own, so that they change no other record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from ..analysis.estimators import disclosure_classes
from ..analysis.steering import BASE_SHARES_24M, DEFAULT_PIECES, steering_forecast
from ..data.loading import TrialData
from .disclosure import suppress_results, unsuppressed
from .records import RECORD_FIELDS

__all__ = ["FORECAST_ESTIMATORS", "STEERING", "ForecastFacts", "interim_forecast"]

#: The question key of the forecast's records.
STEERING = "steering"
#: The forecast's overall rows, in the order the report shows them.
FORECAST_ESTIMATORS = ("observed_count_as_of", "observed_share_as_of", "target_count",
                       "predictive_final_share", "predictive_probability_target_met")


@dataclasses.dataclass(frozen=True)
class ForecastFacts:
    """What the forecast assumed (for its section), or why there is none (``reason``)."""

    cutoff: str = ""
    draws: int = 0
    seed: int = 0
    level: float = 0.8
    pieces: tuple[float, ...] = DEFAULT_PIECES
    shares: tuple[tuple[str, float], ...] = tuple(BASE_SHARES_24M.items())
    reason: str | None = None


def interim_forecast(trial: TrialData, as_of: dt.date, *, seed: int, threshold: int | None,
                     draws: int = 4000) -> tuple[pd.DataFrame, ForecastFacts]:
    """The forecast's records (after disclosure control) and facts for an interim report.

    Parameters
    ----------
    trial : TrialData
        The validated trial.
    as_of : datetime.date
        The date the data stand on (before the cut-off: an interim report).
    seed, draws : int
        As for :func:`~iedereen_doet_mee.analysis.steering.steering_forecast` (defaults
        of ``python -m iedereen_doet_mee.steer``).
    threshold : int or None
        Disclosure threshold; None: the internal report, nothing suppressed.

    Returns
    -------
    records : pandas.DataFrame
        Columns of ``results.json`` plus ``suppressed``; empty when there is no forecast.
    facts : ForecastFacts
        The assumptions, or the reason there is no forecast (no target declared).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> import datetime as dt
    >>> records, facts = interim_forecast(simulate_trial(seed=1), dt.date(2016, 1, 1),
    ...                                   seed=1, threshold=None, draws=100)
    >>> records["estimator"].tolist()[:2], facts.draws
    (['observed_count_as_of', 'observed_share_as_of'], 100)
    """
    if trial.design.target_outflow is None:
        return pd.DataFrame(columns=[*RECORD_FIELDS, "suppressed"]), ForecastFacts(
            reason="no_target")
    result = steering_forecast(trial, as_of, seed=seed, draws=draws)
    table = result.to_frame()
    table = table[(table["term"] == "overall") & table["estimator"].isin(FORECAST_ESTIMATORS)]
    order = {name: i for i, name in enumerate(FORECAST_ESTIMATORS)}
    table = table.sort_values("estimator", key=lambda s: s.map(order), kind="stable")
    found = table.assign(question=STEERING, outcome="regular_work").reset_index(drop=True)
    shown = unsuppressed(found) if threshold is None else suppress_results(
        found, threshold=threshold, **disclosure_classes(found["estimator"]))
    facts = ForecastFacts(cutoff=result.cutoff.isoformat(), draws=result.draws,
                          seed=result.seed, level=result.level)
    return shown[[*RECORD_FIELDS, "suppressed"]], facts
