"""The result of a design diagnosis: :class:`Diagnosis`, in the house style of a result.

Like :class:`~iedereen_doet_mee.analysis.results.AnalysisResult`: a one-line ``repr``,
:meth:`Diagnosis.summary` (the terminal text of ``python -m iedereen_doet_mee.diagnose``),
:meth:`Diagnosis.to_frame` (the tidy columns, one row per estimator and diagnosand) and
``_repr_html_`` for notebooks; :meth:`Diagnosis.to_dict` is the ``--json`` output.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.estimators import estimator_info
from ..analysis.results import TIDY_COLUMNS
from .diagnosands import DIAGNOSANDS

__all__ = ["DIAGNOSIS_COLUMNS", "TARGET_MET_DIAGNOSAND", "Diagnosis", "diagnosis_dict",
           "diagnosis_text"]

#: Columns of :meth:`Diagnosis.to_frame`: the tidy columns, then which diagnosand the row
#: holds, the estimator in plain words and the inquiry it answers.
DIAGNOSIS_COLUMNS: tuple[str, ...] = (*TIDY_COLUMNS, "diagnosand", "label", "inquiry")
#: The diagnosand "share of simulated trials whose observed share meets the target"
#: (:func:`~iedereen_doet_mee.analysis.target.target_met`), a diagnosand of the overall
#: share, :data:`TARGET_MET_KEY`.
TARGET_MET_DIAGNOSAND = "probability_target_met"
TARGET_MET_KEY = "overall|proportion_clopper_pearson"
_TABLE_COLUMNS = ("estimator_key", "estimator", "inquiry", "diagnosand", "value", "mc_se", "n")

_SHOWN = ("mean_estimand", "mean_estimate", "bias", "rmse", "power", "coverage",
          "type_s_rate", "mean_ci_width")
_HEADERS = ("estimand", "estimate", "bias", "RMSE", "power", "coverage", "type S",
            "CI width")


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def diagnosis_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """Settings, the probability of meeting the target, and every estimator's diagnosands.

    Without a target (``settings["target"]`` is ``None``) there is no
    ``probability_target_met`` key.

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
    out: dict[str, Any] = {"settings": diagnosis.settings}
    if diagnosis.target_met is not None:
        share, se = diagnosis.target_met
        out["probability_target_met"] = {"value": _number(share), "mc_se": _number(se)}
    out["estimators"] = estimators
    return out


def _cell(value: float, se: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.3f} ({se:.3f})" if math.isfinite(se) and se > 0 else f"{value:.3f}"


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """The diagnosis as fixed-width text: one block per estimator."""
    s = diagnosis.settings
    lines = [
        f"Design diagnosis of {s['design']!r}: {s['sims']} simulated trials, seed {s['seed']}, "
        f"allocation {s['allocation']}, alpha {s['alpha']}",
        "Participants per cell: " + ", ".join(f"{k} {v}" for k, v in s["n_per_cell"].items()),
        "Assumed regular-work outflow within 24 months: "
        + ", ".join(f"{k} {v:.2f}" for k, v in s["outflow_24m"].items()),
        "Follow-up: " + ("everyone for 24 months (no censoring)" if s["full_follow_up"] else
                         f"until the cut-off {s['cutoff']}, loss to follow-up "
                         f"{s['loss_to_follow_up_24m']:.0%} in 24 months"),
        _target_line(diagnosis),
        "Values with their Monte Carlo standard error in brackets; '-' not defined.",
    ]
    if "method" in s:
        lines.append(f"Large trial: {s['method']}.")
    if "comparisons" in s:
        lines.append(f"More than two arms: {s['comparisons']}.")
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


def _target_line(diagnosis: Diagnosis) -> str:
    """The probability of meeting the target, or that the design declares none."""
    if diagnosis.target_met is None:
        return "No outflow target declared: no probability of meeting one"
    share, se = diagnosis.target_met
    return (f"Probability that the trial meets its {diagnosis.settings['target']:.0%} target: "
            f"{_cell(share, se)}")


