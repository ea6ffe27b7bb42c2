"""The question registry: every research question of a trial, declared once.

A :class:`Question` names the function that answers it, the table it needs beyond the
participants, the outcome it is about, which designs it applies to (how many arms),
the analysis options it takes from :func:`~iedereen_doet_mee.analysis.analyse_trial`
and the report section that shows it. :data:`SECTIONS` gives the report's sections
in order with their titles in Dutch and English. :func:`analyse_trial`, the records
of ``results.json`` and the report iterate over :data:`QUESTIONS`; the inputs each
function takes from a trial are declared beside it (``accepts_trial`` in its module).

Adding a question: write its module (a function decorated with ``accepts_trial``,
returning an :class:`~iedereen_doet_mee.analysis.results.AnalysisResult` whose
estimators are registered in :mod:`.estimators`), then add one :class:`Question`
here.

Examples
--------
>>> QUESTIONS["wage_value_within"].needs, QUESTIONS["wage_value_within"].section
('measurements', 'wage_value')
>>> [q.key for q in questions_in_section("ladder")]
['ladder', 'ladder_ordinal']
>>> section_title("target", "en", target="40%")
'Regular-work outflow and the 40% target'
>>> section_title("target", "en", target=None)
'Regular-work outflow'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Literal

from .chain import chain_flow, no_chain
from .costs import costs_and_savings
from .effects import instrument_effects
from .employers import employer_views
from .instruments import instrument_associations
from .ladder import ladder_ordinal, ladder_steps_up
from .missing import outcome_bounds
from .multiplicity import secondary_holm
from .outcome_shares import declared_outcome_shares, nothing_to_add
from .programme_money import no_money_declared, programme_money
from .results import AnalysisResult
from .survival import time_to_regular_work
from .target import outflow_against_target
from .wage_value import wage_value_mixed_model, wage_value_within

__all__ = ["QUESTIONS", "SECTIONS", "Question", "Section", "asked", "missing_table",
           "not_applicable",
           "questions_in_section", "section_title"]


@dataclasses.dataclass(frozen=True)
class Section:
    """A section of the report that shows questions: key and titles (``{target}`` is
    the target share, formatted), and the titles used when the design declares no
    target (default: the same)."""

    key: str
    nl: str
    en: str
    nl_no_target: str | None = None
    en_no_target: str | None = None


@dataclasses.dataclass(frozen=True)
class Question:
    """One research question.

    Attributes
    ----------
    key : str
        Its name in ``TrialAnalysis.results``, ``results.json`` and the report.
    function : callable
        The analysis that answers it (its inputs from a trial: ``function.inputs``);
        for the ``family`` question, a function of the other questions' results.
    outcome : str
        The outcome it is about (the ``outcome`` field of the records).
    needs : str, optional
        The table it needs besides the participants; without it the question is
        skipped with a warning and the others stand.
    arms : {"any", "up_to_two", "two"}
        The designs it answers for: any number of arms, at most two (a comparison with
        one arm describes that arm), or exactly two.
    section : str, optional
        The report section that shows it (a key of :data:`SECTIONS`); None: only in
        ``results.json``.
    run_options : tuple of str
        Options of :func:`analyse_trial` passed on (``n_draws``, ``n_bootstrap``).
    family : bool
        Answered after the others, from their results (Holm's adjustment).
    applies : callable, optional
        ``applies(design)`` says why the question is not answered for that design (a
        text), or None when it is.
    """

    key: str
    function: Callable[..., AnalysisResult]
    outcome: str
    needs: str | None = None
    arms: Literal["any", "up_to_two", "two"] = "any"
    section: str | None = None
    run_options: tuple[str, ...] = ()
    family: bool = False
    applies: Callable[..., str | None] | None = None


#: The report's sections that show questions, in the order of the report.
SECTIONS: dict[str, Section] = {s.key: s for s in (
    Section("target", "Uitstroom naar regulier werk en het doel van {target}",
            "Regular-work outflow and the {target} target",
            "Uitstroom naar regulier werk", "Regular-work outflow"),
    Section("outcomes", "Uitkomsten zoals vastgelegd in het ontwerp",
            "Outcomes declared in the design"),
    Section("chain", "De keten: instroom, doorstroom en uitval per stap",
            "The chain: entry, flow and drop-out per stage"),
    Section("effects", "Effect van instrumenten per loonwaardeband",
            "Effect of instruments by wage-value band"),
    Section("survival", "Tijd tot regulier werk", "Time to regular work"),
    Section("wage_value", "Loonwaarde in de tijd", "Wage value over time"),
    Section("ladder", "Participatieladder", "Participation ladder"),
    Section("instruments", "Instrumenten en duurzame plaatsingen",
            "Instruments and durable placements"),
    Section("employers", "Oordeel van werkgevers", "Employers' view"),
    Section("costs", "Kosten en besparingen", "Costs and savings"),
    Section("money", "Geld zoals het programma het telt",
            "Programme money as the programme counts it"),
)}

#: Every research question, in the order ``analyse_trial`` answers them.
QUESTIONS: dict[str, Question] = {q.key: q for q in (
    Question("target", outflow_against_target, "regular_work", section="target"),
    Question("survival", time_to_regular_work, "time_to_regular_work", arms="up_to_two",
             section="survival"),
    Question("effects", instrument_effects, "regular_work", arms="two", section="effects",
             run_options=("n_draws",)),
    Question("wage_value", wage_value_mixed_model, "wage_value", needs="measurements",
             section="wage_value"),
    Question("wage_value_within", wage_value_within, "wage_value", needs="measurements",
             section="wage_value"),
    Question("ladder", ladder_steps_up, "ladder_rung", section="ladder"),
    Question("ladder_ordinal", ladder_ordinal, "ladder_rung", section="ladder"),
    Question("missing", outcome_bounds, "regular_work", arms="up_to_two"),
    # within the arm(s) offered instruments: a single-arm design analyses everyone
    Question("instruments", instrument_associations, "durable_placement",
             needs="employment", arms="up_to_two", section="instruments"),
    Question("employers", employer_views, "employer_view", needs="employer_survey",
             section="employers"),
    Question("costs", costs_and_savings, "costs_and_savings", section="costs",
             run_options=("n_bootstrap",)),
    Question("outcomes", declared_outcome_shares, "declared_outcomes", section="outcomes",
             applies=nothing_to_add),
    Question("money", programme_money, "programme_money", section="money",
             applies=no_money_declared),
    Question("chain", chain_flow, "chain_stages", needs="instruments", section="chain",
             applies=no_chain),
    Question("multiplicity", secondary_holm, "secondary_outcomes", family=True),
)}


def not_applicable(question: Question, n_arms: int, design=None) -> str | None:
    """Why ``question`` is not answered for a design with ``n_arms`` arms (and, given,
    for ``design``), or None.

    Examples
    --------
    >>> not_applicable(QUESTIONS["effects"], 1)
    'a single-arm design has no comparison'
    >>> not_applicable(QUESTIONS["survival"], 3)
    'comparisons of more than two arms are not implemented yet'
    """
    if question.arms == "two" and n_arms == 1:
        return "a single-arm design has no comparison"
    if question.arms != "any" and n_arms > 2:
        return "comparisons of more than two arms are not implemented yet"
    if question.applies is not None and design is not None:
        return question.applies(design)
    return None


def asked(question: Question, n_arms: int, skipped: Mapping[str, str]) -> bool:
    """Whether a design with ``n_arms`` arms asks ``question`` at all, given the
    questions an analysis ``skipped``.

    A comparison of arms in a single-arm design, and a question whose ``applies`` said
    it does not apply, are not asked: the report leaves them out rather than showing
    them as unavailable. A question that is asked but could not be answered (a missing
    table; more than two arms, not implemented yet) is asked: the report says why.

    Examples
    --------
    >>> asked(QUESTIONS["effects"], 1, {"effects": "a single-arm design has no comparison"})
    False
    >>> asked(QUESTIONS["effects"], 3, {"effects": "not implemented yet"})
    True
    >>> asked(QUESTIONS["instruments"], 1, {})
    True
    """
    if question.arms == "two" and n_arms == 1:
        return False
    return question.applies is None or question.key not in skipped


def missing_table(question: Question) -> str:
    """Why ``question`` is not answered when the data lack the table it needs.

    Examples
    --------
    >>> missing_table(QUESTIONS["employers"])
    'the trial data have no employer_survey table'
    """
    return f"the trial data have no {question.needs} table"


def questions_in_section(section: str) -> list[Question]:
    """The questions a report section shows, in registry order."""
    if section not in SECTIONS:
        raise KeyError(f"no report section {section!r}; known: {', '.join(SECTIONS)}")
    return [q for q in QUESTIONS.values() if q.section == section]


def section_title(section: str, lang: Literal["nl", "en"], **values: str | None) -> str:
    """The title of a report section in ``lang`` (``values`` fill its placeholders;
    ``target=None``: the design declares no target)."""
    entry = SECTIONS[section]
    if "target" in values and values["target"] is None:
        untargeted = entry.nl_no_target if lang == "nl" else entry.en_no_target
        if untargeted is not None:
            return untargeted
    return (entry.nl if lang == "nl" else entry.en).format(**values)
