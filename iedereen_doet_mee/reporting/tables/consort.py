"""The participant flow of a trial as CONSORT counts and a CONSORT flow diagram.

:func:`consort_counts` derives the numbers of a CONSORT 2010 flow diagram, split by the
cells of the factorial design (band x instruments, as the CONSORT extension for
factorial trials asks), from :func:`~iedereen_doet_mee.analysis.derive_outcomes` and
the trial's tables; :func:`consort_figure` draws the diagram. Counts stay integers;
a disclosure-control step can later mark some as suppressed, and the diagram then shows
``n <10`` for a count below the threshold itself (primary) and ``n = afgeschermd`` /
``n = withheld`` for one hidden only so that another cannot be worked out (secondary).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath

from ...analysis.common import check_option
from ...analysis.outcomes import derive_outcomes
from ...data.loading import TrialData
from ..document.texts import fmt_date
from ..figures.style import (
    OKABE_ITO,
    Language,
    cell_label,
    house_style,
    instrument_arms,
    label,
    new_figure,
    suppressed_count,
    wage_bands,
)

__all__ = ["ALL", "COUNT_NAMES", "ConsortCounts", "consort_counts", "consort_figure",
           "shown_counts"]

Analysis = Literal["intention_to_treat", "complete_cases"]
#: The label of a margin (all bands or all arms) in :attr:`ConsortCounts.table`; design
#: labels cannot contain brackets, so it never names a band or an arm.
ALL = "(all)"
#: Counts per cell, by stage, in the order of the diagram.
COUNT_NAMES: tuple[tuple[str, str], ...] = (
    ("allocation", "allocated"), ("allocation", "received_instruments"),
    ("allocation", "no_instruments"), ("follow_up", "lost_to_follow_up"),
    ("follow_up", "discontinued"), ("analysis", "analysed"),
    ("analysis", "excluded_from_analysis"))
_COLUMNS = ["stage", "count", "band", "instruments", "n"]


@dataclasses.dataclass(frozen=True)
class ConsortCounts:
    """The numbers of a CONSORT flow diagram, per cell of the design.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``stage, count, band, instruments, n``. ``n`` is a nullable integer:
        missing means *not recorded* (assessed for eligibility and excluded before
        enrolment are not in the data model; received instruments without an
        instruments table; discontinued without ``left_project_on``). Per-cell counts
        come with their margins (``band`` or ``instruments`` equal to :data:`ALL`).
    as_of : datetime.date
        The date the counts stand on.
    strata, arms : tuple of str
        The design's bands and arms, in order.
    allocation : str
        The design's allocation method (``"assigned"`` or ``"randomised"``).
    analysis : str
        ``"intention_to_treat"`` or ``"complete_cases"``.
    stratum_label, arm_label : str
        The design's names of its strata and arms, for the diagram's note when they are
        not wage-value bands and instruments yes / no.
    """

    table: pd.DataFrame
    as_of: dt.date
    strata: tuple[str, ...]
    arms: tuple[str, ...]
    allocation: str
    analysis: str
    stratum_label: str = "wage-value band"
    arm_label: str = "instruments"

    def count(self, name: str, band: str = ALL, instruments: str = ALL) -> int | None:
        """One count (``None`` when not recorded).

        Raises
        ------
        KeyError
            When there is no such count.
        """
        t = self.table
        hit = t[(t["count"] == name) & (t["band"] == band) & (t["instruments"] == instruments)]
        if len(hit) != 1:
            raise KeyError(f"no count {name!r} for band={band!r}, instruments={instruments!r}")
        value = hit["n"].iloc[0]
        return None if pd.isna(value) else int(value)

    def keys(self) -> list[tuple[str, str, str]]:
        """Every count's key ``(count, band, instruments)``, as :func:`consort_figure` takes."""
        return list(zip(self.table["count"], self.table["band"], self.table["instruments"],
                        strict=True))

    def __repr__(self) -> str:
        return (f"ConsortCounts(as of {self.as_of}: {self.count('enrolled')} enrolled in "
                f"{len(self.strata) * len(self.arms)} cells)")


