"""Build the funder report folder: :func:`build_report`.

Steps: validate and load the data; analyse every research question; diagnose the
design for the limitations; count the CONSORT flow, the baseline table and the ESF
indicators; apply disclosure control; draw the figures; write ``results.json``,
``indicators.xlsx``, ``report.html`` and ``report.pdf``. An internal report
(``audience="internal"``, :mod:`~iedereen_doet_mee.reporting.disclosure.audience`)
skips the suppression, keeps the guard against identifiers and marks every page, the
workbook and ``results.json`` as confidential. Everything is written to a
staging folder and moved into place only when every step has succeeded, so a failed
run leaves any previous report untouched; a folder holding files the package did not
write is refused (:mod:`~iedereen_doet_mee.output_folder`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.survival import HORIZON
from ..data.loading import TrialData, load_trial
from ..design.trial_design import TrialDesign
from ..output_folder import output_folder
from ..provenance import REPORT_LIBRARIES, environment_versions
from ..seeds import DEFAULT_SEED
from ..simulation.directory import simulate_to_directory
from .disclosure import (
    DEFAULT_THRESHOLD,
    Audience,
    check_audience,
    check_publishable,
    check_threshold,
)
from .document.content import ReportInputs, build_document
from .document.design_section import DesignFacts
from .document.html import render_html
from .document.limitations import limitations, primary_precision_line
from .document.pdf import render_pdf
from .document.texts import Language, fmt_number, text
from .document.wording import Wording
from .document.workbook import write_workbook
from .document.workbook_sheets import provenance_label, workbook_sheets
from .forecast import interim_forecast
from .parts import TOTAL_STEPS, ReportParts, compute_parts, save_figures
from .records import RECORD_FIELDS, record_ids, records_to_json
from .tables.follow_up import follow_up_cohorts

__all__ = ["ReportSettings", "build_report"]

BUNDLED = "the bundled synthetic trial (data/synthetic, seed 20140701)"


@dataclasses.dataclass(frozen=True)
class ReportSettings:
    """The options of ``python -m iedereen_doet_mee.report``.

    ``suppress_below`` None is the audience's default: 10 for ``audience="public"``;
    an ``"internal"`` report suppresses nothing and takes no threshold.

    Examples
    --------
    >>> ReportSettings().threshold, ReportSettings(audience="internal").threshold
    (10, None)
    >>> ReportSettings(audience="internal", suppress_below=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: option suppress_below=5 does not apply to audience='internal', ...
    """

    data: Path | None = None
    design: Path | None = None
    out: Path = Path("report")
    as_of: str | None = None
    lang: Language = "nl"
    seed: int = DEFAULT_SEED
    suppress_below: int | None = None
    n_draws: int = 2000
    n_bootstrap: int = 2000
    diagnosis_sims: int = 2000
    audience: Audience = "public"

    def __post_init__(self) -> None:
        check_audience(self.audience)
        if self.audience == "internal" and self.suppress_below is not None:
            raise ValueError(f"option suppress_below={self.suppress_below!r} does not apply to "
                             "audience='internal', which suppresses nothing; leave it out")
        if self.suppress_below is not None:
            check_threshold(self.suppress_below)

    @property
    def threshold(self) -> int | None:
        """Counts below it are suppressed; None: nothing is (the internal report)."""
        if self.audience == "internal":
            return None
        return DEFAULT_THRESHOLD if self.suppress_below is None else self.suppress_below


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
    # load_trial validates and raises TrialDataError with every problem when the data
    # are invalid (validating first as well cost a second pass: 13 s at 100,000)
    return load_trial(directory, design=settings.design), source


def _shown_provenance(items: list[tuple[str, str]], lang: Language
                      ) -> tuple[tuple[str, str], ...]:
    """The provenance as the report's appendix shows it: each item named in words, the
    bundled input, the audience and "none" in the report's language (``results.json``
    and the workbook keep the code names and values)."""
    values = {("input", BUNDLED): text("bundled_input", lang),
              ("audience", "internal"): text("audience_internal", lang),
              ("audience", "public"): text("audience_public", lang),
              ("suppress_below", "none"): text("nothing_withheld_value", lang)}
    return tuple((provenance_label(k, lang), values.get((k, v), v)) for k, v in items)


def _provenance(trial: TrialData, settings: ReportSettings, as_of: dt.date,
                source: str) -> list[tuple[str, str]]:
    from ..version import __version__

    rows = [("package", f"iedereen_doet_mee {__version__}"),
            ("git_commit", _git_commit() or "none"),
            ("design", trial.design.name), ("as_of", as_of.isoformat()),
            ("seed", str(settings.seed)), ("input", source)]
    if settings.threshold is None:  # a public report's lines stay as they were
        rows += [("audience", settings.audience), ("suppress_below", "none")]
    else:
        rows.append(("suppress_below", str(settings.threshold)))
    rows += [(f"version {name}", version)
             for name, version in environment_versions(REPORT_LIBRARIES).items()]
    rows += [(f"sha256 {name}", digest) for name, digest in sorted(trial.checksums.items())]
    return rows


def _steps(settings: ReportSettings, log: Callable[[str], None], staging: Path,
           scratch: Path) -> None:
    lang, threshold = settings.lang, settings.threshold
    log(f"[1/{TOTAL_STEPS}] validating and loading the data")
    trial, source = _load(settings, scratch)
    parts = compute_parts(trial, as_of=settings.as_of, lang=lang, seed=settings.seed,
                          threshold=threshold, n_draws=settings.n_draws,
                          n_bootstrap=settings.n_bootstrap,
                          diagnosis_sims=settings.diagnosis_sims, log=log)
    design, as_of, records = trial.design, parts.as_of, parts.records
    forecast = None
    if as_of < design.cutoff:  # an interim report: is the project on track?
        steering, forecast = interim_forecast(trial, as_of, seed=settings.seed,
                                              threshold=threshold)
        check_publishable(steering, name="steering",
                          allow=("term", "estimator", "n", "estimate"))
        records = pd.concat([records, steering], ignore_index=True)
        records["id"] = record_ids(len(records))  # the forecast's records continue the IDs
    figures_dir = staging / "figures"
    save_figures(parts, figures_dir)
    log(f"[7/{TOTAL_STEPS}] writing results.json and indicators.xlsx")
    provenance = _provenance(trial, settings, as_of, source)
    header = {"design": design.name, "allocation": design.allocation,
              "as_of": as_of.isoformat(), "seed": settings.seed, "language": lang,
              "audience": settings.audience, "suppress_below": threshold,
              "provenance": dict(provenance)}
    # the suppression reason is left out: "primary" would tell a reader the count is small
    columns = ["id", *RECORD_FIELDS, "suppressed"]
    results = {"header": header, "records": records_to_json([records[columns]])}
    (staging / "results.json").write_text(json.dumps(results, indent=1, sort_keys=False,
                                                     allow_nan=False) + "\n", encoding="utf-8")
    # the workbook: the published ESF table and records, headers in the report's
    # language, the provenance of results.json and a map of labels to code names; an
    # internal workbook opens with a sheet that marks it confidential
    sheets: dict[str, Any] = _marking_sheet(lang, design.esf) if threshold is None else {}
    sheets.update(workbook_sheets(records[columns], parts.esf_shown if design.esf else None,
                                  provenance, lang, tables={
                                      name: parts.tables[name] for name in
                                      ("consort", "baseline") if name in parts.tables}))
    write_workbook(staging / "indicators.xlsx", sheets)
    log(f"[8/{TOTAL_STEPS}] writing report.html and report.pdf")
    inputs = ReportInputs(
        name=design.name, as_of=as_of.isoformat(), interim=as_of < design.cutoff, lang=lang,
        threshold=threshold, target=design.target_outflow, allocation=design.allocation,
        records=records, skipped=parts.analysis.skipped, figures=parts.captions,
        tables=parts.tables, limitations=_limitations(parts, design, lang),
        provenance=_shown_provenance(provenance, lang), outcome_lines=_outcome_lines(design, lang),
        primary=None if parts.analysis.primary_outcome is None else
        design.primary.describe(lang), unit=design.unit,
        money_lines=_money_lines(design, lang), n_arms=len(design.arms),
        wording=Wording.of(design), audience=settings.audience,
        synthetic=source == BUNDLED,
        follow_up=follow_up_cohorts(trial.tables["participants"]["enrolled_on"], as_of,
                                    threshold, lang),
        design=DesignFacts.of(design, parts.analysis, as_of),
        horizons=_horizons(parts), forecast=forecast, people_shown=parts.people_shown,
        withheld_figures=parts.withheld_figures,
        ladder_outcomes=tuple(o.describe(lang) for o in design.outcomes
                              if o.kind == "ladder_step"),
        likert_points=design.likert_points)
    document = build_document(inputs)
    (staging / "report.html").write_text(render_html(document, figures_dir), encoding="utf-8")
    (staging / "report.pdf").write_bytes(render_pdf(document, staging))


def _horizons(parts: ReportParts) -> dict[str, float]:
    """The horizon in months of each question that has one (the survival analysis'
    tau), as the analysis used it."""
    survival = parts.analysis.results.get("survival")
    tau = None if survival is None else survival.extras.get(HORIZON)
    return {} if tau is None else {"survival": float(tau)}


def _marking_sheet(lang: Language, esf: bool) -> dict[str, pd.DataFrame]:
    """The internal workbook's first sheet, named VERTROUWELIJK / CONFIDENTIAL: the
    marking as its header, what it means below."""
    marking = text("confidential", lang)
    line = text("confidential_line" + ("" if esf else "_no_esf"), lang)
    return {marking.split(" - ")[0].upper(): pd.DataFrame({marking: [line]})}


def _limitations(parts: ReportParts, design: TrialDesign, lang: Language) -> tuple[str, ...]:
    """The limitations paragraph, opened by the diagnosis of the primary outcome when it
    is not regular work of persons."""
    lines = limitations(parts.diagnosis, parts.mde, design, lang, parts.diagnosis_unavailable)
    if parts.primary_precision is None:
        return lines
    return (primary_precision_line(parts.primary_precision, design.primary.describe(lang),
                                   lang), *lines)


def _outcome_lines(design: TrialDesign, lang: Language) -> tuple[str, ...]:
    """The unit and denominator, then each declared outcome in words."""
    # the ESF indicators count persons: said only where the ESF funds the programme
    unit = f"outcomes_unit_{design.unit}" + ("_no_esf" if design.unit == "household"
                                            and not design.esf else "")
    return (text(unit, lang),
            *(text("outcome_line", lang, name=o.name, description=o.describe(lang))
              for o in design.outcomes))


def _money_lines(design: TrialDesign, lang: Language) -> tuple[str, ...]:
    """Each assumption of the programme-money figures with its source."""
    money = design.money
    if money is None:
        return ()
    def euros(value: float) -> str:
        return "EUR " + fmt_number(value, lang, 0)

    lines = []
    if money.savings_per_outflow_per_year is not None:
        outcome = design.outcome(money.savings_outcome or design.primary_outcome)
        lines.append(text("money_annualised", lang, outcome=outcome.describe(lang),
                          eur=euros(money.savings_per_outflow_per_year),
                          unit=text(f"unit_{design.unit}", lang), source=money.savings_source))
    lines.append(text("money_realised", lang, eur="EUR " + fmt_number(
        design.benefit_cost_per_month, lang, 2), source=design.benefit_cost_source))
    lines += [text("money_fixed", lang, name=c.name, eur=euros(c.eur), source=c.source)
              for c in money.fixed_costs]
    lines.append(text("money_net", lang))
    return tuple(lines)


def build_report(settings: ReportSettings, *, log: Callable[[str], None] = lambda _: None
                 ) -> Path:
    """Build the report folder ``settings.out``; returns its path.

    ``settings.out`` may be new, empty or an earlier report (only the files that report
    wrote are replaced; see :mod:`~iedereen_doet_mee.output_folder`). It is checked
    before any work is done.

    Raises
    ------
    OutputFolderError
        When ``settings.out`` may not be written (nothing is written or deleted), also
        when it holds a report made for another audience.
    TrialDataError
        When the data do not validate (nothing is written).
    """
    inputs = [p for p in (settings.data, settings.design) if p is not None]
    with output_folder(settings.out, command="report", inputs=inputs,
                       audience=settings.audience) as staging, \
            tempfile.TemporaryDirectory() as scratch:
        _steps(settings, log, staging, Path(scratch))
    return Path(settings.out).resolve()


def read_results(path: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """Header and records of a report's ``results.json`` (for notebooks and tests)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["header"], pd.DataFrame(data["records"])
