"""Rules that span columns, tables or the design, applied to converted tables.

Each rule looks only at cells that converted; a cell that failed its own check was
reported already and is missing here, so no problem is reported twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..design.trial_design import TrialDesign
from .households import check_households
from .problems import ProblemLog
from .repeats import check_repeated_answers, check_repeated_measurements
from .schema import MEASURES, TABLES

__all__ = ["check_cross_rules"]

Typed = dict[str, tuple[str, pd.DataFrame, np.ndarray]]
"""Table name -> (file name, converted frame, file rows). A converted cell is missing
either because it was empty or because it failed its own check; ``frame.attrs["bad"]``
holds the mask of failed cells."""


def _lookup(people: pd.DataFrame, column: str, frame: pd.DataFrame) -> pd.Series:
    """Each row's participant's value of ``column`` (missing for unknown participants).

    ``people`` is indexed by a unique ``participant_id``. ``Series.map`` is avoided: on
    an empty mapping it casts to float and fails for dates.
    """
    values = people[column].reindex(frame["participant_id"].to_numpy())
    return pd.Series(values.to_numpy(), index=frame.index, dtype=people[column].dtype)


def _present(frame: pd.DataFrame, column: str) -> pd.Series:
    """Cells that hold a value, counting cells that failed their own check."""
    return frame[column].notna() | frame.attrs["bad"][column]


def _date_text(values: pd.Series) -> list[str]:
    return [v.date().isoformat() for v in values]


def _before(file: str, frame: pd.DataFrame, rows: np.ndarray, later: str, earlier: str,
            rule: str, log: ProblemLog, what: str, *, severity: str = "error") -> None:
    if later not in frame or earlier not in frame:
        return
    bad = (frame[later] < frame[earlier]).fillna(False).to_numpy(dtype=bool)
    log.add_rows(file, rows[bad], later, rule,
                 [f"{later} {a} falls before {earlier} {b}{what}" for a, b in
                  zip(_date_text(frame[later][bad]), _date_text(frame[earlier][bad]), strict=True)],
                 severity=severity)  # type: ignore[arg-type]


def check_cross_rules(typed: Typed, design: TrialDesign, log: ProblemLog) -> None:
    """Apply every rule that spans columns, tables or the design."""
    for name, (file, frame, rows) in typed.items():
        _after_cutoff(file, frame, rows, name, design, log)
    if "participants" in typed:
        _participants(*typed["participants"], design, log)
    participants = typed.get("participants")
    for name in ("employment", "measurements", "instruments", "activities", "employer_survey",
                 "allocation_log"):
        if name not in typed:
            continue
        file, frame, rows = typed[name]
        if participants is not None:
            _known_participants(file, frame, rows, participants[1], log)
        if name in ("employment", "instruments", "activities"):
            _before(file, frame, rows, "ended_on", "started_on", "end_before_start", log, "")
    if participants is not None:
        people = participants[1].drop_duplicates("participant_id").set_index("participant_id")
        if "instruments" in typed and design.control_arm is not None:
            _instruments_in_control(*typed["instruments"], people, design, log)
        for name in _BEFORE_ENROLMENT:
            if name in typed:
                _before_enrolment(name, *typed[name], people, log)
        if "allocation_log" in typed:
            _allocation_matches(*typed["allocation_log"], people, log)
    if "measurements" in typed:
        _measure_ranges(*typed["measurements"], log)
        check_repeated_measurements(*typed["measurements"], log)
    if "employer_survey" in typed:
        check_repeated_answers(*typed["employer_survey"], log)
        file, frame, rows = typed["employer_survey"]
        bad = (frame["answer"] > design.likert_points).fillna(False).to_numpy(dtype=bool)
        log.add_rows(file, rows[bad], "answer", "out_of_range",
                     [f"answer {int(v)} exceeds the design's likert_points "
                      f"({design.likert_points})" for v in frame["answer"][bad]])


def _after_cutoff(file: str, frame: pd.DataFrame, rows: np.ndarray, name: str,
                  design: TrialDesign, log: ProblemLog) -> None:
    cutoff = pd.Timestamp(design.cutoff)
    for column in TABLES[name].columns:
        if column.kind != "date" or column.name not in frame:
            continue
        bad = (frame[column.name] > cutoff).fillna(False).to_numpy(dtype=bool)
        log.add_rows(file, rows[bad], column.name, "after_cutoff",
                     [f"{d} falls after the design's cut-off {design.cutoff}; data after the "
                      "cut-off cannot have been observed"
                      for d in _date_text(frame[column.name][bad])])


def _participants(file: str, frame: pd.DataFrame, rows: np.ndarray, design: TrialDesign,
                  log: ProblemLog) -> None:
    _duplicate_participants(file, frame, rows, log, "already appears on row {row}")
    _before(file, frame, rows, "exit_on", "enrolled_on", "exit_before_enrolment", log, "")
    for column in ("left_project_on", "follow_up_end_on", "returned_on"):
        _before(file, frame, rows, column, "enrolled_on", "before_enrolment", log, "")
    _before(file, frame, rows, "returned_on", "exit_on", "returned_before_exit", log, "")
    _before(file, frame, rows, "follow_up_end_on", "exit_on", "follow_up_end_before_exit", log,
            "; a participant whose exit is observed was followed up at least until the exit")
    has_exit, has_reason = _present(frame, "exit_on"), _present(frame, "exit_reason")
    log.add_rows(file, rows[(has_exit & ~has_reason).to_numpy()], "exit_reason",
                 "exit_without_reason", "exit_on is filled but exit_reason is empty")
    log.add_rows(file, rows[(~has_exit & has_reason).to_numpy()], "exit_on",
                 "reason_without_exit", "exit_reason is filled but exit_on is empty")
    if "returned_on" in frame:
        bad = (frame["returned_on"].notna() & ~has_exit).to_numpy()
        log.add_rows(file, rows[bad], "returned_on", "returned_without_exit",
                     "returned_on is filled but the participant never left benefit (exit_on empty)")
    start, end = pd.Timestamp(design.enrolment_start), pd.Timestamp(design.enrolment_end)
    enrolled = frame["enrolled_on"]
    outside = ((enrolled < start) | (enrolled >= end)).fillna(False).to_numpy(dtype=bool)
    log.add_rows(file, rows[outside], "enrolled_on", "enrolled_outside_window",
                 [f"enrolled on {d}, outside the design's enrolment window {design.enrolment_start}"
                  f" to {design.enrolment_end}" for d in _date_text(enrolled[outside])],
                 severity="warning")
    if "household_id" in frame:
        check_households(file, frame, rows, log)
    if "wage_value_estimate" in frame:
        shares = _wage_values_as_shares(file, frame["wage_value_estimate"], rows,
                                        "wage_value_estimate", log)
        _band_versus_estimate(file, frame[~shares], rows[~shares], design, log)


def _duplicate_participants(file: str, frame: pd.DataFrame, rows: np.ndarray, log: ProblemLog,
                            what: str) -> None:
    """Report every row of a participant seen before; say so when it repeats a row exactly."""
    ids = frame["participant_id"]
    dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
    first_row = pd.Series(rows, index=frame.index).groupby(ids).transform("first")
    repeats = frame.attrs["repeats"]
    log.add_rows(file, rows[dup], "participant_id", "duplicate_participant",
                 [f"row repeats row {same} exactly; remove it (a repeated row is counted twice)"
                  if same else f"participant_id {p!r} " + what.format(row=r)
                  for p, r, same in zip(ids[dup], first_row[dup], repeats[dup], strict=True)])


def _band_versus_estimate(file: str, frame: pd.DataFrame, rows: np.ndarray,
                          design: TrialDesign, log: ProblemLog) -> None:
    band = frame["band"].astype(object)
    estimate = frame["wage_value_estimate"]
    top = max((design.wage_value_bounds(s) or (0, 0))[1] for s in design.strata)
    for stratum in design.strata:
        bounds = design.wage_value_bounds(stratum)
        if bounds is None:
            continue
        low, high = bounds
        above = estimate > high if high == top else estimate >= high
        bad = ((band == stratum) & ((estimate < low) | above)).fillna(False).to_numpy(dtype=bool)
        log.add_rows(file, rows[bad], "wage_value_estimate", "band_disagrees_with_estimate",
                     [f"estimate {v:g} lies outside band {stratum}" for v in estimate[bad]],
                     severity="warning")


def _known_participants(file: str, frame: pd.DataFrame, rows: np.ndarray,
                        participants: pd.DataFrame, log: ProblemLog) -> None:
    known = set(participants["participant_id"].dropna())
    ids = frame["participant_id"]
    bad = (ids.notna() & ~ids.isin(known)).to_numpy()
    log.add_rows(file, rows[bad], "participant_id", "unknown_participant",
                 [f"participant_id {p!r} is not in the participants table" for p in ids[bad]])


def _instruments_in_control(file: str, frame: pd.DataFrame, rows: np.ndarray,
                            people: pd.DataFrame, design: TrialDesign, log: ProblemLog) -> None:
    arm = _lookup(people, "instruments", frame).astype(object)
    bad = (arm == design.control_arm).to_numpy(dtype=bool)
    log.add_rows(file, rows[bad], "participant_id", "instruments_in_control_arm",
                 f"an instrument is recorded for a participant of the control arm "
                 f"{design.control_arm!r}; check the allocation or record it as contamination",
                 severity="warning")


#: Per table: the date column compared with enrolment, and what an earlier date means.
_BEFORE_ENROLMENT = {
    "measurements": ("measured_on", "measurement taken before the participant's enrolment "
                     "on {enrolled}"),
    "employment": ("started_on", "job started before the participant's enrolment on "
                   "{enrolled}; it is not counted as a placement (only jobs started on or "
                   "after enrolment are); check the dates"),
    "instruments": ("started_on", "instrument started before the participant's enrolment on "
                    "{enrolled}; it is still counted as received and in the costs; check the "
                    "dates"),
    "activities": ("started_on", "activity started before the participant's enrolment on "
                   "{enrolled}; check the dates"),
}


def _before_enrolment(name: str, file: str, frame: pd.DataFrame, rows: np.ndarray,
                      people: pd.DataFrame, log: ProblemLog) -> None:
    """Warn about records dated before the participant's enrolment."""
    column, message = _BEFORE_ENROLMENT[name]
    enrolled = _lookup(people, "enrolled_on", frame)
    bad = (frame[column] < enrolled).fillna(False).to_numpy(dtype=bool)
    log.add_rows(file, rows[bad], column, "before_enrolment",
                 [message.format(enrolled=d) for d in _date_text(enrolled[bad])],
                 severity="warning")


