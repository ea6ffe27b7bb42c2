"""Outcomes declared in the design: :class:`OutcomeDefinition`.

A design names the outcomes its report counts, each of one kind:

=============  ==============================================  ==========================
kind           reached when                                    keys (besides ``kind``)
=============  ==============================================  ==========================
``exit``       the person left benefit with one of ``reasons``  ``reasons`` (required)
``job``        a job spell in the employment table of at least  ``min_hours_per_week``,
               ``min_hours_per_week`` hours, subsidised or not  ``subsidised``
``ladder_step`` a rung at least ``min_steps`` above intake      ``min_steps``
``activity``   a row of kind ``activity`` in ``activities``     ``activity`` (required)
=============  ==============================================  ==========================

Every kind also takes ``within_months``: the outcome counts only when reached within
that many months after enrolment. A key that does not belong to the kind is refused,
naming ``outcomes.<name>.<key>``. The default design declares one outcome, an exit to
regular work (:data:`DEFAULT_OUTCOMES`).

Examples
--------
>>> work = OutcomeDefinition.from_mapping(
...     "work_16h", {"kind": "job", "min_hours_per_week": 16, "within_months": 6})
>>> work.describe("nl")
'betaald werk van minstens 16 uur per week binnen 6 maanden'
>>> work.to_mapping()
{'kind': 'job', 'min_hours_per_week': 16.0, 'within_months': 6}
>>> OutcomeDefinition.from_mapping("step", {"kind": "exit", "min_steps": 2})
Traceback (most recent call last):
...
iedereen_doet_mee.errors.DesignError: TrialDesign field 'outcomes.step.min_steps': does not
belong to an outcome of kind 'exit'; its keys are kind, reasons, within_months
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Literal, get_args

from ..errors import DesignError
from .labels import check_label, positive_int

__all__ = ["DEFAULT_OUTCOMES", "EXIT_REASONS", "OUTCOME_KEYS", "OutcomeDefinition",
           "OutcomeKind", "normalise_outcomes"]

OutcomeKind = Literal["exit", "job", "ladder_step", "activity"]
Subsidised = Literal["yes", "no", "any"]

#: Reasons for leaving benefit recorded in ``participants.exit_reason``.
EXIT_REASONS: tuple[str, ...] = (
    "regular_work",
    "subsidised_work",
    "education",
    "moved",
    "unlawful",
    "other",
)

#: The keys each kind takes in ``design.toml``, in the order the writer writes them.
OUTCOME_KEYS: dict[str, tuple[str, ...]] = {
    "exit": ("kind", "reasons", "within_months"),
    "job": ("kind", "min_hours_per_week", "subsidised", "within_months"),
    "ladder_step": ("kind", "min_steps", "within_months"),
    "activity": ("kind", "activity", "within_months"),
}
_REQUIRED = {"exit": "reasons", "activity": "activity"}
MAX_HOURS_PER_WEEK = 80.0
#: The participation ladder has six rungs, so at most five steps up from intake.
MAX_LADDER_STEPS = 5

# words of describe(): (Dutch, English)
_REASON_WORDS = {"regular_work": ("regulier werk", "regular work"),
                 "subsidised_work": ("gesubsidieerd werk", "subsidised work"),
                 "education": ("opleiding", "education"),
                 "moved": ("verhuizing", "moved away"),
                 "unlawful": ("onrechtmatigheid", "unlawful receipt"),
                 "other": ("overige redenen", "other reasons")}
_ACTIVITY_WORDS = {"education": ("een opleiding", "education"),
                   "volunteering": ("vrijwilligerswerk", "volunteering"),
                   "day_activity": ("dagbesteding", "day activities"),
                   "neighbourhood_activity": ("een buurtactiviteit", "a neighbourhood activity"),
                   "debt_counselling": ("schuldhulpverlening", "debt counselling")}
#: Exit reasons that are a destination ("naar regulier werk"), not a cause.
_DESTINATIONS = ("regular_work", "subsidised_work", "education")
_WORK_WORDS = {"any": ("betaald werk", "paid work"),
               "yes": ("gesubsidieerd werk", "subsidised work"),
               "no": ("ongesubsidieerd betaald werk", "unsubsidised paid work")}


def _foreign(name: str, kind: str, key: str) -> DesignError:
    return DesignError(f"outcomes.{name}.{key}", f"does not belong to an outcome of kind "
                       f"{kind!r}; its keys are {', '.join(OUTCOME_KEYS[kind])}")


def _missing(name: str, kind: str, key: str) -> DesignError:
    return DesignError(f"outcomes.{name}.{key}", f"is required for an outcome of kind {kind!r}")


@dataclasses.dataclass(frozen=True)
class OutcomeDefinition:
    """One outcome the design declares: what counts as reaching it.

    Parameters
    ----------
    name : str
        Its name in ``design.toml`` (``[outcomes.<name>]``) and in the results; a
        label (letters, digits and ``_ . + -``).
    kind : {"exit", "job", "ladder_step", "activity"}
        What is counted; see the module's table.
    reasons : sequence of str
        Kind ``exit``: the exit reasons that count (a non-empty subset of
        :data:`EXIT_REASONS`).
    min_hours_per_week : float
        Kind ``job``: the shortest working week that counts, 0 to 80 hours.
    subsidised : {"any", "yes", "no"}
        Kind ``job``: which jobs count, by ``employment.subsidised``.
    min_steps : int
        Kind ``ladder_step``: rungs above the rung at intake, 1 to 5.
    activity : str
        Kind ``activity``: the ``activities.kind`` that counts (required).
    within_months : int or None
        Any kind: reached within this many months after enrolment (at least 1);
        ``None`` counts it whenever it happened before the as-of date.

    Examples
    --------
    >>> OutcomeDefinition("left_benefit", "exit", reasons=("regular_work", "moved")).describe("en")
    'left benefit (regular work, moved away)'
    >>> OutcomeDefinition("w", "job", min_hours_per_week=100)
    Traceback (most recent call last):
    ...
    iedereen_doet_mee.errors.DesignError: TrialDesign field 'outcomes.w.min_hours_per_week':
    must be a number of hours from 0 to 80, got 100
    """

    name: str
    kind: OutcomeKind
    reasons: tuple[str, ...] = ()
    min_hours_per_week: float = 0.0
    subsidised: Subsidised = "any"
    min_steps: int = 1
    activity: str | None = None
    within_months: int | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        check_label("outcomes", self.name)
        if self.kind not in OUTCOME_KEYS:
            raise DesignError(self._field("kind"), f"must be one of {list(OUTCOME_KEYS)}, "
                                                   f"got {self.kind!r}")
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        for key in ("reasons", "min_hours_per_week", "subsidised", "min_steps", "activity"):
            if key not in OUTCOME_KEYS[self.kind] and getattr(self, key) != defaults[key]:
                raise _foreign(self.name, self.kind, key)
        put(self, "reasons", self._reasons(self.reasons))
        put(self, "min_hours_per_week", self._hours(self.min_hours_per_week))
        if self.subsidised not in get_args(Subsidised):
            raise DesignError(self._field("subsidised"), f"must be 'yes', 'no' or 'any', got "
                                                         f"{self.subsidised!r}")
        steps = positive_int(self._field("min_steps"), self.min_steps)
        if steps > MAX_LADDER_STEPS:
            raise DesignError(self._field("min_steps"), f"must be 1 to {MAX_LADDER_STEPS} (the "
                              f"ladder has six rungs), got {steps}")
        if self.kind == "activity" and self.activity is None:
            raise _missing(self.name, self.kind, "activity")
        if self.activity is not None:
            check_label(self._field("activity"), self.activity)
        if self.within_months is not None:
            positive_int(self._field("within_months"), self.within_months)

    # -- checks ------------------------------------------------------------------------
    def _field(self, key: str) -> str:
        return f"outcomes.{self.name}.{key}"

    def _reasons(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise DesignError(self._field("reasons"), f"must be a list of exit reasons, got "
                                                      f"{value!r}")
        reasons = tuple(value)
        if self.kind == "exit" and not reasons:
            raise DesignError(self._field("reasons"), "must name at least one exit reason of "
                              f"{list(EXIT_REASONS)}")
        unknown = [r for r in reasons if r not in EXIT_REASONS]
        if unknown:
            raise DesignError(self._field("reasons"), f"unknown exit reason(s) {unknown}; "
                              f"allowed: {list(EXIT_REASONS)}")
        if len(set(reasons)) != len(reasons):
            raise DesignError(self._field("reasons"), f"must be distinct, got {list(reasons)}")
        return reasons

    def _hours(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not (math.isfinite(value) and 0 <= value <= MAX_HOURS_PER_WEEK):
            raise DesignError(self._field("min_hours_per_week"), "must be a number of hours "
                              f"from 0 to {MAX_HOURS_PER_WEEK:g}, got {value!r}")
        return float(value)

    # -- TOML --------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, name: str, mapping: Any) -> OutcomeDefinition:
        """Declare an outcome from its ``[outcomes.<name>]`` table of ``design.toml``.

        Raises
        ------
        DesignError
            Naming ``outcomes.<name>.<key>`` for a missing ``kind``, an unknown key, a
            key of another kind or an invalid value.
        """
        check_label("outcomes", name)
        if not isinstance(mapping, Mapping):
            raise DesignError(f"outcomes.{name}", f"must be a table of keys (kind = ...), got "
                                                  f"{mapping!r}")
        if "kind" not in mapping:
            raise DesignError(f"outcomes.{name}.kind", "is required: one of "
                              f"{list(OUTCOME_KEYS)}")
        kind = mapping["kind"]
        if kind not in OUTCOME_KEYS:
            raise DesignError(f"outcomes.{name}.kind", f"must be one of {list(OUTCOME_KEYS)}, "
                                                       f"got {kind!r}")
        known = {key for keys in OUTCOME_KEYS.values() for key in keys}
        for key in mapping:
            if key not in known:
                raise DesignError(f"outcomes.{name}.{key}", f"unknown key; the keys of an "
                                  f"outcome of kind {kind!r} are {', '.join(OUTCOME_KEYS[kind])}")
        for key in mapping:
            if key not in OUTCOME_KEYS[kind]:
                raise _foreign(name, kind, key)
        if kind in _REQUIRED and _REQUIRED[kind] not in mapping:
            raise _missing(name, kind, _REQUIRED[kind])
        values = {k: v for k, v in mapping.items() if k != "kind"}
        if isinstance(values.get("reasons"), list):
            values["reasons"] = tuple(values["reasons"])
        return cls(name, kind, **values)

    def to_mapping(self) -> dict[str, Any]:
        """The ``[outcomes.<name>]`` table: ``kind``, then the keys of the kind that differ
        from their default (the required ones always), in :data:`OUTCOME_KEYS` order."""
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        out: dict[str, Any] = {"kind": self.kind}
        for key in OUTCOME_KEYS[self.kind][1:]:
            value = getattr(self, key)
            if key == _REQUIRED.get(self.kind) or value != defaults[key]:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out

    # -- words -------------------------------------------------------------------------
    def describe(self, lang: Literal["nl", "en"] = "nl") -> str:
        """What counts as reaching the outcome, in one line of Dutch or English.

        Examples
        --------
        >>> OutcomeDefinition("s", "ladder_step", within_months=6).describe("nl")
        'minstens 1 trede hoger op de participatieladder binnen 6 maanden'
        >>> OutcomeDefinition("e", "activity", activity="education").describe("en")
        'started education'
        """
        nl = lang == "nl"
        if self.kind == "exit":
            words = [_REASON_WORDS[r][0 if nl else 1] for r in self.reasons]
            if len(words) == 1 and self.reasons[0] in _DESTINATIONS:
                text = f"uitstroom uit de uitkering naar {words[0]}" if nl else \
                    f"left benefit for {words[0]}"
            else:
                text = ("uitstroom uit de uitkering" if nl else "left benefit") + \
                    f" ({', '.join(words)})"
        elif self.kind == "job":
            text = _WORK_WORDS[self.subsidised][0 if nl else 1]
            if self.min_hours_per_week > 0:
                hours = f"{self.min_hours_per_week:g}"
                text += f" van minstens {hours.replace('.', ',')} uur per week" if nl else \
                    f" of at least {hours} hours a week"
        elif self.kind == "ladder_step":
            k = self.min_steps
            text = (f"minstens {k} {'trede' if k == 1 else 'treden'} hoger op de "
                    "participatieladder") if nl else \
                f"at least {k} {'rung' if k == 1 else 'rungs'} up the participation ladder"
        else:
            known = _ACTIVITY_WORDS.get(str(self.activity))
            what = known[0 if nl else 1] if known else f"activiteit '{self.activity}'" if nl \
                else f"activity '{self.activity}'"
            text = f"gestart met {what}" if nl else f"started {what}"
        if self.within_months is not None:
            m = self.within_months
            text += (f" binnen {m} {'maand' if m == 1 else 'maanden'}" if nl else
                     f" within {m} {'month' if m == 1 else 'months'}")
        return text


#: The outcomes of the default design: an exit from benefit to regular work.
DEFAULT_OUTCOMES: tuple[OutcomeDefinition, ...] = (
    OutcomeDefinition("regular_work", "exit", reasons=("regular_work",)),
)


def normalise_outcomes(value: Any) -> tuple[OutcomeDefinition, ...]:
    """The design's ``outcomes`` as a tuple: from a sequence of :class:`OutcomeDefinition`
    or a mapping ``name -> {key: value}`` as TOML gives it (declaration order kept).

    Examples
    --------
    >>> [o.name for o in normalise_outcomes({"left": {"kind": "exit", "reasons": ["moved"]}})]
    ['left']
    """
    if isinstance(value, Mapping):
        outcomes = []
        for name, entry in value.items():
            if isinstance(entry, OutcomeDefinition):
                if entry.name != name:
                    raise DesignError(f"outcomes.{name}", f"is declared with the name "
                                                          f"{entry.name!r}")
                outcomes.append(entry)
            else:
                outcomes.append(OutcomeDefinition.from_mapping(name, entry))
    elif isinstance(value, str) or not hasattr(value, "__iter__"):
        raise DesignError("outcomes", f"must be outcome definitions or a table of them, got "
                                      f"{value!r}")
    else:
        outcomes = list(value)
        for entry in outcomes:
            if not isinstance(entry, OutcomeDefinition):
                raise DesignError("outcomes", f"must hold OutcomeDefinition objects, got "
                                              f"{entry!r}")
    if not outcomes:
        raise DesignError("outcomes", "must declare at least one outcome")
    names = [o.name for o in outcomes]
    if len(set(names)) != len(names):
        raise DesignError("outcomes", f"names must be distinct, got {names}")
    return tuple(outcomes)
