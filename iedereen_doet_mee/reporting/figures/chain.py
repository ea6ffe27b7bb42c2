"""The flow figure of a chain of stages: :func:`chain_flow_figure`.

One box per stage, top to bottom in chain order, with the people who entered it and
the median time in it; an arrow to the next stage with how many moved on; beside each
stage, where those for whom it was the furthest stage are on the as-of date (still in
it, waiting, flowed out to work, left). A box at the top holds everyone enrolled and,
beside it, those who entered no stage. Numbers come from the published result of the
``chain`` question (after disclosure control): a suppressed number reads "afgeschermd"
/ "suppressed", a median that fewer than half reached "niet bereikt" / "not reached".
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ...analysis.common import check_option
from ...analysis.results import AnalysisResult
from ..document.texts import fmt_number
from .style import OKABE_ITO, Language, check_result, house_style, label, new_figure

__all__ = ["chain_flow_figure", "stage_label"]

_FONT = 7.5
_LINE = _FONT * 1.35 / 72  # inches per text line
_PAD = 0.07
_WIDTH = 6.3
_MAIN = (0.15, 2.75)  # x and width of the stage boxes
_SIDE = (3.35, 2.8)  # x and width of the boxes beside them
_ARROW = 0.42  # vertical room for an arrow between two stages
_STATUSES = ("in_stage", "waiting", "work", "left")


def stage_label(stage: str, lang: Language = "en") -> str:
    """A stage (an instrument kind) as words, from the label registry (``kind=<stage>``);
    a kind the registry does not know by its code in words. ``lang`` defaults to English,
    as before it was added (notebooks call ``stage_label(stage)``).

    Examples
    --------
    >>> stage_label("talent_assessment", "nl"), stage_label("talent_assessment", "en")
    ('Talentenonderzoek', 'Talent assessment')
    >>> stage_label("buddy_visit", "nl")
    'Buddy visit'
    """
    words = label(f"kind={stage}", lang, default=str(stage).replace("_", " ").strip())
    return words[:1].upper() + words[1:]


def _number(table: pd.DataFrame, term: str, estimator: str, column: str = "estimate"
            ) -> float | None:
    """The value of one row (NaN when suppressed or not estimable; None without the row)."""
    hit = table[(table["term"] == term) & (table["estimator"] == estimator)]
    return None if hit.empty else float(hit.iloc[0][column])


def _count(table: pd.DataFrame, term: str, lang: Language) -> str:
    """The people of ``term``, with their share of the group above when it is shown."""
    value = _number(table, term, "chain_people")
    if value is None or math.isnan(value):
        return label("chain_suppressed", lang)
    share = _number(table, term, "chain_share_clopper_pearson")
    if share is None or math.isnan(share):
        share = _number(table, term, "proportion_clopper_pearson")
    shown = fmt_number(value, lang, 0)
    return shown if share is None or math.isnan(share) else \
        f"{shown} ({fmt_number(100 * share, lang, 0)}%)"


def _box(ax, x: float, y: float, w: float, lines: list[tuple[str, bool]], colour: str) -> float:
    """A box with ``lines`` (text, bold) from its top ``y``; returns its height."""
    h = 2 * _PAD + len(lines) * _LINE
    ax.add_patch(Rectangle((x, y), w, h, facecolor=colour, edgecolor="black", lw=0.6))
    for i, (text, bold) in enumerate(lines):
        ax.text(x + 0.08, y + _PAD + i * _LINE, text, ha="left", va="top", fontsize=_FONT,
                fontweight="bold" if bold else "normal")
    return h


def _arrow(ax, x0: float, y0: float, x1: float, y1: float) -> None:
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": "-|>", "lw": 0.7, "color": "black", "shrinkA": 0,
                            "shrinkB": 0, "mutation_scale": 7})


def _side_lines(table: pd.DataFrame, head: str, statuses: tuple[str, ...],
                lang: Language) -> list[tuple[str, bool]]:
    return [(f"{label(f'chain_{s}', lang)}: {_count(table, f'{head}:after={s}', lang)}", False)
            for s in statuses]


def chain_flow_figure(result: AnalysisResult, *, lang: Language = "nl") -> Figure:
    """Draw the flow through the chain's stages.

    Parameters
    ----------
    result : AnalysisResult
        ``analysis.results["chain"]`` (:func:`~iedereen_doet_mee.analysis.chain_flow`),
        as published: suppressed numbers missing.
    lang : {"nl", "en"}

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import chain_flow
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(chain=("job_coach", "work_experience"))
    >>> figure = chain_flow_figure(chain_flow(simulate_trial(design, seed=1)), lang="en")
    >>> [t.get_text() for t in figure.axes[0].texts][:2]
    ['Flow through the chain of stages', 'Enrolled: 100']
    """
    check_result("chain_flow_figure", result, ("chain",))
    check_option("chain_flow_figure", "lang", lang, Language)
    table = result.table
    stages = [t.split("=", 1)[1] for t in dict.fromkeys(table["term"].astype(str))
              if t.startswith("stage=") and ":" not in t and t != "stage=none"]
    main_h = 2 * _PAD + 3 * _LINE
    side_h = 2 * _PAD + 5 * _LINE
    row = max(main_h, side_h) + _ARROW
    height = 0.45 + row * (len(stages) + 1) - _ARROW + 0.1
    (mx, mw), (sx, sw) = _MAIN, _SIDE
    with house_style():
        fig = new_figure(_WIDTH, height, layout=None)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, _WIDTH)
        ax.set_ylim(height, 0)
        ax.axis("off")
        ax.text(_WIDTH / 2, 0.08, label("chain_title", lang), ha="center", va="top",
                fontsize=9.5, fontweight="bold")
        y = 0.45
        top = _box(ax, mx, y, mw, [(f"{label('chain_enrolled', lang)}: "
                                    f"{_count(table, 'overall', lang)}", True)], "white")
        lines = [(f"{label('chain_no_stage', lang)}: {_count(table, 'stage=none', lang)}", True)]
        lines += _side_lines(table, "stage=none", _STATUSES[1:], lang)
        _box(ax, sx, y, sw, lines, "0.95")
        _arrow(ax, mx + mw, y + top / 2, sx, y + top / 2)
        previous = (y + top, None)
        y += row
        for k, stage in enumerate(stages):
            head = f"stage={stage}"
            median = _number(table, head, "kaplan_meier_median_months")
            shown = _number(table, head, "chain_people")
            if shown is None or math.isnan(shown):
                time = label("chain_suppressed", lang)
            elif median is None or math.isnan(median):
                time = label("chain_not_reached", lang)
            else:
                time = f"{fmt_number(median, lang, 1)} {label('chain_months', lang)}"
            lines = [(f"{k + 1}. {stage_label(stage, lang)}", True),
                     (f"{label('chain_entered', lang)}: {_count(table, head, lang)}", False),
                     (f"{label('chain_median', lang)}: {time}", False)]
            h = _box(ax, mx, y, mw, lines, _colour(k))
            x_mid = mx + mw / 2
            _arrow(ax, x_mid, previous[0], x_mid, y)
            if previous[1] is not None:
                ax.text(x_mid + 0.08, (previous[0] + y) / 2,
                        f"{label('chain_moved_on', lang)}: "
                        f"{_count(table, previous[1] + ':after=moved_on', lang)}",
                        ha="left", va="center", fontsize=_FONT, style="italic")
            side = [(label("chain_stopped_here", lang), True)]
            side += _side_lines(table, head, _STATUSES, lang)
            _box(ax, sx, y, sw, side, "0.95")
            _arrow(ax, mx + mw, y + h / 2, sx, y + h / 2)
            previous = (y + h, head)
            y += row
    return fig


def _colour(k: int) -> str:
    """A light fill per stage, from the house palette."""
    names = ("sky_blue", "bluish_green", "orange", "reddish_purple", "yellow", "blue")
    return _lighter(OKABE_ITO[names[k % len(names)]])


def _lighter(colour: str, keep: float = 0.3) -> str:
    """``colour`` mixed with white (``keep`` of the colour)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - keep * (255 - c)):02X}" for c in rgb)
