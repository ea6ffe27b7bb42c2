"""Baseline table: standardised differences by hand and against base R, counts, degenerate input.

Reference: ``tests/reference/baseline_smd.R`` (base R 4.2.2 and ``MASS::ginv``; the
categorical difference there uses all levels and a generalised inverse, here the first
level is dropped and the system solved) frozen in ``baseline_smd_reference.json``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.data import TrialData, load_trial
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.tables.baseline import (
    LONG_COLUMNS,
    baseline_long,
    baseline_table,
    smd_binary,
    smd_categorical,
    smd_continuous,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((ROOT / "tests" / "reference" / "baseline_smd_reference.json")
                       .read_text(encoding="utf-8"))
RTOL = 1e-9


def _hand(name: str) -> float:
    return next(r["value"] for r in REFERENCE["records"]
                if r["dataset"] == "hand" and r["characteristic"] == name)


def test_continuous_and_binary_by_hand():
    # means 2 and 3, variances 1 and 2: -1 / sqrt(1.5)
    assert smd_continuous(np.array([1.0, 2, 3]), np.array([2.0, 4])) == pytest.approx(
        -1 / math.sqrt(1.5), rel=1e-12)
    # p1 = 1/2, p0 = 1/4: (1/4) / sqrt((1/4 + 3/16) / 2) = (1/4) / sqrt(7/32)
    assert smd_binary(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0])) == pytest.approx(
        0.25 / math.sqrt(7 / 32), rel=1e-12)
    assert smd_continuous(np.array([1.0, 2, 3]), np.array([2.0, 4])) == pytest.approx(
        _hand("continuous_doc"), rel=RTOL)
    assert smd_binary(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0])) == pytest.approx(
        _hand("binary_doc"), rel=RTOL)
    x1, x0 = np.array([10.5, np.nan, 12, 17, 9]), np.array([11, 14, np.nan, 20])
    assert smd_continuous(x1, x0) == pytest.approx(_hand("continuous_with_missing"), rel=RTOL)


def test_categorical_by_hand_and_against_r():
    # shares (a, b, c): treated (1/2, 1/4, 1/4), control (1/4, 1/4, 1/2). Drop a:
    # T - C = (0, -1/4); S = ((3/16, -1/16; -1/16, 3/16) + (3/16, -1/8; -1/8, 1/4)) / 2
    #   = (3/16, -3/32; -3/32, 7/32), det = 21/512 - 9/1024 = 33/1024;
    # d^2 = (1/16) * (3/16) / (33/1024) = 4/11
    value = smd_categorical(np.array(list("aabc")), np.array(list("abcc")))
    assert value == pytest.approx(math.sqrt(4 / 11), rel=1e-12)
    assert value == pytest.approx(_hand("categorical_doc"), rel=RTOL)
    x1 = np.array(["x"] * 5 + ["y"] * 3 + ["z"] * 2)
    x0 = np.array(["x"] * 2 + ["y"] * 3 + ["z"] * 5)
    assert smd_categorical(x1, x0) == pytest.approx(_hand("categorical_unbalanced"), rel=RTOL)
    x1 = np.array(["p", "q", None, "r", "q"], dtype=object)
    x0 = np.array(["p", "p", "r", None, None], dtype=object)
    assert smd_categorical(x1, x0) == pytest.approx(_hand("categorical_with_missing"), rel=RTOL)


def test_categorical_properties():
    rng = np.random.default_rng(20140701)
    x1, x0 = rng.choice(list("abcd"), 40), rng.choice(list("abcd"), 30, p=[.4, .3, .2, .1])
    value = smd_categorical(x1, x0)
    relabelled = {"a": "z", "b": "y", "c": "x", "d": "w"}  # another reference level
    assert smd_categorical(np.vectorize(relabelled.get)(x1),
                           np.vectorize(relabelled.get)(x0)) == pytest.approx(value, rel=1e-12)
    assert smd_categorical(x0, x1) == pytest.approx(value, rel=1e-12)
    # two levels: the absolute binary difference
    b1, b0 = rng.integers(0, 2, 25), rng.integers(0, 2, 20)
    assert smd_categorical(b1.astype(str), b0.astype(str)) == pytest.approx(
        abs(smd_binary(b1, b0)), rel=1e-12)


def test_degenerate_differences():
    assert math.isnan(smd_continuous(np.array([1.0]), np.array([1.0, 2])))
    assert smd_continuous(np.array([3.0, 3]), np.array([3.0, 3])) == 0
    assert smd_continuous(np.array([4.0, 4]), np.array([3.0, 3])) == math.inf
    assert math.isnan(smd_binary(np.array([]), np.array([1, 0])))
    assert smd_binary(np.array([1, 1]), np.array([1])) == 0
    assert smd_binary(np.array([0, 0]), np.array([1])) == -math.inf
    assert math.isnan(smd_categorical(np.array([], dtype=object), np.array(["a"])))
    assert smd_categorical(np.array(["a", "a"]), np.array(["a"])) == 0
    assert smd_categorical(np.array(["a", "b"]), np.array(["c"])) == math.inf


@pytest.fixture(scope="module")
def synthetic() -> TrialData:
    return load_trial(ROOT / "data" / "synthetic")


def _blanked(trial: TrialData) -> TrialData:
    """The same values blanked as in baseline_smd.R (R rows are 1-based)."""
    people = trial.participants.copy()
    for column, rows in (("age", [0, 1, 49]), ("education", [2, 59]), ("disability", [3]),
                         ("household", [4, 5, 6])):
        people.loc[rows, column] = None
    return TrialData(trial.design, {**trial.tables, "participants": people})


_FIELDS = {"mean": ("mean (SD)", "value"), "sd": ("mean (SD)", "sd"),
           "median": ("median [IQR]", "value"), "q1": ("median [IQR]", "q1"),
           "q3": ("median [IQR]", "q3")}


@pytest.mark.parametrize("dataset", ["complete", "missing"])
def test_every_number_matches_r(synthetic, dataset):
    trial = synthetic if dataset == "complete" else _blanked(synthetic)
    long = baseline_long(trial)
    records = [r for r in REFERENCE["records"] if r["dataset"] == dataset]
    assert len(records) == 806
    by_key = long.set_index(["characteristic", "column", "level", "statistic"])
    checked = 0
    for r in records:
        name, column, level, field = r["characteristic"], r["column"], r["level"], r["field"]
        if field == "smd":
            got = by_key.loc[(name, column, "", "standardised difference"), "value"]
        elif field in _FIELDS:
            statistic, part = _FIELDS[field]
            got = by_key.loc[(name, column, "", statistic), part]
        elif field == "count" and level == "":  # known values of a continuous characteristic
            got = by_key.loc[(name, column, "", "mean (SD)"), "count"]
        elif field == "denominator":
            first = long[(long["characteristic"] == name) & (long["column"] == column)
                         & (long["statistic"] == "n (%)") & (long["level"] != "missing")]
            assert (first["denominator"] == r["value"]).all()
            checked += 1
            continue
        elif level == "missing" and (name, column, "missing", "n (%)") not in by_key.index:
            assert r["value"] == 0  # no missing row when nothing is missing
            checked += 1
            continue
        else:
            got = by_key.loc[(name, column, level, "n (%)"), "count"]
        if r["value"] is None:
            assert pd.isna(got), r
        else:
            assert float(got) == pytest.approx(r["value"], rel=RTOL, abs=1e-12), r
        checked += 1
    assert checked == len(records)
    if dataset == "missing":
        age = by_key.loc[("age", "overall", "", "mean (SD)")]
        assert (age["count"], age["denominator"]) == (97, 100)


def test_counts_are_integers_that_add_up(synthetic):
    long = baseline_long(synthetic)
    assert list(long.columns) == list(LONG_COLUMNS)
    assert str(long["count"].dtype) == "Int64" and str(long["denominator"].dtype) == "Int64"
    levels = long[long["statistic"] == "n (%)"]
    assert np.allclose(levels["value"], 100 * levels["count"].astype(float)
                       / levels["denominator"].astype(float))
    for (_, column), group in levels.groupby(["characteristic", "column"]):
        assert group["count"].sum() == group["denominator"].iloc[0], column
    counts = levels.pivot_table(index=["characteristic", "level"], columns="column",
                                values="count", aggfunc="sum")
    for arm in ("no", "yes"):
        cells = counts[[f"band={b}:instruments={arm}" for b in ("40-60", "60-80")]].sum(axis=1)
        assert (cells == counts[f"instruments={arm}"]).all()
    assert (counts["instruments=no"] + counts["instruments=yes"] == counts["overall"]).all()
    assert not any("p_value" in c or "p-value" in c for c in long["statistic"].unique())


def test_wide_table_is_the_long_one_pivoted(synthetic):
    long, wide = baseline_long(synthetic), baseline_table(synthetic)
    columns = list(dict.fromkeys(wide.columns.get_level_values(0)))
    assert columns[:4] == ["band=40-60:instruments=no", "band=40-60:instruments=yes",
                           "band=60-80:instruments=no", "band=60-80:instruments=yes"]
    assert columns[4:] == ["instruments=no", "instruments=yes", "overall",
                           "smd:instruments=yes vs no", "smd:band=40-60:instruments=yes vs no",
                           "smd:band=60-80:instruments=yes vs no"]
    assert str(wide[("overall", "count")].dtype) == "Int64"
    row = long[(long["characteristic"] == "education") & (long["level"] == "isced_0")
               & (long["column"] == "band=40-60:instruments=yes")].iloc[0]
    assert wide.loc[("education", row["label"], "isced_0", "n (%)"),
                    ("band=40-60:instruments=yes", "count")] == row["count"]
    smd = long[(long["characteristic"] == "age") & (long["column"] == "smd:instruments=yes vs no")]
    assert wide.loc[("age", smd["label"].iloc[0], "", "standardised difference"),
                    ("smd:instruments=yes vs no", "value")] == smd["value"].iloc[0]
    ids = set(synthetic.participants["participant_id"])
    text = " ".join(map(str, wide.index.to_flat_index())) + " ".join(map(str, long.to_numpy()
                                                                           .ravel()))
    assert not any(i in text for i in ids)


def test_as_of_degenerate_and_other_designs(synthetic):
    interim = baseline_long(synthetic, as_of="2015-01-01")
    enrolled = int((synthetic.participants["enrolled_on"] <= "2015-01-01").sum())
    sex = interim[(interim["characteristic"] == "sex") & (interim["column"] == "overall")]
    assert sex["denominator"].iloc[0] == enrolled < 100
    with pytest.raises(ValueError, match="after the data cut-off"):
        baseline_long(synthetic, as_of="2016-07-02")
    people = synthetic.participants
    # nobody enrolled yet, one person, and a band without the instruments arm
    for subset in (people.iloc[:0], people.iloc[:1],
                   people[~((people["band"] == "60-80") & (people["instruments"] == "yes"))]):
        trial = TrialData(synthetic.design, {"participants": subset.reset_index(drop=True)})
        long = baseline_long(trial)
        assert set(long["column_type"]) == {"cell", "arm", "overall", "smd"}
        assert long.loc[long["column"] == "overall", "denominator"].max() == len(subset)
        baseline_table(trial)
    # optional columns absent: those characteristics are left out
    few = people[["participant_id", "band", "instruments", "enrolled_on", "exit_on",
                  "exit_reason", "age"]]
    long = baseline_long(TrialData(synthetic.design, {"participants": few}))
    assert set(long["characteristic"]) == {"age"}
    # one arm: no standardised difference to compute
    single = TrialDesign(name="caseload", strata=("40-60", "60-80"), arms=("yes",),
                         n_per_cell=50)
    long = baseline_long(TrialData(single, {"participants": people[people["instruments"]
                                                                   == "yes"]}))
    assert "smd" not in set(long["column_type"]) and len(long) > 0
