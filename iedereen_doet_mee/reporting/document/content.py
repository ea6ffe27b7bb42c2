"""What the funder report says: its sections, built from numbers already computed.

Every number shown comes from the records that ``results.json`` holds (after
disclosure control), so the report and the file always agree; a section whose
result is absent says why and the rest of the report stands.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from ...analysis.estimators import estimator_info
from ...analysis.questions import (
    QUESTIONS,
    SECTIONS,
    asked,
    missing_table,
    questions_in_section,
    section_title,
)
from ...analysis.target import target_met
from ..figures.estimates import REPORT_FIGURES
from ..figures.style import label
from ..forecast import ForecastFacts
from .answers import answer_blocks, groups_table, limits_blocks, record_ref
from .blocks import Block, Figure, Paragraph, Report, Section, Table
from .chain import chain_blocks
from .design_section import DesignFacts, budget_line, design_section, durable_line
from .extra_tables import (
    holm_section,
    merged_table,
    missing_section,
    steering_section,
    unit_note,
)
from .scale import no_interval, scale_note
from .term_words import code_names_table, term_words
from .texts import Language, fmt_date, fmt_number, fmt_p_value, fmt_percent, text
from .withheld_rows import results_table
from .wording import Wording

__all__ = ["ReportInputs", "build_document", "code_names", "estimator_words", "result_rows"]


@dataclasses.dataclass(frozen=True)
class ReportInputs:
    """Everything the sections draw on; numbers already through disclosure control."""

    name: str
    as_of: str
    interim: bool
    lang: Language
    threshold: int | None  # None: nothing suppressed (the internal report)
    target: float | None  # None: the design declares no target
    allocation: str
    records: pd.DataFrame
    skipped: dict[str, str]
    figures: dict[str, str]  # stem -> caption
    tables: dict[str, pd.DataFrame]  # formatted text tables by section key
    limitations: tuple[str, ...]
    provenance: tuple[tuple[str, str], ...]
    #: What the declared outcomes are and what is counted (the unit and denominator),
    #: one paragraph each, shown before the outcomes table.
    outcome_lines: tuple[str, ...] = ()
    #: The primary outcome in words when it is not the default (persons leaving benefit
    #: for regular work); the summary and the target section then speak of it.
    primary: str | None = None
    #: What the outcomes count: "person" or "household".
    unit: str = "person"
    #: The assumptions the programme-money figures rest on, one paragraph each.
    money_lines: tuple[str, ...] = ()
    #: Arms of the design: with one arm nothing is compared, so the comparisons'
    #: sections and sentences are left out.
    n_arms: int = 2
    #: The design's words: strata, arms, their labels and whether the ESF funds it
    #: (default: those of "Iedereen doet mee").
    wording: Wording = dataclasses.field(default_factory=Wording)
    #: Who the report is for: "public" (disclosure control) or "internal" (nothing
    #: suppressed; marked confidential on every page and opened by a paragraph saying so).
    audience: str = "public"
    #: Whether the data are simulated (the bundled synthetic trial): said on page 1.
    synthetic: bool = False
    #: Enrolment cohorts and how long they could be followed
    #: (:func:`~iedereen_doet_mee.reporting.tables.follow_up.follow_up_cohorts`).
    follow_up: pd.DataFrame | None = None
    #: The design as declared and as analysed, for the section on the study design, the
    #: definition of a durable placement and the budget framing of the savings (None:
    #: none of these is shown).
    design: DesignFacts | None = None
    #: Horizons in months by question (the survival analysis' tau), stated with the
    #: units under its table.
    horizons: dict[str, float] = dataclasses.field(default_factory=dict)
    #: The interim forecast's assumptions (None: a final report, no forecast section).
    forecast: ForecastFacts | None = None
    #: Each group's size as the CONSORT flow publishes it, by results term: the groups
    #: table on page 1 shows it where the row's own numbers are withheld.
    people_shown: dict[str, int] = dataclasses.field(default_factory=dict)
    #: Figures left out because all they would draw is withheld: stem -> caption.
    withheld_figures: dict[str, str] = dataclasses.field(default_factory=dict)
    #: The declared outcomes of kind ``ladder_step``, in words: the ladder section then
    #: points to the section that counts them.
    ladder_outcomes: tuple[str, ...] = ()
    #: The employer survey's answers run from 1 to this (the design's ``likert_points``;
    #: None: not known, nothing is said about the scale's ends).
    likert_points: int | None = None

    def table_note(self) -> str:
        """The note under every table: what is suppressed, or that nothing is."""
        if self.threshold is None:
            return text("table_note_internal", self.lang)
        return text("table_note", self.lang, threshold=self.threshold)


def _in_tables(estimator: str, term: str) -> bool:
    """Whether the report's tables show the row (registry: model internals stay in
    ``results.json``)."""
    info = estimator_info(estimator)
    return info.shown and not any(part in str(term) for part in info.internal_terms)


def _shown(value: Any, suppressed: bool, estimator: str, lang: Language, *,
           estimate: bool = False) -> str:
    """A number of a table row; an ``estimate`` that is a probability (scale
    "probability") reads "<0,001" rather than "0,000", as a p-value does."""
    if suppressed:
        return text("suppressed", lang)
    info = estimator_info(estimator)
    if estimate and info.scale == "probability":
        return fmt_p_value(value, lang, info.digits)
    return fmt_number(value, lang, info.digits)


def result_rows(records: pd.DataFrame, question: str, lang: Language,
                keep: Callable[[pd.Series], bool] | None = None,
                term: Callable[[str], str] = str) -> pd.DataFrame:
    """One question's records as a text table: term, estimator, estimate, interval, p, n.

    ``term`` turns a record's term into the text shown (default: as it is;
    :meth:`Wording.term` names the design's strata and arms). Records with an ``id``
    (the published ones) get it as the first column, to find each row in
    ``results.json`` and the workbook.

    Examples
    --------
    >>> frame = pd.DataFrame({"question": ["target"], "outcome": ["regular_work"],
    ...     "term": ["overall"], "estimator": ["proportion_wilson"], "estimate": [0.25],
    ...     "std_error": [0.04], "conf_low": [0.17], "conf_high": [0.35],
    ...     "p_value": [float("nan")], "n": [100], "suppressed": [False]})
    >>> result_rows(frame, "target", "nl").iloc[0].tolist()
    ['overall', 'aandeel met Wilson-interval', '0,250', '0,170 tot 0,350', '-', '100']
    """
    part = records[records["question"] == question]
    ids = "id" in part.columns
    rows = []
    for _, r in part.iterrows():
        if not _in_tables(r["estimator"], r["term"]):
            continue
        if keep is not None and not keep(r):
            continue
        hidden = bool(r.get("suppressed", False))
        low = _shown(r["conf_low"], hidden, r["estimator"], lang)
        high = _shown(r["conf_high"], hidden, r["estimator"], lang)
        interval = "-" if low == "-" else (low if hidden else
                                           f"{low} {'tot' if lang == 'nl' else 'to'} {high}")
        if no_interval(r) is not None:  # a mean of one answer (or equal ones): no interval
            interval = text("not_computable", lang)
        p = r["p_value"]
        estimate = _shown(r["estimate"], hidden, r["estimator"], lang, estimate=True)
        if estimate == "-" and pd.isna(r["p_value"]):
            # computed but without a value (no one at risk that late, a model that does
            # not converge); a test's row has its p-value and no estimate, and keeps "-"
            estimate = label("not_estimable", lang)
        rows.append(([str(r["id"])] if ids else []) + [
                     term(str(r["term"])), estimator_words(str(r["estimator"]), lang),
                     estimate,
                     interval,
                     text("suppressed", lang) if hidden else fmt_p_value(p, lang, 3),
                     text("suppressed", lang) if pd.isna(r["n"]) and hidden else
                     ("-" if pd.isna(r["n"]) else str(int(r["n"])))])
    columns = [text(k, lang) for k in ("term", "estimator", "estimate", "interval", "p_value",
                                       "n")]
    return pd.DataFrame(rows, columns=(["ID"] if ids else []) + columns)


def estimator_words(estimator: str, lang: Language) -> str:
    """An estimator's label from the registry (Dutch or English), "(Holm)" when its
    p-values are Holm-adjusted.

    Examples
    --------
    >>> estimator_words("proportion_clopper_pearson", "en")
    'share with exact confidence interval (Clopper-Pearson)'
    """
    info = estimator_info(estimator)
    words = info.nl if lang == "nl" else info.en
    return f"{words} (Holm)" if info.holm else words


def code_names(records: pd.DataFrame, lang: Language, wording) -> list[tuple[str, str]]:
    """Each estimator and term the report's tables show, in words and as code."""
    pairs = []
    for estimator, term in records[["estimator", "term"]].astype(str).itertuples(index=False):
        if estimator_info(estimator).kind and _in_tables(estimator, term):
            pairs.append((estimator_words(estimator, lang), estimator))
            pairs.append((term_words(term, lang, wording), term))
    return sorted(set(pairs), key=lambda pair: (pair[0].lower(), pair[1]))


