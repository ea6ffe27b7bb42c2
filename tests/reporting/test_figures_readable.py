"""Figures a reader can read (issue 13, item 6): distinct euro ticks, "afgeschermd" where
disclosure control withheld a number (once per group), Kaplan-Meier panels on one
months axis with numbers at risk that equal counts from the data, a difference axis
around zero, wage-value predictions only over the months measured, and HTML figures
that scale and have a text alternative."""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.dates import DAYS_PER_MONTH
from iedereen_doet_mee.reporting.document.blocks import Figure, Report, Section, Table
from iedereen_doet_mee.reporting.document.html import render_html
from iedereen_doet_mee.reporting.figures.estimates import (
    EuroFormatter,
    costs_figure,
    instrument_effects_figure,
    outflow_target_figure,
)
from iedereen_doet_mee.reporting.figures.files import save_figure
from iedereen_doet_mee.reporting.figures.over_time import (
    kaplan_meier_figure,
    ladder_transition_figure,
    wage_value_figure,
)
from iedereen_doet_mee.reporting.figures.style import house_style, label
from iedereen_doet_mee.reporting.parts import as_published
from iedereen_doet_mee.reporting.records import analysis_records

SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic"


@pytest.fixture(scope="module")
def analysis():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_trial(load_trial(SYNTHETIC), n_draws=50, n_bootstrap=50)


def _drawn(fig):
    with house_style():
        fig.draw_without_rendering()
    return fig


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_euro_ticks_are_distinct_on_any_range(analysis):
    fig = _drawn(costs_figure(analysis.results["costs"], lang="nl"))
    for ax in fig.axes[:2]:
        shown = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert len(shown) >= 3 and len(set(shown)) == len(shown), shown
        assert all(s.startswith("€") for s in shown)
    # a narrow axis (a few cents) keeps its ticks apart instead of "€ 0 € 0 € 0"
    shown = EuroFormatter("nl").format_ticks([-0.04, -0.02, 0.0, 0.02, 0.04])
    assert len(set(shown)) == 5 and shown[0] == "€ −0,04"
    assert EuroFormatter("en").format_ticks([0, 2500, 5000]) == ["€0", "€2,500", "€5,000"]


def _published(analysis, hide):
    """``analysis`` as published with the rows for which ``hide(record)`` is true withheld."""
    records = analysis_records(analysis)
    records["suppressed"] = records.apply(hide, axis=1).astype(bool)
    return as_published(analysis, records)


def test_withheld_values_say_afgeschermd_once_per_group(analysis):
    cells = analysis.results["target"].table["term"].astype(str).str.contains("instruments=")
    assert cells.any()
    published = _published(analysis, lambda r: r["question"] == "target"
                           and "instruments=" in str(r["term"]))
    ax = outflow_target_figure(published.results["target"], lang="nl").axes[0]
    texts = _texts(ax)
    n_cells = analysis.results["target"].table.loc[cells, "term"].nunique()
    assert texts.count(label("withheld", "nl")) == n_cells  # one per group, not per marker
    assert label("not_estimable", "nl") not in texts
    # the same rows not withheld but missing in the analysis: "niet schatbaar", once each
    result = analysis.results["target"]
    table = result.table
    table.loc[cells, ["estimate", "conf_low", "conf_high"]] = np.nan
    ax = outflow_target_figure(dataclasses.replace(result, table=table), lang="en").axes[0]
    assert _texts(ax).count(label("not_estimable", "en")) == n_cells
    assert label("withheld", "en") not in _texts(ax)
    # effects and costs say it too
    published = _published(analysis, lambda r: r["question"] in ("effects", "costs"))
    effects = instrument_effects_figure(published.results["effects"], lang="nl").axes[1]
    assert set(_texts(effects)) == {label("withheld", "nl")}
    costs = costs_figure(published.results["costs"], lang="en")
    assert {t for ax in costs.axes for t in _texts(ax)} == {label("withheld", "en")}


