"""Instruments and durable placement, pinned to R (tests/reference/instruments.R)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis import derive_outcomes
from iedereen_doet_mee.analysis.common import holm_p_values
from iedereen_doet_mee.analysis.instruments import (
    HOLM,
    OR,
    RD,
    instrument_associations,
    newcombe_interval,
)
from iedereen_doet_mee.simulation import simulate_trial

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "instruments_reference.json").read_text())["kinds"]
KINDS = ["job_coach", "training", "work_experience", "practical_support",
         "workshop_future_thinking"]
AS_OF = pd.Timestamp("2016-07-01")


def _reference_input() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The R input as an outcomes frame and instruments table, plus rows that must not count."""
    data = pd.read_csv(REF / "data" / "instruments_input.csv")
    placed = (data["durable"] == 1) | (np.arange(len(data)) % 2 == 0)  # half the others placed
    frame = pd.DataFrame({
        "participant_id": data["participant_id"], "instruments": "yes",
        "known_until": AS_OF,
        "placement_on": pd.Series(pd.Timestamp("2015-03-01"), index=data.index).where(placed),
        "durable_placement": pd.array(np.where(placed, data["durable"] == 1, None),
                                      dtype="boolean")})
    extra = pd.DataFrame({  # control arm (ignored) and placements not known yet (excluded)
        "participant_id": ["C1", "C2", "U1", "U2"], "instruments": ["no", "no", "yes", "yes"],
        "known_until": AS_OF, "placement_on": pd.Timestamp("2016-03-01"),
        "durable_placement": pd.array([True, False, None, None], dtype="boolean")})
    frame = pd.concat([frame, extra], ignore_index=True)
    rows = [(pid, kind, "2015-01-01") for kind in KINDS
            for pid in data.loc[data[kind] == 1, "participant_id"]]
    rows += [("C1", "job_coach", "2015-01-01"), ("U1", "training", "2015-01-01"),
             # started after as_of: must not count
             (data.loc[data["training"] == 0, "participant_id"].iloc[0], "training",
              "2016-07-02")]
    instruments = pd.DataFrame(rows, columns=["participant_id", "kind", "started_on"])
    instruments["started_on"] = pd.to_datetime(instruments["started_on"])
    instruments["cost_eur"] = 100.0
    return frame, instruments


@pytest.fixture(scope="module")
def result():
    frame, instruments = _reference_input()
    return instrument_associations(frame, instruments, kinds=[*KINDS, "care_coordination"])


@pytest.mark.parametrize("kind", ["job_coach", "training", "work_experience",
                                  "practical_support"])
def test_estimates_match_r(result, kind):
    ref = R[kind]
    rd = result.estimate(kind, RD)
    # R: a/(a+b) - c/(c+d); Newcombe from prop.test(x, n, correct = FALSE)$conf.int
    assert rd["estimate"] == pytest.approx(ref["risk_difference"], rel=1e-9)
    assert rd["conf_low"] == pytest.approx(ref["newcombe_low"], rel=1e-6)
    assert rd["conf_high"] == pytest.approx(ref["newcombe_high"], rel=1e-6)
    odds = result.estimate(kind, OR)
    # R: fisher.test(tab)$p.value
    assert odds["p_value"] == pytest.approx(ref["fisher_p"], rel=1e-6)
    # R: the conditional MLE and exact limits of fisher.test, re-solved with uniroot(tol=1e-13)
    assert odds["estimate"] == pytest.approx(ref["tight_or"], rel=1e-6, abs=1e-12)
    assert odds["conf_low"] == pytest.approx(ref["tight_or_low"], rel=1e-6, abs=1e-12)
    assert odds["conf_high"] == pytest.approx(ref["tight_or_high"], rel=1e-6)
    # R: fisher.test(tab)$estimate and $conf.int; its uniroot uses the default tolerance
    # (about 1e-4 on its search scale), so only agreement to 1% is expected
    assert odds["estimate"] == pytest.approx(ref["fisher_or"], rel=1e-2, abs=1e-12)
    assert odds["conf_high"] == pytest.approx(ref["fisher_or_high"], rel=1e-2)
    # R: p.adjust(p, method = "holm") over the four kinds with a p-value
    holm = result.estimate(kind, HOLM)
    assert holm["p_value"] == pytest.approx(ref["holm_p"], rel=1e-6)
    assert holm["estimate"] == holm["p_value"]
    counts = result.extras["counts"].set_index("kind").loc[kind]
    assert counts["received_n"] == ref["a"] + ref["b"]
    assert counts["received_durable"] == ref["a"]