def _record(records: pd.DataFrame, question: str, term: str, estimator: str
            ) -> pd.Series | None:
    hit = records[(records["question"] == question) & (records["term"] == term)
                  & (records["estimator"] == estimator)]
    return None if hit.empty else hit.iloc[0]


def summary_blocks(inputs: ReportInputs) -> list[Block]:
    """The funder's one-page summary: was the target met, with interval and probability;
    without a target, that there is none and the outflow achieved."""
    lang, target = inputs.lang, fmt_percent(inputs.target, inputs.lang, 0)
    share = _record(inputs.records, "target", "overall", "proportion_clopper_pearson")
    if share is None:
        return [Paragraph(text("not_available", lang, reason=inputs.skipped.get(
            "target", label("no_participants", lang))))]
    blocks: list[Block] = []
    if inputs.target is None:  # nothing is met or missed: say so, then the outflow
        blocks.append(Paragraph(text("no_target", lang), strong=True))
    if not bool(share.get("suppressed", False)) and math.isfinite(share["estimate"]):
        # the counts of the target row (estimate = x / n), decided by the target analysis'
        # own rule, as the design diagnosis decides on each simulated trial
        x, n = round(share["estimate"] * share["n"]), int(share["n"])
        prefix = "target" if inputs.primary is None else "primary"
        if inputs.target is not None:
            met = target_met(x, n, inputs.target)
            blocks.append(Paragraph(text(f"{prefix}_met" if met else f"{prefix}_not_met", lang,
                                         target=target, outcome=inputs.primary), strong=True))
        blocks.append(Paragraph(text(
            f"{prefix}_line", lang, x=x, n=n,
            share=fmt_percent(share["estimate"], lang),
            low=fmt_percent(share["conf_low"], lang), high=fmt_percent(share["conf_high"], lang),
            target=target, outcome=inputs.primary,
            units=text(f"units_{inputs.unit}", lang)) + record_ref(share)))
    else:
        blocks.append(Paragraph(text("not_available", lang, reason=text("suppressed", lang))))
    posterior = _record(inputs.records, "target", "overall", "jeffreys_posterior_prob_target_met")
    if posterior is not None and inputs.target is not None and \
            not bool(posterior.get("suppressed", False)):
        blocks.append(Paragraph(text("posterior_line", lang, target=target,
                                     prob=fmt_p_value(posterior["estimate"], lang, 3))
                                + record_ref(posterior)))
    if inputs.interim:
        blocks.append(Paragraph(text("interim_line", lang)))
    # that the groups were not randomised is said in the box below the answers
    return blocks