def _split_key(key: str) -> tuple[str, str]:
    """``"term|estimator"`` as ``(term, estimator)``; the estimator must be registered."""
    term, sep, estimator = str(key).rpartition("|")
    if not sep or not term:
        raise ValueError(f"Diagnosis: estimator key {key!r} is not 'term|estimator'")
    estimator_info(estimator)  # raises UnregisteredEstimatorError for an undeclared name
    return term, estimator


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    """The diagnosands of every estimator of the primary analysis.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per estimator and diagnosand: ``estimator_key`` (term|estimator as in
        the analysis' tidy tables), ``estimator`` (in plain words), ``inquiry``,
        ``diagnosand``, ``value``, ``mc_se`` and ``n`` (the simulated trials the
        diagnosand is taken over). :meth:`to_frame` gives the same in the tidy columns.
    estimators : pandas.DataFrame
        One row per estimator: key, plain label, inquiry, estimand, simulated trials,
        trials in which it answered and did not (with the reason).
    target_met : tuple of float, or None
        Probability that the trial meets its outflow target (observed share at least
        the target, :func:`~iedereen_doet_mee.analysis.target.target_met`), with its
        Monte Carlo standard error; ``None`` when the design declares no target.
    settings : dict
        Design, simulations, seed, alpha, chunk size, full follow-up, assumptions.

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.diagnosis import diagnose_design
    >>> d = diagnose_design(TrialDesign(allocation="randomised"), sims=100, seed=1)
    >>> d
    Diagnosis(Iedereen doet mee: 100 simulated trials; 12 estimators; P(target met)=0.00)
    >>> power = d.to_frame().set_index(["term", "estimator", "diagnosand"]).loc[
    ...     ("overall", "risk_difference_hc2", "power")]
    >>> round(float(power["estimate"]), 2), round(float(power["std_error"]), 3), int(power["n"])
    (0.13, 0.034, 100)
    """

    table: pd.DataFrame
    estimators: pd.DataFrame
    target_met: tuple[float, float] | None
    settings: dict[str, Any]

    def __post_init__(self) -> None:
        missing = [c for c in _TABLE_COLUMNS if c not in self.table.columns]
        if missing:
            raise ValueError(f"Diagnosis.table lacks columns {missing}; it needs "
                             f"{list(_TABLE_COLUMNS)}")
        unknown = sorted(set(self.table["diagnosand"]) - set(DIAGNOSANDS))
        if unknown:
            raise ValueError(f"Diagnosis.table: diagnosands {unknown} are not among "
                             f"{list(DIAGNOSANDS)}")
        for key in dict.fromkeys(self.estimators["estimator_key"]):
            _split_key(key)

    def value(self, key: str, diagnosand: str) -> float:
        """One diagnosand's value, e.g. ``value("pooled|fisher_exact_two_sided", "power")``."""
        hit = self.table[(self.table["estimator_key"] == key)
                         & (self.table["diagnosand"] == diagnosand)]
        if len(hit) != 1:
            raise KeyError(f"no diagnosand {diagnosand!r} of estimator {key!r}")
        return float(hit["value"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per estimator and diagnosand, in the tidy columns (:data:`DIAGNOSIS_COLUMNS`).

        ``term`` and ``estimator`` are those of the analysis' tidy table; ``estimate`` is
        the diagnosand's value, ``std_error`` its Monte Carlo standard error and ``n`` the
        simulated trials it is taken over; ``statistic``, ``p_value``, ``conf_low`` and
        ``conf_high`` are missing. The probability of meeting the target is the
        diagnosand :data:`TARGET_MET_DIAGNOSAND` of the overall share (``n``: every
        simulated trial). ``label`` says what the estimator does in plain words.
        """
        table = self.table
        terms, names = zip(*(_split_key(k) for k in table["estimator_key"]), strict=True) \
            if len(table) else ((), ())
        missing = np.full(len(table), np.nan)
        frame = pd.DataFrame({
            "term": list(terms), "estimate": table["value"].to_numpy(dtype=float),
            "std_error": table["mc_se"].to_numpy(dtype=float), "statistic": missing,
            "p_value": missing, "conf_low": missing, "conf_high": missing,
            "estimator": list(names), "n": table["n"].to_numpy(dtype=np.int64),
            "diagnosand": table["diagnosand"].to_numpy(dtype=object),
            "label": table["estimator"].to_numpy(dtype=object),
            "inquiry": table["inquiry"].to_numpy(dtype=object)}, columns=list(DIAGNOSIS_COLUMNS))
        keys = table["estimator_key"].to_numpy(dtype=object)
        at = np.flatnonzero(keys == TARGET_MET_KEY)
        if len(at) and self.target_met is not None:
            share, se = self.target_met
            row = frame.iloc[[at[-1]]].assign(
                estimate=float(share), std_error=float(se), n=int(self.settings["sims"]),
                diagnosand=TARGET_MET_DIAGNOSAND)
            frame = pd.concat([frame.iloc[:at[-1] + 1], row, frame.iloc[at[-1] + 1:]])
        frame["n"] = frame["n"].astype(np.int64)
        return frame.reset_index(drop=True)

    def summary(self) -> str:
        """Readable text: settings, the probability of meeting the target, and per
        estimator its diagnosands with Monte Carlo standard errors (as :meth:`to_text`)."""
        return diagnosis_text(self)

    def to_text(self) -> str:
        """A fixed-width table for the terminal (the same as :meth:`summary`)."""
        return diagnosis_text(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: settings, probability of meeting the target, and
        per estimator its diagnosands with Monte Carlo standard errors."""
        return diagnosis_dict(self)

    def __repr__(self) -> str:
        s, count = self.settings, len(self.estimators)
        met = "no target" if self.target_met is None else \
            f"P(target met)={self.target_met[0]:.2f}"
        return (f"Diagnosis({s['design']}: {s['sims']} simulated trials; {count} "
                f"estimator{'s' if count != 1 else ''}; {met})")

    def _repr_html_(self) -> str:
        s = self.settings
        wide = self.table.assign(cell=[_cell(v, e) for v, e in zip(
            self.table["value"], self.table["mc_se"], strict=True)]).pivot(
            index="estimator_key", columns="diagnosand", values="cell")
        wide = wide.reindex(index=list(dict.fromkeys(self.table["estimator_key"])),
                            columns=[c for c in _SHOWN if c in wide.columns])
        wide.columns = [dict(zip(_SHOWN, _HEADERS, strict=True))[c] for c in wide.columns]
        wide.index.name = None
        return (f"<h4>Design diagnosis of {html.escape(str(s['design']))} "
                f"({s['sims']} simulated trials, seed {s['seed']}, alpha {s['alpha']})</h4>"
                f"<p>{html.escape(_target_line(self))}. Values with their Monte Carlo "
                "standard error in brackets; '-' not defined.</p>" + wide.to_html(na_rep="-"))
