"""ESF common indicators, counted by hand on a small trial and checked on the synthetic one.

The hand-made trial (as of the default cut-off 2016-07-01; L = left_project_on,
"day 28" = L + 28 days, "six months" = L + 6 calendar months):

==  ===  ===  ======  ==========  ===============================================
id  sex  age  status  left (L)   what happens
==  ===  ===  ======  ==========  ===============================================
A   m    24   unempl  2015-01-01  job from day 28 (in): CR04; runs at six months: CR06
B   f    30   unempl  2015-01-01  subsidised job from day 29 (out): not CR04; CR06
C   f    55   inact.  2015-03-01  job days 4-19, then lost (last event): not CR04;
                                  training from day 24: CR02; qualification day 28: CR03
D   m    60   empl.   2015-06-01  two overlapping jobs on day 28: CR04 once; qualification
                                  on day 29: not CR03; a job whose last day is the
                                  six-month day: CR06 and CR08
E   f    --   unempl  (in)        not left: in no result indicator
F   oth  40   unempl  2016-06-15  day 28 after as_of: not yet countable
G   m    45   unempl  2015-10-01  re-entered: first entry unemployed (second row says
                                  inactive), final exit 2015-10-01; job day 19: CR04, CR06
H   f    35   unempl  2015-02-01  follow-up ended 2015-02-10, no evidence: unknown
I   m    50   unempl  2015-04-01  left benefit for education on day 9: CR02
K   f    30   unempl  2015-05-01  job whose last day is day 28: CR04; none at six months
L   m    33   unempl  2015-02-01  follow-up ended 2015-02-10 but a job record from day 4
                                  runs on: CR04, CR06 (evidence); CR02, CR03 unknown
==  ===  ===  ======  ==========  ===============================================
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.data import TrialData, load_trial
from iedereen_doet_mee.data.dtypes import as_declared_types
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.tables.esf import (
    ESF_COLUMNS,
    ESF_INDICATORS,
    esf_indicators,
)

DESIGN = TrialDesign()
ROOT = Path(__file__).resolve().parents[2]
N = None

PEOPLE = {
    #            enrolled      left          sex       age months  status       educ.
    "A": ("2014-08-01", "2015-01-01", "male", 24, 7, "unemployed", "isced_1_2"),
    "B": ("2014-08-01", "2015-01-01", "female", 30, 12, "unemployed", "isced_3_4"),
    "C": ("2014-09-01", "2015-03-01", "female", 55, 30, "inactive", "isced_5_8"),
    "D": ("2014-10-01", "2015-06-01", "male", 60, 40, "employed", "isced_0"),
    "E": ("2015-01-01", N, "female", N, 20, "unemployed", "isced_1_2"),
    "F": ("2016-01-10", "2016-06-15", "other", 40, 8, "unemployed", N),
    "G": ("2014-09-01", "2014-12-01", "male", 45, 40, "unemployed", "isced_3_4"),
    "G2": ("2015-02-01", "2015-10-01", "male", 46, 2, "inactive", "isced_3_4"),
    "H": ("2014-11-01", "2015-02-01", "female", 35, 24, "unemployed", "isced_1_2"),
    "I": ("2014-10-15", "2015-04-01", "male", 50, 13, "unemployed", "isced_3_4"),
    "K": ("2014-12-01", "2015-05-01", "female", 30, 12, "unemployed", "isced_1_2"),
    "L": ("2014-11-15", "2015-02-01", "male", 33, N, "unemployed", "isced_0"),
}
#              household               jobless migrant disability
HOUSEHOLD = {
    "A": ("single_parent", True, True, False), "B": ("couple_with_children", True, False, False),
    "C": ("couple", False, True, True), "D": ("other", True, False, False),
    "E": ("single", True, False, False), "F": ("single", False, N, False),
    "G": ("couple", True, False, True), "G2": ("couple", True, False, True),
    "H": ("single_parent", False, False, False), "I": ("single", True, False, False),
    "K": ("couple_with_children", False, False, False), "L": (N, True, False, False),
}


def _participants() -> pd.DataFrame:
    rows = []
    for key, (enrolled, left, sex, age, months, status, education) in PEOPLE.items():
        household, jobless, migrant, disability = HOUSEHOLD[key]
        rows.append({
            "participant_id": f"X{key[0]}", "band": "40-60", "instruments": "yes",
            "enrolled_on": enrolled, "exit_on": "2015-04-10" if key == "I" else None,
            "exit_reason": "education" if key == "I" else None, "left_project_on": left,
            "follow_up_end_on": "2015-02-10" if key in ("H", "L") else None,
            "age": age, "sex": sex, "education": education, "household": household,
            "jobless_household": jobless, "labour_status_entry": status,
            "migrant_background": migrant, "disability": disability,
            "months_on_benefit": months,
            "qualification_on": {"C": "2015-03-29", "D": "2015-06-30"}.get(key)})
    return as_declared_types(pd.DataFrame(rows), "participants", DESIGN)


def _employment() -> pd.DataFrame:
    jobs = [("XA", "2015-01-29", N, False, False), ("XB", "2015-01-30", N, True, False),
            ("XC", "2015-03-05", "2015-03-20", False, False),
            ("XD", "2015-05-01", "2015-12-01", False, False),
            ("XD", "2015-06-15", "2015-07-31", False, True),
            ("XG", "2014-12-10", "2014-12-31", False, False), ("XG", "2015-10-20", N, False, False),
            ("XK", "2015-04-01", "2015-05-29", False, False), ("XL", "2015-02-05", N, False, False)]
    frame = pd.DataFrame(jobs, columns=["participant_id", "started_on", "ended_on", "subsidised",
                                        "self_employed"])
    frame["hours_per_week"] = 24.0
    return as_declared_types(frame, "employment", DESIGN)


def _instruments() -> pd.DataFrame:
    rows = [("XC", "training", "2015-03-25", N), ("XB", "training", "2014-12-01", "2015-01-20"),
            ("XI", "job_coach", "2015-03-01", N)]
    frame = pd.DataFrame(rows, columns=["participant_id", "kind", "started_on", "ended_on"])
    frame["cost_eur"] = 100.0
    return as_declared_types(frame, "instruments", DESIGN)


def _trial(*, employment: bool = True, instruments: bool = True,
           drop: tuple[str, ...] = ()) -> TrialData:
    tables = {"participants": _participants().drop(columns=list(drop))}
    if employment:
        tables["employment"] = _employment()
    if instruments:
        tables["instruments"] = _instruments()
    return TrialData(DESIGN, tables)


def _table(trial: TrialData, **kwargs) -> pd.DataFrame:
    return esf_indicators(trial, **kwargs).set_index("code")


def _counts(table: pd.DataFrame, code: str) -> tuple:
    row = table.loc[code]
    return tuple(None if pd.isna(row[c]) else int(row[c])
                 for c in ("men", "women", "sex_other_or_unknown", "total", "unknown",
                           "population", "not_yet_countable"))


# (men, women, other/unknown sex, total, unknown, population, not yet countable), by hand
EXPECTED = {
    "TOTAL": (5, 5, 1, 11, 0, 11, 0),
    "CO01": (4, 4, 1, 9, 0, 11, 0),   # all but C (inactive) and D (employed); G first entry
    "CO02": (3, 2, 0, 5, 1, 11, 0),   # A (24, >6), E (20, age unknown), G, H, I (13); L unknown
    "CO03": (0, 1, 0, 1, 0, 11, 0),   # C
    "CO05": (1, 0, 0, 1, 0, 11, 0),   # D
    "CO06": (1, 0, 0, 1, 1, 11, 0),   # A; E's age unknown
    "CO07": (1, 1, 0, 2, 1, 11, 0),   # C 55, D 60
    "CO09": (1, 3, 0, 4, 1, 11, 0),   # A, E, H, K; F unknown; isced_0 (D, L) in none
    "CO10": (2, 1, 0, 3, 1, 11, 0),   # B, G, I
    "CO11": (0, 1, 0, 1, 1, 11, 0),   # C
    "CO12": (5, 2, 0, 7, 0, 11, 0),   # A, B, D, E, G, I, L
    "CO13": (1, 1, 0, 2, 2, 11, 0),   # A, B; D (other) and L (no household) unknown
    "CO14": (1, 1, 0, 2, 2, 11, 0),   # A, H single parents; D and L unknown
    "CO15": (1, 1, 0, 2, 1, 11, 0),   # A, C; F unknown
    "CO16": (1, 1, 0, 2, 0, 11, 0),   # C, G
    "CR02": (1, 1, 0, 2, 2, 9, 1),    # C training, I education; H, L unknown; F not yet
    "CR03": (0, 1, 0, 1, 2, 9, 1),    # C on day 28 (D's day 29 is out); H, L unknown
    "CR04": (4, 1, 0, 5, 1, 9, 1),    # A day 28, D once, G, K, L; H unknown
    "CR06": (4, 1, 0, 5, 1, 9, 1),    # A, B, D, G, L; H unknown
    "CR08": (1, 0, 0, 1, 0, 9, 1),    # D (60); H and L are not above 54
}


def test_every_indicator_matches_the_hand_count():
    table = _table(_trial())
    assert list(table.index) == [spec.code for spec in ESF_INDICATORS]
    assert list(esf_indicators(_trial()).columns) == list(ESF_COLUMNS)
    for code, expected in EXPECTED.items():
        assert _counts(table, code) == expected, code
        assert table.loc[code, "available"]


def test_indicators_the_data_cannot_support_say_why_and_show_no_numbers():
    table = _table(_trial())
    unavailable = {"CO04", "CO08", "CO17", "CR01", "CR05", "CR07", "CR09"}
    assert set(table.index[~table["available"]]) == unavailable
    for code in unavailable:
        assert table.loc[code, "reason"] and table.loc[code, ["men", "women", "total"]].isna().all()
    assert "job searching" in table.loc["CR01", "reason"]
    assert "improvement" in table.loc["CR07", "reason"]
    assert table.loc[sorted(set(EXPECTED)), "reason"].isna().all()


def test_window_edges_last_event_and_counting_once():
    base = _table(_trial())
    # moving A's job start from day 28 to day 29 takes A out of CR04 (not out of CR06)
    trial = _trial()
    jobs = trial.tables["employment"].copy()
    jobs.loc[jobs["participant_id"] == "XA", "started_on"] = pd.Timestamp("2015-01-30")
    moved = _table(TrialData(DESIGN, {**trial.tables, "employment": jobs}))
    assert moved.loc["CR04", "total"] == base.loc["CR04", "total"] - 1
    assert moved.loc["CR06", "total"] == base.loc["CR06", "total"]
    # C's job, lost within the window, would count if it had still run on day 28
    jobs = trial.tables["employment"].copy()
    jobs.loc[jobs["participant_id"] == "XC", "ended_on"] = pd.Timestamp("2015-03-29")
    kept = _table(TrialData(DESIGN, {**trial.tables, "employment": jobs}))
    assert kept.loc["CR04", "women"] == base.loc["CR04", "women"] + 1
    # employment status upon leaving is one yes/no per person: never above the population
    assert base.loc["CR04", "total"] + base.loc["CR04", "unknown"] <= base.loc["CR04",
                                                                               "population"]


def test_the_six_month_point_edge():
    trial = _trial()
    jobs = trial.tables["employment"].copy()
    # D's job's last day moved from the six-month day (2015-12-01) to the day before
    jobs.loc[(jobs["participant_id"] == "XD") & (jobs["ended_on"] == pd.Timestamp("2015-12-01")),
             "ended_on"] = pd.Timestamp("2015-11-30")
    table = _table(TrialData(DESIGN, {**trial.tables, "employment": jobs}))
    assert _counts(table, "CR06")[:4] == (3, 1, 0, 4)
    assert _counts(table, "CR08")[:4] == (0, 0, 0, 0)


def test_an_interim_date_counts_only_what_was_known_then():
    table = _table(_trial(), as_of="2015-07-01")
    assert _counts(table, "TOTAL") == (5, 5, 0, 10, 0, 10, 0)  # F enrolled later
    # left by then: A, B, C, D, H, I, K, L (G re-entered and was back in the project)
    assert _counts(table, "CR04")[3:] == (4, 1, 8, 0)  # A, D, K, L; H unknown
    assert _counts(table, "CR06")[3:] == (2, 0, 2, 6)  # A and B reached six months
    assert _counts(table, "CO01")[3] == 9 - 1  # G's first entry counts, F not yet in


def test_missing_tables_and_columns_leave_the_rest_standing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        no_jobs = _table(_trial(employment=False))
    for code in ("CR04", "CR06", "CR08"):
        assert not no_jobs.loc[code, "available"]
        assert "employment" in no_jobs.loc[code, "reason"]
    for code in set(EXPECTED) - {"CR04", "CR06", "CR08"}:
        assert _counts(no_jobs, code) == EXPECTED[code], code
    no_instruments = _table(_trial(instruments=False))
    assert _counts(no_instruments, "CR02")[:4] == (1, 0, 0, 1)  # I only
    assert "instruments" in no_instruments.loc["CR02", "note"]
    no_sex = _table(_trial(drop=("sex",)))
    assert no_sex.loc["CO01", ["men", "women"]].isna().all() and no_sex.loc["CO01", "total"] == 9
    assert "sex" in no_sex.loc["CO01", "note"]
    no_left = _table(_trial(drop=("left_project_on",)))
    assert not no_left.loc[["CR02", "CR03", "CR04", "CR06", "CR08"], "available"].any()
    assert _counts(no_left, "CO16") == EXPECTED["CO16"]
    no_age = _table(_trial(drop=("age", "qualification_on")))
    assert not no_age.loc[["CO06", "CO07", "CR08", "CR03"], "available"].any()
    assert no_age.loc["CR06", "available"]


def test_tiny_and_empty_trials_do_not_crash():
    people = _participants()
    for subset in (people.iloc[:0], people.iloc[:1]):
        table = _table(TrialData(DESIGN, {"participants": subset.reset_index(drop=True)}))
        assert table.loc["TOTAL", "total"] == len(subset)
        assert (table.loc[table["available"], "total"] <= len(subset)).all()
    with pytest.raises(ValueError, match="after the data cut-off"):
        esf_indicators(_trial(), as_of="2016-07-02")


def test_no_identifier_or_row_level_value_appears():
    table = esf_indicators(_trial())
    text = " | ".join(str(value) for value in table.to_numpy().ravel())
    assert "XA" not in "".join(map(str, ESF_INDICATORS))  # the check below can fail
    for identifier in set(_participants()["participant_id"]):
        assert identifier not in text
    for day in _participants()["enrolled_on"]:
        assert str(day.date()) not in text


@pytest.fixture(scope="module")
def synthetic() -> TrialData:
    return load_trial(ROOT / "data" / "synthetic")


def test_synthetic_trial_reconciles_with_an_independent_count(synthetic):
    table = _table(synthetic)
    people = synthetic.participants
    available = table[table["available"]]
    assert (available["men"] + available["women"] + available["sex_other_or_unknown"]
            == available["total"]).all()
    assert (people["sex"] != "other").all()  # so men + women = total exactly
    assert (available["men"] + available["women"] == available["total"]).all()
    unemployed = people["labour_status_entry"] == "unemployed"
    assert table.loc["CO01", "total"] == int(unemployed.sum())
    assert table.loc["CO01", "men"] == int((unemployed & (people["sex"] == "male")).sum())
    assert table.loc["CO01", "women"] == int((unemployed & (people["sex"] == "female")).sum())
    assert table.loc["TOTAL", "total"] == len(people)
    status = table.loc[["CO01", "CO03", "CO05"], "total"].sum()
    assert status + table.loc["CO01", "unknown"] == table.loc["TOTAL", "total"]
    older = int((people["age"] > 54).sum())
    assert table.loc["CO07", "total"] == older
    leavers = int(people["left_project_on"].notna().sum())
    for code in ("CR02", "CR03", "CR04", "CR06", "CR08"):
        row = table.loc[code]
        assert row["population"] + row["not_yet_countable"] == leavers, code
        assert row["total"] + row["unknown"] <= row["population"]
    # education groups: CO09-CO11 and isced_0 partition the participants
    isced_0 = int((people["education"] == "isced_0").sum())
    assert table.loc[["CO09", "CO10", "CO11"], "total"].sum() + isced_0 == len(people)
