"""The declaration of a trial: strata, arms, planned sizes, dates, target and costs.

A :class:`TrialDesign` is immutable and checked when it is declared: a bad field
raises :class:`~iedereen_doet_mee.errors.DesignError` naming that field. It is not
tied to the 2 x 2 layout of "Iedereen doet mee": any number of strata and arms can be
declared, down to a single-arm caseload with one stratum.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, get_args

from ..dates import add_months, parse_iso_date
from ..errors import DesignError
from .chain import check_chain
from .labels import label_list as _labels
from .labels import positive_int
from .money import ProgrammeMoney
from .outcomes import DEFAULT_OUTCOMES, EXIT_REASONS, OutcomeDefinition, normalise_outcomes
from .simulation_settings import Settings, normalise_settings

__all__ = ["DEFAULT_ACTIVITY_KINDS", "DEFAULT_INSTRUMENT_KINDS", "EXIT_REASONS", "AllocationMethod",
           "Cell", "OutcomeDefinition", "TrialDesign", "Unit"]

AllocationMethod = Literal["randomised", "assigned"]
Unit = Literal["person", "household"]

#: Instrument kinds of the default design. They follow the seeds: job coaching and
#: work-experience places (seed 003), the workshop "future-oriented thinking" (003),
#: help with problems at home first (003), practical support such as a bus card,
#: bicycle, childcare or work clothes (seed 002), and vocational training.
DEFAULT_INSTRUMENT_KINDS: tuple[str, ...] = (
    "job_coach",
    "work_experience",
    "training",
    "workshop_future_thinking",
    "practical_support",
    "care_coordination",
)

#: Activity kinds of the ``activities`` table (other than work) named in the seeds:
#: starting education (Arnhem, seed 004), volunteering and day activities (Maastricht,
#: seed 002), neighbourhood activities (Arnhem), debt counselling (Leeuwarden, seed 005).
DEFAULT_ACTIVITY_KINDS: tuple[str, ...] = (
    "education",
    "volunteering",
    "day_activity",
    "neighbourhood_activity",
    "debt_counselling",
)

_BAND_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


class Cell(NamedTuple):
    """One cell of the design: a stratum crossed with an arm, with its planned size."""

    stratum: str
    arm: str
    planned_n: int


@dataclasses.dataclass(frozen=True)
class TrialDesign:
    """Declaration of a re-integration trial.

    The defaults describe "Iedereen doet mee" (ISD Brabantse Wal with WVS-groep):
    two wage-value bands crossed with instruments yes / no, 25 people per cell,
    enrolment over 24 months from July 2014, data cut-off at the end of the project
    (1 July 2016), a 40% regular-work outflow target and a 6-month durability horizon.

    Parameters
    ----------
    name : str
        Name of the trial, used in reports.
    strata : sequence of str
        Levels of the stratification factor, stored in column ``band`` of the
        participants table. Labels of the form ``"40-60"`` are read as wage-value
        bands (lower bound inclusive, upper bound exclusive except for the highest).
    arms : sequence of str
        Levels of the intervention factor, stored in column ``instruments``.
        One arm declares a single-arm caseload.
    control_arm : str or None
        The comparison arm. ``None`` (default) takes the first arm when there are two
        or more arms and means "no comparison" for a single arm.
    n_per_cell : int or mapping
        Planned size of every cell, or ``{stratum: {arm: n}}`` for unequal cells.
    enrolment_start : date or ISO str
        First day of enrolment.
    enrolment_months : int
        Length of the enrolment window in calendar months.
    cutoff : date or ISO str
        Data cut-off: nothing after this day is observed.
    target_outflow : float or None
        Target share of the primary outcome (0 < target < 1), e.g. the share flowing
        out to regular work; ``None`` declares no target (no target statement anywhere).
    durable_horizon_months : int
        A placement is durable when the job still runs this many months after it
        started (ESF "six months after leaving").
    allocation : {"assigned", "randomised"}
        How arms were allocated within strata. ``"assigned"`` (default) means the
        caseworkers divided people over the arms: no randomisation is assumed.
    block_multiples : sequence of int
        For randomised allocation: permuted-block sizes as multiples of the smallest
        block that holds the arms in their planned ratio (``(1, 2)`` gives blocks of
        2 and 4 for 1:1).
    benefit_cost_per_month : float
        Cost of one month of benefit in euros; see ``benefit_cost_source``.
    benefit_cost_source : str
        Where ``benefit_cost_per_month`` comes from, quoted in every report.
    instrument_kinds : sequence of str
        Allowed values of ``instruments.kind``; empty allows any kind.
    activity_kinds : sequence of str
        Allowed values of ``activities.kind`` (activities other than work, such as
        education or volunteering); empty allows any kind.
    stratum_label, arm_label : str
        Human-readable names of the two factors.
    likert_points : int
        Number of answer categories of the employer survey (answers 1..points).
    outcomes : sequence of OutcomeDefinition or mapping
        The outcomes the report counts (:mod:`~iedereen_doet_mee.design.outcomes`), or
        ``{name: {"kind": ..., ...}}`` as the ``[outcomes.<name>]`` tables of
        ``design.toml`` give them. Default: one exit to regular work.
    primary_outcome : str
        The declared outcome the summary and the target refer to.
    unit : {"person", "household"}
        What the outcomes count: persons, or households (reached when any member does).
    simulation : mapping
        The design's own simulation assumptions (the ``[simulation]`` table of
        ``design.toml``), ``{name: value}`` with names of
        :class:`~iedereen_doet_mee.simulation.SimulationParameters`; cell-specific
        values as ``{"stratum/arm": share}``. Empty (default): the sourced defaults,
        with values for cells and arms the defaults do not name derived as described in
        ``docs/simulation.md``.
    money : ProgrammeMoney, mapping or None
        Programme money as the programme counts it (the ``[money]`` table): annualised
        savings per outflow and fixed programme costs, each with its source
        (:mod:`~iedereen_doet_mee.design.money`); ``None``: only the realised savings.
    chain, practical_support_kinds : sequence of str
        A chain programme's stages in order and its kinds of practical support, all
        instrument kinds (the ``[chain]`` table, :mod:`~iedereen_doet_mee.design.chain`,
        which ``chain`` may also be given as); empty: no chain.
    esf : bool
        Whether the programme is funded by the European Social Fund (default ``True``,
        as "Iedereen doet mee" was). ``False``: the report makes no ESF claim (no "ESF
        project" in its subtitle) and has no section of ESF common indicators.

    Examples
    --------
    >>> design = TrialDesign()
    >>> design.n_total, design.allocation
    (100, 'assigned')
    >>> [c.stratum + "/" + c.arm for c in design.cells]
    ['40-60/no', '40-60/yes', '60-80/no', '60-80/yes']
    >>> TrialDesign(n_per_cell=0)
    Traceback (most recent call last):
    ...
    iedereen_doet_mee.errors.DesignError: TrialDesign field 'n_per_cell': must be at least 1, got 0
    >>> caseload = TrialDesign(name="Schiedam caseload", strata=("all",), arms=("kompas",),
    ...                        n_per_cell=569)
    >>> caseload.n_total, caseload.control_arm
    (569, None)
    >>> caseload.replace(target_outflow=None).primary.describe("en")
    'left benefit for regular work'
    """

    name: str = "Iedereen doet mee"
    strata: tuple[str, ...] = ("40-60", "60-80")
    arms: tuple[str, ...] = ("no", "yes")
    control_arm: str | None = None
    n_per_cell: int | tuple[tuple[str, str, int], ...] = 25
    enrolment_start: dt.date = dt.date(2014, 7, 1)
    enrolment_months: int = 24
    cutoff: dt.date = dt.date(2016, 7, 1)
    target_outflow: float | None = 0.40
    durable_horizon_months: int = 6
    allocation: AllocationMethod = "assigned"
    block_multiples: tuple[int, ...] = (1, 2)
    benefit_cost_per_month: float = round(14_000 / 12, 2)
    benefit_cost_source: str = (
        "Berenschot (2018, 30 municipalities): about EUR 14,000 a year of benefit per "
        "bijstand recipient, execution costs (about EUR 2,883 a year) not included"
    )
    instrument_kinds: tuple[str, ...] = DEFAULT_INSTRUMENT_KINDS
    stratum_label: str = "wage-value band"
    arm_label: str = "instruments"
    likert_points: int = 5
    activity_kinds: tuple[str, ...] = DEFAULT_ACTIVITY_KINDS
    outcomes: tuple[OutcomeDefinition, ...] = DEFAULT_OUTCOMES
    primary_outcome: str = "regular_work"
    unit: Unit = "person"
    simulation: Settings = ()
    money: ProgrammeMoney | None = None
    chain: tuple[str, ...] = ()
    practical_support_kinds: tuple[str, ...] = ()
    esf: bool = True

    def __post_init__(self) -> None:
        put = object.__setattr__
        if not isinstance(self.name, str) or not self.name.strip():
            raise DesignError("name", f"must be a non-empty text, got {self.name!r}")
        put(self, "strata", _labels("strata", self.strata))
        put(self, "arms", _labels("arms", self.arms))
        self._check_control_arm(put)
        put(self, "n_per_cell", self._normalise_sizes(self.n_per_cell))
        for field in ("enrolment_start", "cutoff"):
            try:
                put(self, field, parse_iso_date(getattr(self, field)))
            except ValueError as exc:
                raise DesignError(field, str(exc)) from None
        positive_int("enrolment_months", self.enrolment_months)
        if self.cutoff <= self.enrolment_start:
            raise DesignError(
                "cutoff",
                f"must fall after enrolment_start ({self.enrolment_start}), got {self.cutoff}",
            )
        target = self.target_outflow
        if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                                   or not 0 < target < 1):
            raise DesignError("target_outflow", f"must be a share in (0, 1) or absent (no "
                                                f"target), got {target!r}")
        positive_int("durable_horizon_months", self.durable_horizon_months)
        if self.allocation not in get_args(AllocationMethod):
            raise DesignError(
                "allocation",
                f"must be 'randomised' or 'assigned', got {self.allocation!r}",
            )
        multiples = tuple(self.block_multiples)
        if not multiples:
            raise DesignError("block_multiples", "must hold at least one multiple")
        for m in multiples:
            positive_int("block_multiples", m)
        put(self, "block_multiples", multiples)
        cost = self.benefit_cost_per_month
        if isinstance(cost, bool) or not isinstance(cost, int | float) or not cost >= 0:
            raise DesignError("benefit_cost_per_month", f"must be zero or more euros, got {cost!r}")
        kinds = tuple(self.instrument_kinds)
        if kinds:
            kinds = _labels("instrument_kinds", kinds)
        put(self, "instrument_kinds", kinds)
        activities = tuple(self.activity_kinds)
        put(self, "activity_kinds", _labels("activity_kinds", activities) if activities else ())
        if not isinstance(self.esf, bool):
            raise DesignError("esf", f"must be true or false, got {self.esf!r}")
        for field in ("benefit_cost_source", "stratum_label", "arm_label"):
            if not isinstance(getattr(self, field), str):
                raise DesignError(field, f"must be text, got {getattr(self, field)!r}")
        points = positive_int("likert_points", self.likert_points)
        if points < 2:
            raise DesignError("likert_points", f"must be at least 2, got {points}")
        self._check_outcomes(put)
        put(self, "simulation", normalise_settings(self.simulation))
        self._check_money(put)
        chain = check_chain(self.chain, self.practical_support_kinds, kinds)
        put(self, "chain", chain[0])
        put(self, "practical_support_kinds", chain[1])
        for stratum in self.strata:
            bounds = self.wage_value_bounds(stratum)
            if bounds is not None and not 0 <= bounds[0] < bounds[1] <= 100:
                raise DesignError(
                    "strata", f"band {stratum!r} must run from low to high within 0-100"
                )

    # -- normalisation helpers -------------------------------------------------------
    def _check_control_arm(self, put: Any) -> None:
        control = self.control_arm
        if control is None or control == "":
            put(self, "control_arm", self.arms[0] if len(self.arms) > 1 else None)
            return
        if control not in self.arms:
            raise DesignError("control_arm", f"must be one of {list(self.arms)}, got {control!r}")
        if len(self.arms) == 1:
            raise DesignError("control_arm", "a single-arm design has no control arm; leave it out")

    def _check_outcomes(self, put: Any) -> None:
        outcomes = normalise_outcomes(self.outcomes)
        put(self, "outcomes", outcomes)
        for outcome in outcomes:
            if outcome.kind == "activity" and self.activity_kinds and \
                    outcome.activity not in self.activity_kinds:
                raise DesignError(f"outcomes.{outcome.name}.activity",
                                  f"{outcome.activity!r} is not among the design's "
                                  f"activity_kinds {list(self.activity_kinds)}")
        names = [o.name for o in outcomes]
        if self.primary_outcome not in names:
            raise DesignError("primary_outcome", f"must name a declared outcome "
                                                 f"({', '.join(names)}), got "
                                                 f"{self.primary_outcome!r}")
        if self.unit not in get_args(Unit):
            raise DesignError("unit", f"must be 'person' or 'household', got {self.unit!r}")

    def _check_money(self, put: Any) -> None:
        if self.money is None:
            return
        money = ProgrammeMoney.from_mapping(self.money)
        put(self, "money", money)
        if money.savings_per_outflow_per_year is None:
            return
        name = money.savings_outcome or self.primary_outcome
        field = "money.savings_outcome"
        found = next((o for o in self.outcomes if o.name == name), None)
        if found is None:
            raise DesignError(field, f"must name a declared outcome, got {name!r}")
        if found.kind != "exit":
            raise DesignError(field, f"outcome {name!r} is of kind {found.kind!r}; savings on "
                                     "benefit are counted from an exit outcome: name one")

    def _normalise_sizes(self, sizes: Any) -> int | tuple[tuple[str, str, int], ...]:
        if isinstance(sizes, int) and not isinstance(sizes, bool):
            return positive_int("n_per_cell", sizes)
        if isinstance(sizes, Mapping):
            triples = []
            for stratum, row in sizes.items():
                if not isinstance(row, Mapping):
                    raise DesignError(
                        "n_per_cell", f"entry for stratum {stratum!r} must map arms to sizes"
                    )
                triples.extend((stratum, arm, n) for arm, n in row.items())
            sizes = triples
        try:
            triples = [(str(s), str(a), n) for s, a, n in sizes]
        except (TypeError, ValueError):
            raise DesignError(
                "n_per_cell",
                f"must be an integer or {{stratum: {{arm: n}}}}, got {sizes!r}",
            ) from None
        given = {(s, a): positive_int("n_per_cell", n, allow_zero=True) for s, a, n in triples}
        expected = {(s, a) for s in self.strata for a in self.arms}
        unknown = sorted(set(given) - expected)
        missing = sorted(expected - set(given))
        if unknown or missing or len(given) != len(triples):
            raise DesignError(
                "n_per_cell",
                "must give exactly one size for every stratum/arm cell; "
                f"unknown cells {unknown}, missing cells {missing}",
            )
        for stratum in self.strata:
            if sum(given[(stratum, arm)] for arm in self.arms) == 0:
                raise DesignError("n_per_cell", f"stratum {stratum!r} has no planned participants")
        return tuple((s, a, given[(s, a)]) for s in self.strata for a in self.arms)

    # -- derived quantities ----------------------------------------------------------
    @property
    def cells(self) -> tuple[Cell, ...]:
        """Every stratum/arm cell with its planned size, strata outermost."""
        return tuple(
            Cell(s, a, self.planned_size(s, a)) for s in self.strata for a in self.arms
        )

    def planned_size(self, stratum: str, arm: str) -> int:
        """Planned number of participants in one cell."""
        if stratum not in self.strata or arm not in self.arms:
            raise KeyError(f"no cell {stratum!r}/{arm!r} in this design")
        if isinstance(self.n_per_cell, int):
            return self.n_per_cell
        return next(n for s, a, n in self.n_per_cell if s == stratum and a == arm)

    @property
    def n_total(self) -> int:
        """Planned number of participants over all cells."""
        return sum(cell.planned_n for cell in self.cells)

    @property
    def enrolment_end(self) -> dt.date:
        """First day after the enrolment window."""
        return add_months(self.enrolment_start, self.enrolment_months)

    @property
    def is_single_arm(self) -> bool:
        """Whether the design has one arm only (a caseload without comparison)."""
        return len(self.arms) == 1

    def outcome(self, name: str) -> OutcomeDefinition:
        """The declared outcome called ``name``.

        Examples
        --------
        >>> TrialDesign().outcome("regular_work").describe("nl")
        'uitstroom uit de uitkering naar regulier werk'
        """
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        raise KeyError(f"no outcome {name!r} in this design; declared: "
                       f"{', '.join(o.name for o in self.outcomes)}")

    @property
    def primary(self) -> OutcomeDefinition:
        """The primary outcome (:attr:`primary_outcome`) as declared."""
        return self.outcome(self.primary_outcome)

    def arm_ratio(self, stratum: str) -> tuple[int, ...]:
        """Smallest integer ratio of the planned arm sizes within ``stratum``.

        Examples
        --------
        >>> TrialDesign(n_per_cell={"40-60": {"no": 20, "yes": 30},
        ...                         "60-80": {"no": 25, "yes": 25}}).arm_ratio("40-60")
        (2, 3)
        """
        sizes = [self.planned_size(stratum, arm) for arm in self.arms]
        divisor = math.gcd(*sizes) if any(sizes) else 1
        return tuple(n // divisor for n in sizes)

    def wage_value_bounds(self, stratum: str) -> tuple[float, float] | None:
        """Wage-value bounds of a band label such as ``"40-60"``, else ``None``."""
        match = _BAND_PATTERN.match(stratum)
        if match is None:
            return None
        return float(match.group(1)), float(match.group(2))

    def replace(self, **changes: Any) -> TrialDesign:
        """Return a copy with some fields changed, validated again.

        Examples
        --------
        >>> TrialDesign().replace(allocation="randomised").allocation
        'randomised'
        """
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return (
            f"TrialDesign({self.name!r}: {len(self.strata)} strata x {len(self.arms)} arms, "
            f"n={self.n_total}, {self.allocation}, enrolment {self.enrolment_start} "
            f"+{self.enrolment_months} months, cut-off {self.cutoff})"
        )