def _allocation_matches(file: str, frame: pd.DataFrame, rows: np.ndarray,
                        people: pd.DataFrame, log: ProblemLog) -> None:
    for column in ("band", "instruments"):
        recorded = _lookup(people, column, frame).astype(object)
        mine = frame[column].astype(object)
        bad = (recorded.notna() & mine.notna() & (recorded != mine)).to_numpy(dtype=bool)
        log.add_rows(file, rows[bad], column, "allocation_mismatch",
                     [f"allocation log says {a!r}, participants table says {b!r}"
                      for a, b in zip(mine[bad], recorded[bad], strict=True)])
    _duplicate_participants(file, frame, rows, log,
                            "is allocated more than once (first on row {row})")


def _wage_values_as_shares(file: str, values: pd.Series, rows: np.ndarray, column: str,
                           log: ProblemLog) -> np.ndarray:
    """Report wage values written as shares of the minimum wage (0.55 for 55%).

    When every value is at most 1 (and not all are 0) the column was given as shares:
    one error. Otherwise each value in (0, 1] among percentages gets a warning. Returns
    the mask of the values reported.
    """
    number = values.to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(number)
    small = present & (number > 0) & (number <= 1)
    if not small.any():
        return small
    hint = "give wage value as a percentage of the minimum wage, e.g. 55 for 0.55"
    if (number[present] <= 1).all():
        listed = ", ".join(str(r) for r in rows[present][:5])
        log.add(file, int(rows[small][0]), column, "wage_value_as_share",
                f"all {int(present.sum())} wage values lie between 0 and 1 (rows {listed}"
                f"{' ...' if present.sum() > 5 else ''}), so they look like shares: {hint} "
                f"(here {number[small][0] * 100:g} for {number[small][0]:g})")
        return present
    log.add_rows(file, rows[small], column, "wage_value_as_share",
                 [f"wage value {v:g} looks like a share while the others are percentages; did "
                  f"you mean {v * 100:g}? ({hint})" for v in number[small]], severity="warning")
    return small


def _measure_ranges(file: str, frame: pd.DataFrame, rows: np.ndarray, log: ProblemLog) -> None:
    measure = frame["measure"].astype(object)
    value = frame["value"]
    wage = (measure == "wage_value").to_numpy(dtype=bool)
    _wage_values_as_shares(file, value[wage], rows[wage], "value", log)
    for name, (low, high, whole) in MEASURES.items():
        mine = (measure == name).to_numpy(dtype=bool) & value.notna().to_numpy()
        outside = mine & ((value < low) | (value > high)).to_numpy(dtype=bool)
        log.add_rows(file, rows[outside], "value", "out_of_range",
                     [f"{name} {v:g} is outside {low:g} to {high:g}" for v in value[outside]])
        if whole:
            fractional = mine & ~outside & (value % 1 != 0).to_numpy(dtype=bool)
            log.add_rows(file, rows[fractional], "value", "not_whole_number",
                         [f"{name} {v:g} must be a whole rung" for v in value[fractional]])
