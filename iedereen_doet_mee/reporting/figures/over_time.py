"""Report figures of change over follow-up: Kaplan-Meier outflow, cumulative incidence,
wage-value trajectories and participation-ladder transitions.

Each function takes an :class:`~iedereen_doet_mee.analysis.AnalysisResult` of
:func:`~iedereen_doet_mee.analysis.analyse_trial` and returns a
:class:`matplotlib.figure.Figure` in the house style (:mod:`.figures`); save it with
:func:`~iedereen_doet_mee.reporting.figures.style.save_figure`. Only curves and model
predictions are drawn, never a participant's own data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

from ...analysis.common import check_option
from ...analysis.results import AnalysisResult
from ...analysis.terms import term_pairs
from ..disclosure.figure_data import (
    AT_RISK_SHOWN,
    POOLED_AT,
    WITHHELD_CURVES,
    at_risk,
    months_axis,
    rounding_base,
)
from .style import (
    Language,
    arm_label,
    cell_label,
    cell_styles,
    check_result,
    house_style,
    label,
    mark_unavailable,
    new_figure,
)

__all__ = ["at_risk", "cumulative_incidence_figure", "drawn_grouping", "kaplan_meier_figure",
           "ladder_transition_figure", "pooled_note", "wage_value_figure", "withheld_curves",
           "withheld_handles"]

Interval = Literal["pointwise", "simultaneous", "none"]
LadderKind = Literal["heatmap", "stacked"]
_RUNGS = {f"rung_{r}" for r in range(1, 7)}
_CURVE = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _groups(terms: Iterable[str], withheld: Iterable[str] = ()) -> list[str]:
    """The finest grouping the curves have: cells, else arms, else bands, else overall.

    With curves ``withheld`` by disclosure control (a public report), the finest
    grouping of which at least one curve can be drawn: in a small trial whose cells are
    all withheld, the arms (or the bands, or everyone) are drawn instead.
    """
    withheld = {str(t) for t in withheld}
    terms = list(dict.fromkeys([*(str(t) for t in terms), *withheld]))
    found = []
    for keys in ({"band", "instruments"}, {"instruments"}, {"band"}):
        hits = [t for t in terms if set(term_pairs(t)) == keys]
        if hits:
            found.append(sorted(hits))
    found.append([t for t in terms if t == "overall"][:1])
    for hits in found:
        if any(t not in withheld for t in hits):
            return hits
    return found[0]


def drawn_grouping(result: AnalysisResult, table: str = "kaplan_meier") -> str:
    """Which groups the curves of ``result.extras[table]`` are drawn for, as
    :func:`kaplan_meier_figure` chooses them: ``"cells"``, ``"arms"``, ``"strata"`` or
    ``"overall"`` (disclosure control may leave only a coarser grouping drawable), so
    that the caption names what is drawn.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.results import AnalysisResult, tidy_table
    >>> km = pd.DataFrame({"term": ["overall", "band=a", "band=b"]})
    >>> result = AnalysisResult("survival", "Time to work", tidy_table([]), n=20,
    ...                         extras={"kaplan_meier": km})
    >>> drawn_grouping(result)
    'strata'
    """
    terms = result.extras.get(table, pd.DataFrame(columns=["term"]))["term"]
    groups = _groups(terms, withheld_curves(result, table))
    keys = set(term_pairs(groups[0])) if groups and "=" in groups[0] else set()
    return {frozenset({"band", "instruments"}): "cells", frozenset({"instruments"}): "arms",
            frozenset({"band"}): "strata"}.get(frozenset(keys), "overall")


def _step(curve: pd.DataFrame, value: str, low: str, high: str, flip: bool,
          min_at_risk: int) -> _CURVE:
    """Step-curve arrays from month 0 while at least ``min_at_risk`` are at risk; ``flip``
    turns survival into 1 - survival."""
    curve = curve[curve["n_risk"].to_numpy() >= min_at_risk]
    t = np.concatenate([[0.0], curve["time_months"].to_numpy(dtype=float)])
    v, lo, hi = (np.concatenate([[1.0 if flip else 0.0], curve[c].to_numpy(dtype=float)])
                 for c in (value, low, high))
    lo[0] = hi[0] = np.nan
    if flip:
        v, lo, hi = 1 - v, 1 - hi, 1 - lo
    return t, v, lo, hi


def _top(curves: dict[str, _CURVE], target: float | None) -> float:
    """Upper limit of the y axis: the highest value or interval bound drawn, or the target."""
    values = [np.nan_to_num(np.concatenate([v, hi])) for _, v, _, hi in curves.values()]
    top = max([float(np.max(v)) for v in values] + [target or 0.0])
    return min(1.0, top * 1.1 + 0.02)


def _target_side(curves: Iterable[_CURVE], target: float, right_end: float) -> bool:
    """Whether the target's label goes at the left end: the end of the axis where the
    curves keep farthest from the target line (cumulative curves rise, so usually left)."""
    def gap(lo: float, hi: float) -> float:
        near = [np.abs(v[(t >= lo) & (t <= hi)] - target) for t, v, _, _ in curves]
        near = [d for d in near if d.size]
        return float(min(np.min(d) for d in near)) if near else np.inf
    third = right_end / 3
    return gap(0.0, third) >= gap(right_end - third, right_end)


def _draw(ax: Axes, curves: dict[str, _CURVE], styles: dict, names: dict[str, str],
          target: float | None, top: float, lang: Language,
          right_end: float | None = None, no_events: Iterable[str] | None = None,
          pooled: bool = False) -> None:
    """Step curves with shaded intervals, the target line and the axes.

    A curve without any event is drawn as a line at 0 just above the axis, labelled
    "geen uitstroom" / "no outflow", so it does not vanish into the axis; the target's
    label goes at the end of the axis where no curve comes near it. ``no_events`` names
    the curves without any event in their data (default: those drawn flat at 0); a curve
    whose events all fall where too few are at risk is drawn flat but is not one.
    ``pooled`` curves (protected for a public report: a point where enough events have
    accumulated) are drawn as points joined by straight lines, not as steps: a step
    would claim that nothing happened between two points.
    """
    empty = {g for g, (_, v, _, _) in curves.items() if not np.nanmax(v, initial=0.0) > 0} \
        if no_events is None else set(no_events)
    right_end = right_end if right_end is not None else max(
        [float(t[-1]) for t, *_ in curves.values()] + [1.0])
    for term, (t, v, lo, hi) in curves.items():
        style = styles[term]
        if pooled:
            ax.plot(t, v, color=style["color"], linestyle=style["linestyle"], marker="o",
                    markersize=3, label=names[term], zorder=3)
        else:
            ax.step(t, v, where="post", color=style["color"], linestyle=style["linestyle"],
                    label=names[term], zorder=3)
        ok = ~(np.isnan(lo) | np.isnan(hi))
        if ok.any() and pooled:  # the interval at each point drawn
            ax.vlines(t[ok], lo[ok], hi[ok], color=style["color"], alpha=0.3, linewidth=4)
        elif ok.any():
            ax.fill_between(t, np.where(ok, lo, v), np.where(ok, hi, v), where=ok, step="post",
                            color=style["color"], alpha=0.18, linewidth=0)
        if term in empty:
            ax.annotate(label("no_events", lang), (float(t[-1]), 0.0),
                        xytext=(-2, 3), textcoords="offset points", ha="right", va="bottom",
                        fontsize=6.5, color=style["color"])
    if target is not None:
        left = _target_side(curves.values(), target, right_end)
        ax.axhline(target, color="black", linestyle=":", linewidth=0.9)
        ax.annotate(f"{label('target', lang)} {target * 100:g}%",
                    (0.01 if left else 0.99, target), xycoords=("axes fraction", "data"),
                    xytext=(0, 2), ha="left" if left else "right",
                    textcoords="offset points", fontsize=7)
    # the axis starts a little below 0, so a line at 0 stays visible above the axis
    ax.set_ylim(-0.025 * top, top)
    # ticks on whole percentages (a tick at 12.5% would read "13%")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.set_major_locator(MultipleLocator(6))
    ax.set_xlim(0, right_end)
    ax.set_xlabel(label("months", lang))


def _at_risk_table(ax: Axes, rows: dict[str, list[str]], months: np.ndarray, styles: dict,
                   names: dict[str, str], lang: Language) -> None:
    """The numbers at risk under a panel: per curve its name in its colour, and under
    the name the numbers at ``months`` (the panel keeps its full width)."""
    for r, (g, texts) in enumerate(rows.items()):
        ax.text(0.0, r - 0.25, names[g], ha="left", va="center", fontsize=6.5,
                color=styles[g]["color"], transform=ax.get_yaxis_transform())
        for month, count in zip(months, texts, strict=True):
            ax.text(month, r + 0.25, count, ha="center", va="center", fontsize=7)
    ax.set_ylim(len(rows) - 0.45, -0.6)
    ax.set_yticks([])
    ax.tick_params(length=0, labelbottom=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(label("at_risk", lang), fontsize=7, loc="left")


def _without_events(table: pd.DataFrame, key: str, groups: Iterable[str]) -> set[str]:
    """The groups whose curve in ``table`` has no event at all (column ``n_event``)."""
    if "n_event" not in table:
        return set()
    events = table.groupby(table[key].astype(str))["n_event"].sum()
    return {g for g in groups if events.get(g, 0) == 0}


def withheld_curves(result: AnalysisResult, table: str) -> list[str]:
    """The curves of ``result.extras[table]`` that disclosure control withheld whole."""
    return [str(g) for g in result.extras.get(WITHHELD_CURVES, {}).get(table, [])]


def withheld_handles(withheld: Iterable[str], styles: dict, names: dict[str, str],
                     lang: Language) -> list[Line2D]:
    """Legend entries "<name>: afgeschermd" / "<name>: withheld" for curves not drawn."""
    return [Line2D([], [], color=styles[g]["color"], linestyle=styles[g]["linestyle"],
                   label=f"{names[g]}: {label('withheld', lang)}") for g in withheld]


def pooled_note(fig: Figure, pooled: int | None, lang: Language, *, at_risk: bool) -> None:
    """Under a figure of protected curves: how they were protected (nothing when not)."""
    if pooled is None:
        return
    note = label("pooled_note", lang).format(k=pooled)
    if at_risk:
        note += " " + label("at_risk_note", lang).format(k=pooled, base=rounding_base(pooled))
    fig.supxlabel(textwrap.fill(note, width=120), fontsize=7, style="italic")


def _check_target(function: str, target: float | None) -> None:
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                               or not 0 < target < 1):
        raise ValueError(f"{function}: option target={target!r} is not allowed; use a share "
                         "between 0 and 1 (e.g. 0.4) or None")


def _check_at_risk(function: str, min_at_risk: int) -> None:
    if isinstance(min_at_risk, bool) or not isinstance(min_at_risk, int) or min_at_risk < 1:
        raise ValueError(f"{function}: option min_at_risk={min_at_risk!r} is not allowed; use "
                         "a whole number of at least 1")


def kaplan_meier_figure(result: AnalysisResult, *, lang: Language = "nl",
                        interval: Interval = "pointwise", target: float | None = None,
                        min_at_risk: int = 5) -> Figure:
    """Kaplan-Meier cumulative outflow to regular work per cell, one panel per band.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["survival"]``; its ``extras["kaplan_meier"]`` holds the curves.
    lang : {"nl", "en"}
    interval : {"pointwise", "simultaneous", "none"}
        The shaded band: the pointwise log-log interval (``conf_low, conf_high``), the
        simultaneous equal-precision band (``band_low, band_high``; drawn only from the
        fifth event on, absent in groups with fewer than five events) or none.
    target : float, optional
        Draw the outflow target (e.g. 0.4) as a horizontal line.
    min_at_risk : int
        A curve stops where fewer than this many are at risk: the tail rests on one or
        two people, and a step there would show one person's event (Pocock et al. 2002).

    Every panel has the same months axis (the longest follow-up of any curve, up to a
    multiple of 6) and under it the numbers at risk (:func:`at_risk`) every 6 months
    per curve; each panel's legend names its own curves in their colours. A curve
    without events is drawn at 0 and labelled "geen uitstroom" / "no outflow".

    A result protected for a public report
    (:func:`~iedereen_doet_mee.reporting.disclosure.figure_data.protect_figure_data`)
    is drawn as protected: its pooled steps, its numbers at risk as published
    (``extras["at_risk_shown"]``) and, for a curve withheld whole
    (``extras["withheld_curves"]``), a legend entry that says "afgeschermd" / "withheld".

    Notes
    -----
    The curve is :math:`1 - \\hat S(t)`; other exits are censored, so it estimates
    outflow in a world without them (see :func:`cumulative_incidence_figure`). The
    interval is flipped accordingly: :math:`[1 - u(t), 1 - l(t)]`.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes, time_to_regular_work
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = time_to_regular_work(derive_outcomes(simulate_trial(seed=1)).frame)
    >>> figure = kaplan_meier_figure(result, lang="en", target=0.4)
    >>> len(figure.axes)  # two panels, and under each its numbers at risk
    4
    >>> figure.axes[0].get_xlim() == figure.axes[1].get_xlim()
    True
    """
    check_result("kaplan_meier_figure", result, ("survival",))
    check_option("kaplan_meier_figure", "lang", lang, Language)
    check_option("kaplan_meier_figure", "interval", interval, Interval)
    _check_target("kaplan_meier_figure", target)
    _check_at_risk("kaplan_meier_figure", min_at_risk)
    km = result.extras.get("kaplan_meier", pd.DataFrame(columns=["term"]))
    withheld, pooled = withheld_curves(result, "kaplan_meier"), result.extras.get(POOLED_AT)
    groups = _groups(km["term"], withheld)
    low, high = {"pointwise": ("conf_low", "conf_high"), "simultaneous": ("band_low", "band_high"),
                 "none": ("survival", "survival")}[interval]
    bands = sorted({term_pairs(g).get("band") for g in groups} - {None}) or [None]
    if not all({"band", "instruments"} <= set(term_pairs(g)) for g in groups):
        bands = [None]  # a panel per band only for the cells (band and arm)
    styles = cell_styles(groups)
    curves = {g: _step(km[km["term"] == g], "survival", low, high, True, min_at_risk)
              for g in groups if g not in withheld}
    top = _top(curves, target)
    shown_risk = result.extras.get(AT_RISK_SHOWN)
    if shown_risk is None:  # unprotected: the numbers themselves
        right_end = months_axis(km[km["term"] == g] for g in groups)
        months = np.arange(0.0, right_end + 1e-9, 6.0)
        risk = {g: [str(c) for c in at_risk(km[km["term"] == g], months)] for g in groups}
    else:  # protected: the axis of the full follow-up, the numbers as published
        months = np.sort(shown_risk["month"].unique().astype(float))
        right_end = float(months[-1]) if months.size else 6.0
        risk = {g: shown_risk.loc[shown_risk["term"] == g].set_index("month")["text"]
                .reindex(months).fillna("").tolist() for g in groups}
    panels = {band: [g for g in groups if band is None or term_pairs(g).get("band") == band]
              for band in bands}
    rows = max([len(mine) for mine in panels.values()] + [1])
    with house_style():
        fig = new_figure(height=3.4 + 0.3 * rows)
        grid = fig.add_gridspec(2, len(bands), height_ratios=(5.0, 0.5 + 0.6 * rows))
        axes = []  # the curves first (fig.axes[j] is panel j), then the tables below them
        for j in range(len(bands)):
            axes.append(fig.add_subplot(grid[0, j], sharey=axes[0] if axes else None))
        for j, (ax, band) in enumerate(zip(axes, bands, strict=True)):
            mine = {g: curves[g] for g in panels[band] if g in curves}
            names = {g: arm_label(term_pairs(g)["instruments"], lang) if band is not None
                     else cell_label(g, lang) for g in panels[band]}
            if j:
                ax.tick_params(labelleft=False)
            if not panels[band]:
                mark_unavailable(ax, lang)
                continue
            _draw(ax, mine, styles, names, target, top, lang, right_end,
                  _without_events(km, "term", mine), pooled=pooled is not None)
            if band is not None:
                ax.set_title(cell_label(f"band={band}", lang))
            handles, _ = ax.get_legend_handles_labels()
            handles += withheld_handles([g for g in panels[band] if g in withheld], styles,
                                        names, lang)
            if interval != "none" and j == 0:
                handles.append(Patch(color="0.6", alpha=0.4, label=label(interval, lang)))
            ax.legend(handles=handles, loc="best")  # this panel's curves, in their colours
            table = fig.add_subplot(grid[1, j], sharex=ax)
            _at_risk_table(table, {g: risk[g] for g in panels[band]}, months, styles, names,
                           lang)
        pooled_note(fig, pooled, lang, at_risk=True)
        axes[0].set_ylabel(label("km_axis", lang))
        fig.suptitle(label("km_title", lang))
    return fig


def cumulative_incidence_figure(result: AnalysisResult, *, lang: Language = "nl",
                                target: float | None = None, min_at_risk: int = 5) -> Figure:
    """Cumulative incidence of regular work with other exits as competing events.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["survival"]``; ``extras["cumulative_incidence"]`` holds the
        Aalen-Johansen curves per arm (and overall) with pointwise intervals.
    lang : {"nl", "en"}
    target : float, optional
        Draw the outflow target as a horizontal line.
    min_at_risk : int
        A curve stops where fewer than this many are at risk.

    Notes
    -----
    The Aalen-Johansen estimate :math:`\\hat F_1(t) = \\sum_{s \\le t} \\hat S(s-)
    d_1(s)/n(s)` is the share that actually reached regular work by :math:`t`
    (Aalen & Johansen 1978); it lies below the Kaplan-Meier outflow when other exits
    occur.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes, time_to_regular_work
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = time_to_regular_work(derive_outcomes(simulate_trial(seed=1)).frame)
    >>> cumulative_incidence_figure(result).axes[0].get_ylabel()
    'Cumulatieve incidentie'
    """
    check_result("cumulative_incidence_figure", result, ("survival",))
    check_option("cumulative_incidence_figure", "lang", lang, Language)
    _check_target("cumulative_incidence_figure", target)
    _check_at_risk("cumulative_incidence_figure", min_at_risk)
    cif = result.extras.get("cumulative_incidence", pd.DataFrame(columns=["term"]))
    withheld = withheld_curves(result, "cumulative_incidence")
    pooled = result.extras.get(POOLED_AT)
    groups = _groups(cif["term"], withheld)
    with house_style():
        fig = new_figure(height=3.2)
        ax = fig.add_subplot()
        if groups:
            curves = {g: _step(cif[cif["term"] == g], "estimate", "conf_low", "conf_high",
                               False, min_at_risk) for g in groups if g not in withheld}
            styles, names = cell_styles(groups), {g: cell_label(g, lang) for g in groups}
            shown_risk = result.extras.get(AT_RISK_SHOWN)  # protected: the full follow-up
            right_end = None if shown_risk is None or not len(shown_risk) else \
                float(shown_risk["month"].max())
            _draw(ax, curves, styles, names, target, _top(curves, target), lang, right_end,
                  _without_events(cif, "term", curves), pooled=pooled is not None)
            handles, _ = ax.get_legend_handles_labels()
            handles += withheld_handles([g for g in groups if g in withheld], styles, names,
                                        lang)
            handles.append(Patch(color="0.6", alpha=0.4, label=label("pointwise", lang)))
            ax.legend(handles=handles, loc="best")
        else:
            mark_unavailable(ax, lang)
        pooled_note(fig, pooled, lang, at_risk=False)
        ax.set_ylabel(label("cif_axis", lang))
        fig.suptitle(label("cif_title", lang))
    return fig


def wage_value_figure(result: AnalysisResult, *, lang: Language = "nl") -> Figure:
    """Predicted wage value over time per cell (band x instruments), with intervals.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["wage_value"]`` (mixed model); ``extras["trajectories"]``
        holds the predicted mean per cell and month with its interval.
    lang : {"nl", "en"}

    Notes
    -----
    Each cell's prediction is drawn only over the months in which the cell was
    measured (rows not ``extrapolated``): a straight line fitted to 6 to 12 months of
    data says nothing about month 24. The shaded band is the pointwise confidence
    interval of the predicted cell mean, not the spread of participants.

    Examples
    --------
    >>> import pandas as pd
    >>> from iedereen_doet_mee.analysis import AnalysisResult, TIDY_COLUMNS
    >>> empty = AnalysisResult("wage_value", "t", pd.DataFrame(columns=list(TIDY_COLUMNS)), 0)
    >>> [t.get_text() for t in wage_value_figure(empty, lang="en").axes[0].texts]
    ['not available']
    """
    check_result("wage_value_figure", result, ("wage_value",))
    check_option("wage_value_figure", "lang", lang, Language)
    paths = result.extras.get("trajectories", pd.DataFrame(columns=["estimate"]))
    paths = paths[paths["estimate"].notna()]
    with house_style():
        fig = new_figure(height=3.8)
        ax = fig.add_subplot()
        if paths.empty:
            mark_unavailable(ax, lang)
        else:
            terms = {(b, a): f"band={b}:instruments={a}"
                     for b, a in sorted(set(zip(paths["band"], paths["instruments"],
                                                strict=True)))}
            styles = cell_styles(terms.values())
            for (band, arm), term in terms.items():
                cell = paths[(paths["band"] == band) & (paths["instruments"] == arm)
                             & ~paths["extrapolated"].astype(bool)]
                cell = cell.sort_values("month", kind="stable")
                style = styles[term]
                month, est = cell["month"].to_numpy(float), cell["estimate"].to_numpy(float)
                ax.fill_between(month, cell["conf_low"], cell["conf_high"], color=style["color"],
                                alpha=0.15, linewidth=0)
                ax.plot(month, est, color=style["color"], marker=style["marker"],
                        markersize=3.5, label=cell_label(term, lang))
            ax.xaxis.set_major_locator(MultipleLocator(6))
            # below the panel (inside it lay over a band's interval), headed by the note
            # that each line covers only its group's measured months
            fig.legend(loc="outside lower center", ncols=2,
                       title=label("measured_only", lang),
                       title_fontproperties={"size": 7, "style": "italic"})
        ax.set_xlabel(label("months", lang))
        ax.set_ylabel(label("wage_axis", lang))
        fig.suptitle(label("wage_title", lang))
    return fig


def ladder_transition_figure(result: AnalysisResult, *, lang: Language = "nl",
                             kind: LadderKind = "heatmap") -> Figure:
    """Participation ladder: last measured rung against the rung at intake, as row shares.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["ladder"]``; ``extras["transition_shares"]`` holds the share
        of each last rung (columns) per intake rung (rows).
    lang : {"nl", "en"}
    kind : {"heatmap", "stacked"}
        A heat map with the shares written in, or stacked bars per intake rung.

    Examples
    --------
    >>> import pandas as pd
    >>> from iedereen_doet_mee.analysis import AnalysisResult, TIDY_COLUMNS
    >>> empty = AnalysisResult("ladder", "t", pd.DataFrame(columns=list(TIDY_COLUMNS)), 0)
    >>> [t.get_text() for t in ladder_transition_figure(empty).axes[0].texts]
    ['niet beschikbaar']
    """
    check_result("ladder_transition_figure", result, ("ladder",))
    check_option("ladder_transition_figure", "lang", lang, Language)
    check_option("ladder_transition_figure", "kind", kind, LadderKind)
    shares = result.extras.get("transition_shares", pd.DataFrame())
    rungs = [int(r) for r in shares.index]
    names = [f"{r} {label(f'rung_{r}', lang)}" if f"rung_{r}" in _RUNGS else str(r)
             for r in rungs]
    row_n = result.extras.get("transition_rows")  # protected: people per shown row
    if row_n is None and "transitions" in result.extras:  # unprotected: every row's
        row_n = result.extras["transitions"]["total"]
    if row_n is not None:
        names = [name + (f" (n = {int(n)})" if n >= 0 else "")
                 for name, n in zip(names, row_n.reindex(shares.index).fillna(-1),
                                    strict=True)]
    with house_style():
        fig = new_figure(height=3.6)
        ax = fig.add_subplot()
        values = shares.to_numpy(dtype=float) if len(shares) else np.zeros((0, 0))
        if values.size == 0 or np.isnan(values).all():
            mark_unavailable(ax, lang)
        elif kind == "heatmap":
            ax.set_facecolor("0.92")
            image = ax.imshow(np.ma.masked_invalid(values), cmap="cividis", vmin=0, vmax=1,
                              aspect="auto")
            for (i, j), v in np.ndenumerate(values):
                if v > 0:
                    ax.text(j, i, f"{v * 100:.0f}%", ha="center", va="center", fontsize=7,
                            color="white" if v < 0.55 else "black")
            ax.set_xticks(range(values.shape[1]), [str(c) for c in shares.columns])
            ax.set_yticks(range(len(rungs)), names)
            ax.set_xlabel(label("ladder_last", lang))
            ax.set_ylabel(label("ladder_intake", lang))
            fig.colorbar(image, ax=ax, format=PercentFormatter(1.0, decimals=0),
                         label=label("row_share", lang))
            if result.extras.get("withheld_cells"):
                fig.supxlabel(label("ladder_withheld", lang), fontsize=7, style="italic")
            elif np.isnan(values).all(axis=1).any():  # a rung nobody started on
                fig.supxlabel(label("ladder_empty", lang), fontsize=7, style="italic")
        else:
            colours = [colormaps["cividis"](x) for x in np.linspace(0.05, 0.95, values.shape[1])]
            left = np.zeros(len(rungs))
            for j, column in enumerate(shares.columns):
                width = np.nan_to_num(values[:, j])
                ax.barh(range(len(rungs)), width, left=left, color=colours[j], height=0.7,
                        label=str(column))
                left += width
            ax.set_yticks(range(len(rungs)), names)
            ax.invert_yaxis()
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlabel(label("share_of_intake", lang))
            ax.legend(title=label("ladder_last", lang), loc="center left",
                      bbox_to_anchor=(1.0, 0.5))
        fig.suptitle(label("ladder_title", lang))
    return fig