def _assigned_line(words: Wording, lang: Language) -> str | None:
    """The sentence on non-randomised allocation in the words of a design whose arms
    are not instruments yes / no (None: the default words)."""
    if words.instruments or words.treated_arm is None:
        return None
    return text("non_experimental_arms", lang, arm=words.arm(lang),
                treated=words.treated_arm or "/".join(words.arms[1:]),
                control=words.control_arm)


#: The paragraph that opens a section of a design counting households: the sections
#: that count households (``analysis.household_frame``) and those that still count persons.
_UNIT_SECTIONS = {"survival": "unit_section_household", "effects": "unit_section_household",
                  "ladder": "unit_section_household", "costs": "unit_section_household_costs",
                  "wage_value": "unit_section_person", "instruments": "unit_section_person",
                  "chain": "unit_section_person"}


def _design_lines(inputs: ReportInputs, key: str) -> list[Block]:
    """The definitions a section opens with: a durable placement (instruments), the
    savings as budget figures (costs; programme money when there is no costs section)."""
    facts = inputs.design
    if facts is None:
        return []
    if key == "instruments":
        return [durable_line(facts, inputs.lang)]
    if key == "costs" or (key == "money" and not _asked(inputs, "costs")):
        return [budget_line(facts, inputs.lang)]
    return []


def _effects_title(words: Wording, lang: Language) -> str | None:
    """The title of the section on effects for a design whose arms are not
    instruments yes / no or whose strata are not wage-value bands (``None``: the
    registry's title)."""
    if (words.bands and words.instruments) or words.treated_arm is None:
        return None
    one = "_one_stratum" if len(words.strata) == 1 else ""
    return text(f"effects_section{one}", lang, treated=words.treated_arm,
                control=words.control_arm, stratum=words.stratum(lang))


