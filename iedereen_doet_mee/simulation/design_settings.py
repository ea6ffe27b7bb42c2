"""Simulation assumptions for any design: the design's own values, then derived ones.

:class:`SimulationParameters` carries sourced values for the cells and arms of
"Iedereen doet mee" (bands ``40-60``/``60-80`` crossed with instruments ``no``/``yes``).
Another programme declares other strata, arms and instrument kinds; its values come,
in this order, from

1. the ``[simulation]`` table of its ``design.toml`` (:attr:`TrialDesign.simulation`),
   whose tables are merged into the defaults, so one cell can be set alone;
2. otherwise they are derived from the sourced defaults by the arm's role: the control
   arm takes the values of arm ``no`` (no instruments), every other arm, and the one
   arm of a single-arm caseload, those of arm ``yes`` (the programme). A stratum that
   is a wage-value band (``"30-50"``) takes the default outflow shares interpolated
   linearly at its midpoint between the default bands' midpoints (held constant
   beyond them); any other stratum the mean over the default bands. An instrument
   kind the defaults do not know takes the mean uptake, cost and duration of the
   known kinds.

Every derived value is listed by :func:`derived_settings`, and ``simulate`` writes the
values it used into the manifest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..design.simulation_settings import settings_to_dict
from ..design.trial_design import TrialDesign
from ..errors import DesignError
from .parameters import SimulationParameters

__all__ = ["ARM_SPECIFIC", "CELL_SPECIFIC", "KIND_SPECIFIC", "derived_settings",
           "settings_for_design"]

#: Assumptions keyed ``"stratum/arm"``.
CELL_SPECIFIC = ("regular_work_24m", "subsidised_work_24m")
#: Assumptions keyed by arm.
ARM_SPECIFIC = ("wage_value_growth_per_month", "ladder_up_per_month", "employer_view_by_arm")
#: Assumptions keyed by instrument kind.
KIND_SPECIFIC = ("instrument_uptake", "instrument_cost_eur", "instrument_months")
#: Tables of ``[simulation]`` merged into the defaults (the others replace them whole,
#: e.g. ``household_shares``, whose shares must add up to 1).
_MERGED = (*CELL_SPECIFIC, *ARM_SPECIFIC, *KIND_SPECIFIC, "exit_time_shapes",
           "life_wheel_means", "retention_hazard_ratios")
_FIELDS = {f.name: f for f in dataclasses.fields(SimulationParameters)}


def _role(design: TrialDesign, arm: str) -> str:
    """The default design's arm whose values ``arm`` takes: ``no`` for the control arm."""
    return "no" if arm == design.control_arm else "yes"


def _from_design_table(design: TrialDesign) -> SimulationParameters:
    defaults = SimulationParameters()
    changes: dict[str, Any] = {}
    for name, value in settings_to_dict(design.simulation).items():
        field = f"simulation.{name}"
        if name not in _FIELDS:
            raise DesignError(field, "unknown assumption; the names are those of "
                                     "SimulationParameters in docs/simulation.md")
        allowed = ({f"{c.stratum}/{c.arm}" for c in design.cells} if name in CELL_SPECIFIC
                   else set(design.arms) if name in ARM_SPECIFIC else None)
        if isinstance(value, Mapping) and allowed is not None:
            unknown = sorted(set(value) - allowed)
            if unknown:
                what = "a cell" if name in CELL_SPECIFIC else "an arm"
                raise DesignError(field, f"{', '.join(map(repr, unknown))} is not {what} of "
                                         f"the design; use one of {', '.join(sorted(allowed))}")
        default = getattr(defaults, name)
        if isinstance(value, Mapping) and name in _MERGED:
            value = {**default, **{k: tuple(v) if isinstance(v, list) else v
                                   for k, v in value.items()}}
        elif isinstance(value, list):
            value = tuple(value)
        changes[name] = value
    try:
        return dataclasses.replace(defaults, **changes)
    except (TypeError, ValueError) as exc:
        text = str(exc).removeprefix("SimulationParameters")
        name = next((n for n in changes if n in text), next(iter(changes), ""))
        raise DesignError(f"simulation.{name}" if name else "simulation",
                          text.lstrip(".: ").removeprefix(f"{name}: ")) from None


def _midpoint(design: TrialDesign, stratum: str) -> float | None:
    bounds = design.wage_value_bounds(stratum)
    return None if bounds is None else (bounds[0] + bounds[1]) / 2