def _cell_rows(stage: str, name: str, values: pd.Series | None, frame: pd.DataFrame,
               strata: tuple[str, ...], arms: tuple[str, ...]) -> list[tuple]:
    """Counts of the True values per cell and margin (missing when ``values`` is None)."""
    rows = []
    groups = [(b, a) for b in strata for a in arms] + [(b, ALL) for b in strata]
    groups += [(ALL, a) for a in arms] + [(ALL, ALL)]
    for band, arm in groups:
        mask = np.ones(len(frame), dtype=bool)
        if band != ALL:
            mask &= (frame["band"] == band).to_numpy()
        if arm != ALL:
            mask &= (frame["instruments"] == arm).to_numpy()
        n = pd.NA if values is None else int(values.to_numpy(dtype=bool)[mask].sum())
        rows.append((stage, name, band, arm, n))
    return rows


def consort_counts(trial: TrialData, *, as_of: dt.date | str | None = None,
                   analysis: Analysis = "intention_to_treat") -> ConsortCounts:
    """The CONSORT flow of ``trial`` as it stood on ``as_of``, per cell.

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        Default: the design's cut-off.
    analysis : {"intention_to_treat", "complete_cases"}
        Who counts as analysed for the primary outcome: everyone allocated (people
        lost to follow-up count up to their last known day, as the target and survival
        analyses do), or only those not lost to follow-up (as
        ``share_complete_cases`` of the missing-data analysis).

    Returns
    -------
    ConsortCounts

    Notes
    -----
    Following CONSORT 2010 (Schulz et al. 2010) and its factorial extension (Kahan
    et al., JAMA 2023;330:2106), per cell of band x instruments:

    * *enrolled*: participants enrolled on or before ``as_of`` (those enrolled later
      are counted apart as ``enrolled_after_as_of``); *assessed* and *excluded* before
      enrolment are not in the data model and are *not recorded*;
    * *allocated*: enrolled participants in the cell;
    * *received_instruments*: at least one row in the instruments table started on or
      before the day the participant's status is last known (``known_until``);
      *no_instruments* the others;
    * *lost_to_follow_up*: ``Outcomes.frame.lost_to_follow_up``;
    * *discontinued*: ``left_project_on`` on or before ``known_until`` and before the
      exit from benefit (or without an exit by then);
    * *analysed* and *excluded_from_analysis* add up to *allocated*.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> counts = consort_counts(simulate_trial(seed=1))
    >>> counts.count("allocated"), counts.count("assessed")
    (100, None)
    """
    check_option("consort_counts", "analysis", analysis, Analysis)
    design = trial.design
    outcomes = derive_outcomes(trial, as_of)
    frame = outcomes.frame
    strata, arms = tuple(design.strata), tuple(design.arms)
    known = frame["known_until"]
    instruments = trial.table("instruments")
    if instruments is None:
        received = None
    else:
        started = instruments.merge(frame[["participant_id", "known_until"]], on="participant_id")
        ids = set(started.loc[started["started_on"] <= started["known_until"], "participant_id"])
        received = frame["participant_id"].isin(ids)
    people = trial.participants.set_index("participant_id")
    if "left_project_on" in people.columns:
        left = pd.Series(people["left_project_on"].reindex(frame["participant_id"]).to_numpy(),
                         index=frame.index)
        discontinued = (left.notna() & (left <= known)
                        & (frame["exit_on"].isna() | (left < frame["exit_on"])))
    else:
        discontinued = None
    lost = frame["lost_to_follow_up"].astype(bool)
    excluded = lost if analysis == "complete_cases" else pd.Series(False, index=frame.index)
    everyone = pd.Series(True, index=frame.index)
    values = {"allocated": everyone, "received_instruments": received,
              "no_instruments": None if received is None else ~received,
              "lost_to_follow_up": lost, "discontinued": discontinued,
              "analysed": ~excluded, "excluded_from_analysis": excluded}
    rows: list[tuple] = [("enrolment", "assessed", ALL, ALL, pd.NA),
                         ("enrolment", "excluded", ALL, ALL, pd.NA),
                         ("enrolment", "enrolled", ALL, ALL, len(frame)),
                         ("enrolment", "enrolled_after_as_of", ALL, ALL,
                          outcomes.not_yet_enrolled)]
    for stage, name in COUNT_NAMES:
        rows += _cell_rows(stage, name, values[name], frame, strata, arms)
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table["n"] = table["n"].astype("Int64")
    return ConsortCounts(table, outcomes.as_of, strata, arms, design.allocation, analysis,
                         design.stratum_label, design.arm_label)


