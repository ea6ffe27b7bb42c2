"""Power curves of a redesign grid, simulated and closed form, in Dutch or English.

:func:`power_curve_figure` draws, for one estimator, the simulated power against the
assumed instruments effect with its 95% Monte Carlo interval, one colour per size per
cell, and the closed-form power as a dashed line of the same colour; one panel per
enrolment window and attrition. :func:`save_power_plot` writes it as SVG or PNG,
byte-identical across runs (the house style of :mod:`iedereen_doet_mee.reporting.figures.style`:
fixed SVG hash salt, no date, no software stamp). No ``pyplot``, no global state.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ...analysis.common import check_level, check_option, z_value
from ...diagnosis.design_grid import DEFAULT_ESTIMATOR, closed_form_power
from .files import figure_bytes
from .style import FULL_WIDTH, OKABE_ITO, house_style, new_figure

__all__ = ["ESTIMATOR_NAMES", "power_curve_figure", "save_power_plot"]

Language = Literal["nl", "en"]

_TEXT: dict[str, dict[str, str]] = {
    "effect": {"nl": "Aangenomen effect van instrumenten (verschil in uitstroom, %-punt)",
               "en": "Assumed instruments effect (difference in outflow, percentage points)"},
    "power": {"nl": "Onderscheidend vermogen (power)", "en": "Power"},
    "n": {"nl": "{n} per cel", "en": "{n} per cell"},
    "simulated": {"nl": "simulatie (95%-interval Monte Carlo)",
                  "en": "simulation (95% Monte Carlo interval)"},
    "closed": {"nl": "formule (gestreept)", "en": "closed form (dashed)"},
    "panel": {"nl": "instroomperiode {m} maanden, uitval {a:.0%}",
              "en": "enrolment {m} months, attrition {a:.0%}"},
    "title": {"nl": "Power per aangenomen effect: {e}", "en": "Power by assumed effect: {e}"},
    "caveat": {"nl": "De formule veronderstelt volledige follow-up van 24 maanden en "
                     "randomisatie; in deze simulatie geldt minstens een van beide niet, dus "
                     "ze wijken af.",
               "en": "The closed form assumes complete 24-month follow-up and "
                     "randomisation; at least one of them does not hold in this simulation, "
                     "so they differ."},
}
#: Plain names of the estimators with a power curve worth plotting.
ESTIMATOR_NAMES: dict[str, dict[str, str]] = {
    "overall|risk_difference_block_weighted": {
        "nl": "verschil in aandeel, gewogen over banden (Wald-toets)",
        "en": "block-weighted risk difference (Wald test)"},
    "overall|risk_difference_hc2": {"nl": "verschil in aandeel, banden samen (Wald-toets)",
                                    "en": "risk difference, bands pooled (Wald test)"},
    "pooled|fisher_exact_two_sided": {"nl": "exacte toets van Fisher, banden samen",
                                      "en": "Fisher's exact test, bands pooled"},
    "overall|binomial_exact_one_sided_target_met": {
        "nl": "exacte binomiale toets boven het doel",
        "en": "exact binomial test above the target"},
}
_COLOURS = tuple(OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "orange",
                                        "reddish_purple", "sky_blue", "black"))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_CREATOR = "iedereen_doet_mee"


def _percent(lang: Language, points: bool) -> FuncFormatter:
    def fmt(x: float, _pos: object) -> str:
        text = f"{round(x * 100, 6):.3g}".replace("-", "\u2212")
        text = text.replace(".", ",") if lang == "nl" else text
        return text if points else text + "%"
    return FuncFormatter(fmt)


def power_curve_figure(frame: pd.DataFrame, *, estimator: str = DEFAULT_ESTIMATOR,
                       lang: Language = "nl", power: float = 0.8,
                       level: float = 0.95) -> Figure:
    """The power curves of ``estimator`` in a :func:`~.redesign.redesign` table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table ``redesign`` returned, with two or more effects.
    estimator : str
        Whose power to draw (an ``estimator_key``).
    lang : {"nl", "en"}
        Language of every label.
    power : float
        Power drawn as a horizontal reference line.
    level : float
        Level of the Monte Carlo interval (``value +/- z mc_se``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from iedereen_doet_mee.design.trial_design import TrialDesign
    >>> from iedereen_doet_mee.diagnosis.design_grid import redesign
    >>> frame = redesign(TrialDesign(allocation="randomised"), grid={"effect": [0, 0.2]},
    ...                  sims=100, seed=1, full_follow_up=True)
    >>> fig = power_curve_figure(frame, lang="en")
    >>> fig.axes[0].get_title()
    'enrolment 24 months, attrition 3%'
    """
    check_option("power_curve_figure", "lang", lang, Language)
    z = z_value(check_level("power_curve_figure", level))
    settings = frame.attrs.get("redesign")
    rows = frame[(frame["estimator_key"] == estimator) & (frame["diagnosand"] == "power")]
    if settings is None or rows["effect"].nunique() < 2:
        raise ValueError(f"power_curve_figure: needs the table redesign() returned, with the "
                         f"power of {estimator!r} at two or more effects")
    panels = list(dict.fromkeys(zip(rows["enrolment_months"], rows["attrition"], strict=True)))
    windows = list(dict.fromkeys(m for m, _ in panels))
    attritions = list(dict.fromkeys(a for _, a in panels))
    sizes = list(dict.fromkeys(rows["n_per_cell"]))
    name = ESTIMATOR_NAMES.get(estimator, {}).get(lang, estimator)
    exact = settings["full_follow_up"] and settings["allocation"] == "randomised"
    with house_style():
        key_height = 0.35 if exact else 0.6  # inches for the x label, caveat and legend
        fig = new_figure(FULL_WIDTH, 0.5 + 2.3 * len(attritions) + key_height)
        layout = fig.add_gridspec(2, 1, height_ratios=[2.3 * len(attritions), key_height])
        axes = layout[0].subgridspec(len(attritions), len(windows)).subplots(
            sharex=True, sharey=True, squeeze=False)
        effects = np.sort(rows["effect"].unique())
        dense = np.linspace(effects[0], effects[-1], 61)
        for (months, attrition) in panels:
            ax = axes[attritions.index(attrition), windows.index(months)]
            panel = rows[(rows["enrolment_months"] == months) & (rows["attrition"] == attrition)]
            for k, n in enumerate(sizes):
                part = panel[panel["n_per_cell"] == n].sort_values("effect")
                colour, marker = _COLOURS[k % len(_COLOURS)], _MARKERS[k % len(_MARKERS)]
                half = z * np.nan_to_num(part["mc_se"].to_numpy())
                ax.errorbar(part["effect"], part["value"], yerr=half, color=colour,
                            marker=marker, markersize=3.5, capsize=2, linewidth=1.2)
                curve = _closed_curve(settings, estimator, n, dense)
                if curve is not None:
                    ax.plot(dense, curve, color=colour, linestyle="--", linewidth=1.0)
            ax.axhline(power, color="0.45", linestyle=":", linewidth=0.8)
            ax.set_title(_TEXT["panel"][lang].format(m=months, a=attrition))
            ax.set_ylim(0, 1.02)
            if effects.size <= 11:
                ax.set_xticks(effects)
            ax.xaxis.set_major_formatter(_percent(lang, points=True))
            ax.yaxis.set_major_formatter(_percent(lang, points=False))
        fig.supylabel(_TEXT["power"][lang], fontsize=8.0)
        handles = [Line2D([], [], color=_COLOURS[k % len(_COLOURS)],
                          marker=_MARKERS[k % len(_MARKERS)], markersize=3.5,
                          label=_TEXT["n"][lang].format(n=_whole(n)))
                   for k, n in enumerate(sizes)]
        handles += [Line2D([], [], color="0.3", marker="o", markersize=3.5,
                           label=_TEXT["simulated"][lang]),
                    Line2D([], [], color="0.3", linestyle="--", label=_TEXT["closed"][lang])]
        key = fig.add_subplot(layout[1])  # below the panels: the x label, caveat, legend
        key.axis("off")
        caveat = "" if exact else "\n" + textwrap.fill(_TEXT["caveat"][lang], 110)
        key.set_title(_TEXT["effect"][lang] + caveat, fontsize=8.0, pad=0)
        key.legend(handles=handles, loc="upper center", ncols=3)
        fig.suptitle(_TEXT["title"][lang].format(e=name))
    return fig


def _whole(n: float) -> str:
    return "?" if isinstance(n, float) and math.isnan(n) else f"{int(n)}"


def _closed_curve(settings: dict, estimator: str, n: float,
                  effects: np.ndarray) -> np.ndarray | None:
    """The closed-form power at ``effects`` for ``n`` per cell; None without a closed form."""
    design, control = settings["design"], settings["control_outflow"]
    if control is None:
        return None
    if not (isinstance(n, float) and math.isnan(n)):
        design = design.replace(n_per_cell=int(n))
    c = design.arms.index(design.control_arm)
    base = np.asarray(control, dtype=float)
    out = []
    for effect in effects:
        shares = np.empty((base.size, 2))
        shares[:, c], shares[:, 1 - c] = base, np.clip(base + effect, 0.0, 1.0)
        value, method = closed_form_power(design, shares, estimator=estimator,
                                          alpha=settings["alpha"])
        if not method:
            return None
        out.append(value)
    return np.array(out)


def save_power_plot(fig: Figure, path: str | Path) -> str:
    """Write ``fig`` to ``path`` (``.svg`` or ``.png``); return the SHA-256 of the bytes.

    The same figure gives the same bytes in every run on the same matplotlib and
    FreeType: the SVG has a fixed hash salt for its ids, no date and a fixed creator;
    the PNG has no software stamp; the layout is computed once and frozen.

    Examples
    --------
    >>> import tempfile
    >>> with house_style():
    ...     fig = new_figure(2, 1)
    ...     _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     len(save_power_plot(fig, Path(out) / "power.svg"))
    64
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("svg", "png"):
        raise ValueError(f"save_power_plot: {str(path)!r} must end in .svg or .png")
    data = figure_bytes(fig, suffix, id_prefix="power")
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()