def _derive_cell(values: Mapping[str, float], design: TrialDesign, stratum: str,
                 role: str) -> float:
    same_role = {k.split("/", 1)[0]: float(v) for k, v in values.items()
                 if "/" in k and k.split("/", 1)[1] == role}
    if stratum in same_role:
        return same_role[stratum]
    pool = same_role or {k: float(v) for k, v in values.items()}
    mid = _midpoint(design, stratum)
    bands = {m: v for k, v in pool.items()
             if (m := _midpoint(design, k.split("/", 1)[0])) is not None}
    if mid is not None and bands:
        xs = sorted(bands)
        return float(np.interp(mid, xs, [bands[x] for x in xs]))
    return float(np.mean(list(pool.values())))


def _fill(parameters: SimulationParameters, design: TrialDesign
          ) -> tuple[SimulationParameters, dict[str, dict[str, float]]]:
    added: dict[str, dict[str, float]] = {}
    for name in CELL_SPECIFIC:
        values = getattr(parameters, name)
        if isinstance(values, Mapping):
            for cell in design.cells:
                key = f"{cell.stratum}/{cell.arm}"
                if key not in values:
                    added.setdefault(name, {})[key] = round(_derive_cell(
                        values, design, cell.stratum, _role(design, cell.arm)), 6)
    for name in ARM_SPECIFIC:
        values = getattr(parameters, name)
        if isinstance(values, Mapping):
            for arm in design.arms:
                if arm not in values:
                    role = _role(design, arm)
                    added.setdefault(name, {})[arm] = float(
                        values[role] if role in values else np.mean(list(values.values())))
    for name in KIND_SPECIFIC:
        values = getattr(parameters, name)
        for kind in design.instrument_kinds:
            if kind not in values:
                added.setdefault(name, {})[kind] = round(float(np.mean(list(values.values()))), 6)
    if not added:
        return parameters, added
    changes = {name: {**getattr(parameters, name), **extra} for name, extra in added.items()}
    return dataclasses.replace(parameters, **changes), added


def settings_for_design(design: TrialDesign,
                        parameters: SimulationParameters | None = None) -> SimulationParameters:
    """The simulation assumptions for ``design``, with a value for every cell, arm and kind.

    Parameters
    ----------
    design : TrialDesign
        The design; its ``[simulation]`` table is used when ``parameters`` is ``None``.
    parameters : SimulationParameters, optional
        Explicit assumptions (they take the place of the defaults and of the design's
        table); cells, arms and kinds they do not name are still derived.

    Raises
    ------
    DesignError
        For an unknown name, cell or arm, or an invalid value in the design's
        ``[simulation]`` table, naming ``simulation.<name>``.

    Examples
    --------
    >>> caseload = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=569)
    >>> settings_for_design(caseload).regular_work_24m["all/kompas"]
    0.24
    >>> band = TrialDesign(strata=("30-50", "50-70"), arms=("no", "yes"))
    >>> settings_for_design(band).regular_work_24m["30-50/no"]
    0.12
    >>> own = caseload.replace(simulation={"regular_work_24m": {"all/kompas": 0.13}})
    >>> settings_for_design(own).regular_work_24m["all/kompas"]
    0.13
    >>> settings_for_design(TrialDesign()) == SimulationParameters()
    True
    """
    base = _from_design_table(design) if parameters is None else parameters
    return _fill(base, design)[0]


def derived_settings(design: TrialDesign, parameters: SimulationParameters | None = None
                     ) -> dict[str, dict[str, float]]:
    """The values :func:`settings_for_design` derived, ``{assumption: {key: value}}``.

    Examples
    --------
    >>> derived_settings(TrialDesign(strata=("all",), arms=("usual", "coach")))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'regular_work_24m': {'all/usual': 0.16, 'all/coach': 0.24},
     'subsidised_work_24m': {'all/usual': 0.05, 'all/coach': 0.075},
     'wage_value_growth_per_month': {'usual': 0.3, 'coach': 0.6},
     'ladder_up_per_month': {'usual': 0.04, 'coach': 0.07},
     'employer_view_by_arm': {'usual': 0.0, 'coach': 0.3}}
    >>> derived_settings(TrialDesign())
    {}
    """
    base = _from_design_table(design) if parameters is None else parameters
    return _fill(base, design)[1]
