"""Markdown tables of the data model, generated from :mod:`.schema` for the docs."""

from __future__ import annotations

from ..design.trial_design import TrialDesign
from .schema import TABLES, Column, allowed_values

__all__ = ["data_model_markdown"]


def _allowed(column: Column, design: TrialDesign) -> str:
    if column.kind == "date":
        return "ISO date `YYYY-MM-DD`, not after the cut-off"
    if column.kind in ("integer", "number"):
        low = "" if column.minimum is None else f"{column.minimum:g}"
        high = "" if column.maximum is None else f"{column.maximum:g}"
        whole = "whole number" if column.kind == "integer" else "number"
        if column.name == "value":
            return "number; wage_value 0-100, ladder_rung whole 1-6"
        if column.name == "answer":
            return "whole number 1 to the design's `likert_points` (default 5)"
        return f"{whole} {low}-{high}".rstrip("-") if low or high else whole
    if column.kind == "id":
        return "pseudonymous text; never a citizen service number"
    if column.kind == "text":
        return "text"
    values = allowed_values(column, design)
    if column.design_levels is not None:
        default = ", ".join(f"`{v}`" for v in values) if values else "any text"
        return f"the design's `{column.design_levels}` (default {default})"
    return ", ".join(f"`{v}`" for v in values or ())


def data_model_markdown() -> str:
    """One Markdown section per table: its meaning and a table of its columns."""
    design = TrialDesign()
    out = []
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        out += [f"### `{table.name}` ({need})", "", table.meaning, "",
                "| column | type | required column | empty allowed | allowed values | meaning "
                "| example |", "|---|---|---|---|---|---|---|"]
        for c in table.columns:
            out.append(f"| `{c.name}` | {c.kind} | {'yes' if c.required else 'no'} | "
                       f"{'yes' if c.nullable else 'no'} | {_allowed(c, design)} | {c.meaning} | "
                       f"`{c.example}` |")
        out.append("")
    return "\n".join(out)
