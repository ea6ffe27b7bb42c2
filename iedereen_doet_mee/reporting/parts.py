"""The numbers, tables and figures of the report, computed once: :func:`compute_parts`.

The funder report (:mod:`~iedereen_doet_mee.reporting.build`) and the analysis
pipeline (``analyses/build_all.py``) both call :func:`compute_parts`, so a figure or
table is built by the same code wherever it appears; :func:`write_artifacts` writes
every figure (SVG and PNG) and every table (CSV) of the report into a folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import analyse_trial
from ..analysis.estimators import disclosure_classes
from ..analysis.trial_analysis import TrialAnalysis
from ..data.loading import TrialData
from ..data.schema import TABLES
from ..diagnosis.for_report import diagnosis_for_report
from ..diagnosis.primary_precision import PrimaryPrecision, primary_outcome_precision
from .disclosure import DEFAULT_THRESHOLD, check_publishable, suppress_results, unsuppressed
from .disclosure.figure_data import protect_figure_data
from .document.texts import Language, text
from .document.wording import Wording
from .records import analysis_records, design_records, record_ids
from .tables.as_text import (
    baseline_text_table,
    consort_suppression,
    consort_text_table,
    esf_text_table,
)

__all__ = ["PUBLISHED_KEYS", "TOTAL_STEPS", "WITHHELD", "PublishedRowsMismatchError", "ReportParts",
           "allocated_shown", "as_published", "compute_parts", "save_figures", "write_artifacts"]

#: Steps of a report build, for the progress messages.
TOTAL_STEPS = 8


@dataclasses.dataclass(frozen=True)
class ReportParts:
    """Everything the report shows, after disclosure control, before it is written."""

    trial: TrialData
    analysis: TrialAnalysis
    as_of: dt.date
    diagnosis: Any
    mde: pd.Series | None
    diagnosis_unavailable: str | None
    records: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    esf_shown: pd.DataFrame
    figures: dict[str, Any]
    captions: dict[str, str]
    #: the diagnosis of a primary outcome other than regular work of persons
    primary_precision: PrimaryPrecision | None = None
    #: the people of each group (a results term) as the CONSORT flow publishes them
    #: (allocated, not hidden there); empty when the outcomes count households
    people_shown: dict[str, int] = dataclasses.field(default_factory=dict)
    #: figures left out because every number they would draw is withheld: stem -> caption
    withheld_figures: dict[str, str] = dataclasses.field(default_factory=dict)


def _identifiers(trial: TrialData) -> set[str]:
    """Every value of an identifier column of the data (the schema's columns of kind
    ``id``: participant, household and employer ids): none may reach an output."""
    ids: set[str] = set()
    for name, frame in trial.tables.items():
        for column in TABLES[name].columns:
            if column.kind == "id" and column.name in frame:
                ids |= {str(v) for v in frame[column.name].dropna().unique()}
    return ids

class PublishedRowsMismatchError(ValueError):
    """The published records and an analysis' tidy table do not hold the same rows."""


