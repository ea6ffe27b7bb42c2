"""The report's figures: house style, each figure from published results, files on disk.

Every figure is a function of results (an :class:`~iedereen_doet_mee.analysis.AnalysisResult`
or a frame) that returns a matplotlib ``Figure`` in the house style; ``docs/figures.md``
shows each one.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:func:`outflow_target_figure`        outflow per cell against the target
:func:`instrument_effects_figure`    differences in outflow between the arms
:func:`costs_figure`                 costs and savings per arm
:func:`kaplan_meier_figure`          time to regular work (Kaplan-Meier)
:func:`cumulative_incidence_figure`  regular work and other exits (Aalen-Johansen)
:func:`wage_value_figure`            wage value over follow-up
:func:`ladder_transition_figure`     steps on the participation ladder
:func:`chain_flow_figure`            the flow through a chain of stages
:func:`power_curve_figure`           power over effect size, from the redesign grid
:func:`report_figures`               every figure of the report, by name
:func:`save_figure`                  deterministic SVG and PNG files
==================================== =====================================================

The names are loaded on first use (the modules import matplotlib), so importing this
package is cheap and no module of ``reporting`` imports another through it.

Examples
--------
>>> from iedereen_doet_mee.reporting.figures import outflow_target_figure
>>> outflow_target_figure.__module__
'iedereen_doet_mee.reporting.figures.estimates'
"""

from __future__ import annotations

from ...lazy_exports import lazy_exports

#: Public name -> module of this package that defines it.
_LAZY = {
    "REPORT_FIGURES": "estimates", "costs_figure": "estimates",
    "instrument_effects_figure": "estimates", "outflow_target_figure": "estimates",
    "report_figures": "estimates",
    "cumulative_incidence_figure": "over_time", "kaplan_meier_figure": "over_time",
    "ladder_transition_figure": "over_time", "wage_value_figure": "over_time",
    "power_curve_figure": "power_curves", "save_power_plot": "power_curves",
    "figure_bytes": "files", "save_figure": "files",
    "house_style": "style", "declared_outcomes_figure": "declared_outcomes",
    "chain_flow_figure": "chain",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
