"""Build the funder report folder: :func:`build_report`.

Steps: validate and load the data; analyse every research question; diagnose the
design for the limitations; count the CONSORT flow, the baseline table and the ESF
indicators; apply disclosure control; draw the figures; write ``results.json``,
``indicators.xlsx``, ``report.html`` and ``report.pdf``. Everything is written to a
staging folder beside the target and moved into place only when every step has
succeeded, so a failed run leaves any previous report untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import analyse_trial
from ..data.loading import TrialData, load_trial
from ..data.validation import check_trial_directory
from ..errors import TrialDataError
from ..provenance import environment_versions
from ..simulation.directory import simulate_to_directory
from ..simulation.simulate import DEFAULT_SEED
from .content import ReportInputs, build_document
from .disclosure import DEFAULT_THRESHOLD, check_publishable, check_threshold, suppress_results
from .html import render_html
from .records import RECORD_FIELDS, analysis_records, records_to_json
from .report_tables import (
    baseline_text_table,
    consort_suppression,
    consort_text_table,
    design_records,
    esf_text_table,
    limitations,
    record_classes,
)
from .texts import Language, text
from .typst_pdf import render_pdf
from .workbook import write_workbook

__all__ = ["ReportSettings", "build_report"]

BUNDLED = "the bundled synthetic trial (data/synthetic, seed 20140701)"


@dataclasses.dataclass(frozen=True)
class ReportSettings:
    """The options of ``python -m iedereen_doet_mee.report``."""

    data: Path | None = None
    design: Path | None = None
    out: Path = Path("report")
    as_of: str | None = None
    lang: Language = "nl"
    seed: int = DEFAULT_SEED
    suppress_below: int = DEFAULT_THRESHOLD
    n_draws: int = 2000
    n_bootstrap: int = 2000
    diagnosis_sims: int = 2000


def _git_commit() -> str | None:
    """The commit of the package's source tree, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _load(settings: ReportSettings, scratch: Path) -> tuple[TrialData, str]:
    if settings.data is None:
        directory = scratch / "synthetic"
        simulate_to_directory(directory, seed=DEFAULT_SEED)
        (directory / "manifest.json").unlink()  # facts about the run, not an input table
        source = BUNDLED
    else:
        directory, source = Path(settings.data), str(settings.data)
    checked = check_trial_directory(directory, design=settings.design)
    if not checked.report.is_valid:
        raise TrialDataError(checked.report)
    return load_trial(directory, design=settings.design), source


def _provenance(trial: TrialData, settings: ReportSettings, as_of: dt.date,
                source: str) -> list[tuple[str, str]]:
    from .. import __version__

    rows = [("package", f"iedereen_doet_mee {__version__}"),
            ("git_commit", _git_commit() or "none"),
            ("design", trial.design.name), ("as_of", as_of.isoformat()),
            ("seed", str(settings.seed)), ("input", source),
            ("suppress_below", str(settings.suppress_below))]
    rows += [(f"version {name}", version) for name, version in environment_versions().items()]
    rows += [(f"sha256 {name}", digest) for name, digest in sorted(trial.checksums.items())]
    return rows


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


def _minimum_detectable_effect(design, settings: ReportSettings) -> pd.Series | None:
    """MDE at 80% power of the block-weighted risk difference, the design as declared."""
    from ..diagnosis.redesign import minimum_detectable_effect, redesign

    if len(design.arms) != 2:
        return None
    grid = {"effect": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]}
    frame = redesign(design, grid=grid, sims=settings.diagnosis_sims, seed=settings.seed)
    return minimum_detectable_effect(frame).iloc[0]


