"""Read and write a :class:`TrialDesign` as TOML (``design.toml``).

The file holds one top-level key per design field, named as the field, so an error
in the file names the same field as an error in Python. Unequal cell sizes go in a
``[n_per_cell]`` table of ``stratum = {arm = n}``; declared outcomes in
``[outcomes.<name>]`` tables, in declaration order; the design's own simulation
assumptions in a ``[simulation]`` table; a chain's stages and practical-support kinds
in a ``[chain]`` table (``stages``, ``practical_support``). An absent ``target_outflow``
declares no target. Reading uses :mod:`tomllib`; writing uses a small serialiser for
the few value types a design holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from ..errors import DesignError
from .chain import chain_fields, chain_table
from .simulation_settings import settings_to_dict
from .trial_design import TrialDesign

__all__ = ["design_from_dict", "design_to_dict", "design_to_toml", "read_design", "write_design"]

_FIELDS = tuple(f.name for f in dataclasses.fields(TrialDesign))
#: Fields added after the first designs were written: left out of ``design.toml`` (and
#: of :func:`design_to_dict`, which a simulated directory's manifest holds) while they
#: hold their default, so a design that does not use them reads as before and its files
#: stay byte-identical.
OMITTED_WHEN_DEFAULT: frozenset[str] = frozenset({"activity_kinds", "outcomes",
                                                  "primary_outcome", "unit", "simulation",
                                                  "money", "chain",
                                                  "practical_support_kinds", "esf"})
_DEFAULTS = TrialDesign()


def design_to_dict(design: TrialDesign) -> dict[str, Any]:
    """Return the design as plain Python values (dates as ``datetime.date``).

    Fields of :data:`OMITTED_WHEN_DEFAULT` holding their default are left out, and so is
    a field holding ``None`` (``target_outflow``: no target; ``control_arm``: the
    default); :func:`design_from_dict` reads the result back to the same design.
    Outcomes are ``{name: {"kind": ..., ...}}``; a chain is ``{"stages": [...],
    "practical_support": [...]}`` under ``chain`` (``practical_support_kinds`` is not a
    key of its own).

    Examples
    --------
    >>> design_to_dict(TrialDesign())["strata"]
    ['40-60', '60-80']
    >>> "outcomes" in design_to_dict(TrialDesign())
    False
    """
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(design, name)
        if name in OMITTED_WHEN_DEFAULT and value == getattr(_DEFAULTS, name):
            continue
        if name == "practical_support_kinds":
            continue  # written in the [chain] table
        if name == "outcomes":
            value = {outcome.name: outcome.to_mapping() for outcome in value}
        elif name == "chain":
            value = chain_table(value, design.practical_support_kinds)
        elif name == "simulation":
            value = settings_to_dict(value)
        elif name == "money" and value is not None:
            value = value.to_mapping()
        elif name == "n_per_cell" and not isinstance(value, int):
            table: dict[str, dict[str, int]] = {}
            for stratum, arm, n in value:
                table.setdefault(stratum, {})[arm] = n
            value = table
        elif isinstance(value, tuple):
            value = list(value)
        if value is None:
            continue
        out[name] = value
    return out


def design_from_dict(data: dict[str, Any], *, source: str = "design") -> TrialDesign:
    """Declare a design from plain values, naming ``source`` in any error.

    As in ``design.toml``, an absent ``target_outflow`` declares no target (``None``);
    every other absent field takes its default. ``outcomes`` may be a table
    ``{name: {"kind": ..., ...}}``; ``chain`` is the ``[chain]`` table (``stages``,
    ``practical_support``).

    Raises
    ------
    DesignError
        For an unknown key or an invalid value; the message names the key and
        ``source``.

    Examples
    --------
    >>> design = design_from_dict({"n_per_cell": 10})
    >>> design.n_total, design.target_outflow
    (40, None)
    >>> design_from_dict({"n_per_cel": 10}, source="my.toml")
    Traceback (most recent call last):
    ...
    iedereen_doet_mee.errors.DesignError: TrialDesign field 'n_per_cel': unknown field in
    my.toml; allowed fields are name, strata, arms, control_arm, n_per_cell, ...
    """
    allowed = [f for f in _FIELDS if f != "practical_support_kinds"]
    for key in data:
        if key not in allowed:
            raise DesignError(
                key, f"unknown field in {source}; allowed fields are {', '.join(allowed)}"
                + ("; practical support is declared in the [chain] table as "
                   "practical_support = [...]" if key == "practical_support_kinds" else "")
            )
    data = dict(data)
    if "chain" in data:
        data.update(chain_fields(data.pop("chain"), source=source))
    try:
        return TrialDesign(**{"target_outflow": None, **data})
    except DesignError as exc:
        raise DesignError(exc.field, f"{str(exc).split(': ', 1)[1]} (in {source})") from None


def read_design(path: str | Path) -> TrialDesign:
    """Read a design from a TOML file.

    Raises
    ------
    DesignError
        When the file is not valid TOML (field ``"<file>"``) or declares an
        invalid design.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DesignError("<file>", f"cannot read {path}: {exc}") from None
    return design_from_dict(data, source=str(path))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def design_to_toml(design: TrialDesign) -> str:
    """Return the design as TOML text that :func:`read_design` reads back unchanged.

    Examples
    --------
    >>> print(design_to_toml(TrialDesign()).splitlines()[1])
    name = "Iedereen doet mee"
    """
    data = design_to_dict(design)
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    lines = ["# Trial design of iedereen_doet_mee; fields are documented in docs/design.md"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in data.items() if k not in tables]
    for name, table in tables.items():
        if name == "outcomes":  # one sub-table per outcome, in declaration order
            for outcome, keys in table.items():
                lines += ["", f"[outcomes.{_toml_key(outcome)}]"]
                lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in keys.items()]
            continue
        lines += ["", f"[{name}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def write_design(design: TrialDesign, path: str | Path) -> Path:
    """Write the design to ``path`` as TOML and return the path."""
    path = Path(path)
    path.write_text(design_to_toml(design), encoding="utf-8", newline="\n")
    return path
