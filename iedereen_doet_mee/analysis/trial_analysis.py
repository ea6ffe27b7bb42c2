"""Answer every research question of a trial in one call: :func:`analyse_trial`.

This is what the funder report, the notebooks and the analysis scripts call. It
derives the outcomes as of a date, runs each question's analysis, and skips (with a
:class:`~iedereen_doet_mee.errors.MissingTableWarning` and a note) the questions whose
table the data do not have, so the other answers stand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import pandas as pd

from ..data.loading import TrialData
from ..errors import MissingTableWarning
from ..seeds import DEFAULT_SEED
from .labels import label_non_experimental
from .outcomes import Outcomes
from .questions import QUESTIONS, missing_table, not_applicable
from .results import TIDY_COLUMNS, AnalysisResult
from .trial_inputs import TrialInputs, with_unit_note

__all__ = ["TrialAnalysis", "analyse_trial"]


@dataclasses.dataclass(frozen=True)
class TrialAnalysis:
    """Every research question's result for one trial as of one date.

    Attributes
    ----------
    outcomes : Outcomes
        The per-participant outcomes the analyses used.
    results : dict of str to AnalysisResult
        By question: ``target``, ``survival``, ``effects``, ``wage_value`` (mixed
        model), ``wage_value_within``, ``ladder`` (steps up), ``ladder_ordinal``,
        ``missing``, ``instruments``, ``employers``, ``costs`` (absent when the data
        lack the table or the design has no comparison), and ``multiplicity``: Holm's
        adjustment over the pre-specified secondary comparisons.
    skipped : dict of str to str
        Questions not answered, with the reason.
    seed : int
        Seed of the random steps (randomisation inference, bootstrap).
    primary_outcome : str or None
        The outcome question ``target`` counted when the design's primary outcome is not
        the default (persons leaving benefit for regular work); ``None`` for the default.
    """

    outcomes: Outcomes
    results: dict[str, AnalysisResult]
    skipped: dict[str, str]
    seed: int
    primary_outcome: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """All tidy tables stacked, led by ``question`` (the key in :attr:`results`) and
        ``outcome`` (the question registry's outcome of that question; for ``target``
        the design's primary outcome)."""
        frames = [result.table.assign(question=key, outcome=self.primary_outcome
                                      if key == "target" and self.primary_outcome
                                      else QUESTIONS[key].outcome)
                  for key, result in self.results.items()]
        columns = ["question", "outcome", *TIDY_COLUMNS]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    def summary(self) -> str:
        """Every result's summary, then what was skipped and why."""
        parts = [r.summary() for r in self.results.values()]
        parts += [f"Not analysed: {q}: {why}" for q, why in self.skipped.items()]
        return "\n\n".join(parts)

    def __repr__(self) -> str:
        return (f"TrialAnalysis(as of {self.outcomes.as_of}: {len(self.outcomes.frame)} "
                f"participants; {', '.join(self.results)}"
                + (f"; skipped {', '.join(self.skipped)}" if self.skipped else "") + ")")


def analyse_trial(trial: TrialData, *, as_of: dt.date | str | None = None,
                  seed: int = DEFAULT_SEED, n_draws: int = 2000,
                  n_bootstrap: int = 2000) -> TrialAnalysis:
    """Run every research question's analysis on ``trial`` as of ``as_of``.

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        Default: the design's cut-off; an earlier date gives an interim analysis.
    seed : int
        Seed of randomisation inference and the bootstrap.
    n_draws, n_bootstrap : int
        Number of re-randomisations and of bootstrap resamples.

    Returns
    -------
    TrialAnalysis

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> analysis = analyse_trial(simulate_trial(seed=1), n_draws=200, n_bootstrap=200)
    >>> sorted(analysis.results)
    ['costs', 'effects', 'employers', 'instruments', 'ladder', 'ladder_ordinal', 'missing',
     'multiplicity', 'survival', 'target', 'wage_value', 'wage_value_within']
    """
    inputs = TrialInputs(trial, as_of)
    design = trial.design
    run_options = {"n_draws": n_draws, "n_bootstrap": n_bootstrap}
    results: dict[str, AnalysisResult] = {}
    skipped: dict[str, str] = {}
    for question in QUESTIONS.values():
        why_not = not_applicable(question, len(design.arms), design)
        if question.family or why_not is not None:
            continue
        if question.needs is not None and trial.table(question.needs) is None:
            reason = missing_table(question)
            warnings.warn(f"{question.key}: {reason}; this question is not answered, the "
                          "others stand", MissingTableWarning, stacklevel=2)
            skipped[question.key] = reason
            continue
        args, options = inputs.arguments(question.function.inputs, seed=seed)
        options.update({name: run_options[name] for name in question.run_options})
        results[question.key] = with_unit_note(question.function(*args, **options),
                                               question.function.inputs, design)
    for question in QUESTIONS.values():
        why_not = not_applicable(question, len(design.arms), design)
        if why_not is not None:
            skipped[question.key] = why_not
        elif question.family:
            results[question.key] = question.function(results, design, inputs.treated,
                                                      inputs.control)
    if design.allocation == "assigned":
        results = {key: label_non_experimental(result) for key, result in results.items()}
    primary = None if inputs.counts_default_primary else design.primary_outcome
    return TrialAnalysis(inputs.outcomes, results, skipped, seed, primary)
