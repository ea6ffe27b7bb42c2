"""The data model: which tables a trial directory holds and what each column means.

This module is the single declaration of the data model. The validator checks files
against it, the loader converts columns by it, the simulator writes columns in its
order, and ``docs/data-model.md`` documents it (a test checks that every column
declared here is documented there).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ..design.trial_design import EXIT_REASONS, TrialDesign

__all__ = [
    "LIFE_WHEEL_DOMAINS",
    "MEASURES",
    "TABLES",
    "Column",
    "Table",
    "allowed_values",
    "table_spec",
]

ColumnKind = Literal["id", "text", "category", "yes_no", "date", "integer", "number"]
DesignLevels = Literal["strata", "arms", "instrument_kinds", "activity_kinds"]

#: Life-wheel (levenswiel) domains scored 1-10 at intake (seed 003: intake with a
#: mind map and a life wheel; multiple problems with children, finances, lifestyle
#: and health come first).
LIFE_WHEEL_DOMAINS: tuple[str, ...] = (
    "health",
    "finances",
    "housing",
    "family",
    "social_contacts",
    "work",
    "leisure",
    "personal_growth",
)

#: Allowed range of each measure in ``measurements``: wage value as a percentage of
#: the statutory minimum wage, participation-ladder rung 1-6 (Regioplan/VNG 2008).
MEASURES: dict[str, tuple[float, float, bool]] = {
    "wage_value": (0.0, 100.0, False),
    "ladder_rung": (1.0, 6.0, True),
}


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes
    ----------
    name : str
        Column name exactly as it must appear in the file's header.
    kind : str
        ``id`` (pseudonymous text), ``text``, ``category`` (one of ``allowed`` or of
        the design's levels), ``yes_no``, ``date`` (ISO ``YYYY-MM-DD``), ``integer``
        or ``number``.
    required : bool
        The column must be present in the file.
    nullable : bool
        A cell may be empty.
    meaning, example : str
        Documentation.
    allowed : tuple of str, optional
        Fixed allowed values of a category.
    design_levels : str, optional
        Take the allowed values from this field of the design instead.
    minimum, maximum : float, optional
        Inclusive bounds of a number or integer.
    """

    name: str
    kind: ColumnKind
    required: bool
    nullable: bool
    meaning: str
    example: str
    allowed: tuple[str, ...] | None = None
    design_levels: DesignLevels | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of a trial directory: its file stem, columns and meaning."""

    name: str
    required: bool
    meaning: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all declared columns, in file order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The declared column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _c(name: str, kind: ColumnKind, meaning: str, example: str, *, required: bool = False,
       nullable: bool = True, **extra: object) -> Column:
    return Column(name, kind, required, nullable, meaning, example, **extra)  # type: ignore[arg-type]


_YES_NO = "yes or no"
_PID = _c("participant_id", "id",
          "Pseudonymous participant identifier; must exist in participants.", "P0001",
          required=True, nullable=False)

PARTICIPANTS = Table(
    "participants",
    True,
    "One row per enrolled participant: allocation, benefit exit and baseline characteristics.",
    (
        _c("participant_id", "id", "Pseudonymous identifier, unique within the trial. Never a "
           "citizen service number (BSN).", "P0001", required=True, nullable=False),
        _c("band", "category", "Stratum: estimated wage-value band at intake, as declared in the "
           "design.", "40-60", required=True, nullable=False, design_levels="strata"),
        _c("instruments", "category", "Arm: whether the participant is in an arm with "
           "instruments, as declared in the design.", "yes", required=True, nullable=False,
           design_levels="arms"),
        _c("enrolled_on", "date", "Date of enrolment (intake) in the project.", "2014-09-15",
           required=True, nullable=False),
        _c("exit_on", "date", "Date the participant left benefit (first exit); empty while on "
           "benefit.", "2015-06-01", required=True),
        _c("exit_reason", "category", "Why benefit ended; empty exactly when exit_on is empty.",
           "regular_work", required=True, allowed=EXIT_REASONS),
        _c("left_project_on", "date", "Date the participant left the project (ESF counts "
           "results from this day); empty while in the project.", "2015-06-01"),
        _c("follow_up_end_on", "date", "Last day the participant's benefit status is known when "
           "lost to follow-up; empty when followed up to the cut-off.", "2015-11-30"),
        _c("returned_on", "date", "Date the participant came back on benefit after exit_on; "
           "empty if not (or not yet).", "2016-01-04"),
        _c("age", "integer", "Age in years at enrolment.", "41", minimum=15, maximum=75),
        _c("sex", "category", "Sex as registered (ESF data are broken down by gender).",
           "female", allowed=("female", "male", "other")),
        _c("education", "category", "Highest completed education in ISCED groups (ESF CO09-"
           "CO11).", "isced_1_2", allowed=("isced_0", "isced_1_2", "isced_3_4", "isced_5_8")),
        _c("household", "category", "Household type at enrolment.", "single_parent",
           allowed=("single", "single_parent", "couple", "couple_with_children", "other")),
        _c("jobless_household", "yes_no", "Nobody in the household has paid work (ESF CO12).",
           "yes", allowed=("yes", "no")),
        _c("labour_status_entry", "category", "Labour-market status at entry (ESF CO01-CO05).",
           "unemployed", allowed=("unemployed", "inactive", "employed")),
        _c("migrant_background", "yes_no", "Migrant or foreign background (ESF CO15).", "no",
           allowed=("yes", "no")),
        _c("disability", "yes_no", "Participant with a disability (ESF CO16).", "no",
           allowed=("yes", "no")),
        _c("months_on_benefit", "integer", "Months on benefit before enrolment.", "38",
           minimum=0, maximum=600),
        _c("wage_value_estimate", "number", "Estimated wage value at intake, % of the statutory "
           "minimum wage.", "52", minimum=0, maximum=100),
        _c("ladder_rung_intake", "integer", "Participation-ladder rung at intake (1 isolated ... "
           "6 paid work without support).", "3", minimum=1, maximum=6),
        *(
            _c(f"life_wheel_{d}", "integer",
               f"Life-wheel satisfaction score for {d.replace('_', ' ')} at intake (1 very "
               "unsatisfied ... 10 very satisfied).", "6", minimum=1, maximum=10)
            for d in LIFE_WHEEL_DOMAINS
        ),
        _c("qualification_on", "date", "Date a qualification was gained during or after the "
           "project (ESF CR03); empty if none.", "2015-12-18"),
        _c("household_id", "id", "Pseudonymous household identifier: participants sharing it "
           "form one household; empty for a household of one. Never a citizen service number "
           "(BSN) and never shown in any output.", "H0001"),
    ),
)

EMPLOYMENT = Table(
    "employment",
    False,
    "One row per job spell during or after the project.",
    (
        _PID,
        _c("started_on", "date", "First day of the job.", "2015-06-01", required=True,
           nullable=False),
        _c("ended_on", "date", "Last day of the job; empty while it runs.", "2016-02-29",
           required=True),
        _c("hours_per_week", "number", "Contracted hours per week.", "24", required=True,
           nullable=False, minimum=0, maximum=80),
        _c("subsidised", "yes_no", "Paid with wage-cost subsidy, job coach or sheltered work "
           "(ladder rung 5) rather than without support (rung 6).", "no", required=True,
           nullable=False, allowed=("yes", "no")),
        _c("self_employed", "yes_no", "Self-employment rather than a job (ESF CR04 counts both).",
           "no", allowed=("yes", "no")),
        _c("employer_id", "id", "Pseudonymous employer identifier, links to employer_survey.",
           "E012"),
    ),
)

MEASUREMENTS = Table(
    "measurements",
    False,
    "Dated measurements: wage value (% of the statutory minimum wage, 0-100) and "
    "participation-ladder rung (whole number 1-6).",
    (
        _PID,
        _c("measured_on", "date", "Date of the measurement.", "2015-03-02", required=True,
           nullable=False),
        _c("measure", "category", "What was measured.", "wage_value", required=True,
           nullable=False, allowed=tuple(MEASURES)),
        _c("value", "number", "The measured value; its range depends on measure.", "57",
           required=True, nullable=False),
        _c("method", "text", "Assessment method, e.g. Dariuz, UWV, Matchcare, Talent6, VTA, "
           "CompetenSYS for wage value.", "Dariuz"),
    ),
)

INSTRUMENTS = Table(
    "instruments",
    False,
    "One row per instrument a participant received.",
    (
        _PID,
        _c("kind", "category", "Kind of instrument, one of the design's instrument_kinds (any "
           "text when the design declares none).", "job_coach", required=True, nullable=False,
           design_levels="instrument_kinds"),
        _c("started_on", "date", "First day of the instrument.", "2014-11-03", required=True,
           nullable=False),
        _c("ended_on", "date", "Last day; empty while it runs.", "2015-02-27", required=True),
        _c("cost_eur", "number", "Cost in euros.", "1850.00", required=True, nullable=False,
           minimum=0),
    ),
)

ACTIVITIES = Table(
    "activities",
    False,
    "One row per activity other than work a participant took up, such as education or "
    "volunteering.",
    (
        _PID,
        _c("kind", "category", "Kind of activity, one of the design's activity_kinds (any text "
           "when the design declares none).", "education", required=True, nullable=False,
           design_levels="activity_kinds"),
        _c("started_on", "date", "First day of the activity.", "2015-01-12", required=True,
           nullable=False),
        _c("ended_on", "date", "Last day; empty while it runs.", "2015-07-03"),
    ),
)

EMPLOYER_SURVEY = Table(
    "employer_survey",
    False,
    "Answers of employers to Likert items about a placement, one row per answer.",
    (
        _c("employer_id", "id", "Pseudonymous employer identifier.", "E012", required=True,
           nullable=False),
        _PID,
        _c("answered_on", "date", "Date of the answer.", "2015-09-01", required=True,
           nullable=False),
        _c("item", "text", "Short name of the survey item.", "would_hire_again", required=True,
           nullable=False),
        _c("answer", "integer", "Answer on the design's Likert scale, 1 .. likert_points.", "4",
           required=True, nullable=False, minimum=1),
    ),
)

ALLOCATION_LOG = Table(
    "allocation_log",
    False,
    "The randomisation log of a randomised trial, one row per allocation.",
    (
        _PID,
        _c("sequence", "integer", "Order of allocation, 1 for the first.", "1", required=True,
           nullable=False, minimum=1),
        _c("band", "category", "Stratum used for the allocation.", "40-60", required=True,
           nullable=False, design_levels="strata"),
        _c("block_id", "text", "Permuted block the allocation came from.", "40-60-B0001",
           required=True, nullable=False),
        _c("block_size", "integer", "Size of that block.", "4", required=True, nullable=False,
           minimum=1),
        _c("position_in_block", "integer", "Position within the block, 1 for the first.", "2",
           required=True, nullable=False, minimum=1),
        _c("instruments", "category", "Arm allocated.", "yes", required=True, nullable=False,
           design_levels="arms"),
        _c("probability", "number", "Probability of the allocated arm given the earlier "
           "allocations in the block.", "0.5", required=True, nullable=False, minimum=0,
           maximum=1),
    ),
)

#: Every table of the data model, by name (the file stem).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (PARTICIPANTS, EMPLOYMENT, MEASUREMENTS, INSTRUMENTS, ACTIVITIES, EMPLOYER_SURVEY,
              ALLOCATION_LOG)
}


def table_spec(name: str) -> Table:
    """The declared table called ``name``."""
    return TABLES[name]


def allowed_values(column: Column, design: TrialDesign) -> tuple[str, ...] | None:
    """Allowed values of a category column under ``design`` (``None``: any value).

    Examples
    --------
    >>> allowed_values(PARTICIPANTS.column("band"), TrialDesign())
    ('40-60', '60-80')
    """
    if column.design_levels is not None:
        levels = getattr(design, column.design_levels)
        return levels or None
    return column.allowed
