"""The ``[simulation]`` table of ``design.toml``: simulation assumptions set per design.

A design may carry its own values for the simulator's assumptions
(:class:`~iedereen_doet_mee.simulation.SimulationParameters`), for example the outflow
share of each of its cells::

    [simulation]
    dropout_24m = 0.05
    [simulation.regular_work_24m]
    "all/kompas" = 0.13

This module only checks the shape (names are labels, values are numbers, texts, lists
or tables of those) and stores the table in a hashable form; which names exist and
which values they allow is checked by
:func:`~iedereen_doet_mee.simulation.design_settings.settings_for_design`, because the
assumptions belong to the simulation layer above the design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import DesignError

__all__ = ["Settings", "normalise_settings", "settings_to_dict"]

#: Stored form: ``((name, value), ...)``; a table value is itself ``((key, value), ...)``,
#: a list is a tuple of numbers or texts.
Settings = tuple[tuple[str, Any], ...]


def _scalar(field: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DesignError(field, f"must be a number or a text, got {value!r}")
    return value


def _value(field: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        if not value:
            raise DesignError(field, "an empty table sets nothing; leave it out")
        pairs = []
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise DesignError(field, f"keys must be texts, got {key!r}")
            inner = f"{field}.{key}"
            pairs.append((key, tuple(_scalar(inner, v) for v in item)
                          if isinstance(item, list | tuple) else _scalar(inner, item)))
        return tuple(pairs)
    if isinstance(value, list | tuple):
        return tuple(_scalar(field, v) for v in value)
    return _scalar(field, value)


def normalise_settings(value: Any) -> Settings:
    """The ``[simulation]`` table in stored form, or a :class:`DesignError`.

    Examples
    --------
    >>> normalise_settings({"dropout_24m": 0.05,
    ...                     "regular_work_24m": {"all/kompas": 0.13}})
    (('dropout_24m', 0.05), ('regular_work_24m', (('all/kompas', 0.13),)))
    >>> normalise_settings({"dropout_24m": True})
    Traceback (most recent call last):
    ...
    iedereen_doet_mee.errors.DesignError: TrialDesign field 'simulation.dropout_24m': must be a
    number or a text, got True
    """
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = settings_to_dict(value)
    if not isinstance(value, Mapping):
        raise DesignError("simulation", f"must be a table of assumption = value, got {value!r}")
    out = []
    for name, item in value.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise DesignError("simulation", f"{name!r} is not an assumption name")
        out.append((name, _value(f"simulation.{name}", item)))
    return tuple(out)


def _is_table(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in value)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The stored settings as plain values (tables as dicts, lists as lists).

    Examples
    --------
    >>> settings_to_dict((("exit_time_shapes", (("moved", (1.0, 20.0)),)),))
    {'exit_time_shapes': {'moved': [1.0, 20.0]}}
    """
    def plain(value: Any) -> Any:
        if _is_table(value):
            return {k: plain(v) for k, v in value}
        if isinstance(value, tuple):
            return list(value)
        return value
    return {name: plain(value) for name, value in settings}
