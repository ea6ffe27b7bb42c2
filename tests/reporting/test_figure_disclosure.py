"""Disclosure control of what figures draw beyond the results table (curves, numbers at
risk, ladder transitions): :mod:`iedereen_doet_mee.reporting.disclosure.figure_data`.

Each rule is checked by recounting from the unprotected data what a reader of the
public figure could learn, not by calling the rule again.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.disclosure.figure_data import (
    AT_RISK_SHOWN,
    POOLED_AT,
    WITHHELD_CURVES,
    at_risk,
    at_risk_text,
    pool_steps,
    protect_figure_data,
    withheld_line,
)
from iedereen_doet_mee.reporting.figures.over_time import (
    kaplan_meier_figure,
    ladder_transition_figure,
)
from iedereen_doet_mee.simulation import simulate_trial

THRESHOLD = 10


@given(st.lists(st.integers(0, 6), min_size=0, max_size=60), st.integers(1, 12))
@settings(max_examples=200, deadline=None)
def test_every_pooled_step_stands_for_at_least_threshold_events(events, threshold):
    curve = pd.DataFrame({"time": np.arange(len(events)), "n_event": events})
    kept = pool_steps(curve, threshold)
    previous = -1
    for position in kept.index:
        assert curve["n_event"].iloc[previous + 1:position + 1].sum() >= threshold
        assert curve["n_event"].iloc[position] > 0  # a point sits on an event
        previous = position
    # what is left after the last point is fewer than threshold events
    assert curve["n_event"].iloc[previous + 1:].sum() < threshold


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(1, 12))
@settings(max_examples=300, deadline=None)
def test_withheld_line_leaves_no_small_count_to_work_out(counts, threshold):
    counts = np.array(counts)
    hidden = withheld_line(counts, threshold)
    assert hidden[counts < threshold].all()  # primary: every small count, zero included
    # the total minus the shown counts is the withheld counts together: never small
    if hidden.any() and not hidden.all():
        assert counts[hidden].sum() >= threshold
    # secondary suppression only as far as needed: showing the largest withheld count
    # that is itself at least threshold would give a small remainder
    if hidden.any() and not hidden.all():
        extra = np.flatnonzero(hidden & (counts >= threshold))
        for c in extra:
            rest = counts[hidden].sum() - counts[c]
            assert rest < threshold


def test_numbers_at_risk_are_rounded_and_small_ones_not_shown():
    assert [at_risk_text(c, 10) for c in (0, 1, 9, 10, 12, 13, 17, 18, 100)] == \
        ["<10", "<10", "<10", "10", "10", "15", "15", "20", "100"]
    assert at_risk_text(4, 3) == "4"  # base 2 at threshold 3: 4 stays 4
    assert at_risk_text(5, 3) == "6"


@pytest.fixture(scope="module")
def analysis():
    return analyse_trial(simulate_trial(seed=20140701), n_draws=50, n_bootstrap=50)


@pytest.fixture(scope="module")
def large_analysis():
    return analyse_trial(simulate_trial(TrialDesign(n_per_cell=150), seed=5), n_draws=50,
                         n_bootstrap=50)


@pytest.mark.parametrize("which", ["analysis", "large_analysis"])
def test_public_curves_hide_every_small_number(which, request):
    analysis = request.getfixturevalue(which)
    full = analysis.results["survival"].extras
    shown = protect_figure_data(analysis, THRESHOLD).results["survival"].extras
    assert shown[POOLED_AT] == THRESHOLD
    for table in ("kaplan_meier", "cumulative_incidence"):
        withheld = set(shown[WITHHELD_CURVES][table])
        for term, curve in full[table].groupby("term"):
            eligible = curve[curve["n_risk"] >= THRESHOLD]
            kept = shown[table][shown[table]["term"] == term]
            if term in withheld:
                assert eligible["n_event"].sum() < THRESHOLD and kept.empty
                continue
            assert not kept.empty and (kept["n_risk"] >= THRESHOLD).all()
            # the events between two drawn points, counted from the full curve
            times = [-np.inf, *kept["time_months"]]
            for low, high in itertools.pairwise(times):
                between = eligible[(eligible["time_months"] > low)
                                   & (eligible["time_months"] <= high)]
                assert between["n_event"].sum() >= THRESHOLD
            # the drawn values are the estimates at those times, not changed
            value = "survival" if table == "kaplan_meier" else "estimate"
            merged = kept.merge(curve, on="time_months", suffixes=("", "_full"))
            np.testing.assert_array_equal(merged[value], merged[f"{value}_full"])
    risk = shown[AT_RISK_SHOWN]
    for term, curve in full["kaplan_meier"].groupby("term"):
        mine = risk[risk["term"] == term]
        counts = at_risk(curve, mine["month"])
        for text, count in zip(mine["text"], counts, strict=True):
            if count < THRESHOLD:
                assert text == "<10"
            else:
                assert int(text) % 5 == 0 and abs(int(text) - count) <= 2.5


def test_public_ladder_shows_no_small_cell(analysis):
    full = analysis.results["ladder"].extras["transitions"]
    shown = protect_figure_data(analysis, THRESHOLD).results["ladder"].extras
    assert "transitions" not in shown and "counts" not in shown
    shares, rows = shown["transition_shares"], shown["transition_rows"]
    counts = full.drop(columns="total")
    for rung in shares.index:
        total = int(full.loc[rung, "total"])
        visible = shares.loc[rung].notna()
        if rows[rung] < 0:
            assert not visible.any()
            continue
        assert rows[rung] == total >= THRESHOLD
        # every shown share is a count of at least threshold; what is hidden adds up
        # to at least threshold (or nothing is hidden)
        assert (counts.loc[rung, visible] >= THRESHOLD).all()
        hidden_total = int(counts.loc[rung, ~visible].sum())
        assert visible.all() or hidden_total >= THRESHOLD or not visible.any()
    hidden_rows = int(full.loc[rows[rows < 0].index, "total"].sum())
    assert (rows >= 0).all() or hidden_rows >= THRESHOLD or (rows < 0).all()
    # the default trial: rung 1 (2 people) and the rows around it are withheld
    assert rows[1] < 0 and shares.loc[1].isna().all()


def test_internal_report_draws_everything(analysis):
    assert protect_figure_data(analysis, None) is analysis


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_public_kaplan_meier_figure_prints_no_small_number(analysis, lang):
    result = protect_figure_data(analysis, THRESHOLD).results["survival"]
    figure = kaplan_meier_figure(result, lang=lang, target=0.4)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    numbers = [int(t) for t in texts if t.isdigit()]
    assert numbers and all(n >= THRESHOLD and n % 5 == 0 for n in numbers)
    assert "<10" in texts
    legends = [t.get_text() for ax in figure.axes if ax.get_legend()
               for t in ax.get_legend().get_texts()]
    # the cells all have fewer than 10 events: the coarsest curve (everyone) is drawn
    assert any(("totaal" if lang == "nl" else "overall") in t for t in legends)
    marker = "afgeschermd" if lang == "nl" else "withheld"
    note = figure._supxlabel.get_text()
    assert ("Afgeschermd" if lang == "nl" else "Withheld") in note
    assert not any(("geen uitstroom" if lang == "nl" else "no outflow") in t for t in texts)
    assert all(marker not in t or ":" in t for t in legends)


def test_public_curves_of_a_large_trial_stay_per_cell(large_analysis):
    result = protect_figure_data(large_analysis, THRESHOLD).results["survival"]
    figure = kaplan_meier_figure(result, lang="nl", target=0.4)
    titles = [ax.get_title() for ax in figure.axes[:2]]
    assert all("loonwaardeband" in t for t in titles)  # two panels, one per band


def test_public_ladder_figure_names_rows_and_explains_grey(analysis):
    result = protect_figure_data(analysis, THRESHOLD).results["ladder"]
    figure = ladder_transition_figure(result, lang="nl")
    cells = [t.get_text() for t in figure.axes[0].texts]
    assert cells == ["59%"]
    assert "afgeschermd" in figure._supxlabel.get_text()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert "3 georganiseerde activiteiten (n = 27)" in labels


def test_cell_shares_beside_the_effects_follow_the_published_rows(analysis):
    """The left panel of the effects figure drew 4%, 12%, 0% and 28% of 25 people
    while the tables withheld those rows (issue 13)."""
    from iedereen_doet_mee.analysis.estimators import disclosure_classes
    from iedereen_doet_mee.reporting.disclosure import suppress_results
    from iedereen_doet_mee.reporting.parts import as_published
    from iedereen_doet_mee.reporting.records import analysis_records

    found = analysis_records(analysis)
    records = suppress_results(found, threshold=THRESHOLD,
                               **disclosure_classes(found["estimator"]))
    published = protect_figure_data(as_published(analysis, records), THRESHOLD)
    cells = published.results["effects"].extras["cells"]
    assert set(cells.columns) == {"band", "arm", "share", "withheld"}  # no counts
    target = records[(records["question"] == "target")
                     & (records["estimator"] == "proportion_clopper_pearson")]
    for row in cells.itertuples(index=False):
        record = target[target["term"] == f"band={row.band}:instruments={row.arm}"].iloc[0]
        if record["suppressed"]:
            assert row.withheld and np.isnan(row.share)
        else:  # shown in the figure only as in the table
            assert row.share == pytest.approx(record["estimate"])
    assert cells["withheld"].all()  # 1, 3, 0 and 7 of 25: every cell is withheld


def test_wage_paths_of_withheld_cells_are_not_drawn(analysis):
    import dataclasses

    result = analysis.results["wage_value"]
    marks = result.table[["term", "estimator"]].assign(
        withheld=result.table["term"].astype(str).str.contains(
            r"\[band=40-60:instruments=no\]", regex=True))
    hidden = dataclasses.replace(result, extras={**result.extras, "withheld": marks})
    shown = protect_figure_data(dataclasses.replace(
        analysis, results={**analysis.results, "wage_value": hidden}), THRESHOLD)
    paths = shown.results["wage_value"].extras["trajectories"]
    cells = set(zip(paths["band"], paths["instruments"], strict=True))
    assert ("40-60", "no") not in cells and ("60-80", "yes") in cells
    assert "participants" not in paths


def test_curves_of_bands_alone_are_drawn_in_one_panel(analysis):
    """When the cells are withheld the bands may be the finest grouping drawn; a band
    has no arm, so the figure must not look one up (a minimal export crashed on it)."""
    import dataclasses

    result = analysis.results["survival"]
    km = result.extras["kaplan_meier"]
    bands_only = km[km["term"].isin(["band=40-60", "band=60-80"])]
    result = dataclasses.replace(result, extras={**result.extras, "kaplan_meier": bands_only})
    figure = kaplan_meier_figure(result, lang="nl")
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["loonwaardeband 40-60%", "loonwaardeband 60-80%"]
