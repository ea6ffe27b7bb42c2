"""The study design as declared: the section "Opzet van het onderzoek" / "Study design".

A design is described as what it is. Strata (a wage-value band, a neighbourhood) are
characteristics of a person, never allocated, so no design of this package is a
factorial trial; its arms are either randomised within strata (a stratified
randomised comparison, CONSORT 2010) or assigned by caseworkers (a non-randomised
comparison), or there is one arm and nothing is compared. A non-randomised design is
described with the items of the TREND statement (Des Jarlais, Lyles, Crepaz and the
TREND Group 2004, *Am J Public Health* 94:361-366) that the design and the analysis
fill: the unit of assignment, the allocation method, the comparison, the primary
outcome and its horizon, how bias from non-randomisation is handled (the covariates
the adjusted effects actually used), the unit of analysis and missing data.

The module also holds two definitions other sections open with: a durable placement
(the instruments section, with the horizon the outcomes were derived with) and the
budget framing of the savings (the costs and programme-money sections).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ...design.outcomes import OutcomeDefinition
from ...design.trial_design import TrialDesign
from ..figures.style import label
from .blocks import Paragraph, Section
from .term_words import term_words
from .texts import Language, fmt_date, fmt_number, text
from .wording import Wording

__all__ = ["DesignFacts", "budget_line", "design_section", "durable_line"]


@dataclasses.dataclass(frozen=True)
class DesignFacts:
    """What the design section says, taken from the design and the analysis run.

    Attributes
    ----------
    allocation : {"assigned", "randomised"}
        How the arms were allocated (the design's declaration).
    unit : {"person", "household"}
        What the outcomes count.
    primary : OutcomeDefinition
        The primary outcome as declared.
    as_of : datetime.date
        The day the outcomes are known by.
    durable_months : int
        The horizon of a durable placement the outcomes were derived with.
    benefit_eur_month : float
        The cost of one benefit month the savings are valued at.
    block_multiples : tuple of int
        Permuted-block sizes of a randomised allocation.
    covariates : tuple of str or None
        The baseline covariates the adjusted effects used; ``None`` when no adjusted
        effects were estimated.
    bounds : bool
        Whether best- and worst-case bounds for missing outcomes were computed.

    Examples
    --------
    >>> facts = DesignFacts.of(TrialDesign())
    >>> facts.allocation, facts.durable_months, facts.covariates
    ('assigned', 6, None)
    """

    allocation: str
    unit: str
    primary: OutcomeDefinition
    as_of: dt.date
    durable_months: int
    benefit_eur_month: float
    block_multiples: tuple[int, ...] = (1, 2)
    covariates: tuple[str, ...] | None = None
    bounds: bool = False

    @classmethod
    def of(cls, design: TrialDesign, analysis=None, as_of: dt.date | None = None
           ) -> DesignFacts:
        """The facts of ``design`` and, given, of its ``analysis``
        (:class:`~iedereen_doet_mee.analysis.TrialAnalysis`): the durable horizon its
        outcomes used, the covariates of its adjusted effects, whether bounds were
        computed."""
        covariates, bounds, durable = None, False, design.durable_horizon_months
        if analysis is not None:
            durable = analysis.outcomes.horizon_months
            effects = analysis.results.get("effects")
            if effects is not None and "covariates" in effects.extras:
                covariates = tuple(str(c) for c in effects.extras["covariates"]["covariate"])
            bounds = "missing" in analysis.results
            as_of = as_of or analysis.outcomes.as_of
        return cls(design.allocation, design.unit, design.primary,
                   as_of or design.cutoff, durable, design.benefit_cost_per_month,
                   tuple(design.block_multiples), covariates, bounds)


def _months(n: int, lang: Language) -> str:
    """ "6 maanden" / "1 maand" ("6 months" / "1 month")."""
    word = ("maand" if n == 1 else "maanden") if lang == "nl" else \
        ("month" if n == 1 else "months")
    return f"{n} {word}"


def _covariate_words(covariates: tuple[str, ...], lang: Language) -> str:
    """The covariates as the baseline table names them, lower case, joined."""
    if not covariates:
        return text("design_no_covariates", lang)
    names = []
    for column in covariates:
        column = "ladder_rung_intake" if column == "ladder_intake" else column
        words = label(f"characteristic:{column}", lang, default=column.replace("_", " "))
        words = re.sub(r"\s*\([^()]*\)$", "", words)  # the unit: "(jaren)", "(1-6)"
        names.append(words[0].lower() + words[1:])
    last = names.pop()
    joiner = " en " if lang == "nl" else " and "
    return f"{', '.join(names)}{joiner}{last}" if names else last


def _opening(facts: DesignFacts, words: Wording, lang: Language) -> list[str]:
    """What kind of study it is, and that it is not factorial where it could seem so."""
    n_arms = len(words.arms)
    if n_arms == 1:
        return [text("design_single", lang)]
    lines = [text(f"design_{facts.allocation}", lang, stratum=words.stratum(lang))]
    if len(words.strata) > 1:
        lines.append(text(f"design_not_factorial_{facts.allocation}", lang,
                          stratum=words.stratum(lang), arm=words.arm(lang)))
    return lines


def _comparison(words: Wording, lang: Language) -> str:
    """The groups compared, in the design's words."""
    def arm(value: str) -> str:
        return term_words(f"instruments={value}", lang, words)

    strata = " / ".join(words.strata)
    if len(words.arms) == 1:
        key = "design_comparison_none" + ("_strata" if len(words.strata) > 1 else "")
        return text(key, lang, stratum=words.stratum(lang), strata=strata)
    if words.treated_arm is None:
        return text("design_comparison_many", lang, arms=", ".join(arm(a) for a in words.arms))
    key = "design_comparison" + ("_strata" if len(words.strata) > 1 else "")
    return text(key, lang, treated=arm(words.treated_arm), control=arm(str(words.control_arm)),
                stratum=words.stratum(lang), strata=strata)


def _bias(facts: DesignFacts, words: Wording, lang: Language) -> str:
    """How bias from the allocation is handled, as the analysis does it."""
    if len(words.arms) == 1:
        return text("design_bias_single", lang)
    if facts.allocation == "randomised":
        return text("design_bias_randomised", lang, stratum=words.stratum(lang))
    if facts.covariates is None:  # no adjusted effects (e.g. more than two arms)
        return text("design_bias_unadjusted", lang)
    treated = term_words(f"instruments={words.treated_arm}", lang, words)
    return text("design_bias_assigned", lang, stratum=words.stratum(lang), treated=treated,
                covariates=_covariate_words(facts.covariates, lang))


def _missing(facts: DesignFacts, words: Wording, lang: Language) -> str:
    """Missing outcomes: counted as not reached, with bounds where they were computed."""
    line = text("design_missing", lang)
    if facts.bounds:
        line += " " + text("design_bounds", lang)
        if len(words.arms) == 2 and words.treated_arm is not None:
            line += " " + text("design_bounds_difference", lang)
    if facts.covariates is not None and len(words.arms) > 1:
        line += " " + text("design_complete_cases", lang)
    return line


def design_section(facts: DesignFacts, words: Wording, lang: Language) -> Section:
    """The section "Opzet van het onderzoek" / "Study design": one paragraph per item.

    Examples
    --------
    >>> facts = DesignFacts.of(TrialDesign())
    >>> section = design_section(facts, Wording(), "nl")
    >>> section.title, section.blocks[0].text.split(".")[0]
    ('Opzet van het onderzoek', 'Niet-gerandomiseerde vergelijking')
    >>> [b.text.split(":")[0] for b in section.blocks[2:]]  # doctest: +NORMALIZE_WHITESPACE
    ['Eenheid van toewijzing', 'Toewijzing', 'Vergelijking', 'Primaire uitkomst',
     'Vertekening door de niet-gerandomiseerde toewijzing', 'Eenheid van analyse',
     'Ontbrekende gegevens']
    """
    primary = facts.primary.describe(lang)
    horizon = "" if facts.primary.within_months is not None else \
        text("design_horizon_as_of", lang, as_of=fmt_date(facts.as_of, lang))
    n_arms = len(words.arms)
    if n_arms == 1:
        allocation = text("design_allocation_single", lang,
                          arm=term_words(f"instruments={words.arms[0]}", lang, words))
    elif facts.allocation == "randomised":
        allocation = text("design_allocation_randomised", lang, stratum=words.stratum(lang),
                          multiples=" / ".join(str(m) for m in facts.block_multiples))
    else:
        allocation = text("design_allocation_assigned", lang, arm=words.arm(lang),
                          baseline=text("baseline", lang))
    lines = [*_opening(facts, words, lang),
             text(f"design_unit_{facts.unit}", lang), allocation, _comparison(words, lang),
             text("design_primary", lang, outcome=primary, horizon=horizon),
             _bias(facts, words, lang), text(f"design_analysis_{facts.unit}", lang),
             _missing(facts, words, lang)]
    return Section("design", text("design", lang), tuple(Paragraph(line) for line in lines))


def durable_line(facts: DesignFacts, lang: Language) -> Paragraph:
    """The definition of a durable placement, with the horizon the outcomes used.

    Examples
    --------
    >>> durable_line(DesignFacts.of(TrialDesign(durable_horizon_months=3)), "en").text[:60]
    'Durable placement: the first job a participant started after'
    """
    return Paragraph(text("durable_definition", lang,
                          months=_months(facts.durable_months, lang)))


def budget_line(facts: DesignFacts, lang: Language) -> Paragraph:
    """The savings framed as a budget impact: gross, without a counterfactual, an
    upper bound.

    Examples
    --------
    >>> budget_line(DesignFacts.of(TrialDesign()), "nl").text.split(".")[0]
    'Dit zijn begrotingscijfers voor de gemeente (budgetimpact), geen kosten-batenanalyse'
    """
    return Paragraph(text("budget_impact", lang,
                          eur="EUR " + fmt_number(facts.benefit_eur_month, lang, 2)))