# --- the diagram -------------------------------------------------------------------------

_FONT = 7.0
_LINE = _FONT * 1.3 / 72  # inches per text line
_PAD = 0.06
_GAP = 0.1
_LEFT = 0.32  # the stage labels' column

def _value(counts: ConsortCounts, key: tuple[str, str, str], hidden: dict, threshold: int,
           lang: Language) -> str:
    if key in hidden:
        shown = suppressed_count(hidden[key], threshold, lang)
        return f"n {shown}" if hidden[key] == "primary" else f"n = {shown}"
    value = counts.count(*key)
    return f"n = {label('not_recorded', lang)}" if value is None else f"n = {value}"


def _wrap(text: str, width: float, bold: bool) -> list[str]:
    """Greedy wrap to ``width`` inches, measured with the house font; keeps ``(n = x``."""
    head, sep, count = text.partition(" (n ")
    words = head.split(" ")
    if sep:  # "(n = 25)" stays on one line, as does the start of "(n = not recorded)"
        rest = f"(n {count}".split(" ")
        words += ["\u00a0".join(rest[:3]), *rest[3:]]
    font = FontProperties(family="DejaVu Sans", size=_FONT, weight="bold" if bold else "normal")
    measure = TextToPath()
    lines: list[str] = []
    for word in words:
        trial = f"{lines[-1]} {word}" if lines else word
        shown = trial.replace("\u00a0", " ")
        if lines and measure.get_text_width_height_descent(shown, font, ismath=False)[0] \
                <= width * 72:
            lines[-1] = trial
        else:
            lines.append(word)
    return [line.replace("\u00a0", " ") for line in lines]


def _lines(items: list[tuple[str, bool]], width: float) -> list[tuple[str, bool]]:
    """Each item wrapped to ``width`` inches, as (line, bold)."""
    return [(line, bold) for text, bold in items for line in _wrap(text, width, bold)]


def _box(ax, x: float, y: float, w: float, lines: list[tuple[str, bool]], h: float) -> None:
    ax.add_patch(Rectangle((x, y), w, h, facecolor="white", edgecolor="black", lw=0.6))
    for i, (text, bold) in enumerate(lines):
        ax.text(x + w / 2, y + _PAD + i * _LINE, text, ha="center", va="top", fontsize=_FONT,
                fontweight="bold" if bold else "normal")


def _arrow(ax, x0: float, y0: float, x1: float, y1: float) -> None:
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": "-|>", "lw": 0.6, "color": "black",
                            "shrinkA": 0, "shrinkB": 0, "mutation_scale": 6})


def _stage(ax, y0: float, y1: float, key: str, lang: Language) -> None:
    ax.add_patch(Rectangle((0.04, y0), _LEFT - 0.1, y1 - y0, facecolor=OKABE_ITO["sky_blue"],
                           alpha=0.35, edgecolor="none"))
    ax.text(0.04 + (_LEFT - 0.1) / 2, (y0 + y1) / 2, label(key, lang), rotation=90,
            ha="center", va="center", fontsize=_FONT + 0.5, fontweight="bold")


def shown_counts(counts: ConsortCounts) -> tuple[tuple[str, str], ...]:
    """The (stage, count) pairs of :data:`COUNT_NAMES` that the diagram and the table
    show: whether a participant received instruments only when the arms are
    instruments yes / no (another design's arms are approaches, which receiving an
    instrument does not tell apart); "excluded from analysis" only for a complete-case
    analysis. Under intention to treat nobody is excluded, by definition rather than by
    counting people; the diagram's note says so, and a row of zeros would read "<10" in a
    public report, which tells the reader nothing a zero would not."""
    dropped = set() if instrument_arms(counts.arms) else {"received_instruments",
                                                           "no_instruments"}
    if counts.analysis == "intention_to_treat":
        dropped.add("excluded_from_analysis")
    return tuple(pair for pair in COUNT_NAMES if pair[1] not in dropped)


