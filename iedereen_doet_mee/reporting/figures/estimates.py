"""Report figures drawn from estimates: the target, the instruments x band effects and
costs; :func:`report_figures` builds every figure of the report.

Each function takes an :class:`~iedereen_doet_mee.analysis.AnalysisResult` of
:func:`~iedereen_doet_mee.analysis.analyse_trial` and returns a
:class:`matplotlib.figure.Figure` in the house style (:mod:`.figures`). Only
estimates, intervals and aggregate shares are drawn, never a participant's own data.
The figures of change over follow-up are in :mod:`.plots_time`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator, PercentFormatter

from ...analysis.common import check_option
from ...analysis.estimators import estimator_info
from ...analysis.results import AnalysisResult
from ...analysis.target import TARGET_TEST_ESTIMATORS
from ...analysis.terms import term_pairs
from ...analysis.trial_analysis import TrialAnalysis
from ..tables.consort import ConsortCounts, consort_figure
from .chain import chain_flow_figure
from .declared_outcomes import declared_outcomes_figure
from .over_time import (
    cumulative_incidence_figure,
    kaplan_meier_figure,
    ladder_transition_figure,
    wage_value_figure,
)
from .style import (
    OKABE_ITO,
    Language,
    arm_label,
    cell_label,
    cell_style,
    cell_styles,
    check_result,
    house_style,
    label,
    mark_unavailable,
    missing_label,
    new_figure,
    wage_bands,
    withheld_rows,
)

__all__ = ["REPORT_FIGURES", "EuroFormatter", "ReportFigure", "costs_figure", "format_euro",
           "instrument_effects_figure", "outflow_target_figure", "report_figures"]

Method = Literal["auto", "hc2", "gcomputation", "ipw"]
#: Risk-difference estimators of :func:`instrument_effects`: (per band and overall, interaction).
_METHODS = {"hc2": ("risk_difference_hc2", "risk_difference_interaction_hc2"),
            "gcomputation": ("risk_difference_gcomputation_adjusted",
                             "risk_difference_interaction_gcomputation_adjusted"),
            "ipw": ("risk_difference_ipw", "risk_difference_interaction_ipw")}
#: Cost rows of :func:`costs_and_savings`: (mean per arm, difference between arms).
_COSTS = {"cost": ("mean_instrument_cost_eur", "mean_cost_difference_eur_bootstrap_percentile"),
          "savings": ("mean_benefit_savings_eur",
                      "mean_savings_difference_eur_bootstrap_percentile"),
          "net": ("mean_net_savings_eur", "mean_net_savings_difference_eur_bootstrap_percentile")}
_COST_COLOURS = {"cost": OKABE_ITO["vermillion"], "savings": OKABE_ITO["bluish_green"],
                 "net": OKABE_ITO["blue"]}


def format_euro(value: float, lang: Language, decimals: int = 0) -> str:
    """Euros with ``decimals`` decimals (default whole euros), with the thousands
    separator, decimal mark and minus sign of ``lang``.

    Examples
    --------
    >>> format_euro(-3797.3, "nl"), format_euro(-3797.3, "en")
    ('€ −3.797', '€−3,797')
    >>> format_euro(1234.25, "nl", decimals=2), format_euro(0.5, "en", decimals=1)
    ('€ 1.234,25', '€0.5')
    """
    text = f"{abs(value):,.{decimals}f}"
    sign = "−" if round(value, decimals) < 0 else ""
    if lang == "nl":
        return f"€ {sign}{text.translate(str.maketrans(',.', '.,'))}"
    return f"€{sign}{text}"


class EuroFormatter(Formatter):
    """Tick labels in euros (:func:`format_euro`) with the fewest decimals that keep
    every label on the axis distinct: whole euros for ticks a euro or more apart, cents
    (or finer) for a narrow axis, so an axis never reads "€ 0  € 0  € 0".

    Examples
    --------
    >>> EuroFormatter("nl").format_ticks([-0.04, -0.02, 0.0, 0.02, 0.04])
    ['€ −0,04', '€ −0,02', '€ 0,00', '€ 0,02', '€ 0,04']
    >>> EuroFormatter("en").format_ticks([0, 1000, 2000])
    ['€0', '€1,000', '€2,000']
    """

    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self.decimals = 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        values = [float(v) for v in locs if np.isfinite(v)]
        for decimals in range(7):
            self.decimals = decimals
            if len({format_euro(v, self.lang, decimals) for v in values}) == len(set(values)):
                break

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_euro(x, self.lang, self.decimals)


def _rows(table: pd.DataFrame, estimator: str) -> pd.DataFrame:
    """Rows of the registered ``estimator``, with or without the non-experimental label
    (not its Holm-adjusted rows)."""
    estimator_info(estimator)  # a name the figures look for must be registered
    resolved = [estimator_info(name) for name in table["estimator"].astype(str)]
    return table[[r.name == estimator and not r.holm for r in resolved]]


def _goal(result: AnalysisResult, target: float | None) -> float | None:
    """The target to draw: ``target``, else the one the result states; None when the
    result has no target (the design declares none: no rows test against one)."""
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1:
            raise ValueError(f"outflow_target_figure: option target={target!r} is not "
                             "allowed; use a share between 0 and 1, e.g. 0.4")
        return float(target)
    found = re.search(r"against the (\d+(?:\.\d+)?)% target", result.title)
    if found is None and not result.table["estimator"].astype(str).isin(
            TARGET_TEST_ESTIMATORS).any():
        return None
    if found is None:
        raise ValueError("outflow_target_figure: the result's title does not state the "
                         "target; pass target=, e.g. 0.4")
    return float(found.group(1)) / 100


def outflow_target_figure(result: AnalysisResult, *, lang: Language = "nl",
                          target: float | None = None, outcome: str | None = None) -> Figure:
    """Regular-work outflow per group against the target, with intervals (forest plot).

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["target"]``: rows ``proportion_clopper_pearson`` (observed
        share with the exact interval page 1 and the groups table give) and
        ``kaplan_meier_outflow_longest_estimable`` (outflow allowing for censoring, at
        the longest horizon within follow-up).
    lang : {"nl", "en"}
    target : float, optional
        Default: the target stated in the result's title (e.g. 40%); a result without a
        target (the design declares none) is drawn without a target line.
    outcome : str, optional
        The primary outcome in words (``TrialDesign.primary.describe(lang)``) when it is
        not the default regular-work outflow; it then names the title and axis.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes, outflow_against_target
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = outflow_against_target(derive_outcomes(simulate_trial(seed=1)).frame)
    >>> outflow_target_figure(result, lang="en").get_suptitle()
    'Outflow to regular work against the 40% target'
    """
    check_result("outflow_target_figure", result, ("target",))
    check_option("outflow_target_figure", "lang", lang, Language)
    goal = _goal(result, target)
    table = result.table.assign(withheld=withheld_rows(result))
    terms = list(dict.fromkeys(table["term"].astype(str)))
    markers = {"proportion_clopper_pearson": ("o", "observed_share", 0.0),
               "kaplan_meier_outflow_longest_estimable": ("D", "km_share", 0.25)}
    styles = cell_styles(terms)
    positions, y, depth = {}, 0.0, None
    for term in terms:
        if depth is not None and len(term_pairs(term)) != depth:
            y += 0.5
        positions[term], depth, y = y, len(term_pairs(term)), y + 1.0
    with house_style():
        fig = new_figure(height=1.2 + 0.32 * len(terms))
        ax = fig.add_subplot()
        top, labelled = (0.0 if goal is None else goal), set()
        drawn = pd.concat([_rows(table, e) for e in markers])
        for term in terms:  # one text per group for what of it cannot be drawn, and why
            mine = drawn[drawn["term"].astype(str) == term]
            gone = mine[mine["estimate"].isna()]
            if gone.empty:
                continue
            words = " / ".join(dict.fromkeys(missing_label(bool(w), lang)
                                             for w in gone["withheld"]))
            y0 = positions[term] + (0.12 if len(gone) == len(mine) else
                                    markers[str(gone["estimator"].iloc[0])][2])
            ax.text(0.005, y0, words, va="center", fontsize=6.5, color="0.35",
                    transform=ax.get_yaxis_transform())
        for estimator, (marker, key, shift) in markers.items():
            for row in _rows(table, estimator).itertuples(index=False):
                y0, colour = positions[str(row.term)] + shift, styles[str(row.term)]["color"]
                if pd.isna(row.estimate):
                    continue
                low = row.estimate if pd.isna(row.conf_low) else row.conf_low
                high = row.estimate if pd.isna(row.conf_high) else row.conf_high
                top = max(top, high)
                ax.errorbar(row.estimate, y0, xerr=[[row.estimate - low], [high - row.estimate]],
                            fmt=marker, color=colour, markersize=4, capsize=2, elinewidth=1,
                            markerfacecolor=colour if marker == "o" else "white",
                            label=None if key in labelled else label(key, lang))
                labelled.add(key)
        if goal is not None:
            ax.axvline(goal, color="black", linestyle=":", linewidth=0.9)
            ax.text(goal, -0.7, f"{label('target', lang)} {goal * 100:g}%", ha="center",
                    fontsize=7, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
        n = _rows(table, "proportion_clopper_pearson").set_index("term")["n"]
        ax.set_yticks([positions[t] + 0.12 for t in terms],
                      [cell_label(t, lang, separator=",\n")
                       + (f" (n = {int(n[t])})" if t in n.index else "") for t in terms])
        ax.set_ylim(y - 0.3, -1.0)
        ax.set_xlim(0, min(1.0, top * 1.1 + 0.02))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(label("target_axis", lang) if outcome is None else
                      label("primary_axis", lang))
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            fig.legend(loc="outside lower center", ncols=2)
        if outcome is not None:  # a declared outcome can be long: wrapped to the width
            title = outcome[:1].upper() + outcome[1:]
            fig.suptitle(textwrap.fill(title if goal is None else label(
                "primary_target_title", lang).format(outcome=title, target=f"{goal * 100:g}%"),
                width=80), fontsize=9)
        else:
            fig.suptitle(label("outflow_title", lang) if goal is None else
                         label("target_title", lang).format(target=f"{goal * 100:g}%"))
    return fig


def _effect_rows(table: pd.DataFrame, method: Method) -> tuple[str | None, pd.DataFrame]:
    """The method used and its rows: bands, overall, then the interaction."""
    candidates = list(_METHODS) if method == "auto" else [method]
    chosen = None
    for name in candidates:
        rows = pd.concat([_rows(table, e) for e in _METHODS[name]])
        if len(rows) and (chosen is None or rows["estimate"].notna().any()):
            chosen = (name, rows)
            if rows["estimate"].notna().any():
                break
    if chosen is None:
        return None, table.iloc[:0]
    name, rows = chosen
    order = sorted(rows["term"].astype(str), key=lambda t: (" - " in t, t == "overall", t))
    return name, rows.set_index("term").loc[list(dict.fromkeys(order))].reset_index()


def _symmetric_limits(rows: pd.DataFrame) -> tuple[float, float]:
    """An axis of differences symmetric around 0 that holds every estimate and interval
    bound drawn (a negative difference shows as well as a positive one), within -100% to
    100%; +-50% when nothing is drawn.

    Examples
    --------
    >>> import pandas as pd
    >>> _symmetric_limits(pd.DataFrame({"estimate": [-0.1], "conf_low": [-0.3],
    ...                                 "conf_high": [0.1]}))
    (-0.35, 0.35)
    """
    values = rows[["estimate", "conf_low", "conf_high"]].to_numpy(dtype=float)
    values = np.abs(values[np.isfinite(values)])
    if values.size == 0:
        return -0.5, 0.5
    half = min(1.0, float(np.ceil((values.max() * 1.05 + 0.01) * 20) / 20))
    return -half, half


def _effect_label(term: str, lang: Language) -> str:
    if " - " in term:
        first, second = (term_pairs(p).get("band", p) for p in term.split(" - ", 1))
        unit = "%" if wage_bands((first, second)) else ""  # wage-value bands are percentages
        return (f"{label('interaction', lang)} ({first}{unit} {label('minus', lang)} "
                f"{second}{unit})")
    return cell_label(term, lang)


def instrument_effects_figure(result: AnalysisResult, *, lang: Language = "nl",
                              method: Method = "auto",
                              arms_compared: tuple[str, str] | None = None,
                              stratum: str | None = None) -> Figure:
    """Instruments x band: outflow per cell, and risk differences with the interaction.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["effects"]``; ``extras["cells"]`` holds the share per cell.
    lang : {"nl", "en"}
    method : {"auto", "hc2", "gcomputation", "ipw"}
        Which risk differences to draw: unadjusted with HC2 errors (randomised
        allocation), covariate-adjusted g-computation or inverse probability weighting
        (assigned allocation). ``"auto"`` takes the first of these with an estimate.

    Notes
    -----
    The interaction is the difference between the bands' risk differences,
    :math:`(p_{11} - p_{10}) - (p_{01} - p_{00})`. When allocation was not randomised
    the figure says that these are associations, not effects.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes, instrument_effects
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> frame = derive_outcomes(simulate_trial(seed=1)).frame
    >>> result = instrument_effects(frame, allocation="randomised", n_draws=20)
    >>> len(instrument_effects_figure(result, lang="en", method="hc2").axes)
    2
    """
    check_result("instrument_effects_figure", result, ("effects",))
    check_option("instrument_effects_figure", "lang", lang, Language)
    check_option("instrument_effects_figure", "method", method, Method)
    cells = result.extras.get("cells", pd.DataFrame(columns=["band", "arm", "share"]))
    name, rows = _effect_rows(result.table.assign(withheld=withheld_rows(result)), method)
    bands, arms = sorted(set(cells["band"].astype(str))), sorted(set(cells["arm"].astype(str)))
    styles = cell_styles(rows["term"].astype(str))
    with house_style():
        fig = new_figure(height=3.2)
        left, right = fig.subplots(1, 2, width_ratios=(1, 2.2))
        for j, arm in enumerate(arms):
            mine = cells[cells["arm"].astype(str) == arm].set_index("band")["share"]
            xs = [i for i, b in enumerate(bands) if b in mine.index]
            ys = [float(mine[bands[i]]) for i in xs]
            left.plot(xs, ys, color="0.45", linestyle=cell_style(0, j)["linestyle"],
                      linewidth=1, label=arm_label(arm, lang))
            for x, value in zip(xs, ys, strict=True):
                style = cell_style(x, j, len(arms))
                if np.isnan(value):  # withheld by disclosure control (a public report)
                    left.text(x + (j - (len(arms) - 1) / 2) * 0.18, 0.0,
                              missing_label(True, lang), rotation=90, ha="center",
                              va="bottom", fontsize=6.5, color=style["color"])
                    continue
                left.plot([x], [value], marker=style["marker"], color=style["color"],
                          linestyle="none")
        if bands:
            unit = "%" if wage_bands(bands) else ""  # wage-value bands are percentages
            left.set_xticks(range(len(bands)), [f"{b}{unit}" for b in bands])
            left.set_xlim(-0.4, len(bands) - 0.6)
            left.set_xlabel(stratum or label("band", lang))
            left.legend(loc="upper left")
        else:
            mark_unavailable(left, lang)
        shares = cells["share"].to_numpy(dtype=float)
        top = float(np.nanmax(shares, initial=0.0)) if np.isfinite(shares).any() else 0.35
        left.set_ylim(0, min(1.0, top * 1.35 + 0.02))
        left.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        left.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        left.set_title(label("cell_shares", lang))
        for i, row in enumerate(rows.itertuples(index=False)):
            if pd.isna(row.estimate):
                right.text(0.02, i, missing_label(bool(row.withheld), lang), va="center",
                           fontsize=6.5, color="0.35", transform=right.get_yaxis_transform())
                continue
            low = row.estimate if pd.isna(row.conf_low) else row.conf_low
            high = row.estimate if pd.isna(row.conf_high) else row.conf_high
            colour = "black" if " - " in str(row.term) else styles[str(row.term)]["color"]
            right.errorbar(row.estimate, i, xerr=[[row.estimate - low], [high - row.estimate]],
                           fmt="s" if " - " in str(row.term) else "o", color=colour,
                           markersize=4, capsize=2, elinewidth=1)
        if len(rows):
            right.axvline(0, color="0.3", linewidth=0.7)
            right.set_yticks(range(len(rows)), [_effect_label(str(t), lang) for t in rows["term"]])
            right.set_ylim(len(rows) - 0.5, -0.5)
            right.set_xlim(*_symmetric_limits(rows))
            right.set_title(label(name, lang))
        else:
            mark_unavailable(right, lang)
        right.xaxis.set_major_formatter(FuncFormatter(_points))  # points, not %
        named = {} if arms_compared is None else \
            {"treated": arms_compared[0], "control": arms_compared[1]}
        suffix = "" if arms_compared is None else "_arms"
        right.set_xlabel(label("risk_difference" + suffix, lang).format(**named))
        if any(estimator_info(name).non_experimental for name in result.table["estimator"]):
            fig.supxlabel(label("non_experimental" + suffix, lang), fontsize=7,
                          style="italic")
        fig.suptitle(label("effects_title" + suffix, lang).format(**named))
    return fig


def _points(value: float, _position: object = None) -> str:
    """A tick of a difference of two shares in percentage points (0.2 -> "20").

    Examples
    --------
    >>> _points(-0.4), _points(0.0), _points(0.25)
    ('−40', '0', '25')
    """
    shown = f"{100 * value:.0f}"
    return "0" if shown in ("0", "-0") else shown.replace("-", "−")


def costs_figure(result: AnalysisResult, *, lang: Language = "nl",
                 arms_compared: tuple[str, str] | None = None,
                 unit: Literal["person", "household"] = "person") -> Figure:
    """Mean instrument costs, benefit savings and net savings per arm, and their differences
    between arms with bootstrap intervals (a single-arm design, whose result compares
    nothing, gets the first panel only).

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["costs"]``: rows ``mean_*_eur`` per ``arm:<arm>`` and
        ``mean_*_difference_eur_bootstrap_percentile`` per comparison.
    lang : {"nl", "en"}
    arms_compared : (str, str), optional
        The arm compared and the control arm, for a design whose arms are not
        instruments yes / no: the panel of differences names them.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import costs_and_savings, derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> frame = derive_outcomes(simulate_trial(seed=1)).frame
    >>> figure = costs_figure(costs_and_savings(frame, n_bootstrap=50), lang="en")
    >>> figure.axes[0].get_ylabel()
    'Euros per participant'
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> one_arm = costs_and_savings(frame[frame["instruments"] == "yes"],
    ...                             design=TrialDesign(arms=("yes",)), n_bootstrap=50)
    >>> len(costs_figure(one_arm).axes)
    1
    """
    check_result("costs_figure", result, ("costs",))
    check_option("costs_figure", "lang", lang, Language)
    table = result.table.assign(withheld=withheld_rows(result))
    arms = [t for t in dict.fromkeys(table["term"].astype(str)) if t.startswith("arm:")]
    comparisons = [t for t in dict.fromkeys(table["term"].astype(str)) if " - " in t]
    gaps: dict[Any, list[tuple[float, str]]] = {}  # axes -> (x, why) of each bar not drawn
    filled: set[Any] = set()  # axes with at least one bar drawn
    with house_style():
        fig = new_figure(height=3.2)
        # one arm: no comparison, so no panel of differences
        left, right = fig.subplots(1, 2, width_ratios=(1.3, 1)) if comparisons else \
            (fig.subplots(), None)
        for k, (key, (per_arm, difference)) in enumerate(_COSTS.items()):
            rows = _rows(table, per_arm).set_index("term")
            values = [float(rows["estimate"].get(a, np.nan)) for a in arms]
            xs = np.arange(len(arms)) + (k - 1) * 0.26
            left.bar(xs, np.nan_to_num(values), width=0.26,
                     color=_COST_COLOURS[key], label=label(key, lang))
            filled |= {left} if np.isfinite(values).any() else set()
            gaps.setdefault(left, []).extend(
                (x, missing_label(bool(rows["withheld"].get(a, False)), lang))
                for x, a, v in zip(xs, arms, values, strict=True) if np.isnan(v))
            rows = _rows(table, difference) if right is not None else table.iloc[:0]
            for c, row in enumerate(rows.itertuples(index=False)):
                x = k + (c - (len(comparisons) - 1) / 2) * 0.3
                if pd.isna(row.estimate):
                    gaps.setdefault(right, []).append((x, missing_label(bool(row.withheld),
                                                                        lang)))
                    continue
                filled.add(right)
                err = [[row.estimate - row.conf_low], [row.conf_high - row.estimate]] \
                    if pd.notna(row.conf_low) and pd.notna(row.conf_high) else None
                right.bar(x, row.estimate, width=0.5 / max(len(comparisons), 1),
                          color=_COST_COLOURS[key], yerr=err, capsize=3,
                          error_kw={"elinewidth": 1})
        if arms:
            left.set_xticks(range(len(arms)), [arm_label(a.split(":", 1)[1], lang) for a in arms])
            fig.legend(handles=[Patch(color=_COST_COLOURS[k], label=label(k, lang))
                                for k in _COSTS], loc="outside lower center", ncols=3)
        else:
            mark_unavailable(left, lang)
        if right is not None:
            # two lines a label, a size smaller: the Dutch words ("nettobesparing") touched
            right.set_xticks(range(len(_COSTS)), [label(k, lang).replace(" ", "\n", 1)
                                                  for k in _COSTS], fontsize="small")
            right.set_xlim(-0.5, len(_COSTS) - 0.5)
            right.set_title(label("difference_arms", lang) if arms_compared is None else
                            label("difference_arms_named", lang).format(
                                treated=arms_compared[0], control=arms_compared[1]))
        for ax in (left, right) if right is not None else (left,):
            ax.axhline(0, color="0.3", linewidth=0.7)
            ax.yaxis.set_major_formatter(EuroFormatter(lang))
            _mark_gaps(ax, gaps.get(ax, []), empty=ax not in filled)
        per = "" if unit == "person" else "_household"
        left.set_ylabel(label("euro_axis" + per, lang))
        left.set_title(label("per_arm" + per, lang))
        fig.suptitle(label("costs_title", lang))
    return fig


def _mark_gaps(ax: Any, gaps: list[tuple[float, str]], *, empty: bool) -> None:
    """Write why a bar is missing ("afgeschermd", "niet schatbaar") upright where it would
    stand; an ``empty`` panel (no bar drawn) loses its meaningless euro ticks."""
    for x, why in gaps:
        ax.text(x, 0.03, why, rotation=90, ha="center", va="bottom", fontsize=6.5,
                color="0.35", transform=ax.get_xaxis_transform())
    if gaps and empty:
        ax.set_yticks([])
        ax.set_ylim(0, 1)


#: The report's figures: file stem -> (result key in ``analysis.results``, function).
class ReportFigure(NamedTuple):
    """A figure of the report: the question whose result it draws, the function that
    draws it, and the report section it appears in (a key of the question registry's
    ``SECTIONS``)."""

    question: str
    draw: Callable[..., Figure]
    section: str


#: Every figure of the report by file stem, in the order of the report.
REPORT_FIGURES = {
    "outflow_target": ReportFigure("target", outflow_target_figure, "target"),
    "chain_flow": ReportFigure("chain", chain_flow_figure, "chain"),
    "kaplan_meier": ReportFigure("survival", kaplan_meier_figure, "target"),
    "cumulative_incidence": ReportFigure("survival", cumulative_incidence_figure, "survival"),
    "wage_value": ReportFigure("wage_value", wage_value_figure, "wage_value"),
    "ladder_transitions": ReportFigure("ladder", ladder_transition_figure, "ladder"),
    "instrument_effects": ReportFigure("effects", instrument_effects_figure, "effects"),
    "costs": ReportFigure("costs", costs_figure, "costs"),
    "declared_outcomes": ReportFigure("outcomes", declared_outcomes_figure, "outcomes"),
}


def report_figures(analysis: TrialAnalysis, *, lang: Language = "nl",
                   counts: ConsortCounts | None = None,
                   primary: str | None = None,
                   outcome_names: dict[str, str] | None = None,
                   arms_compared: tuple[str, str] | None = None,
                   stratum: str | None = None,
                   unit: Literal["person", "household"] = "person") -> dict[str, Figure]:
    """Every report figure whose result the analysis has, by file stem.

    A figure whose result is absent (e.g. wage value without a measurements table) is
    left out; ``analysis.skipped`` says why. With ``counts`` the CONSORT diagram
    (stem ``consort``) comes first. The target drawn in the survival figures is the
    one stated by the target result; without a target no figure draws one. ``primary``
    (the primary outcome in words, when it is not the default regular-work outflow)
    names the target figure, and the regular-work survival figures then draw no
    target: the target belongs to the primary outcome. ``outcome_names`` (outcome name
    -> words) label the curves of the declared outcomes. ``arms_compared`` (the arm
    compared and the control arm) and ``stratum`` (the strata's name) are a design's
    own words where its arms are not instruments yes / no and its strata not
    wage-value bands; ``unit`` (the design's) says what the costs figure's means are per.
    """
    check_option("report_figures", "lang", lang, Language)
    figures = {} if counts is None else {"consort": consort_figure(counts, lang=lang)}
    goal = None
    if "target" in analysis.results:
        goal = _goal(analysis.results["target"], None)
    for stem, (key, function, _) in REPORT_FIGURES.items():
        if key not in analysis.results:
            continue
        options: dict[str, Any] = {}
        if key == "survival":
            options["target"] = goal if primary is None else None
        elif key == "target" and primary is not None:
            options["outcome"] = primary
        elif key == "outcomes":
            options["names"] = outcome_names
        elif key == "effects":
            options.update(arms_compared=arms_compared, stratum=stratum)
        elif key == "costs":
            options.update(arms_compared=arms_compared, unit=unit)
        figures[stem] = function(analysis.results[key], lang=lang, **options)
    return figures
