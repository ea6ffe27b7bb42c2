"""Hypothesis strategies for valid trial directories, drawn from the data model.

The directories are built from the declaration in ``iedereen_doet_mee.data.schema`` (which
tables exist, which columns are required, each column's kind, allowed values and bounds)
and from the design's own rules, not by the package's simulator, so they hold shapes the
simulator never makes: 1 to 6 strata and 1 to 4 arms with unequal and empty cells, any
subset of the optional tables (``activities`` included) and of the optional columns
(``household_id`` included, with households that may span strata and arms; down to a
minimal export of the six required participant columns), empty cells in optional columns, everyone
censored or everyone out, everyone enrolled on one day, exits on the cut-off day, text
with commas, quotes, line breaks and leading ``=``, semicolon CSV, typed Excel and Parquet
cells.

Hypothesis draws the knobs (sizes, modes, which tables and columns, formats, a seed);
the rows themselves come from a ``numpy.random.Generator`` seeded from the draw, so a
directory of 2,000 participants costs one draw and shrinks well.

Used by ``tests/test_property_reports.py`` (a bounded number of examples with a fixed
seed) and by ``tools/fuzz_reports.py`` (a longer run).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from iedereen_doet_mee.data.schema import MEASURES, TABLES, Column, allowed_values
from iedereen_doet_mee.design.toml_io import write_design
from iedereen_doet_mee.design.trial_design import (
    DEFAULT_ACTIVITY_KINDS,
    DEFAULT_INSTRUMENT_KINDS,
    EXIT_REASONS,
    TrialDesign,
)

__all__ = ["QUESTIONS", "SECTIONS", "TrialSpec", "check_directory", "designs", "run_everything",
           "trial_specs"]

FORMATS = ("csv", "csv_semicolon", "xlsx", "parquet")
OPTIONAL_TABLES = ("employment", "measurements", "instruments", "activities",
                   "employer_survey", "allocation_log")
#: Odd but valid free text: separators, quotes, a line break, formula-like starts, accents.
ODD_TEXTS = ("would_hire_again", "tevreden", "a,b;c", 'say "yes"', "two\nlines", "=1+1",
             "+31 ok", "-dash", "@home", "naïef ü ß", "x" * 60)


@dataclasses.dataclass
class TrialSpec:
    """A trial directory to write: the design, each table's columns of typed values
    (``None`` for an empty cell) and each table's file format."""

    design: TrialDesign
    with_design_file: bool
    tables: dict[str, dict[str, list[Any]]]
    formats: dict[str, str]

    def write(self, folder: Path) -> Path:
        """Write the directory into the new folder ``folder``; return it."""
        folder.mkdir(parents=True)
        if self.with_design_file:
            write_design(self.design, folder / "design.toml")
        for name, columns in self.tables.items():
            _WRITERS[self.formats[name]](folder, name, columns)
        return folder

    def __repr__(self) -> str:
        sizes = {name: len(next(iter(cols.values()), [])) for name, cols in self.tables.items()}
        columns = list(self.tables["participants"])
        return (f"TrialSpec({self.design!r}, design file {self.with_design_file}, rows "
                f"{sizes}, formats {self.formats}, participant columns {columns})")


# -- writers (independent of the package's own writer) ---------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _write_csv(folder: Path, name: str, columns: dict[str, list[Any]], delimiter: str) -> None:
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(list(columns))
        for row in zip(*columns.values(), strict=True):
            writer.writerow([_text(v) for v in row])


