"""Programme money as a programme counts it: the ``[money]`` table of ``design.toml``.

Besides the realised months off benefit (always reported), a programme may count its
money the way its own reports did, for example Schiedam's "134 people left benefit,
times about EUR 15,000 a year each, is EUR 2.01 million" (seed 001). Each figure rests
on a named assumption with its source, and the report prints them beside the numbers:

.. code-block:: toml

    [money]
    savings_per_outflow_per_year = 15000      # EUR of benefit a year, per unit that left
    savings_source = "Schiedam (seed 001): about EUR 15,000 of benefit a year per person"
    savings_outcome = "left_benefit"          # optional: an exit outcome; default primary
    [money.fixed_costs.staff]                 # programme costs not per participant
    eur = 250000
    source = "Budget of the municipality, staff of the programme team"

Examples
--------
>>> money = ProgrammeMoney.from_mapping({"savings_per_outflow_per_year": 15000,
...                                      "savings_source": "seed 001",
...                                      "fixed_costs": {"staff": {"eur": 250000,
...                                                                "source": "budget"}}})
>>> money.fixed_cost_total
250000.0
>>> money.to_mapping()["fixed_costs"]
{'staff': {'eur': 250000.0, 'source': 'budget'}}
>>> ProgrammeMoney.from_mapping({"savings_per_outflow_per_year": 15000})
Traceback (most recent call last):
...
iedereen_doet_mee.errors.DesignError: TrialDesign field 'money.savings_source': every
assumption needs its source; give the document or figure it comes from
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from ..errors import DesignError
from .labels import check_label

__all__ = ["FixedCost", "ProgrammeMoney"]

_KEYS = ("savings_per_outflow_per_year", "savings_source", "savings_outcome", "fixed_costs")


def _euros(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or value < 0:
        raise DesignError(field, f"must be zero or more euros, got {value!r}")
    return float(value)


def _source(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DesignError(field, "every assumption needs its source; give the document or "
                                 "figure it comes from")
    return value.strip()


@dataclasses.dataclass(frozen=True)
class FixedCost:
    """A programme cost that is not per participant (staff, premises), with its source."""

    name: str
    eur: float
    source: str


@dataclasses.dataclass(frozen=True)
class ProgrammeMoney:
    """The money assumptions of a programme (see the module docstring).

    Attributes
    ----------
    savings_per_outflow_per_year : float or None
        Euros of benefit a year saved per unit that reached ``savings_outcome``;
        ``None``: no annualised savings.
    savings_source : str
        Where that figure comes from (required with it).
    savings_outcome : str or None
        The declared exit outcome whose count is multiplied; ``None``: the primary one.
    fixed_costs : tuple of FixedCost
        Programme costs that are not per participant, each with its source.
    """

    savings_per_outflow_per_year: float | None = None
    savings_source: str = ""
    savings_outcome: str | None = None
    fixed_costs: tuple[FixedCost, ...] = ()

    @classmethod
    def from_mapping(cls, table: Any) -> ProgrammeMoney:
        """Read the ``[money]`` table, naming ``money.<key>`` in any error."""
        if isinstance(table, ProgrammeMoney):
            return table
        if not isinstance(table, Mapping):
            raise DesignError("money", f"must be a table, got {table!r}")
        for key in table:
            if key not in _KEYS:
                raise DesignError(f"money.{key}", f"unknown key; the keys are {', '.join(_KEYS)}")
        per_year = table.get("savings_per_outflow_per_year")
        source = ""
        if per_year is not None:
            per_year = _euros("money.savings_per_outflow_per_year", per_year)
            source = _source("money.savings_source", table.get("savings_source"))
        elif "savings_source" in table:
            raise DesignError("money.savings_source", "a source without "
                                                      "savings_per_outflow_per_year; give both")
        outcome = table.get("savings_outcome")
        if outcome is not None:
            check_label("money.savings_outcome", outcome)
        costs = table.get("fixed_costs", {})
        if not isinstance(costs, Mapping):
            raise DesignError("money.fixed_costs", "must be a table of name = {eur, source}")
        fixed = []
        for name, item in costs.items():
            field = f"money.fixed_costs.{name}"
            check_label("money.fixed_costs", name)
            if not isinstance(item, Mapping) or set(item) != {"eur", "source"}:
                raise DesignError(field, "must be a table with exactly eur and source")
            fixed.append(FixedCost(name, _euros(f"{field}.eur", item["eur"]),
                                   _source(f"{field}.source", item["source"])))
        if per_year is None and not fixed:
            raise DesignError("money", "declares nothing; give savings_per_outflow_per_year "
                                       "or fixed_costs, or leave the table out")
        return cls(per_year, source, outcome, tuple(fixed))

    def to_mapping(self) -> dict[str, Any]:
        """The table as ``design.toml`` holds it (only the keys that are set)."""
        out: dict[str, Any] = {}
        if self.savings_per_outflow_per_year is not None:
            out["savings_per_outflow_per_year"] = self.savings_per_outflow_per_year
            out["savings_source"] = self.savings_source
        if self.savings_outcome is not None:
            out["savings_outcome"] = self.savings_outcome
        if self.fixed_costs:
            out["fixed_costs"] = {c.name: {"eur": c.eur, "source": c.source}
                                  for c in self.fixed_costs}
        return out

    @property
    def fixed_cost_total(self) -> float:
        """The sum of the fixed programme costs in euros."""
        return float(sum(c.eur for c in self.fixed_costs))