def test_kaplan_meier_panels_share_months_and_show_numbers_at_risk(analysis):
    result = analysis.results["survival"]
    fig = _drawn(kaplan_meier_figure(result, lang="nl", target=0.4))
    curves, tables = fig.axes[:2], fig.axes[2:]
    assert len(tables) == 2 and curves[0].get_xlim() == curves[1].get_xlim()
    assert all(t.get_xlim() == curves[0].get_xlim() for t in tables)
    right_end = curves[0].get_xlim()[1]
    months = np.arange(0, right_end + 1e-9, 6)
    frame = analysis.outcomes.frame
    assert right_end >= (frame["time_days"] / DAYS_PER_MONTH).max()
    for band, table in zip(("40-60", "60-80"), tables, strict=True):
        assert table.get_title(loc="left") == label("at_risk", "nl")
        names = [t for t in table.texts if not re.fullmatch(r"\d+", t.get_text())]
        numbers = [t for t in table.texts if re.fullmatch(r"\d+", t.get_text())]
        assert [n.get_text() for n in names] == [label("without_instruments", "nl"),
                                                 label("with_instruments", "nl")]
        for row, arm in enumerate(("no", "yes")):
            cell = frame[(frame["band"] == band) & (frame["instruments"] == arm)]
            expected = [int((cell["time_days"] / DAYS_PER_MONTH >= m).sum()) for m in months]
            shown = [int(n.get_text()) for n in numbers if n.get_position()[1] == row + 0.25]
            assert shown == expected, (band, arm)
            # the row's name has the colour of its curve in the panel above
            line = next(li for li in curves[tables.index(table)].lines
                        if li.get_label() == names[row].get_text())
            assert names[row].get_color() == line.get_color()
    # each panel's legend names its own curves in their own colours
    for ax in curves:
        legend = ax.get_legend()
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            if text.get_text() in (label("with_instruments", "nl"),
                                   label("without_instruments", "nl")):
                line = next(li for li in ax.lines if li.get_label() == text.get_text())
                assert handle.get_color() == line.get_color()


def test_a_curve_without_events_stays_visible_and_the_target_label_keeps_clear(analysis):
    result = analysis.results["survival"]
    km = result.extras["kaplan_meier"]
    flat = [t for t, g in km.groupby("term") if g["n_event"].sum() == 0]
    assert flat, "the bundled trial has a cell without regular work"
    fig = _drawn(kaplan_meier_figure(result, lang="en", target=0.4))
    texts = [t for ax in fig.axes[:2] for t in ax.texts]
    assert any(t.get_text() == label("no_events", "en") for t in texts)
    for ax in fig.axes[:2]:
        assert ax.get_ylim()[0] < 0  # a line at 0 is drawn above the axis, not on it
        target = next(t for t in ax.texts if t.get_text().startswith(label("target", "en")))
        box = target.get_window_extent()
        for line in ax.lines[:-1]:  # the curves (the last line is the target's)
            path = line.get_transform().transform(np.column_stack(line.get_data()))
            inside = ((path[:, 0] >= box.x0) & (path[:, 0] <= box.x1)
                      & (path[:, 1] >= box.y0) & (path[:, 1] <= box.y1))
            assert not inside.any(), line.get_label()


def test_the_difference_axis_is_symmetric_and_shows_a_negative_estimate(analysis):
    result = analysis.results["effects"]
    table = result.table
    rows = table["estimator"].astype(str).str.startswith("risk_difference_ipw")
    table.loc[rows, ["estimate", "conf_low", "conf_high"]] = [-0.3, -0.5, -0.1]
    fig = instrument_effects_figure(dataclasses.replace(result, table=table), lang="en")
    low, high = fig.axes[1].get_xlim()
    assert low == -high and low <= -0.5
    drawn = [float(c.lines[0].get_xdata()[0]) for c in fig.axes[1].containers]
    assert min(drawn) == pytest.approx(-0.3) and all(low <= x <= high for x in drawn)