def _write_xlsx(folder: Path, name: str, columns: dict[str, list[Any]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = name
    sheet.append(list(columns))
    for row in zip(*columns.values(), strict=True):
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, "=1+1" included
    book.save(folder / f"{name}.xlsx")


def _write_parquet(folder: Path, name: str, columns: dict[str, list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for column, values in columns.items():
        kinds = {type(v) for v in values if v is not None}
        arrays[column] = pa.array(values, type=pa.string() if kinds <= {str} else None)
    pq.write_table(pa.table(arrays) if arrays else pa.table({}), folder / f"{name}.parquet")


_WRITERS = {
    "csv": lambda f, n, c: _write_csv(f, n, c, ","),
    "csv_semicolon": lambda f, n, c: _write_csv(f, n, c, ";"),
    "xlsx": _write_xlsx,
    "parquet": _write_parquet,
}


# -- the design -------------------------------------------------------------------------

@st.composite
def designs(draw: st.DrawFn) -> TrialDesign:
    """Any valid design: 1-6 strata (wage-value bands or plain labels), 1-4 arms, equal or
    unequal planned sizes with empty cells, any dates, target, allocation and kinds."""
    n_strata = draw(st.integers(1, 6))
    if draw(st.booleans()):
        cuts = sorted(draw(st.sets(st.integers(0, 100), min_size=n_strata + 1,
                                   max_size=n_strata + 1)))
        strata = tuple(f"{a}-{b}" for a, b in itertools.pairwise(cuts))
    else:
        strata = tuple(draw(st.sampled_from([["all"], ["low", "mid", "high", "a", "b", "c"],
                                             ["s1", "s2", "s3", "s4", "s5", "s6"]]))[:n_strata])
        strata = strata if len(strata) == n_strata else tuple(f"s{i}" for i in range(n_strata))
    n_arms = draw(st.integers(1, 4))
    arms = ("no", "yes") if n_arms == 2 and draw(st.booleans()) else tuple(
        ["none", "light", "coach", "coach_plus"][:n_arms])
    if draw(st.booleans()):
        sizes: Any = draw(st.integers(1, 60))
    else:
        sizes = {}
        for stratum in strata:
            row = {arm: draw(st.integers(0, 40)) for arm in arms}
            if not any(row.values()):
                row[arms[-1]] = 1
            sizes[stratum] = row
    start = dt.date(2010, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3650)))
    months = draw(st.integers(1, 36))
    cutoff = start + dt.timedelta(days=draw(st.integers(1, months * 31 + 500)))
    kinds = draw(st.sampled_from([DEFAULT_INSTRUMENT_KINDS, (), ("bus_card", "bicycle")]))
    # a chain of the first kinds (any labels when the design allows any kind)
    chain = draw(st.sampled_from([(), tuple(kinds[:3]) or ("anything", "intake")]))
    activities = draw(st.sampled_from([DEFAULT_ACTIVITY_KINDS, (), ("education", "sports")]))
    return TrialDesign(
        name=draw(st.sampled_from(["Iedereen doet mee", "Kompas", "Trial & co <b>"])),
        strata=strata, arms=arms, n_per_cell=sizes, enrolment_start=start,
        enrolment_months=months, cutoff=cutoff,
        target_outflow=draw(st.sampled_from([0.05, 0.24, 0.4, 0.95])),
        durable_horizon_months=draw(st.integers(1, 12)),
        allocation=draw(st.sampled_from(["assigned", "randomised"])),
        instrument_kinds=kinds, likert_points=draw(st.integers(2, 10)),
        activity_kinds=activities, chain=chain)


# -- the tables -------------------------------------------------------------------------

def _dates(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One date per row, uniform in [low, high] (day numbers; low <= high)."""
    return low + np.floor(rng.random(low.size) * (high - low + 1)).astype(np.int64)


def _day(value: int) -> dt.date:
    return dt.date.fromordinal(int(value))


def _generic(rng: np.random.Generator, column: Column, design: TrialDesign, n: int
             ) -> list[Any]:
    """Values of a column that no rule ties to another, from its declaration."""
    allowed = allowed_values(column, design)
    if column.kind in ("category", "yes_no") and allowed:
        return [str(v) for v in rng.choice(list(allowed), n)]
    if column.kind == "integer":
        low, high = int(column.minimum or 0), int(column.maximum or 1000)
        return [int(v) for v in rng.integers(low, high + 1, n)]
    if column.kind == "number":
        low, high = column.minimum or 0.0, column.maximum or 10_000.0
        return [round(float(v), 2) for v in rng.uniform(low, high, n)]
    return [str(v) for v in rng.choice(ODD_TEXTS, n)]


def _with_gaps(rng: np.random.Generator, values: list[Any], share: float) -> list[Any]:
    return [None if rng.random() < share else v for v in values]


@st.composite
def trial_specs(draw: st.DrawFn, *, max_participants: int = 2000) -> TrialSpec:
    """A valid trial directory (see the module docstring)."""
    default = draw(st.integers(0, 3)) == 0
    design = TrialDesign() if default else draw(designs())
    n = draw(st.one_of(st.integers(1, 12), st.integers(13, 150),
                       st.integers(151, max_participants)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    start, cutoff = design.enrolment_start.toordinal(), design.cutoff.toordinal()
    last_enrolment = min(design.enrolment_end.toordinal() - 1, cutoff)

    # which cells hold people: a random non-empty subset, so arms and strata may be empty
    cells = [(c.stratum, c.arm) for c in design.cells]
    used = [cells[i] for i in sorted(draw(st.sets(st.integers(0, len(cells) - 1), min_size=1)))]
    picked = [used[i] for i in rng.integers(0, len(used), n)]
    enrol_mode = draw(st.sampled_from(["spread", "one_day"]))
    if enrol_mode == "one_day":
        enrolled = np.full(n, int(rng.integers(start, last_enrolment + 1)))
    else:
        enrolled = _dates(rng, np.full(n, start), np.full(n, last_enrolment))
    exit_mode = draw(st.sampled_from(["mixed", "none", "all", "on_cutoff"]))
    out = {"mixed": rng.random(n) < 0.4, "none": np.zeros(n, bool), "all": np.ones(n, bool),
           "on_cutoff": rng.random(n) < 0.5}[exit_mode]
    exit_day = _dates(rng, enrolled, np.full(n, cutoff))
    if exit_mode == "on_cutoff":
        exit_day[:] = cutoff
    reasons = draw(st.sampled_from([EXIT_REASONS, ("regular_work",), ("moved", "other")]))
    spec = TABLES["participants"]
    minimal = draw(st.integers(0, 3)) == 0
    optional = [c.name for c in spec.columns if not c.required]
    chosen = set() if minimal else set(draw(st.sets(st.sampled_from(optional))))
    if draw(st.booleans()):  # households, also in a minimal export
        chosen.add("household_id")
    gaps = draw(st.sampled_from([0.0, 0.1, 1.0]))

    ids = [f"P{i:05d}" if i % 7 else f"klant-{i}" for i in range(n)]
    people: dict[str, list[Any]] = {
        "participant_id": ids,
        "band": [s for s, _ in picked],
        "instruments": [a for _, a in picked],
        "enrolled_on": [_day(d) for d in enrolled],
        "exit_on": [_day(d) if o else None for d, o in zip(exit_day, out, strict=True)],
        "exit_reason": [str(rng.choice(reasons)) if o else None for o in out],
    }
    later = np.maximum(enrolled, np.where(out, exit_day, enrolled))
    for column in spec.columns:
        if column.name not in chosen:
            continue
        name = column.name
        if name == "left_project_on":
            values = [_day(d) for d in _dates(rng, enrolled, np.full(n, cutoff))]
        elif name == "follow_up_end_on":
            values = [_day(d) for d in _dates(rng, later, np.full(n, cutoff))]
        elif name == "returned_on":
            back = _dates(rng, exit_day, np.full(n, cutoff))
            values = [_day(d) if o and rng.random() < 0.3 else None
                      for d, o in zip(back, out, strict=True)]
        elif name == "household_id":  # households of 1 to a few, across cells at times
            values = [f"HH{int(k):05d}" for k in rng.integers(0, max(1, n // 2), n)]
        elif name == "qualification_on":
            values = [_day(d) for d in _dates(rng, enrolled, np.full(n, cutoff))]
        elif name == "wage_value_estimate":
            values = []
            for stratum, _ in picked:
                low, high = design.wage_value_bounds(stratum) or (5.0, 100.0)
                value = round(float(rng.uniform(max(low, 5.0), max(high, 5.0))), 1)
                # a band's upper bound belongs to the next band: rounding up to it would
                # make the generated directory invalid
                values.append(min(value, max(high - 0.1, low)))
        else:
            values = _generic(rng, column, design, n)
        people[name] = _with_gaps(rng, values, gaps)

    tables = {"participants": people}
    wanted = draw(st.sets(st.sampled_from(OPTIONAL_TABLES)))
    if design.allocation != "randomised":
        wanted.discard("allocation_log")
    for name in sorted(wanted):
        rows = draw(st.sampled_from([0, 1, max(1, n // 3), 2 * n]))
        tables[name] = _TABLE_MAKERS[name](rng, design, people, enrolled, rows)
    formats = {name: draw(st.sampled_from(FORMATS)) for name in tables}
    return TrialSpec(design, not default or draw(st.booleans()), tables, formats)


def _owners(rng: np.random.Generator, people: dict[str, list[Any]], rows: int
            ) -> np.ndarray:
    return rng.integers(0, len(people["participant_id"]), rows)


def _employment(rng, design, people, enrolled, rows):
    who = _owners(rng, people, rows)
    cutoff = design.cutoff.toordinal()
    started = _dates(rng, enrolled[who], np.full(rows, cutoff))
    ended = _dates(rng, started, np.full(rows, cutoff))
    spec = TABLES["employment"]
    return {
        "participant_id": [people["participant_id"][i] for i in who],
        "started_on": [_day(d) for d in started],
        "ended_on": [_day(d) if rng.random() < 0.5 else None for d in ended],
        "hours_per_week": [float(h) for h in rng.choice([0.0, 8.0, 16.0, 24.5, 36.0, 80.0],
                                                        rows)],
        "subsidised": _generic(rng, spec.column("subsidised"), design, rows),
        "self_employed": _generic(rng, spec.column("self_employed"), design, rows),
        "employer_id": [f"E{int(k):03d}" for k in rng.integers(0, 20, rows)],
    }


def _measurements(rng, design, people, enrolled, rows):
    who = _owners(rng, people, rows)
    cutoff = design.cutoff.toordinal()
    measured = _dates(rng, enrolled[who], np.full(rows, cutoff))
    measure = rng.choice(list(MEASURES), rows)
    value = np.where(measure == "wage_value", np.round(rng.uniform(5, 100, rows), 1),
                     rng.integers(1, 7, rows))
    seen, keep = set(), []
    for i, key in enumerate(zip(who, measured, measure, strict=True)):
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return {
        "participant_id": [people["participant_id"][who[i]] for i in keep],
        "measured_on": [_day(measured[i]) for i in keep],
        "measure": [str(measure[i]) for i in keep],
        "value": [float(value[i]) if measure[i] == "wage_value" else int(value[i])
                  for i in keep],
        "method": [str(rng.choice(["Dariuz", "UWV", "a,b;c", None])) for _ in keep],
    }


def _instruments(rng, design, people, enrolled, rows):
    who = _owners(rng, people, rows)
    cutoff = design.cutoff.toordinal()
    started = _dates(rng, enrolled[who], np.full(rows, cutoff))
    ended = _dates(rng, started, np.full(rows, cutoff))
    kinds = design.instrument_kinds or ("anything", "=HYPERLINK(1)", "bus card")
    return {
        "participant_id": [people["participant_id"][i] for i in who],
        "kind": [str(k) for k in rng.choice(list(kinds), rows)],
        "started_on": [_day(d) for d in started],
        "ended_on": [_day(d) if rng.random() < 0.7 else None for d in ended],
        "cost_eur": [round(float(c), 2) for c in rng.uniform(0, 5000, rows)],
    }


def _activities(rng, design, people, enrolled, rows):
    who = _owners(rng, people, rows)
    cutoff = design.cutoff.toordinal()
    started = _dates(rng, enrolled[who], np.full(rows, cutoff))
    ended = _dates(rng, started, np.full(rows, cutoff))
    kinds = design.activity_kinds or ("anything", "=HYPERLINK(1)", "language café")
    kind = rng.choice(list(kinds), rows)
    gone = rng.random(rows) < 0.4
    seen, keep = set(), []
    for i, key in enumerate(zip(who, kind, started, strict=True)):
        if key not in seen:  # a row repeating another exactly is an error
            seen.add(key)
            keep.append(i)
    columns = {
        "participant_id": [people["participant_id"][who[i]] for i in keep],
        "kind": [str(kind[i]) for i in keep],
        "started_on": [_day(started[i]) for i in keep],
        "ended_on": [_day(ended[i]) if gone[i] else None for i in keep],
    }
    if rng.random() < 0.25:  # the optional column left out
        del columns["ended_on"]
    return columns


def _employer_survey(rng, design, people, enrolled, rows):
    who = _owners(rng, people, rows)
    cutoff = design.cutoff.toordinal()
    answered = _dates(rng, enrolled[who], np.full(rows, cutoff))
    employer = rng.integers(0, 8, rows)
    item = rng.choice(list(ODD_TEXTS[:6]), rows)
    seen, keep = set(), []
    for i, key in enumerate(zip(employer, who, answered, item, strict=True)):
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return {
        "employer_id": [f"E{int(employer[i]):03d}" for i in keep],
        "participant_id": [people["participant_id"][who[i]] for i in keep],
        "answered_on": [_day(answered[i]) for i in keep],
        "item": [str(item[i]) for i in keep],
        "answer": [int(a) for a in rng.integers(1, design.likert_points + 1, len(keep))],
    }


def _allocation_log(rng, design, people, enrolled, rows):
    order = np.argsort(enrolled, kind="stable")
    n = len(order)
    return {
        "participant_id": [people["participant_id"][i] for i in order],
        "sequence": list(range(1, n + 1)),
        "band": [people["band"][i] for i in order],
        "block_id": [f"B{k:04d}" for k in range(n)],
        "block_size": [1] * n,
        "position_in_block": [1] * n,
        "instruments": [people["instruments"][i] for i in order],
        "probability": [round(1 / len(design.arms), 4)] * n,
    }


_TABLE_MAKERS = {"employment": _employment, "measurements": _measurements,
                 "instruments": _instruments, "activities": _activities,
                 "employer_survey": _employer_survey,
                 "allocation_log": _allocation_log}


# -- what every example must give ------------------------------------------------------

#: Every research question ``analyse_trial`` answers or says why not.
QUESTIONS = frozenset({"target", "survival", "effects", "wage_value", "wage_value_within",
                       "ladder", "ladder_ordinal", "missing", "instruments", "employers",
                       "costs", "multiplicity", "outcomes", "money", "chain"})
#: Every section of the report, by its HTML id (``outcomes`` after ``target`` when the
#: design declares outcomes beyond regular work, then ``chain`` when it declares a chain:
#: :func:`expected_sections`).
SECTIONS = ("summary", "consort", "baseline", "design", "target", "effects", "survival",
            "wage_value", "ladder", "instruments", "employers", "costs", "esf", "limitations",
            "appendix")
FAST = dict(n_draws=20, n_bootstrap=20, diagnosis_sims=40)


def expected_sections(design, answered: set[str] | None = None) -> list[str]:
    """The report sections of ``design``, in order (a single-arm design has no section
    of effects: it compares nothing). ``answered``: the questions the analysis answered;
    the sections of the bounds for loss to follow-up and of Holm's table are shown only
    when their question was (default: as the design lets them be)."""
    from iedereen_doet_mee.analysis.outcome_shares import nothing_to_add

    sections = [s for s in SECTIONS if not (s == "effects" and design.is_single_arm)]
    if design.money is not None:
        sections.insert(sections.index("costs") + 1, "money")
    added = ["outcomes"] if nothing_to_add(design) is None else []
    added += ["chain"] if design.chain else []
    # the bounds for loss to follow-up after the target (at most two arms: issue 13)
    added += ["missing"] if len(design.arms) <= 2 else []
    at = sections.index("target") + 1
    sections = [*sections[:at], *added, *sections[at:]]
    if not design.is_single_arm:  # Holm's table of the secondary comparisons
        sections.insert(sections.index("limitations") - int(design.esf), "multiplicity")
    if answered is not None:
        sections = [s for s in sections if s not in ("missing", "multiplicity")
                    or s in answered]
    return sections


def run_everything(spec: TrialSpec, workdir: Path, *, lang: str = "nl") -> list[str]:
    """Write ``spec`` into ``workdir/data`` and :func:`check_directory` it."""
    return check_directory(spec.write(workdir / "data"), workdir, lang=lang)


def check_directory(folder: Path, workdir: Path, *, lang: str = "nl") -> list[str]:
    """Validate a trial directory, analyse it and report on it (into ``workdir/report``);
    return what went wrong.

    An exception is not caught: it is a failure the caller reports.
    """
    import re
    import warnings

    from iedereen_doet_mee.analysis import analyse_trial
    from iedereen_doet_mee.data import load_trial, validate_trial_directory
    from iedereen_doet_mee.reporting.build import ReportSettings, build_report

    checked = validate_trial_directory(folder)
    if not checked.is_valid:
        return ["the generator made an invalid directory:\n" + checked.summary()]
    problems = []
    trial = load_trial(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = analyse_trial(trial, n_draws=FAST["n_draws"],
                                 n_bootstrap=FAST["n_bootstrap"])
    answered = set(analysis.results) | set(analysis.skipped)
    if answered != QUESTIONS:
        problems.append(f"questions neither answered nor skipped: {sorted(QUESTIONS - answered)}"
                        f"; unknown: {sorted(answered - QUESTIONS)}")
    for question, reason in analysis.skipped.items():
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{question} skipped without a reason")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = build_report(ReportSettings(data=folder, out=workdir / "report", lang=lang,
                                          **FAST))
    html = (out / "report.html").read_text(encoding="utf-8")
    missing = "Niet beschikbaar: " if lang == "nl" else "Not available: "
    heads = list(re.finditer(r'<h2 id="([a-z_]+)">', html))
    found = [m.group(1) for m in heads]
    expected = expected_sections(trial.design, {q for q, result in analysis.results.items()
                                                if len(result.table)})
    if found != expected:
        problems.append(f"report sections {found}, expected {expected}")
    for here, after in zip(heads, [*heads[1:], None], strict=True):
        body = html[here.end(): after.start() if after else len(html)]
        # a results table whose every number is withheld is one sentence with its IDs
        withheld = re.search(r"(alle|all) \d+ (schattingen|estimates) (zijn|are) "
                             r"(afgeschermd|withheld)", body)
        if "<table" not in body and "<figure" not in body and missing not in body \
                and withheld is None \
                and here.group(1) not in ("summary", "design", "limitations"):
            problems.append(f"section {here.group(1)} has neither a result nor a reason")
    for name in ("report.pdf", "results.json", "indicators.xlsx"):
        if not (out / name).is_file() or (out / name).stat().st_size == 0:
            problems.append(f"{name} was not written")
    return problems