def _steps(settings: ReportSettings, log: Callable[[str], None], staging: Path,
           scratch: Path) -> None:
    from ..diagnosis.diagnose import diagnose_design
    from .baseline_table import baseline_long
    from .consort import consort_counts, consort_figure
    from .esf_indicators import esf_indicators
    from .figures import save_figure
    from .plots import report_figures

    lang, threshold = settings.lang, settings.suppress_below
    total = 8
    log(f"[1/{total}] validating and loading the data")
    trial, source = _load(settings, scratch)
    design = trial.design
    log(f"[2/{total}] analysing every research question")
    analysis = analyse_trial(trial, as_of=settings.as_of, seed=settings.seed,
                             n_draws=settings.n_draws, n_bootstrap=settings.n_bootstrap)
    as_of = analysis.outcomes.as_of
    log(f"[3/{total}] diagnosing the design (power, minimum detectable effect)")
    diagnosis = diagnose_design(design, sims=settings.diagnosis_sims, seed=settings.seed)
    mde = _minimum_detectable_effect(design, settings)
    log(f"[4/{total}] CONSORT flow, baseline table, ESF indicators")
    counts = consort_counts(trial, as_of=as_of)
    consort_hidden = consort_suppression(counts, threshold)
    tables = {"consort": consort_text_table(counts, consort_hidden, lang),
              "baseline": baseline_text_table(baseline_long(trial, as_of=as_of), threshold,
                                              lang)}
    esf = esf_indicators(trial, as_of=as_of)
    tables["esf"], esf_shown = esf_text_table(esf, threshold, lang)
    log(f"[5/{total}] disclosure control of every result")
    found = analysis_records(analysis)
    records = pd.concat([suppress_results(found, threshold=threshold, **record_classes(found)),
                         design_records(diagnosis, mde)], ignore_index=True)
    log(f"[6/{total}] drawing the figures")
    figures_dir = staging / "figures"
    figures_dir.mkdir()
    figures = {"consort": consort_figure(counts, lang=lang, suppressed=consort_hidden)}
    figures.update(report_figures(_as_published(analysis, records), lang=lang))
    captions = {}
    for stem, figure in figures.items():
        save_figure(figure, figures_dir, stem)
        captions[stem] = text(f"fig_{stem}", lang)
    log(f"[7/{total}] writing results.json and indicators.xlsx")
    identifiers = _identifiers(trial)
    for name, frame in {**tables, "records": records, "esf": esf_shown}.items():
        check_publishable(frame, name=name, identifiers=identifiers,
                          allow=("term", "estimator", "n", "estimate"))
    provenance = _provenance(trial, settings, as_of, source)
    header = {"design": design.name, "allocation": design.allocation,
              "as_of": as_of.isoformat(), "seed": settings.seed, "language": lang,
              "suppress_below": threshold, "provenance": dict(provenance)}
    # the suppression reason is left out: "primary" would tell a reader the count is small
    columns = [*RECORD_FIELDS, "suppressed"]
    results = {"header": header, "records": records_to_json([records[columns]])}
    (staging / "results.json").write_text(json.dumps(results, indent=1, sort_keys=False,
                                                     allow_nan=False) + "\n", encoding="utf-8")
    write_workbook(staging / "indicators.xlsx", {"esf_indicators": esf_shown,
                                                "results": records[columns]})
    log(f"[8/{total}] writing report.html and report.pdf")
    inputs = ReportInputs(
        name=design.name, as_of=as_of.isoformat(), interim=as_of < design.cutoff, lang=lang,
        threshold=threshold, target=design.target_outflow, allocation=design.allocation,
        records=records, skipped=analysis.skipped, figures=captions, tables=tables,
        limitations=limitations(diagnosis, mde, design, lang), provenance=tuple(provenance))
    document = build_document(inputs)
    (staging / "report.html").write_text(render_html(document, figures_dir), encoding="utf-8")
    (staging / "report.pdf").write_bytes(render_pdf(document, staging))


def _swap_in(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; an existing ``out`` is replaced only at the very end."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        if old.exists():
            os.replace(old, out)
        raise
    if old.exists():
        shutil.rmtree(old)


def build_report(settings: ReportSettings, *, log: Callable[[str], None] = lambda _: None
                 ) -> Path:
    """Build the report folder ``settings.out``; returns its path.

    Raises
    ------
    TrialDataError
        When the data do not validate (nothing is written).
    """
    check_threshold(settings.suppress_below)
    out = Path(settings.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            _steps(settings, log, staging, Path(scratch))
        _swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out


def read_results(path: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """Header and records of a report's ``results.json`` (for notebooks and tests)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["header"], pd.DataFrame(data["records"])
