"""Answer every research question of a trial in one call: :func:`analyse_trial`.

This is what the funder report, the notebooks and the analysis scripts call. It
derives the outcomes as of a date, runs each question's analysis, and skips (with a
:class:`~iedereen_doet_mee.errors.MissingTableWarning` and a note) the questions whose
table the data do not have, so the other answers stand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import warnings
from collections.abc import Callable

import pandas as pd

from ..data.loading import TrialData
from ..design.trial_design import TrialDesign
from ..errors import MissingTableWarning
from ..seeds import DEFAULT_SEED
from .costs import costs_and_savings
from .effects import instrument_effects
from .employers import employer_views
from .instruments import instrument_associations
from .labels import label_non_experimental
from .ladder import ladder_ordinal, ladder_steps_up
from .missing import holm_adjust, outcome_bounds
from .outcomes import Outcomes
from .results import TIDY_COLUMNS, AnalysisResult
from .survival import time_to_regular_work
from .target import outflow_against_target
from .trial_inputs import TrialInputs
from .wage_value import wage_value_mixed_model, wage_value_within

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
    """

    outcomes: Outcomes
    results: dict[str, AnalysisResult]
    skipped: dict[str, str]
    seed: int

    def to_frame(self) -> pd.DataFrame:
        """All tidy tables stacked, with a leading ``question`` column."""
        return pd.concat([r.to_frame() for r in self.results.values()], ignore_index=True)

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
    design, outcomes = trial.design, inputs.outcomes
    treated, control = inputs.treated, inputs.control
    functions: dict[str, Callable[..., AnalysisResult]] = {
        "target": outflow_against_target, "survival": time_to_regular_work,
        "effects": functools.partial(instrument_effects, n_draws=n_draws),
        "wage_value": wage_value_mixed_model, "wage_value_within": wage_value_within,
        "ladder": ladder_steps_up, "ladder_ordinal": ladder_ordinal, "missing": outcome_bounds,
        "instruments": instrument_associations, "employers": employer_views,
        "costs": functools.partial(costs_and_savings, n_bootstrap=n_bootstrap),
    }
    needs = {"wage_value": "measurements", "wage_value_within": "measurements",
             "instruments": "employment", "employers": "employer_survey"}

    def runner(question: str) -> Callable[[], AnalysisResult]:
        def run() -> AnalysisResult:
            args, options = inputs.for_question(question, seed=seed)
            return functions[question](*args, **options)
        return run

    steps = {q: (needs.get(q), runner(q)) for q in functions}
    not_comparable, comparisons = None, ()
    if design.is_single_arm:
        not_comparable = "a single-arm design has no comparison"
        comparisons = ("effects", "instruments")
    elif len(design.arms) > 2:
        not_comparable = "comparisons of more than two arms are not implemented yet"
        comparisons = ("effects", "instruments", "survival", "missing")
    for question in comparisons:
        steps.pop(question)
    results: dict[str, AnalysisResult] = {}
    skipped: dict[str, str] = {}
    for question, (table, run) in steps.items():
        if table is not None and trial.table(table) is None:
            reason = f"the trial data have no {table} table"
            warnings.warn(f"{question}: {reason}; this question is not answered, the others "
                          "stand", MissingTableWarning, stacklevel=2)
            skipped[question] = reason
            continue
        results[question] = run()
    for question in comparisons:
        skipped[question] = not_comparable
    results["multiplicity"] = _secondary_holm(results, design, treated, control)
    if design.allocation == "assigned":
        results = {key: label_non_experimental(key, result) for key, result in results.items()}
    return TrialAnalysis(outcomes, results, skipped, seed)


def secondary_tests(design: TrialDesign, treated: str, control: str) -> list[tuple[str, str, str]]:
    """The pre-specified secondary comparisons as (result key, term, estimator).

    The family Holm's adjustment runs over (``docs/methods.md``): the difference in
    wage-value growth per month between arms (mixed model, t with Satterthwaite degrees
    of freedom), the arm's effect on the last ladder rung (proportional odds), and the
    employers' scale score by band.
    """
    tests = [("wage_value", f"growth_difference[instruments={treated} - {control}]",
              "lmm_reml_satterthwaite"),
             ("ladder_ordinal", f"instruments={treated} vs {control}",
              "proportional_odds_logit")]
    if len(design.strata) >= 2:
        tests.append(("employers", f"scale_score:{design.strata[-1]} - {design.strata[0]}",
                      "difference_in_means_welch"))
    return tests


def _secondary_holm(results: dict[str, AnalysisResult], design: TrialDesign, treated: str,
                    control: str) -> AnalysisResult:
    rows, absent = [], []
    for key, term, estimator in secondary_tests(design, treated, control):
        table = results[key].table if key in results else None
        hit = None if table is None else table[(table["term"] == term)
                                                & (table["estimator"] == estimator)]
        if hit is None or len(hit) != 1 or pd.isna(hit["p_value"].iloc[0]):
            absent.append(f"{key}: {term} ({estimator})")
            continue
        rows.append(hit.assign(term=f"{key}: {term}"))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=list(TIDY_COLUMNS))
    result = holm_adjust(frame)
    notes = (*result.notes, "Family: the pre-specified secondary comparisons; the primary "
             "outcome (regular-work outflow) is not adjusted.")
    if design.allocation == "assigned":
        notes += ("Allocation was assigned, not randomised: these are non-experimental "
                  "comparisons.",)
    if absent:
        notes += ("Not available, so not in the family: " + "; ".join(absent) + ".",)
    return dataclasses.replace(result, notes=notes)

