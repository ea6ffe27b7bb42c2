"""The ESF indicator table after disclosure control: no indicator gives its rest away.

Every ESF indicator counts a part of the participants, and the table prints the number
of participants (TOTAL). A printed indicator therefore tells the reader how many
participants are *not* in it: CO12 (jobless household) 97 of 100 leaves 3 who are not,
which the baseline table withholds as "Jobless household: no". Those rests are counted
by hand here and checked with the attacker of the recomputation test
(:mod:`.disclosure_attack`), which is written apart from the engine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.reporting.tables.as_text import esf_text_table
from iedereen_doet_mee.reporting.tables.baseline import baseline_long
from iedereen_doet_mee.reporting.tables.baseline_suppression import baseline_suppression
from iedereen_doet_mee.reporting.tables.esf import ESF_COLUMNS, ESF_INDICATORS, esf_indicators
from iedereen_doet_mee.reporting.tables.esf_suppression import (
    baseline_overall,
    esf_suppression,
)

from .disclosure_attack import esf_baseline_links, esf_equations, format_findings

ROOT = Path(__file__).resolve().parents[2]
T = 10


def _esf(counts: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """An ESF table (as :func:`esf_indicators` gives it) holding ``counts`` (men, women,
    total) for the codes given; every other indicator is unavailable."""
    everyone = counts["TOTAL"][2]
    rows = []
    for spec in ESF_INDICATORS:
        if spec.code in counts:
            men, women, total = counts[spec.code]
            rows.append({**spec._asdict(), "men": men, "women": women,
                         "sex_other_or_unknown": total - men - women, "total": total,
                         "unknown": 0, "population": everyone, "not_yet_countable": 0,
                         "available": True})
        else:
            rows.append({**spec._asdict(), "available": False, "reason": "not in this test",
                         "reason_nl": "niet in deze test"})
    frame = pd.DataFrame(rows, columns=list(ESF_COLUMNS))
    for column in ESF_COLUMNS[4:11]:
        frame[column] = pd.array(frame[column].to_numpy(dtype=object), dtype="Int64")
    frame["available"] = frame["available"].astype(bool)
    return frame


def _published(sheet: pd.DataFrame) -> dict[str, tuple]:
    """code -> (men, women, other or unknown, total) as the workbook prints them;
    None: withheld."""
    return {r["code"]: tuple(None if pd.isna(r[c]) else int(r[c])
                             for c in ("men", "women", "sex_other_or_unknown", "total"))
            for _, r in sheet.iterrows() if r["available"]}


def _rows(sheet: pd.DataFrame) -> list[list]:
    """The sheet as the attacker reads the workbook: a withheld count is a word."""
    rows = [["code", "indicator", "men", "women", "other or unknown", "total"]]
    for code, counts in _published(sheet).items():
        rows.append([code, code, *("withheld" if c is None else c for c in counts)])
    return rows


def _attack(sheet: pd.DataFrame) -> list:
    return esf_equations(_rows(sheet)).findings("test", T)


# -- the leak: an indicator with all participants shown gives its rest away --------------

def test_the_attacker_finds_the_rest_of_an_indicator():
    """Printed as before the fix (nothing hidden), CO12 97 of 100 leaves 3 who are not in
    a jobless household: the attacker must find them."""
    rows = [["code", "indicator", "men", "women", "total"],
            ["TOTAL", "", 43, 57, 100], ["CO12", "", 42, 55, 97]]
    found = {(f.location, f.value) for f in esf_equations(rows).findings("test", T)}
    assert found == {("not CO12/men", 1), ("not CO12/women", 2), ("not CO12/total", 3)}


def test_an_indicator_whose_rest_is_small_is_withheld():
    """CO12 40 of 45 (2 men and 3 women not in a jobless household): its total is
    withheld. CO15 22 of 45 leaves 23, enough: its total stays, and so does TOTAL's.
    Nobody is of other or unknown sex: that column is withheld in every row, and one
    sex with it (men + women would give the zero back)."""
    esf = _esf({"TOTAL": (20, 25, 45), "CO12": (18, 22, 40), "CO15": (10, 12, 22)})
    _, sheet = esf_text_table(esf, T, "en")
    shown = _published(sheet)
    assert shown["CO12"][3] is None
    assert shown["TOTAL"][3] == 45 and shown["CO15"][3] == 22
    for counts in shown.values():
        assert counts[2] is None and None in counts[:2]
    assert not _attack(sheet), format_findings(_attack(sheet))


@pytest.mark.parametrize("counts", [
    {"TOTAL": (20, 25, 45), "CO16": (20, 25, 45)},            # a rest of zero
    {"TOTAL": (20, 25, 45), "CO15": (19, 12, 31)},            # small among men only
    {"TOTAL": (30, 30, 60), "CO12": (28, 22, 50), "CO13": (27, 20, 47)},
    {"TOTAL": (30, 30, 60), "CO09": (12, 11, 23), "CO10": (14, 15, 29),
     "CO11": (2, 1, 3)},                                       # ISCED 0: 5 (2 + 3)
    {"TOTAL": (30, 30, 60), "CO01": (20, 24, 44), "CO02": (19, 20, 39),
     "CO03": (5, 3, 8), "CO05": (5, 3, 8)},                   # unemployed, not long-term
])
def test_no_rest_of_an_indicator_can_be_worked_out(counts):
    """Whatever the table prints, the rest of an indicator (all participants not in it),
    of a group of disjoint ones (ISCED 1-2, 3-4, 5-8: ISCED 0) and of a wider one
    (unemployed, not long-term) is never a count below the threshold a reader can get."""
    _, sheet = esf_text_table(_esf(counts), T, "nl")
    found = _attack(sheet)
    assert not found, format_findings(found)
    assert _published(sheet)["TOTAL"][3] == counts["TOTAL"][2]  # known: never hidden


def test_a_large_rest_hides_nothing():
    """An indicator below the threshold with a large rest needs no second suppression
    for its rest: the rest is not printed (the old table hid nothing more either)."""
    esf = _esf({"TOTAL": (20, 25, 45), "CO11": (2, 13, 15), "CO15": (10, 12, 22)})
    mask = esf_suppression(esf, T)
    assert mask.loc["CO11"].tolist() == [True, True, True, False]  # men 2, other 0, women
    # TOTAL and CO15 hide their zero of other or unknown sex and one sex, nothing more
    assert mask.loc[["TOTAL", "CO15"]].sum(axis=1).tolist() == [2, 2]
    assert not mask.loc[["TOTAL", "CO15"], "total"].any()


def test_the_internal_report_hides_nothing():
    esf = _esf({"TOTAL": (20, 25, 45), "CO12": (18, 22, 40), "CO16": (20, 25, 45)})
    text, sheet = esf_text_table(esf, None, "en")
    assert _published(sheet)["CO12"] == (18, 22, 0, 40)
    assert "withheld" not in text.to_string()


# -- the bundled synthetic trial ----------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    trial = load_trial(ROOT / "data" / "synthetic")
    long = baseline_long(trial)
    return esf_indicators(trial), long, baseline_suppression(long, T)


def test_the_bundled_report_withholds_co12(bundled):
    """The reviewer's leak: CO12 97 of the 100 participants. Withheld now, with the ESF
    table read alone and with the baseline table beside it."""
    esf, long, protection = bundled
    assert esf.set_index("code").loc["CO12", "total"] == 97
    for overall in (None, baseline_overall(long, protection)):
        _, sheet = esf_text_table(esf, T, "nl", baseline=overall)
        assert _published(sheet)["CO12"][2] is None
        assert not _attack(sheet), format_findings(_attack(sheet))


def _baseline_rows(long: pd.DataFrame, protection) -> tuple[str, list[list]]:
    """The overall column of the baseline table as the attacker reads the HTML."""
    from iedereen_doet_mee.reporting.tables.as_text import baseline_text_table

    table = baseline_text_table(long, T, "nl", protection=protection)
    rows = [list(map(str, table.columns))] + [list(map(str, r)) for r in table.to_numpy()]
    return "baseline", rows


def test_the_bundled_tables_read_together_give_nothing_away(bundled):
    """The ESF table beside the baseline table: a count one withholds cannot be worked
    out from the other (CO12 = "Jobless household: yes", withheld there; CO15 = "Migrant
    background: yes", withheld there; CO13 inside the two household levels with
    children, 21 + 20 = 41, which left 41 - 39 = 2)."""
    from .disclosure_attack import _grid_equations

    esf, long, protection = bundled
    _, sheet = esf_text_table(esf, T, "nl", baseline=baseline_overall(long, protection))
    shown = _published(sheet)
    assert shown["CO12"][2] is None and shown["CO13"][2] is None
    assert shown["CO15"][2] is None
    caption, rows = _baseline_rows(long, protection)
    ours = esf_equations(_rows(sheet))
    theirs = _grid_equations(caption, rows)
    links = esf_baseline_links(ours, caption, rows)
    assert links.sums
    found = ours.merge(theirs).merge(links).findings("test", T)
    assert not found, format_findings(found)


def test_the_sex_the_baseline_withholds_stays_withheld_here(bundled):
    """The baseline prints "female: 57" and withholds "male" (to protect "other: <10",
    which is 0). The ESF table prints its column of other or unknown sex, all zeros and
    all withheld, so its men and women no longer add up to its totals for the reader:
    with the baseline's rows linked to TOTAL's men and women (as the attack does),
    neither "male" nor a zero of other sex can be worked out. Before, the table left the
    column out and the two tables together gave "male: 43" and "other: 0"."""
    from .disclosure_attack import _grid_equations

    esf, long, protection = bundled
    assert protection.reason[("sex", "male", "overall")] == "secondary"
    assert ("sex", "female", "overall") not in protection.reason
    _, sheet = esf_text_table(esf, T, "nl", baseline=baseline_overall(long, protection))
    shown = _published(sheet)
    assert shown["TOTAL"] == (None, 57, None, 100)
    assert all(counts[2] is None for counts in shown.values())
    caption, rows = _baseline_rows(long, protection)
    ours = esf_equations(_rows(sheet))
    links = esf_baseline_links(ours, caption, rows, sexes=True)
    assert ("TOTAL/women", (f"{caption}/Geslacht: vrouw/totaal",)) in links.sums
    found = ours.merge(_grid_equations(caption, rows)).merge(links).findings("test", T)
    assert not found, format_findings(found)


def test_a_count_the_baseline_withholds_is_withheld_in_the_esf_table_too():
    """The ESF table alone would print CO12 (rest 25); the baseline table withholds
    "Jobless household: yes" (for reasons of its own cells), so the ESF table does too.
    A count the baseline prints is one the reader has: never a complement here (CO03
    is below the threshold; alone, CO05's 20 is its complement, but the baseline prints
    "employed: 20" and withholds "unemployed", so CO01 is)."""
    esf = _esf({"TOTAL": (30, 30, 60), "CO12": (18, 17, 35), "CO01": (18, 19, 37),
                "CO03": (2, 1, 3), "CO05": (10, 10, 20)})
    alone = esf_suppression(esf, T)
    assert not alone.loc["CO12", "total"] and alone.loc["CO05", "total"]
    baseline = pd.DataFrame([
        ("jobless_household", "yes", 35, True), ("jobless_household", "no", 25, True),
        ("labour_status_entry", "unemployed", 37, True),
        ("labour_status_entry", "inactive", 3, True),
        ("labour_status_entry", "employed", 20, False),
    ], columns=["characteristic", "level", "count", "hidden"])
    linked = esf_suppression(esf, T, baseline=baseline)
    assert linked.loc["CO12", "total"] and linked.loc["CO01", "total"]
    assert not linked.loc["CO05", "total"]
    assert not linked.loc["TOTAL", "total"]
