"""Interim steering: is the trial on track to reach its outflow target by the cut-off?

:func:`steering_forecast` returns, from a trial's data as they stood on a date, the
predictive probability that at least ``ceil(target_outflow * n_total)`` planned
participants have an observed exit to regular work by the cut-off, under a Bayesian
piecewise-constant competing-hazards model per cell. Details: ``docs/steering.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..data.loading import TrialData
from ..dates import DAYS_PER_MONTH, parse_iso_date
from ..seeds import DEFAULT_SEED
from .common import check_level
from .outcomes import derive_outcomes
from .results import tidy_row, tidy_table

__all__ = ["BASE_SHARES_24M", "DEFAULT_PIECES", "SteeringForecast", "rates_from_shares",
           "regular_work_first_probability", "steering_forecast"]

#: Start of each hazard piece in months since enrolment; the last piece is open.
DEFAULT_PIECES: tuple[float, ...] = (0.0, 6.0, 12.0, 24.0)
#: Shares the prior is centred on: within 24 months of enrolment, 20% leave benefit for
#: regular work (CBS ESF monitor: 20% of ESF 2014-2015 participants had a job directly
#: after their trajectory) and 20% end follow-up otherwise (assumption: other exits from
#: benefit, CBS 2008: 8-22% a year for any reason, plus subsidised work and loss to
#: follow-up), as cumulative incidences of two competing constant hazards.
BASE_SHARES_24M: Mapping[str, float] = {"regular_work": 0.20, "other": 0.20}
_CAUSES = ("regular_work", "other")
_CHUNK = 1000  # draws per random stream; more draws extend, never change, earlier ones
_MAX_DRAWS = 1_000_000


def regular_work_first_probability(rate_work: np.ndarray, rate_other: np.ndarray,
                                   start: np.ndarray, end: np.ndarray,
                                   pieces: Sequence[float] = DEFAULT_PIECES) -> np.ndarray:
    r"""Probability that regular work comes first within ``(start, end]`` months.

    Parameters
    ----------
    rate_work, rate_other : array, shape (..., K)
        Monthly hazards of regular work and of any other end, one per piece.
    start, end : array
        Window in months since enrolment, event-free at ``start``; broadcast against
        the hazards without their last axis.
    pieces : sequence of float
        Start of each piece in months (``0`` first, increasing).

    Returns
    -------
    numpy.ndarray
        :math:`\sum_k S_k \frac{\lambda_{Rk}}{\lambda_k}(1 - e^{-\lambda_k o_k})`, with
        :math:`o_k` the overlap of the window with piece *k*, :math:`\lambda_k` the total
        hazard and :math:`S_k = \exp(-\sum_{j<k} \lambda_j o_j)`: the exact competing-risk
        probability under piecewise-constant hazards (Kalbfleisch & Prentice 2002, 8.2).

    Examples
    --------
    >>> p = regular_work_first_probability(np.array([0.1]), np.array([0.1]), 0.0, np.inf,
    ...                                    pieces=(0.0,))
    >>> float(p)
    0.5
    """
    rate_work, rate_other = np.asarray(rate_work, float), np.asarray(rate_other, float)
    lower = np.asarray(pieces, dtype=float)
    upper = np.append(lower[1:], np.inf)
    survival = np.ones(np.broadcast_shapes(rate_work.shape[:-1], np.shape(start), np.shape(end)))
    probability = np.zeros_like(survival)
    for k in range(lower.size):
        overlap = np.clip(np.minimum(end, upper[k]) - np.maximum(start, lower[k]), 0.0, None)
        total = rate_work[..., k] + rate_other[..., k]
        share = np.divide(rate_work[..., k], total, out=np.zeros_like(total), where=total > 0)
        leave = -np.expm1(-total * overlap)
        probability += survival * share * leave
        survival = survival * (1.0 - leave)
    return probability


@dataclasses.dataclass(frozen=True)
class SteeringForecast:
    """Immutable result of :func:`steering_forecast`.

    Attributes
    ----------
    as_of, cutoff : datetime.date
        The date the data stand on and the design's cut-off.
    target, n_total, target_count : float, int, int
        Target share, planned participants, and ``ceil(target * n_total)``.
    counts : mapping of str to int
        ``enrolled``, ``observed`` (regular work by ``as_of``), ``at_risk``, ``other_exit``,
        ``lost``, ``not_yet_enrolled``, ``reachable`` (the most that can be observed).
    probability, mc_std_error : float
        Predictive probability of reaching ``target_count`` and its Monte Carlo error.
    share_mean, share_low, share_high, level : float
        Mean and central ``level`` interval of the predicted final outflow share.
    distribution : pandas.DataFrame
        Predictive distribution of the final count (``count``, ``share``, ``probability``).
    hazards, cells : pandas.DataFrame
        Per cell, piece and cause: events, months at risk, prior and posterior Gamma
        parameters; per cell: planned, enrolled, observed, at risk, to enrol, predicted.
    draws, seed, notes : int, int, tuple of str
        Posterior draws, the seed, and caveats for the reader.
    """

    as_of: dt.date
    cutoff: dt.date
    target: float
    n_total: int
    target_count: int
    counts: Mapping[str, int]
    probability: float
    mc_std_error: float
    share_mean: float
    share_low: float
    share_high: float
    level: float
    distribution: pd.DataFrame
    hazards: pd.DataFrame
    cells: pd.DataFrame
    draws: int
    seed: int
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Tidy table (``term, estimate, std_error, ..., estimator, n``): overall and per cell."""
        c, n = self.counts, self.n_total
        share_sd = float(np.sqrt(self.distribution["probability"] @ (
            self.distribution["share"] - self.share_mean) ** 2))
        rows = [
            tidy_row("overall", self.probability, estimator="predictive_probability_target_met",
                     n=n, std_error=self.mc_std_error),
            tidy_row("overall", self.share_mean, estimator="predictive_final_share", n=n,
                     std_error=share_sd, conf_low=self.share_low, conf_high=self.share_high),
            tidy_row("overall", c["observed"] / n, estimator="observed_share_as_of", n=n),
            tidy_row("overall", c["observed"], estimator="observed_count_as_of", n=c["enrolled"]),
            tidy_row("overall", self.target_count, estimator="target_count", n=n),
        ] + [tidy_row(row.term, row.predicted_count, estimator="predictive_final_count",
                      n=row.planned) for row in self.cells.itertuples(index=False)]
        return tidy_table(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers and text (for ``--json``); no participant-level data."""
        share = dict(mean=self.share_mean, level=self.level, low=self.share_low,
                     high=self.share_high)
        return {"as_of": self.as_of.isoformat(), "cutoff": self.cutoff.isoformat(),
                "target": self.target, "n_total": self.n_total, "target_count": self.target_count,
                "counts": dict(self.counts), "probability_target_met": self.probability,
                "mc_std_error": self.mc_std_error, "final_share": share, "draws": self.draws,
                "seed": self.seed, "notes": list(self.notes)}

    def summary(self) -> str:
        """Readable text for the steering group."""
        c = self.counts
        pct = round(100 * self.level)
        lines = [
            f"Steering forecast as of {self.as_of} (cut-off {self.cutoff})",
            f"Target: {self.target:.0%} of {self.n_total} planned = {self.target_count} "
            "exits to regular work observed by the cut-off",
            f"Now: {c['observed']} to regular work, {c['at_risk']} still on benefit, "
            f"{c['other_exit']} other exit, {c['lost']} lost to follow-up, "
            f"{c['not_yet_enrolled']} not yet enrolled (at most {c['reachable']} reachable)",
            f"Probability of reaching the target: {self.probability:.1%} ("
            f"{round(self.probability * self.draws)} of {self.draws} draws, seed {self.seed}; "
            f"Monte Carlo error {self.mc_std_error:.1%})",
            f"Predicted final outflow: {self.share_mean:.1%} ({pct}% interval "
            f"{self.share_low:.0%} to {self.share_high:.0%})",
        ]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"SteeringForecast(as of {self.as_of}: P(target {self.target_count}/"
                f"{self.n_total} met) = {self.probability:.3f}, {self.counts['observed']} "
                f"observed, {self.draws} draws)")

    def _repr_html_(self) -> str:
        return (f"<pre>{html.escape(self.summary())}</pre>"
                + self.to_frame().to_html(index=False, float_format=lambda x: f"{x:.4g}"))


def rates_from_shares(shares: Mapping[str, float], months: float = 24.0) -> dict[str, float]:
    r"""Constant monthly hazards whose competing cumulative incidences by ``months`` are
    ``shares`` (keys ``regular_work`` and ``other``).

    Notes
    -----
    With constant hazards the cumulative incidence of cause *j* by *t* is
    :math:`\lambda_j/\lambda\,(1 - e^{-\lambda t})`, so
    :math:`\lambda = -\log(1 - \sum_j s_j)/t` and :math:`\lambda_j = \lambda s_j / \sum s`.

    Examples
    --------
    >>> {k: round(v, 5) for k, v in rates_from_shares(BASE_SHARES_24M).items()}
    {'regular_work': 0.01064, 'other': 0.01064}
    """
    total = sum(shares.values())
    return {cause: -math.log1p(-total) / months * shares[cause] / total for cause in _CAUSES}


def _check_options(draws: Any, seed: Any, pieces: Any, prior_weight: Any,
                   prior_shares: Mapping[str, float] | None) -> tuple[np.ndarray, dict]:
    def refuse(option: str, value: Any, allowed: str) -> ValueError:
        return ValueError(f"steering_forecast: option {option}={value!r} is not allowed; "
                          f"use {allowed}")

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    if not (isinstance(draws, int) and number(draws) and 1 <= draws <= _MAX_DRAWS):
        raise refuse("draws", draws, f"a whole number from 1 to {_MAX_DRAWS}")
    if not (isinstance(seed, int) and number(seed) and seed >= 0):
        raise refuse("seed", seed, "a whole number >= 0")
    try:
        cuts = np.asarray(pieces, dtype=float)
    except (TypeError, ValueError):
        cuts = np.array([np.nan])
    if cuts.ndim != 1 or cuts.size == 0 or cuts[0] != 0 or not np.all(np.isfinite(cuts)) \
            or np.any(np.diff(cuts) <= 0):
        raise refuse("pieces", pieces, "increasing finite months starting at 0, e.g. (0, 6, 12)")
    if not (number(prior_weight) and 0 < prior_weight < math.inf):
        raise refuse("prior_weight", prior_weight, "a positive number of events, e.g. 1")
    shares = dict(BASE_SHARES_24M if prior_shares is None else prior_shares)
    if sorted(shares) != sorted(_CAUSES) or not all(
            number(v) and 0 < v < 1 for v in shares.values()) or sum(shares.values()) >= 1:
        raise refuse("prior_shares", prior_shares, "shares in (0, 1) for 'regular_work' and "
                     "'other' adding up to less than 1")
    return cuts, rates_from_shares(shares)


def steering_forecast(trial: TrialData, as_of: dt.date | str, *, seed: int = DEFAULT_SEED,
                      draws: int = 4000, pieces: Sequence[float] = DEFAULT_PIECES,
                      prior_weight: float = 1.0, prior_shares: Mapping[str, float] | None = None,
                      level: float = 0.80) -> SteeringForecast:
    """Predictive probability that the trial reaches its outflow target by the cut-off.

    Parameters
    ----------
    trial : TrialData
        A validated trial; only its participants table is used.
    as_of : date or ISO str
        The date the data stand on (not after the cut-off).
    seed, draws : int
        Seed of ``numpy.random.SeedSequence`` and number of posterior draws.
    pieces : sequence of float
        Start of each hazard piece in months since enrolment (default 0, 6, 12, 24).
    prior_weight : float
        Weight of each Gamma prior in events (its shape); default 1.
    prior_shares : mapping, optional
        Shares ``regular_work`` and ``other`` within 24 months the prior is centred on
        (default :data:`BASE_SHARES_24M`), turned into rates by :func:`rates_from_shares`.
    level : float
        Level of the interval of the final share (default 0.80).

    Returns
    -------
    SteeringForecast

    Raises
    ------
    ValueError
        For an option out of range, or when the design declares no outflow target
        (``target_outflow`` absent): there is nothing to forecast against.

    Notes
    -----
    The hazard :math:`\\lambda_{jck}` of cause *j* (regular work, any other end) in
    cell *c* and piece *k* has prior Gamma(w, w/m_j), m_j the base rate, and posterior
    Gamma(w + d_{jck}, w/m_j + E_{ck}), with *d* events and *E* months at risk
    (Gelman et al. 2013, 2.6). Outcomes are drawn with the probabilities of
    :func:`regular_work_first_probability`; see ``docs/steering.md``.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = steering_forecast(simulate_trial(seed=1), "2016-07-01", draws=100)
    >>> result.probability, result.target_count
    (0.0, 40)
    """
    design = trial.design
    if design.target_outflow is None:
        raise ValueError("steering_forecast: the design declares no outflow target "
                         "(target_outflow is absent), so there is no target to forecast; "
                         "declare target_outflow in design.toml")
    cuts, rates = _check_options(draws, seed, pieces, prior_weight, prior_shares)
    level = check_level("steering_forecast", level)
    as_of = parse_iso_date(as_of)
    frame = derive_outcomes(TrialData(design, {"participants": trial.participants}), as_of).frame
    cells = [(c.stratum, c.arm) for c in design.cells]
    index = {cell: i for i, cell in enumerate(cells)}
    keys = list(zip(frame["band"], frame["instruments"], strict=True))
    if unknown := sorted({k for k in keys if k not in index}):
        raise ValueError(f"steering_forecast: participants in cells {unknown} that the design "
                         f"does not declare; cells: {cells}")
    cell = np.array([index[k] for k in keys], dtype=np.int64)
    months = frame["time_days"].to_numpy(dtype=float) / DAYS_PER_MONTH
    lost = frame["lost_to_follow_up"].to_numpy(dtype=bool)
    cause = np.select([frame["event"].to_numpy() == "regular_work",
                       (frame["event"].to_numpy() == "censored") & ~lost], [0, -1], 1)
    exposure, events = _events_and_exposure(cell, months, cause, len(cells), cuts)
    prior_rate = prior_weight / np.array([rates[c] for c in _CAUSES])[:, None, None]
    post_shape, post_rate = prior_weight + events, prior_rate + exposure
    planned = np.array([design.planned_size(s, a) for s, a in cells])
    enrolled = np.bincount(cell, minlength=len(cells))
    future = _future_cells(planned - enrolled, max(design.n_total - len(frame), 0))
    start = max(as_of, design.enrolment_start)
    window, lead = max((design.enrolment_end - start).days, 0), (start - as_of).days
    horizon = (design.cutoff - as_of).days
    at_risk = cause == -1
    totals, per_cell = _simulate(post_shape, post_rate, cuts, cell[at_risk], months[at_risk],
                                 future, (lead, window, horizon), draws, seed)
    observed = int((cause == 0).sum())
    need = math.ceil(design.target_outflow * design.n_total - 1e-9)
    totals += observed
    met = float(np.mean(totals >= need))
    pmf = np.bincount(totals, minlength=max(int(totals.max()), design.n_total) + 1) / draws
    shares, cdf = np.arange(pmf.size) / design.n_total, np.cumsum(pmf)
    low, high = (float(shares[int(np.searchsorted(cdf, q - 1e-12))])
                 for q in ((1 - level) / 2, (1 + level) / 2))
    can_enrol = future.size if window > 0 and lead < horizon else 0
    counts = {"enrolled": len(frame), "observed": observed, "at_risk": int(at_risk.sum()),
              "other_exit": int((cause == 1).sum() - lost.sum()), "lost": int(lost.sum()),
              "not_yet_enrolled": int(future.size),
              "reachable": observed + int(at_risk.sum()) + can_enrol}
    shown = ", ".join(f"{c} {s:.0%}" for c, s in (prior_shares or BASE_SHARES_24M).items())
    notes = [f"Gamma priors of weight {prior_weight:g} event centred on {shown} within 24 "
             "months; where follow-up is still short the forecast rests on them"]
    if future.size and window == 0:
        notes.append(f"{future.size} planned participant(s) have not enrolled and the "
                     "enrolment window has closed: they count as not reaching regular work")
    by_cell = [np.bincount(c, minlength=len(cells)) for c in (cell[cause == 0], cell[at_risk])]
    cell_frame = pd.DataFrame({
        "term": [f"band={s}:instruments={a}" for s, a in cells], "planned": planned,
        "enrolled": enrolled, "observed": by_cell[0], "at_risk": by_cell[1],
        "to_enrol": np.bincount(future, minlength=len(cells)), "predicted_count": by_cell[0]
        + per_cell})
    hazards = pd.DataFrame(
        [{"band": cells[c][0], "instruments": cells[c][1], "piece_start_months": cuts[k],
          "cause": _CAUSES[j], "events": events[j, c, k], "exposure_months": exposure[c, k],
          "prior_shape": float(prior_weight), "prior_rate": prior_rate[j, 0, 0],
          "posterior_shape": post_shape[j, c, k], "posterior_rate": post_rate[j, c, k]}
         for c in range(len(cells)) for k in range(cuts.size) for j in range(2)])
    return SteeringForecast(
        as_of, design.cutoff, float(design.target_outflow), design.n_total, need, counts, met,
        math.sqrt(met * (1 - met) / draws), float(pmf @ shares), low, high, level,
        pd.DataFrame({"count": np.arange(pmf.size), "share": shares, "probability": pmf}),
        hazards, cell_frame, draws, seed, tuple(notes))


def _events_and_exposure(cell: np.ndarray, months: np.ndarray, cause: np.ndarray,
                         n_cells: int, cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months at risk per cell and piece; events per cause, cell and piece (a_k, a_k+1]."""
    upper = np.append(cuts[1:], np.inf)
    exposure = np.zeros((n_cells, cuts.size))
    events = np.zeros((2, n_cells, cuts.size))
    piece = np.clip(np.searchsorted(cuts, months, side="left") - 1, 0, None)
    for k in range(cuts.size):
        np.add.at(exposure[:, k], cell, np.clip(np.minimum(months, upper[k]) - cuts[k], 0, None))
    for j in range(2):
        np.add.at(events[j], (cell[cause == j], piece[cause == j]), 1.0)
    return exposure, events


def _future_cells(shortfall: np.ndarray, n_future: int) -> np.ndarray:
    """Cell of each future participant: the cells short of their planned size, split by
    largest remainder when they are short of more than ``n_future`` in all."""
    short = np.clip(shortfall, 0, None).astype(float)
    if n_future == 0 or short.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    quota = short * n_future / short.sum()
    take = np.floor(quota).astype(np.int64)
    take[np.argsort(-(quota - take), kind="stable")[: n_future - take.sum()]] += 1
    return np.repeat(np.arange(short.size), take)


def _simulate(shape: np.ndarray, rate: np.ndarray, cuts: np.ndarray, risk_cell: np.ndarray,
              risk_start: np.ndarray, future_cell: np.ndarray, days: tuple[int, int, int],
              draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """New regular-work exits per draw and their mean per cell. ``days``: enrolment opens
    ``lead`` days after ``as_of`` for ``window`` days; the cut-off is ``horizon`` after."""
    lead, window, horizon = days
    totals = np.empty(draws, dtype=np.int64)
    people = np.concatenate([risk_cell, future_cell])
    onehot = np.eye(shape.shape[1])[people].reshape(people.size, shape.shape[1])
    per_cell = np.zeros(shape.shape[1])
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(-(-draws // _CHUNK))):
        rng = np.random.default_rng(child)  # always a whole chunk, so draws only extend
        size = min(_CHUNK, draws - i * _CHUNK)
        lam = rng.gamma(shape[:, None], 1 / rate[:, None], (2, _CHUNK, *shape.shape[1:]))[:, :size]
        enrol_day = lead + rng.random((_CHUNK, future_cell.size))[:size] * window
        follow = np.clip(horizon - enrol_day, 0, None) / DAYS_PER_MONTH
        p_risk = regular_work_first_probability(lam[0][:, risk_cell], lam[1][:, risk_cell],
                                                risk_start, risk_start + horizon / DAYS_PER_MONTH,
                                                cuts)
        p_new = regular_work_first_probability(lam[0][:, future_cell], lam[1][:, future_cell],
                                               0.0, follow, cuts)
        outcome = rng.random((_CHUNK, people.size))[:size] < np.concatenate([p_risk, p_new],
                                                                              axis=1)
        totals[i * _CHUNK: i * _CHUNK + size] = outcome.sum(axis=1)
        per_cell += outcome.sum(axis=0) @ onehot
    return totals, per_cell / draws
