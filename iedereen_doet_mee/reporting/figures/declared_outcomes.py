"""Report figure of the outcomes a design declares: cumulative incidence over time.

One curve per declared outcome that is reached at a date of its own (an exit, a job,
an activity; a ladder step is only seen at a measurement), from
``analysis.results["outcomes"].extras["curves"]``
(:func:`~iedereen_doet_mee.analysis.outcome_shares.cumulative_incidence_curves`). As in
the other curve figures (:mod:`.over_time`), a curve stops where fewer than
``min_at_risk`` units are at risk, so no step shows one unit's event in the tail; a
public report draws the curves protected (pooled steps, a curve of too few events
withheld and named so in the legend; :mod:`~iedereen_doet_mee.reporting.disclosure.figure_data`).
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...analysis.common import check_option
from ...analysis.results import AnalysisResult
from ..disclosure.figure_data import POOLED_AT
from .over_time import (
    _check_at_risk,
    _draw,
    _step,
    _top,
    _without_events,
    pooled_note,
    withheld_curves,
    withheld_handles,
)
from .style import Language, check_result, house_style, label, mark_unavailable, new_figure

__all__ = ["declared_outcomes_figure"]

#: Line styles per outcome, in declaration order (the cell colours mean bands and arms).
_COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
_LINES = ("-", "--", "-.", ":")


def declared_outcomes_figure(result: AnalysisResult, *, lang: Language = "nl",
                             names: dict[str, str] | None = None,
                             min_at_risk: int = 5) -> Figure:
    """Cumulative incidence of each timed declared outcome, all units together.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["outcomes"]``.
    lang : {"nl", "en"}
    names : dict, optional
        Outcome name -> words for the legend (``OutcomeDefinition.describe(lang)``);
        default the names.
    min_at_risk : int
        A curve stops where fewer than this many units are at risk.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import declared_outcome_shares
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(outcomes={"left": {"kind": "exit", "reasons": [
    ...     "regular_work", "moved", "other"]}}, primary_outcome="left")
    >>> figure = declared_outcomes_figure(declared_outcome_shares(simulate_trial(design)))
    >>> [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    ['left', 'puntsgewijs betrouwbaarheidsinterval']
    """
    check_result("declared_outcomes_figure", result, ("outcomes",))
    check_option("declared_outcomes_figure", "lang", lang, Language)
    _check_at_risk("declared_outcomes_figure", min_at_risk)
    curves_table = result.extras.get("curves", pd.DataFrame(columns=["outcome"]))
    withheld = withheld_curves(result, "curves")
    outcomes = list(dict.fromkeys([*curves_table["outcome"].astype(str), *withheld]))
    names = names or {}
    curves = {o: _step(curves_table[curves_table["outcome"] == o], "survival", "conf_low",
                       "conf_high", True, min_at_risk) for o in outcomes if o not in withheld}
    styles = {o: {"color": _COLOURS[i % len(_COLOURS)],
                  "linestyle": _LINES[(i // len(_COLOURS)) % len(_LINES)]}
              for i, o in enumerate(outcomes)}
    shown = {o: textwrap.fill(names.get(o, o), width=60) for o in outcomes}
    with house_style():
        fig = new_figure(height=3.0 + 0.25 * len(outcomes))
        ax = fig.add_subplot()
        if not outcomes:
            mark_unavailable(ax, lang)
        else:
            _draw(ax, curves, styles, shown, None, _top(curves, None), lang,
                  no_events=_without_events(curves_table, "outcome", curves),
                  pooled=result.extras.get(POOLED_AT) is not None)
            ax.set_ylabel(label("declared_axis", lang))
            handles, _ = ax.get_legend_handles_labels()
            handles += withheld_handles([o for o in outcomes if o in withheld], styles, shown,
                                        lang)
            handles.append(Patch(color="0.6", alpha=0.4, label=label("pointwise", lang)))
            ax.legend(handles=handles, loc="upper left", fontsize=7)
        pooled_note(fig, result.extras.get(POOLED_AT), lang, at_risk=False)
        fig.suptitle(label("declared_title", lang))
    return fig
