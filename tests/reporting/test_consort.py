"""CONSORT counts: a hand-computed small trial, independent pandas counts on the bundled
synthetic trial (at the cut-off and at an interim date), counts that add up, "not
recorded" where the data model has nothing, and the diagram with suppressed counts."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.data.loading import TrialData
from iedereen_doet_mee.reporting.tables.consort import (
    ALL,
    COUNT_NAMES,
    consort_counts,
    consort_figure,
)

SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic"
CELLS = [(b, a) for b in ("40-60", "60-80") for a in ("no", "yes")]

# Seven people, as of 2015-12-31 (hand-computed expectations below):
# P01 exits to work on the day they leave the project: not discontinued.
# P02 leaves the project without an exit: discontinued; received an instrument.
# P03 lost to follow-up on 2015-06-30.
# P04 left after their exit; their only instrument starts after the as-of date.
# P05 enrolled after the as-of date: counted apart.
# P06 left the project before their exit: discontinued; received an instrument.
# P07 is in the control arm but got an instrument (contamination is counted, not hidden).
PARTICIPANTS = """participant_id,band,instruments,enrolled_on,exit_on,exit_reason,\
left_project_on,follow_up_end_on
P01,40-60,no,2014-08-01,2015-03-01,regular_work,2015-03-01,
P02,40-60,yes,2014-09-01,,,2015-01-15,
P03,60-80,no,2014-10-01,,,,2015-06-30
P04,60-80,yes,2014-11-01,2015-05-01,other,2015-06-01,
P05,60-80,yes,2016-03-01,,,,
P06,40-60,yes,2014-08-15,2015-04-01,regular_work,2015-02-01,
P07,60-80,no,2014-12-01,,,,
"""
INSTRUMENTS = """participant_id,kind,started_on,ended_on,cost_eur
P02,job_coach,2014-10-01,2015-01-10,1200
P04,training,2016-02-01,,800
P06,job_coach,2014-09-01,2015-01-31,1500
P06,practical_support,2014-10-01,2014-10-01,50
P07,training,2015-01-01,2015-03-01,700
"""
HAND = {  # (count, band, instruments) -> n, as of 2015-12-31
    ("enrolled", ALL, ALL): 6, ("enrolled_after_as_of", ALL, ALL): 1,
    ("allocated", "40-60", "no"): 1, ("allocated", "40-60", "yes"): 2,
    ("allocated", "60-80", "no"): 2, ("allocated", "60-80", "yes"): 1,
    ("received_instruments", "40-60", "no"): 0, ("received_instruments", "40-60", "yes"): 2,
    ("received_instruments", "60-80", "no"): 1, ("received_instruments", "60-80", "yes"): 0,
    ("no_instruments", "60-80", "yes"): 1, ("lost_to_follow_up", "60-80", "no"): 1,
    ("lost_to_follow_up", ALL, ALL): 1, ("discontinued", "40-60", "yes"): 2,
    ("discontinued", ALL, ALL): 2, ("analysed", ALL, ALL): 6,
    ("excluded_from_analysis", ALL, ALL): 0,
}


@pytest.fixture()
def small(tmp_path):
    (tmp_path / "participants.csv").write_text(PARTICIPANTS)
    (tmp_path / "instruments.csv").write_text(INSTRUMENTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_trial(tmp_path)


@pytest.fixture(scope="module")
def bundled():
    return load_trial(SYNTHETIC)


def test_hand_computed_small_trial(small):
    counts = consort_counts(small, as_of="2015-12-31")
    for key, n in HAND.items():
        assert counts.count(*key) == n, key
    complete = consort_counts(small, as_of="2015-12-31", analysis="complete_cases")
    assert complete.count("excluded_from_analysis", "60-80", "no") == 1
    assert complete.count("analysed", "60-80", "no") == 1
    assert complete.count("analysed") == 5
    assert counts.count("assessed") is None and counts.count("excluded") is None


def _independent(trial: TrialData, as_of: str) -> dict[tuple[str, str, str], int]:
    """The per-cell counts straight from the raw tables with pandas (no derive_outcomes)."""
    stamp = pd.Timestamp(as_of)
    p = trial.participants
    p = p[p["enrolled_on"] <= stamp].copy()
    p["known"] = p["follow_up_end_on"].where(p["follow_up_end_on"] < stamp, stamp)
    p["known"] = p["known"].fillna(stamp)
    exited = p["exit_on"] <= p["known"]
    p["lost"] = p["follow_up_end_on"].notna() & (p["follow_up_end_on"] <= stamp) & ~exited
    ins = trial.table("instruments").merge(p[["participant_id", "known"]])
    got = set(ins.loc[ins["started_on"] <= ins["known"], "participant_id"])
    p["received"] = p["participant_id"].isin(got)
    left = p["left_project_on"]
    p["discontinued"] = (left <= p["known"]) & (~exited | (left < p["exit_on"]))
    p["one"] = True
    out = {}
    for column, name in (("one", "allocated"), ("received", "received_instruments"),
                         ("lost", "lost_to_follow_up"), ("discontinued", "discontinued")):
        table = pd.crosstab(p["band"].astype(str), p["instruments"].astype(str),
                            values=p[column].astype(int), aggfunc="sum")
        for band, arm in CELLS:
            out[(name, band, arm)] = int(table.loc[band, arm])
    out[("enrolled", ALL, ALL)] = len(p)
    return out


@pytest.mark.parametrize("as_of", ["2016-07-01", "2015-07-01"])
def test_counts_equal_independent_pandas_counts(bundled, as_of):
    counts = consort_counts(bundled, as_of=as_of)
    reference = _independent(bundled, as_of)
    for key, n in reference.items():
        assert counts.count(*key) == n, key
    # the bundled trial exercises every count
    assert counts.count("lost_to_follow_up") > 0 or as_of != "2016-07-01"
    assert counts.count("discontinued") > 0
    later = (bundled.participants["enrolled_on"] > pd.Timestamp(as_of)).sum()
    assert counts.count("enrolled_after_as_of") == later


@pytest.mark.parametrize("analysis", ["intention_to_treat", "complete_cases"])
def test_counts_add_up(bundled, analysis):
    counts = consort_counts(bundled, as_of="2015-07-01", analysis=analysis)
    t = counts.table
    cells = t[(t["band"] != ALL) & (t["instruments"] != ALL)]
    for _, name in COUNT_NAMES:  # every margin is the sum of its cells
        mine = cells[cells["count"] == name]
        assert counts.count(name) == mine["n"].sum()
        for band in counts.strata:
            assert counts.count(name, band=band) == mine.loc[mine["band"] == band, "n"].sum()
        for arm in counts.arms:
            assert counts.count(name, instruments=arm) == mine.loc[
                mine["instruments"] == arm, "n"].sum()
    assert counts.count("allocated") == counts.count("enrolled")
    assert counts.count("enrolled") + counts.count("enrolled_after_as_of") == len(
        bundled.participants)
    for band, arm in CELLS:
        allocated = counts.count("allocated", band, arm)
        assert counts.count("analysed", band, arm) + counts.count(
            "excluded_from_analysis", band, arm) == allocated
        assert counts.count("received_instruments", band, arm) + counts.count(
            "no_instruments", band, arm) == allocated
    assert t["n"].dtype == "Int64"


def test_what_the_data_do_not_record_is_not_recorded(bundled):
    people = bundled.participants.drop(columns=["left_project_on"])
    trial = TrialData(bundled.design, {"participants": people})
    counts = consort_counts(trial)
    assert counts.count("received_instruments", "40-60", "yes") is None
    assert counts.count("discontinued") is None
    assert counts.count("allocated") == 100
    text = " ".join(t.get_text() for t in consort_figure(counts, lang="en").axes[0].texts)
    assert "Received instruments (n = not recorded)" in text
    assert "before leaving benefit (n = not recorded)" in text


def test_diagram_shows_every_count_and_suppresses_on_request(bundled):
    counts = consort_counts(bundled)
    hidden = {("lost_to_follow_up", "60-80", "no"): "primary",
              ("discontinued", "40-60", "no"): None}
    fig = consort_figure(counts, lang="nl", suppressed=hidden)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for band, arm in CELLS:
        assert f"Toegewezen (n = {counts.count('allocated', band, arm)})" in text
        assert f"Geanalyseerd (n = {counts.count('analysed', band, arm)})" in text
    lost = counts.count("lost_to_follow_up", "60-80", "no")
    assert "Uit beeld geraakt (n <10)" in text
    assert text.count("Uit beeld geraakt (n = 0)") == 3 and lost > 0
    shown = counts.count("discontinued", "40-60", "no")
    assert f"uitkering (n = {shown})" in text
    assert "Beoordeeld op geschiktheid (n = niet vastgelegd)" in text
    assert not re.search(r"\bP\d{4}\b", text)


def test_bad_input_is_refused(bundled):
    counts = consort_counts(bundled)
    with pytest.raises(ValueError, match="unknown key"):
        consort_figure(counts, suppressed={("allocated", "40-60", "maybe"): True})
    with pytest.raises(ValueError, match="analysis='all'"):
        consort_counts(bundled, analysis="all")
    with pytest.raises(ValueError, match="lang='fr'"):
        consort_figure(counts, lang="fr")
    with pytest.raises(KeyError):
        counts.count("randomised")
