"""The chain of stages: who entered which stage, moved on, dropped out, and how long
each stage took.

Checked on a hand-made trial of eleven people whose every number is worked out by hand
below (and read through the package's own loader from CSV files), on an interim date of
the same trial, against lifelines for the Kaplan-Meier median and its interval (frozen
by ``tests/reference/chain_km_lifelines.py``: R's lung and veteran data, the stages of
the hand-made trial and edge cases), against statsmodels for the exact intervals, and
for disclosure control against an integer program written here from the chain's own
arithmetic (not from the terms).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from statsmodels.stats.proportion import proportion_confint

from iedereen_doet_mee.analysis import analyse_trial, chain_flow, disclosure_classes
from iedereen_doet_mee.analysis.chain import no_chain
from iedereen_doet_mee.analysis.chain_events import chain_positions, stage_spells
from iedereen_doet_mee.analysis.curves import DAYS_PER_MONTH, kaplan_meier, median_time
from iedereen_doet_mee.analysis.outcomes import derive_outcomes
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.design import TrialDesign, write_design
from iedereen_doet_mee.reporting.disclosure import suppress_results
from iedereen_doet_mee.simulation import simulate_trial
from iedereen_doet_mee.simulation.chain_data import add_chain

ROOT = Path(__file__).resolve().parents[2]
LIFELINES = json.loads((ROOT / "tests" / "reference" / "chain_km_lifelines_reference.json")
                       .read_text(encoding="utf-8"))
STAGES = ("intake", "assessment", "placement")
DESIGN = TrialDesign(name="Hand-made chain", strata=("all",), arms=("chain",), n_per_cell=11,
                     enrolment_start="2020-01-01", enrolment_months=12, cutoff="2021-01-01",
                     target_outflow=None,
                     instrument_kinds=(*STAGES, "bus_card", "bicycle"),
                     chain=STAGES, practical_support_kinds=("bus_card", "bicycle"))

#: id, enrolled, exit, reason, left the project, follow-up ended
PEOPLE = [
    ("p01", "2020-01-06", "", "", "", ""),
    ("p02", "2020-01-06", "2020-07-01", "regular_work", "2020-07-01", ""),
    ("p03", "2020-02-03", "", "", "", "2020-03-01"),
    ("p04", "2020-02-03", "", "", "", ""),
    ("p05", "2020-03-02", "2020-04-15", "other", "2020-04-15", ""),
    ("p06", "2020-03-02", "", "", "", ""),
    ("p07", "2020-04-01", "2020-05-01", "regular_work", "", ""),
    ("p08", "2020-04-01", "", "", "", ""),
    ("p09", "2020-05-04", "2020-09-01", "subsidised_work", "", ""),
    ("p10", "2020-05-04", "", "", "", "2020-08-31"),
    ("p11", "2020-06-01", "", "", "", "2020-06-05"),
]
#: id, kind, started, ended (empty: running); days in the stage counted by hand
ROWS = [
    ("p01", "intake", "2020-01-06", "2020-01-31"),        # 26 days
    ("p01", "assessment", "2020-02-03", "2020-03-13"),    # 27 + 13 = 40 days
    ("p01", "placement", "2020-03-16", ""),               # running: 292 days to 2021-01-01
    ("p01", "bus_card", "2020-03-16", "2020-06-30"),
    ("p02", "intake", "2020-01-06", "2020-01-20"),        # 15 days
    ("p02", "assessment", "2020-02-01", "2020-02-29"),    # 29 days
    ("p02", "placement", "2020-03-02", "2020-06-30"),     # 30 + 30 + 31 + 30 = 121 days
    ("p02", "bus_card", "2020-03-02", "2020-03-31"),
    ("p02", "bicycle", "2020-03-02", "2020-03-02"),
    ("p03", "intake", "2020-02-03", "2020-02-14"),        # 12 days
    ("p03", "assessment", "2020-02-17", ""),              # censored at loss: 13 + 1 = 14 days
    ("p03", "placement", "2020-03-10", "2020-04-30"),     # after the loss: not known
    ("p04", "intake", "2020-02-03", "2020-02-22"),        # 20 days
    ("p04", "bus_card", "2020-02-10", "2020-02-10"),
    ("p05", "intake", "2020-03-02", "2020-03-11"),        # 10 days
    ("p06", "intake", "2020-03-02", ""),                  # running: 306 days to 2021-01-01
    ("p09", "intake", "2020-05-04", "2020-05-17"),        # 14 days
    ("p09", "placement", "2020-06-01", "2020-08-31"),     # 30 + 31 + 31 = 92 days
    ("p09", "bicycle", "2020-06-01", "2020-08-31"),
    ("p10", "assessment", "2020-06-01", "2020-06-15"),    # two rows of one stage:
    ("p10", "assessment", "2020-06-20", "2020-07-05"),    # 30 + 5 = 35 days in all
    ("p10", "placement", "2020-10-01", ""),               # after the loss: not known
    ("p10", "bicycle", "2020-09-15", "2020-09-15"),       # after the loss: not known
    ("p11", "intake", "2020-06-01", ""),                  # censored at loss: 5 days
]


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand_chain")
    write_design(DESIGN, folder / "design.toml")
    pd.DataFrame(PEOPLE, columns=["participant_id", "enrolled_on", "exit_on", "exit_reason",
                                  "left_project_on", "follow_up_end_on"]).assign(
        band="all", instruments="chain").to_csv(folder / "participants.csv", index=False)
    pd.DataFrame(ROWS, columns=["participant_id", "kind", "started_on", "ended_on"]).assign(
        cost_eur=100.0).to_csv(folder / "instruments.csv", index=False)
    return load_trial(folder)


def _row(result, term, estimator):
    return result.estimate(term, estimator)


# -- what happened to whom, by hand --------------------------------------------------------

def test_spells_and_positions_of_the_hand_made_trial(hand):
    frame = derive_outcomes(hand).frame
    spells = stage_spells(frame, hand.table("instruments"), STAGES)
    days = {(p, s): (t, r) for p, s, t, r in spells[["participant_id", "stage", "time_days",
                                                      "running"]].itertuples(index=False)}
    assert days == {
        ("p01", "intake"): (26, False), ("p01", "assessment"): (40, False),
        ("p01", "placement"): (292, True), ("p02", "intake"): (15, False),
        ("p02", "assessment"): (29, False), ("p02", "placement"): (121, False),
        ("p03", "intake"): (12, False), ("p03", "assessment"): (14, True),
        ("p04", "intake"): (20, False), ("p05", "intake"): (10, False),
        ("p06", "intake"): (306, True), ("p09", "intake"): (14, False),
        ("p09", "placement"): (92, False), ("p10", "assessment"): (35, False),
        ("p11", "intake"): (5, True)}
    where = chain_positions(frame, hand.participants, spells, STAGES).set_index(
        "participant_id")
    assert where["furthest"].to_dict() == {
        "p01": "placement", "p02": "placement", "p03": "assessment", "p04": "intake",
        "p05": "intake", "p06": "intake", "p07": "none", "p08": "none", "p09": "placement",
        "p10": "assessment", "p11": "intake"}
    # work before left before a running stage before waiting
    assert where["status"].to_dict() == {
        "p01": "in_stage", "p02": "work", "p03": "left", "p04": "waiting", "p05": "left",
        "p06": "in_stage", "p07": "work", "p08": "waiting", "p09": "work", "p10": "left",
        "p11": "left"}


#: term -> persons, counted by hand from the table above
COUNTS = {
    "overall": 11,
    "stage=intake": 8,  # p01 p02 p03 p04 p05 p06 p09 p11
    "stage=intake:after=moved_on": 4,  # p01 p02 p03, and p09 (to placement, skipping)
    "stage=intake:after=in_stage": 1,  # p06
    "stage=intake:after=waiting": 1,  # p04
    "stage=intake:after=work": 0,
    "stage=intake:after=left": 2,  # p05 (other exit), p11 (lost)
    "stage=assessment": 4,  # p01 p02 p03, and p10 (without intake)
    "stage=assessment:after=moved_on": 2,  # p01 p02
    "stage=assessment:after=in_stage": 0,  # p03's runs, but p03 was lost
    "stage=assessment:after=waiting": 0,
    "stage=assessment:after=work": 0,
    "stage=assessment:after=left": 2,  # p03 p10 (lost)
    "stage=placement": 3,  # p01 p02 p09 (p03's and p10's start after their loss)
    "stage=placement:after=in_stage": 1,  # p01
    "stage=placement:after=waiting": 0,
    "stage=placement:after=work": 2,  # p02 (regular), p09 (subsidised)
    "stage=placement:after=left": 0,
    "stage=none": 2,  # p07 p08
    "stage=none:after=waiting": 1,  # p08
    "stage=none:after=work": 1,  # p07
    "stage=none:after=left": 0,
    "after=in_stage": 2, "after=waiting": 2, "after=work": 3, "after=left": 4,
}


def test_every_count_is_the_hand_count(hand):
    result = chain_flow(hand)
    table = result.table
    counts = table[table["estimator"] == "chain_people"]
    assert dict(zip(counts["term"], counts["n"], strict=True)) == COUNTS
    assert (counts["estimate"] == counts["n"]).all()
    assert "stage=placement:after=moved_on" not in set(counts["term"])  # the last stage
    assert result.n == 11


def test_shares_have_their_group_as_denominator_and_exact_intervals(hand):
    result = chain_flow(hand)
    checked = 0
    for term, x in COUNTS.items():
        if term == "overall":
            continue
        whole = term.rsplit(":", 1)[0] if ":" in term else "overall"
        estimator = ("proportion_clopper_pearson" if term.startswith("stage=") and ":" not in
                     term else "chain_share_clopper_pearson")
        row = _row(result, term, estimator)
        n = COUNTS[whole]
        assert (row["statistic"], row["n"]) == (x, n), term
        assert row["estimate"] == pytest.approx(x / n, rel=1e-12)
        assert (row["conf_low"], row["conf_high"]) == pytest.approx(
            proportion_confint(x, n, alpha=0.05, method="beta"), abs=1e-12)
        checked += 1
    assert checked == len(COUNTS) - 1
    # transitions: 4 of the 8 who entered the intake moved on; drop-out after the
    # assessment: 2 of its 4
    assert _row(result, "stage=intake:after=moved_on", "chain_share_clopper_pearson")[
        "estimate"] == 0.5
    assert _row(result, "stage=assessment:after=left", "chain_share_clopper_pearson")[
        "estimate"] == 0.5


def test_practical_support_counts_what_was_known(hand):
    result = chain_flow(hand)
    support = {t: (r["statistic"], r["n"]) for t, r in result.table.set_index("term").iterrows()
               if t.startswith("support=")}
    # bus card: p01 p02 p04; bicycle: p02 p09 (p10's came after the loss); any: 4 people
    assert support == {"support=bus_card": (3, 11), "support=bicycle": (2, 11),
                       "support=any": (4, 11)}


def test_median_time_per_stage_by_hand_and_by_lifelines(hand):
    result = chain_flow(hand)
    # intake: ended 10, 12, 14, 15, 20, 26 days, censored 5 and 306: S = 6/7, 5/7, 4/7,
    # 3/7 after 10, 12, 14, 15 days: the median is 15 days. Assessment: 14 censored, then
    # 29, 35, 40: S = 2/3, 1/3: 35 days. Placement: 92, 121, 292 censored: 121 days.
    for stage, days in (("intake", 15), ("assessment", 35), ("placement", 121)):
        row = _row(result, f"stage={stage}", "kaplan_meier_median_months")
        reference = LIFELINES["cases"][f"hand_{stage}"]
        assert row["estimate"] == pytest.approx(days / DAYS_PER_MONTH, rel=1e-12)
        assert row["estimate"] == pytest.approx(reference["median"], rel=1e-12)
        assert row["conf_low"] == pytest.approx(reference["lower"], rel=1e-12)
        upper = np.nan if reference["upper"] is None else reference["upper"]
        assert row["conf_high"] == pytest.approx(upper, rel=1e-12, nan_ok=True)
        assert row["n"] == COUNTS[f"stage={stage}"]
    curves = result.extras["stage_durations"]
    assert list(dict.fromkeys(curves["term"])) == list(STAGES)


@pytest.mark.parametrize("name", sorted(LIFELINES["cases"]))
def test_kaplan_meier_median_and_bands_equal_lifelines(name):
    case = LIFELINES["cases"][name]
    curve = kaplan_meier(np.asarray(case["time"]), np.asarray(case["event"], dtype=bool))
    expected = [np.nan if case[k] is None else case[k] for k in ("median", "lower", "upper")]
    np.testing.assert_allclose(median_time(curve), expected, rtol=1e-12)
    at = curve.set_index("time").loc[case["curve_time"]]
    np.testing.assert_allclose(at["survival"], case["survival"], rtol=1e-9)
    # lifelines writes the curve itself where R and the package leave the band missing
    for ours, theirs in (("conf_low", "conf_low"), ("conf_high", "conf_high")):
        band = at[ours].where(at[ours].notna(), at["survival"])
        np.testing.assert_allclose(band, case[theirs], rtol=1e-9, atol=1e-12)


def test_an_interim_date_sees_only_what_was_known(hand):
    # on 2020-02-15 four people are enrolled: p01 and p02 are in the assessment, p03
    # finished the intake (the assessment starts on the 17th), p04 is in the intake
    result = chain_flow(hand, as_of="2020-02-15")
    counts = result.table[result.table["estimator"] == "chain_people"].set_index("term")["n"]
    assert counts["overall"] == 4
    assert (counts["stage=intake"], counts["stage=assessment"],
            counts["stage=placement"]) == (4, 2, 0)
    assert (counts["after=in_stage"], counts["after=waiting"]) == (3, 1)
    assert counts["stage=intake:after=moved_on"] == 2
    median = _row(result, "stage=placement", "kaplan_meier_median_months")
    assert np.isnan(median["estimate"]) and median["n"] == 0
    assert any("nobody entered" in item.reason for item in result.not_estimable)


# -- the question in the registry ------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::iedereen_doet_mee.errors.MissingTableWarning")
def test_the_question_is_asked_only_when_the_design_declares_a_chain(hand):
    analysis = analyse_trial(hand, n_draws=20, n_bootstrap=20)
    assert "chain" in analysis.results and "chain" not in analysis.skipped
    plain = analyse_trial(simulate_trial(seed=1), n_draws=20, n_bootstrap=20)
    assert "chain" not in plain.results
    assert plain.skipped["chain"] == no_chain(TrialDesign()) == (
        "the design declares no chain of stages")
    with pytest.raises(ValueError, match="declares no chain"):
        chain_flow(simulate_trial(seed=1))
    with pytest.raises(ValueError, match=r"level=1\.5"):
        chain_flow(hand, level=1.5)


def test_a_chain_design_without_instruments_table_is_skipped_with_the_reason(hand):
    from iedereen_doet_mee.data.loading import TrialData

    bare = TrialData(hand.design, {"participants": hand.participants})
    with pytest.warns(Warning, match="instruments"):
        analysis = analyse_trial(bare, n_draws=20, n_bootstrap=20)
    assert analysis.skipped["chain"] == "the trial data have no instruments table"


# -- disclosure control ----------------------------------------------------------------------

def _exact_recoveries(table: pd.DataFrame, stages: tuple[str, ...]) -> list[str]:
    """Hidden counts a reader can pin down from the shown ones, by the chain's arithmetic:
    a stage's entrants are the sum of what followed it, everyone is the sum of the
    positions, a position the sum over the furthest stages (integer program)."""
    counts = table[table["estimator"] == "chain_people"].reset_index(drop=True)
    index = {t: i for i, t in enumerate(counts["term"])}
    equations = []
    for head in [*(f"stage={s}" for s in stages), "stage=none"]:
        parts = [t for t in index if t.startswith(head + ":after=")]
        equations.append((head, parts))
    positions = ("in_stage", "waiting", "work", "left")
    equations.append(("overall", [f"after={p}" for p in positions]))
    for p in positions:
        equations.append((f"after={p}", [t for t in index if t.endswith(f":after={p}")]))
    matrix = np.zeros((len(equations), len(index)))
    for row, (total, parts) in enumerate(equations):
        matrix[row, index[total]] = 1
        for part in parts:
            matrix[row, index[part]] -= 1
    truth = counts["n"].astype(float).to_numpy()
    shown = ~counts["suppressed"].to_numpy(dtype=bool)
    lower = np.where(shown, truth, 0.0)
    upper = np.where(shown, truth, np.inf)
    found = []
    for i in np.flatnonzero(~shown):
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(index))
            c[i] = sign
            solved = milp(c, constraints=[LinearConstraint(matrix, 0, 0)],
                          integrality=np.ones(len(index)), bounds=Bounds(lower, upper))
            ends.append(round(solved.x[i]))
        if ends[0] == ends[1]:
            found.append(counts.loc[i, "term"])
    return found


def test_small_counts_are_hidden_and_cannot_be_worked_out():
    stages = ("job_coach", "work_experience", "training")
    design = TrialDesign(chain=stages, n_per_cell=60)
    trial = add_chain(simulate_trial(design, seed=3), 11)
    frame = chain_flow(trial).to_frame()
    out = suppress_results(frame, threshold=10, **disclosure_classes(frame["estimator"]))
    counts = out[out["estimator"] == "chain_people"]
    small = frame.loc[counts.index, "n"] < 10
    assert small.any() and out.loc[small[small].index, "suppressed"].all()  # zeros too
    assert (out.loc[counts.index, "suppressed"] & ~small).any()  # secondary suppression
    assert _exact_recoveries(out, stages) == []
    # a share is hidden when its own count or its group's is
    hidden = set(counts.loc[counts["suppressed"], "term"])
    parts = out[out["estimator"] == "chain_share_clopper_pearson"]
    for term, suppressed in zip(parts["term"], parts["suppressed"], strict=True):
        whole = term.rsplit(":", 1)[0] if ":" in term else "overall"
        assert suppressed == (term in hidden or whole in hidden), term
    # the Kaplan-Meier median goes with its stage
    medians = out[out["estimator"] == "kaplan_meier_median_months"]
    for term, suppressed in zip(medians["term"], medians["suppressed"], strict=True):
        assert suppressed == (term in hidden), term


def test_a_share_without_its_counts_is_refused():
    rows = pd.DataFrame({"question": "chain", "term": ["stage=a:after=left"],
                         "estimator": "chain_share_clopper_pearson", "estimate": [0.5],
                         "n": [20]})
    with pytest.raises(ValueError, match="must both be counted"):
        suppress_results(rows, **disclosure_classes(rows["estimator"]))
    wrong = pd.DataFrame({"question": "chain", "term": ["overall"], "estimator": "chain_people",
                          "estimate": [19.0], "n": [20]})
    with pytest.raises(ValueError, match="must equal n"):
        suppress_results(wrong, **disclosure_classes(wrong["estimator"]))