def test_population_and_labels(result):
    assert result.n == 40  # controls and the two unknown placements are out
    text = " ".join(result.notes)
    assert "Associational" in text and "2 excluded" in text and "not durably placed" in text
    assert "ignored" in text  # the control arm's job coach record
    assert all(name.startswith("associational_") for name in result.table["estimator"])
    reasons = {(item.term, item.estimator): item.reason for item in result.not_estimable}
    assert "everyone" in reasons[("workshop_future_thinking", RD)]
    assert "no one" in reasons[("care_coordination", OR)]
    assert len(result.not_estimable) == 6


def test_exclude_unplaced_shrinks_the_population():
    frame, instruments = _reference_input()
    result = instrument_associations(frame, instruments, no_placement="exclude", kinds=KINDS)
    unplaced = int(frame["placement_on"].isna().sum())
    assert result.n == 40 - unplaced
    assert f"{unplaced} without a placement excluded" in " ".join(result.notes)


def test_helpers_by_hand():
    # published: Newcombe (1998) Table II, first example 56/70 - 48/80, method 10: 0.0524 to 0.3339
    low, high = newcombe_interval(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    # p.adjust(c(0.01, 0.04, NA, 0.03), "holm") -> 0.03 0.06 NA 0.06
    assert np.allclose(holm_p_values([0.01, 0.04, np.nan, 0.03]), [0.03, 0.06, np.nan, 0.06],
                       equal_nan=True)
    assert holm_p_values([]).size == 0


def test_nobody_durable_still_answers_exactly():
    frame, instruments = _reference_input()
    frame["durable_placement"] = frame["durable_placement"].where(
        frame["durable_placement"].isna(), False)
    result = instrument_associations(frame, instruments, kinds=["job_coach"])
    assert result.estimate("job_coach", RD)["estimate"] == 0
    assert math.isnan(result.estimate("job_coach", OR)["estimate"])
    assert result.estimate("job_coach", HOLM)["p_value"] == 1.0


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_or_empty_data_do_not_crash(rows):
    frame, instruments = _reference_input()
    result = instrument_associations(frame.iloc[:rows], instruments)
    assert len(result.table) == 18 and result.table["estimate"].isna().all()
    assert len(result.not_estimable) == 18


def test_absent_table_and_bad_options():
    frame, _ = _reference_input()
    result = instrument_associations(frame, None, kinds=["job_coach"])
    assert result.not_estimable[0].reason == "the instruments table is absent"
    with pytest.raises(ValueError, match="no_placement='drop'"):
        instrument_associations(frame, None, no_placement="drop")
    with pytest.raises(ValueError, match="'durable'"):
        instrument_associations(frame.rename(columns={"durable_placement": "x"}), None,
                                durable="durable")


def test_on_a_simulated_trial_is_deterministic():
    trial = simulate_trial(seed=5)
    frame = derive_outcomes(trial).frame
    first = instrument_associations(frame, trial.table("instruments"), design=trial.design)
    second = instrument_associations(frame, trial.table("instruments"), design=trial.design)
    pd.testing.assert_frame_equal(first.table, second.table)
    assert first.n <= int((frame["instruments"] == "yes").sum())


def test_newcombe_interval_covers_about_95_percent():
    """Monte Carlo: 2000 pairs of binomial draws (25 at 0.4, 25 at 0.2), fixed seed."""
    rng = np.random.default_rng(20140701)
    reps, n1, n0, p1, p0 = 2000, 25, 25, 0.4, 0.2
    hits = sum(low <= p1 - p0 <= high for low, high in (
        newcombe_interval(int(a), n1, int(b), n0)
        for a, b in zip(rng.binomial(n1, p1, reps), rng.binomial(n0, p0, reps), strict=True)))
    assert abs(hits / reps - 0.95) <= 4 * math.sqrt(0.95 * 0.05 / reps)
