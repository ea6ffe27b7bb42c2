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
from ..diagnosis.for_report import diagnosis_for_report
from .disclosure import check_publishable, suppress_results
from .document.texts import Language, text
from .records import analysis_records
from .tables.as_text import (
    baseline_text_table,
    consort_suppression,
    consort_text_table,
    design_records,
    esf_text_table,
)

__all__ = ["TOTAL_STEPS", "ReportParts", "compute_parts", "save_figures", "write_artifacts"]

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


def _identifiers(trial: TrialData) -> set[str]:
    """Every participant and employer id of the data: none may reach an output."""
    ids = set(trial.participants["participant_id"].astype(str))
    for name in ("employment", "employer_survey"):
        table = trial.table(name)
        if table is not None and "employer_id" in table:
            ids |= set(table["employer_id"].dropna().astype(str))
    return ids

def _as_published(analysis, records: pd.DataFrame):
    """The analysis with each result's table replaced by its rows after disclosure
    control (suppressed numbers missing), so the figures show what the tables show."""
    results = {}
    for question, result in analysis.results.items():
        rows = records[records["question"] == question].reset_index(drop=True)
        table = result.table.reset_index(drop=True).copy()
        if len(rows) == len(table) and "suppressed" in rows:
            hidden = rows["suppressed"].to_numpy(dtype=bool)
            for column in ("estimate", "std_error", "statistic", "p_value", "conf_low",
                           "conf_high"):
                table.loc[hidden, column] = float("nan")
        results[question] = dataclasses.replace(result, table=table)
    return dataclasses.replace(analysis, results=results)

def compute_parts(trial: TrialData, *, as_of: dt.date | str | None = None,
                  lang: Language = "nl", seed: int, threshold: int, n_draws: int = 2000,
                  n_bootstrap: int = 2000, diagnosis_sims: int = 2000,
                  log: Callable[[str], None] = lambda _: None) -> ReportParts:
    """Analyse, diagnose, count, suppress and draw: steps 2 to 6 of the report build."""
    from .figures.estimates import report_figures
    from .tables.baseline import baseline_long
    from .tables.consort import consort_counts, consort_figure
    from .tables.esf import esf_indicators

    design = trial.design
    log(f"[2/{TOTAL_STEPS}] analysing every research question")
    analysis = analyse_trial(trial, as_of=as_of, seed=seed, n_draws=n_draws,
                             n_bootstrap=n_bootstrap)
    as_of = analysis.outcomes.as_of
    log(f"[3/{TOTAL_STEPS}] diagnosing the design (power, minimum detectable effect)")
    diagnosis, mde, why_not = diagnosis_for_report(design, diagnosis_sims, seed)
    log(f"[4/{TOTAL_STEPS}] CONSORT flow, baseline table, ESF indicators")
    counts = consort_counts(trial, as_of=as_of)
    consort_hidden = consort_suppression(counts, threshold)
    tables = {"consort": consort_text_table(counts, consort_hidden, lang),
              "baseline": baseline_text_table(baseline_long(trial, as_of=as_of), threshold,
                                              lang)}
    tables["esf"], esf_shown = esf_text_table(esf_indicators(trial, as_of=as_of), threshold,
                                              lang)
    log(f"[5/{TOTAL_STEPS}] disclosure control of every result")
    found = analysis_records(analysis)
    classes = disclosure_classes(found["estimator"])
    records = pd.concat([suppress_results(found, threshold=threshold, **classes),
                         design_records(diagnosis, mde)], ignore_index=True)
    identifiers = _identifiers(trial)
    for name, frame in {**tables, "records": records, "esf": esf_shown}.items():
        check_publishable(frame, name=name, identifiers=identifiers,
                          allow=("term", "estimator", "n", "estimate"))
    log(f"[6/{TOTAL_STEPS}] drawing the figures")
    figures = {"consort": consort_figure(counts, lang=lang, suppressed=consort_hidden)}
    figures.update(report_figures(_as_published(analysis, records), lang=lang))
    captions = {stem: text(f"fig_{stem}", lang) for stem in figures}
    return ReportParts(trial, analysis, as_of, diagnosis, mde, why_not, records, tables,
                       esf_shown,
                       figures, captions)


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