def _question_section(inputs: ReportInputs, key: str) -> Section:
    """A section of the question registry: each question's table (or why it is not
    answered), then the section's figures."""
    lang = inputs.lang
    title = section_title(key, lang, target=None if inputs.target is None else
                          fmt_percent(inputs.target, lang, 0))
    if key == "target" and inputs.primary is not None:
        title = text("primary_section" + ("_no_target" if inputs.target is None else ""),
                     lang, outcome=inputs.primary, target=None if inputs.target is None
                     else fmt_percent(inputs.target, lang, 0))
    if key == "effects":
        title = _effects_title(inputs.wording, lang) or title
    questions = [q.key for q in questions_in_section(key) if _question_shown(inputs, q)]
    stems = [stem for stem, figure in REPORT_FIGURES.items() if figure.section == key]
    blocks: list[Block] = []
    if inputs.unit == "household" and key in _UNIT_SECTIONS:
        blocks.append(Paragraph(text(_UNIT_SECTIONS[key], lang)))
    blocks += _design_lines(inputs, key)
    if key == "ladder":
        blocks.append(Paragraph(_ladder_line(inputs)))
    if key == "outcomes":
        blocks += [Paragraph(line) for line in inputs.outcome_lines]
    if key == "money":
        blocks += [Paragraph(line) for line in inputs.money_lines]
    def rows(question: str) -> pd.DataFrame:
        return result_rows(inputs.records, question, lang,
                           term=lambda t: term_words(t, lang, inputs.wording))

    for question in questions:
        if question in inputs.skipped or not (inputs.records["question"] == question).any():
            blocks.append(Paragraph(text("not_available", lang,
                                         reason=_why_not(inputs, question))))
            continue
        if question == "chain":  # a table per stage rather than the tidy rows
            blocks += chain_blocks(inputs.records, lang, inputs.table_note())
            continue
        part = label(f"question:{question}", lang, default=question)
        units = unit_note(question, lang, inputs.horizons)
        if question == "employers":  # intervals past the scale's ends, means without one
            units = scale_note(inputs.records, lang, inputs.likert_points,
                               lambda t: term_words(t, lang, inputs.wording))
        note = inputs.table_note() if units is None else f"{units} {inputs.table_note()}"
        if key == "wage_value" and set(questions) >= {"wage_value", "wage_value_within"}:
            # the models in one table, each term's rows together (issue 13 item 5)
            if question == "wage_value":
                shown = [q for q in ("wage_value", "wage_value_within")
                         if (inputs.records["question"] == q).any()
                         and q not in inputs.skipped]
                blocks.append(results_table(text("wage_value_table", lang),
                                             merged_table([rows(q) for q in shown]), note,
                                             lang))
                continue
            if (inputs.records["question"] == "wage_value").any() and \
                    "wage_value" not in inputs.skipped:
                continue  # its rows are in the table of "wage_value"
        blocks.append(results_table(title if len(questions) == 1 else f"{title}: {part}",
                                     rows(question), note, lang))
    blocks += [Figure(stem, inputs.figures[stem]) for stem in stems if stem in inputs.figures]
    blocks += [Paragraph(text("figure_withheld", lang, caption=inputs.withheld_figures[stem]))
               for stem in stems if stem in inputs.withheld_figures]
    return Section(key, title, tuple(blocks))


def _ladder_line(inputs: ReportInputs) -> str:
    """What the ladder section's shares count; when the design declares a ladder step
    as an outcome and the report has the section that counts it, where to find it (by
    that section's title)."""
    lang = inputs.lang
    line = text("ladder_denominator", lang)
    if inputs.ladder_outcomes and _asked(inputs, "outcomes"):
        line += " " + text("ladder_declared", lang, outcomes="; ".join(inputs.ladder_outcomes),
                           section=section_title("outcomes", lang))
    return line


def _why_not(inputs: ReportInputs, question: str) -> str:
    """Why ``question`` is not answered, in the report's language where the reason is
    known (a missing table; no result), else as the analysis gave it."""
    reason = inputs.skipped.get(question)
    if reason is None:
        return label("no_result", inputs.lang)
    needed = QUESTIONS[question].needs if question in QUESTIONS else None
    if needed is not None and reason == missing_table(QUESTIONS[question]):
        return label("missing_table", inputs.lang).format(table=needed)
    return reason


def _asked(inputs: ReportInputs, key: str) -> bool:
    """Whether the design asks any question of a section: a section whose questions
    all do not apply to the design (``Question.applies``, or comparisons of arms in a
    single-arm design) is left out, not shown as unavailable; one the design asks but the
    data cannot answer (a table is missing) is shown with the reason."""
    return any(_question_shown(inputs, q) for q in questions_in_section(key))


def _question_shown(inputs: ReportInputs, question) -> bool:
    """Whether the report shows ``question``: answered, or asked but unanswerable (its
    table is missing: shown with the reason); not when the design does not ask it."""
    return asked(question, inputs.n_arms, inputs.skipped) or (
        question.needs is not None
        and inputs.skipped.get(question.key) == missing_table(question))


