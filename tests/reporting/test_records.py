"""Records of the report: the tidy schema end to end, design records by key, and the
join of published (disclosure-controlled) records back onto the analysis for figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.analysis.estimators import UnregisteredEstimatorError, estimator_info
from iedereen_doet_mee.analysis.results import TIDY_COLUMNS, AnalysisResult, tidy_row, tidy_table
from iedereen_doet_mee.analysis.trial_analysis import TrialAnalysis
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis import diagnose_design
from iedereen_doet_mee.diagnosis.primary_precision import PrimaryPrecision
from iedereen_doet_mee.reporting import records as records_module
from iedereen_doet_mee.reporting.figures.estimates import outflow_target_figure
from iedereen_doet_mee.reporting.parts import PublishedRowsMismatchError, as_published
from iedereen_doet_mee.reporting.records import (
    DESIGN_ESTIMATORS,
    RECORD_FIELDS,
    analysis_records,
    count_records,
    design_estimator_label,
    design_records,
    record_labels,
)
from iedereen_doet_mee.simulation import simulate_trial


@pytest.fixture(scope="module")
def analysis() -> TrialAnalysis:
    return analyse_trial(simulate_trial(seed=1), n_draws=50, n_bootstrap=50)


def _published(analysis: TrialAnalysis) -> pd.DataFrame:
    return analysis_records(analysis).assign(suppressed=False)


def test_records_carry_question_outcome_and_every_tidy_column(analysis):
    assert tuple(RECORD_FIELDS) == ("question", "outcome", *TIDY_COLUMNS)
    frame = analysis_records(analysis)
    assert tuple(frame.columns) == RECORD_FIELDS
    # the statistic travels (e.g. the events of the exact binomial test)
    target = frame[(frame["question"] == "target") & (frame["term"] == "overall")
                   & (frame["estimator"] == "binomial_exact_one_sided_target_met")].iloc[0]
    assert target["statistic"] == round(target["estimate"] * target["n"])
    counts = count_records("consort", "participants", {"allocated": 100})
    assert tuple(counts.columns) == RECORD_FIELDS and math.isnan(counts["statistic"].iloc[0])


def test_design_records_are_read_by_key_and_registered():
    diagnosis = diagnose_design(TrialDesign(allocation="randomised"), sims=100, seed=2)
    mde = pd.Series({"mde": 0.3, "mde_low": 0.25, "mde_high": 0.35, "closed_form_mde": 0.2,
                     "status": "found", "null_rejection_assigned": 0.1})
    precision = PrimaryPrecision("left_benefit", "person", 0.24, 0.004, 2000, 100, 0.18,
                                 0.3, 0.95)
    frame = design_records(diagnosis, mde, precision)
    assert tuple(frame.columns) == (*RECORD_FIELDS, "suppressed")
    assert set(frame["estimator"]) == set(DESIGN_ESTIMATORS)
    primary = frame[frame["outcome"] == "left_benefit"].set_index("estimator")
    assert primary["estimate"].to_dict() == {
        "primary_outcome_expected_share": 0.24, "primary_outcome_expected_ci_width": 0.18,
        "primary_outcome_probability_target_met": 0.3}
    assert (primary["n"] == 100).all()
    by_name = frame.set_index("estimator")
    power = by_name.loc["fisher_exact_two_sided:power"]
    assert power["term"] == "pooled" and power["n"] == 100
    assert power["estimate"] == diagnosis.value("pooled|fisher_exact_two_sided", "power")
    assert tuple(by_name.loc["probability_target_met", ["estimate", "std_error"]]) == \
        diagnosis.target_met
    assert pd.isna(by_name.loc["risk_difference_block_weighted:mde_80_closed_form", "n"])
    assert frame["statistic"].isna().all() and not frame["suppressed"].any()
    empty = design_records(None, None)
    assert tuple(empty.columns) == (*RECORD_FIELDS, "suppressed") and empty.empty
    for name in DESIGN_ESTIMATORS:
        assert design_estimator_label(name, "nl") != design_estimator_label(name, "en")


def test_an_unregistered_design_estimator_raises(monkeypatch):
    with pytest.raises(UnregisteredEstimatorError, match="mde_81"):
        design_estimator_label("risk_difference_block_weighted:mde_81", "en")
    monkeypatch.delitem(records_module.DESIGN_ESTIMATORS, "probability_target_met")
    diagnosis = diagnose_design(TrialDesign(allocation="randomised"), sims=20, seed=2)
    with pytest.raises(UnregisteredEstimatorError, match="probability_target_met"):
        design_records(diagnosis, None)


def test_published_tables_hide_exactly_the_suppressed_rows(analysis):
    records = _published(analysis)
    records["suppressed"] = np.arange(len(records)) % 3 == 0
    published = as_published(analysis, records)
    numbers = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    for question, result in analysis.results.items():
        hidden = records.loc[records["question"] == question, "suppressed"].to_numpy()
        table, original = published.results[question].table, result.table
        assert table[numbers][hidden].isna().all().all()
        pd.testing.assert_frame_equal(table[~hidden], original[~hidden])


def test_the_join_is_on_keys_not_on_position(analysis):
    records = _published(analysis)
    target = records.index[(records["question"] == "target") & (records["term"] == "overall")
                           & (records["estimator"] == "proportion_wilson")]
    records.loc[target, "suppressed"] = True
    shuffled = records.sample(frac=1, random_state=3)  # another order, the same rows
    table = as_published(analysis, shuffled).results["target"].table
    row = table[(table["term"] == "overall") & (table["estimator"] == "proportion_wilson")]
    assert row["estimate"].isna().all()
    assert table["estimate"].notna().sum() == analysis.results["target"].table[
        "estimate"].notna().sum() - 1


def test_a_result_row_without_its_record_or_the_reverse_raises(analysis):
    records = _published(analysis)
    last = records.index[records["question"] == "effects"][-1]
    with pytest.raises(PublishedRowsMismatchError, match="'effects': rows of the analysis "
                                                         "without a published record"):
        as_published(analysis, records.drop(index=last))
    extra = records.loc[[last]].assign(term="band=99-100")
    with pytest.raises(PublishedRowsMismatchError, match="published records without a row "
                                                         "of the analysis: band=99-100"):
        as_published(analysis, pd.concat([records, extra]))
    with pytest.raises(PublishedRowsMismatchError, match="'suppressed'"):
        as_published(analysis, records.drop(columns="suppressed"))


def test_a_repeated_term_and_estimator_is_matched_in_order(analysis):
    rows = [tidy_row("overall", 0.1, estimator="holm_adjusted_p_value", n=50),
            tidy_row("overall", 0.2, estimator="holm_adjusted_p_value", n=50)]
    result = AnalysisResult("multiplicity", "Holm", tidy_table(rows), n=50)
    fake = TrialAnalysis(analysis.outcomes, {"multiplicity": result}, {}, 1)
    records = analysis_records(fake).assign(suppressed=[False, True])
    table = as_published(fake, records).results["multiplicity"].table
    assert table["estimate"].tolist()[0] == 0.1 and math.isnan(table["estimate"].iloc[1])
    with pytest.raises(PublishedRowsMismatchError, match=r"overall \| holm_adjusted_p_value "
                                                         r"\(#2\)"):
        as_published(fake, records.iloc[:1])


def test_a_figure_reads_a_suppressed_number_as_missing(analysis):
    records = _published(analysis)
    exact = (records["question"] == "target") & \
        (records["estimator"] == "proportion_clopper_pearson")  # the interval drawn
    records.loc[records.index[exact][0], "suppressed"] = True
    shown = outflow_target_figure(analysis.results["target"], lang="en")
    hidden = outflow_target_figure(as_published(analysis, records).results["target"],
                                   lang="en")
    drawn = [len(f.axes[0].containers) for f in (shown, hidden)]
    assert drawn[1] == drawn[0] - 1  # one interval less: nothing drawn for the hidden row
    # disclosure control hid it: "withheld", not "not estimable" (issue 13)
    assert [t.get_text() for t in hidden.axes[0].texts].count("withheld") == 1
    assert not any(t.get_text() == "not estimable" for t in hidden.axes[0].texts)


def test_record_labels_come_from_the_registries_and_refuse_an_unknown_estimator():
    frame = pd.DataFrame({"question": ["effects", "multiplicity", "design_diagnosis"],
                          "estimator": ["risk_difference_hc2_non_experimental",
                                        "associational_fisher_exact_p_holm",
                                        "risk_difference_block_weighted:power"]})
    en = record_labels(frame, "en").tolist()
    assert en[0] == estimator_info("risk_difference_hc2").en + \
        " (association, non-experimental)"
    assert en[2] == "power of the block-weighted risk difference"
    assert record_labels(frame, "nl").tolist()[2].startswith("onderscheidend vermogen")
    with pytest.raises(UnregisteredEstimatorError):
        record_labels(frame.assign(estimator="made_up_estimator"), "en")
