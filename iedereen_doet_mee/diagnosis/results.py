"""The result of a design diagnosis: :class:`Diagnosis`, as a terminal table or plain data."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd

__all__ = ["Diagnosis", "diagnosis_dict", "diagnosis_text"]

_SHOWN = ("mean_estimand", "mean_estimate", "bias", "rmse", "power", "coverage",
          "type_s_rate", "mean_ci_width")
_HEADERS = ("estimand", "estimate", "bias", "RMSE", "power", "coverage", "type S",
            "CI width")


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def diagnosis_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """Settings, the probability of meeting the target, and every estimator's diagnosands.

    Each estimator carries its key (``term|estimator`` of the analysis), a plain
    description, the inquiry and the estimand, how many simulated trials it answered
    in and why not in the others, and per diagnosand ``{"value", "mc_se"}`` (``null``
    where undefined, e.g. the coverage of a test without an interval).
    """
    estimators = []
    for row in diagnosis.estimators.itertuples(index=False):
        part = diagnosis.table[diagnosis.table["estimator_key"] == row.estimator_key]
        estimators.append({
            "key": row.estimator_key,
            "estimator": row.estimator,
            "inquiry": row.inquiry,
            "estimand": _number(row.estimand),
            "simulated_trials": int(row.trials),
            "answered": int(row.answered),
            "not_answered": int(row.not_answered),
            "why_not_answered": row.why_not or None,
            "diagnosands": {d.diagnosand: {"value": _number(d.value), "mc_se": _number(d.mc_se)}
                            for d in part.itertuples(index=False)},
        })
    share, se = diagnosis.target_met
    return {
        "settings": diagnosis.settings,
        "probability_target_met": {"value": _number(share), "mc_se": _number(se)},
        "estimators": estimators,
    }


def _cell(value: float, se: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.3f} ({se:.3f})" if math.isfinite(se) and se > 0 else f"{value:.3f}"


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """The diagnosis as fixed-width text: one block per estimator."""
    s = diagnosis.settings
    share, se = diagnosis.target_met
    lines = [
        f"Design diagnosis of {s['design']!r}: {s['sims']} simulated trials, seed {s['seed']}, "
        f"allocation {s['allocation']}, alpha {s['alpha']}",
        "Participants per cell: " + ", ".join(f"{k} {v}" for k, v in s["n_per_cell"].items()),
        "Assumed regular-work outflow within 24 months: "
        + ", ".join(f"{k} {v:.2f}" for k, v in s["outflow_24m"].items()),
        "Follow-up: " + ("everyone for 24 months (no censoring)" if s["full_follow_up"] else
                         f"until the cut-off {s['cutoff']}, loss to follow-up "
                         f"{s['loss_to_follow_up_24m']:.0%} in 24 months"),
        f"Probability that the trial meets its {s['target']:.0%} target: {_cell(share, se)}",
        "Values with their Monte Carlo standard error in brackets; '-' not defined.",
    ]
    if "method" in s:
        lines.append(f"Large trial: {s['method']}.")
    lines.append("")
    for row in diagnosis.estimators.itertuples(index=False):
        part = diagnosis.table[diagnosis.table["estimator_key"] == row.estimator_key]
        values = {d.diagnosand: (d.value, d.mc_se) for d in part.itertuples(index=False)}
        lines.append(f"{row.estimator}  [{row.estimator_key}]")
        shown = [(h, _cell(*values[k])) for h, k in zip(_HEADERS, _SHOWN, strict=True)
                 if math.isfinite(values[k][0])]
        lines.append("  " + "  ".join(f"{h}: {v}" for h, v in shown))
        if row.not_answered:
            lines.append(f"  not answered in {row.not_answered} of {row.trials} simulated "
                         f"trials: {row.why_not}")
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    """The diagnosands of every estimator of the primary analysis.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimator and diagnosand: ``estimator_key`` (term|estimator as in
        the analysis' tidy tables), ``estimator`` (in plain words), ``inquiry``,
        ``diagnosand``, ``value``, ``mc_se``.
    estimators : pandas.DataFrame
        One row per estimator: key, plain label, inquiry, estimand, simulated trials,
        trials in which it answered and did not (with the reason).
    target_met : tuple of float
        Probability that the trial meets its outflow target (observed share at least
        the target), with its Monte Carlo standard error.
    settings : dict
        Design, simulations, seed, alpha, chunk size, full follow-up, assumptions.
    """

    table: pd.DataFrame
    estimators: pd.DataFrame
    target_met: tuple[float, float]
    settings: dict[str, Any]

    def value(self, key: str, diagnosand: str) -> float:
        """One diagnosand's value, e.g. ``value("pooled|fisher_exact_two_sided", "power")``."""
        hit = self.table[(self.table["estimator_key"] == key)
                         & (self.table["diagnosand"] == diagnosand)]
        if len(hit) != 1:
            raise KeyError(f"no diagnosand {diagnosand!r} of estimator {key!r}")
        return float(hit["value"].iloc[0])

    def to_text(self) -> str:
        """A fixed-width table for the terminal."""
        return diagnosis_text(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: settings, probability of meeting the target, and
        per estimator its diagnosands with Monte Carlo standard errors."""
        return diagnosis_dict(self)
