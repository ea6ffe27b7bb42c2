"""Turn a validated trial into the inputs of each question's analysis.

Every public analysis function takes a tidy frame with named columns, so it serves
other trials too. Given a :class:`~iedereen_doet_mee.data.loading.TrialData`
instead, it first derives that frame here, exactly as :func:`analyse_trial` does:
:func:`accepts_trial` wraps each function so that ``f(trial, as_of=..., **options)``
means ``f(*inputs, **defaults_from_design, **options)``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..data.loading import TrialData
from ..design.outcomes import DEFAULT_OUTCOMES
from .household_frame import frame_by_household
from .labels import label_non_experimental
from .outcome_events import by_unit, outcome_events
from .outcomes import derive_outcomes, wage_value_long
from .results import AnalysisResult

__all__ = ["BASELINE_COLUMNS", "InputSpec", "TrialInputs", "accepts_trial", "with_unit_note"]

#: Baseline columns of the participants table carried into the effects analysis.
BASELINE_COLUMNS = ("wage_value_estimate", "ladder_rung_intake", "age", "months_on_benefit",
                    "sex", "education", "household", "migrant_background", "disability")

F = TypeVar("F", bound=Callable[..., Any])

#: The frames :class:`TrialInputs` builds and the options it derives from the design.
FRAMES = ("frame", "with_baseline", "wage_long", "answers", "participants", "instruments",
          "unit_events", "primary_frame", "unit_frame", "unit_with_baseline")
#: The frames that count the design's unit (households when it counts households) and
#: whose results do not say so themselves (the declared outcomes' shares do).
UNIT_FRAMES = ("primary_frame", "unit_frame", "unit_with_baseline")
OPTIONS = ("target", "arms", "allocation", "design", "as_of", "seed", "primary")


@dataclasses.dataclass(frozen=True)
class InputSpec:
    """What an analysis function takes from a trial: frames (positional, in order) and
    options derived from the design (``arms`` gives ``treated`` and ``control``, the
    latter None for a single-arm design)."""

    frames: tuple[str, ...]
    options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [f for f in self.frames if f not in FRAMES] + [
            o for o in self.options if o not in OPTIONS]
        if unknown:
            raise ValueError(f"InputSpec: unknown input(s) {unknown}; frames are {FRAMES}, "
                             f"options {OPTIONS}")


class TrialInputs:
    """The frames of one trial as of one date, each built once on first use.

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        Default: the design's cut-off.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> inputs = TrialInputs(simulate_trial(seed=1))
    >>> args, options = inputs.arguments(InputSpec(("frame",), ("target",)))
    >>> len(args[0]), options
    (100, {'target': 0.4})
    """

    def __init__(self, trial: TrialData, as_of: dt.date | str | None = None) -> None:
        self.trial = trial
        self.design = trial.design
        self.outcomes = derive_outcomes(trial, as_of)
        design = self.design
        self.control = (design.control_arm if design.control_arm is not None
                        else "(no control arm)")
        self.treated = next((a for a in design.arms if a != design.control_arm),
                            design.arms[0])
        self._cache: dict[str, pd.DataFrame] = {}

    @property
    def frame(self) -> pd.DataFrame:
        """One row per enrolled participant (:func:`derive_outcomes`)."""
        return self.outcomes.frame

    @property
    def with_baseline(self) -> pd.DataFrame:
        """The outcomes with the baseline covariates of :data:`BASELINE_COLUMNS`."""
        if "with_baseline" not in self._cache:
            people = self.trial.participants
            baseline = [c for c in BASELINE_COLUMNS if c in people and c not in self.frame]
            self._cache["with_baseline"] = self.frame.merge(
                people[["participant_id", *baseline]], on="participant_id", how="left")
        return self._cache["with_baseline"]

    @property
    def households(self) -> pd.Series | None:
        """``household_id`` by participant identifier when the design counts households
        and the data have the column; None when every person is their own unit."""
        people = self.trial.participants
        if self.design.unit != "household" or "household_id" not in people:
            return None
        return people.set_index("participant_id")["household_id"]

    @property
    def unit_frame(self) -> pd.DataFrame:
        """:attr:`frame` with the design's unit: one row per household
        (:func:`frame_by_household`) when the design counts households, else the
        persons' frame itself."""
        if self.households is None:
            return self.frame
        if "unit_frame" not in self._cache:
            self._cache["unit_frame"] = frame_by_household(self.frame, self.households)
        return self._cache["unit_frame"]

    @property
    def unit_with_baseline(self) -> pd.DataFrame:
        """:attr:`unit_frame` with the baseline covariates of :data:`BASELINE_COLUMNS`;
        a household has those of its first enrolled member (``representative``)."""
        if self.households is None:
            return self.with_baseline
        if "unit_with_baseline" not in self._cache:
            people = self.trial.participants
            units = self.unit_frame
            baseline = [c for c in BASELINE_COLUMNS if c in people and c not in units]
            chosen = people[["participant_id", *baseline]].rename(
                columns={"participant_id": "representative"})
            self._cache["unit_with_baseline"] = units.merge(chosen, on="representative",
                                                            how="left")
        return self._cache["unit_with_baseline"]

    @property
    def wage_long(self) -> pd.DataFrame:
        """Wage-value measurements in long form (:func:`wage_value_long`)."""
        if "wage_long" not in self._cache:
            self._cache["wage_long"] = wage_value_long(self.trial, self.outcomes.as_of,
                                                       outcomes=self.outcomes)
        return self._cache["wage_long"]

    @property
    def answers(self) -> pd.DataFrame | None:
        """Employer answers given on or before the as-of date (None without the table)."""
        survey = self.trial.table("employer_survey")
        if survey is None:
            return None
        return survey[survey["answered_on"] <= pd.Timestamp(self.outcomes.as_of)]

    @property
    def unit_events(self) -> pd.DataFrame:
        """When each unit (person or household, as the design counts) reached each
        declared outcome (:func:`outcome_events`, :func:`by_unit`)."""
        if "unit_events" not in self._cache:
            self._cache["unit_events"] = by_unit(
                outcome_events(self.trial, self.outcomes.as_of, outcomes=self.outcomes,
                               missing_table="skip"),
                self.households)
        return self._cache["unit_events"]

    @property
    def counts_default_primary(self) -> bool:
        """Whether the primary outcome is the default one (persons leaving benefit for
        regular work), which :attr:`frame` holds as it always has."""
        return self.design.unit == "person" and self.design.primary == DEFAULT_OUTCOMES[0]

    @property
    def primary_frame(self) -> pd.DataFrame:
        """One row per unit for the design's primary outcome: :attr:`frame` itself for
        the default outcome; otherwise built from :attr:`unit_events` with ``event``
        the outcome's name when reached (else ``"not_reached"``) and ``time_days`` the
        days to reaching it or to the end of observation."""
        if self.counts_default_primary:
            return self.frame
        if "primary_frame" not in self._cache:
            events = self.unit_events
            rows = events[events["outcome"] == self.design.primary_outcome]
            self._cache["primary_frame"] = pd.DataFrame({
                "participant_id": rows["unit_id"].to_numpy(),
                "band": rows["band"].to_numpy(), "instruments": rows["instruments"].to_numpy(),
                "event": np.where(rows["reached"].to_numpy(dtype=bool),
                                  self.design.primary_outcome, "not_reached"),
                "time_days": rows["time_days"].to_numpy(dtype=float)})
        return self._cache["primary_frame"]

    @property
    def participants(self) -> pd.DataFrame:
        """The participants table as loaded."""
        return self.trial.participants

    @property
    def instruments(self) -> pd.DataFrame | None:
        """The instruments table (None without it)."""
        return self.trial.table("instruments")

    def arguments(self, spec: InputSpec, *, seed: int | None = None
                  ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Positional inputs and design-derived options of a function with ``spec``."""
        design = self.design
        known = {"target": {"target": design.target_outflow},
                 # a single-arm design has no control arm: the analyses then describe
                 # the one arm and compare nothing
                 "arms": {"treated": self.treated, "control": design.control_arm},
                 "allocation": {"allocation": design.allocation},
                 "design": {"design": design},
                 "as_of": {"as_of": self.outcomes.as_of},
                 "primary": {"event_of_interest": "regular_work" if self.counts_default_primary
                             else design.primary_outcome},
                 "seed": {} if seed is None else {"seed": seed}}
        options: dict[str, Any] = {}
        for name in spec.options:
            options.update(known[name])
        return tuple(getattr(self, frame) for frame in spec.frames), options


def with_unit_note(result: AnalysisResult, spec: InputSpec, design: Any) -> AnalysisResult:
    """``result`` with a note saying it counted households, when a function with
    ``spec`` read a frame of the design's unit and that unit is the household.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.results import TIDY_COLUMNS
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> result = AnalysisResult("q", "Q", pd.DataFrame(columns=list(TIDY_COLUMNS)), 0)
    >>> with_unit_note(result, InputSpec(("unit_frame",)), TrialDesign()).notes
    ()
    >>> design = TrialDesign(unit="household")
    >>> with_unit_note(result, InputSpec(("unit_frame",)), design).notes[0][:40]
    'Unit: households (participants sharing a'
    """
    if design.unit != "household" or not set(spec.frames) & set(UNIT_FRAMES):
        return result
    note = ("Unit: households (participants sharing a household_id; anyone without one is "
            "a household of their own). A household counts once, with the band and arm of "
            "its first enrolled member, and reaches an outcome when any member does.")
    if note in result.notes:
        return result
    return dataclasses.replace(result, notes=(*result.notes, note))


def accepts_trial(*frames: str, options: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Let an analysis function take a validated trial in place of its frame(s).

    ``frames`` name the :class:`TrialInputs` frames the function takes positionally,
    ``options`` the design-derived options it accepts (:class:`InputSpec`). Then
    ``f(trial, as_of=None, **options)`` builds them with :class:`TrialInputs`; options
    given explicitly win. The spec is kept as ``f.inputs`` for
    :func:`~iedereen_doet_mee.analysis.analyse_trial`.
    """
    spec = InputSpec(tuple(frames), tuple(options))

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def run(data: Any, *args: Any, **given: Any) -> Any:
            if not isinstance(data, TrialData):
                return function(data, *args, **given)
            if args:
                raise TypeError(f"{function.__name__}: given a trial, pass the other "
                                "options by keyword")
            inputs = TrialInputs(data, given.pop("as_of", None))
            positional, implied = inputs.arguments(spec, seed=given.get("seed"))
            result = function(*positional, **{**implied, **given})
            result = with_unit_note(result, spec, data.design)
            if data.design.allocation == "assigned":
                result = label_non_experimental(result)
            return result
        run.inputs = spec  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]
    return wrap