#: Keys that line up a result's row with its published record within a question; a
#: term and estimator that occur more than once are told apart by their order
#: (``occurrence``).
PUBLISHED_KEYS = ("term", "estimator", "occurrence")
#: Key of the extras that :func:`as_published` adds: which rows disclosure control hid.
WITHHELD = "withheld"
_NUMBERS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the keys of :data:`PUBLISHED_KEYS` as plain columns."""
    out = frame.reset_index(drop=True).copy()
    out["term"], out["estimator"] = out["term"].astype(str), out["estimator"].astype(str)
    out["occurrence"] = out.groupby(["term", "estimator"], sort=False).cumcount()
    return out


def _key_list(frame: pd.DataFrame) -> str:
    shown = [f"{t} | {e}" + (f" (#{o + 1})" if o else "")
             for t, e, o in frame[list(PUBLISHED_KEYS)].itertuples(index=False)]
    return ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")


def as_published(analysis: TrialAnalysis, records: pd.DataFrame) -> TrialAnalysis:
    """The analysis with each result's table as published: suppressed numbers missing.

    Each result's ``extras[WITHHELD]`` (``"withheld"``) says which rows were
    suppressed: columns ``term, estimator, withheld``, row for row as the table.
    Each row of a result is joined to its record (same question, term and estimator;
    a term and estimator that repeat within a question in the order they occur), so
    the figures show what the tables show.

    Raises
    ------
    PublishedRowsMismatchError
        When a result's row has no record, or a record of the question no row (a figure
        could otherwise show a number the tables hide), or ``records`` lacks the
        ``suppressed`` column.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import analyse_trial
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> from iedereen_doet_mee.reporting.records import analysis_records
    >>> analysis = analyse_trial(simulate_trial(seed=1), n_draws=50, n_bootstrap=50)
    >>> records = analysis_records(analysis).assign(suppressed=False)
    >>> records.loc[0, "suppressed"] = True
    >>> published = as_published(analysis, records).results[records.loc[0, "question"]]
    >>> bool(published.table.loc[0, ["estimate", "conf_low"]].isna().all())
    True
    >>> published.extras["withheld"]["withheld"].tolist()[:2]
    [True, False]
    >>> try:
    ...     as_published(analysis, records.drop(index=1))
    ... except PublishedRowsMismatchError as error:
    ...     print(error)
    question 'target': rows of the analysis without a published record: overall | proportion_wilson
    """
    if "suppressed" not in records.columns:
        raise PublishedRowsMismatchError("as_published: the records have no 'suppressed' "
                                         "column; pass them through suppress_results first")
    results = {}
    for question, result in analysis.results.items():
        table = _keyed(result.table)
        rows = _keyed(records[records["question"] == question])
        joined = table[list(PUBLISHED_KEYS)].merge(
            rows[[*PUBLISHED_KEYS, "suppressed"]], on=list(PUBLISHED_KEYS), how="outer",
            indicator=True, sort=False)
        for side, what in (("left_only", "rows of the analysis without a published record"),
                           ("right_only", "published records without a row of the analysis")):
            lost = joined[joined["_merge"] == side]
            if len(lost):
                raise PublishedRowsMismatchError(f"question {question!r}: {what}: "
                                                 f"{_key_list(lost)}")
        hidden = table[list(PUBLISHED_KEYS)].merge(
            rows[[*PUBLISHED_KEYS, "suppressed"]], on=list(PUBLISHED_KEYS), how="left",
            validate="one_to_one")["suppressed"].to_numpy(dtype=bool)
        shown = result.table.reset_index(drop=True)
        shown.loc[hidden, list(_NUMBERS)] = float("nan")
        # which rows are withheld, row for row, so a figure says "afgeschermd" where
        # disclosure control hid a number and "niet schatbaar" only where none exists
        withheld = shown[["term", "estimator"]].assign(withheld=hidden)
        results[question] = dataclasses.replace(
            result, table=shown, extras={**result.extras, WITHHELD: withheld})
    return dataclasses.replace(analysis, results=results)

def compute_parts(trial: TrialData, *, as_of: dt.date | str | None = None,
                  lang: Language = "nl", seed: int, threshold: int | None,
                  n_draws: int = 2000, n_bootstrap: int = 2000, diagnosis_sims: int = 2000,
                  log: Callable[[str], None] = lambda _: None) -> ReportParts:
    """Analyse, diagnose, count, suppress and draw: steps 2 to 6 of the report build.

    ``threshold`` None is the internal report: nothing is suppressed anywhere (results,
    CONSORT, baseline, ESF and, since they are drawn from these, the figures); the guard
    against identifiers runs all the same.
    """
    from .figures.estimates import report_figures
    from .figures.over_time import drawn_grouping, withheld_curves
    from .tables.baseline import baseline_long
    from .tables.baseline_suppression import baseline_suppression
    from .tables.consort import consort_counts, consort_figure
    from .tables.esf import esf_indicators
    from .tables.esf_suppression import baseline_overall

    design = trial.design
    log(f"[2/{TOTAL_STEPS}] analysing every research question")
    analysis = analyse_trial(trial, as_of=as_of, seed=seed, n_draws=n_draws,
                             n_bootstrap=n_bootstrap)
    as_of = analysis.outcomes.as_of
    log(f"[3/{TOTAL_STEPS}] diagnosing the design (power, minimum detectable effect)")
    diagnosis, mde, why_not = diagnosis_for_report(design, diagnosis_sims, seed)
    precision = None if why_not is not None else primary_outcome_precision(design, seed=seed)
    if precision is not None and diagnosis is not None:
        # the simulation diagnoses regular work: its chance of meeting the target is not
        # the primary outcome's, which the precision states instead
        diagnosis = dataclasses.replace(diagnosis, target_met=None)
    log(f"[4/{TOTAL_STEPS}] CONSORT flow, baseline table, ESF indicators")
    counts = consort_counts(trial, as_of=as_of)
    consort_hidden = consort_suppression(counts, threshold)
    shown_threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    long = baseline_long(trial, as_of=as_of)
    compared = not design.is_single_arm
    # the ESF table counts the baseline's people again: it withholds what the baseline
    # table withholds, and takes what that table prints as known to the reader
    protection = None if threshold is None else baseline_suppression(long, threshold,
                                                                     compared=compared)
    tables = {"consort": consort_text_table(counts, consort_hidden, lang,
                                            threshold=shown_threshold),
              "baseline": baseline_text_table(long, threshold, lang, compared=compared,
                                              protection=protection)}
    tables["esf"], esf_shown = esf_text_table(
        esf_indicators(trial, as_of=as_of), threshold, lang,
        baseline=baseline_overall(long, protection))
    log(f"[5/{TOTAL_STEPS}] disclosure control of every result")
    found = analysis_records(analysis)
    classes = disclosure_classes(found["estimator"])
    shown = unsuppressed(found) if threshold is None else \
        suppress_results(found, threshold=threshold, **classes)
    records = pd.concat([shown, design_records(diagnosis, mde, precision)],
                        ignore_index=True)
    identifiers = _identifiers(trial)
    for name, frame in {**tables, "records": records, "esf": esf_shown}.items():
        check_publishable(frame, name=name, identifiers=identifiers,
                          allow=("term", "estimator", "n", "estimate"))
    # every published number can be looked up: the report shows the ID of its record,
    # which results.json and the workbook's results sheet carry too (made here, after the
    # guard: an ID is the record's place, never a value from the data)
    records.insert(0, "id", record_ids(len(records)))
    log(f"[6/{TOTAL_STEPS}] drawing the figures")
    # a primary outcome other than the default names the target figure and its caption
    primary = None if analysis.primary_outcome is None else design.primary.describe(lang)
    figures = {"consort": consort_figure(counts, lang=lang, suppressed=consort_hidden,
                                         threshold=shown_threshold, primary=primary)}
    words = Wording.of(design)
    arms_compared = None if words.instruments or words.treated_arm is None else \
        (words.treated_arm, words.control_arm)
    # figures draw the published rows and, where they draw more (curves, numbers at
    # risk, the ladder's transitions), that too as a public report may show it
    published = protect_figure_data(as_published(analysis, records), threshold)
    figures.update(report_figures(published, lang=lang,
                                  primary=primary, outcome_names={
                                      o.name: o.describe(lang) for o in design.outcomes},
                                  arms_compared=arms_compared,
                                  stratum=None if words.bands else design.stratum_label,
                                  unit=design.unit))
    # without a target the outflow figure draws none, and its caption names none
    untargeted = {"outflow_target"} if design.target_outflow is None else set()
    captions = {stem: text(f"fig_{stem}" + ("_no_target" if stem in untargeted else ""), lang)
                for stem in figures}
    if design.unit == "household" and "costs" in captions:
        captions["costs"] = text("fig_costs_household", lang)
    if primary is not None and "outflow_target" in captions:
        captions["outflow_target"] = text(
            "fig_primary" + ("_no_target" if untargeted else ""), lang, outcome=primary)
    captions.update(_design_captions(design, lang, set(captions)))
    survival = published.results.get("survival")
    if "kaplan_meier" in captions and survival is not None:
        # disclosure control may leave a coarser grouping than the cells to draw: the
        # caption names the curves drawn
        grouping = drawn_grouping(survival)
        if grouping == "overall" and not withheld_curves(survival, "kaplan_meier"):
            grouping = "total"  # nothing withheld: the design has no groups to draw
        if grouping != "cells":
            captions["kaplan_meier"] = text(f"fig_kaplan_meier_{grouping}", lang,
                                            stratum=Wording.of(design).stratum(lang))
    people = {} if design.unit != "person" else allocated_shown(counts, consort_hidden)
    withheld = _drop_withheld_figures(figures, captions, records)
    return ReportParts(trial, analysis, as_of, diagnosis, mde, why_not, records, tables,
                       esf_shown, figures, captions, precision, people, withheld)


#: Figures that draw only the records of their question (estimates and intervals), and
#: the term they leave out (the costs figure draws the arms and their difference, not
#: the total).
_RECORD_FIGURES = {"outflow_target": None, "instrument_effects": None, "costs": "overall"}


def _drop_withheld_figures(figures: dict[str, Any], captions: dict[str, str],
                           records: pd.DataFrame) -> dict[str, str]:
    """Take out the figures whose question has no record to draw (every one withheld, as
    in a public report of a small trial, or without a value): they would show empty
    panels marked "afgeschermd". Returns their captions by stem; the report says in
    their place that the figure is left out."""
    import matplotlib.pyplot as plt

    from .figures.estimates import REPORT_FIGURES

    withheld = {}
    for stem in list(figures):
        # the curves and the ladder draw tables of their own, protected as figure data
        # (pooled steps, numbers at risk), not the records of their question
        if stem not in _RECORD_FIGURES or "suppressed" not in records:
            continue
        rows = records[(records["question"] == REPORT_FIGURES[stem].question)
                       & (records["term"].astype(str) != str(_RECORD_FIGURES[stem]))]
        drawn = ~rows["suppressed"].astype(bool) & pd.to_numeric(
            rows["estimate"], errors="coerce").notna()
        if len(rows) and not drawn.any():  # withheld, or without a value to draw
            plt.close(figures.pop(stem))
            withheld[stem] = captions.pop(stem)
    return withheld


def allocated_shown(counts, hidden: dict[tuple[str, str, str], str | None]
                    ) -> dict[str, int]:
    """The allocated people per group that the CONSORT flow shows, keyed by the term of
    the results (``overall``, ``band=...``, ``instruments=...``, ``band=...:instruments=...``).

    A results row over a group can be withheld for its small outflow while the group's
    size is published in the flow diagram; the groups table on page 1 then shows that
    same published size rather than "withheld" (no number the report does not already
    show).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> from iedereen_doet_mee.reporting.tables.consort import consort_counts
    >>> counts = consort_counts(simulate_trial(seed=1))
    >>> shown = allocated_shown(counts, consort_suppression(counts, 10))
    >>> shown["overall"], shown["band=40-60:instruments=no"]
    (100, 25)
    """
    from .tables.consort import ALL

    table = counts.table
    out = {}
    for row in table[(table["count"] == "allocated") & table["n"].notna()].itertuples():
        if hidden.get(("allocated", row.band, row.instruments)) is not None:
            continue
        pairs = [f"{k}={v}" for k, v in (("band", row.band), ("instruments", row.instruments))
                 if v != ALL]
        out[":".join(pairs) or "overall"] = int(row.n)
    return out


def _design_captions(design, lang: Language, stems: set[str]) -> dict[str, str]:
    """Captions that name wage-value bands or instruments, in the words of a design
    whose strata are not bands or whose arms are not instruments yes / no."""
    words = Wording.of(design)
    captions = {}
    if not words.bands:
        captions.update({stem: text(f"fig_{stem}_groups", lang)
                         for stem in ("kaplan_meier", "wage_value") if stem in stems})
    if not words.instruments and words.treated_arm is not None \
            and "instrument_effects" in stems:
        captions["instrument_effects"] = text("fig_instrument_effects_arms", lang,
                                              treated=words.treated_arm,
                                              control=words.control_arm)
    return captions


def save_figures(parts: ReportParts, directory: Path) -> dict[str, str]:
    """Every figure as SVG and PNG in ``directory``; file name -> SHA-256."""
    from .figures.files import save_figure

    written: dict[str, str] = {}
    for stem, figure in parts.figures.items():
        written.update(save_figure(figure, directory, stem))
    return written


def write_artifacts(parts: ReportParts, directory: str | Path) -> dict[str, str]:
    """Every figure (``figures/``) and table (``tables/``, CSV) of the report.

    Returns
    -------
    dict of str to str
        Path relative to ``directory`` -> SHA-256 of the file, sorted by path.
    """
    directory = Path(directory)
    written = {f"figures/{name}": digest
               for name, digest in save_figures(parts, directory / "figures").items()}
    tables = {**parts.tables, "esf_indicators": parts.esf_shown,
              "results": parts.records.drop(columns=["suppression"], errors="ignore")}
    (directory / "tables").mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        (directory / "tables" / f"{name}.csv").write_bytes(data)
        written[f"tables/{name}.csv"] = hashlib.sha256(data).hexdigest()
    return dict(sorted(written.items()))