def test_wage_value_is_predicted_only_over_the_months_measured(analysis):
    result = analysis.results["wage_value"]
    paths = result.extras["trajectories"]
    assert paths["extrapolated"].any()  # the bundled trial has months to extrapolate to
    ax = wage_value_figure(result, lang="nl").axes[0]
    measured = paths[~paths["extrapolated"].astype(bool)]
    for line in ax.lines:
        x = np.asarray(line.get_xdata(), dtype=float)
        assert x.max() <= measured["month"].max()
    assert max(np.asarray(li.get_xdata(), dtype=float).max() for li in ax.lines) < \
        paths["month"].max()
    for band, arm in measured[["band", "instruments"]].drop_duplicates().itertuples(index=False):
        cell = measured[(measured["band"] == band) & (measured["instruments"] == arm)]
        name = f"{label('band', 'nl')} {band}%"
        line = next(li for li in ax.lines if li.get_label().startswith(name)
                    and li.get_label().endswith(label(
                        "with_instruments" if arm == "yes" else "without_instruments", "nl")))
        np.testing.assert_allclose(line.get_xdata(), cell.sort_values("month")["month"])


def test_the_internal_ladder_names_each_rows_n_and_its_empty_rows(analysis):
    """Unprotected (the internal report): every intake rung says how many people it
    holds, and the grey rows of a rung nobody started on are explained."""
    result = analysis.results["ladder"]
    totals = result.extras["transitions"]["total"]
    assert (totals == 0).any() and (totals > 0).any()  # the bundled trial has both
    fig = ladder_transition_figure(result, lang="nl")
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [n.rsplit("(n = ", 1)[1] for n in names] == [f"{int(t)})" for t in totals]
    assert fig._supxlabel.get_text() == label("ladder_empty", "nl")
    full = dataclasses.replace(result, extras={**result.extras, "transitions":
                                               result.extras["transitions"].iloc[:4],
                                               "transition_shares":
                                               result.extras["transition_shares"].iloc[:4]})
    assert ladder_transition_figure(full, lang="nl")._supxlabel is None


def test_the_wage_value_legend_covers_no_interval(analysis):
    """The legend sat inside the panel, over the 60-80% band's interval; it is below it."""
    fig = wage_value_figure(analysis.results["wage_value"], lang="nl")
    _drawn(fig)
    legend = fig.legends[0].get_window_extent()
    panel = fig.axes[0].get_window_extent()
    assert fig.axes[0].get_legend() is None and len(fig.legends[0].get_texts()) == 4
    assert legend.y1 <= panel.y0 and not legend.overlaps(panel)


def test_html_figures_scale_and_have_a_text_alternative(analysis, tmp_path):
    save_figure(wage_value_figure(analysis.results["wage_value"], lang="nl"), tmp_path,
                "wage_value")
    frame = pd.DataFrame({"groep": ["totaal", "band"], "n": ["100", "50"],
                          "aandeel": ["11% (6% tot 19%)", "afgeschermd"],
                          "anders": ["afgeschermd", "-"], "toelichting": ["", "-"]})
    blank = pd.DataFrame({"": ["pakket"], " ": ["iedereen_doet_mee"]})
    report = Report("T", "S", "nl", (Section("a", "A", (
        Figure("wage_value", "Figuur 5. Voorspelde loonwaarde per groep"),
        Table("Tabel 1", frame), Table("Tabel 14", blank))),), ())
    page = render_html(report, tmp_path)
    svg = re.search(r"<svg\b[^>]*>", page).group(0)
    assert not re.search(r"\s(width|height)=", svg) and "viewBox" in svg
    alt = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert 'role="img"' in svg and alt.startswith("Figuur 5. Voorspelde loonwaarde per groep.")
    assert len(alt) > len("Figuur 5. Voorspelde loonwaarde per groep.") + 20
    assert "<title>Figuur 5." in page
    assert "453" not in page.split("<style>")[1].split("</style>")[0]
    assert re.search(r"figure svg \{[^}]*width: 100%[^}]*height: auto", page)
    assert "<img" not in page or all("alt=" in tag for tag in re.findall(r"<img[^>]*>", page))
    # numbers right, text left; a table without column names has no empty header row
    assert '<td>totaal</td><td class="num">100</td><td class="num">11% (6% tot 19%)</td>' in page
    assert '<td class="num">afgeschermd</td>' in page
    # a column of withheld numbers only (the ESF table's "anders of onbekend") is numbers
    assert '<td class="num">afgeschermd</td><td></td></tr>' in page
    assert '<td class="num">-</td><td>-</td></tr>' in page
    assert '<th>groep</th><th class="num">n</th>' in page
    assert "<caption>Tabel 14</caption><tbody>" in page