def _allocation_note(counts: ConsortCounts, lang: Language) -> str:
    """How the arms were allocated: the words of "Iedereen doet mee" for wage-value
    bands crossed with instruments yes / no, else the design's own labels."""
    if len(counts.arms) == 1:
        return label("single_arm_note", lang)
    if wage_bands(counts.strata) and instrument_arms(counts.arms):
        return label(f"{counts.allocation}_note", lang)
    one = "_one_stratum" if len(counts.strata) == 1 else ""
    note = label(f"design_{counts.allocation}_note{one}", lang).format(
        stratum=counts.stratum_label, arm=counts.arm_label)
    return note[:1].upper() + note[1:]


def consort_figure(counts: ConsortCounts, *, lang: Language = "nl",
                   suppressed: Mapping[tuple[str, str, str], str | bool | None] | None = None,
                   threshold: int = 10, primary: str | None = None) -> Figure:
    """Draw the CONSORT flow diagram of ``counts``, one column per cell.

    Parameters
    ----------
    counts : ConsortCounts
        From :func:`consort_counts`.
    lang : {"nl", "en"}
        Language of every label.
    suppressed : mapping of (count, band, instruments) to str, bool or None, optional
        Counts to hide, e.g. from
        :func:`~iedereen_doet_mee.reporting.tables.as_text.consort_suppression`; keys as
        :meth:`ConsortCounts.keys`. ``"primary"`` (below ``threshold`` itself) shows as
        ``n <threshold``; ``"secondary"`` (hidden so that another count cannot be worked
        out) and ``True`` (reason not given) as ``n = afgeschermd`` / ``n = withheld``,
        since such a count may be large; ``None`` and ``False`` show the count.
    threshold : int
        The threshold of the primary suppressions (default 10).
    primary : str, optional
        The primary outcome in words, when it is not the default (persons leaving
        benefit for regular work); the note on the analysis then names it.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> counts = consort_counts(simulate_trial(seed=1))
    >>> fig = consort_figure(counts, lang="en",
    ...                      suppressed={("lost_to_follow_up", "40-60", "no"): "primary",
    ...                                  ("discontinued", "40-60", "no"): "secondary"})
    >>> texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    >>> "Lost to follow-up (n <10)" in texts, "(n = withheld)" in texts
    (True, True)
    """
    check_option("consort_figure", "lang", lang, Language)
    if not isinstance(counts, ConsortCounts):
        raise ValueError("consort_figure: counts must come from consort_counts, got "
                         f"{type(counts).__name__}")
    known = set(counts.keys())
    unknown = [k for k in (suppressed or {}) if k not in known]
    if unknown:
        raise ValueError(f"consort_figure: option suppressed has unknown key(s) {unknown}; "
                         "use (count, band, instruments) keys from ConsortCounts.keys()")
    bad = {v for v in (suppressed or {}).values()
           if not (v is None or isinstance(v, bool) or v in ("primary", "secondary"))}
    if bad:
        raise ValueError(f"consort_figure: option suppressed has value(s) {sorted(map(str, bad))}"
                         "; use 'primary', 'secondary', True, False or None")
    # True without a reason may hide a large count: it shows as withheld, never "<10"
    hidden = {k: "secondary" if v is True else v for k, v in (suppressed or {}).items() if v}
    false = [k for k, v in hidden.items() if v == "primary"
             and not (counts.count(*k) is not None and counts.count(*k) < threshold)]
    if false:
        raise ValueError(f"consort_figure: count(s) {false} are not below threshold="
                         f"{threshold}; mark them 'secondary', not 'primary'")
    cells = [(b, a) for b in counts.strata for a in counts.arms]

    def item(key: tuple[str, str, str], extra: str = "") -> str:
        return f"{label(key[0], lang)} ({_value(counts, key, hidden, threshold, lang)})" \
            + extra

    k = len(cells)
    width = max(6.3, _LEFT + 0.1 + k * 1.2 + (k - 1) * _GAP)
    box_w = min(2.2, (width - _LEFT - 0.1 - (k - 1) * _GAP) / k)
    xs = [_LEFT + 0.05 + i * (box_w + _GAP) for i in range(k)]
    centre = (xs[0] + xs[-1] + box_w) / 2
    rows = []
    for stage in ("allocation", "follow_up", "analysis"):
        names = [n for s, n in shown_counts(counts) if s == stage]
        row = []
        for band, arm in cells:
            name = cell_label(f"band={band}:instruments={arm}", lang)
            head = [(name[:1].upper() + name[1:], True)] if stage == "allocation" else []
            body = [(item((n, band, arm)), False) for n in names]
            row.append(_lines(head + body, box_w - 0.1))
        rows.append((stage, row, max(len(r) for r in row) * _LINE + 2 * _PAD))
    top_w = min(2.4, (width - _LEFT) / 3)
    side_x = centre + top_w / 2 + 0.15
    side_w = width - 0.05 - side_x
    side = [_lines([(item(("excluded", ALL, ALL)), False),
                    (label("reasons_not_recorded", lang), False)], side_w - 0.1)]
    late = counts.count("enrolled_after_as_of") or 0
    assessed = _lines([(item(("assessed", ALL, ALL)), False)], top_w - 0.1)
    enrolled = _lines([(item(("enrolled", ALL, ALL)), False)], top_w - 0.1)
    late_lines = _lines([(item(("enrolled_after_as_of", ALL, ALL)), False)], side_w - 0.1)
    # one arm: no allocation between arms to describe, only that there is one group
    if counts.analysis != "intention_to_treat":
        analysed = label("complete_note", lang)
    elif primary is None:
        analysed = label("itt_note", lang)
    else:
        analysed = label("primary_itt_note", lang).format(outcome=primary)
    notes = [_allocation_note(counts, lang), analysed,
             f"{label('as_of', lang)} {fmt_date(counts.as_of, lang)}."]
    note_lines = _lines([(n, False) for n in notes], width - 0.3)
    h_a, h_s, h_e = (len(x) * _LINE + 2 * _PAD for x in (assessed, side[0], enrolled))
    height = 0.1 + h_a + 0.15 + h_s + 0.3 + h_e + 0.35
    height += sum(h for _, _, h in rows) + 2 * 0.3 + 0.15 + len(note_lines) * _LINE + 0.1
    with house_style():
        fig = new_figure(width, height, layout=None)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.axis("off")
        x0 = centre - top_w / 2
        y = 0.1
        _box(ax, x0, y, top_w, assessed, h_a)
        enrol_top = y
        y_side = y + h_a + 0.15
        _box(ax, side_x, y_side, side_w, side[0], h_s)
        y = y_side + h_s + 0.3
        ax.plot([centre, centre], [enrol_top + h_a, y_side + h_s / 2], color="black", lw=0.6)
        _arrow(ax, centre, y_side + h_s / 2, side_x, y_side + h_s / 2)
        _arrow(ax, centre, y_side + h_s / 2, centre, y)
        _box(ax, x0, y, top_w, enrolled, h_e)
        if late:
            h_l = len(late_lines) * _LINE + 2 * _PAD
            _box(ax, side_x, y + (h_e - h_l) / 2, side_w, late_lines, h_l)
        _stage(ax, enrol_top, y + h_e, "stage_enrolment", lang)
        split = y + h_e + 0.17
        y = split + 0.18
        ax.plot([centre, centre], [split - 0.17, split], color="black", lw=0.6)
        ax.plot([xs[0] + box_w / 2, xs[-1] + box_w / 2], [split, split], color="black", lw=0.6)
        for i, (stage, row, h) in enumerate(rows):
            for x, lines in zip(xs, row, strict=True):
                start = split if i == 0 else y - 0.3
                _arrow(ax, x + box_w / 2, start, x + box_w / 2, y)
                _box(ax, x, y, box_w, lines, h)
            _stage(ax, y, y + h, f"stage_{stage}", lang)
            y += h + 0.3
        y -= 0.15
        for i, (text, _) in enumerate(note_lines):
            ax.text(_LEFT + 0.05, y + i * _LINE, text, ha="left", va="top", fontsize=_FONT - 0.5)
    return fig