def _table_section(inputs: ReportInputs, key: str, stems: tuple[str, ...] = ()) -> Section:
    lang = inputs.lang
    blocks: list[Block] = [Figure(s, inputs.figures[s]) for s in stems if s in inputs.figures]
    if key in inputs.tables:
        blocks.append(Table(text(key, lang), inputs.tables[key],
                            note=inputs.table_note()))
    else:
        blocks.append(Paragraph(text("not_available", lang,
                                     reason=inputs.skipped.get(key, label("no_data",
                                                                          lang)))))
    return Section(key, text(key, lang), tuple(blocks))


def _extra_sections(inputs: ReportInputs, sections: list[Section],
                    words: Callable[[str], str]) -> list[Section]:
    """The sections without a question of their own in the registry: the bounds for
    loss to follow-up and (interim) the forecast after the target's section, Holm's
    adjustment at the end."""
    lang, note = inputs.lang, inputs.table_note()
    def rows(question: str) -> pd.DataFrame:
        return result_rows(inputs.records, question, lang, term=words)

    after_target = [s for s in (
        missing_section(inputs.records, lang, rows, note, public=inputs.threshold is not None),
        steering_section(inputs.records, lang, inputs.forecast if inputs.interim else None,
                         inputs.as_of, inputs.target, note)) if s is not None]
    keys = [s.key for s in sections]
    at = keys.index("target") + 1 if "target" in keys else len(sections)
    out = [*sections[:at], *after_target, *sections[at:]]
    holm = holm_section(inputs.records, lang, words, note, outcome=inputs.primary)
    return out if holm is None else [*out, holm]


def build_document(inputs: ReportInputs) -> Report:
    """The whole report, section by section (CONSORT 2010 order, then ESF and limitations)."""
    lang = inputs.lang
    internal = inputs.audience == "internal"
    opening = [Paragraph(text("confidential_line" + ("" if inputs.wording.esf else "_no_esf"),
                              lang), strong=True)] if internal else []
    if inputs.synthetic:
        opening.append(Paragraph(text("synthetic_notice", lang), strong=True))
    # page 1 answers first: the target, each research question, the groups, and what
    # the study can and cannot say
    def words(term: str) -> str:
        return term_words(term, lang, inputs.wording)

    groups = groups_table(inputs.records, lang, inputs.target, words,
                          note=inputs.table_note(), primary=inputs.primary is not None,
                          people=inputs.people_shown)
    answers = (*summary_blocks(inputs), *answer_blocks(inputs.records, lang, words,
                                                       likert_points=inputs.likert_points),
               *([groups] if groups is not None else []),
               *limits_blocks(inputs.records, lang, allocation=inputs.allocation,
                              n_arms=inputs.n_arms, follow_up=inputs.follow_up,
                              assigned=_assigned_line(inputs.wording, lang)))
    sections = [Section("summary", text("summary", lang), (*opening, *answers)),
                _table_section(inputs, "consort", ("consort",)),
                _table_section(inputs, "baseline")]
    if inputs.design is not None:  # the design, after the groups it describes are shown
        sections.append(design_section(inputs.design, inputs.wording, lang))
    sections += [_question_section(inputs, key) for key in SECTIONS if _asked(inputs, key)]
    sections = _extra_sections(inputs, sections, words)
    if inputs.wording.esf:  # a programme the ESF does not fund has no ESF section
        sections.append(_table_section(inputs, "esf"))
    sections.append(Section("limitations", text("limitations", lang),
                            tuple(Paragraph(line) for line in inputs.limitations)))
    appendix = pd.DataFrame(list(inputs.provenance), columns=["", " "])
    names = code_names_table(code_names(inputs.records[inputs.records["question"].isin(
        [q for q in inputs.records["question"].unique() if q != "design_diagnosis"])],
        lang, inputs.wording), lang)
    sections.append(Section("appendix", text("appendix", lang),
                            (Table(text("appendix", lang), appendix),
                             Table(label("code_names_caption", lang), names))))
    title = text("interim_title" if inputs.interim else "title", lang, name=inputs.name)
    subtitle = text("subtitle" if inputs.wording.esf else "subtitle_no_esf", lang,
                    as_of=fmt_date(inputs.as_of, lang))
    if inputs.synthetic:  # announced on the title page
        subtitle = text("synthetic_subtitle", lang, subtitle=subtitle)
    # the development metadata (package, seed, hashes) are in the appendix only
    return Report(title, subtitle, lang, tuple(sections), (),
                  marking=text("confidential", lang) if internal else None)
